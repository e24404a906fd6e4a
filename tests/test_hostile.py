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
full), so one run shows every kind of divergence at once.

Deep nesting and self-referencing containers that tests/test_deep.py does not already
cover are at the end: the deepest array/object a cookie-sized compressed payload can
carry (megabytes once decompressed), and cycles and 100,000-level nesting through the
``" di"`` tag, dict/list subclasses and longer reference cycles. Those run in a
subprocess first, so a native stack overflow is a test failure instead of a dead run.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import subprocess
import sys
import typing as t
import uuid
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadPayload
from itsdangerous.encoding import base64_encode, int_to_bytes
from itsdangerous.signer import Signer
from markupsafe import Markup
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.test import EnvironBuilder

from _versions import HAS_SECRET_KEY_FALLBACKS
from differential import (
    Outcome,
    assert_native,
    assert_same_exception,
    assert_same_outcome,
    make_app,
    outcome,
    pinned_time,
    stock_signer,
)
from flask_fastsession import FastSessionInterface

LIFETIME = 100  # PERMANENT_SESSION_LIFETIME in seconds: open_session's max_age
NOW = 1_700_000_000  # the pinned clock's whole seconds
CLOCK = NOW + 0.75  # what time.time() returns: fractional, itsdangerous truncates
SECRET = "hostile secret \u00e9"
OLD = b"previous secret"
CONFIG = {"PERMANENT_SESSION_LIFETIME": LIFETIME, "SECRET_KEY_FALLBACKS": [OLD]}
MIN_CASES = 10_000
#: Max-ages every case is loaded with (None: no expiry check, LIFETIME: open_session's).
MAX_AGES: tuple[int | None, ...] = (None, LIFETIME)


class _Seconds(int):
    """An int subclass that formats differently (stock's message uses f"{max_age}")."""

    def __str__(self) -> str:
        return f"{int(self)}s"

    __repr__ = __str__


#: Extra max-ages for the timestamp cases: stock formats them into its message as given.
ODD_MAX_AGES: tuple[t.Any, ...] = (0, -1, 1, 10**20, -(10**20), 2.5, True, False, _Seconds(100), _Seconds(1))
TESTS_DIR = Path(__file__).resolve().parent


# --------------------------------------------------------------------------------------
# The harness: one app, both interfaces, the clock pinned


@dataclass
class Harness:
    app: Flask
    stock_iface: SecureCookieSessionInterface
    fast_iface: FastSessionInterface
    environ: dict[str, t.Any]
    checked: int = 0
    failures: list[str] = field(default_factory=list)

    def serializers(self) -> tuple[t.Any, t.Any]:
        s = self.stock_iface.get_signing_serializer(self.app)
        f = self.fast_iface.get_signing_serializer(self.app)
        assert s is not None and f is not None
        return s, f

    def _open(self, iface: SecureCookieSessionInterface, cookie: str | bytes) -> t.Any:
        request = self.app.request_class(dict(self.environ))
        # Exactly this value, bypassing Cookie-header parsing (which would split on ";",
        # unquote, and could not carry every string).
        request.cookies = ImmutableMultiDict([("session", cookie)])  # type: ignore[misc]
        sess = iface.open_session(self.app, request)
        if sess is None:
            return None
        return (type(sess).__name__, dict(sess), sess.modified, sess.permanent)

    def compare(
        self,
        label: str,
        cookie: str | bytes,
        max_ages: Iterable[t.Any] = MAX_AGES,
        *,
        open_session: bool = True,
        check_message: bool = True,
        same: Callable[[Outcome, Outcome], None] | None = None,
    ) -> None:
        """Compare stock and fast on ``cookie``; record (not raise) any difference."""
        stock_s, fast_s = self.serializers()
        same = same or (lambda a, b: assert_same_outcome(a, b, check_message=check_message))
        runs: list[tuple[str, Callable[[], t.Any], Callable[[], t.Any]]] = [
            (
                f"loads(max_age={m!r})",
                lambda m=m: stock_s.loads(cookie, max_age=m),  # type: ignore[misc]
                lambda m=m: fast_s.loads(cookie, max_age=m),  # type: ignore[misc]
            )
            for m in max_ages
        ]
        if open_session:
            runs.append(
                (
                    "open_session",
                    lambda: self._open(self.stock_iface, cookie),
                    lambda: self._open(self.fast_iface, cookie),
                )
            )
        for what, run_stock, run_fast in runs:
            self.checked += 1
            try:
                same(outcome(run_stock), outcome(run_fast))
            except AssertionError as e:
                shown = cookie if len(cookie) < 300 else cookie[:150] + cookie[-100:]  # type: ignore[operator]
                self.failures.append(f"[{label}] {what} on {shown!r} (len {len(cookie)}):\n    {e}")

    def assert_clean(self) -> None:
        if self.failures:
            shown = "\n".join(self.failures[:12])
            pytest.fail(
                f"{len(self.failures)} of {self.checked} comparisons differ; first ones:\n{shown}",
                pytrace=False,
            )


