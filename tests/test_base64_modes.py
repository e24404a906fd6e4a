"""Base64 as the running interpreter decodes it: fast must reach stock's verdict on cookies
whose segments are malformed base64, on every CPython.

itsdangerous decodes every segment with :func:`base64.urlsafe_b64decode`, whose lenient
decoder changed twice: on CPython 3.11 to 3.13 a complete pad sequence ends decoding
(``Zg==Zm9v`` is ``b"f"``); on 3.14 ``=`` never ends it and a partial quad left at the end
needs pads (``Zg==Zm9v`` is an error); on 3.15 padding is optional, ``=`` is skipped
(``Zg==Zm9v`` decodes all six characters) and ``+`` or ``/`` raise a ``FutureWarning``.
The native path decodes as ``_checks`` found the running interpreter to decode at import
(``_checks.BASE64_MODE``), and hands input the interpreter warns about to stock code.

The cases below differ between those interpreters, so each one fails on some interpreter
if the native decoder follows another's rules; the properties generate more of the same.
"""

from __future__ import annotations

import base64
import binascii
import time
import warnings
import zlib
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given
from hypothesis import strategies as st
from itsdangerous.encoding import base64_encode
from itsdangerous.encoding import int_to_bytes

from differential import Outcome
from differential import Pair
from differential import assert_native
from differential import assert_same_outcome
from differential import frozen
from differential import loads_outcome
from differential import make_pair
from differential import open_session_outcome
from differential import sign_payload
from differential import sign_raw
from flask_fastsession import _checks
from flask_fastsession._native_loader import native as _native
from hostile import about

LIFETIME = 100
CONFIG = {"PERMANENT_SESSION_LIFETIME": LIFETIME}
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

_PAIR: list[Pair] = []


def pair() -> Pair:
    if not _PAIR:
        _PAIR.append(make_pair(config=CONFIG))
    return _PAIR[0]


def check(cookie: str | bytes, *, header_safe: bool = True) -> None:
    """Stock and fast agree on ``loads`` (both max-ages) and ``open_session``."""
    p = pair()
    with about(cookie):
        for max_age in (None, LIFETIME):
            assert_same_outcome(
                loads_outcome(p.stock, cookie, max_age=max_age), loads_outcome(p.fast, cookie, max_age=max_age)
            )
        if header_safe and isinstance(cookie, str):
            assert_same_outcome(open_session_outcome(p.stock, cookie), open_session_outcome(p.fast, cookie))


def good_cookie() -> str:
    return sign_payload(pair().stock, b'{"a":1}')


def with_sig(cookie: str, edit: Callable[[str], str]) -> str:
    value, sig = cookie.rsplit(".", 1)
    return f"{value}.{edit(sig)}"


# --------------------------------------------------------------------------------------
# The probe


def test_the_running_interpreter_has_a_native_mode() -> None:
    """Every supported CPython decodes in a way the native code reproduces (else every
    ``loads`` would silently be stock's), and the mode set is the one probed."""
    assert _checks.BASE64_MODE[0] is not None, _checks.BASE64_MODE
    assert _native.base64_mode() == _checks.BASE64_MODE
    assert_native(pair().fast)


