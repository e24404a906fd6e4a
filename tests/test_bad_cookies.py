"""Hostile and broken cookies: fast must reach stock's verdict on every one.

Starting from valid stock cookies, each cookie is damaged (or hand-signed with stock's own
signer so the damage sits behind a valid signature) and fed to both implementations:

- ``get_signing_serializer(app).loads(cookie, max_age=...)``: the value, or the exception
  class, ``str()``, ``payload`` / ``date_signed`` / ``original_error``;
- ``open_session`` for a request carrying the cookie: empty session, loaded session, or
  the exception it lets through (``BadPayload`` is not a ``BadSignature``; a timestamp past
  year 9999 escapes as ``ValueError``/``OverflowError``).
"""

from __future__ import annotations

import typing as t
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from itsdangerous.encoding import base64_encode
from itsdangerous.encoding import int_to_bytes

import strategies as S
from _versions import HAS_SECRET_KEY_FALLBACKS
from _versions import requires_fallbacks
from differential import Pair
from differential import assert_native
from differential import assert_same_outcome
from differential import dumps_outcome
from differential import frozen
from differential import loads_outcome
from differential import make_app
from differential import make_pair
from differential import open_session_outcome
from differential import sign_payload
from differential import sign_raw
from hostile import about

LIFETIME = 100  # seconds: PERMANENT_SESSION_LIFETIME, so open_session's max_age is 100
CONFIG = {"PERMANENT_SESSION_LIFETIME": LIFETIME, "SECRET_KEY_FALLBACKS": ["older", b"old"]}
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

_PAIR: list[Pair] = []


def pair() -> Pair:
    if not _PAIR:
        _PAIR.append(make_pair(config=CONFIG))
    return _PAIR[0]


def check_loads(cookie: str | bytes, max_ages: tuple[int | None, ...] = (None, LIFETIME)) -> None:
    p = pair()
    with about(cookie):
        for max_age in max_ages:
            assert_same_outcome(
                loads_outcome(p.stock, cookie, max_age=max_age),
                loads_outcome(p.fast, cookie, max_age=max_age),
            )


def check_open(cookie: str) -> None:
    p = pair()
    with about(cookie):
        assert_same_outcome(open_session_outcome(p.stock, cookie), open_session_outcome(p.fast, cookie))


def check(cookie: str, *, header_safe: bool = True) -> None:
    check_loads(cookie)
    if header_safe:
        check_open(cookie)


_BASE: dict[float, dict[str, str]] = {}


def base_cookies() -> dict[str, str]:
    """Valid cookies made by stock at the frozen instant (call inside ``frozen()``)."""
    import time

    now = time.time()
    if now not in _BASE:
        _BASE[now] = _make_base_cookies()
    return dict(_BASE[now])


def _make_base_cookies() -> dict[str, str]:
    p = pair()
    old = make_app("stock", secret_key="older")
    cookies = {}
    for name, app, value in [
        ("plain", p.stock, {"a": 1, "t": (1, b"\x00")}),
        ("compressed", p.stock, {"k": "x" * 300, "_permanent": True}),
        ("fallback-key", old, {"u": "\u00e9"}),
    ]:
        out = dumps_outcome(app, value)
        assert not out.raised
        cookies[name] = out.value
    assert cookies["compressed"].startswith(".")
    return cookies


def test_base_cookies_load_and_default_is_native() -> None:
    """The starting points are valid for both (else every damage test is vacuous)."""
    assert_native(pair().fast)
    with frozen():
        for name, cookie in base_cookies().items():
            if name == "fallback-key" and not HAS_SECRET_KEY_FALLBACKS:
                continue  # SECRET_KEY_FALLBACKS is new in Flask 3.1: its own tests are skipped
            for app in pair().both():
                out = open_session_outcome(app, cookie)
                assert not out.raised and out.value[1], (name, out)
            check(cookie)


# --------------------------------------------------------------------------------------
# Damage at every position


def _swap(c: str) -> str:
    return B64[(B64.index(c) + 1) % len(B64)] if c in B64 else "A"


EDITS: dict[str, t.Callable[[str, int], str]] = {
    "swap": lambda s, i: s[:i] + _swap(s[i]) + s[i + 1 :],
    "equals": lambda s, i: s[:i] + "=" + s[i + 1 :],
    "bang": lambda s, i: s[:i] + "!" + s[i + 1 :],
    "dot": lambda s, i: s[:i] + "." + s[i + 1 :],
    "delete": lambda s, i: s[:i] + s[i + 1 :],
    "insert": lambda s, i: s[:i] + "A" + s[i:],
    "insert-pad": lambda s, i: s[:i] + "==" + s[i:],
}


