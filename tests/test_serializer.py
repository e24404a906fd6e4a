"""``get_signing_serializer(app).dumps/loads``: fast must equal stock byte for byte.

Every test computes stock's answer in the same run, at the same frozen instant, and
compares: cookies as strings, loaded values by type and value (``assert_same_value``),
failures by exception class, message and itsdangerous attributes.
"""

from __future__ import annotations

import collections
import datetime as _dt
import decimal
import random
import typing as t
import uuid
import zlib
import zoneinfo
from collections.abc import Callable

import pytest
from flask import Flask
from flask.json.provider import _default as flask_default
from flask.json.tag import TaggedJSONSerializer
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

import strategies as S
from _versions import requires_fallbacks
from _versions import requires_key_list
from differential import Pair
from differential import assert_native
from differential import assert_same_outcome
from differential import assert_same_value
from differential import dumps_outcome
from differential import frozen
from differential import loads_outcome
from differential import make_app
from differential import make_pair
from differential import outcome
from differential import pinned_time
from differential import signing_serializer

# --------------------------------------------------------------------------------------
# JSON configurations of the app (app.json is per app, so stock and fast get their own)


class CustomDefaultError(Exception):
    pass


def _custom_default(o: t.Any) -> t.Any:
    if isinstance(o, (set, frozenset)):
        return sorted(o)
    if isinstance(o, complex):
        return {"re": o.real, "im": o.imag, 2: (1.5, float("nan")), None: True}
    if isinstance(o, bytearray):
        return bytes(o)  # not tagged: json calls default again on the bytes -> TypeError
    if isinstance(o, S.Unserializable):
        raise CustomDefaultError("refused")
    if isinstance(o, S.NotHtml):
        return o  # json: ValueError("Circular reference detected")
    return flask_default(o)


def _setup_unsorted(app: Flask) -> None:
    app.json.sort_keys = False  # type: ignore[attr-defined]


def _setup_unicode(app: Flask) -> None:
    app.json.ensure_ascii = False  # type: ignore[attr-defined]


def _setup_unsorted_unicode(app: Flask) -> None:
    _setup_unsorted(app)
    _setup_unicode(app)


def _setup_custom_default(app: Flask) -> None:
    app.json.default = _custom_default  # type: ignore[attr-defined]


JSON_SETUPS: dict[str, Callable[[Flask], None] | None] = {
    "default": None,
    "unsorted": _setup_unsorted,
    "ensure_ascii_off": _setup_unicode,
    "unsorted_ensure_ascii_off": _setup_unsorted_unicode,
    "custom_default": _setup_custom_default,
}

_PAIRS: dict[str, Pair] = {}


def json_pair(name: str) -> Pair:
    """Stock and fast apps for a JSON configuration, built once per process."""
    if name not in _PAIRS:
        _PAIRS[name] = make_pair(setup=JSON_SETUPS[name])
    return _PAIRS[name]


# --------------------------------------------------------------------------------------
# Explicit examples: every pitfall of SPEC.md section 3


class Dummy:
    pass


