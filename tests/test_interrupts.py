"""Exceptions that are not errors propagate out of the native path as they do out of stock.

``KeyboardInterrupt``, ``SystemExit``, ``GeneratorExit`` (every ``BaseException`` that is not
an ``Exception``) and ``MemoryError``, raised by user code the native walk calls back into
(the provider's ``default()``, ``__html__``, a key's ``__str__``, a UUID subclass's ``hex``,
a dict subclass's ``items()``, a tzinfo's ``utcoffset`` under ``astimezone``; ``Markup``,
``UUID``, ``parse_date`` and ``b64decode`` on loads), must reach the caller: never
swallowed, never answered by re-running the call through stock code (which would run the
callback a second time and could return a value where stock raised). Stock is the oracle
for the class raised (on loads, itsdangerous wraps a ``MemoryError`` in ``BadPayload``) and
for the number of callback calls.

The signal test runs in a subprocess: a ``SIGALRM`` timer whose handler raises
``KeyboardInterrupt`` fires while sessions holding ``__html__`` values are dumped, and every
interrupt the handler raised must come out of the loop, for stock and fast alike.
"""

from __future__ import annotations

import base64
import email.utils
import json
import subprocess
import sys
import textwrap
import typing as t
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from datetime import tzinfo

import markupsafe
import pytest
from flask import Flask
from itsdangerous import BadPayload
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder

from differential import FROZEN_AT
from differential import assert_native
from differential import assert_same_exception
from differential import frozen
from differential import make_pair
from differential import sign_payload
from differential import signing_serializer

#: What a callback raises: each of these must come out of the call unchanged.
PROPAGATING: list[type[BaseException]] = [KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError]


@dataclass
class Result:
    """What a call did: its value or the exception it raised, and how often the callback ran."""

    value: t.Any = None
    error: BaseException | None = None
    calls: int = 0