@pytest.mark.parametrize("edit", list(EDITS))
@pytest.mark.parametrize("which", ["plain", "compressed", pytest.param("fallback-key", marks=requires_fallbacks)])
def test_tampered_at_every_position(which: str, edit: str) -> None:
    with frozen():
        cookie = base_cookies()[which]
        for i in range(len(cookie)):
            check(EDITS[edit](cookie, i))


@pytest.mark.parametrize("which", ["plain", "compressed", pytest.param("fallback-key", marks=requires_fallbacks)])
def test_truncated_and_extended(which: str) -> None:
    with frozen():
        cookie = base_cookies()[which]
        for n in range(len(cookie) + 1):
            check(cookie[:n])
            check(cookie[n:])
        for junk in ["=", "==", "===", "====", "!", "!!!!", "A", "AA", "AAA", "AAAA", ".", "-", "_", "=A", "A=", "=="]:
            check(cookie + junk)
            check(junk + cookie)


@pytest.mark.parametrize("junk", ["\u00e9", "\u00e9\u00e9", "\U0001f600", "\x00", "\x7f", "\udc80", " ", "'", '"', "\\"])
def test_non_header_junk_in_signature(junk: str) -> None:
    """Characters a Cookie header would not carry: serializer level only.

    Stock drops non-ASCII from the signature before base64-decoding it (so a cookie with an
    appended "é" still verifies) and raises UnicodeEncodeError for a lone surrogate.
    """
    with frozen():
        cookie = base_cookies()["plain"]
        payload, ts, sig = cookie.split(".")
        for variant in (cookie + junk, f"{payload}.{ts}.{junk}{sig}", f"{payload}.{ts}.{sig[:5]}{junk}{sig[5:]}", f"{payload}{junk}.{ts}.{sig}"):
            check_loads(variant)


def test_bytes_input() -> None:
    with frozen():
        cookie = base_cookies()["plain"]
        for raw in (cookie.encode(), cookie.encode() + b"\xff", cookie.encode() + b"\xc3\xa9", b"\xff.\xfe.\xfd", b""):
            check_loads(raw)


def test_wrong_key() -> None:
    with frozen():
        for key in ("not-the-key", b"", "olde", "olderr", "o"):
            other = make_app("stock", secret_key=key or "x", config={"SECRET_KEY_FALLBACKS": []})
            out = dumps_outcome(other, {"a": 1})
            check(out.value)


def test_unusual_cookie_shapes() -> None:
    with frozen():
        for cookie in ["", ".", "..", "...", "a", "a.b", "a.b.c", "a..b", ".a.b", "a.b.", "....", "=", ".=.=", "x" * 5000]:
            check(cookie)


# --------------------------------------------------------------------------------------
# Time


@pytest.mark.parametrize("offset", [-(10**6), -2, -1, 0, 1, LIFETIME - 1, LIFETIME, LIFETIME + 1, 10**7])
def test_age(offset: int) -> None:
    """Loaded ``offset`` seconds after signing: expired, future-dated, boundaries."""
    import datetime as dt

    signed_at = dt.datetime(2024, 2, 29, 12, 34, 56, 500000)
    with frozen(signed_at):
        cookies = base_cookies()
    with frozen(signed_at + dt.timedelta(seconds=offset)):
        for cookie in cookies.values():
            check_loads(cookie, max_ages=(None, 0, -1, 1, LIFETIME, 2**63))
            check_open(cookie)


@pytest.mark.parametrize(
    "ts",
    [
        0, 1, 2**31, 2**32, 253402300799, 253402300800, 2**62, 2**63, 2**64 - 1,
        b"", b"\x00", b"\x00" * 8, b"\x00" * 9, b"\x01" * 9, b"\xff" * 8, b"\x80" + b"\x00" * 7,
    ],  # fmt: skip
)
def test_signed_timestamps(ts: int | bytes) -> None:
    """Validly signed, odd timestamps: zero, huge (past year 9999: ValueError/OverflowError
    escape stock's loads and open_session), more than 8 bytes (malformed)."""
    with frozen():
        for payload in (b'{"a":1}', b"not json"):
            cookie = sign_payload(pair().stock, payload, timestamp=ts)
            check(cookie)


@pytest.mark.parametrize("ts", ["", "A", "AA", "AAA", "AAAA", "!!!!", "=", "A=", "Zm9v!", "____________", "AAAAAAAAAAAA", "\u00e9"])
def test_signed_malformed_timestamp_text(ts: str) -> None:
    with frozen():
        value = base64_encode(b'{"a":1}') + b"." + ts.encode()
        cookie = sign_raw(pair().stock, value)
        check(cookie, header_safe=ts.isascii())