def _examples() -> list[tuple[str, t.Any]]:
    nan = float("nan")
    utc = _dt.timezone.utc
    ny = zoneinfo.ZoneInfo("America/New_York")
    ex: list[tuple[str, t.Any]] = [
        # floats: repr, not %g / shortest-JS
        ("float-1e16", 1e16),
        ("float-1e-05", 1e-05),
        ("float-neg-zero", -0.0),
        ("float-5e-324", 5e-324),
        ("float-1e22", 1e22),
        ("float-1e21", 1e21),
        ("float-0.1", 0.1),
        ("float-third", 1 / 3),
        ("float-max", 1.7976931348623157e308),
        ("float-min-normal", 2.2250738585072014e-308),
        ("float-2^53+1", 9007199254740993.0),
        ("float-nan", nan),
        ("float-inf", float("inf")),
        ("float-neg-inf", float("-inf")),
        ("float-subclass", S.MyFloat(2.5)),
        ("float-subclass-nan", S.MyFloat("nan")),
        # ints of any size, bools, int subclasses
        ("int-2^64", 2**64),
        ("int-neg-2^64", -(2**64)),
        ("int-2^63-1", 2**63 - 1),
        ("int-4300-digits", 10**4299),
        ("int-4301-digits", 10**4300),  # ValueError: int -> str conversion limit
        ("bool-true", True),
        ("bool-false", False),
        ("intenum", S.Color.HUGE),
        ("int-subclass-repr", S.MyInt(7)),
        ("none", None),
        # strings: every escape
        ("str-empty", ""),
        ("str-controls", "".join(chr(i) for i in range(0x20)) + "\x7f"),
        ("str-quotes", "\"\\/'<>&"),
        ("str-latin1", "\x80\x9f\xa0\xe9\xff"),
        ("str-line-sep", "\u2028\u2029"),
        ("str-bom", "\ufeff"),
        ("str-bmp-max", "\uffff\ufffd"),
        ("str-non-bmp", "\U0001f600\U00010000\U0010ffff"),
        ("str-lone-high", "a\ud800b"),
        ("str-lone-low", "\udc00"),
        ("str-reversed-pair", "\udc00\ud800"),
        ("str-surrogate-pair-chars", "\ud83d\ude00"),
        ("str-subclass", S.MyStr("abc")),
        ("str-enum", S.Mood.HAPPY),
        # tagged types
        ("bytes-empty", b""),
        ("bytes-all", bytes(range(256))),
        ("bytes-subclass", S.MyBytes(b"\x00\xff")),
        ("markup", Markup("<b>x</b> &amp; \u00e9")),
        ("html-object", S.HtmlThing("<i>\u00e9</i>")),
        ("html-object-non-str", S.HtmlThing(12.5)),
        ("html-int", S.HtmlInt(5)),
        ("html-not-callable", S.NotHtml()),
        ("uuid-zero", uuid.UUID(int=0)),
        ("uuid", uuid.UUID("12345678-1234-5678-1234-567812345678")),
        ("uuid-max", uuid.UUID(int=2**128 - 1)),
        ("datetime-naive", _dt.datetime(2024, 1, 2, 3, 4, 5, 678901)),
        ("datetime-utc", _dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=utc)),
        (
            "datetime-plus-0530",
            _dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=_dt.timezone(_dt.timedelta(hours=5, minutes=30))),
        ),
        ("datetime-minus-12", _dt.datetime(2024, 12, 31, 23, 0, 0, tzinfo=_dt.timezone(_dt.timedelta(hours=-12)))),
        ("datetime-seconds-offset", _dt.datetime(2024, 1, 1, tzinfo=_dt.timezone(_dt.timedelta(seconds=-1)))),
        ("datetime-zoneinfo-dst", _dt.datetime(2024, 7, 1, 12, tzinfo=ny)),
        ("datetime-zoneinfo-fold", _dt.datetime(2024, 11, 3, 1, 30, tzinfo=ny, fold=1)),
        ("datetime-year-1", _dt.datetime(1, 1, 1)),  # loads back as year 2001
        ("datetime-year-99", _dt.datetime(99, 6, 1)),  # loads back as 1999
        ("datetime-year-1000", _dt.datetime(1000, 6, 1)),
        ("datetime-max", _dt.datetime.max),
        ("datetime-min-plus1", _dt.datetime.min.replace(tzinfo=_dt.timezone(_dt.timedelta(hours=1)))),  # OverflowError
        (
            "datetime-max-minus1",
            _dt.datetime.max.replace(tzinfo=_dt.timezone(_dt.timedelta(hours=-1))),
        ),  # OverflowError
        ("datetime-none-offset-tz", _dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=S.NoneOffsetTZ())),
        ("datetime-raising-tz", _dt.datetime(2024, 1, 2, tzinfo=S.RaisingTZ())),  # type: ignore[abstract]
        (
            "datetime-microsecond-offset",
            _dt.datetime(2024, 1, 2, tzinfo=_dt.timezone(_dt.timedelta(hours=1, microseconds=7))),
        ),
        ("datetime-subclass-astimezone", S.ShiftedDatetime(2024, 1, 2, tzinfo=_dt.timezone(_dt.timedelta(hours=2)))),
        ("datetime-subclass-naive", S.ShiftedDatetime(2024, 1, 2)),
        # handed to json's default
        ("date", _dt.date(2024, 2, 29)),
        ("date-min", _dt.date.min),
        ("decimal", decimal.Decimal("1.10")),
        ("decimal-nan", decimal.Decimal("-sNaN")),
        ("decimal-exp", decimal.Decimal("1E+3")),
        ("dataclass", S.Point(1, "a", [1, (2, 3), {"k": b"x"[:0].decode()}])),
        ("dataclass-with-bytes", S.Point(1, b"x")),
        ("dataclass-nested-tuple", S.Point(1, (S.Point(2),))),
        # containers
        ("tuple-empty", ()),
        ("tuple-one", (1,)),
        ("tuple-nested", ((), [()], {"a": ((1,),)})),
        ("namedtuple", S.NT(1, S.NT("x", b"y"))),
        ("list-subclass", S.MyList([1, (2,)])),
        ("ordered-dict", collections.OrderedDict([("b", 1), ("a", 2)])),
        ("dict-subclass", S.MyDict(b=1, a=2)),
        ("defaultdict", collections.defaultdict(list, {"z": [1], "y": []})),
        # tag keys as the only key of a dict: the " di" tag
        *[(f"tag-key-{k.strip()}", {k: 1}) for k in S.TAG_KEYS],
        ("tag-key-nested", {" di": {" di": {" t": (1,)}}}),
        ("tag-key-suffix", {" t__": 1}),
        ("tag-key-two-keys", {" t": 1, " b": 2}),
        ("tag-key-str-subclass", {S.MyStr(" t"): 1}),
        ("not-tag-key", {" x": 1}),
        # non-str keys
        ("key-int", {1: "a", 10: "b", 9: "c"}),
        ("key-float", {1.5: "a", -0.0: "b", 1e16: "c"}),
        ("key-float-nan-inf", {float("nan"): 1, float("inf"): 2, float("-inf"): 3}),
        ("key-bool", {True: 1, False: 0}),
        ("key-none", {None: 1}),
        ("key-huge-int", {2**70: 1, -(2**70): 2}),
        ("key-intenum", {S.Color.RED: 1, S.Color.NEG: 2}),
        ("key-float-subclass", {S.MyFloat(0.5): 1}),
        ("key-int-subclass", {S.MyInt(3): 1}),
        ("key-numeric-mixed", {1: "i", 2.5: "f", False: "b"}),
        ("key-tag-none-single", {None: {None: None}}),
        ("key-str-order", {"b": 1, "a": 2, "B": 3, "\xe9": 4, "\U0001f600": 5, "\uffff": 6, "": 7}),
        # subclasses that override the protocols the tagger uses
        ("sneaky-items-dict", {"d": S.SneakyItemsDict(a=1, b=2)}),
        ("sneaky-len-dict", {"d": S.SneakyLenDict({" t": 1, "x": 2})}),
        ("sneaky-iter-list", {"l": S.SneakyIterList([1, 2])}),
        ("sneaky-iter-tuple", {"t": S.SneakyIterTuple((1, 2))}),
        ("html-lookup-raises", {"h": S.HtmlRaises()}),
        ("html-lookup-attributeerror", {"h": S.HtmlRaisesAttributeError()}),
        ("html-call-raises", {"h": S.HtmlCallRaises()}),
        # errors
        ("key-surrogate", {"\ud800": 1, "a\udfff": 2}),
        ("key-huge-int-4301-digits", {10**4300: 1}),
        ("key-mixed-str-int", {"a": 1, 1: 2}),
        ("key-mixed-none-str", {None: 1, "a": 2}),
        ("key-mixed-float-str", {"x": 1, 2.5: 2}),
        ("key-tuple", {(1, 2): 1}),
        ("key-tuple-and-str", {(1, 2): 1, "a": 2}),
        ("key-bytes", {b"k": 1}),
        ("unserializable-object", Dummy()),
        ("unserializable-custom", {"u": S.Unserializable()}),
        ("unserializable-set", {"s": {1, 2}}),
        ("unserializable-complex", [complex(1, 2)]),
        ("unserializable-bytearray", {"b": bytearray(b"ab")}),
        ("unserializable-type", {"t": int}),
        # sizes: compressed and not
        ("big-compressible", {"k": "a" * 10_000}),
        ("big-incompressible", {"k": random.Random(1).randbytes(3000)}),
        ("many-keys", {f"k{i}": i for i in range(300)}),
        ("deep-50", _nested_list(50)),
    ]
    return ex


