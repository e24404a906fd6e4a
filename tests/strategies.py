"""Hypothesis strategies for session contents and for hand-made cookie payloads.

Covers every type and pitfall of SPEC.md section 3. Values that stock cannot serialise
(mixed key types under ``sort_keys``, unserialisable objects, ...) are included on purpose
when ``allow_errors`` is true: the fast path must then raise exactly what stock raises.
"""

from __future__ import annotations

import base64
import collections
import datetime as _dt
import decimal
import enum
import json
import typing as t
import uuid
import zoneinfo
from dataclasses import dataclass
from dataclasses import field

from hypothesis import strategies as st
from markupsafe import Markup

# freezegun replaces module attributes that ARE datetime.datetime / datetime.date while
# time is frozen; keep the real classes inside a container so they survive.
_REAL: dict[str, t.Any] = {"datetime": _dt.datetime, "date": _dt.date}

TAG_KEYS: tuple[str, ...] = (" t", " di", " b", " m", " u", " d")


# --------------------------------------------------------------------------------------
# Odd types users put in sessions


NT = collections.namedtuple("NT", ["a", "b"])


class Color(enum.IntEnum):
    RED = 1
    HUGE = 2**70
    NEG = -5


class Mood(str, enum.Enum):
    HAPPY = "h\u00e9ureux"
    EMPTY = ""


class MyDict(dict):  # type: ignore[type-arg]
    pass


class MyList(list):  # type: ignore[type-arg]
    pass


class MyStr(str):
    def __str__(self) -> str:  # json ignores this; f-strings and Markup do not
        return "MyStr!"


class MyInt(int):
    def __repr__(self) -> str:
        return "MyInt!"


class MyFloat(float):
    def __repr__(self) -> str:
        return "MyFloat!"


class MyBytes(bytes):
    pass


class HtmlThing:
    """Not a str, but has ``__html__``: tagged " m" with ``str(__html__())``."""

    def __init__(self, html: t.Any) -> None:
        self.html = html

    def __html__(self) -> t.Any:
        return self.html

    def __repr__(self) -> str:
        return f"HtmlThing({self.html!r})"


class HtmlInt(int):
    """An int with ``__html__``: the Markup tag wins over plain JSON numbers."""

    def __html__(self) -> str:
        return f"<i>{int(self)}</i>"


class NotHtml:
    """``__html__`` present but not callable: not tagged, falls to ``default``."""

    __html__ = "nope"


@dataclass
class Point:
    x: int
    y: t.Any = None
    tags: list[t.Any] = field(default_factory=list)


class SneakyItemsDict(dict):  # type: ignore[type-arg]
    """Stock's PassDict calls ``.items()``: what it returns is what gets serialised."""

    def items(self) -> t.Any:  # type: ignore[override]
        return [("from-items", len(self))]


class SneakyLenDict(dict):  # type: ignore[type-arg]
    """TagDict's check uses ``len()`` and ``iter()``: a lying ``__len__`` changes the tag."""

    def __len__(self) -> int:
        return 1


class SneakyIterList(list):  # type: ignore[type-arg]
    """PassList iterates with ``for item in value``: ``__iter__`` decides."""

    def __iter__(self) -> t.Any:
        return iter(["from-iter"])


class SneakyIterTuple(tuple):  # type: ignore[type-arg]
    def __iter__(self) -> t.Any:
        return iter(("from-iter",))


class HtmlRaises:
    """``getattr(value, "__html__", None)`` only swallows AttributeError."""

    @property
    def __html__(self) -> t.Any:
        raise RuntimeError("__html__ lookup failed")


class HtmlRaisesAttributeError:
    @property
    def __html__(self) -> t.Any:
        raise AttributeError("no html after all")


class HtmlCallRaises:
    def __html__(self) -> str:
        raise ValueError("__html__ call failed")


class NoneOffsetTZ(_dt.tzinfo):
    """A tzinfo whose utcoffset is None: astimezone() treats the value as local time."""

    def utcoffset(self, d: t.Any) -> None:
        return None

    def dst(self, d: t.Any) -> None:
        return None

    def tzname(self, d: t.Any) -> str:
        return "NONE"