def test_signed_without_timestamp() -> None:
    with frozen():
        check(sign_raw(pair().stock, base64_encode(b'{"a":1}')))
        check(sign_raw(pair().stock, b""))


# --------------------------------------------------------------------------------------
# Damage behind a valid signature: payload decoding


def _zlib_variants() -> dict[str, bytes]:
    data = b'{"a":"' + b"x" * 100 + b'"}'
    good = zlib.compress(data)
    co = zlib.compressobj(zdict=b"xxxx")
    with_dict = co.compress(data) + co.flush()
    gz = zlib.compressobj(wbits=31)
    gzipped = gz.compress(data) + gz.flush()
    raw = zlib.compressobj(wbits=-15)
    deflate_only = raw.compress(data) + raw.flush()
    return {
        "good": good,
        "level-0": zlib.compress(data, 0),
        "level-9": zlib.compress(data, 9),
        "truncated": good[:-3],
        "truncated-header": good[:1],
        "trailing-garbage": good + b"garbage",
        "two-streams": good + good,
        "bad-checksum": good[:-1] + bytes([good[-1] ^ 1]),
        "preset-dictionary": with_dict,
        "gzip": gzipped,
        "raw-deflate": deflate_only,
        "empty": b"",
        "junk": b"\x00\x01\x02\x03",
        "non-utf8": zlib.compress(b'{"a":"\xff"}'),
        "non-json": zlib.compress(b"hello"),
        "json-list": zlib.compress(b"[1,2]"),
    }


@pytest.mark.parametrize("variant", list(_zlib_variants()))
def test_signed_zlib_payloads(variant: str) -> None:
    body = _zlib_variants()[variant]
    with frozen():
        cookie = sign_raw(pair().stock, b"." + base64_encode(body) + b"." + base64_encode(int_to_bytes(1709210096)))
        check(cookie)


@pytest.mark.parametrize(
    "b64",
    [
        "", "A", "AB", "ABC", "ABCD", "!!!", "AB=C", "AB==", "A===", "====", "eyJhIjoxfQ==",
        "eyJhIjoxfQ=", "eyJh!IjoxfQ", "eyJhIjoxfQ/", "eyJhIjoxfQ+", ".", "..", ".A", ".!!!!", ".eJw", "..eJw",
    ],  # fmt: skip
)
def test_signed_base64_payloads(b64: str) -> None:
    """Payload segments stock's non-strict base64 accepts, mangles or refuses."""
    with frozen():
        ts = base64_encode(int_to_bytes(1709210096))
        cookie = sign_raw(pair().stock, b64.encode() + b"." + ts)
        check(cookie)


JSON_PAYLOADS = [
    # values json.loads accepts that json.dumps never writes
    "NaN", "Infinity", "-Infinity", "[NaN, 1e400, -1e400, 1e-400, -1e-400, -0, -0.0, 1E+2]",
    "123456789012345678901234567890", "1" * 4300, "1" * 4301, "0." + "1" * 500, "-" + "9" * 400,
    '{"a":1,"a":2}', '{"b":1,"a":2,"b":3}', '"\\ud800"', '"\\ud83d\\ude00"', '"\\udc00\\ud800"',
    '"\\u00e9\\u0000\\/"', '"caf\u00e9 \U0001f600"', ' \t\r\n{"a" : [ 1 , 2 ] }\n\t ', "{}", "[]", "null",
    "true", '"just a string"', "[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]", '{"_permanent": true, "x": 1}',
    # tags, well-formed and not
    '{" t": [1, [2], {" t": []}]}', '{" t": "abc"}', '{" t": {"a": 1, "b": 2}}', '{" t": 5}', '{" t": null}',
    '{" b": "AAEC"}', '{" b": "AAE"}', '{" b": "A"}', '{" b": "-_-_"}', '{" b": "AA==AA=="}', '{" b": "\u00e9"}', '{" b": 5}',
    '{" m": "<b>"}', '{" m": 5}', '{" m": null}', '{" m": [1, {" t": [2.5, "x"]}]}', '{" m": {"a": {" b": "AA=="}}}',
    '{" m": 1e400}', '{" m": ' + "1" * 4301 + "}",
    '{" u": "12345678123456781234567812345678"}', '{" u": "12345678-1234-5678-1234-567812345678"}',
    '{" u": "{12345678-1234-5678-1234-567812345678}"}', '{" u": "urn:uuid:12345678-1234-5678-1234-567812345678"}',
    '{" u": "1234"}', '{" u": "zz345678123456781234567812345678"}', '{" u": 5}', '{" u": null}',
    '{" d": "Thu, 29 Feb 2024 12:34:56 GMT"}', '{" d": "Thu, 29 Feb 2024 12:34:56 +0530"}',
    '{" d": "Thu, 29 Feb 2024 12:34:56 -0000"}', '{" d": "29 Feb 24 12:34 EST"}', '{" d": "Mon, 01 Jan 0001 00:00:00 GMT"}',
    '{" d": "Mon, 31 Feb 2024 00:00:00 GMT"}', '{" d": "Mon, 01 Jan 2024 25:00:00 GMT"}', '{" d": "garbage"}',
    '{" d": ""}', '{" d": 5}', '{" d": null}', '{" d": ["x"]}', '{" d": "Fri, 31 Dec 9999 23:59:60 GMT"}',
    '{" di": {" t__": [1]}}', '{" di": {"x": 1}}', '{" di": {}}', '{" di": {"a__": 1, "b__": 2}}', '{" di": [1]}',
    '{" di": ["abc"]}', '{" di": "abc"}', '{" di": 5}', '{" di": null}', '{" di": {" di__": {" t": [1]}}}',
    '{" t": [1], " b": "AA=="}', '{" x": 1}', '{" t__": [1]}', '{"a": {" t": [{" b": "AA=="}]}}',
    # not JSON
    "", " ", "nan", "True", "None", "[1,]", '{"a":1,}', "01", "1.", ".5", "+1", "1e", "tru", '"\\x41"', '"\\u12"',
    '"\\uZZZZ"', '"\x01"', "[] []", "[1] x", "\ufeff{}", "{'a': 1}", '{"a" 1}', "[", '"unterminated', "\x0b{}",
]  # fmt: skip


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "zlib"])
@pytest.mark.parametrize("text", JSON_PAYLOADS)
def test_signed_json_payloads(text: str, compressed: bool) -> None:
    with frozen():
        cookie = sign_payload(pair().stock, text.encode("utf-8", "surrogatepass"), compressed=compressed)
        check(cookie)
        with about(cookie):
            p = pair()
            assert_same_outcome(
                loads_outcome(p.stock, cookie, in_context=False), loads_outcome(p.fast, cookie, in_context=False)
            )


