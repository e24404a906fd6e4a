"""Stock code patched at runtime is honoured: the call goes to stock code.

Test suites patch stock internals (``mock.patch("itsdangerous.timed.
TimestampSigner.get_timestamp", return_value=1)`` to make a session expire).
Stock Flask then runs the patch; so must the fast interface. Each case runs
the same request cycle through stock and fast under the same patch, at the
same frozen time, and compares every header; and once the patch is undone,
the fast interface is back on the native path.
"""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import types
import typing as t
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from flask import Flask
from flask import after_this_request
from flask.json.provider import DefaultJSONProvider
from flask.json.tag import TagDateTime
from markupsafe import Markup

from differential import assert_native
from differential import assert_not_native
from differential import assert_same_cycle
from differential import frozen
from differential import make_pair
from differential import run_cycle
from flask_fastsession import FastSessionInterface
from flask_fastsession._guard import FLASK as STOCK_CODE

SESSION: dict[str, t.Any] = {
    "user_id": 42,
    "when": _dt.datetime(2024, 1, 2, 3, 4, 5),
    "id": uuid.UUID(int=7),
    "raw": b"\x00bytes",
    "pair": (1, "two"),
    "html": Markup("<b>hi</b>"),
    "text": "x" * 200,
}


def _write(session: t.Any) -> None:
    session.update(SESSION)
    session.permanent = True


def _read(session: t.Any) -> t.Any:
    return dict(session)


def _compare_cycles(*, setup: Callable[[Flask], None] | None = None) -> None:
    """Write a session, then read it back, in stock and fast; same headers and values."""
    pair = make_pair(setup=setup)
    with frozen():
        stock = run_cycle(pair.stock, _write)
        fast = run_cycle(pair.fast, _write)
        assert_same_cycle(stock, fast)
        cookie = stock.cookie_value()
        if cookie is not None:
            assert_same_cycle(run_cycle(pair.stock, _read, cookie), run_cycle(pair.fast, _read, cookie))


@contextmanager
def _patched_then_native(patcher: t.Any) -> Iterator[None]:
    """Apply ``patcher`` and check the fast app leaves the native path for
    its duration and comes back after."""
    app = make_pair().fast
    assert_native(app)
    with patcher:
        assert_not_native(app)
        yield
    assert_native(app)


class _FixedClock(_dt.datetime):
    @classmethod
    def now(cls, tz: t.Any = None) -> _FixedClock:
        return cls(2031, 5, 6, 7, 8, 9, tzinfo=tz)


