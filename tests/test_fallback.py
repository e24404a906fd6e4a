"""Customisations the native path cannot reproduce are handed to stock code.

In each configuration below ``FastSessionInterface.uses_native(app)`` is False and the
cookies (and loaded values, and request-cycle headers) still equal stock's. With the
default configuration ``uses_native`` is True once the native codec exists.
"""

from __future__ import annotations

import collections
import decimal
import hashlib
import json
import typing as t
from collections.abc import Callable
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask.json.provider import JSONProvider
from flask.json.tag import JSONTag
from flask.json.tag import TagBytes
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from flask.sessions import session_json_serializer
from itsdangerous import URLSafeTimedSerializer

from _versions import override_params
from differential import Pair
from differential import assert_native
from differential import assert_not_native
from differential import assert_same_cycle
from differential import assert_same_outcome
from differential import dumps_outcome
from differential import frozen
from differential import loads_outcome
from differential import make_app
from differential import make_pair
from differential import run_cycle
from flask_fastsession import FastSessionInterface
from flask_fastsession import init_app

VALUES: list[t.Any] = [
    {"a": 1, "b": (1, 2), "c": b"\x00"},
    {"od": collections.OrderedDict([("z", 1), ("y", (2,))])},
    {"f": 1.5, "d": decimal.Decimal("2.50"), "s": "\u00e9\U0001f600"},
    {"k": "x" * 500},
]


def compare_everything(pair: Pair, values: list[t.Any] = VALUES) -> None:
    """dumps, cross-loads and request cycles give stock's results."""
    with frozen():
        for value in values:
            stock = dumps_outcome(pair.stock, value)
            fast = dumps_outcome(pair.fast, value)
            assert_same_outcome(stock, fast)
            if not stock.raised:
                for cookie in {stock.value, fast.value}:
                    assert_same_outcome(
                        loads_outcome(pair.stock, cookie, max_age=60), loads_outcome(pair.fast, cookie, max_age=60)
                    )
            first = [run_cycle(app, lambda s: s.update(value)) for app in pair.both()]
            assert_same_cycle(*first)
            cookie = first[0].cookie_value(pair.stock.config["SESSION_COOKIE_NAME"])
            if cookie is not None:
                again = [run_cycle(app, lambda s: dict(s), cookie) for app in pair.both()]
                assert_same_cycle(*again)


# --------------------------------------------------------------------------------------
# Default: native


def test_default_configuration_is_native() -> None:
    pair = make_pair()
    assert_native(pair.fast)
    assert FastSessionInterface.uses_native(pair.stock) is False
    compare_everything(pair)


def test_init_app() -> None:
    app = Flask("init_app_test")
    app.secret_key = "k"
    iface = init_app(app)
    assert isinstance(app.session_interface, FastSessionInterface)
    assert iface is app.session_interface
    assert_native(app)
    stock = make_app("stock", secret_key="k")
    with frozen():
        assert_same_outcome(dumps_outcome(stock, VALUES[0]), dumps_outcome(app, VALUES[0]))


def test_fast_interface_is_a_stock_subclass() -> None:
    assert issubclass(FastSessionInterface, SecureCookieSessionInterface)
    assert isinstance(FastSessionInterface(), SecureCookieSessionInterface)


# --------------------------------------------------------------------------------------
# Custom tags


class TagOrderedDict(JSONTag):
    """The Flask docs' example tag (keeps OrderedDict as [[k, v], ...])."""

    __slots__ = ()
    key = " od"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, collections.OrderedDict)

    def to_json(self, value: t.Any) -> t.Any:
        return [[k, self.serializer.tag(v)] for k, v in value.items()]

    def to_python(self, value: t.Any) -> t.Any:
        return collections.OrderedDict(value)


class HexBytes(JSONTag):
    __slots__ = ()
    key = " b"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, bytes)

    def to_json(self, value: t.Any) -> t.Any:
        return value.hex()

    def to_python(self, value: t.Any) -> t.Any:
        return bytes.fromhex(value)


def _private_tagged(register: Callable[[TaggedJSONSerializer], None]) -> Callable[[Flask], None]:
    def setup(app: Flask) -> None:
        ser = TaggedJSONSerializer()
        register(ser)
        app.session_interface.serializer = ser  # type: ignore[attr-defined]  # instance attribute

    return setup


TAG_SETUPS: dict[str, Callable[[Flask], None]] = {
    "ordered-dict-tag-first": _private_tagged(lambda s: s.register(TagOrderedDict, index=0)),
    "ordered-dict-tag-last": _private_tagged(lambda s: s.register(TagOrderedDict)),
    "bytes-tag-forced-first": _private_tagged(lambda s: s.register(HexBytes, force=True, index=0)),
    # force without index: loads uses the new tag, dumps still meets the old one first
    "bytes-tag-forced-appended": _private_tagged(lambda s: s.register(HexBytes, force=True)),
}


