"""Two requests, three session interfaces: what ``e2e.py`` and
``instructions.py`` compare.

Implementations (``IMPLS``):

- ``stock``: Flask's :class:`~flask.sessions.SecureCookieSessionInterface`.
- ``fast``: :class:`~flask_fastsession.FastSessionInterface`.
- ``null``: :class:`NullSessionInterface`, which does no signing, no JSON
  and no zlib. It reads the cookie (werkzeug parses the ``Cookie`` header,
  as every cookie session must), hands the view a copy of a session decoded
  once at start-up, and answers with one ``Set-Cookie`` header computed once
  at start-up plus ``Vary: Cookie``. No session implementation that lives
  behind Flask's ``SessionInterface`` can do less, so it is the floor.

Endpoints (``ENDPOINTS``), both on the ``typical`` workload's app
(``workloads.make_app``), both with the same cookie (variant 0, permanent):

- ``read``, ``GET /read``: the view reads the session. It is permanent and
  ``SESSION_REFRESH_EACH_REQUEST`` is on (Flask's default), so the session is
  re-saved unchanged: a new timestamp and signature, the same payload.
- ``write``, ``GET /write``: the view reads the session and sets
  ``vary_key`` to a value no request of the last 65,535 wrote (a per-app
  counter), so every response carries a session the server has not signed
  recently: nothing cached can stand in for compressing it.

:func:`check_endpoints` is the identity check both benchmarks run first.
"""

from __future__ import annotations

import dataclasses
import sys
import typing as t
from pathlib import Path

from flask import Flask
from flask.sessions import SecureCookieSession
from flask.sessions import SecureCookieSessionInterface
from flask.sessions import SessionInterface
from flask.sessions import SessionMixin
from werkzeug.test import EnvironBuilder

from flask_fastsession import FastSessionInterface

sys.path.insert(0, str(Path(__file__).resolve().parent))
import workloads as wl  # noqa: E402

if t.TYPE_CHECKING:
    from flask.wrappers import Request
    from flask.wrappers import Response

IMPLS = ("stock", "fast", "null")


@dataclasses.dataclass(frozen=True)
class Endpoint:
    name: str
    label: str
    path: str


ENDPOINTS = (
    Endpoint("read", "read-only request", "/read"),
    Endpoint("write", "writing request", "/write"),
)


class NullSessionInterface(SessionInterface):
    """A session interface that does nothing but what any cookie session
    must: read the session cookie from the request, give the view a session
    object, and add ``Set-Cookie`` and ``Vary: Cookie`` to the response.

    ``data`` (the session, decoded once) is copied into a fresh
    :class:`~flask.sessions.SecureCookieSession` for every request that
    carries the cookie; ``set_cookie`` (a whole ``Set-Cookie`` header value,
    made once) is added to every response, whatever the view did.
    """

    session_class = SecureCookieSession

    def __init__(self, data: dict[str, t.Any], set_cookie: str) -> None:
        self.data = data
        self.set_cookie = set_cookie

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession:
        if request.cookies.get(app.config["SESSION_COOKIE_NAME"]):
            return self.session_class(self.data)
        return self.session_class()

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        headers = response.headers
        # Stock adds "Cookie" to Vary (before Set-Cookie); written directly
        # when the response has no Vary yet, as flask-fastsession does.
        if headers.get("Vary") is None:
            headers["Vary"] = "Cookie"
        else:
            response.vary.add("Cookie")
        headers.add("Set-Cookie", self.set_cookie)


def stock_cookie(w: wl.Workload) -> str:
    """The cookie stock Flask signs now for ``w``'s session (variant 0)."""
    stock_app = wl.make_app(SecureCookieSessionInterface())
    with stock_app.app_context():
        cookie: str = wl.signing_serializer(stock_app).dumps(w.session)
    return cookie


def null_interface(cookie: str) -> NullSessionInterface:
    """A :class:`NullSessionInterface` whose session is what stock Flask
    opens from ``cookie`` and whose ``Set-Cookie`` is what stock Flask sends
    when it re-saves that session now (so, under a frozen clock, the null
    answers a read-only request exactly as stock does)."""
    app = wl.make_app(SecureCookieSessionInterface())
    iface = app.session_interface
    with app.test_request_context(headers={"Cookie": f"session={cookie}"}) as ctx:
        session = iface.open_session(app, ctx.request)
        assert session, "stock could not open the benchmark cookie"
        response = app.response_class()
        iface.save_session(app, session, response)
    set_cookie = response.headers.getlist("Set-Cookie")
    assert len(set_cookie) == 1, set_cookie
    return NullSessionInterface(dict(session), set_cookie[0])


def make_app(impl: str, w: wl.Workload, cookie: str) -> Flask:
    """``w``'s app (``/read``, ``/write``) with the ``impl`` session interface."""
    iface: SessionInterface
    if impl == "stock":
        iface = SecureCookieSessionInterface()
    elif impl == "fast":
        iface = FastSessionInterface()
    elif impl == "null":
        iface = null_interface(cookie)
    else:
        raise ValueError(f"unknown session implementation {impl!r}")
    return wl.make_app(iface, w)


# --------------------------------------------------------------------------------------
# Calling an app as a WSGI server does, with a prebuilt environ


Environ = dict[str, t.Any]


class Answer(t.NamedTuple):
    status: str
    headers: list[tuple[str, str]]
    body: bytes


