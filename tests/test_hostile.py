"""A deterministic corpus of hostile cookies: fast must reach stock's verdict on each one.

The corpus is generated, not sampled: valid cookies made by stock Flask (small, permanent,
tagged, compressed, signed with a fallback key) are damaged in every systematic way
(each byte XOR-ed with several masks at every position, every truncation from either
end, an insertion of several characters at every position, every deletion and adjacent
swap, extra and missing dots, non-ASCII and lone surrogates, padding and junk in the
signature), and hostile payloads are signed with stock's own signer so the damage sits
behind a valid signature (wrong, expired, future and out-of-range timestamps, timestamps
of more than 8 bytes, bad base64, bad zlib, invalid UTF-8, text that is not JSON, JSON
that is not a session, 1 MB values, deep nesting). Well over 10,000 cases per run.

Each case is compared between stock ``SecureCookieSessionInterface`` and
``FastSessionInterface`` on the same app, at the same pinned clock:

- ``get_signing_serializer(app).loads(cookie, max_age=...)`` for max_age None and the
  session lifetime: the same value (type and value, recursively) or the same exception
  class, ``str()``, ``payload``, ``date_signed`` and ``original_error``;
- ``open_session`` for a request whose ``session`` cookie is exactly that value: the same
  session (class, contents, ``modified``, ``permanent``) or the same exception.

Mismatches are collected over the whole corpus and reported together (the first few in
full), so one run shows every kind of divergence at once (tests/hostile.py's ``Harness``).
The deepest nesting a cookie can carry, and cycles, are in tests/test_deep.py.
"""

from __future__ import annotations

import base64
import datetime as dt
import typing as t
import uuid
import zlib
from collections.abc import Iterator

import pytest
from itsdangerous.encoding import base64_encode
from itsdangerous.encoding import int_to_bytes
from markupsafe import Markup

from _versions import HAS_SECRET_KEY_FALLBACKS
from differential import make_app
from differential import signing_serializer
from hostile import LIFETIME
from hostile import MAX_AGES
from hostile import NOW
from hostile import OLD
from hostile import Harness
from hostile import nested_payload
from hostile import pinned_harness
from hostile import signed
from hostile import signed_raw

MIN_CASES = 10_000


class _Seconds(int):
    """An int subclass that formats differently (stock's message uses f"{max_age}")."""

    def __str__(self) -> str:
        return f"{int(self)}s"

    __repr__ = __str__


#: Extra max-ages for the timestamp cases: stock formats them into its message as given.
ODD_MAX_AGES: tuple[t.Any, ...] = (0, -1, 1, 10**20, -(10**20), 2.5, True, False, _Seconds(100), _Seconds(1))


# --------------------------------------------------------------------------------------
# The harness (tests/hostile.py): one app, both interfaces, the clock pinned


@pytest.fixture
def harness() -> Iterator[Harness]:
    with pinned_harness() as h:
        yield h



# --------------------------------------------------------------------------------------
# Valid stock cookies to start from


def _session_payloads() -> dict[str, dict[str, t.Any]]:
    return {
        "small": {"a": 1},
        "permanent": {"_permanent": True, "user_id": 42, "name": "caf\u00e9"},
        "tags": {
            "t": (1, "two", 3.5),
            "b": b"\x00\xff",
            "m": Markup("<b>x</b>"),
            "u": uuid.UUID("12345678-1234-5678-1234-567812345678"),
            "d": dt.datetime(2024, 2, 29, 12, 34, 56, tzinfo=dt.timezone.utc),
            "di": {" t": "x"},
        },
        "compressed": {"csrf": "0123456789abcdef" * 4, "cart": [{"sku": f"S{i}", "qty": i} for i in range(12)]},
    }


def base_cookies(h: Harness) -> dict[str, str]:
    """Valid cookies made by stock (call with the clock pinned)."""
    stock_s, _ = h.serializers()
    cookies = {name: stock_s.dumps(value) for name, value in _session_payloads().items()}
    old_app = make_app("stock", secret_key=OLD)
    old_s = signing_serializer(old_app)
    cookies["fallback-key"] = old_s.dumps({"signed": "with the fallback key"})
    assert cookies["compressed"].startswith("."), "the compressed payload must compress"
    assert not cookies["small"].startswith(".")
    return cookies


# --------------------------------------------------------------------------------------
# Mutations of valid cookies

