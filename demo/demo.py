"""Stock Flask sessions and flask-fastsession, side by side.

Two identical Flask apps (same secret key, same config, same views) differ only in
their session interface: one uses Flask's own ``SecureCookieSessionInterface``, the
other ``flask_fastsession.FastSessionInterface``. The same requests go through each,
under one frozen clock, and every response's ``Set-Cookie`` and ``Vary`` headers and
body are compared in full. Then each app opens the other's cookies.

Run it with ``make demo``. Exit status 1 if anything differs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import importlib.metadata
import sys
import typing as t
from unittest import mock

from flask import Flask
from flask import flash
from flask import get_flashed_messages
from flask import session
from flask.sessions import SecureCookieSessionInterface
from flask.sessions import SessionInterface
from werkzeug.test import TestResponse

from flask_fastsession import FastSessionInterface

SECRET_KEY = "demo secret key, not for production"
COOKIE_NAME = "session"
START = dt.datetime(2025, 1, 15, 12, 0, 0, tzinfo=dt.timezone.utc)

#: The walk through the app: label, path, seconds the clock moves before the request.
FLOW: list[tuple[str, str, int]] = [
    ("anonymous", "/whoami", 0),
    ("login", "/login", 0),
    ("whoami", "/whoami", 5),  # reads the flash message: the session is rewritten
    ("permanent", "/permanent", 60),
    ("touch +1h", "/touch", 3600),  # refresh each request: new timestamp and Expires
    ("logout-pop", "/logout-pop", 5),
    ("logout-clear", "/logout-clear", 5),  # empty and modified: cookie deleted
    ("after clear", "/whoami", 5),
]

JSONBody = dict[str, t.Any]


def create_app(interface: SessionInterface) -> Flask:
    """The demo app. Only ``interface`` differs between the two instances."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=SECRET_KEY,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(days=7),
        SESSION_REFRESH_EACH_REQUEST=True,
    )
    app.session_interface = interface

    @app.route("/login")
    def login() -> JSONBody:
        session["user_id"] = 42
        flash("Welcome back!")
        return {"logged_in": 42}

    @app.route("/whoami")
    def whoami() -> JSONBody:
        return {
            "user_id": session.get("user_id"),
            "flashes": get_flashed_messages(),
            "permanent": session.permanent,
        }

    @app.route("/permanent")
    def permanent() -> JSONBody:
        session.permanent = True
        return {"permanent": True}

    @app.route("/touch")
    def touch() -> JSONBody:
        return {"user_id": session.get("user_id"), "permanent": session.permanent}

    @app.route("/logout-pop")
    def logout_pop() -> JSONBody:
        return {"popped": session.pop("user_id", None)}

    @app.route("/logout-clear")
    def logout_clear() -> JSONBody:
        session.clear()
        return {"cleared": True}

    return app


@contextlib.contextmanager
def frozen_clock(start: dt.datetime) -> t.Iterator[t.Callable[[int], None]]:
    """Freeze ``time.time()`` and ``datetime.now()`` at ``start``.

    Yields a function that moves the clock forward by some seconds. Uses freezegun
    when it is installed; otherwise patches ``time.time`` and the ``datetime`` class
    that Flask's and flask-fastsession's modules use, from one shared counter.
    """
    try:
        import freezegun
    except ImportError:
        pass
    else:
        with freezegun.freeze_time(start) as frozen:

            def tick(seconds: int) -> None:
                frozen.tick(dt.timedelta(seconds=seconds))

            yield tick
        return

    now = [start.timestamp()]

    class FrozenDatetime(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            return dt.datetime.fromtimestamp(now[0], tz)

    def advance(seconds: int) -> None:
        now[0] += seconds

    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch("time.time", lambda: now[0]))
        for name, module in list(sys.modules.items()):
            if name.split(".")[0] in {"flask", "flask_fastsession"}:
                if getattr(module, "datetime", None) is dt.datetime:
                    stack.enter_context(mock.patch.object(module, "datetime", FrozenDatetime))
        yield advance


@dataclasses.dataclass
class Exchange:
    """What one request returned: the headers we compare, and the body."""

    set_cookie: list[str]
    vary: str | None
    body: str

    @classmethod
    def of(cls, response: TestResponse) -> Exchange:
        return cls(
            set_cookie=response.headers.getlist("Set-Cookie"),
            vary=response.headers.get("Vary"),
            body=response.get_data(as_text=True),
        )

    @property
    def cookie_value(self) -> str | None:
        """The new cookie value this response set, or None (none set, or deleted)."""
        for header in self.set_cookie:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if name == COOKIE_NAME and value:
                return value
        return None


