"""Pathological depth: the interpreter must survive, and fast must fail like stock.

Stock's tagger recurses in Python, so ``dumps`` of a 10,000-deep structure or of a
self-referencing container raises ``RecursionError``; ``loads`` of a validly signed cookie
holding 100,000 nested arrays raises ``BadPayload`` (json's C scanner hits the recursion
limit). A native implementation that recursed on the C stack would crash the process
instead, so every scenario first runs in a subprocess (a crash there is a clean test
failure, not a dead test run), then in-process under pytest's deeper stack.

Depths between ~340 and ~10,000 are deliberately not tested: there stock's outcome
depends on the current Python stack depth and recursion limit, which no native code can
reproduce exactly.
"""

from __future__ import annotations

import os
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

from differential import (
    Outcome,
    Pair,
    assert_native,
    assert_same_cycle,
    assert_same_exception,
    assert_same_outcome,
    dumps_outcome,
    frozen,
    loads_outcome,
    make_pair,
    open_session_outcome,
    run_cycle,
    sign_payload,
)

TESTS_DIR = Path(__file__).resolve().parent


def nested_list(depth: int) -> t.Any:
    v: t.Any = []
    for _ in range(depth):
        v = [v]
    return v


def nested_dict(depth: int) -> t.Any:
    v: t.Any = {}
    for _ in range(depth):
        v = {"a": v}
    return v


def nested_tuple(depth: int) -> t.Any:
    v: t.Any = ()
    for _ in range(depth):
        v = (v,)
    return v


def nested_mixed(depth: int) -> t.Any:
    v: t.Any = None
    for i in range(depth):
        v = [v] if i % 3 == 0 else ({"k": v} if i % 3 == 1 else (v, 1))
    return v


def self_list() -> t.Any:
    a: list[t.Any] = [1]
    a.append(a)
    return a


def self_dict() -> t.Any:
    d: dict[str, t.Any] = {"x": 1}
    d["self"] = d
    return d


def self_via_tuple() -> t.Any:
    a: list[t.Any] = []
    a.append((a,))
    return {"outer": a}


DUMPS_VALUES: dict[str, t.Callable[[], t.Any]] = {
    "list-10k": lambda: nested_list(10_000),
    "dict-10k": lambda: nested_dict(10_000),
    "tuple-10k": lambda: nested_tuple(10_000),
    "mixed-20k": lambda: nested_mixed(20_000),
    "list-100k": lambda: nested_list(100_000),
    "session-dict-100k": lambda: {"deep": nested_dict(100_000)},
    "self-list": self_list,
    "self-dict": self_dict,
    "self-via-tuple": self_via_tuple,
    "shallow-50": lambda: {"ok": nested_mixed(50)},
}

LOADS_PAYLOADS: dict[str, t.Callable[[], bytes]] = {
    "array-100k": lambda: b"[" * 100_000 + b"]" * 100_000,
    "object-100k": lambda: b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "tagged-tuple-100k": lambda: b'{" t":[' * 100_000 + b"]}" * 100_000,
    "unclosed-100k": lambda: b"[" * 100_000,
    "array-100": lambda: b"[" * 100 + b"]" * 100,
    "object-100": lambda: b'{"a":' * 100 + b"1" + b"}" * 100,
}


def _pair() -> Pair:
    return make_pair()


def check_dumps(name: str) -> None:
    pair = _pair()
    assert_native(pair.fast)
    value = DUMPS_VALUES[name]()
    with frozen():
        for in_context in (True, False):
            stock = dumps_outcome(pair.stock, value, in_context=in_context)
            fast = dumps_outcome(pair.fast, value, in_context=in_context)
            if name.startswith(("list", "dict", "tuple", "mixed", "session", "self")):
                assert isinstance(stock.error, RecursionError), stock  # the premise
            # RecursionError's message depends on where the limit is hit: type only.
            assert_same_outcome(stock, fast, check_message=False)
        # In a whole request cycle too (save_session -> dumps).
        stock_c = run_cycle(pair.stock, lambda s: s.update(v=value))
        fast_c = run_cycle(pair.fast, lambda s: s.update(v=value))
        if stock_c.error is not None:
            assert fast_c.error is not None, fast_c
            assert_same_exception(stock_c.error, fast_c.error, check_message=False)
        else:
            assert_same_cycle(stock_c, fast_c)
        # Still alive and still right.
        assert_same_outcome(dumps_outcome(pair.stock, {"after": [1]}), dumps_outcome(pair.fast, {"after": [1]}))


