"""The session scenario ``test_subinterpreters.py`` runs in each interpreter.

:func:`run` builds a stock app and a fast app in the calling interpreter and
runs the same request cycles through both at the same patched ``time.time``:
a permanent session holding a UUID, Markup, an aware datetime, a tuple and
bytes; reading it back (each app reads its own cookie and the other's); a
tampered cookie; an expired cookie; and the signing serializer's exceptions
for both. It returns plain JSON data, compared by the test; nothing here
hard-codes an expected cookie. It only uses what imports in an isolated
(own-GIL) interpreter: no freezegun, no hypothesis.
"""

from __future__ import annotations

import json
import sys
import traceback
import typing as t

#: The instant the cycles run at (``time.time`` patched).
FIXED_TIME = 1709210096.789
#: ``PERMANENT_SESSION_LIFETIME`` of both apps, in seconds.
LIFETIME = 600


def _values() -> dict[str, t.Any]:
    import datetime as dt
    import uuid

    from markupsafe import Markup

    return {
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "markup": Markup("<b>fast & stock</b>"),
        "datetime": dt.datetime(2024, 2, 29, 12, 34, 56, tzinfo=dt.timezone.utc),
        "tuple": (1, "two", (3.5, None)),
        "bytes": b"\x00\xffbytes",
        # Long and repetitive: the payload is compressed.
        "text": "a session value " * 20,
    }


def _describe(value: t.Any) -> list[t.Any]:
    cls = type(value)
    return [cls.__module__, cls.__qualname__, repr(value)]


def _make_app(interface: t.Any) -> t.Any:
    import datetime as dt
    import uuid

    from flask import Flask
    from flask import session
    from markupsafe import Markup

    app = Flask(__name__)
    app.secret_key = "sub-interpreter secret \u00e9"
    app.permanent_session_lifetime = dt.timedelta(seconds=LIFETIME)
    app.session_interface = interface

    @app.get("/set")
    def set_values() -> str:
        session.permanent = True
        session.update(_values())
        return "set"

    @app.get("/read")
    def read_values() -> str:
        values = dict(session)
        checks = {
            "markup is Markup": isinstance(values.get("markup"), Markup),
            "uuid is UUID": isinstance(values.get("uuid"), uuid.UUID),
            "datetime is datetime": isinstance(values.get("datetime"), dt.datetime),
            "bytes is bytes": isinstance(values.get("bytes"), bytes),
            "tuple is tuple": isinstance(values.get("tuple"), tuple),
            "equal to what was set": {k: v for k, v in values.items() if k != "_permanent"} == _values(),
        }
        return json.dumps(
            {
                "permanent": session.permanent,
                "values": {k: _describe(v) for k, v in sorted(values.items())},
                "checks": checks if values else {},
            },
            sort_keys=True,
        )

    return app


def _cycle(app: t.Any, path: str, cookie: str | None, at: float) -> dict[str, t.Any]:
    from unittest import mock

    client = app.test_client(use_cookies=False)
    headers = {"Cookie": f"session={cookie}"} if cookie else {}
    with mock.patch("time.time", return_value=at):
        response = client.get(path, headers=headers)
    return {
        "status": response.status_code,
        "body": response.get_data(as_text=True),
        "headers": [[k, v] for k, v in response.headers.items() if k in ("Set-Cookie", "Vary")],
    }


def _same_second(
    stock: t.Any, stock_cookie: str | None, fast: t.Any, fast_cookie: str | None, path: str, at: float
) -> list[t.Any]:
    """Stock's and fast's responses, within one second of the real clock.

    ``Expires`` comes from :func:`datetime.datetime.now`, which patching
    ``time.time`` does not reach (freezegun does not import in an isolated
    interpreter): run stock, fast, stock again, and retry if the two stock
    runs differ (a second ticked in between).
    """
    for _attempt in range(5):
        a = _cycle(stock, path, stock_cookie, at)
        b = _cycle(fast, path, fast_cookie, at)
        again = _cycle(stock, path, stock_cookie, at)
        if a == again:
            return [a, b]
    raise AssertionError(f"stock's own responses keep changing: {a} / {again}")


def _cookie(response: dict[str, t.Any]) -> str:
    for key, value in response["headers"]:
        if key == "Set-Cookie":
            return t.cast(str, value.split(";", 1)[0].split("=", 1)[1])
    raise AssertionError(f"no Set-Cookie in {response}")


