"""The rule (``flask_fastsession._rule``): one set of checks decides, for
Flask and Quart alike, whether the native path answers; the CLI explains
that decision with the same checks.

For the default configuration, each one that changes a single setting, and
random ones that change several (salt, signing, hooks, serializer, JSON
provider, secret keys and fallbacks of many types and containers, patched
stock code):

- ``uses_native(app)`` is True exactly when ``cli.why_not_native(app)`` is
  empty, and exactly when the configuration is one the test itself knows the
  native path reproduces (an oracle written here, not read off the rule);
- the first reason is the one ``reasons(..., first=True)`` gives;
- a request that writes a session and one that reads it back give stock's
  headers and values; stock's ``open_session`` and ``save_session`` run for
  the fast interface exactly when the rule said no.
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import typing as t
from contextlib import ExitStack
from dataclasses import dataclass
from unittest import mock

import itsdangerous.timed
import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from hypothesis import event
from hypothesis import given
from hypothesis import strategies as st

from differential import TagSet
from differential import as_original
from differential import assert_same_cycle
from differential import frozen
from differential import make_pair
from differential import run_cycle
from flask_fastsession import FastSessionInterface
from flask_fastsession import _rule
from flask_fastsession import cli
from flask_fastsession import sessions as fast_sessions
from flask_fastsession._compat import USES_FALLBACKS
from flask_fastsession._guard import StockGuard

# --------------------------------------------------------------------------------------
# Configurations


class StrKey(str):
    """A ``str`` subclass: stock takes it, the native codec does not."""



class SortlessProvider(DefaultJSONProvider):
    """Settings only: formatted natively (the native path reads them per call)."""

    sort_keys = False


class WrappingProvider(DefaultJSONProvider):
    """``dumps`` overridden (same output): the native path must not stand in."""

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        return super().dumps(obj, **kwargs)


#: Secret keys, built fresh for each app. Equal values on purpose: a key
#: equal to the last one used, but not of an exact type, is still declined.
SECRET_KEYS: dict[str, t.Callable[[], t.Any]] = {
    "str": lambda: "rule secret",
    "bytes": lambda: b"rule secret",
    "empty str": lambda: "",
    "empty bytes": lambda: b"",
    "None": lambda: None,
    "zero": lambda: 0,
    "int": lambda: 7,
    "bytearray": lambda: bytearray(b"rule secret"),
    "str subclass": lambda: StrKey("rule secret"),
    "lone surrogate": lambda: "rule \ud800 secret",
}

#: SECRET_KEY_FALLBACKS, in the containers users put them in.
FALLBACKS: dict[str, t.Callable[[], t.Any]] = {
    "None": lambda: None,
    "empty list": lambda: [],
    "list": lambda: ["old", b"older"],
    "tuple": lambda: ("old",),
    "str (its characters)": lambda: "abc",
    "deque": lambda: collections.deque([b"old"]),
    "dict (its keys)": lambda: {"old": 1},
    "set": lambda: {"old"},
    "int key": lambda: ["old", 5],
    "bytearray key": lambda: [bytearray(b"old")],
    "str subclass key": lambda: [StrKey("old")],
    "lone surrogate key": lambda: ["\udc80"],
    "not iterable": lambda: 5,
}


def _same_serializer(self: t.Any, app: t.Any) -> t.Any:
    """A subclass's ``get_signing_serializer`` that changes nothing."""
    return super(type(self), self).get_signing_serializer(app)