def _html_dump_cookie(original: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(original)
    def dump_cookie(*args: t.Any, **kwargs: t.Any) -> str:
        return original(*args, **kwargs) + "; X-Patched"

    return dump_cookie


def _loads_adding(self: t.Any, s: t.Any, **kwargs: t.Any) -> t.Any:
    rv = DefaultJSONProvider.__dict__["loads"].__wrapped__(self, s, **kwargs)
    if isinstance(rv, dict):
        rv["added_by_patch"] = True
    return rv


#: The patches public test suites apply, each changing stock's output.
NAMED_PATCHES: dict[str, Callable[[], t.Any]] = {
    "TimestampSigner.get_timestamp": lambda: mock.patch(
        "itsdangerous.timed.TimestampSigner.get_timestamp", return_value=1
    ),
    "flask.sessions.datetime": lambda: mock.patch("flask.sessions.datetime", _FixedClock),
    "TagDateTime.to_json": lambda: mock.patch.object(TagDateTime, "to_json", lambda self, value: "patched"),
    "DefaultJSONProvider.dumps": lambda: mock.patch.object(
        DefaultJSONProvider,
        "dumps",
        lambda self, obj, **kwargs: __import__("json").dumps(obj, separators=(", ", ": "), sort_keys=True),
    ),
    "DefaultJSONProvider.loads": lambda: mock.patch.object(
        DefaultJSONProvider, "loads", functools.wraps(DefaultJSONProvider.loads)(_loads_adding)
    ),
    "flask.json.tag.b64encode": lambda: mock.patch("flask.json.tag.b64encode", base64.b32encode),
    "flask.json.dumps": lambda: mock.patch(
        "flask.json.tag.dumps", lambda obj, **kwargs: __import__("json").dumps(obj, indent=1)
    ),
    "itsdangerous.url_safe.base64_encode": lambda: mock.patch(
        "itsdangerous.url_safe.base64_encode", lambda s: base64.urlsafe_b64encode(s).rstrip(b"=").upper()
    ),
    "itsdangerous.url_safe.zlib": lambda: mock.patch(
        "itsdangerous.url_safe.zlib",
        types.SimpleNamespace(compress=lambda data: b"x" * 100000, decompress=__import__("zlib").decompress),
    ),
    "Signer.get_signature": lambda: mock.patch(
        "itsdangerous.signer.Signer.get_signature", lambda self, value: b"sig"
    ),
    "werkzeug dump_cookie": lambda: mock.patch(
        "werkzeug.sansio.response.dump_cookie",
        _html_dump_cookie(__import__("werkzeug.sansio.response").sansio.response.dump_cookie),
    ),
    "SecureCookieSessionInterface.get_expiration_time": lambda: mock.patch(
        "flask.sessions.SessionInterface.get_expiration_time",
        lambda self, app, session: _dt.datetime(2030, 1, 1, tzinfo=_dt.timezone.utc),
    ),
    "URLSafeTimedSerializer.dumps shadowing Serializer.dumps": lambda: mock.patch.object(
        __import__("itsdangerous").URLSafeTimedSerializer, "dumps", lambda self, obj, salt=None: "shadowed"
    ),
}


@pytest.mark.parametrize("name", list(NAMED_PATCHES))
def test_named_patch_is_honoured(name: str) -> None:
    with _patched_then_native(NAMED_PATCHES[name]()):
        _compare_cycles()


def test_patched_clock_expires_a_session() -> None:
    """The example from public suites: a cookie signed at timestamp 1 has
    expired by now, in stock and in fast."""
    pair = make_pair()
    with frozen():
        with mock.patch("itsdangerous.timed.TimestampSigner.get_timestamp", return_value=1):
            stock = run_cycle(pair.stock, _write)
            fast = run_cycle(pair.fast, _write)
        assert_same_cycle(stock, fast)
        cookie = fast.cookie_value()
        assert cookie is not None
        s, f = run_cycle(pair.stock, _read, cookie), run_cycle(pair.fast, _read, cookie)
    assert_same_cycle(s, f)
    assert f.captured == {}


# --- Instance-level replacements of hooks and response methods ---------------------------


def _wrap_set_cookie(app: Flask) -> None:
    @app.after_request
    def wrap(response: t.Any) -> t.Any:
        original = response.set_cookie

        def set_cookie(key: str, value: str = "", **kwargs: t.Any) -> None:
            original(key, value.upper(), **kwargs)

        response.set_cookie = set_cookie
        return response


def test_response_set_cookie_replaced_on_the_instance() -> None:
    _compare_cycles(setup=_wrap_set_cookie)


def test_response_set_cookie_replaced_in_the_view() -> None:
    def write(session: t.Any) -> None:
        _write(session)

        @after_this_request
        def wrap(response: t.Any) -> t.Any:
            original = response.set_cookie
            response.set_cookie = lambda *a, **k: original(*a, **{**k, "max_age": 5})
            return response

    pair = make_pair()
    with frozen():
        assert_same_cycle(run_cycle(pair.stock, write), run_cycle(pair.fast, write))


def _instance_hook(name: str, value: t.Any) -> Callable[[Flask], None]:
    def setup(app: Flask) -> None:
        setattr(app.session_interface, name, types.MethodType(value, app.session_interface))

    return setup


def _stock_serializer_with_other_salt(self: t.Any, app: Flask) -> t.Any:
    from flask.sessions import SecureCookieSessionInterface

    s = SecureCookieSessionInterface.get_signing_serializer(self, app)
    assert s is not None
    s.salt = b"other-salt"
    return s


INSTANCE_HOOKS: dict[str, tuple[str, t.Any]] = {
    "get_expiration_time": (
        "get_expiration_time",
        lambda self, app, session: _dt.datetime(2029, 9, 9, tzinfo=_dt.timezone.utc),
    ),
    "get_signing_serializer": ("get_signing_serializer", _stock_serializer_with_other_salt),
}


@pytest.mark.parametrize("name", list(INSTANCE_HOOKS))
def test_hook_replaced_on_the_instance(name: str) -> None:
    attr, value = INSTANCE_HOOKS[name]
    _compare_cycles(setup=_instance_hook(attr, value))
    app = make_pair(setup=_instance_hook(attr, value)).fast
    assert not FastSessionInterface.uses_native(app)


# --- The whole family: every name the native path stands in for --------------------------


def _watched_names() -> list[tuple[str, t.Any, str]]:
    out = []
    for ns in STOCK_CODE._namespaces:
        for name in ns.entries:
            out.append((f"{ns.label}.{name}", ns.owner, name))
    return out


WATCHED = _watched_names()


def _stand_in(original: t.Any) -> t.Any:
    """A replacement that behaves like ``original`` where that is easy to
    build (functions), and a distinct object otherwise."""
    if isinstance(original, types.FunctionType):
        return functools.wraps(original)(lambda *a, **k: original(*a, **k))
    if isinstance(original, staticmethod):
        return staticmethod(_stand_in(original.__func__))
    if isinstance(original, classmethod):
        return classmethod(_stand_in(original.__func__))
    if isinstance(original, property):
        return property(original.fget, original.fset, original.fdel, original.__doc__)
    if isinstance(original, type):
        try:
            return type(original.__name__, (original,), {})
        except (TypeError, AttributeError):  # final classes, enums
            return type(original.__name__, (), {})
    if isinstance(original, types.ModuleType):
        return types.SimpleNamespace(**vars(original))
    return object()


def test_the_watched_set_covers_what_the_native_path_stands_in_for() -> None:
    labels = {label for label, _, _ in WATCHED}
    for expected in [
        "itsdangerous.timed.TimestampSigner.get_timestamp",
        "itsdangerous.signer.Signer.get_signature",
        "itsdangerous.signer.HMACAlgorithm.get_signature",
        "itsdangerous.serializer.Serializer.dumps",
        "itsdangerous.url_safe.URLSafeSerializerMixin.dump_payload",
        "itsdangerous.url_safe.zlib",
        "itsdangerous.encoding.base64_encode",
        "itsdangerous.timed.time",
        "flask.sessions.datetime",
        "flask.sessions.SessionInterface.get_expiration_time",
        "flask.sessions.SessionInterface.should_set_cookie",
        "flask.json.tag.TagDateTime.to_json",
        "flask.json.tag.TaggedJSONSerializer.dumps",
        "flask.json.tag.b64encode",
        "flask.json.tag.http_date",
        "flask.json.dumps",
        "flask.json.provider.DefaultJSONProvider.dumps",
        "flask.json.provider.DefaultJSONProvider.loads",
        "werkzeug.http.http_date",
        "werkzeug.sansio.response.dump_cookie",
        "werkzeug.sansio.response.Response.set_cookie",
        "zlib.compress",
        "hmac.new",
        "json.dumps",
        "base64.b64encode",
    ]:
        assert expected in labels


@pytest.mark.parametrize(("label", "owner", "name"), WATCHED, ids=[w[0] for w in WATCHED])
def test_every_watched_name_sends_calls_to_stock(label: str, owner: t.Any, name: str) -> None:
    original = vars(owner)[name]
    replacement = _stand_in(original)
    with _patched_then_native(mock.patch.object(owner, name, replacement)):
        assert label in STOCK_CODE.differences()
        if isinstance(original, types.FunctionType):
            # A transparent wrapper: stock's output is unchanged, and so is fast's.
            _compare_cycles()


def test_time_freezer_is_not_a_patch() -> None:
    """freezegun swaps ``datetime.datetime`` in every module: the native path
    reads the clock where stock does, so it stays native."""
    app = make_pair().fast
    with frozen():
        assert STOCK_CODE.differences() == []
        assert_native(app)
    assert_native(app)


def test_a_benign_module_change_is_rechecked_once() -> None:
    """A watched module gaining an unrelated global changes its dict version;
    the snapshot is compared again and the native path stays."""
    import itsdangerous.timed

    app = make_pair().fast
    with mock.patch.object(itsdangerous.timed, "_fastsession_test_global", 1, create=True):
        assert_native(app)
    assert_native(app)


def test_patch_applied_to_the_serializer_after_it_was_built() -> None:
    """A signing serializer obtained before the patch honours it too."""
    pair = make_pair()
    with frozen():
        serializers = [
            app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
            for app in pair.both()
        ]
        with mock.patch("itsdangerous.timed.TimestampSigner.get_timestamp", return_value=12345):
            with pair.stock.app_context():
                stock = serializers[0].dumps({"a": 1})
            with pair.fast.app_context():
                fast = serializers[1].dumps({"a": 1})
    assert fast == stock
