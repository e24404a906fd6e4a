"""Pathological depth: the interpreter must survive, and fast must do what stock does.

Stock's tagger recurses in Python, so ``dumps`` of a 10,000-deep structure or of a
self-referencing container raises ``RecursionError``; ``loads`` of a validly signed cookie
holding 100,000 nested arrays raises ``BadPayload`` (json's C scanner hits the recursion
limit). How deep stock gets, and how it fails, depends on the interpreter (CPython 3.12
and 3.13 also cap the C JSON encoder's recursion; on 3.10 Python calls recurse on the C
stack), so no test assumes it: stock runs first, alone, in a subprocess, and its observed
outcome is the expectation. Then fast runs alone in a subprocess: a crash there is a
failure (a clean one, not a dead test run), and so is any other outcome than stock's.
Finally both run in one process (pytest's own, under its deeper stack, when the limits are
the default ones) for the full comparison: same bytes, same values, same exception
classes and messages.

Depths between ~340 and ~10,000 are deliberately not tested: there stock's outcome
depends on the current Python stack depth and recursion limit, which no native code can
reproduce exactly.

At the end, through tests/hostile.py's ``Harness`` (every max-age and ``open_session``),
each first run alone in a subprocess so a native stack overflow is a test failure instead
of a dead run: the deepest array/object a cookie-sized compressed payload can carry
(megabytes once decompressed), and cycles and 100,000-level nesting through the ``" di"``
tag, dict/list subclasses and longer reference cycles.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import typing as t
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from itsdangerous import BadPayload

from differential import Cycle
from differential import Outcome
from differential import Pair
from differential import assert_native
from differential import assert_same_cycle
from differential import assert_same_exception
from differential import assert_same_outcome
from differential import dumps_outcome
from differential import frozen
from differential import loads_outcome
from differential import make_app
from differential import make_pair
from differential import open_session_outcome
from differential import outcome
from differential import run_cycle
from differential import sign_payload
from hostile import LIFETIME
from hostile import assert_same_deep_loads
from hostile import assert_same_deep_outcome
from hostile import nested_payload
from hostile import pinned_harness
from hostile import signed

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
                assert_same_deep_loads(stock, fast)
            if len(cookie) < 8000:  # open_session only for cookie-sized payloads
                assert_same_deep_loads(open_session_outcome(pair.stock, cookie), open_session_outcome(pair.fast, cookie))
        assert_same_outcome(dumps_outcome(pair.stock, {"after": [1]}), dumps_outcome(pair.fast, {"after": [1]}))


# --------------------------------------------------------------------------------------
# One side at a time, in a subprocess: what stock does here, and whether fast does it too


def _digest(value: t.Any) -> str:
    """A digest of ``value``'s types and scalars, walked without recursion (loaded values
    may be nested deeper than ``repr`` can go)."""
    h = hashlib.sha256()
    stack = [value]
    while stack:
        v = stack.pop()
        h.update(type(v).__qualname__.encode() + b"\0")
        if isinstance(v, dict):
            h.update(b"%d\0" % len(v))
            for k, x in reversed(list(v.items())):
                stack.extend((x, k))
        elif isinstance(v, (list, tuple)):
            h.update(b"%d\0" % len(v))
            stack.extend(reversed(v))
        else:
            h.update(repr(v).encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()


def _summary_of_error(e: BaseException) -> dict[str, t.Any]:
    """What must match of an exception: its class; its message unless it is a
    RecursionError (which says where the limit was hit); for BadPayload the class of
    ``original_error``, the way ``assert_same_deep_loads`` compares it."""
    original = getattr(e, "original_error", None) if isinstance(e, BadPayload) else None
    return {
        "raised": f"{type(e).__module__}.{type(e).__qualname__}",
        "message": None if isinstance(e, RecursionError) else str(e),
        "original": None if original is None else f"{type(original).__module__}.{type(original).__qualname__}",
    }


def _summary(result: Outcome | Cycle) -> dict[str, t.Any]:
    if result.error is not None:
        return _summary_of_error(result.error)
    if isinstance(result, Cycle):
        return {"status": result.status, "headers": result.headers, "captured": _digest(result.captured)}
    return {"value": _digest(result.value)}


def dumps_summaries(side: str, name: str) -> list[dict[str, t.Any]]:
    """``check_dumps``'s steps for one side only."""
    app = make_app(side)
    value = DUMPS_VALUES[name]()
    with frozen():
        rv = [_summary(dumps_outcome(app, value, in_context=c)) for c in (True, False)]
        rv.append(_summary(run_cycle(app, lambda s: s.update(v=value))))
        rv.append(_summary(dumps_outcome(app, {"after": [1]})))
    return rv