def _reference(padding: str, *, warns: bool = False) -> Callable[[bytes], bytes]:
    """A plain Python ``urlsafe_b64decode`` following ``padding``'s rule."""
    table = {c: i for i, c in enumerate(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}

    def decode(s: bytes) -> bytes:
        if warns and (b"+" in s or b"/" in s):
            warnings.warn("invalid character", FutureWarning, stacklevel=2)
        s = s.translate(bytes.maketrans(b"-_", b"+/"))
        quad = pads = bits = nbits = 0
        out = bytearray()
        for c in s:
            if c == ord("="):
                if quad >= 2:
                    pads += 1
                    if padding == "ends-decoding" and quad + pads >= 4:
                        return bytes(out)
                continue
            if c not in table:
                continue
            pads = 0
            quad = (quad + 1) % 4
            bits, nbits = (bits << 6) | table[c], nbits + 6
            if nbits >= 8:
                nbits -= 8
                out.append(bits >> nbits)
                bits &= (1 << nbits) - 1
        complete = {
            "ends-decoding": quad == 0,
            "checked-at-end": quad == 0 or quad + pads >= 4,
            "optional": quad != 1,
        }[padding]
        if not complete:
            raise binascii.Error("Incorrect padding")
        return bytes(out)

    return decode


@pytest.mark.parametrize("warns", [False, True])
@pytest.mark.parametrize("padding", ["ends-decoding", "checked-at-end", "optional"])
def test_probe_reads_behaviour(padding: str, warns: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The probe names the mode from what ``urlsafe_b64decode`` does, whatever the version."""
    monkeypatch.setattr(base64, "urlsafe_b64decode", _reference(padding, warns=warns))
    assert _checks._probe_base64() == (padding, warns)


def _strict(s: bytes) -> bytes:
    return base64.b64decode(s.translate(bytes.maketrans(b"-_", b"+/")), validate=True)


def _warns_always(s: bytes) -> bytes:
    warnings.warn("deprecated", DeprecationWarning, stacklevel=2)
    return _reference("ends-decoding")(s)


def _warns_on_plus_only(s: bytes) -> bytes:
    if b"+" in s:
        warnings.warn("invalid character", FutureWarning, stacklevel=2)
    return _reference("optional")(s)


def _type_error(s: bytes) -> bytes:
    raise TypeError("no")


@pytest.mark.parametrize("decoder", [_strict, _warns_always, _warns_on_plus_only, _type_error])
def test_probe_refuses_unknown_behaviour(decoder: Callable[[bytes], bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    """A decoder no mode reproduces gives no mode: stock code decodes."""
    monkeypatch.setattr(base64, "urlsafe_b64decode", decoder)
    assert _checks._probe_base64() == (None, False)


def test_probe_checks_the_standard_decoder(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``" b"`` tag decodes canonical base64 natively: a ``b64decode`` that
    refuses non-zero trailing bits (``Zh==``) gives no mode."""
    real = base64.b64decode

    def canonical(s: bytes) -> bytes:
        if s == b"Zh==":
            raise binascii.Error("Excess data")
        return real(s)

    monkeypatch.setattr(base64, "b64decode", canonical)
    assert _checks._probe_base64() == (None, False)


@contextmanager
def base64_mode(padding: str | None, warns: bool) -> Iterator[None]:
    before = _native.base64_mode()
    _native.set_base64_mode(padding, warns)  # type: ignore[arg-type]
    try:
        yield
    finally:
        _native.set_base64_mode(*before)


def test_no_mode_hands_every_loads_to_stock() -> None:
    with frozen():
        cookie = good_cookie()
        codec = _native.SessionCodec([b"not the key"])
        assert codec.loads(cookie, None, 0, True) is _native.INVALID
        with base64_mode(None, False):
            assert _native.base64_mode() == (None, False)
            assert codec.loads(cookie, None, 0, False) is _native.FALLBACK
            assert codec.loads(cookie, None, 0, True) is _native.FALLBACK
            check(cookie)
            check(with_sig(cookie, lambda s: s[:5] + "=" + s[5:]))


def test_set_base64_mode_rejects_unknown_names() -> None:
    with pytest.raises(ValueError):
        _native.set_base64_mode("sometimes", False)  # type: ignore[arg-type]


def test_switching_mode_forgets_decoded_payloads() -> None:
    """A payload decoded (and remembered) under one mode is decoded again under another."""
    p = pair()
    with frozen():
        ts = base64_encode(int_to_bytes(int(time.time())))
        cookie = sign_raw(p.stock, b"eyJhIjoxfQ==eyJiIjoyfQ." + ts)
        before = _native.base64_mode()
        for padding in ("ends-decoding", "checked-at-end", "optional"):
            with base64_mode(padding, before[1]):
                loads_outcome(p.fast, cookie)
        check(cookie)


# --------------------------------------------------------------------------------------
# Cases that differ between interpreters


#: Signature edits: each leaves 28 characters (no padding appended) or other lengths.
SIG_EDITS: dict[str, Callable[[str], str]] = {
    "= inside": lambda s: s[:5] + "=" + s[5:],
    "! inside": lambda s: s[:5] + "!" + s[5:],
    "= at the end": lambda s: s + "=",
    "== at the end": lambda s: s + "==",
    "=== at the end": lambda s: s + "===",
    "= after 4": lambda s: s[:4] + "=" + s[4:],
    "== after 26": lambda s: s[:26] + "==" + s[26:],
    "pads then data": lambda s: s + "==AAAA",
    "space inside": lambda s: s[:9] + " " + s[9:],
    "NUL inside": lambda s: s[:9] + "\x00" + s[9:],
    "= and ! inside": lambda s: s[:3] + "=!" + s[3:],
    "+ inside": lambda s: s[:5] + "+" + s[5:],
    "/ at the end": lambda s: s + "/",
    "- replaced by +": lambda s: s.replace("-", "+").replace("_", "/"),
}


@pytest.mark.parametrize("edit", list(SIG_EDITS))
def test_signature_edits(edit: str) -> None:
    """3.15 verifies a signature with a junk or pad character inserted (28 characters,
    no padding needed there); 3.13 and 3.14 do not. ``+`` and ``/`` warn on 3.15."""
    with frozen():
        for cookie in (good_cookie(), sign_payload(pair().stock, b'{"k":"' + b"x" * 200 + b'"}', compressed=True)):
            damaged = with_sig(cookie, SIG_EDITS[edit])
            check(damaged, header_safe=damaged.isprintable())
            check(damaged.encode())


#: Timestamp segments stock decodes differently on 3.13, 3.14 and 3.15.
TIMESTAMPS = [
    "ZeB=8A", "ZVPx=AA", "ZV=PxAA", "ZVPxAA==AA", "ZVPxAA=", "ZVPx!AA", "ZV!Px-AA", "ZVPxAA==ZVPxAA", "Zm=8",
    "ZV==", "ZVP=", "Z===", "ZVPxAA+", "ZVP/xAA", "+A", "ZVPxAA==/",
]  # fmt: skip


@pytest.mark.parametrize("ts", TIMESTAMPS)
def test_timestamps(ts: str) -> None:
    """Behind a valid signature (the value, date or "Malformed timestamp") and behind a bad
    one (``date_signed`` set where the timestamp decodes, None where it does not)."""
    with frozen():
        cookie = sign_raw(pair().stock, base64_encode(b'{"a":1}') + b"." + ts.encode())
        check(cookie)
        check(with_sig(cookie, lambda s: s[:-2] + ("AA" if s[-2:] != "AA" else "BB")))


#: Payload segments (``.`` first: zlib) that decode differently, behind a valid signature.
_ZLIB = base64_encode(zlib.compress(b'{"a":1}'))
PAYLOADS = [
    b"eyJhIjoxfQ==eyJiIjoyfQ", b"eyJhIjoxfQ=", b"eyJhIjox=fQ", b"eyJhIjoxfQ=A", b"eyJhIjoxfQ==!",
    b"e30=", b"e3=0", b"e30==e30", b"eyJhIjo+fQ", b"eyJhIjo/fQ", b"eyJhIjoxfQ+", b"eyJ=hIjoxfQ",
    b"." + _ZLIB + b"==", b"." + _ZLIB[:5] + b"=" + _ZLIB[5:], b"." + _ZLIB + b"==" + _ZLIB, b"." + _ZLIB[:-1],
]  # fmt: skip


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads(payload: bytes) -> None:
    with frozen():
        ts = base64_encode(int_to_bytes(int(time.time())))
        check(sign_raw(pair().stock, payload + b"." + ts))


def _warnings_of(fn: Callable[[], Outcome]) -> tuple[Outcome, list[tuple[type[Warning], str, str, int]]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn()
    return out, [(w.category, str(w.message), w.filename, w.lineno) for w in caught]


@pytest.mark.parametrize(
    "where", ["signature", "timestamp", "payload", "bad signature, payload", "bad signature, timestamp"]
)
def test_plus_and_slash_warn_as_in_stock(where: str) -> None:
    """With warnings shown rather than raised, stock on 3.15 warns (``FutureWarning``) about
    ``+`` or ``/`` in a segment it decodes and goes on decoding: fast gives the same value
    or exception and the same warnings, from the same place."""
    p = pair()
    with frozen():
        ts = base64_encode(int_to_bytes(int(time.time()))).decode()
        payload = "eyJhIjoxfQ"
        if where == "signature":
            cookie = with_sig(good_cookie(), lambda s: s[:5] + "+" + s[5:])
        elif where == "timestamp":
            cookie = sign_raw(p.stock, f"{payload}.{ts[:3]}/{ts[3:]}".encode())
        elif where == "payload":
            cookie = sign_raw(p.stock, f"eyJhIjo+fQ.{ts}".encode())
        elif where == "bad signature, payload":
            cookie = with_sig(sign_raw(p.stock, f"eyJhIjo+fQ.{ts}".encode()), lambda s: "A" + s[1:])
        else:
            cookie = with_sig(sign_raw(p.stock, f"{payload}.{ts}+".encode()), lambda s: "A" + s[1:])
        with about(cookie):
            for max_age in (None, LIFETIME):
                stock, stock_warnings = _warnings_of(lambda: loads_outcome(p.stock, cookie, max_age=max_age))
                fast, fast_warnings = _warnings_of(lambda: loads_outcome(p.fast, cookie, max_age=max_age))
                assert_same_outcome(stock, fast)
                assert fast_warnings == stock_warnings
            stock, stock_warnings = _warnings_of(lambda: open_session_outcome(p.stock, cookie))
            fast, fast_warnings = _warnings_of(lambda: open_session_outcome(p.fast, cookie))
            assert_same_outcome(stock, fast)
            assert fast_warnings == stock_warnings


# --------------------------------------------------------------------------------------
# Properties

#: Characters that matter to the lenient decoder: data, pads, the standard alphabet, junk.
_CHARS = st.sampled_from(list("AQgw09Zz-_=+/! ."))
_SEGMENT = st.text(_CHARS, max_size=14)


@given(ts=_SEGMENT, payload=st.one_of(_SEGMENT, st.sampled_from(["eyJhIjoxfQ", "e30", "eyJhIjoxfQ=="])))
def _prop_signed_segments(ts: str, payload: str) -> None:
    """Malformed base64 behind a valid signature, and behind a bad one."""
    cookie = sign_raw(pair().stock, f"{payload}.{ts}".encode())
    check(cookie, header_safe=" " not in cookie)
    check(with_sig(cookie, lambda s: s[:-1] + ("A" if s[-1] != "A" else "B")), header_safe=" " not in cookie)


def test_property_signed_segments() -> None:
    with frozen():
        _prop_signed_segments()


_EDIT = st.tuples(st.integers(0, 40), st.sampled_from(["ins", "rep", "del"]), _CHARS)


@given(edits=st.lists(_EDIT, min_size=1, max_size=3))
def _prop_signature_edits(edits: list[tuple[int, str, str]]) -> None:
    """Pads, junk and standard-alphabet characters dropped into a valid signature."""
    value, sig = good_cookie().rsplit(".", 1)
    for pos, op, ch in edits:
        i = pos % (len(sig) + 1)
        if op == "ins":
            sig = sig[:i] + ch + sig[i:]
        elif op == "rep":
            sig = sig[:i] + ch + sig[i + 1 :]
        else:
            sig = sig[:i] + sig[i + 1 :]
    cookie = f"{value}.{sig}"
    check(cookie, header_safe=" " not in cookie)


def test_property_signature_edits() -> None:
    with frozen():
        _prop_signature_edits()