@dataclass(frozen=True)
class Config:
    salt: str | bytes | None  # None: the class's
    key_derivation: str | None
    digest: str | None  # "sha1", "sha256", None: the class's
    native_enabled: bool
    overrides_get_signing_serializer: bool
    instance_hook: str | None  # an attribute set on the instance
    serializer: str | None  # "fresh" (default tags), "tagged"; None: the class's
    provider: str | None  # "sortless", "wrapping"; None: the default
    secret_key: str
    fallbacks: str
    patched: str | None  # "itsdangerous", "quart"

    def overrides(self) -> dict[str, t.Any]:
        """Class attributes of the interface subclass (stock and fast alike)."""
        attrs: dict[str, t.Any] = {}
        if self.salt is not None:
            attrs["salt"] = self.salt
        if self.key_derivation is not None:
            attrs["key_derivation"] = self.key_derivation
        if self.digest is not None:
            attrs["digest_method"] = staticmethod(getattr(hashlib, self.digest))
        if not self.native_enabled:
            attrs["native_enabled"] = False
        if self.overrides_get_signing_serializer:
            attrs["get_signing_serializer"] = _same_serializer
        if self.serializer == "fresh":
            attrs["serializer"] = TaggedJSONSerializer()
        elif self.serializer == "tagged":
            serializer = TaggedJSONSerializer()
            serializer.register(TagSet, index=0)
            attrs["serializer"] = serializer
        return attrs

    def config(self) -> dict[str, t.Any]:
        return {"SECRET_KEY": SECRET_KEYS[self.secret_key](), "SECRET_KEY_FALLBACKS": FALLBACKS[self.fallbacks]()}

    def setup(self, app: t.Any) -> None:
        """What is set on the app and the interface instance once made."""
        interface = app.session_interface
        if self.instance_hook is not None:
            if self.instance_hook == "unrelated":
                interface.note = "not a hook"
            else:
                # The class's own method, bound: what changes is where it is found.
                method = getattr(type(interface), self.instance_hook)
                setattr(interface, self.instance_hook, method.__get__(interface))
        if self.provider == "sortless":
            app.json = SortlessProvider(app)
        elif self.provider == "wrapping":
            app.json = WrappingProvider(app)

    def native(self, *, quart: bool) -> bool:
        """The oracle: whether the native path reproduces this configuration."""
        if quart:
            from flask_fastsession.quart import QUART_IS_KNOWN

            if not QUART_IS_KNOWN:
                return False
        if self.patched == "itsdangerous" or (quart and self.patched == "quart"):
            return False
        if (
            self.salt not in (None, "cookie-session")  # b"cookie-session" too: not a str
            or self.key_derivation not in (None, "hmac")
            or self.digest not in (None, "sha1")
            or not self.native_enabled
            or self.overrides_get_signing_serializer
            or self.instance_hook in ("get_signing_serializer", "get_expiration_time")
            or self.serializer == "tagged"
            or (not quart and self.provider == "wrapping")
        ):
            return False
        config = self.config()
        secret_key = config["SECRET_KEY"]
        if not secret_key:
            return False
        fallbacks = config["SECRET_KEY_FALLBACKS"] if _uses_fallbacks(quart) else None
        try:
            keys = [*(fallbacks or ()), secret_key]
        except TypeError:
            return False
        return all(_native_key(key) for key in keys)


def _native_key(key: t.Any) -> bool:
    if type(key) is bytes:
        return True
    if type(key) is not str:
        return False
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _uses_fallbacks(quart: bool) -> bool:
    if quart:
        from flask_fastsession.quart import QUART_USES_FALLBACKS

        return QUART_USES_FALLBACKS
    return USES_FALLBACKS


#: Each field's values, the class's default first. A configuration changes a
#: few fields from the default one (most changes send calls to stock code, so
#: changing every field at once would almost never leave the native path on).
FIELDS: dict[str, list[t.Any]] = {
    "salt": [None, "cookie-session", "another salt", b"cookie-session"],
    "key_derivation": [None, "hmac", "concat", "django-concat", "none"],
    "digest": [None, "sha1", "sha256"],
    "native_enabled": [True, False],
    "overrides_get_signing_serializer": [False, True],
    "instance_hook": [None, "unrelated", "get_signing_serializer", "get_expiration_time"],
    "serializer": [None, "fresh", "tagged"],
    "provider": [None, "sortless", "wrapping"],
    "secret_key": list(SECRET_KEYS),
    "fallbacks": list(FALLBACKS),
    "patched": [None, "itsdangerous", "quart"],
}


DEFAULT = Config(**{name: values[0] for name, values in FIELDS.items()})


@st.composite
def configs(draw: st.DrawFn) -> Config:
    changed = draw(st.sets(st.sampled_from(list(FIELDS)), max_size=len(FIELDS)))
    return Config(**{name: draw(st.sampled_from(values)) if name in changed else values[0] for name, values in FIELDS.items()})


# --------------------------------------------------------------------------------------
# Patches and spies


def _patch_stock(stack: ExitStack, which: str | None) -> None:
    """Replace a stock function with one that behaves the same, for the
    duration of ``stack``: a patch the native path must see and defer to."""
    if which == "itsdangerous":
        original = itsdangerous.timed.TimestampSigner.get_timestamp
        stack.enter_context(
            mock.patch.object(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: original(self))
        )
    elif which == "quart":
        try:
            from quart.sessions import SessionInterface
        except ImportError:  # then only the Flask flavour runs, which does not watch Quart
            return

        should_set = SessionInterface.should_set_cookie
        stack.enter_context(
            mock.patch.object(SessionInterface, "should_set_cookie", lambda self, app, s: should_set(self, app, s))
        )