def loads_summaries(side: str, name: str) -> list[dict[str, t.Any]]:
    """``check_loads``'s steps for one side only (cookies signed by stock's signer)."""
    app = make_app(side)
    rv = []
    with frozen():
        for compressed in (True, False):
            cookie = sign_payload(make_app("stock"), LOADS_PAYLOADS[name](), compressed=compressed)
            for in_context in (True, False):
                rv.append(_summary(loads_outcome(app, cookie, max_age=60, in_context=in_context)))
            if len(cookie) < 8000:
                rv.append(_summary(open_session_outcome(app, cookie)))
        rv.append(_summary(dumps_outcome(app, {"after": [1]})))
    return rv


def raised_limit_summaries(side: str, name: str) -> list[dict[str, t.Any]]:
    """``check_dumps_raised_limit``'s steps for one side only."""
    app = make_app(side)
    value = DUMPS_VALUES[name]()
    with frozen():
        dumped = dumps_outcome(app, value)
        rv = [_summary(dumped)]
        if dumped.error is None:
            rv.append(_summary(loads_outcome(app, dumped.value, max_age=60)))
    return rv


_SCRIPT = """
import json, sys, threading, traceback
sys.path.insert(0, {tests!r})
limit, stack_mib = {limit!r}, {stack_mib!r}
if limit is not None:
    sys.setrecursionlimit(limit)
import test_deep
result = {{}}
def main():
    try:
        result["value"] = getattr(test_deep, sys.argv[1])(*sys.argv[2:])
    except BaseException:
        result["error"] = traceback.format_exc()
if stack_mib is not None:
    threading.stack_size(stack_mib << 20)
    thread = threading.Thread(target=main)
    thread.start()
    thread.join()
else:
    main()
if "error" in result:
    sys.exit("FAILED\\n" + result["error"])
print("SURVIVED " + json.dumps(result["value"]))
"""


@dataclass
class Isolated:
    """How a function ran in a subprocess: its JSON result, or how it died."""

    what: str
    returncode: int
    stdout: str
    stderr: str

    @property
    def crashed(self) -> bool:
        """Killed by a signal or a fatal error, not ended by a Python exception."""
        return self.returncode < 0 or "Fatal Python error" in self.stderr

    def assert_survived(self) -> None:
        """The function returned (no crash, no exception)."""
        assert self.returncode == 0 and self.stdout.startswith("SURVIVED "), self.report()

    @property
    def result(self) -> t.Any:
        self.assert_survived()
        return json.loads(self.stdout[len("SURVIVED ") :])

    def report(self) -> str:
        how = "crashed" if self.crashed else "failed"
        return (
            f"{self.what} in a subprocess {how}: exit status {self.returncode}"
            f" (negative = killed by that signal)\nstdout: {self.stdout[-2000:]}\nstderr: {self.stderr[-4000:]}"
        )


def run_isolated(
    func: str, *args: str, recursion_limit: int | None = None, stack_mib: int | None = None
) -> Isolated:
    """``test_deep.<func>(*args)`` in a fresh interpreter, with this recursion limit, in a
    thread with a ``stack_mib`` MiB stack if given (else in the main thread)."""
    script = _SCRIPT.format(tests=str(TESTS_DIR), limit=recursion_limit, stack_mib=stack_mib)
    proc = subprocess.run(
        [sys.executable, "-c", script, func, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},
    )
    what = f"{func}({', '.join(map(repr, args))})"
    return Isolated(what, proc.returncode, proc.stdout.strip(), proc.stderr.strip())