def shorten(text: str, width: int) -> str:
    """Cut the middle out of ``text`` so it fits ``width`` columns (display only)."""
    if len(text) <= width:
        return text
    tail = (width - 3) // 2
    return f"{text[: width - 3 - tail]}...{text[-tail:]}"


def show_cookie(exchange: Exchange) -> str:
    """The Set-Cookie header(s) with long cookie values shortened in the middle."""
    if not exchange.set_cookie:
        return "(no Set-Cookie)"
    shown = []
    for header in exchange.set_cookie:
        name, _, rest = header.partition("=")
        value, sep, attributes = rest.partition(";")
        shown.append(f"{name}={shorten(value, 24)}{sep}{attributes}")
    return " | ".join(shown)


def same(a: object, b: object) -> str:
    return "same" if a == b else "DIFF"


def request(app: Flask, path: str, cookie: str | None) -> Exchange:
    """One request from a fresh client carrying only ``cookie``."""
    client = app.test_client()
    if cookie is not None:
        client.set_cookie(COOKIE_NAME, cookie)
    return Exchange.of(client.get(path))


def versions() -> str:
    names = ["flask", "itsdangerous", "werkzeug", "flask-fastsession"]
    return ", ".join(f"{name} {importlib.metadata.version(name)}" for name in names)


def main() -> int:
    stock_app = create_app(SecureCookieSessionInterface())
    fast_app = create_app(FastSessionInterface())
    native = FastSessionInterface.uses_native(fast_app)

    print(f"flask-fastsession demo ({versions()}, Python {sys.version.split()[0]})")
    print(f"Clock frozen at {START:%Y-%m-%d %H:%M:%S} UTC; both apps see the same instant.")
    if native:
        print("Fast app path: native (Rust) -- FastSessionInterface.uses_native(app) is True")
    else:
        print(
            "Fast app path: stock Python fallback -- FastSessionInterface.uses_native(app)"
            " is False, so this run compares stock with stock"
        )
    print()

    print(f"{'step':<14} {'request':<17} {'Vary':<5} {'body':<5} verdict")
    print("-" * 78)

    stock_client = stock_app.test_client()
    fast_client = fast_app.test_client()
    cookies: list[tuple[str, str, str]] = []  # (step, stock value, fast value)
    details: list[tuple[str, Exchange, Exchange]] = []  # steps that differ
    cross_failures = 0

    with frozen_clock(START) as advance:
        for label, path, seconds in FLOW:
            advance(seconds)
            stock = Exchange.of(stock_client.get(path))
            fast = Exchange.of(fast_client.get(path))
            ok = stock == fast
            if not ok:
                details.append((label, stock, fast))
            print(
                f"{label:<14} {'GET ' + path:<17} {same(stock.vary, fast.vary):<5}"
                f" {same(stock.body, fast.body):<5} {'identical' if ok else 'DIFFERENT'}"
            )
            print(f"    stock  {show_cookie(stock)}")
            print(f"    fast   {show_cookie(fast)}")
            if stock.cookie_value is not None and fast.cookie_value is not None:
                cookies.append((label, stock.cookie_value, fast.cookie_value))

        # Cross-loading: each app opens the other's cookie with GET /whoami. The
        # reference is the stock app opening the stock cookie; for the fast cookie
        # column, the stock app must see the same session as with its own cookie.
        print()
        print("Cross-loading: GET /whoami with a cookie the other app wrote")
        print(f"{'cookie from':<18} {'fast app, stock cookie':<24} stock app, fast cookie")
        print("-" * 66)
        for label, stock_value, fast_value in cookies:
            reference = request(stock_app, "/whoami", stock_value)
            fast_reads_stock = request(fast_app, "/whoami", stock_value) == reference
            stock_reads_fast = request(stock_app, "/whoami", fast_value) == reference
            cross_failures += [fast_reads_stock, stock_reads_fast].count(False)
            print(
                f"{label:<18} {'same session' if fast_reads_stock else 'DIFFERENT':<24}"
                f" {'same session' if stock_reads_fast else 'DIFFERENT'}"
            )

    for label, stock, fast in details:
        print(f"\n{label}: full responses")
        for name, exchange in (("stock", stock), ("fast", fast)):
            for header in exchange.set_cookie or ["(none)"]:
                print(f"  {name:<5}  Set-Cookie: {header}")
            print(f"  {name:<5}  Vary: {exchange.vary}  body: {exchange.body.strip()}")

    print()
    path = "native" if native else "stock fallback"
    if details or cross_failures:
        print(
            f"FAIL: {len(details)} of {len(FLOW)} steps differ, {cross_failures} cross-load(s)"
            f" differ ({path} path)."
        )
        return 1
    print(f"OK: all {len(FLOW)} steps byte-identical and every cookie cross-loads ({path} path).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