def check_loads(name: str) -> None:
    pair = _pair()
    with frozen():
        for compressed in (True, False):
            cookie = sign_payload(pair.stock, LOADS_PAYLOADS[name](), compressed=compressed)
            for in_context in (True, False):
                stock = loads_outcome(pair.stock, cookie, max_age=60, in_context=in_context)
                fast = loads_outcome(pair.fast, cookie, max_age=60, in_context=in_context)
                _same_deep_outcome(stock, fast)
            if len(cookie) < 8000:  # open_session only for cookie-sized payloads
                _same_deep_outcome(open_session_outcome(pair.stock, cookie), open_session_outcome(pair.fast, cookie))
        assert_same_outcome(dumps_outcome(pair.stock, {"after": [1]}), dumps_outcome(pair.fast, {"after": [1]}))


def _same_deep_outcome(stock: Outcome, fast: Outcome) -> None:
    """Same value, or same exception; a BadPayload wrapping a RecursionError is compared by
    class and message, its ``original_error`` by class only."""
    from itsdangerous import BadPayload

    if isinstance(stock.error, BadPayload) and isinstance(stock.error.original_error, RecursionError):
        assert isinstance(fast.error, BadPayload), fast
        assert str(fast.error) == str(stock.error)
        assert type(fast.error.original_error) is RecursionError, repr(fast.error.original_error)
        return
    assert_same_outcome(stock, fast)


# --------------------------------------------------------------------------------------
# Subprocess first (survival), then in-process


_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
import test_deep
getattr(test_deep, sys.argv[1])(sys.argv[2])
print("SURVIVED")
"""


def run_isolated(func: str, name: str, *, recursion_limit: int | None = None) -> None:
    script = _SCRIPT.format(tests=str(TESTS_DIR))
    if recursion_limit is not None:
        script = f"import sys; sys.setrecursionlimit({recursion_limit})\n" + script
    proc = subprocess.run(
        [sys.executable, "-c", script, func, name],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},
    )
    assert proc.returncode == 0 and "SURVIVED" in proc.stdout, (
        f"{func}({name!r}) in a subprocess exited with {proc.returncode}"
        f" (negative = killed by that signal)\nstdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-4000:]}"
    )


@pytest.mark.parametrize("name", list(DUMPS_VALUES))
def test_deep_dumps(name: str) -> None:
    run_isolated("check_dumps", name)
    check_dumps(name)


@pytest.mark.parametrize("name", list(LOADS_PAYLOADS))
def test_deep_loads(name: str) -> None:
    run_isolated("check_loads", name)
    check_loads(name)


@pytest.mark.parametrize("name", ["list-10k", "dict-10k"])
def test_deep_dumps_with_raised_recursion_limit(name: str) -> None:
    """With sys.setrecursionlimit(50_000) stock serialises 10,000 levels: so must fast
    (identical bytes), without crashing."""
    run_isolated("check_dumps_raised_limit", name, recursion_limit=50_000)


def check_dumps_raised_limit(name: str) -> None:
    pair = _pair()
    value = DUMPS_VALUES[name]()
    with frozen():
        stock = dumps_outcome(pair.stock, value)
        fast = dumps_outcome(pair.fast, value)
        assert not stock.raised, stock  # the premise: stock copes at this limit
        assert_same_outcome(stock, fast)
        _same_deep_outcome(
            loads_outcome(pair.stock, stock.value, max_age=60), loads_outcome(pair.fast, stock.value, max_age=60)
        )
