"""Machinery shared by the differential tests: apps, request cycles, outcome comparison.

Every comparison here is between stock Flask (``SecureCookieSessionInterface``) and
``FastSessionInterface`` computed in the same process, at the same frozen instant. Nothing
in the suite hard-codes an expected cookie: stock is the oracle.
"""

from __future__ import annotations

import datetime as _dt
import math
import time
import typing as t
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import ExitStack
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from unittest import mock

import itsdangerous
from flask import Flask
from flask import Response
from flask import current_app
from flask import session
from flask.json.tag import JSONTag
from flask.sessions import SecureCookieSessionInterface
from flask.sessions import SessionMixin
from freezegun import freeze_time
from itsdangerous.encoding import base64_encode
from itsdangerous.encoding import int_to_bytes
from itsdangerous.signer import Signer
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder

from flask_fastsession import FastSessionInterface
from flask_fastsession import _native_loader

# --------------------------------------------------------------------------------------
# Which path answers

def assert_native(app: Flask) -> None:
    """The default configuration must take the Rust path."""
    assert isinstance(app.session_interface, FastSessionInterface)
    assert FastSessionInterface.uses_native(app) is True, (
        "this configuration must take the native path; "
        f"native module available: {_native_loader.NATIVE_AVAILABLE} ({_native_loader.UNAVAILABLE_REASON})"
    )


def assert_not_native(app: Flask) -> None:
    """This configuration must be handed to stock code."""
    assert FastSessionInterface.uses_native(app) is False, "this configuration must be handed to stock code"


@contextmanager
def as_original(
    owner: t.Any, name: str, new: t.Any = mock.DEFAULT, *, guard: t.Any = None, **kwargs: t.Any
) -> Iterator[t.Any]:
    """``mock.patch.object(owner, name, new, **kwargs)``, with the replacement
    taken for the original by the patched-stock check (see ``_guard``; Flask's
    stock code unless ``guard`` says which) for the duration, so the native
    path keeps answering.

    For tests that simulate another platform (an interpreter whose
    ``zlib.compress`` writes other bytes) or watch for calls that reach stock
    code; a plain ``mock.patch`` of these names sends every call to stock code.
    """
    from flask_fastsession._guard import FLASK

    namespaces = [ns for ns in (guard or FLASK)._namespaces if ns.owner is owner and name in ns.entries]
    assert namespaces, f"{owner!r}.{name} is not a name the native path stands in for"
    with mock.patch.object(owner, name, new, **kwargs) as patched, ExitStack() as stack:
        current = vars(owner)[name]
        for ns in namespaces:
            stack.enter_context(mock.patch.dict(ns.entries, {name: current}))
        yield patched


# --------------------------------------------------------------------------------------
# Time

#: The instant most tests run at. Fractional on purpose: itsdangerous truncates.
FROZEN_AT = "2024-02-29 12:34:56.789"


@contextmanager
def frozen(at: str | _dt.datetime = FROZEN_AT, *, real_asyncio: bool = False) -> Iterator[t.Any]:
    """Freeze ``time.time()`` and ``datetime.now()`` for stock and fast alike.

    Yields freezegun's clock (``tick``, ``move_to``). ``real_asyncio`` keeps the event
    loop's own clock running (Quart).
    """
    with freeze_time(at, real_asyncio=real_asyncio) as ft:
        yield ft


@contextmanager
def pinned_time(at: float) -> Iterator[None]:
    """Pin ``time.time()`` to ``at`` by patching the module attribute; nothing else moves.

    itsdangerous and flask_fastsession both read ``time.time()`` through the module, so
    stock and fast see the same instant. For what :func:`frozen` does not suit: calls made
    from other threads (freezegun answers those with the real time: ``threading`` is on
    its ignore list), corpora of many thousands of calls (freezegun walks the caller's
    stack on each one), and reference-count or memory measurements.
    """
    with mock.patch.object(time, "time", lambda: at):
        yield


# --------------------------------------------------------------------------------------
# Apps

IMPLS: tuple[str, ...] = ("stock", "fast")
DEFAULT_SECRET = "differential-secret-\u00e9"
_UNSET: t.Any = object()
_ACTION = "fastsession_tests.action"
_CAPTURED = "fastsession_tests.captured"
_NOTHING: t.Any = object()

Action = Callable[[SessionMixin], t.Any]


def interface_base(impl: str) -> type[SecureCookieSessionInterface]:
    if impl == "stock":
        return SecureCookieSessionInterface
    if impl == "fast":
        return FastSessionInterface
    raise ValueError(impl)