@pytest.mark.parametrize("name", list(TAG_SETUPS))
def test_custom_tag_on_private_serializer(name: str) -> None:
    pair = make_pair(setup=TAG_SETUPS[name])
    assert_not_native(pair.fast)
    compare_everything(pair)


def test_custom_tag_on_subclass_serializer() -> None:
    ser = TaggedJSONSerializer()
    ser.register(TagOrderedDict, index=0)
    pair = make_pair(overrides={"serializer": ser})
    assert_not_native(pair.fast)
    compare_everything(pair)


def test_serializer_subclass_overriding_dumps() -> None:
    class Spaced(TaggedJSONSerializer):
        __slots__ = ()

        def dumps(self, value: t.Any) -> str:
            return " " + super().dumps(value)

    pair = make_pair(overrides={"serializer": Spaced()})
    assert_not_native(pair.fast)
    compare_everything(pair)


def test_fresh_default_serializer_instance() -> None:
    """A new TaggedJSONSerializer() with no extra tags: native or not, same bytes."""
    pair = make_pair(overrides={"serializer": TaggedJSONSerializer()})
    compare_everything(pair)


def test_plain_json_serializer() -> None:
    """A non-tagging serializer object (itsdangerous' compact JSON)."""
    from itsdangerous._json import _CompactJSON

    pair = make_pair(overrides={"serializer": _CompactJSON})
    assert_not_native(pair.fast)
    compare_everything(pair, [{"a": [1, 2]}, {"b": "x" * 300}])


@pytest.fixture
def registered_on_shared() -> Iterator[None]:
    """Register TagOrderedDict on the module-wide default serializer, then undo it."""
    tags = dict(session_json_serializer.tags)
    order = list(session_json_serializer.order)
    session_json_serializer.register(TagOrderedDict, index=0)
    try:
        yield
    finally:
        session_json_serializer.tags.clear()
        session_json_serializer.tags.update(tags)
        session_json_serializer.order[:] = order


def test_custom_tag_on_shared_serializer(registered_on_shared: None) -> None:
    """The Flask docs' way: ``app.session_interface.serializer.register(...)``."""
    pair = make_pair()
    assert pair.fast.session_interface.serializer is session_json_serializer  # type: ignore[attr-defined]
    assert_not_native(pair.fast)
    compare_everything(pair)


def test_tag_registered_after_first_use() -> None:
    """A decision cached at the first request must not survive a later registration."""
    pair = make_pair()
    assert_native(pair.fast)
    compare_everything(pair)
    tags = dict(session_json_serializer.tags)
    order = list(session_json_serializer.order)
    pair.fast.session_interface.serializer.register(TagOrderedDict, index=0)  # type: ignore[attr-defined]
    try:
        assert_not_native(pair.fast)
        compare_everything(pair)
    finally:
        session_json_serializer.tags.clear()
        session_json_serializer.tags.update(tags)
        session_json_serializer.order[:] = order
    assert_native(pair.fast)
    compare_everything(pair)


def test_default_tag_replaced_in_place_on_shared_serializer() -> None:
    """``serializer.order[i] = ...`` / ``tags[key] = ...`` without register()."""
    pair = make_pair()
    tags = dict(session_json_serializer.tags)
    order = list(session_json_serializer.order)
    hex_tag = HexBytes(session_json_serializer)
    idx = next(i for i, tag in enumerate(order) if isinstance(tag, TagBytes))
    session_json_serializer.order[idx] = hex_tag
    session_json_serializer.tags[" b"] = hex_tag
    try:
        assert_not_native(pair.fast)
        compare_everything(pair)
    finally:
        session_json_serializer.tags.clear()
        session_json_serializer.tags.update(tags)
        session_json_serializer.order[:] = order


# --------------------------------------------------------------------------------------
# Custom JSON providers


class SpacedProvider(DefaultJSONProvider):
    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        return " " + super().dumps(obj, **kwargs)


class DecimalFloatsProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        kwargs.setdefault("parse_float", decimal.Decimal)
        return super().loads(s, **kwargs)


class MinimalProvider(JSONProvider):
    """Not a DefaultJSONProvider at all."""

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        kwargs.setdefault("default", str)
        return json.dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        return json.loads(s, **kwargs)


def _provider(cls: type[JSONProvider]) -> Callable[[Flask], None]:
    def setup(app: Flask) -> None:
        app.json = cls(app)

    return setup


