"""Session plans: the request path decided once, never a stale answer.

``FastSessionInterface`` answers ``open_session`` and ``save_session`` through
a :class:`~flask_fastsession._native.SessionPlan` made by
:func:`~flask_fastsession.sessions.make_plan`, which remembers the rule's
decision and the values it read (cookie name and attributes, lifetime, keys,
limits) with a fingerprint of everything they came from. These tests change
that everything, step by step, stock and fast side by side, and check that
(1) every response is stock's, and (2) whenever a plan still says it is
valid, a plan made afresh from the objects as they are now holds the same
values, so a valid plan never answers with old settings.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import flask.sessions
import itsdangerous.timed
import pytest
from flask import Flask
from flask import Response
from flask.json.provider import DefaultJSONProvider
from flask.json.tag import JSONTag
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSession
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from _versions import requires_fallbacks
from differential import Pair
from differential import assert_native
from differential import assert_same_cycle
from differential import frozen
from differential import make_app
from differential import make_pair
from differential import recording_hooks
from differential import run_cycle
from flask_fastsession import FastSessionInterface
from flask_fastsession import _native
from flask_fastsession import sessions as fast_sessions
from flask_fastsession._compat import USES_FALLBACKS


def _write(session: t.Any) -> None:
    session["n"] = session.get("n", 0) + 1
    session["pair"] = (1, 2)
    session.permanent = True


def _read(session: t.Any) -> t.Any:
    return dict(session)


def _pair() -> Pair:
    """Stock and fast apps whose interface classes and serializers are their
    own, so a step may change them without touching other tests."""
    pair = make_pair(
        overrides={"__module__": __name__},
        config={"SECRET_KEY_FALLBACKS": []} if USES_FALLBACKS else None,
    )
    for app in pair.both():
        _cls(app).serializer = TaggedJSONSerializer()
    return pair


def _cls(app: Flask) -> t.Any:
    """The app's interface class (its own subclass, see ``_pair``)."""
    return type(app.session_interface)


def _plan(app: Flask) -> _native.SessionPlan | None:
    return fast_sessions._plans.get(id(app.session_interface))


def _assert_plan_current(app: Flask) -> None:
    """A plan that says it is valid holds what a fresh plan would hold."""
    interface = app.session_interface
    assert isinstance(interface, FastSessionInterface)
    plan = _plan(app)
    if plan is None or not plan.valid(interface, app):
        return
    codec = interface._native_codec(app)
    assert codec is not None, "a valid plan for a configuration the rule hands to stock code"
    fresh = fast_sessions.make_plan(interface, app, codec)
    assert fresh is not None, "a valid plan where no plan can be made now"
    assert fresh.values() == plan.values()


# Steps: each changes one thing the plan depends on, the same way in both apps.


class _TagX(JSONTag):
    __slots__ = ()
    key = " x"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, complex)

    def to_json(self, value: t.Any) -> t.Any:
        return [value.real, value.imag]

    def to_python(self, value: t.Any) -> t.Any:
        return complex(*value)


class _SortedProvider(DefaultJSONProvider):
    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        return super().dumps(obj, **kwargs)


class _OwnSetCookie(Response):
    def set_cookie(self, key: str, *args: t.Any, **kwargs: t.Any) -> None:
        super().set_cookie(key, *args, **kwargs)
        self.headers.add("X-Set-Cookie", key)


class _OwnSession(SecureCookieSession):
    pass


def _config(key: str, value: t.Any) -> Callable[[Flask], None]:
    def step(app: Flask) -> None:
        app.config[key] = value

    step.__name__ = f"config[{key!r}] = {value!r}"
    return step


def _fallbacks_in_place(keys: list[str]) -> Callable[[Flask], None]:
    def step(app: Flask) -> None:
        app.config["SECRET_KEY_FALLBACKS"][:] = keys

    step.__name__ = f"fallbacks[:] = {keys!r}"
    return step


def _instance_attr(name: str, value: t.Any) -> Callable[[Flask], None]:
    def step(app: Flask) -> None:
        setattr(app.session_interface, name, value)

    step.__name__ = f"interface.{name} = {value!r}"
    return step


def _clear_instance(app: Flask) -> None:
    vars(app.session_interface).clear()


def _class_hook(app: Flask) -> None:
    _cls(app).get_cookie_name = lambda self, app: "hooked"  # type: ignore[method-assign]