class RaisingTZ(_dt.tzinfo):
    def utcoffset(self, d: t.Any) -> _dt.timedelta:
        raise RuntimeError("utcoffset failed")


class ShiftedDatetime(_dt.datetime):
    """A datetime subclass whose astimezone lies: werkzeug's http_date calls it."""

    def astimezone(self, tz: t.Any = None) -> _dt.datetime:  # type: ignore[override]  # not Self, on purpose
        return _dt.datetime(2000, 1, 1, tzinfo=_dt.timezone.utc)


class Unserializable:
    def __repr__(self) -> str:
        return "Unserializable()"


# --------------------------------------------------------------------------------------
# Scalars

EDGE_CHARS = [
    "\x00", "\x01", "\x08", "\x09", "\x0a", "\x0b", "\x0c", "\x0d", "\x1f", " ", '"', "\\", "/",
    "'", "<", ">", "&", "\x7f", "\x80", "\x9f", "\xa0", "\xe9", "\u0100", "\u2028", "\u2029",
    "\ufeff", "\ufffd", "\uffff", "\U00010000", "\U0001f600", "\U0010ffff",
]  # fmt: skip

edge_chars = st.sampled_from(EDGE_CHARS)
#: Lone surrogates: fine with ensure_ascii (escaped), UnicodeEncodeError without.
surrogates = st.characters(categories=["Cs"])

texts = st.text(st.one_of(st.characters(), edge_chars), max_size=12)
texts_with_surrogates = st.text(st.one_of(st.characters(), edge_chars, surrogates), max_size=12)

INT_EDGES = [
    0, 1, -1, 2**31 - 1, -(2**31), 2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1,
    2**64 - 1, 2**64, -(2**64), 10**30, -(10**40), 2**256,
]  # fmt: skip
ints = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**300), max_value=2**300),
    st.sampled_from(INT_EDGES),
)

FLOAT_EDGES = [
    0.0, -0.0, 1e16, 1e-05, 1e-07, 5e-324, -5e-324, 2.2250738585072014e-308,
    1.7976931348623157e308, 1e22, 1e21, 1e-4, 0.1, 1 / 3, 123456789012345680.0,
    9007199254740993.0, float("nan"), float("inf"), float("-inf"), 1.5, 100.0, 1e100,
]  # fmt: skip
floats = st.one_of(st.floats(), st.floats(allow_subnormal=True, width=32), st.sampled_from(FLOAT_EDGES))

small_tz = st.builds(
    _dt.timezone,
    st.timedeltas(min_value=_dt.timedelta(hours=-23, minutes=-59), max_value=_dt.timedelta(hours=23, minutes=59)),
)
tzinfos = st.one_of(
    st.none(),
    st.just(_dt.timezone.utc),
    small_tz,
    st.sampled_from(["UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Kiritimati"]).map(
        zoneinfo.ZoneInfo
    ),
)


def _as_real_datetime(d: _dt.datetime) -> _dt.datetime:
    cls = _REAL["datetime"]
    return t.cast(
        _dt.datetime,
        cls(d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond, tzinfo=d.tzinfo, fold=d.fold),
    )


def _as_real_date(d: _dt.date) -> _dt.date:
    return t.cast(_dt.date, _REAL["date"](d.year, d.month, d.day))


# Both the real classes and (while frozen) freezegun's subclasses are generated.
datetimes = st.one_of(
    st.datetimes(timezones=tzinfos),
    st.datetimes(timezones=tzinfos).map(_as_real_datetime),
    st.sampled_from([(1, 1, 1), (99, 12, 31), (1000, 1, 1), (9999, 12, 31), (2024, 2, 29)]).flatmap(
        lambda ymd: tzinfos.map(lambda tz: _REAL["datetime"](*ymd, 23, 59, 59, 999999, tzinfo=tz))
    ),
)
dates = st.one_of(st.dates(), st.dates().map(_as_real_date))
decimals = st.one_of(
    st.decimals(),
    st.sampled_from([decimal.Decimal(x) for x in ("1.10", "-0", "1E+3", "NaN", "-sNaN", "Infinity")]),
)