def stock_then_fast(summaries: str, name: str, **kwargs: t.Any) -> bool:
    """Run ``summaries`` for stock, then for fast, each alone in a subprocess, and compare
    fast with what stock was seen to do. Fast crashing fails the test. Returns whether
    stock survived (only then can both run in one process for the full comparison)."""
    stock = run_isolated(summaries, "stock", name, **kwargs)
    fast = run_isolated(summaries, "fast", name, **kwargs)
    assert fast.returncode == 0, fast.report()
    if stock.crashed:
        # Nothing to compare with: stock's own code kills the interpreter here, and fast
        # survived (checked above), which is what SPEC asks of it.
        return False
    assert fast.result == stock.result, f"{name}: fast did not do what stock did\nstock: {stock.result}\nfast: {fast.result}"
    return True


@pytest.mark.parametrize("name", list(DUMPS_VALUES))
def test_deep_dumps(name: str) -> None:
    if stock_then_fast("dumps_summaries", name):
        check_dumps(name)


@pytest.mark.parametrize("name", list(LOADS_PAYLOADS))
def test_deep_loads(name: str) -> None:
    if stock_then_fast("loads_summaries", name):
        check_loads(name)


#: The raised recursion limit, and the C stack that goes with it. On CPython 3.10 Python
#: calls recurse on the C stack, and stock's tagger overflows the main thread's (8 MiB on
#: Linux) around 10,000 levels even with this limit: a program that raises the limit this
#: far has to give itself the stack too, so the scenario runs in a thread with a big one.
RAISED_LIMIT = 50_000
RAISED_STACK_MIB = 256


@pytest.mark.parametrize("name", ["list-10k", "dict-10k"])
def test_deep_dumps_with_raised_recursion_limit(name: str) -> None:
    """With sys.setrecursionlimit(50_000), whatever stock does with 10,000 levels, fast
    does: the same cookie where stock writes one (3.10, 3.11), the same exception where
    it raises (3.12 and 3.13: the C JSON encoder keeps its own recursion cap, about
    1,490 and 9,990 levels of lists), never a crash."""
    kwargs = {"recursion_limit": RAISED_LIMIT, "stack_mib": RAISED_STACK_MIB}
    if stock_then_fast("raised_limit_summaries", name, **kwargs):
        both = run_isolated("check_dumps_raised_limit", name, **kwargs)
        assert both.returncode == 0, both.report()


def check_dumps_raised_limit(name: str) -> None:
    pair = _pair()
    value = DUMPS_VALUES[name]()
    with frozen():
        stock = dumps_outcome(pair.stock, value)
        fast = dumps_outcome(pair.fast, value)
        # A RecursionError's message depends on where the limit is hit: type only.
        assert_same_outcome(stock, fast, check_message=not isinstance(stock.error, RecursionError))
        if stock.error is None:
            assert_same_deep_loads(
                loads_outcome(pair.stock, stock.value, max_age=60), loads_outcome(pair.fast, stock.value, max_age=60)
            )


# --------------------------------------------------------------------------------------
# The deepest a cookie can carry, and cycles through tags and subclasses (tests/hostile.py's
# Harness: every max-age and open_session, every difference recorded)


#: The largest cookie browsers keep is about 4 KiB (name, value and attributes).
COOKIE_BUDGET = 4000


def deepest(kind: str) -> tuple[int, bytes]:
    """The deepest ``kind`` nesting (to within 2%) whose compressed, signed cookie fits
    COOKIE_BUDGET: zlib output grows about linearly with the depth, so extrapolate twice
    from 100,000 levels, then step down until it fits."""
    zlib_budget = (COOKIE_BUDGET - 60) * 3 // 4  # base64 and ~60 bytes of ts + sig
    depth = 100_000
    for _ in range(2):
        depth = depth * zlib_budget // len(zlib.compress(nested_payload(kind, depth)))
    while len(zlib.compress(payload := nested_payload(kind, depth))) > zlib_budget:
        depth = depth * 98 // 100
    return depth, payload


DEEP_LOADS = ("array", "object", "tuple", "di", "mixed")