#: XOR masks applied to every character (0x80 and 0x100 make non-ASCII characters).
MASKS = (0x01, 0x04, 0x20, 0x40, 0x80, 0x100)
#: Inserted at every position.
INSERTS = (".", "=", "A", "_", " ", "\u00e9")
#: Characters to splice in at a few fixed places (junk, non-ASCII, lone surrogate...).
JUNK = ("!", "%3D", "\x00", "\x7f", "\n", ";", '"', "\\", "\u00e9", "\U0001f600", "\udc80", "\ufeff", "+", "/")


def mutations(name: str, c: str) -> Iterator[tuple[str, str | bytes]]:
    n = len(c)
    for i in range(n):
        for mask in MASKS:
            ch = chr(ord(c[i]) ^ mask)
            yield f"{name}: xor {mask:#x} at {i}", c[:i] + ch + c[i + 1 :]
        for ins in INSERTS:
            yield f"{name}: insert {ins!r} at {i}", c[:i] + ins + c[i:]
        yield f"{name}: delete {i}", c[:i] + c[i + 1 :]
        if i + 1 < n:
            yield f"{name}: swap {i},{i + 1}", c[:i] + c[i + 1] + c[i] + c[i + 2 :]
    for k in range(n + 1):
        yield f"{name}: prefix {k}", c[:k]
        yield f"{name}: suffix from {k}", c[k:]
    # Bytes input: every byte XOR 0xff (invalid UTF-8 almost everywhere).
    raw = c.encode()
    for i in range(len(raw)):
        yield f"{name}: bytes xor 0xff at {i}", raw[:i] + bytes([raw[i] ^ 0xFF]) + raw[i + 1 :]
    yield f"{name}: bytes", raw

    # Dots: each one removed or doubled, all removed, extra ones at the ends.
    dots = [i for i, ch in enumerate(c) if ch == "."]
    for j, d in enumerate(dots):
        yield f"{name}: drop dot {j}", c[:d] + c[d + 1 :]
        yield f"{name}: double dot {j}", c[:d] + "." + c[d:]
        yield f"{name}: triple dot {j}", c[:d] + ".." + c[d:]
    yield f"{name}: no dots", c.replace(".", "")
    for extra in (".", "..", "...", ".x", "x."):
        yield f"{name}: {extra!r} before", extra + c
        yield f"{name}: {extra!r} after", c + extra

    # Segment surgery: empty, swapped, duplicated segments.
    value, ts_sig = c.rsplit(".", 2)[0], c.rsplit(".", 2)[1:]
    ts, sig = ts_sig
    for label, v in {
        "empty sig": f"{value}.{ts}.",
        "empty ts": f"{value}..{sig}",
        "empty payload": f".{ts}.{sig}",
        "empty ts and sig": f"{value}..",
        "only sig": f"..{sig}",
        "sig twice": f"{value}.{ts}.{sig}.{sig}",
        "ts twice": f"{value}.{ts}.{ts}.{sig}",
        "ts and sig swapped": f"{value}.{sig}.{ts}",
        "payload doubled": f"{value}.{value}.{ts}.{sig}",
        "sig upper": f"{value}.{ts}.{sig.upper()}",
        "sig lower": f"{value}.{ts}.{sig.lower()}",
        "sig reversed": f"{value}.{ts}.{sig[::-1]}",
        "sig std alphabet": f"{value}.{ts}.{sig.replace('-', '+').replace('_', '/')}",
        "ts std alphabet": f"{value}.{ts.replace('-', '+').replace('_', '/')}.{sig}",
    }.items():
        yield f"{name}: {label}", v

    # Padding and junk in the signature (and the timestamp): lenient base64 discards
    # non-alphabet bytes, stops at a complete pad, and stock compares what is left.
    for pad in ("=", "==", "===", "====", "=====", "=A", "A=", "==A", "AA==", "A", "AA", "AAA", "AAAA"):
        yield f"{name}: sig + {pad!r}", c + pad
        yield f"{name}: {pad!r} + sig", f"{value}.{ts}.{pad}{sig}"
        yield f"{name}: ts + {pad!r}", f"{value}.{ts}{pad}.{sig}"
    for junk in JUNK:
        for where in (0, len(sig) // 2, len(sig)):
            yield f"{name}: {junk!r} in sig at {where}", f"{value}.{ts}.{sig[:where]}{junk}{sig[where:]}"
        yield f"{name}: {junk!r} in ts", f"{value}.{ts[:2]}{junk}{ts[2:]}.{sig}"
        yield f"{name}: {junk!r} in payload", f"{junk}{value}.{ts}.{sig}"
        yield f"{name}: {junk!r} appended", c + junk
        yield f"{name}: {junk!r}*50 in sig", f"{value}.{ts}.{sig}{junk * 50}"


def all_mutations(cookies: dict[str, str]) -> list[tuple[str, str | bytes]]:
    seen: set[tuple[type, str | bytes]] = set()
    out = []
    for name, c in cookies.items():
        for label, v in mutations(name, c):
            key = (type(v), v)
            if key not in seen:
                seen.add(key)
                out.append((label, v))
    return out


def test_mutated_cookies(harness: Harness) -> None:
    cookies = base_cookies(harness)
    # The starting points are valid and load natively (else every case is vacuous).
    for name, c in cookies.items():
        if name == "fallback-key" and not HAS_SECRET_KEY_FALLBACKS:
            continue  # SECRET_KEY_FALLBACKS is new in Flask 3.1: both give an empty session
        for iface in (harness.stock_iface, harness.fast_iface):
            got = harness.open_with(iface, c)
            assert got is not None and got[1], (name, got)
    cases = all_mutations(cookies)
    assert len(cases) >= MIN_CASES, len(cases)
    for label, cookie in cases:
        harness.compare(label, cookie)
    assert harness.checked >= 3 * MIN_CASES
    harness.assert_clean()


# --------------------------------------------------------------------------------------
# Hostile payloads behind a valid signature (signed with stock's own signer)



GOOD_JSON = b'{"a":1}'

TIMESTAMPS: dict[str, int | bytes] = {
    "now": NOW,
    "lifetime-ago": NOW - LIFETIME,
    "expired-by-1": NOW - LIFETIME - 1,
    "expired-long-ago": NOW - 10**7,
    "future-by-1": NOW + 1,
    "future-by-a-year": NOW + 31_536_000,
    "zero": 0,
    "one": 1,
    "2^31": 2**31,
    "2^32": 2**32,
    "2^40": 2**40,
    "datetime-max": 253_402_300_799,
    "datetime-max+1": 253_402_300_800,
    "2^63-1": 2**63 - 1,
    "2^63": 2**63,
    "2^64-1": 2**64 - 1,
    "9 bytes": base64_encode(b"\x01" + b"\x00" * 8),
    "9 bytes leading zero": base64_encode(b"\x00" * 8 + b"\x01"),
    "12 bytes": base64_encode(b"\xff" * 12),
    "64 bytes": base64_encode(b"\x01" * 64),
    "empty": b"",
    "one char": b"A",
    "five chars": b"AAAAA",
    "bad chars": b"!!!!",
    "padded": base64_encode(int_to_bytes(NOW)) + b"==",
    "junk inside": b"ZV!Px-AA",
    "std alphabet": base64.b64encode(int_to_bytes(NOW)).rstrip(b"="),
    "non-ascii": "ZVP\u00e9xAA".encode(),
    "leading zeros": base64_encode(b"\x00\x00" + int_to_bytes(NOW)),
}

BAD_BASE64: tuple[bytes, ...] = (b"!!!!", b"A", b"AB=", b"A===", b"====", b"eyJhIjoxfQ=", b"eyJhIjoxfQ!", b"e yJhIjoxfQ", b"eyJ\xffhIjoxfQ", b"\xc3\xa9")

BAD_ZLIB: dict[str, bytes] = {
    "empty": b"",
    "header only": b"\x78\x9c",
    "truncated": zlib.compress(GOOD_JSON)[:-1],
    "truncated half": zlib.compress(GOOD_JSON * 20)[:12],
    "bad adler": zlib.compress(GOOD_JSON)[:-1] + b"\x00",
    "bad header check": b"\x78\x9d" + zlib.compress(GOOD_JSON)[2:],
    "raw deflate": zlib.compress(GOOD_JSON)[2:],
    "gzip": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + zlib.compress(GOOD_JSON)[2:-4],
    "preset dict": (lambda c: c.compress(GOOD_JSON) + c.flush())(zlib.compressobj(zdict=b'{"a":')),
    "window 16": bytes([0x88, 0x1C]) + zlib.compress(GOOD_JSON)[2:],
    "trailing garbage": zlib.compress(GOOD_JSON) + b"garbage",
    "two streams": zlib.compress(GOOD_JSON) + zlib.compress(b"[2]"),
    "random": bytes(range(256)),
    "stored block": zlib.compress(GOOD_JSON, 0),
    "level 9": zlib.compress(GOOD_JSON * 10, 9),
    "empty stream": zlib.compress(b""),
    "invalid block type": b"\x78\x9c\x07\x00",
    "distance too far": b"\x78\x9c\x73\x04\x02\x00",
}

BAD_UTF8: tuple[bytes, ...] = (
    b"\xff",
    b'{"a":"\xff"}',
    b'{"a":"\xc3"}',
    b'{"a":"\xc0\xaf"}',  # overlong
    b'{"a":"\xed\xa0\x80"}',  # encoded surrogate
    b'{"a":"\xf4\x90\x80\x80"}',  # above U+10FFFF
    b"\xef\xbb\xbf{}",  # UTF-8 BOM: decodes to U+FEFF, json.loads refuses it
    b'{"\xe9":1}',
    b"\x00",
)

NOT_JSON: tuple[bytes, ...] = (
    b"",
    b" ",
    b"not json",
    b"{",
    b"}",
    b"[1,]",
    b'{"a":1,}',
    b"{'a':1}",
    b'{"a" 1}',
    b"nan",
    b"-Infinity1",
    b"01",
    b"1.",
    b'"\\x"',
    b'"\\ud800\\u12"',
    b'{"a":1}x',
    b'{"a":1}{"b":2}',
    b'"\t"',
    b"\x0c{}",
    b"[" * 50,
    b'{"a":' * 30,
    b"1" * 5000,  # over the int digit limit: ValueError inside json.loads
    b'{"a":' + b"1" * 4301 + b"}",
)

#: Valid JSON that is not (or not only) a session dict.
ODD_JSON: tuple[bytes, ...] = (
    b"null",
    b"0",
    b"1",
    b"-0",
    b"1.5",
    b"NaN",
    b"Infinity",
    b"true",
    b"false",
    b'""',
    b'"ab"',
    b'"a"',
    b"[]",
    b"[1,2]",
    b'[["a",1],["b",2]]',
    b'[["a",1,2]]',
    b"{}",
    b'{"a":1,"a":2}',
    b'{"_permanent":true}',
    b'{"_permanent":1}',
    b'{"_permanent":"yes"}',
    b'{" t":[1,2]}',
    b'{" t":"ab"}',
    b'{" t":{"a":1}}',
    b'{" t":1}',
    b'{" b":"AAA="}',
    b'{" b":"AAA"}',
    b'{" b":"!!!"}',
    b'{" b":1}',
    b'{" m":"<b>"}',
    b'{" m":1}',
    b'{" u":"12345678123456781234567812345678"}',
    b'{" u":"nope"}',
    b'{" u":1}',
    b'{" d":"Thu, 29 Feb 2024 12:34:56 GMT"}',
    b'{" d":"not a date"}',
    b'{" d":"Thu, 29 Feb 2024 12:34:56 +0200"}',
    b'{" d":1}',
    b'{" di":{" t__":[1]}}',
    b'{" di":{}}',
    b'{" di":{"a":1,"b":2}}',
    b'{" di":[1]}',
    b'{" di":{"x":1}}',
    b'{" di":{"":1}}',
    b'{" x":1}',
    b'{" t":[1],"x":2}',
    b'{"a":{" t":[{" b":"AA=="},{" di":{" m__":"x"}}]}}',
    b'{"\\ud800":"\\udc00"}',
    b'{"a":"\\u0000"}',
    b'{"a":123456789012345678901234567890}',
    b'{"a":1e400,"b":-1e400,"c":1e-400}',
    b'{"a":[' + b",".join([b'{" t":[1]}'] * 200) + b"]}",
)


def signed_cases(h: Harness) -> Iterator[tuple[str, str | bytes, tuple[t.Any, ...]]]:
    """(label, cookie, max_ages) of hostile payloads behind valid signatures."""
    both = MAX_AGES
    for label, ts in TIMESTAMPS.items():
        for compressed in (False, True):
            yield f"ts {label} (compressed={compressed})", signed(h, GOOD_JSON, ts=ts, compressed=compressed), both + ODD_MAX_AGES
    # A validly signed cookie carrying a timestamp but no payload separator...
    yield "no timestamp", signed_raw(h, base64_encode(GOOD_JSON)), both
    yield "empty value", signed_raw(h, b""), both
    yield "dot only", signed_raw(h, b"."), both
    yield "two dots", signed_raw(h, b".."), both
    yield "value is ts", signed_raw(h, base64_encode(int_to_bytes(NOW))), both
    # ...and a fallback-key signature over hostile content.
    yield "fallback key, expired", signed(h, GOOD_JSON, ts=NOW - LIFETIME - 1, key=OLD), both
    yield "fallback key, future", signed(h, GOOD_JSON, ts=NOW + 5, key=OLD), both
    yield "unknown key", signed(h, GOOD_JSON, key="nobody"), both
    for raw in BAD_BASE64:
        for compressed_marker in (b"", b"."):
            value = compressed_marker + raw
            yield f"bad base64 {value!r}", signed_raw(h, value + b"." + base64_encode(int_to_bytes(NOW))), both
    for label, z in BAD_ZLIB.items():
        value = b"." + base64_encode(z)
        yield f"bad zlib: {label}", signed_raw(h, value + b"." + base64_encode(int_to_bytes(NOW))), both
    for raw in BAD_UTF8 + NOT_JSON + ODD_JSON:
        for compressed in (False, True):
            yield f"payload {raw[:40]!r} (compressed={compressed})", signed(h, raw, compressed=compressed), both
    for kind in ("array", "object", "tuple", "di", "mixed"):
        # Around the native parser's depth limit (64 containers; "di" and "mixed" nest two
        # per step) and past it, staying below ~340 levels, where stock's outcome starts
        # to depend on the Python stack (see tests/test_deep.py).
        for depth in (1, 2, 31, 32, 33, 63, 64, 65, 66, 100, 150):
            for compressed in (False, True):
                yield f"{kind} depth {depth} (compressed={compressed})", signed(h, nested_payload(kind, depth), compressed=compressed), both
    # Non-dict JSON and odd sessions, with an expired timestamp: open_session discards.
    yield "list, expired", signed(h, b"[1,2]", ts=NOW - LIFETIME - 1), both


def test_signed_hostile_payloads(harness: Harness) -> None:
    n = 0
    for label, cookie, max_ages in signed_cases(harness):
        harness.compare(label, cookie, max_ages)
        # The same cookie as bytes (or str), and with its signature damaged.
        other = cookie.encode() if isinstance(cookie, str) else cookie.decode("latin-1")
        harness.compare(label + " (bytes/str)", other, MAX_AGES, open_session=False)
        tail = "AA" if isinstance(cookie, str) else b"AA"
        damaged = cookie[:-2] + (tail if cookie[-2:] != tail else tail.lower())  # type: ignore[operator]
        harness.compare(label + " (bad sig)", damaged)
        n += 1
    assert n >= 250, n
    harness.assert_clean()


# --------------------------------------------------------------------------------------
# Huge values


def huge_cases(h: Harness) -> Iterator[tuple[str, str | bytes]]:
    mb = 1 << 20
    yield "1 MB of 'A'", "A" * mb
    yield "1 MB of dots", "." * mb
    yield "1 MB of '='", "=" * mb
    yield "1 MB junk + valid tail", "!" * mb + signed(h, GOOD_JSON)
    yield "valid + 1 MB sig junk", signed(h, GOOD_JSON) + "!" * mb
    yield "valid + 1 MB sig base64", signed(h, GOOD_JSON) + "A" * mb
    yield "1 MB timestamp", f"e30.{'A' * mb}.AAAA"
    yield "1 MB bytes", b"\xff" * mb
    yield "1 MB non-ASCII", "\u00e9" * (mb // 2)
    big_str = b'{"k":"' + b"x" * mb + b'"}'
    yield "signed 1 MB plain", signed(h, big_str)
    yield "signed 1 MB compressed", signed(h, big_str, compressed=True)
    yield "signed 1 MB random-ish", signed(h, b'{"k":"' + base64.b64encode(bytes(i * 7919 % 251 for i in range(mb // 2))) + b'"}')
    yield "signed 1 MB of keys", signed(h, b"{" + b",".join(b'"k%d":%d' % (i, i) for i in range(60_000)) + b"}", compressed=True)
    yield "signed 1 MB list", signed(h, b'{"l":[' + b",".join([b"1"] * (mb // 2)) + b"]}", compressed=True)
    yield "signed 1 MB not JSON", signed(h, b"x" * mb, compressed=True)
    yield "signed 1 MB bad UTF-8", signed(h, b'{"k":"' + b"\xff" * mb + b'"}', compressed=True)
    yield "signed 1 MB bad base64", signed_raw(h, b"!" * mb + b"." + base64_encode(int_to_bytes(NOW)))
    bomb = zlib.compress(b'{"k":"' + b"0" * (16 * mb) + b'"}', 9)  # 16 MB once inflated
    yield "signed zlib bomb (16 MB)", signed_raw(h, b"." + base64_encode(bomb) + b"." + base64_encode(int_to_bytes(NOW)))


def test_huge_values(harness: Harness) -> None:
    for label, cookie in huge_cases(harness):
        harness.compare(label, cookie)
    harness.assert_clean()