json_scalars = st.one_of(st.none(), st.booleans(), ints, floats, texts)

tagged_scalars = st.one_of(
    st.binary(max_size=24),
    st.binary(max_size=8).map(MyBytes),
    texts.map(Markup),
    texts.map(HtmlThing),
    st.one_of(ints, st.none(), st.lists(st.integers(), max_size=2)).map(HtmlThing),
    st.integers(-1000, 1000).map(HtmlInt),
    st.uuids(),
    st.sampled_from([uuid.UUID(int=0), uuid.UUID(int=2**128 - 1)]),
    datetimes,
)

#: Values json.dumps hands to ``default`` (Flask's turns them into strings or dicts).
defaulted_scalars = st.one_of(
    dates,
    decimals,
    st.builds(Point, st.integers(), st.one_of(st.none(), texts, floats), st.lists(st.integers(), max_size=2)),
    st.builds(Point, st.integers(), st.tuples(st.integers(), texts)),
)

subclassed_scalars = st.one_of(
    st.sampled_from(list(Color)),
    st.sampled_from(list(Mood)),
    texts.map(MyStr),
    ints.map(MyInt),
    floats.map(MyFloat),
)

#: Things stock refuses with TypeError (or another exception).
unserializable = st.one_of(
    st.just(Unserializable()),
    st.sets(st.integers(), max_size=2),
    st.builds(complex, st.integers(), st.integers()),
    st.binary(max_size=4).map(bytearray),
    st.just(NotHtml()),
    st.builds(Point, st.integers(), st.binary(max_size=3)),  # asdict keeps bytes -> TypeError
)


def scalars(allow_errors: bool = True) -> st.SearchStrategy[t.Any]:
    parts = [json_scalars, json_scalars, tagged_scalars, defaulted_scalars, subclassed_scalars]
    if allow_errors:
        parts.append(unserializable)
        parts.append(texts_with_surrogates)
    return st.one_of(*parts)


# --------------------------------------------------------------------------------------
# Containers

str_keys = st.one_of(
    texts, st.sampled_from(TAG_KEYS), st.sampled_from([" t__", " di__", "_permanent", "", "a", "b", "B"])
)
#: Key kinds json.dumps can sort among themselves.
numeric_keys = st.one_of(st.integers(), st.floats(), st.booleans(), st.sampled_from(list(Color)))


def _dicts(children: st.SearchStrategy[t.Any], allow_errors: bool) -> st.SearchStrategy[t.Any]:
    str_keyed = st.dictionaries(str_keys, children, max_size=5)
    options = [
        str_keyed,
        str_keyed,
        str_keyed,
        # a one-key dict whose key is a tag key: the " di" tag
        st.builds(lambda k, v: {k: v}, st.sampled_from((*TAG_KEYS, " t__", " x", "t")), children),
        st.dictionaries(numeric_keys, children, max_size=4),
        st.builds(lambda v: {None: v}, children),
        st.builds(collections.OrderedDict, str_keyed),
        st.builds(MyDict, str_keyed),
    ]
    if allow_errors:
        mixed = st.one_of(str_keys, st.integers(), st.none(), st.floats(), st.booleans())
        options.append(st.dictionaries(mixed, children, max_size=4))  # TypeError if sorted
        bad = st.one_of(st.tuples(st.integers()), st.binary(max_size=2), st.frozensets(st.integers(), max_size=1))
        options.append(st.dictionaries(bad, children, min_size=1, max_size=2))  # TypeError: keys must be
    return st.one_of(*options)


def _containers(children: st.SearchStrategy[t.Any], allow_errors: bool) -> st.SearchStrategy[t.Any]:
    return st.one_of(
        _dicts(children, allow_errors),
        st.lists(children, max_size=5),
        st.lists(children, max_size=4).map(tuple),
        st.builds(NT, children, children),
        st.lists(children, max_size=3).map(MyList),
    )