def _class_hook_removed(app: Flask) -> None:
    vars(_cls(app)).get("get_cookie_name") and delattr(  # type: ignore[func-returns-value]
        _cls(app), "get_cookie_name"
    )


def _register_tag(app: Flask) -> None:
    serializer = _cls(app).serializer
    if " x" not in serializer.tags:
        serializer.register(_TagX, index=0)


class _TupleAsList(JSONTag):
    __slots__ = ()
    key = " t"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, tuple)

    def to_json(self, value: t.Any) -> t.Any:
        return [self.serializer.tag(item) for item in value]

    def to_python(self, value: t.Any) -> t.Any:
        return list(value)


def _replace_tag_in_tags(app: Flask) -> None:
    """A tag replaced in ``tags`` only (``order`` unchanged): loads differ."""
    serializer = _cls(app).serializer
    serializer.tags[" t"] = _TupleAsList(serializer)


def _fresh_serializer(app: Flask) -> None:
    _cls(app).serializer = TaggedJSONSerializer()


def _provider(app: Flask) -> None:
    app.json = _SortedProvider(app)


def _default_provider(app: Flask) -> None:
    app.json = DefaultJSONProvider(app)


def _sort_keys(app: Flask) -> None:
    app.json.sort_keys = not app.json.sort_keys  # type: ignore[attr-defined]


def _response_class(app: Flask) -> None:
    app.response_class = _OwnSetCookie


def _session_class(app: Flask) -> None:
    _cls(app).session_class = _OwnSession


def _lifetime(days: int) -> Callable[[Flask], None]:
    def step(app: Flask) -> None:
        app.permanent_session_lifetime = timedelta(days=days)

    step.__name__ = f"permanent_session_lifetime = {days} days"
    return step


def _config_replaced(app: Flask) -> None:
    config = app.config_class(app.root_path, app.config)
    config["SESSION_COOKIE_PATH"] = "/replaced"
    app.config = config


STEPS: list[Callable[[Flask], None]] = [
    _config("SESSION_COOKIE_NAME", "sid"),
    _config("SESSION_COOKIE_NAME", "session"),
    _config("SESSION_COOKIE_SECURE", True),
    _config("SESSION_COOKIE_SAMESITE", "Lax"),
    _config("SESSION_COOKIE_DOMAIN", "example.test"),
    _config("SESSION_COOKIE_PATH", "/app"),
    _config("SESSION_COOKIE_HTTPONLY", False),
    _config("SESSION_REFRESH_EACH_REQUEST", False),
    _config("SESSION_REFRESH_EACH_REQUEST", True),
    _config("SECRET_KEY", "another secret"),
    _config("MAX_COOKIE_SIZE", 4093),
    _config("MAX_COOKIE_SIZE", 0),
    _config("PERMANENT_SESSION_LIFETIME", 3600),
    _lifetime(1),
    _lifetime(40),
    _instance_attr("salt", "other-salt"),
    _instance_attr("native_enabled", False),
    _instance_attr("get_expiration_time", lambda app, session: None),
    _clear_instance,
    _class_hook,
    _class_hook_removed,
    _register_tag,
    _replace_tag_in_tags,
    _fresh_serializer,
    _provider,
    _default_provider,
    _sort_keys,
    _response_class,
    _session_class,
    _config_replaced,
]
if USES_FALLBACKS:
    STEPS += [
        _fallbacks_in_place(["old secret"]),
        _fallbacks_in_place([]),
        _config("SECRET_KEY_FALLBACKS", ["old secret", "older secret"]),
    ]


@contextmanager
def _patched(cls: type, name: str, value: t.Any) -> Iterator[None]:
    original = cls.__dict__[name]
    setattr(cls, name, value)
    try:
        yield
    finally:
        setattr(cls, name, original)


def _stock_salt_patched() -> t.ContextManager[None]:
    """Stock code patched on a base class of the interface."""
    return _patched(flask.sessions.SecureCookieSessionInterface, "salt", "patched-salt")


def _signer_patched() -> t.ContextManager[None]:
    """Stock code patched where only the guard sees it."""
    return _patched(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: 1_700_000_000)


PATCHES = [_stock_salt_patched, _signer_patched]