def _spy_flask(stack: ExitStack) -> list[t.Any]:
    """The interfaces stock's ``open_session`` and ``save_session`` run for
    (the spies taken for the originals by the patched-stock check)."""
    seen: list[t.Any] = []
    stock_open = SecureCookieSessionInterface.open_session
    stock_save = SecureCookieSessionInterface.save_session

    def open_session(self: t.Any, app: t.Any, request: t.Any) -> t.Any:
        seen.append(self)
        return stock_open(self, app, request)

    def save_session(self: t.Any, app: t.Any, session: t.Any, response: t.Any) -> t.Any:
        seen.append(self)
        return stock_save(self, app, session, response)

    stack.enter_context(as_original(SecureCookieSessionInterface, "open_session", open_session))
    stack.enter_context(as_original(SecureCookieSessionInterface, "save_session", save_session))
    return seen


def _spy_quart(stack: ExitStack) -> list[t.Any]:
    from quart.sessions import SecureCookieSessionInterface as QuartStock

    from flask_fastsession.quart import _QUART_STOCK_CODE

    seen: list[t.Any] = []
    stock_open = QuartStock.open_session
    stock_save = QuartStock.save_session

    async def open_session(self: t.Any, app: t.Any, request: t.Any) -> t.Any:
        seen.append(self)
        return await stock_open(self, app, request)

    async def save_session(self: t.Any, app: t.Any, session: t.Any, response: t.Any) -> t.Any:
        seen.append(self)
        return await stock_save(self, app, session, response)

    stack.enter_context(as_original(QuartStock, "open_session", open_session, guard=_QUART_STOCK_CODE))
    stack.enter_context(as_original(QuartStock, "save_session", save_session, guard=_QUART_STOCK_CODE))
    return seen


def _write(session: t.Any) -> None:
    session.update({"user_id": 42, "pair": (1, b"\x00two"), "z": "\u00e9", "a": None})
    session.permanent = True


def _read(session: t.Any) -> t.Any:
    return dict(session), session.permanent


# --------------------------------------------------------------------------------------
# The property


def _check_reasons(app: t.Any, flavour: _rule.Flavour, expected: bool) -> None:
    interface = app.session_interface
    reasons = cli.why_not_native(app)
    assert all(type(r) is str and r for r in reasons), reasons
    assert type(interface).uses_native(app) is (reasons == []), reasons
    assert (reasons == []) is expected, reasons
    assert _rule.reasons(interface, app, flavour, first=True) == reasons[:1]
    assert (interface._native_codec(app) is None) is bool(reasons)


def flask_case(cfg: Config) -> None:
    expected = cfg.native(quart=False)
    with ExitStack() as stack:
        _patch_stock(stack, cfg.patched)
        seen = _spy_flask(stack)
        pair = make_pair(secret_key=None, config=cfg.config(), overrides=cfg.overrides(), setup=cfg.setup)
        _check_reasons(pair.fast, fast_sessions.FLAVOUR, expected)
        with frozen():
            stock = run_cycle(pair.stock, _write)
            fast = run_cycle(pair.fast, _write)
            assert_same_cycle(stock, fast)
            cookie = stock.cookie_value()
            if cookie is not None:
                assert_same_cycle(run_cycle(pair.stock, _read, cookie), run_cycle(pair.fast, _read, cookie))
        assert (pair.fast.session_interface in seen) is not expected
        assert pair.stock.session_interface in seen


def quart_case(cfg: Config) -> None:
    pytest.importorskip("quart", reason="quart is not installed (pip install 'flask-fastsession[quart]')")
    import test_quart
    from flask_fastsession import quart as fast_quart

    expected = cfg.native(quart=True)
    config = cfg.config()
    with ExitStack() as stack:
        _patch_stock(stack, cfg.patched)
        seen = _spy_quart(stack)
        pair = test_quart.make_pair(secret_key=config.pop("SECRET_KEY"), config=config, overrides=cfg.overrides())
        cfg.setup(pair.stock)
        cfg.setup(pair.fast)
        _check_reasons(pair.fast, fast_quart.FLAVOUR, expected)
        with test_quart.frozen():
            first = test_quart.run_both(pair, _write)
            cookie = first.cookie_value()
            if first.error is None and cookie is not None:
                test_quart.run_both(pair, _read, cookie)
        assert (pair.fast.session_interface in seen) is not expected
        assert pair.stock.session_interface in seen


CASES = {"flask": flask_case, "quart": quart_case}

#: The default configuration, and each one that changes a single field.
ONE_CHANGE: list[Config] = [
    DEFAULT,
    *(
        dataclasses.replace(DEFAULT, **{name: value})
        for name, values in FIELDS.items()
        for value in values[1:]
    ),
]


@pytest.mark.parametrize("flavour", list(CASES))
@pytest.mark.parametrize(
    "cfg", ONE_CHANGE, ids=["default", *(f"{n}={v!r}" for n, values in FIELDS.items() for v in values[1:])]
)
def test_one_change(flavour: str, cfg: Config) -> None:
    CASES[flavour](cfg)