def session_values(allow_errors: bool = True, max_leaves: int = 12) -> st.SearchStrategy[t.Any]:
    """Any value a view might store in a session, nested."""
    return st.recursive(
        scalars(allow_errors),
        lambda children: _containers(children, allow_errors),
        max_leaves=max_leaves,
    )


def session_dicts(allow_errors: bool = True, max_size: int = 4) -> st.SearchStrategy[dict[t.Any, t.Any]]:
    """Whole session contents: str keys (what Flask apps use).

    With ``allow_errors``, about one in four also has non-str top-level keys and values
    stock refuses to serialise, so failures are compared too without dominating.
    """
    good = st.dictionaries(str_keys, session_values(False, max_leaves=4), max_size=max_size)
    if not allow_errors:
        return good
    bad = st.dictionaries(
        st.one_of(str_keys, st.integers(), st.none()), session_values(True, max_leaves=4), max_size=max_size
    )
    return st.one_of(good, good, good, bad)


def mostly_valid_values() -> st.SearchStrategy[t.Any]:
    """Session values of which roughly a quarter make stock raise."""
    valid = session_values(False)
    return st.one_of(valid, valid, session_values(True))


# --------------------------------------------------------------------------------------
# Raw payloads for loads(): JSON text stock never produces itself

HEX = "0123456789abcdefABCDEF"


def _uuid_texts() -> st.SearchStrategy[t.Any]:
    return st.one_of(
        st.uuids().map(lambda u: u.hex),
        st.uuids().map(str),
        st.uuids().map(lambda u: "{" + str(u).upper() + "}"),
        st.uuids().map(lambda u: f"urn:uuid:{u}"),
        st.text(st.sampled_from(HEX + "-{}xg "), max_size=40),
        st.integers(),
        st.none(),
    )


def _b64_texts() -> st.SearchStrategy[t.Any]:
    return st.one_of(
        st.binary(max_size=12).map(lambda b: base64.b64encode(b).decode()),
        st.binary(max_size=12).map(lambda b: base64.urlsafe_b64encode(b).decode()),
        st.binary(max_size=12).map(lambda b: base64.b64encode(b).decode().rstrip("=")),
        st.text(st.sampled_from("ABCabc019+/-_=!. \n\xe9"), max_size=12),
        st.integers(),
        st.none(),
        st.lists(st.integers(), max_size=2),
    )