@pytest.mark.parametrize(
    "raw",
    [b"\xff", b'{"a":"\xff"}', b'"\xed\xa0\x80"', b'"\xc0\xaf"', b'"\xf4\x90\x80\x80"', b"\xef\xbb\xbf{}", b'"\xe9"', b"\x00"],
)
def test_signed_non_utf8_payloads(raw: bytes) -> None:
    with frozen():
        for compressed in (False, True):
            check(sign_payload(pair().stock, raw, compressed=compressed))


@requires_fallbacks
def test_signed_with_a_fallback_key_and_damaged() -> None:
    """Verification walks every key; a damaged payload behind a fallback key's valid
    signature must fail the same way as behind the current key's."""
    with frozen():
        for key in ("older", b"old"):
            old = make_app("stock", secret_key=key)
            for text in (b'{"a":1}', b"nope", b'{" t": 5}'):
                check(sign_payload(old, text))


# --------------------------------------------------------------------------------------
# Properties


@given(payload=S.payload_bytes(), compressed=st.booleans(), age=st.sampled_from([0, 5, LIFETIME + 1, -3]))
def _prop_signed_payloads(payload: bytes, compressed: bool, age: int) -> None:
    import time

    cookie = sign_payload(pair().stock, payload, compressed=compressed, timestamp=int(time.time()) - age)
    check(cookie)


def test_property_signed_payloads() -> None:
    """Any payload behind a valid signature: same value, same BadPayload, or same error."""
    with frozen():
        _prop_signed_payloads()


@given(
    which=st.sampled_from(["plain", "compressed", "fallback-key"]),
    edits=st.lists(
        st.tuples(st.integers(0, 200), st.sampled_from(["del", "ins", "rep"]), st.sampled_from(list(B64 + ".=!~"))),
        min_size=1,
        max_size=4,
    ),
)
def _prop_mutated(which: str, edits: list[tuple[int, str, str]]) -> None:
    cookie = base_cookies()[which]
    for pos, op, ch in edits:
        i = pos % (len(cookie) + 1)
        if op == "del":
            cookie = cookie[:i] + cookie[i + 1 :]
        elif op == "ins":
            cookie = cookie[:i] + ch + cookie[i:]
        else:
            cookie = cookie[:i] + ch + cookie[i + 1 :]
    check(cookie)


def test_property_mutated_cookies() -> None:
    with frozen():
        _prop_mutated()


@given(st.one_of(st.text(max_size=40), st.text(st.sampled_from(B64 + ".=!"), max_size=60), st.binary(max_size=40)))
def _prop_arbitrary_input(cookie: str | bytes) -> None:
    check_loads(cookie)


def test_property_arbitrary_loads_input() -> None:
    with frozen():
        _prop_arbitrary_input()