def _request(pair: Pair, cookie: str | None, write: bool) -> str | None:
    action = _write if write else _read
    stock = run_cycle(pair.stock, action, cookie)
    fast = run_cycle(pair.fast, action, cookie)
    assert_same_cycle(stock, fast)
    name = pair.stock.config["SESSION_COOKIE_NAME"]
    return stock.cookie_value(name) or cookie


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(range(len(STEPS) + len(PATCHES))), st.booleans()),
        min_size=1,
        max_size=12,
    )
)
def test_changes_between_requests(steps: list[tuple[int, bool]]) -> None:
    """After every change, fast answers as stock, and a plan that says it is
    valid is current."""
    pair = _pair()
    with frozen():
        cookie = _request(pair, None, write=True)
        _assert_plan_current(pair.fast)
        for index, write in steps:
            if index >= len(STEPS):
                with PATCHES[index - len(STEPS)]():
                    cookie = _request(pair, cookie, write)
                    _assert_plan_current(pair.fast)
                continue
            for app in pair.both():
                STEPS[index](app)
            _assert_plan_current(pair.fast)
            cookie = _request(pair, cookie, write)
            _assert_plan_current(pair.fast)


def test_plan_answers_the_requests() -> None:
    """Once made, the plan answers: the rule is evaluated for the first
    request only, not for every call."""
    pair = _pair()
    app = pair.fast
    assert_native(app)
    cls = _cls(app)
    rule = cls._native_codec
    calls = []

    def counting(self: t.Any, app: Flask) -> t.Any:
        calls.append(1)
        return rule(self, app)

    cls._native_codec = counting
    with frozen():
        cookie = _request(pair, None, write=True)
        first = len(calls)
        for i in range(10):
            cookie = _request(pair, cookie, write=bool(i % 2))
    assert first >= 1
    assert len(calls) == first, "the rule ran again although nothing changed"
    assert _plan(app) is not None


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.__name__)
def test_each_change_is_seen(step: Callable[[Flask], None]) -> None:
    """Each change, alone, after the plan was made."""
    pair = _pair()
    with frozen():
        cookie = _request(pair, None, write=True)
        assert _plan(pair.fast) is not None
        for app in pair.both():
            step(app)
        _assert_plan_current(pair.fast)
        cookie = _request(pair, cookie, write=False)
        _assert_plan_current(pair.fast)
        _request(pair, cookie, write=True)


@pytest.mark.parametrize("patch", PATCHES, ids=lambda p: p.__name__)
def test_patched_stock_is_seen(patch: Callable[[], t.ContextManager[None]]) -> None:
    """Stock code patched after the plan was made, and restored."""
    pair = _pair()
    with frozen():
        cookie = _request(pair, None, write=True)
        assert _plan(pair.fast) is not None
        with patch():
            _assert_plan_current(pair.fast)
            cookie = _request(pair, cookie, write=True)
            _assert_plan_current(pair.fast)
        _request(pair, cookie, write=True)
        _assert_plan_current(pair.fast)


@requires_fallbacks
def test_revoked_fallback_in_place() -> None:
    """A fallback key removed from the list in place stops verifying on the
    next request, although the plan was made while it was there."""
    pair = _pair()
    for app in pair.both():
        app.config["SECRET_KEY_FALLBACKS"].append("old secret")
    old = make_pair(secret_key="old secret")
    with frozen():
        cookie = run_cycle(old.stock, _write).cookie_value()
        assert cookie is not None
        assert _request(pair, cookie, write=False) is not None
        assert pair.fast.session_interface.open_session(pair.fast, _fake_request(pair.fast, cookie))
        for app in pair.both():
            app.config["SECRET_KEY_FALLBACKS"].clear()
        session = pair.fast.session_interface.open_session(pair.fast, _fake_request(pair.fast, cookie))
        assert session is not None and dict(session) == {}
        _request(pair, cookie, write=False)


def _fake_request(app: Flask, cookie: str) -> t.Any:
    with app.test_request_context(headers={"Cookie": f"session={cookie}"}) as ctx:
        return ctx.request


# The signing serializer: made once per plan, copied for every call.


def _set_salt(s: t.Any) -> None:
    s.salt = b"another-salt"


def _append_key(s: t.Any) -> None:
    s.secret_keys.append(b"another key")


def _signer_kwargs(s: t.Any) -> None:
    s.signer_kwargs["key_derivation"] = "concat"