def _instance_dumps(app: Flask) -> None:
    original = app.json.dumps

    def dumps(obj: t.Any, **kwargs: t.Any) -> str:
        return original(obj, **kwargs).replace(":", ": ")

    app.json.dumps = dumps  # type: ignore[method-assign]


PROVIDER_SETUPS: dict[str, Callable[[Flask], None]] = {
    "subclass-dumps": _provider(SpacedProvider),
    "subclass-loads": _provider(DecimalFloatsProvider),
    "not-default-provider": _provider(MinimalProvider),
    "instance-dumps": _instance_dumps,
}


@pytest.mark.parametrize("name", list(PROVIDER_SETUPS))
def test_custom_json_provider(name: str) -> None:
    pair = make_pair(setup=PROVIDER_SETUPS[name])
    assert_not_native(pair.fast)
    compare_everything(pair)


class UnsortedProvider(DefaultJSONProvider):
    sort_keys = False
    ensure_ascii = False


class DefaultOverridingProvider(DefaultJSONProvider):
    @staticmethod
    def default(o: t.Any) -> t.Any:
        if isinstance(o, decimal.Decimal):
            return float(o)
        return DefaultJSONProvider.default(o)


@pytest.mark.parametrize("cls", [UnsortedProvider, DefaultOverridingProvider])
def test_provider_subclass_changing_only_settings(cls: type[JSONProvider]) -> None:
    """Subclasses that only change attributes: native or not, stock's bytes."""
    compare_everything(make_pair(setup=_provider(cls)))


def test_json_default_customised_on_instance() -> None:
    def default(o: t.Any) -> t.Any:
        if isinstance(o, decimal.Decimal):
            return {"dec": str(o)}
        if isinstance(o, set):
            return sorted(o)
        return o  # circular: json raises ValueError("Circular reference detected")

    def setup(app: Flask) -> None:
        app.json.default = default  # type: ignore[attr-defined]

    pair = make_pair(setup=setup)
    compare_everything(pair, [*VALUES, {"s": {3, 1}}, {"x": object()}, {"c": complex(1, 2)}])


def test_provider_swapped_after_first_use() -> None:
    pair = make_pair()
    compare_everything(pair)
    for app in pair.both():
        app.json = SpacedProvider(app)
    assert_not_native(pair.fast)
    compare_everything(pair)


# --------------------------------------------------------------------------------------
# Signing parameters and get_signing_serializer


def _sha1_alias(string: bytes = b"") -> t.Any:
    return hashlib.sha1(string)


def _custom_get_signing_serializer(self: t.Any, app: Flask) -> URLSafeTimedSerializer | None:
    if not app.secret_key:
        return None
    return URLSafeTimedSerializer(
        app.secret_key,
        salt="custom-salt",
        serializer=self.serializer,
        signer_kwargs={"key_derivation": "concat", "digest_method": hashlib.sha256},
    )


OVERRIDES: dict[str, dict[str, t.Any]] = {
    "salt": {"salt": "other-salt"},
    "salt-bytes": {"salt": b"bytes-salt"},
    "digest-sha256": {"digest_method": staticmethod(hashlib.sha256)},
    "digest-sha512": {"digest_method": staticmethod(hashlib.sha512)},
    "digest-md5": {"digest_method": staticmethod(hashlib.md5)},
    "digest-sha1-lookalike": {"digest_method": staticmethod(_sha1_alias)},
    "key-derivation-concat": {"key_derivation": "concat"},
    "key-derivation-django": {"key_derivation": "django-concat"},
    "key-derivation-none": {"key_derivation": "none"},
    "get-signing-serializer": {"get_signing_serializer": _custom_get_signing_serializer},
}


@pytest.mark.parametrize("name", list(OVERRIDES))
def test_subclass_overrides(name: str) -> None:
    pair = make_pair(overrides=OVERRIDES[name])
    assert_not_native(pair.fast)
    compare_everything(pair)


@pytest.mark.parametrize(
    "attr, value", [("salt", "instance-salt"), ("key_derivation", "concat"), ("digest_method", hashlib.sha256)]
)
def test_instance_attribute_overrides(attr: str, value: t.Any) -> None:
    def setup(app: Flask) -> None:
        setattr(app.session_interface, attr, value)

    pair = make_pair(setup=setup)
    assert_not_native(pair.fast)
    compare_everything(pair)


def test_stock_equivalent_parameters() -> None:
    """Overrides that restate stock's defaults: native or not, stock's bytes."""
    pair = make_pair(
        overrides={"salt": "cookie-session", "key_derivation": "hmac", "digest_method": staticmethod(hashlib.sha1)}
    )
    compare_everything(pair)