def _nested_list(depth: int) -> t.Any:
    v: t.Any = []
    for _ in range(depth):
        v = [v, {"d": (v,)}] if depth < 20 else [v]
    return v


EXAMPLES = _examples()


def _compression_boundary_values() -> list[tuple[str, t.Any]]:
    """Values whose JSON compresses to exactly len-1 (not compressed) and len-2 (compressed).

    Found with stock's own serializer and zlib, so nothing is hard-coded.
    """
    ser = TaggedJSONSerializer()
    rng = random.Random(0)
    found: dict[int, t.Any] = {}
    for n in range(5, 400):
        for _ in range(40):
            alphabet = "ab" if rng.random() < 0.5 else "abcdefghij0123456789"
            value = {"k": "".join(rng.choice(alphabet) for _ in range(n))}
            raw = ser.dumps(value).encode()
            diff = len(raw) - len(zlib.compress(raw))
            if diff in (0, 1, 2) and diff not in found:
                found[diff] = value
        if len(found) == 3:
            break
    assert len(found) == 3, f"could not find every compression boundary: {sorted(found)}"
    return [(f"zlib-saves-{d}", v) for d, v in sorted(found.items())]


EXAMPLES += _compression_boundary_values()


def _check_dumps(pair: Pair, value: t.Any, in_context: bool) -> None:
    with frozen():
        stock = dumps_outcome(pair.stock, value, in_context=in_context)
        fast = dumps_outcome(pair.fast, value, in_context=in_context)
        assert_same_outcome(stock, fast)
        if stock.raised:
            return
        # Cross-loading: each side loads the other's cookie to the same value as stock
        # loading its own (type-exact: tuple stays tuple, Markup stays Markup...).
        expected = loads_outcome(pair.stock, stock.value, max_age=60, in_context=in_context)
        for loader in pair.both():
            for cookie in (stock.value, fast.value):
                got = loads_outcome(loader, cookie, max_age=60, in_context=in_context)
                assert_same_outcome(expected, got)