def _cycle_view() -> t.Any:
    action: Action = current_app.extensions[_ACTION]
    rv = action(session)
    if isinstance(rv, Response):
        return rv
    current_app.extensions[_CAPTURED] = rv
    return "ok"


def make_app(
    impl: str,
    *,
    secret_key: t.Any = DEFAULT_SECRET,
    config: Mapping[str, t.Any] | None = None,
    overrides: Mapping[str, t.Any] | None = None,
    setup: Callable[[Flask], None] | None = None,
) -> Flask:
    """A Flask app using ``impl``'s session interface.

    ``overrides`` become class attributes of a subclass of the chosen interface, so the same
    customisation is applied to stock and fast alike. ``setup`` runs last, on the app.
    """
    app = Flask(f"fastsession_tests_{impl}")
    app.config["TESTING"] = True
    if secret_key is not _UNSET:
        app.config["SECRET_KEY"] = secret_key
    if config:
        app.config.update(config)
    base = interface_base(impl)
    cls = type(f"Custom{base.__name__}", (base,), dict(overrides)) if overrides else base
    app.session_interface = cls()
    app.add_url_rule("/", "cycle", _cycle_view, methods=["GET", "POST"])
    if setup is not None:
        setup(app)
    return app


@dataclass
class Pair:
    stock: Flask
    fast: Flask

    def both(self) -> tuple[Flask, Flask]:
        return self.stock, self.fast


def make_pair(**kwargs: t.Any) -> Pair:
    return Pair(make_app("stock", **kwargs), make_app("fast", **kwargs))


def signing_serializer(app: Flask) -> itsdangerous.URLSafeTimedSerializer:
    s = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert s is not None
    return s  # type: ignore[no-any-return]


# --------------------------------------------------------------------------------------
# Outcomes: a value or a raised exception


@dataclass
class Outcome:
    value: t.Any = None
    error: BaseException | None = None

    @property
    def raised(self) -> bool:
        return self.error is not None

    def __repr__(self) -> str:
        if self.error is not None:
            return f"Outcome(raised {type(self.error).__name__}: {self.error!s})"
        return f"Outcome(value={self.value!r})"


def outcome(fn: Callable[[], t.Any]) -> Outcome:
    try:
        return Outcome(value=fn())
    except Exception as e:  # RecursionError, UnicodeError, UserWarning-as-error: all of them
        return Outcome(error=e)


def dumps_outcome(app: Flask, value: t.Any, *, in_context: bool = True) -> Outcome:
    """``get_signing_serializer(app).dumps(value)``, inside the app context or not.

    Outside an app context stock Flask's ``flask.json.dumps`` does NOT use ``app.json``:
    it calls the stdlib with ``sort_keys=False`` and Flask's module-level ``default``.
    """
    s = signing_serializer(app)
    if in_context:
        with app.app_context():
            return outcome(lambda: s.dumps(value))
    return outcome(lambda: s.dumps(value))


def loads_outcome(
    app: Flask, cookie: str | bytes, *, max_age: int | None = None, in_context: bool = True
) -> Outcome:
    s = signing_serializer(app)
    if in_context:
        with app.app_context():
            return outcome(lambda: s.loads(cookie, max_age=max_age))
    return outcome(lambda: s.loads(cookie, max_age=max_age))


def open_session_outcome(app: Flask, cookie: str | None) -> Outcome:
    """``open_session`` for a request carrying ``cookie`` (raw header value), as data.

    Called the way Flask calls it (app context pushed, request built from a WSGI environ),
    but directly: pushing a request context would open the session itself and raise there.
    """
    headers = Headers()
    if cookie is not None:
        headers["Cookie"] = f"{app.config['SESSION_COOKIE_NAME']}={cookie}"
    environ = EnvironBuilder(path="/", headers=headers).get_environ()
    request = app.request_class(environ)
    iface = app.session_interface

    def run() -> t.Any:
        sess = iface.open_session(app, request)
        if sess is None:
            return None
        return (type(sess).__name__, dict(sess), sess.modified, sess.permanent)

    with app.app_context():
        return outcome(run)


# --------------------------------------------------------------------------------------
# Request cycles


@dataclass
class Cycle:
    headers: list[tuple[str, str]] = field(default_factory=list)
    status: int | None = None
    captured: t.Any = None
    error: BaseException | None = None

    @property
    def set_cookies(self) -> list[str]:
        return [v for k, v in self.headers if k.lower() == "set-cookie"]

    @property
    def vary(self) -> str | None:
        values = [v for k, v in self.headers if k.lower() == "vary"]
        return ", ".join(values) if values else None

    def cookie_value(self, name: str = "session") -> str | None:
        """The value of the last Set-Cookie for ``name`` (None if not set)."""
        wire = wire_cookie_name(name)
        for header in reversed(self.set_cookies):
            key, _, rest = header.partition("=")
            if key == wire:
                return rest.split(";", 1)[0]
        return None