def _serializer_outcome(app: t.Any, cookie: str, max_age: int | None, at: float) -> dict[str, t.Any]:
    """What the app's signing serializer does with ``cookie``, and whether the
    error it raises is this interpreter's ``BadSignature``."""
    from unittest import mock

    from itsdangerous import BadSignature
    from itsdangerous import SignatureExpired

    serializer = app.session_interface.get_signing_serializer(app)
    try:
        with app.app_context(), mock.patch("time.time", return_value=at):
            value = serializer.loads(cookie, max_age=max_age)
    except BadSignature as e:
        return {
            "raised": _describe(e)[:2] + [str(e)],
            "caught by except BadSignature": True,
            "is SignatureExpired": isinstance(e, SignatureExpired),
        }
    except Exception as e:
        return {"raised": _describe(e)[:2] + [str(e)], "caught by except BadSignature": False}
    return {"value": {k: _describe(v) for k, v in sorted(value.items())}}


def _tampered(cookie: str) -> str:
    payload, ts, sig = cookie.rsplit(".", 2)
    return f"{payload}.{ts}.{sig[:-2]}{'AA' if sig[-2:] != 'AA' else 'BB'}"


def _check_command() -> dict[str, t.Any]:
    """``python -m flask_fastsession check``, run in this interpreter."""
    import contextlib
    import io

    from flask_fastsession import cli

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = cli.main(["check"])
    return {"status": status, "output": out.getvalue()}


def _native_state(fast_app: t.Any) -> dict[str, t.Any]:
    import flask_fastsession
    from flask_fastsession import FastSessionInterface
    from flask_fastsession import _native_loader
    from flask_fastsession import cli

    state: dict[str, t.Any] = {
        "uses_native": FastSessionInterface.uses_native(fast_app),
        "why_not_native": cli.why_not_native(fast_app),
        "version": flask_fastsession.__version__,
        "NATIVE_AVAILABLE": _native_loader.NATIVE_AVAILABLE,
        "UNAVAILABLE_REASON": _native_loader.UNAVAILABLE_REASON,
    }
    # The memo switch works (a no-op where the native path is unavailable).
    memo = flask_fastsession.payload_memo_enabled()
    flask_fastsession.set_payload_memo(memo)
    state["payload_memo_enabled"] = flask_fastsession.payload_memo_enabled()
    return state


def run(stock_only: bool = False) -> dict[str, t.Any]:
    """Run the scenario in this interpreter; plain JSON data. ``stock_only``:
    the control run, with stock sessions in both apps and flask_fastsession
    never imported."""
    result: dict[str, t.Any] = {}
    try:
        from flask.sessions import SecureCookieSessionInterface

        if stock_only:
            FastSessionInterface = SecureCookieSessionInterface
        else:
            from flask_fastsession import FastSessionInterface
    except BaseException:
        result["import error"] = traceback.format_exc()
        return result
    result["modules"] = {
        name: name in sys.modules for name in ("_datetime", "markupsafe._speedups", "flask_fastsession._native")
    }
    try:
        stock = _make_app(SecureCookieSessionInterface())
        fast = _make_app(FastSessionInterface())
        if not stock_only:
            result["native"] = _native_state(fast)
        pairs: dict[str, list[t.Any]] = {}
        pairs["set"] = _same_second(stock, None, fast, None, "/set", FIXED_TIME)
        stock_cookie, fast_cookie = (_cookie(r) for r in pairs["set"])
        later = FIXED_TIME + 1
        # Each app reads its own cookie, then the other's.
        pairs["read own"] = _same_second(stock, stock_cookie, fast, fast_cookie, "/read", later)
        pairs["read other's"] = _same_second(stock, fast_cookie, fast, stock_cookie, "/read", later)
        bad = _tampered(stock_cookie)
        pairs["read tampered"] = _same_second(stock, bad, fast, bad, "/read", later)
        expired_at = FIXED_TIME + LIFETIME + 5
        pairs["read expired"] = _same_second(stock, stock_cookie, fast, stock_cookie, "/read", expired_at)
        pairs["loads tampered"] = [_serializer_outcome(app, bad, LIFETIME, later) for app in (stock, fast)]
        pairs["loads expired"] = [
            _serializer_outcome(app, stock_cookie, LIFETIME, expired_at) for app in (stock, fast)
        ]
        pairs["loads good"] = [_serializer_outcome(app, fast_cookie, LIFETIME, later) for app in (stock, fast)]
        result["pairs"] = pairs
        if not stock_only:
            result["native after"] = _native_state(fast)
            result["check"] = _check_command()
    except BaseException:
        result["error"] = traceback.format_exc()
    return result