@pytest.mark.parametrize("in_context", [True, False], ids=["app_context", "no_context"])
@pytest.mark.parametrize("json_config", list(JSON_SETUPS))
@pytest.mark.parametrize("value", [v for _, v in EXAMPLES], ids=[i for i, _ in EXAMPLES])
def test_dumps_examples(value: t.Any, json_config: str, in_context: bool) -> None:
    pair = json_pair(json_config)
    if json_config == "default":
        assert_native(pair.fast)
    _check_dumps(pair, value, in_context)


def test_examples_exercise_both_outcomes() -> None:
    """Guard against a vacuous example list: some pitfalls must succeed, some must raise."""
    pair = json_pair("default")
    with frozen():
        results = [dumps_outcome(pair.stock, v).raised for _, v in EXAMPLES]
    assert any(results) and not all(results)


@pytest.mark.parametrize("json_config", ["default", "unsorted_ensure_ascii_off"])
def test_surprising_stock_round_trips(json_config: str) -> None:
    """Lossy round trips stock performs; fast must reproduce them, not "fix" them."""
    pair = json_pair(json_config)
    cases = {
        "year-1": _dt.datetime(1, 1, 1),  # parsed back with 2-digit-year rules: 2001
        "namedtuple": S.NT(1, 2),  # -> plain tuple
        "ordered": collections.OrderedDict(b=1),  # -> dict
        "intenum": S.Color.RED,  # -> int
        "date": _dt.date(2024, 2, 29),  # -> str
        "decimal": decimal.Decimal("1.10"),  # -> str
        "micro": _dt.datetime(2024, 1, 1, 0, 0, 0, 999999),  # microseconds dropped
        "html": S.HtmlThing(5),  # -> Markup("5")
        "di-key": {" t": (1,)},
    }
    with frozen(), pair.stock.app_context():
        stock_loaded = {
            k: signing_serializer(pair.stock).loads(signing_serializer(pair.stock).dumps(v)) for k, v in cases.items()
        }
    assert stock_loaded["year-1"].year == 2001
    assert type(stock_loaded["namedtuple"]) is tuple
    for k, v in cases.items():
        with frozen():
            cookie = dumps_outcome(pair.fast, v)
            assert not cookie.raised
            got = loads_outcome(pair.fast, cookie.value)
        assert_same_value(stock_loaded[k], got.value, k)


# --------------------------------------------------------------------------------------
# Other contexts and instants