def make_harness() -> Harness:
    app = make_app("fast", secret_key=SECRET, config=CONFIG)
    environ = EnvironBuilder(path="/").get_environ()
    return Harness(app, SecureCookieSessionInterface(), t.cast(FastSessionInterface, app.session_interface), environ)


@pytest.fixture
def harness() -> Iterator[Harness]:
    h = make_harness()
    assert_native(h.app)
    with h.app.app_context(), pinned_time(CLOCK):
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
    old_s = old_app.session_interface.get_signing_serializer(old_app)
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
            got = harness._open(iface, c)
            assert got is not None and got[1], (name, got)
    cases = all_mutations(cookies)
    assert len(cases) >= MIN_CASES, len(cases)
    for label, cookie in cases:
        harness.compare(label, cookie)
    assert harness.checked >= 3 * MIN_CASES
    harness.assert_clean()


# --------------------------------------------------------------------------------------
# Hostile payloads behind a valid signature (signed with stock's own signer)


def signed(h: Harness, payload: bytes, *, ts: int | bytes | None = None, compressed: bool = False, key: t.Any = None) -> str:
    """``b64(payload) "." b64(ts) "." sig``, signed by stock's TimestampSigner (with the
    current key, or an app with ``key`` as its only secret)."""
    body = zlib.compress(payload) if compressed else payload
    value = (b"." if compressed else b"") + base64_encode(body)
    if ts is None:
        ts = NOW
    ts_bytes = ts if isinstance(ts, bytes) else base64_encode(int_to_bytes(ts))
    app = h.app if key is None else make_app("stock", secret_key=key)
    # Signer.sign (not TimestampSigner.sign): the timestamp is the caller's.
    return Signer.sign(stock_signer(app), value + b"." + ts_bytes).decode("utf-8")


def signed_raw(h: Harness, value: bytes) -> str | bytes:
    """``value "." sig``: stock's signature over exactly ``value`` (no timestamp added);
    a str when that is valid UTF-8, else bytes."""
    out = Signer.sign(stock_signer(h.app), value)
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        return out


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


def _nested(kind: str, depth: int) -> bytes:
    if kind == "array":
        return b"[" * depth + b"]" * depth
    if kind == "object":
        return b'{"a":' * depth + b"1" + b"}" * depth
    if kind == "tuple":
        return b'{" t":[' * depth + b"]}" * depth
    if kind == "di":
        return b'{" di":{" t__":' * depth + b"[]" + b"}}" * depth
    if kind == "mixed":
        return b'[{"a":' * depth + b"null" + b"}]" * depth
    raise ValueError(kind)


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
                yield f"{kind} depth {depth} (compressed={compressed})", signed(h, _nested(kind, depth), compressed=compressed), both
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


# --------------------------------------------------------------------------------------
# Deep nesting and cycles not covered by tests/test_deep.py


def _same_deep(stock: Outcome, fast: Outcome) -> None:
    """As tests/test_deep.py: a RecursionError's message depends on where the limit was
    hit, so it (and a BadPayload wrapping one) is compared by class, not text."""
    if isinstance(stock.error, BadPayload) and isinstance(stock.error.original_error, RecursionError):
        assert isinstance(fast.error, BadPayload), fast
        assert str(fast.error) == str(stock.error)
        assert type(fast.error.original_error) is RecursionError, repr(fast.error.original_error)
        return
    if isinstance(stock.error, RecursionError):
        assert fast.error is not None, fast
        assert_same_exception(stock.error, fast.error, check_message=False)
        return
    assert_same_outcome(stock, fast)


#: The largest cookie browsers keep is about 4 KiB (name, value and attributes).
COOKIE_BUDGET = 4000


def deepest(kind: str) -> tuple[int, bytes]:
    """The deepest ``kind`` nesting (to within 2%) whose compressed, signed cookie fits
    COOKIE_BUDGET: zlib output grows about linearly with the depth, so extrapolate twice
    from 100,000 levels, then step down until it fits."""
    zlib_budget = (COOKIE_BUDGET - 60) * 3 // 4  # base64 and ~60 bytes of ts + sig
    depth = 100_000
    for _ in range(2):
        depth = depth * zlib_budget // len(zlib.compress(_nested(kind, depth)))
    while len(zlib.compress(payload := _nested(kind, depth))) > zlib_budget:
        depth = depth * 98 // 100
    return depth, payload


DEEP_LOADS = ("array", "object", "tuple", "di", "mixed")