def _json_serializer(s: t.Any) -> None:
    import json

    s.serializer = json
    s.is_text_serializer = True


def _tag_replaced_on_session_serializer(s: t.Any) -> None:
    s.serializer.tags[" t"] = _TupleAsList(s.serializer)


SERIALIZER_CHANGES = [_set_salt, _append_key, _signer_kwargs, _json_serializer, _tag_replaced_on_session_serializer]


@pytest.mark.parametrize("change", SERIALIZER_CHANGES, ids=lambda c: c.__name__)
def test_signing_serializer_changed_by_its_user(change: Callable[[t.Any], None]) -> None:
    """``get_signing_serializer(app)`` returns a new serializer per call, as
    stock does; one changed by its caller signs and verifies as stock's
    changed the same way, and the next one is made as before."""
    pair = _pair()
    outcomes = []
    with frozen():
        for app in pair.both():
            interface: t.Any = app.session_interface
            with app.app_context():
                first = interface.get_signing_serializer(app)
                assert first is not None
                before = first.dumps({"a": 1, "t": (1, 2)})
                second = interface.get_signing_serializer(app)
                assert second is not None and second is not first
                change(second)
                row: list[t.Any] = [before, vars(interface.get_signing_serializer(app)) == vars(first)]
                row.append(second.dumps({"a": 1, "t": (1, 2)}))
                for s in (before, row[-1]):
                    try:
                        row.append(second.loads(s))
                    except Exception as e:
                        row.append((type(e), str(e)))
                third = interface.get_signing_serializer(app)
                assert third is not None
                row.append(third.dumps({"a": 1}))
                outcomes.append(row)
    assert outcomes[1] == outcomes[0]


class _CompactProvider(DefaultJSONProvider):
    """Another app's provider, with other separators (what flask.json uses
    when that app is the current one)."""

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        kwargs.setdefault("separators", (", ", ": "))
        return super().dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        rv = super().loads(s, **kwargs)
        return {**rv, "loaded by": "other app"} if isinstance(rv, dict) else rv


@pytest.mark.parametrize("other_provider", [DefaultJSONProvider, _CompactProvider])
@pytest.mark.parametrize("sort_keys", [False, True])
def test_calls_under_another_apps_context(other_provider: type, sort_keys: bool) -> None:
    """``open_session`` / ``save_session`` called while another app is the
    current one: flask.json reads that app's provider, as in stock."""
    pair = _pair()
    results = []
    with frozen():
        cookie = _request(pair, None, write=True)
        assert cookie is not None
        for app in pair.both():
            other = Flask("other")
            other.json = other_provider(other)
            other.json.sort_keys = sort_keys  # type: ignore[attr-defined]
            interface = app.session_interface
            with app.test_request_context(headers={"Cookie": f"session={cookie}"}) as ctx:
                request = ctx.request
            row: list[t.Any] = []
            with other.app_context():
                for _ in range(2):  # the second time, through a plan if any
                    session = interface.open_session(app, request)
                    row.append(dict(session) if session is not None else None)
                    assert session is not None
                    session["z"] = 1
                    session["a"] = 2
                    response = app.response_class()
                    interface.save_session(app, session, response)
                    row.append(response.headers.getlist("Set-Cookie"))
                    row.append(response.headers.get("Vary"))
            results.append(row)
    assert results[1] == results[0]


def test_overridden_hooks_are_called_in_stocks_order() -> None:
    """An interface that overrides the getters takes the Python path, which
    calls them as stock's ``open_session`` / ``save_session`` do, in order."""
    calls: dict[str, list[str]] = {"stock": [], "fast": []}
    base = flask.sessions.SessionInterface
    pair = Pair(
        make_app("stock", overrides=recording_hooks(calls["stock"], base)),
        make_app("fast", overrides=recording_hooks(calls["fast"], base)),
    )
    assert_native(pair.fast)
    with frozen():
        cookie = _request(pair, None, write=True)
        cookie = _request(pair, cookie, write=False)
        stock = run_cycle(pair.stock, lambda s: s.clear(), cookie)
        fast = run_cycle(pair.fast, lambda s: s.clear(), cookie)
        assert_same_cycle(stock, fast)
    assert calls["stock"]
    assert calls["fast"] == calls["stock"]