def test_serializer_used_inside_another_apps_context() -> None:
    """flask.json.dumps follows ``current_app``: the serializer of app A inside app B's
    context uses B's JSON settings (here: unsorted, non-ASCII) - stock does, so must fast."""
    pair = make_pair()
    other = make_app("stock", setup=_setup_unsorted_unicode)
    value = {"b": "\xe9", "a": [1, (2,)]}
    with frozen(), other.app_context():
        stock = outcome(lambda: signing_serializer(pair.stock).dumps(value))
        fast = outcome(lambda: signing_serializer(pair.fast).dumps(value))
        assert_same_outcome(stock, fast)
        assert_same_outcome(
            outcome(lambda: signing_serializer(pair.stock).loads(stock.value)),
            outcome(lambda: signing_serializer(pair.fast).loads(stock.value)),
        )


@pytest.mark.parametrize(
    "instant",
    [
        "2024-02-29 12:34:56.999999",
        "1970-01-01 00:00:00",  # timestamp 0 -> empty timestamp segment
        "1970-01-01 00:00:01",
        "1969-12-31 23:59:59.5",  # int(-0.5) == 0
        "1969-12-31 23:59:58",  # negative timestamp: struct.error in stock
        "2038-01-19 03:14:08",  # 2**31
        "2106-02-07 06:28:16",  # 2**32: five timestamp bytes
        "9999-12-31 23:59:59",
    ],
)
def test_dumps_at_unusual_instants(instant: str) -> None:
    pair = json_pair("default")
    value = {"a": [1, 2], "t": (b"x",)}
    with frozen(instant):
        stock = dumps_outcome(pair.stock, value)
        fast = dumps_outcome(pair.fast, value)
        assert_same_outcome(stock, fast)
        if not stock.raised:
            for loader in pair.both():
                assert_same_outcome(
                    loads_outcome(pair.stock, stock.value, max_age=0),
                    loads_outcome(loader, fast.value, max_age=0),
                )


def test_time_patched_without_freezegun() -> None:
    """Patching ``time.time`` directly (not via freezegun) must also reach the fast path."""
    pair = json_pair("default")
    with pinned_time(1234567890.75):
        assert_same_outcome(dumps_outcome(pair.stock, {"a": 1}), dumps_outcome(pair.fast, {"a": 1}))
    with pinned_time(2**40 + 0.5):
        assert_same_outcome(dumps_outcome(pair.stock, {"a": 1}), dumps_outcome(pair.fast, {"a": 1}))


@pytest.mark.parametrize(
    "secret, fallbacks",
    [
        ("plain", None),
        ("n\u00f6n-\u00e4scii \U0001f511", None),
        (b"\x00\xffbytes", None),
        pytest.param(bytearray(b"bytearray-key"), None, marks=requires_key_list),
        ("k" * 200, None),  # longer than the SHA-1 block: hashed first by HMAC
        pytest.param("current", ["old-1", b"old-2"], marks=requires_fallbacks),
        # a plain string: stock extends the key list by characters
        pytest.param("current", "abc", marks=requires_fallbacks),
        pytest.param("current", [], marks=requires_fallbacks),
    ],
)
def test_dumps_with_key_types(secret: t.Any, fallbacks: t.Any) -> None:
    config = {} if fallbacks is None else {"SECRET_KEY_FALLBACKS": fallbacks}
    pair = make_pair(secret_key=secret, config=config)
    with frozen():
        stock = dumps_outcome(pair.stock, {"k": "v"})
        fast = dumps_outcome(pair.fast, {"k": "v"})
        assert_same_outcome(stock, fast)
        assert not stock.raised


# --------------------------------------------------------------------------------------
# Properties

_CONFIGS = list(JSON_SETUPS)


@given(value=S.mostly_valid_values(), json_config=st.sampled_from(_CONFIGS), in_context=st.booleans())
def _prop_dumps_identical(value: t.Any, json_config: str, in_context: bool) -> None:
    pair = json_pair(json_config)
    assert_same_outcome(
        dumps_outcome(pair.stock, value, in_context=in_context),
        dumps_outcome(pair.fast, value, in_context=in_context),
    )


def test_property_dumps_byte_identical() -> None:
    """(1) For any value and JSON configuration, fast's cookie == stock's, or the same error."""
    with frozen():
        _prop_dumps_identical()