def wire_cookie_name(name: str) -> str:
    """How a non-ASCII cookie name appears in werkzeug's Set-Cookie header: UTF-8 bytes read
    as latin-1. (A request header is given to the test client as plain text: it applies
    the same WSGI latin-1 dance itself.)"""
    return name.encode("utf-8").decode("latin-1")


def run_cycle(
    app: Flask,
    action: Action,
    cookie: str | None = None,
    *,
    method: str = "GET",
    raw_cookie_header: str | None = None,
) -> Cycle:
    """One request through ``app.test_client()``: ``action(session)`` runs in the view.

    Returns every response header (so Set-Cookie and Vary are compared in full), the status,
    what the action returned, or the exception the request raised (TESTING propagates it).
    """
    app.extensions[_ACTION] = action
    app.extensions[_CAPTURED] = _NOTHING
    client = app.test_client(use_cookies=False)
    headers = {}
    if cookie is not None:
        headers["Cookie"] = f"{app.config['SESSION_COOKIE_NAME']}={cookie}"
    if raw_cookie_header is not None:
        headers["Cookie"] = raw_cookie_header
    try:
        resp = client.open("/", method=method, headers=headers)
    except Exception as e:
        return Cycle(error=e)
    captured = app.extensions[_CAPTURED]
    return Cycle(
        headers=list(resp.headers.to_wsgi_list()),
        status=resp.status_code,
        captured=None if captured is _NOTHING else captured,
    )


def cycle_headers(app: Flask, action: Action, cookie: str | None = None) -> tuple[list[str], str | None]:
    """(Set-Cookie headers, Vary header) of one request cycle."""
    c = run_cycle(app, action, cookie)
    if c.error is not None:
        raise c.error
    return c.set_cookies, c.vary


def assert_same_cycle(stock: Cycle, fast: Cycle) -> None:
    if stock.error is not None or fast.error is not None:
        assert stock.error is not None, f"only fast raised: {fast.error!r}"
        assert fast.error is not None, f"only stock raised: {stock.error!r}"
        assert_same_exception(stock.error, fast.error)
        return
    assert fast.status == stock.status
    assert fast.set_cookies == stock.set_cookies
    assert fast.vary == stock.vary
    assert fast.headers == stock.headers
    assert_same_value(stock.captured, fast.captured)


# --------------------------------------------------------------------------------------
# Comparing values and exceptions


def _real_type(tp: type) -> type:
    """freezegun swaps datetime/date for subclasses while time is frozen: see through them."""
    if tp.__module__ == "freezegun.api" and tp.__bases__:
        return tp.__bases__[0]
    return tp


def assert_same_value(a: t.Any, b: t.Any, path: str = "$") -> None:
    """``a`` and ``b`` have the same type and value, recursively.

    Dict key order counts (it decides later bytes when ``sort_keys`` is off), tuple stays
    tuple, Markup stays Markup, ``nan`` equals ``nan``, ``-0.0`` differs from ``0.0``, and
    datetimes must agree on tzinfo as well.
    """
    ta, tb = _real_type(type(a)), _real_type(type(b))
    assert ta is tb, f"{path}: type {ta.__qualname__} != {tb.__qualname__} ({a!r} vs {b!r})"
    if isinstance(a, float):
        if math.isnan(a):
            assert math.isnan(b), f"{path}: {a!r} != {b!r}"
        else:
            assert a == b and math.copysign(1.0, a) == math.copysign(1.0, b), (
                f"{path}: {a!r} != {b!r}"
            )
    elif isinstance(a, dict):
        assert len(a) == len(b), f"{path}: {len(a)} keys vs {len(b)}"
        ka, kb = list(a), list(b)
        for i, (x, y) in enumerate(zip(ka, kb)):
            assert_same_value(x, y, f"{path}.keys()[{i}]")
        for k in ka:
            assert_same_value(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), f"{path}: length {len(a)} vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same_value(x, y, f"{path}[{i}]")
    elif isinstance(a, _dt.datetime):
        assert (a.isoformat(), repr(a.tzinfo), a.fold) == (b.isoformat(), repr(b.tzinfo), b.fold), (
            f"{path}: {a!r} != {b!r}"
        )
    elif isinstance(a, BaseException):
        assert_same_exception(a, b)
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def assert_same_exception(
    stock: BaseException, fast: BaseException, *, check_message: bool = True
) -> None:
    """Same class (exactly), same ``str()``, same itsdangerous attributes.

    For ``BadPayload`` the wrapped ``original_error`` must match too (class and message):
    user code that logs or inspects it sees the same thing.
    """
    assert type(fast) is type(stock), (
        f"fast raised {type(fast).__module__}.{type(fast).__qualname__}: {fast!s}; "
        f"stock raised {type(stock).__module__}.{type(stock).__qualname__}: {stock!s}"
    )
    if check_message:
        assert str(fast) == str(stock), f"{type(stock).__name__}: {fast!s} != {stock!s}"
    if isinstance(stock, itsdangerous.BadSignature):
        assert_same_value(stock.payload, fast.payload, "exception.payload")  # type: ignore[attr-defined]
    if isinstance(stock, itsdangerous.BadTimeSignature):
        assert_same_value(stock.date_signed, fast.date_signed, "exception.date_signed")  # type: ignore[attr-defined]
    if isinstance(stock, itsdangerous.BadPayload):
        se, fe = stock.original_error, fast.original_error  # type: ignore[attr-defined]
        assert (se is None) == (fe is None), f"original_error {se!r} vs {fe!r}"
        if se is not None and fe is not None:
            assert_same_exception(se, fe, check_message=check_message)
    if isinstance(stock, UnicodeError):
        assert fast.args == stock.args