class Callback:
    """A callback that counts its calls and raises ``exc``."""

    def __init__(self, exc: type[BaseException]) -> None:
        self.exc = exc
        self.calls = 0

    def __call__(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        self.calls += 1
        raise self.exc("raised by a callback")


def run(fn: Callable[[], t.Any], callback: Callback) -> Result:
    callback.calls = 0
    try:
        return Result(value=fn(), calls=callback.calls)
    except BaseException as e:  # KeyboardInterrupt and SystemExit are the point here
        return Result(error=e, calls=callback.calls)


def assert_same(stock: Result, fast: Result) -> None:
    assert stock.error is not None, f"stock returned {stock.value!r}"
    assert fast.error is not None, f"stock raised {stock.error!r}, fast returned {fast.value!r}"
    assert_same_exception(stock.error, fast.error)
    assert stock.calls == 1, stock.calls
    assert fast.calls == stock.calls, f"the callback ran {fast.calls} times (stock: once)"


# --------------------------------------------------------------------------------------
# dumps: user code called while the session is tagged and encoded


def _html_value(cb: Callback) -> t.Any:
    class Html:
        def __html__(self) -> str:
            return cb()  # type: ignore[no-any-return]

    return {"v": Html()}


def _key_str_value(cb: Callback) -> t.Any:
    # A one-key dict whose key equals a tag key is TagDict'ed: f"{key}__" calls __str__.
    class Key(str):
        def __str__(self) -> str:
            return cb()  # type: ignore[no-any-return]

    return {"v": {Key(" m"): 1}}


def _uuid_hex_value(cb: Callback) -> t.Any:
    class U(uuid.UUID):
        @property
        def hex(self) -> str:  # type: ignore[override]
            return cb()  # type: ignore[no-any-return]

    return {"v": U(int=7)}


def _dict_items_value(cb: Callback) -> t.Any:
    class D(dict):  # type: ignore[type-arg]
        def items(self) -> t.Any:
            return cb()

    return {"v": D(a=1, b=2)}


def _astimezone_value(cb: Callback) -> t.Any:
    class Zone(tzinfo):
        def utcoffset(self, dt: datetime | None) -> timedelta:
            return cb()  # type: ignore[no-any-return]

    return {"v": datetime(2024, 1, 2, 3, 4, 5, tzinfo=Zone())}  # type: ignore[abstract]  # utcoffset only


def _default_value(cb: Callback) -> t.Any:
    return {"v": object()}


DUMPS_CASES: dict[str, Callable[[Callback], t.Any]] = {
    "default()": _default_value,
    "__html__": _html_value,
    "key __str__": _key_str_value,
    "UUID subclass hex": _uuid_hex_value,
    "dict subclass items()": _dict_items_value,
    "astimezone": _astimezone_value,
}


def _set_default(app: Flask, cb: Callback) -> None:
    app.json.default = cb  # type: ignore[attr-defined]


def _save_session(app: Flask, value: t.Any) -> t.Any:
    iface = app.session_interface
    sess = iface.session_class(value)  # type: ignore[attr-defined]
    sess.modified = True
    response = app.response_class()
    with app.test_request_context():
        iface.save_session(app, sess, response)
    return response.headers.getlist("Set-Cookie")


@pytest.mark.parametrize("exc", PROPAGATING, ids=lambda e: e.__name__)
@pytest.mark.parametrize("case", DUMPS_CASES)
@pytest.mark.parametrize("via", ["serializer", "save_session"])
def test_dumps_callback_exception_propagates(case: str, exc: type[BaseException], via: str) -> None:
    cb = Callback(exc)
    results = []
    for app in make_pair().both():
        if case == "default()":
            _set_default(app, cb)
        value = DUMPS_CASES[case](cb)
        if via == "serializer":
            s = signing_serializer(app)

            def call() -> t.Any:
                with app.app_context():
                    return s.dumps(value)

        else:

            def call() -> t.Any:
                return _save_session(app, value)

        results.append(run(call, cb))
    stock, fast = results
    assert_native(make_pair().fast)
    assert_same(stock, fast)


def test_dumps_ordinary_exception_still_answered_by_stock() -> None:
    """A ``ValueError`` from ``__html__`` is stock's to raise, with stock's own traceback."""
    cb = Callback(ValueError)
    results = []
    for app in make_pair().both():
        s = signing_serializer(app)
        value = _html_value(cb)

        def call() -> t.Any:
            with app.app_context():
                return s.dumps(value)

        results.append(run(call, cb))
    stock, fast = results
    assert stock.error is not None and fast.error is not None
    assert_same_exception(stock.error, fast.error)


# --------------------------------------------------------------------------------------
# loads: the constructors the untagging calls


LOADS_CASES: dict[str, tuple[bytes, Callable[[pytest.MonkeyPatch, Callback], None]]] = {
    "Markup": (
        b'{"v":{" m":"<b>x</b>"}}',
        lambda mp, cb: mp.setattr(markupsafe.Markup, "__new__", cb),
    ),
    "UUID": (
        # Not the 32 lowercase hex digits dumps writes: built by UUID(value).
        b'{"v":{" u":"6BA7B810-9DAD-11D1-80B4-00C04FD430C8"}}',
        lambda mp, cb: mp.setattr(uuid.UUID, "__init__", cb),
    ),
    "parse_date": (
        b'{"v":{" d":"Sun, 06 Nov 1994 08:49:37 UTC"}}',
        lambda mp, cb: mp.setattr(email.utils, "parsedate_to_datetime", cb),
    ),
    "b64decode": (
        # Not canonically padded: decoded by base64.b64decode (canonical input is
        # decoded natively, where no user code can run). itsdangerous decodes the
        # cookie's segments with the same helper: only the tag's value raises.
        b'{"v":{" b":"YWI"}}',
        lambda mp, cb: mp.setattr(
            base64, "_bytes_from_decode_data", _only_for("YWI", cb, base64._bytes_from_decode_data)  # type: ignore[attr-defined]
        ),
    ),
}


def _only_for(arg: t.Any, cb: Callback, original: Callable[[t.Any], t.Any]) -> Callable[[t.Any], t.Any]:
    """``cb`` for calls with ``arg``, ``original`` for every other call."""

    def f(s: t.Any) -> t.Any:
        return cb(s) if s == arg else original(s)

    return f


def _open_session(app: Flask, cookie: str) -> t.Any:
    environ = EnvironBuilder(path="/", headers=Headers({"Cookie": f"session={cookie}"})).get_environ()
    request = app.request_class(environ)
    with app.app_context():
        sess = app.session_interface.open_session(app, request)
    return None if sess is None else dict(sess)


@pytest.mark.parametrize("exc", PROPAGATING, ids=lambda e: e.__name__)
@pytest.mark.parametrize("case", LOADS_CASES)
@pytest.mark.parametrize("via", ["serializer", "open_session"])
def test_loads_callback_exception_propagates(
    case: str, exc: type[BaseException], via: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload, patch = LOADS_CASES[case]
    cb = Callback(exc)
    results = []
    with frozen(FROZEN_AT):
        pair = make_pair()
        assert_native(pair.fast)
        cookie = sign_payload(pair.stock, payload)
        with monkeypatch.context() as mp:
            patch(mp, cb)
            for app in pair.both():
                if via == "serializer":
                    s = signing_serializer(app)

                    def call() -> t.Any:
                        with app.app_context():
                            return s.loads(cookie)

                else:

                    def call() -> t.Any:
                        return _open_session(app, cookie)

                results.append(run(call, cb))
    stock, fast = results
    assert_same(stock, fast)
    if exc is MemoryError:
        # itsdangerous wraps it: BadPayload(original_error=MemoryError), raised from it.
        assert isinstance(fast.error, BadPayload)
        assert type(fast.error.__cause__) is MemoryError
    else:
        assert type(fast.error) is exc


# --------------------------------------------------------------------------------------
# A storm of SIGALRM-raised KeyboardInterrupts


STORM = textwrap.dedent(
    """
    import json, signal, sys, time
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface
    from flask_fastsession import FastSessionInterface

    INTERVAL = 0.001      # one signal per millisecond of wall time
    TARGET = 300          # interrupts raised per implementation...
    MAX_CALLS = 100_000   # ...or this many dumps...
    SECONDS = 20.0        # ...or this long, whichever comes first

    class Html:
        def __html__(self):
            total = 0
            for i in range(200):  # Python work, so signals land in here often
                total += i
            return "<b>%d</b>" % total

    VALUE = {"items": [Html() for _ in range(10)], "user": 42}

    def storm(interface):
        app = Flask("storm")
        app.secret_key = "storm secret"
        app.session_interface = interface()
        serializer = app.session_interface.get_signing_serializer(app)
        native = FastSessionInterface.uses_native(app) if interface is FastSessionInterface else None
        state = {"armed": True, "inside": False, "raised": 0}

        # Raises only while a dumps call is running, once per call (the window
        # closes before the raise): an interrupt that lands in the loop's own
        # code is not one the native path could lose, and CPython 3.13.0 lets
        # one raised in a while condition escape the enclosing try.
        def handler(signum, frame):
            if state["armed"] and state["inside"]:
                state["inside"] = False
                state["raised"] += 1
                raise KeyboardInterrupt

        previous = signal.signal(signal.SIGALRM, handler)
        caught = calls = 0
        started = False
        deadline = time.monotonic() + SECONDS
        with app.app_context():
            while True:
                # Every KeyboardInterrupt the handler raises is counted, wherever it
                # lands: inside dumps (inner except) or in the loop around it (outer).
                try:
                    if not started:
                        started = True
                        signal.setitimer(signal.ITIMER_REAL, INTERVAL, INTERVAL)
                    while (
                        calls < MAX_CALLS
                        and state["raised"] < TARGET
                        and time.monotonic() < deadline
                    ):
                        calls += 1
                        try:
                            state["inside"] = True
                            serializer.dumps(VALUE)
                            state["inside"] = False
                        except KeyboardInterrupt:
                            caught += 1
                    state["armed"] = False
                    break
                except KeyboardInterrupt:
                    caught += 1
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        return {"raised": state["raised"], "caught": caught, "calls": calls, "native": native}

    print(json.dumps({
        "stock": storm(SecureCookieSessionInterface),
        "fast": storm(FastSessionInterface),
    }))
    """
)


def test_sigalrm_storm_interrupts_are_not_lost() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", STORM], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    counts = json.loads(proc.stdout)
    assert counts["fast"]["native"] is True, counts
    for impl in ("stock", "fast"):
        c = counts[impl]
        assert c["raised"] > 0, f"{impl}: no signal was delivered ({c})"
        # Every raised interrupt should come out of the loop; allow 10% for a signal
        # handled while the handler itself runs (two counted, one raised).
        assert c["caught"] >= 0.9 * c["raised"], f"{impl} lost interrupts: {counts}"
