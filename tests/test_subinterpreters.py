"""Sub-interpreters: stock behaviour everywhere, the native path only where it is valid.

``flask_fastsession._native`` serves the first interpreter of a process that
imports it. Any other interpreter (mod_wsgi's per-application
sub-interpreters, uWSGI's multi-mount) must get stock Flask's cookies, values
and exceptions through the same ``FastSessionInterface``, and an interpreter
that cannot import the extension at all (one with its own GIL) must still
import the package.

Each test runs ``_subinterp_scenario.py`` in a fresh process, with the main
interpreter and one sub-interpreter, ``legacy`` (sharing the main GIL, as
mod_wsgi and uWSGI create them) or ``isolated`` (its own GIL, Python 3.12+),
in one of three orders (see ``ORDERS`` there). Every interpreter compares
``FastSessionInterface`` with stock Flask's interface in that same
interpreter, at the same patched ``time.time``. A crash (a negative return
code) is a failure.

Before each such process a control process runs the same steps with stock
sessions only, flask_fastsession never imported: where stock Flask alone
crashes the process, the test is skipped and says what was observed.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import signal
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

from _subinterp_scenario import ORDERS
from flask_fastsession import _native_loader

TESTS_DIR = Path(__file__).resolve().parent
SCENARIO = TESTS_DIR / "_subinterp_scenario.py"

KINDS = ("legacy", "isolated")


def _unsupported(kind: str) -> str | None:
    """Why this Python cannot create a ``kind`` sub-interpreter, or None."""
    if importlib.util.find_spec("_interpreters") is None and importlib.util.find_spec("_xxsubinterpreters") is None:
        return "this Python has neither _interpreters (3.13+) nor _xxsubinterpreters (3.10-3.12)"
    if kind == "isolated" and sys.version_info < (3, 12):
        return (
            "interpreters with their own GIL exist from Python 3.12 on; _xxsubinterpreters.create() "
            "before 3.12 only makes legacy ones (tested)"
        )
    return None


def _how(returncode: int) -> str:
    if returncode < 0:
        return f"killed by {signal.Signals(-returncode).name}"
    return f"exit status {returncode}"


class _Run(t.NamedTuple):
    returncode: int
    stderr: str
    #: The scenario's result of each step (``main before``, ``sub``, ``main after``, ``main``).
    steps: dict[str, dict[str, t.Any]]


def _run(args: list[str], out_dir: Path) -> _Run:
    out_dir.mkdir()
    proc = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-W", "error", str(SCENARIO), *args],
        cwd=TESTS_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    steps = {}
    for path in sorted(out_dir.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        if text:
            steps[path.stem] = json.loads(text)
    return _Run(proc.returncode, proc.stderr, steps)


def _assert_same_as_stock(step: str, result: dict[str, t.Any]) -> None:
    """Every response and outcome of fast equals stock's, in this interpreter."""
    assert "import error" not in result, f"{step}: {result['import error']}"
    assert "error" not in result, f"{step}: {result['error']}"
    pairs = result["pairs"]
    for name, (stock, fast) in pairs.items():
        assert fast == stock, f"{step}, {name}: fast differs from stock"
    for name in ("read own", "read other's"):
        checks = json.loads(pairs[name][0]["body"])["checks"]
        assert checks and all(checks.values()), f"{step}, {name}: {checks}"
    for name in ("loads tampered", "loads expired"):
        assert pairs[name][0]["caught by except BadSignature"] is True, f"{step}, {name}: {pairs[name][0]}"
    assert pairs["loads expired"][0]["is SignatureExpired"] is True
    assert any(k == "Set-Cookie" and "Expires=" in v for k, v in pairs["set"][0]["headers"])


def _assert_path(step: str, result: dict[str, t.Any], native: bool, reason: str = "") -> None:
    """The interpreter takes the native path iff ``native``; otherwise every
    place that reports it says why (``reason`` is part of the why)."""
    for key in ("native", "native after"):
        state = result[key]
        assert state["uses_native"] is native, f"{step}: uses_native should be {native}: {state}"
        assert state["NATIVE_AVAILABLE"] is native, f"{step}: {state}"
        assert state["version"] == importlib.metadata.version("flask-fastsession")
        if native:
            assert state["UNAVAILABLE_REASON"] is None and state["why_not_native"] == []
        else:
            assert reason in state["UNAVAILABLE_REASON"], f"{step}: {state}"
            assert state["why_not_native"] == [f"native path unavailable: {state['UNAVAILABLE_REASON']}"]
            assert state["payload_memo_enabled"] is False
    check = result["check"]
    if native:
        assert check["status"] == 0, f"{step}: {check['output']}"
    else:
        # Only "uses_native(default app) is True" differs, and the output says why.
        assert check["status"] == 1, f"{step}: {check['output']}"
        assert "FAILED: 1 of " in check["output"], f"{step}: {check['output']}"
        assert result["native"]["UNAVAILABLE_REASON"] in check["output"]


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("kind", KINDS)
def test_sub_interpreter(kind: str, order: str, tmp_path: Path) -> None:
    unsupported = _unsupported(kind)
    if unsupported:
        pytest.skip(unsupported)

    control = _run([kind, order, str(tmp_path / "stock"), "stock"], tmp_path / "stock")
    if control.returncode < 0:
        last = control.stderr.strip().splitlines()[:1]
        pytest.skip(
            f"stock Flask alone, order {order}, {kind} sub-interpreter, is {_how(control.returncode)} "
            f"on Python {sys.version.split()[0]} ({last[0] if last else 'no message'})"
        )
    assert control.returncode == 0, control.stderr
    for step, result in control.steps.items():
        assert "error" not in result and "import error" not in result, f"control, {step}: {result}"

    run = _run([kind, order, str(tmp_path / "fast"), "both"], tmp_path / "fast")
    assert run.returncode == 0, f"{_how(run.returncode)}:\n{run.stderr}"
    expected = {"sub", "main after"} | ({"main before"} if order == "main-first" else set())
    assert set(run.steps) == expected, run.stderr

    # Which interpreter owns the native module: the main one, unless a legacy
    # sub-interpreter imported the package first (an isolated one cannot
    # import the extension at all).
    sub_owns = kind == "legacy" and order == "sub-imports-first"
    if kind == "isolated":
        sub_reason = "flask_fastsession._native cannot be imported here"
    else:
        sub_reason = "flask_fastsession._native serves interpreter 0, the first of this process"
    for step, result in run.steps.items():
        _assert_same_as_stock(step, result)
        if step == "sub":
            _assert_path(step, result, native=sub_owns, reason=sub_reason)
        else:
            _assert_path(step, result, native=not sub_owns, reason="serves interpreter ")


def test_package_works_without_native(tmp_path: Path) -> None:
    """An ImportError of ``flask_fastsession._native`` (what an isolated
    sub-interpreter raises) leaves the package importable and working as
    stock, and ``check`` says why."""
    run = _run(["without-native", str(tmp_path / "out")], tmp_path / "out")
    assert run.returncode == 0, f"{_how(run.returncode)}:\n{run.stderr}"
    result = run.steps["main"]
    _assert_same_as_stock("main", result)
    _assert_path("main", result, native=False, reason="blocked for the test")
    assert result["modules"]["flask_fastsession._native"] is False


def test_this_interpreter_owns_the_native_module() -> None:
    """The suite's own interpreter imported the extension first."""
    from flask_fastsession import _native

    owner, current = _native.interpreter_ids()
    assert owner == current
    assert _native_loader.NATIVE_AVAILABLE is True
    assert _native_loader.UNAVAILABLE_REASON is None
    assert _native_loader.native is _native