def assert_same_outcome(stock: Outcome, fast: Outcome, *, check_message: bool = True) -> None:
    if stock.error is not None or fast.error is not None:
        assert stock.error is not None, f"stock returned {stock.value!r}, fast raised {fast.error!r}"
        assert fast.error is not None, f"stock raised {stock.error!r}, fast returned {fast.value!r}"
        assert_same_exception(stock.error, fast.error, check_message=check_message)
    else:
        assert_same_value(stock.value, fast.value)


# --------------------------------------------------------------------------------------
# Hand-made cookies, signed with stock's own signer


def stock_signer(app: Flask) -> Signer:
    """The TimestampSigner stock Flask would use for this app (same keys, salt, digest)."""
    return SecureCookieSessionInterface.get_signing_serializer(app.session_interface, app).make_signer()  # type: ignore[arg-type, union-attr]


def sign_raw(app: Flask, value: bytes) -> str:
    """``value + "." + signature`` - no timestamp is added: ``value`` carries its own."""
    return Signer.sign(stock_signer(app), value).decode("utf-8")


def sign_payload(
    app: Flask, payload: bytes, *, timestamp: int | bytes | None = None, compressed: bool = False
) -> str:
    """A validly signed cookie whose payload is ``payload`` (raw bytes before base64).

    ``timestamp`` defaults to the current (frozen) time; bytes are used verbatim.
    """
    import zlib

    body = zlib.compress(payload) if compressed else payload
    b64 = (b"." if compressed else b"") + base64_encode(body)
    if timestamp is None:
        timestamp = int(time.time())
    ts = timestamp if isinstance(timestamp, bytes) else int_to_bytes(timestamp)
    return sign_raw(app, b64 + b"." + base64_encode(ts))


# --------------------------------------------------------------------------------------
# Customisations shared by the Flask and Quart suites


class TagSet(JSONTag):
    """A custom tag (sets), as Flask's docs register one: stock code must
    answer for a serializer that has it."""

    key = " s"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, set)

    def to_json(self, value: t.Any) -> t.Any:
        return sorted(value)

    def to_python(self, value: t.Any) -> t.Any:
        return set(value)


#: The hooks stock's ``open_session`` / ``save_session`` call.
SESSION_HOOKS = (
    "get_cookie_name",
    "get_cookie_domain",
    "get_cookie_path",
    "get_cookie_secure",
    "get_cookie_samesite",
    "get_cookie_httponly",
    "get_cookie_partitioned",
    "should_set_cookie",
    "get_expiration_time",
)


def recording_hooks(calls: list[str], base: type) -> dict[str, t.Any]:
    """Overrides (for ``make_app(overrides=...)``) of every hook ``base``
    has, each recording its name in ``calls`` and then answering as stock."""

    def recording(name: str) -> t.Any:
        def hook(self: t.Any, *args: t.Any) -> t.Any:
            calls.append(name)
            return getattr(super(type(self), self), name)(*args)

        return hook

    return {name: recording(name) for name in SESSION_HOOKS if hasattr(base, name)}