def environ(path: str, cookie: str) -> Environ:
    """A WSGI environ for ``GET path`` carrying the session cookie, built
    once; :func:`call` copies it for every request."""
    builder = EnvironBuilder(path=path, headers=[("Cookie", f"session={cookie}")])
    try:
        return builder.get_environ()
    finally:
        builder.close()


def call(app: Flask, base: Environ) -> Answer:
    """One request through ``app.wsgi_app``, the body read and the iterable closed."""
    got: list[t.Any] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: t.Any = None
    ) -> t.Any:
        got[:] = [status, headers]

    it = app.wsgi_app(dict(base), start_response)
    try:
        body = b"".join(it)
    finally:
        close = getattr(it, "close", None)
        if close is not None:
            close()
    return Answer(got[0], got[1], body)


def session_cookie(answer: Answer) -> str:
    values = [v for k, v in answer.headers if k == "Set-Cookie" and v.startswith("session=")]
    if len(values) != 1:
        raise AssertionError(f"{len(values)} session cookies in {answer.headers}")
    return values[0]


# --------------------------------------------------------------------------------------
# Checks: fast is stock, null does nothing else


#: Modules the null interface must never reach during a request: signing,
#: JSON, compression, base64, werkzeug's cookie writer and Flask's own
#: session serializer machinery, and the native extension.
FORBIDDEN_MODULES = (
    "itsdangerous",
    "zlib",
    "hashlib",
    "_hashlib",
    "hmac",
    "_sha1",
    "json",
    "_json",
    "flask.json",
    "base64",
    "binascii",
    "flask_fastsession",
)
#: Functions it must not call either (by name, whichever module holds them).
FORBIDDEN_FUNCTIONS = frozenset(
    {
        "dump_cookie",
        "http_date",
        "set_cookie",
        "get_signing_serializer",
        "get_expiration_time",
        "should_set_cookie",
    }
)


def forbidden_calls(seen: set[tuple[str, str]]) -> list[str]:
    return sorted(
        f"{module}.{name}"
        for module, name in seen
        if name in FORBIDDEN_FUNCTIONS
        or any(module == m or module.startswith(m + ".") for m in FORBIDDEN_MODULES)
    )


def check(cond: bool, what: str) -> None:
    if not cond:
        raise CheckFailed(what)


class CheckFailed(AssertionError):
    pass


def check_endpoints(w: wl.Workload, requests: int = 3) -> list[str]:
    """Under a frozen clock, in process, through ``wsgi_app`` with the
    prebuilt environs the benchmarks use, ``requests`` times per endpoint:

    - fast's answers (status, every header in order, body) are stock's and
      took the native path (``uses_native``; nothing reached itsdangerous's
      payload code);
    - null's session is the one stock opens from the cookie (same values
      and types); its answer to the read-only request is stock's, byte for
      byte; to the writing one, stock's except the ``Set-Cookie`` value (the
      constant);
    - a null request calls nothing that signs, serializes, compresses,
      encodes or writes a cookie, and does reach the null interface's
      ``open_session`` and ``save_session``.

    Raises :class:`CheckFailed`; returns the lines describing what passed.
    """
    import run as micro  # the harness of run.py: same_value, native_only

    with wl.frozen_time():
        cookie = stock_cookie(w)
        apps = {impl: make_app(impl, w, cookie) for impl in IMPLS}
    check(FastSessionInterface.uses_native(apps["fast"]), "uses_native(fast app) is False")
    null = apps["null"].session_interface
    assert isinstance(null, NullSessionInterface)

    stock_app = apps["stock"]
    with (
        wl.frozen_time(),
        stock_app.test_request_context(headers={"Cookie": f"session={cookie}"}) as ctx,
    ):
        opened = stock_app.session_interface.open_session(stock_app, ctx.request)
    check(
        opened is not None and micro.same_value(dict(opened), null.data),
        "null: its session is not the one stock opens from the cookie",
    )
    check(micro.same_value(null.data, w.session), "null: session is not the workload's")

    want_what = {"read": "stock's", "write": "stock's with the constant Set-Cookie"}
    for ep in ENDPOINTS:
        env = environ(ep.path, cookie)
        for i in range(requests):
            with wl.frozen_time():
                stock = call(apps["stock"], env)
                with micro.native_only(f"{ep.label} {i}"):
                    fast = call(apps["fast"], env)
                with micro.record_calls() as seen:
                    nothing = call(apps["null"], env)
            check(stock.status == "200 OK", f"{ep.label}: stock answered {stock.status}")
            check(fast == stock, f"{ep.label} {i}: fast's answer differs from stock's")
            bad = forbidden_calls(seen)
            check(not bad, f"{ep.label}: the null interface called {', '.join(bad)}")
            for name in ("open_session", "save_session"):
                check(
                    (NullSessionInterface.__module__, name) in seen,
                    f"{ep.label}: null {name} not called",
                )
            want = stock
            if ep.name == "write":
                check(session_cookie(stock) != null.set_cookie, "write: stock's cookie unchanged")
                want = stock._replace(
                    headers=[
                        (k, null.set_cookie if k == "Set-Cookie" else v) for k, v in stock.headers
                    ]
                )
            check(
                nothing == want, f"{ep.label} {i}: null's answer differs from {want_what[ep.name]}"
            )
    return [
        f"in process (wsgi_app, frozen clock), {requests} requests per endpoint: "
        "fast's answers are stock's (status, headers, body) on the native path; "
        "null's session is the one stock opens; null answers the read-only request as stock "
        "does and the writing one with only its constant Set-Cookie differing; "
        "null calls no signing, JSON, zlib, base64 or cookie-writing code"
    ]