@given(value=S.session_values(allow_errors=False), json_config=st.sampled_from(_CONFIGS))
def _prop_cross_loading(value: t.Any, json_config: str) -> None:
    pair = json_pair(json_config)
    stock = dumps_outcome(pair.stock, value)
    fast = dumps_outcome(pair.fast, value)
    assert_same_outcome(stock, fast)
    if stock.raised:
        return
    cookies = {stock.value, fast.value}
    for in_context in (True, False):
        expected = loads_outcome(pair.stock, stock.value, max_age=3600, in_context=in_context)
        assert not expected.raised, expected
        for cookie in cookies:
            assert_same_outcome(expected, loads_outcome(pair.fast, cookie, max_age=3600, in_context=in_context))
            if cookie != stock.value:
                assert_same_outcome(expected, loads_outcome(pair.stock, cookie, max_age=3600, in_context=in_context))


def test_property_cross_loading() -> None:
    """(2) Each implementation loads the other's cookies to the same (type-exact) values."""
    with frozen():
        _prop_cross_loading()


def test_default_config_is_native() -> None:
    assert_native(json_pair("default").fast)


# --------------------------------------------------------------------------------------
# The serializer object itself: stock's API, not just dumps/loads


def test_signing_serializer_api() -> None:
    """Everything else a user can call on stock's URLSafeTimedSerializer behaves the same."""
    import itsdangerous

    pair = make_pair(config={"SECRET_KEY_FALLBACKS": ["old"]})
    value = {"a": (1, b"x"), "b": Markup("<i>")}
    with frozen():
        ss, fs = signing_serializer(pair.stock), signing_serializer(pair.fast)
        assert isinstance(fs, itsdangerous.URLSafeTimedSerializer)
        assert fs.secret_keys == ss.secret_keys and fs.secret_key == ss.secret_key
        assert fs.salt == ss.salt
        assert fs.serializer is ss.serializer
        cookie = ss.dumps(value)
        with pair.stock.app_context(), pair.fast.app_context():
            calls: list[tuple[str, Callable[[t.Any], t.Any]]] = [
                ("loads-return_timestamp", lambda s: s.loads(cookie, return_timestamp=True)),
                ("loads-return_timestamp-max_age", lambda s: s.loads(cookie, max_age=0, return_timestamp=True)),
                ("loads-salt", lambda s: s.loads(cookie, salt="other")),
                ("loads-salt-same", lambda s: s.loads(cookie, salt="cookie-session")),
                ("loads_unsafe", lambda s: s.loads_unsafe(cookie)),
                ("loads_unsafe-bad", lambda s: s.loads_unsafe(cookie[:-3] + "AAA")),
                ("dumps-salt", lambda s: s.dumps(value, salt="other")),
                ("dumps-salt-bytes", lambda s: s.dumps(value, salt=b"cookie-session")),
                ("make_signer-sign", lambda s: s.make_signer().sign(b"abc")),
                ("make_signer-unsign", lambda s: s.make_signer().unsign(cookie)),
                ("dump_payload", lambda s: s.dump_payload(value)),
                ("load_payload", lambda s: s.load_payload(cookie.split(".")[0].encode())),
                ("iter_unsigners", lambda s: len(list(s.iter_unsigners()))),
            ]
            for name, call in calls:
                with_name = f"{name}: "
                try:
                    assert_same_outcome(outcome(lambda: call(ss)), outcome(lambda: call(fs)))
                except AssertionError as e:
                    raise AssertionError(with_name + str(e)) from e


def test_mutation_between_calls() -> None:
    """Caches must not hand back a previous answer for a mutated (or equal-looking) value."""
    pair = json_pair("default")
    value: dict[str, t.Any] = {"list": [1], "inner": {"a": 1}}
    with frozen() as clock:
        for step in range(6):
            assert_same_outcome(dumps_outcome(pair.stock, value), dumps_outcome(pair.fast, value))
            value["list"].append(step)
            value["inner"]["a"] = (step,)
            if step % 2:
                clock.tick(1)
        # equal but not identical in type: 1 / 1.0 / True, "1" / Markup("1"), tuple / list
        for variant in ({"k": 1}, {"k": 1.0}, {"k": True}, {"k": "1"}, {"k": Markup("1")}, {"k": (1,)}, {"k": [1]}):
            assert_same_outcome(dumps_outcome(pair.stock, variant), dumps_outcome(pair.fast, variant))
    for app in pair.both():  # settings changed between calls, same value
        app.json.sort_keys = False  # type: ignore[attr-defined]
    try:
        with frozen():
            v = {"b": 1, "a": 2}
            assert_same_outcome(dumps_outcome(pair.stock, v), dumps_outcome(pair.fast, v))
    finally:
        for app in pair.both():
            app.json.sort_keys = True  # type: ignore[attr-defined]