# --------------------------------------------------------------------------------------
# Overrides that only shape the response (may stay native; must match)


class Sess(dict):  # type: ignore[type-arg]
    pass


RESPONSE_OVERRIDES: dict[str, dict[str, t.Any]] = {
    "get_expiration_time": {"get_expiration_time": lambda self, app, s: None},
    "get_expiration_time-fixed": {
        "get_expiration_time": lambda self, app, s: __import__("datetime").datetime(2030, 1, 1, 12, 0, 0)
    },
    "should_set_cookie-always": {"should_set_cookie": lambda self, app, s: True},
    "should_set_cookie-never": {"should_set_cookie": lambda self, app, s: False},
    "cookie-name": {"get_cookie_name": lambda self, app: "custom"},
    "cookie-domain": {"get_cookie_domain": lambda self, app: "example.net"},
    "cookie-path": {"get_cookie_path": lambda self, app: "/custom"},
    "cookie-httponly": {"get_cookie_httponly": lambda self, app: False},
    "cookie-secure": {"get_cookie_secure": lambda self, app: True},
    "cookie-samesite": {"get_cookie_samesite": lambda self, app: "Strict"},
    "cookie-partitioned": {"get_cookie_partitioned": lambda self, app: True},
}


@pytest.mark.parametrize("name", override_params(RESPONSE_OVERRIDES))
def test_response_shaping_overrides(name: str) -> None:
    overrides = RESPONSE_OVERRIDES[name]
    pair = make_pair(overrides=overrides, config={"PERMANENT_SESSION_LIFETIME": 600})
    cookie_name = "custom" if name == "cookie-name" else "session"
    with frozen():
        for permanent in (False, True):
            first = [run_cycle(app, lambda s: s.update(a=1, _permanent=permanent)) for app in pair.both()]
            assert_same_cycle(*first)
            cookie = first[0].cookie_value(cookie_name)
            for action in (lambda s: dict(s), lambda s: s.clear(), lambda s: s.update(b=2)):
                assert_same_cycle(*[run_cycle(app, action, cookie) for app in pair.both()])


def test_custom_session_class() -> None:
    from flask.sessions import SecureCookieSession

    class MySession(SecureCookieSession):
        pass

    pair = make_pair(overrides={"session_class": MySession})
    with frozen():
        first = [run_cycle(app, lambda s: s.update(a=(1,))) for app in pair.both()]
        assert_same_cycle(*first)
        cookie = first[0].cookie_value()
        seen = [run_cycle(app, lambda s: type(s._get_current_object()).__name__, cookie) for app in pair.both()]  # type: ignore[attr-defined]
        assert_same_cycle(*seen)
        assert seen[0].captured == "MySession"


def test_native_flag_reflects_state() -> None:
    """uses_native is about the app's interface: stock interface -> False."""
    stock = make_app("stock")
    assert FastSessionInterface.uses_native(stock) is False
    fast = make_app("fast")
    assert FastSessionInterface.uses_native(fast) is True


# --------------------------------------------------------------------------------------
# Keys that are str subclasses with their own ordering


class _ReversedStr(str):
    """A str whose ``<`` is reversed: ``sort_keys`` orders it by that ``<`` in stock."""

    def __lt__(self, other: object) -> bool:
        return str.__gt__(self, other)  # type: ignore[operator]

    def __gt__(self, other: object) -> bool:
        return str.__lt__(self, other)  # type: ignore[operator]

    __hash__ = str.__hash__


@pytest.mark.parametrize("sort_keys", [True, False])
def test_str_subclass_keys_keep_their_own_order(sort_keys: bool) -> None:
    """json.dumps sorts the item tuples with Python's ``<``: a str subclass with its own
    ordering is left to stock code (and encoded natively when nothing is sorted)."""
    r = _ReversedStr

    def setup(app: Flask) -> None:
        app.json.sort_keys = sort_keys  # type: ignore[attr-defined]

    pair = make_pair(setup=setup)
    assert_native(pair.fast)
    values: list[t.Any] = [
        {r("a"): 1, r("c"): 2, r("b"): {r("y"): 1, r("x"): 2, r("z"): 3}},
        {"a": 1, r("c"): 2, "b": 3},
        {"k": [{r("q"): 1, r("p"): 2}]},
    ]
    compare_everything(pair, values)
    with frozen():
        cookie = dumps_outcome(pair.fast, values[0]).value
        loaded = loads_outcome(pair.stock, cookie).value
    # Stock's order really is the reversed one (the test would pass vacuously otherwise).
    assert list(loaded) == (["c", "b", "a"] if sort_keys else ["a", "c", "b"])