DATE_TEMPLATES = [
    "{a}, {d:02d} {m} {y:04d} {H:02d}:{M:02d}:{S:02d} GMT",
    "{a}, {d:02d} {m} {y:04d} {H:02d}:{M:02d}:{S:02d} +0530",
    "{a}, {d:02d} {m} {y:04d} {H:02d}:{M:02d}:{S:02d} -0000",
    "{a}, {d:02d} {m} {y:04d} {H:02d}:{M:02d}:{S:02d} +0000",
    "{a}, {d:02d} {m} {y:04d} {H:02d}:{M:02d}:{S:02d} EST",
    "{a}, {d:02d} {m} {y:04d} {H:02d}:{M:02d}:{S:02d}",
    "{d} {m} {y} {H}:{M} GMT",
    "{d:02d} {m} {y:02d} {H:02d}:{M:02d}:{S:02d} PDT",
    "{a} {m} {d} {H:02d}:{M:02d}:{S:02d} {y}",
    "{y:04d}-{mm:02d}-{d:02d}T{H:02d}:{M:02d}:{S:02d}Z",
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Foo"]


def _date_texts() -> st.SearchStrategy[t.Any]:
    templated = st.builds(
        lambda tpl, a, d, mi, y, H, M, S: tpl.format(
            a=a, d=d, m=MONTHS[mi], mm=mi + 1, y=y, H=H, M=M, S=S
        ),
        st.sampled_from(DATE_TEMPLATES),
        st.sampled_from(["Mon", "Tue", "Sun", "Xyz"]),
        st.integers(0, 32),
        st.integers(0, len(MONTHS) - 1),
        st.one_of(st.integers(0, 120), st.integers(1000, 10000)),
        st.integers(0, 25),
        st.integers(0, 61),
        st.integers(0, 61),
    )
    return st.one_of(
        templated,
        templated,
        st.datetimes(timezones=st.just(_dt.timezone.utc)).map(
            lambda d: d.strftime("%a, %d %b %Y %H:%M:%S GMT") if d.year >= 1000 else "x"
        ),
        st.text(max_size=10),
        st.integers(),
        st.none(),
        st.lists(st.integers(), max_size=1),
    )


def json_trees() -> st.SearchStrategy[t.Any]:
    """JSON documents, rich in tag-shaped objects (valid and broken)."""
    leaf = st.one_of(
        st.none(), st.booleans(), st.integers(), ints, floats, texts_with_surrogates,
        st.sampled_from(TAG_KEYS),
    )  # fmt: skip

    def extend(children: st.SearchStrategy[t.Any]) -> st.SearchStrategy[t.Any]:
        return st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(
                st.one_of(texts, st.sampled_from((*TAG_KEYS, " t__", " d__", "x__"))), children, max_size=4
            ),
            st.builds(lambda v: {" t": v}, st.one_of(st.lists(children, max_size=3), children)),
            st.builds(lambda v: {" b": v}, _b64_texts()),
            st.builds(lambda v: {" m": v}, children),
            st.builds(lambda v: {" u": v}, _uuid_texts()),
            st.builds(lambda v: {" d": v}, _date_texts()),
            st.builds(
                lambda k, v: {" di": {k: v}},
                st.one_of(st.sampled_from(TAG_KEYS).map(lambda k: k + "__"), texts),
                children,
            ),
            st.builds(lambda v: {" di": v}, children),  # {} -> StopIteration, list -> TypeError, ...
            st.builds(lambda k, v, w: {k: v, "extra": w}, st.sampled_from(TAG_KEYS), children, children),
        )

    return st.recursive(leaf, extend, max_leaves=12)


def _dump_variants(tree: t.Any, variant: int) -> str:
    if variant == 0:
        return json.dumps(tree, separators=(",", ":"))
    if variant == 1:
        return json.dumps(tree, ensure_ascii=False)
    if variant == 2:
        return json.dumps(tree, indent=1, sort_keys=False)
    return " \n" + json.dumps(tree) + "\t\r"


JSON_NOISE = '{}[]",:0123456789eE.+- \t\ntrufalsnNIiy\\u/bdm'


def json_texts() -> st.SearchStrategy[str]:
    """Mostly valid JSON (tag-rich), plus near-JSON noise that must fail identically."""
    return st.one_of(
        st.builds(_dump_variants, json_trees(), st.integers(0, 3)),
        st.builds(_dump_variants, json_trees(), st.integers(0, 3)),
        st.text(st.sampled_from(JSON_NOISE), max_size=30),
        st.sampled_from([
            "NaN", "-Infinity", "[Infinity, -0, -0.0, 1e400, -1e-400]", "1" * 5000, "0." + "1" * 400,
            '{"a": 1, "a": 2}', '"\\ud800"', '"\\ud83d\\ude00"', '"\\udc00\\ud800"', "\ufeff{}", '"\x01"',
            "[1,]", "01", "1.", ".5", "+1", "tru", '"\\x41"', '"\\u12"', "[] []", "", " ", "{\"a\":1}\x0b",
        ]),
    )  # fmt: skip


def payload_bytes() -> st.SearchStrategy[bytes]:
    """Bytes to put inside a signed cookie: JSON as UTF-8, plus non-UTF-8 garbage."""
    return st.one_of(
        json_texts().map(lambda s: s.encode("utf-8", "surrogatepass")),
        json_texts().map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.binary(max_size=20),
        st.builds(lambda a, b: a + b, st.sampled_from([b'"', b'{"a":"']), st.binary(min_size=1, max_size=4)),
    )