def test_payload_segment_that_is_also_json() -> None:
    """A payload segment whose text is itself some value's JSON ("123", "true", ...): a
    payload cache shared between the dumps and loads directions would confuse the two."""
    import json as _json

    from differential import sign_raw

    pair = json_pair("default")
    with frozen():
        for text in ("123", "true", "null", "1e5", "-1", "0", "12345678"):
            value = _json.loads(text)
            stock = dumps_outcome(pair.stock, value)
            fast = dumps_outcome(pair.fast, value)
            assert_same_outcome(stock, fast)
            cookie = sign_raw(pair.stock, text.encode() + b"." + stock.value.split(".")[1].encode())
            for max_age in (None, 60):
                assert_same_outcome(
                    loads_outcome(pair.stock, cookie, max_age=max_age),
                    loads_outcome(pair.fast, cookie, max_age=max_age),
                )
            # and the reverse order: load first, then dump
            payload = stock.value.split(".")[0]
            cookie2 = sign_raw(pair.stock, payload.encode() + b"." + stock.value.split(".")[1].encode())
            assert_same_outcome(loads_outcome(pair.stock, cookie2), loads_outcome(pair.fast, cookie2))
            assert_same_outcome(dumps_outcome(pair.stock, payload), dumps_outcome(pair.fast, payload))


def test_threads() -> None:
    """Concurrent dumps/loads from several threads give stock's answers.

    Time is pinned by patching ``time.time`` itself (``pinned_time``): freezegun hands real
    time to callers it finds ``threading`` frames above.
    """
    import threading

    pair = json_pair("default")
    values = [{"n": i, "t": (i, b"x" * i), "s": "\u00e9" * i, "big": "y" * (i * 50)} for i in range(8)]
    errors: list[BaseException] = []
    with pinned_time(1709210096.5):
        expected = [dumps_outcome(pair.stock, v) for v in values]
        expected_loaded = [loads_outcome(pair.stock, e.value, max_age=60) for e in expected]

        def worker(i: int) -> None:
            try:
                for _ in range(150):
                    assert_same_outcome(expected[i], dumps_outcome(pair.fast, values[i]))
                    assert_same_outcome(expected_loaded[i], loads_outcome(pair.fast, expected[i].value, max_age=60))
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(values))]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    assert not errors, errors[0]


@pytest.mark.parametrize(
    "attrs",
    [
        {"sort_keys": 0, "ensure_ascii": 1},
        {"sort_keys": 1, "ensure_ascii": 0},
        {"sort_keys": None, "ensure_ascii": ""},
        {"sort_keys": "yes", "ensure_ascii": []},
        {"default": None},
    ],
    ids=["zero-one", "one-zero", "none-empty", "str-list", "default-none"],
)
def test_json_settings_of_other_types(attrs: dict[str, t.Any]) -> None:
    """``app.json`` settings are passed to json.dumps as they are: truthy/falsy non-bools
    work, ``default=None`` means json's own TypeError."""

    def setup(app: Flask) -> None:
        for k, v in attrs.items():
            setattr(app.json, k, v)

    pair = make_pair(setup=setup)
    values = [
        {"b": 1, "a": "\u00e9", 3: None},
        {"b": 1, "a": "\u00e9\ud800"},
        {"d": _dt.date(2024, 1, 1)},
        {"x": (b"1",)},
    ]
    for value in values:
        _check_dumps(pair, value, in_context=True)


@pytest.mark.parametrize("compressible", [True, False])
def test_large_values(compressible: bool) -> None:
    """A megabyte of session: dumps and loads agree (no size limit short of stock's)."""
    rng = random.Random(7)
    blob = "ab" * 500_000 if compressible else rng.randbytes(700_000)
    _check_dumps(json_pair("default"), {"blob": blob, "n": list(range(1000))}, in_context=True)