def main(out_path: str, stock_only: bool = False) -> None:
    """:func:`run`, written as JSON to ``out_path``."""
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(run(stock_only), f)


# --------------------------------------------------------------------------------------
# The driver, in a fresh process: ``python _subinterp_scenario.py KIND ORDER OUT_DIR
# [MODE]`` (see :func:`drive`) or ``python _subinterp_scenario.py without-native OUT_DIR``.

#: Where the scenario runs, in order, for each ``ORDER``:
#: ``main-first``: the main interpreter imports the package and runs the
#: scenario, then the sub-interpreter, then the main interpreter again;
#: ``sub-first``: the main interpreter only imports the package, the
#: sub-interpreter runs the scenario, then the main interpreter;
#: ``sub-imports-first``: nothing of Flask is imported in the main interpreter
#: before the sub-interpreter runs the scenario, then the main interpreter.
ORDERS = ("main-first", "sub-first", "sub-imports-first")


def _new_interpreter(kind: str) -> tuple[t.Any, t.Any]:
    """``(module, id)`` of a new sub-interpreter: ``legacy`` (shares the main
    GIL, as mod_wsgi's and uWSGI's) or ``isolated`` (its own GIL)."""
    try:
        import _interpreters  # type: ignore[import-not-found]  # 3.13+
    except ImportError:
        import _xxsubinterpreters  # type: ignore[import-not-found]  # 3.10-3.12

        if sys.version_info >= (3, 12):
            return _xxsubinterpreters, _xxsubinterpreters.create(isolated=kind == "isolated")
        if kind != "legacy":
            raise SystemExit(f"no {kind} interpreters before Python 3.12") from None
        return _xxsubinterpreters, _xxsubinterpreters.create()
    return _interpreters, _interpreters.create(_interpreters.new_config(kind))


def _run_in_sub(kind: str, out_path: str, stock_only: bool) -> None:
    module, interp = _new_interpreter(kind)
    code = (
        f"import sys; sys.path[:] = {sys.path!r}; import _subinterp_scenario; "
        f"_subinterp_scenario.main({out_path!r}, {stock_only!r})"
    )
    try:
        failed = module.run_string(interp, code)  # 3.13 returns the error, 3.12 raises it
        if failed is not None:
            raise RuntimeError(f"the sub-interpreter failed: {failed.formatted}")
    finally:
        module.destroy(interp)


def drive(kind: str, order: str, out_dir: str, mode: str = "both") -> None:
    """Run the scenario in the main interpreter and a ``kind`` sub-interpreter
    in ``order``; each run's result goes to ``OUT_DIR/<step>.json``. ``mode``
    ``stock`` is the control: stock sessions only, flask_fastsession never
    imported."""
    import os

    if order not in ORDERS or mode not in ("both", "stock"):
        raise SystemExit(f"unknown order {order!r} or mode {mode!r}")
    stock_only = mode == "stock"
    # CPython 3.11's _decimal: once a legacy sub-interpreter has built the
    # first Decimal of the process, the main interpreter's next Decimal can
    # segfault (observed with stock Flask alone). The check command builds
    # Decimals: build one here first, in every order.
    import decimal

    decimal.Decimal("1.10")
    if order == "main-first":
        main(os.path.join(out_dir, "main before.json"), stock_only)
    elif order == "sub-first":
        if stock_only:
            import flask.sessions  # noqa: F401
        else:
            import flask_fastsession  # noqa: F401
    _run_in_sub(kind, os.path.join(out_dir, "sub.json"), stock_only)
    main(os.path.join(out_dir, "main after.json"), stock_only)


def without_native(out_dir: str) -> None:
    """Run the scenario in the main interpreter of a process where
    ``flask_fastsession._native`` raises ImportError (as in an isolated
    sub-interpreter); the result goes to ``OUT_DIR/main.json``."""
    import importlib.abc
    import os

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: t.Any, target: t.Any = None) -> None:
            if name == "flask_fastsession._native":
                raise ImportError(f"{name} blocked for the test")

    sys.meta_path.insert(0, Block())
    main(os.path.join(out_dir, "main.json"))


if __name__ == "__main__":
    if sys.argv[1] == "without-native":
        without_native(sys.argv[2])
    else:
        drive(*sys.argv[1:])