def check_deepest_cookie(kind: str) -> None:
    """Loads of the deepest cookie-sized payload: stock's BadPayload(RecursionError)."""
    h = make_harness()
    with h.app.app_context(), pinned_time(CLOCK):
        depth, payload = deepest(kind)
        assert len(payload) > 1_000_000, (depth, len(payload))  # megabytes decompressed
        cookie = signed(h, payload, compressed=True)
        assert len(cookie) <= COOKIE_BUDGET, len(cookie)
        stock_s, _ = h.serializers()
        premise = outcome(lambda: stock_s.loads(cookie))
        assert isinstance(premise.error, BadPayload), premise
        h.compare(f"deepest {kind} ({depth} levels)", cookie, (None, LIFETIME, 10**9), same=_same_deep)
        # Truncated inside the nesting (unclosed): still stock's error.
        h.compare(f"deepest {kind}, unclosed", signed(h, payload[: len(payload) // 2], compressed=True), same=_same_deep)
        h.assert_clean()


def _self_di() -> t.Any:
    d: dict[str, t.Any] = {}
    d[" t"] = d  # one key that is a tag key: the " di" tag recurses into it
    return {"x": d}


def _cycle3() -> t.Any:
    a: list[t.Any] = []
    b: dict[str, t.Any] = {"a": a}
    c = (b,)
    a.append(c)
    return {"start": a}


class _Dict(dict):  # type: ignore[type-arg]
    pass


class _List(list):  # type: ignore[type-arg]
    pass


def _nest(depth: int, wrap: Callable[[t.Any], t.Any], leaf: t.Any = None) -> t.Any:
    v = leaf
    for _ in range(depth):
        v = wrap(v)
    return v


DEEP_DUMPS: dict[str, Callable[[], t.Any]] = {
    "self via ' di'": _self_di,
    "cycle list->dict->tuple": _cycle3,
    "self in dict subclass": lambda: (lambda d: (d.__setitem__("s", d), {"d": d})[1])(_Dict()),
    "self in OrderedDict": lambda: (lambda d: (d.__setitem__("s", d), {"d": d})[1])(OrderedDict()),
    "self in list subclass": lambda: (lambda lst: (lst.append(lst), {"l": lst})[1])(_List()),
    "self dict, two keys": lambda: (lambda d: (d.__setitem__("b", d), d.__setitem__("a", 1), d)[2])({}),
    "di 100k": lambda: {"v": _nest(100_000, lambda v: {" t": v})},
    "dict subclass 100k": lambda: {"v": _nest(100_000, lambda v: _Dict(a=v))},
    "list subclass 100k": lambda: {"v": _nest(100_000, lambda v: _List([v]))},
    "OrderedDict 100k": lambda: {"v": _nest(100_000, lambda v: OrderedDict(a=v))},
    "tuple in list 100k": lambda: {"v": _nest(100_000, lambda v: [(v,)])},
    "bytes leaf 100k": lambda: {"v": _nest(100_000, lambda v: [v], leaf=b"\x00")},
    "datetime leaf 100k": lambda: {"v": _nest(100_000, lambda v: {"k": v}, leaf=dt.datetime(2020, 1, 1))},
    "300 keys each 60 deep": lambda: {f"k{i}": _nest(60, lambda v: [v]) for i in range(300)},
}


def check_deep_dumps(name: str) -> None:
    h = make_harness()
    value = DEEP_DUMPS[name]()
    with h.app.app_context(), pinned_time(CLOCK):
        stock_s, fast_s = h.serializers()
        for sort_keys in (False, True):
            h.app.json.sort_keys = sort_keys  # type: ignore[attr-defined]
            stock = outcome(lambda: stock_s.dumps(value))
            fast = outcome(lambda: fast_s.dumps(value))
            try:
                _same_deep(stock, fast)
            except AssertionError as e:
                h.failures.append(f"[{name}] dumps(sort_keys={sort_keys}): {e}")
            if not stock.raised:
                h.compare(f"{name}: loads of stock's cookie", stock.value, same=_same_deep)
        # Still alive and still right afterwards.
        small = {"after": (1, b"x")}
        assert stock_s.dumps(small) == fast_s.dumps(small)
        h.assert_clean()


_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
import test_hostile
getattr(test_hostile, sys.argv[1])(sys.argv[2])
print("SURVIVED")
"""


def run_isolated(func: str, name: str) -> None:
    """``func(name)`` in a fresh interpreter: a native crash is reported, not fatal."""
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT.format(tests=str(TESTS_DIR)), func, name],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},
    )
    assert proc.returncode == 0 and "SURVIVED" in proc.stdout, (
        f"{func}({name!r}) in a subprocess exited with {proc.returncode}"
        f" (negative = killed by that signal)\nstdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-4000:]}"
    )


@pytest.mark.parametrize("kind", DEEP_LOADS)
def test_deepest_cookie_sized_payload(kind: str) -> None:
    run_isolated("check_deepest_cookie", kind)
    check_deepest_cookie(kind)


@pytest.mark.parametrize("name", list(DEEP_DUMPS))
def test_deep_and_cyclic_dumps(name: str) -> None:
    run_isolated("check_deep_dumps", name)
    check_deep_dumps(name)