@pytest.mark.parametrize("flavour", list(CASES))
@given(cfg=configs())
def test_random_configurations(flavour: str, cfg: Config) -> None:
    if flavour == "quart":
        pytest.importorskip("quart", reason="quart is not installed (pip install 'flask-fastsession[quart]')")
    event(f"native: {cfg.native(quart=flavour == 'quart')}")
    CASES[flavour](cfg)


# --------------------------------------------------------------------------------------
# Reasons, one by one


def test_every_reason_is_listed() -> None:
    """Every way of declining is named, in the rule's order; ``first`` stops
    at the first."""
    cfg = Config(
        salt="s",
        key_derivation="concat",
        digest="sha256",
        native_enabled=False,
        overrides_get_signing_serializer=True,
        instance_hook="get_expiration_time",
        serializer="tagged",
        provider="wrapping",
        secret_key="int",
        fallbacks="None",
        patched=None,
    )
    pair = make_pair(secret_key=None, config=cfg.config(), overrides=cfg.overrides(), setup=cfg.setup)
    app = pair.fast
    reasons = cli.why_not_native(app)
    expected = [
        "native_enabled is False",
        "the interface instance replaces get_expiration_time",
        "salt is 's', not 'cookie-session'",
        "key_derivation is 'concat', not 'hmac'",
        f"digest_method is {hashlib.sha256!r}, not hashlib.sha1",
        "CustomFastSessionInterface overrides get_signing_serializer",
        "the serializer is not Flask's TaggedJSONSerializer with the default tags (custom tags?)",
        "app.json (WrappingProvider) overrides dumps or loads",
        "SECRET_KEY is a int: the native path takes exact str and bytes keys",
    ]
    assert reasons == expected
    assert _rule.reasons(app.session_interface, app, fast_sessions.FLAVOUR, first=True) == expected[:1]
    with mock.patch.object(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: 0):
        assert "stock code the native path stands in for is patched: itsdangerous.timed.TimestampSigner.get_timestamp" in (
            cli.why_not_native(app)
        )
    assert "stock code the native path stands in for is patched" not in " ".join(cli.why_not_native(app))


@pytest.mark.parametrize(
    "secret_key, fallbacks, reason",
    [
        ("", None, "no SECRET_KEY: sessions are unavailable (stock's NullSession)"),
        (
            bytearray(b"k"),
            None,
            "SECRET_KEY is a bytearray: the native path takes exact str and bytes keys",
        ),
        (
            "k\ud800",
            None,
            "a secret key cannot be encoded as UTF-8 (a lone surrogate?): stock code raises the error",
        ),
        pytest.param(
            "k",
            ["old", StrKey("older")],
            "SECRET_KEY_FALLBACKS holds a StrKey: the native path takes exact str and bytes keys",
            marks=pytest.mark.skipif(not USES_FALLBACKS, reason="this Flask has no SECRET_KEY_FALLBACKS"),
        ),
        pytest.param(
            "k",
            5,
            "SECRET_KEY_FALLBACKS is a int, not a list of keys (stock code raises the error)",
            marks=pytest.mark.skipif(not USES_FALLBACKS, reason="this Flask has no SECRET_KEY_FALLBACKS"),
        ),
    ],
)
def test_key_reasons(secret_key: t.Any, fallbacks: t.Any, reason: str) -> None:
    app = Flask("keys")
    app.config.update(SECRET_KEY=secret_key, SECRET_KEY_FALLBACKS=fallbacks)
    app.session_interface = FastSessionInterface()
    reasons = cli.why_not_native(app)
    assert reasons[-1:] == [reason]
    assert not FastSessionInterface.uses_native(app)


def test_interfaces_format_no_reason() -> None:
    """The interfaces' path through the rule builds no reason, whether the
    answer is yes or no (and does not list the patched names either)."""
    app = make_pair().fast
    declined = make_pair(overrides={"salt": "other"}).fast
    with ExitStack() as stack:
        for owner, name in [(_rule, "_add"), (_rule, "_patched"), (_rule, "_key_reason"), (StockGuard, "differences")]:
            stack.enter_context(mock.patch.object(owner, name, side_effect=AssertionError(f"{name} was called")))
        assert app.session_interface._native_codec(app) is not None  # type: ignore[attr-defined]
        assert declined.session_interface._native_codec(declined) is None  # type: ignore[attr-defined]
        with mock.patch.object(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: 0):
            assert app.session_interface._native_codec(app) is None  # type: ignore[attr-defined]
        app.config["SECRET_KEY"] = 7
        assert app.session_interface._native_codec(app) is None  # type: ignore[attr-defined]
    assert _rule.reasons(declined.session_interface, declined, fast_sessions.FLAVOUR)


def test_flavours_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast_sessions.FLAVOUR.checks_app_json = False  # type: ignore[misc]