def check_deepest_cookie(kind: str) -> None:
    """Loads of the deepest cookie-sized payload: stock's BadPayload(RecursionError)."""
    with pinned_harness() as h:
        depth, payload = deepest(kind)
        assert len(payload) > 1_000_000, (depth, len(payload))  # megabytes decompressed
        cookie = signed(h, payload, compressed=True)
        assert len(cookie) <= COOKIE_BUDGET, len(cookie)
        stock_s, _ = h.serializers()
        premise = outcome(lambda: stock_s.loads(cookie))
        assert isinstance(premise.error, BadPayload), premise
        h.compare(f"deepest {kind} ({depth} levels)", cookie, (None, LIFETIME, 10**9), same=assert_same_deep_outcome)
        # Truncated inside the nesting (unclosed): still stock's error.
        unclosed = signed(h, payload[: len(payload) // 2], compressed=True)
        h.compare(f"deepest {kind}, unclosed", unclosed, same=assert_same_deep_outcome)
        h.assert_clean()


def _self_di() -> t.Any:
    d: dict[str, t.Any] = {}
    d[" t"] = d  # one key that is a tag key: the " di" tag recurses into it
    return {"x": d}


def _cycle3() -> t.Any:
    a: list[t.Any] = []
    b: dict[str, t.Any] = {"a": a}
    c = (b,)
    a.append(c)
    return {"start": a}


class _Dict(dict):  # type: ignore[type-arg]
    pass


class _List(list):  # type: ignore[type-arg]
    pass


def _nest(depth: int, wrap: Callable[[t.Any], t.Any], leaf: t.Any = None) -> t.Any:
    v = leaf
    for _ in range(depth):
        v = wrap(v)
    return v


def _self_in_dict(d: dict[str, t.Any]) -> t.Any:
    d["s"] = d
    return {"d": d}


def _self_in_list(lst: list[t.Any]) -> t.Any:
    lst.append(lst)
    return {"l": lst}


def _self_dict_two_keys() -> t.Any:
    d: dict[str, t.Any] = {}
    d["b"] = d
    d["a"] = 1
    return d


DEEP_DUMPS: dict[str, Callable[[], t.Any]] = {
    "self via ' di'": _self_di,
    "cycle list->dict->tuple": _cycle3,
    "self in dict subclass": lambda: _self_in_dict(_Dict()),
    "self in OrderedDict": lambda: _self_in_dict(OrderedDict()),
    "self in list subclass": lambda: _self_in_list(_List()),
    "self dict, two keys": _self_dict_two_keys,
    "di 100k": lambda: {"v": _nest(100_000, lambda v: {" t": v})},
    "dict subclass 100k": lambda: {"v": _nest(100_000, lambda v: _Dict(a=v))},
    "list subclass 100k": lambda: {"v": _nest(100_000, lambda v: _List([v]))},
    "OrderedDict 100k": lambda: {"v": _nest(100_000, lambda v: OrderedDict(a=v))},
    "tuple in list 100k": lambda: {"v": _nest(100_000, lambda v: [(v,)])},
    "bytes leaf 100k": lambda: {"v": _nest(100_000, lambda v: [v], leaf=b"\x00")},
    "datetime leaf 100k": lambda: {"v": _nest(100_000, lambda v: {"k": v}, leaf=dt.datetime(2020, 1, 1))},
    "300 keys each 60 deep": lambda: {f"k{i}": _nest(60, lambda v: [v]) for i in range(300)},
}


def check_deep_dumps(name: str) -> None:
    value = DEEP_DUMPS[name]()
    with pinned_harness() as h:
        stock_s, fast_s = h.serializers()
        for sort_keys in (False, True):
            h.app.json.sort_keys = sort_keys  # type: ignore[attr-defined]
            stock = outcome(lambda: stock_s.dumps(value))
            fast = outcome(lambda: fast_s.dumps(value))
            try:
                assert_same_deep_outcome(stock, fast)
            except AssertionError as e:
                h.failures.append(f"[{name}] dumps(sort_keys={sort_keys}): {e}")
            if not stock.raised:
                h.compare(f"{name}: loads of stock's cookie", stock.value, same=assert_same_deep_outcome)
        # Still alive and still right afterwards.
        small = {"after": (1, b"x")}
        assert stock_s.dumps(small) == fast_s.dumps(small)
        h.assert_clean()


@pytest.mark.parametrize("kind", DEEP_LOADS)
def test_deepest_cookie_sized_payload(kind: str) -> None:
    run_isolated("check_deepest_cookie", kind).assert_survived()
    check_deepest_cookie(kind)


@pytest.mark.parametrize("name", list(DEEP_DUMPS))
def test_deep_and_cyclic_dumps(name: str) -> None:
    run_isolated("check_deep_dumps", name).assert_survived()
    check_deep_dumps(name)
