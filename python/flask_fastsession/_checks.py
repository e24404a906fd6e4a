"""When the native path may answer a call, and when stock code must.

The native path reproduces Flask's default configuration. Every check here
is about one thing that configuration may have been changed into; when a
check fails, the call goes to stock Flask code instead, so the output is
stock's by construction. The zlib comparison is the exception: it only picks
which zlib compresses the payloads (:data:`ZLIB_MATCHES`); so is the base64
probe, which picks how the native path decodes (:data:`BASE64_MODE`).
"""

from __future__ import annotations

import base64
import binascii
import typing as t
import warnings
import zlib

from flask.json.provider import DefaultJSONProvider
from flask.json.tag import TaggedJSONSerializer

from ._native_loader import NATIVE_AVAILABLE
from ._native_loader import native as _native

if t.TYPE_CHECKING:
    from flask.json.provider import JSONProvider

#: Payloads for the import-time comparison with :func:`zlib.compress`: short,
#: typical and large session JSON, repetitive and incompressible data.
_ZLIB_SAMPLES: tuple[bytes, ...] = (
    b"",
    b"{}",
    b'{"_permanent":true,"user_id":42}',
    b'{"_flashes":[{" t":["message","Logged in."]}],"_fresh":true,'
    b'"_id":"' + b"0123456789abcdef" * 8 + b'","_user_id":"1",'
    b'"csrf_token":"' + b"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b" + b'"}',
    b'{"items":[' + b",".join(b'{"id":%d,"name":"item %d","qty":%d}' % (i, i, i % 7) for i in range(200)) + b"]}",
    bytes(range(256)) * 16,
    bytes((i * 7919 + 13) % 251 for i in range(4096)),
)


def _zlib_matches() -> bool:
    """Whether this build's deflate gives the interpreter's exact bytes."""
    return all(_native.compress(s) == zlib.compress(s) for s in _ZLIB_SAMPLES)


#: Whether the extension's zlib compresses exactly like the interpreter's
#: :func:`zlib.compress`. It decides which deflater writes the payloads, not
#: whether the native path runs: when True, the extension's own zlib; when
#: False (a wheel with a bundled zlib, an interpreter with its own, a zlib-ng
#: system library), the native path calls the interpreter's ``zlib.compress``
#: for that one step and keeps everything else native.
#: Not computed, and False, where the native module is unavailable
#: (:data:`NATIVE_AVAILABLE`).
ZLIB_MATCHES: bool = NATIVE_AVAILABLE and _zlib_matches()

#: The deflater chosen at import: ``"native"`` or ``"interpreter"``.
#: :func:`_native.deflater` says which one runs now (tests may switch it with
#: ``_native.set_deflater``).
DEFLATER: t.Literal["native", "interpreter"] = "native" if ZLIB_MATCHES else "interpreter"
if NATIVE_AVAILABLE:
    _native.set_deflater(DEFLATER)

#: The padding rules of the native base64 decoder, in the column order of
#: :data:`_B64_PROBES` (see ``Padding`` in ``src/encoding.rs``): a complete pad
#: sequence ends decoding (CPython 3.11 to 3.13); ``=`` never ends it and a
#: partial quad left at the end must be filled by pads (3.14); padding is
#: optional and ``=`` is skipped (3.15's ``urlsafe_b64decode``).
_PADDINGS: tuple[t.Literal["ends-decoding", "checked-at-end", "optional"], ...] = (
    "ends-decoding",
    "checked-at-end",
    "optional",
)

#: Inputs of :func:`base64.urlsafe_b64decode` as itsdangerous's
#: ``base64_decode`` passes them (padded to a multiple of 4), with what each
#: padding rule of :data:`_PADDINGS` decodes them to (None: ``binascii.Error``).
#: They tell the rules apart (data after a complete pad sequence, a pad that
#: does not fill its quad, a partial quad without pads), with junk bytes, and
#: pin what every rule agrees on.
_B64_PROBES: tuple[tuple[bytes, tuple[bytes | None, bytes | None, bytes | None]], ...] = (
    (b"", (b"", b"", b"")),
    (b"Zm9v", (b"foo", b"foo", b"foo")),
    (b"Zg==", (b"f", b"f", b"f")),
    (b"Zm8=", (b"fo", b"fo", b"fo")),
    (b"-_-_", (b"\xfb\xff\xbf", b"\xfb\xff\xbf", b"\xfb\xff\xbf")),
    (b"Zh==", (b"f", b"f", b"f")),
    (b"Zm9vYg==", (b"foob", b"foob", b"foob")),
    (b"Zg==Zm9v", (b"f", None, b"f\x06f\xf6")),
    (b"Zm8=Zg==", (b"fo", None, None)),
    (b"Zm=8", (None, None, b"fo")),
    (b"YW=I", (None, None, b"ab")),
    (b"Q===", (None, None, None)),
    (b"QQ=Q====", (b"A\x04", b"A\x04", b"A\x04")),
    (b"ZeB=8A==", (b"e\xe0", None, None)),
    (b"ZV!Px-AA", (None, None, b"eS\xf1\xf8\x00")),
    (b"Zg!=", (None, None, b"f")),
    (b"\xffZg\xff", (None, None, b"f")),
    (b"Zm9v\n", (b"foo", b"foo", b"foo")),
    (b"Zm9vYg==Z===", (b"foob", b"foob\x06", b"foob\x06")),
    (b"====Zg==", (b"f", b"f", b"f")),
)

#: Inputs with ``+`` or ``/`` (the standard alphabet), which every rule
#: decodes alike, unless the decoder warns about them (CPython 3.15).
_B64_PLUS_SLASH: tuple[tuple[bytes, bytes], ...] = (
    (b"+/+/", b"\xfb\xff\xbf"),
    (b"+A==", b"\xf8"),
    (b"Zm9v/A==", b"foo\xfc"),
)

#: Canonical standard base64 and what :func:`base64.b64decode` gives for it:
#: the native ``" b"`` tag decodes such input itself, in every mode.
_B64_CANONICAL: tuple[tuple[bytes, bytes], ...] = (
    (b"", b""),
    (b"Zm9vYg==", b"foob"),
    (b"Zm9vYmE=", b"fooba"),
    (b"+/+/", b"\xfb\xff\xbf"),
    (b"Zh==", b"f"),
)


def _decode(decode: t.Callable[[bytes], bytes], data: bytes) -> tuple[bytes | None, bool]:
    """``decode(data)`` (None for ``binascii.Error``), and whether it warned."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out: bytes | None = decode(data)
        except binascii.Error:
            out = None
    return out, bool(caught)


def _probe_base64() -> tuple[t.Literal["ends-decoding", "checked-at-end", "optional"] | None, bool]:
    """``(padding, warns_on_plus_slash)``: the native decoder's mode that
    reproduces what the running interpreter's ``base64`` module does with
    every probe input, or ``(None, False)`` when none does (stock code then
    answers every ``loads``).

    Read off the interpreter's behaviour, not its version: a CPython whose
    decoder changes again in a way no mode reproduces is answered by stock
    code, not misread.
    """
    try:
        results = [_decode(base64.urlsafe_b64decode, data) for data, _ in _B64_PROBES]
        plus_slash = [_decode(base64.urlsafe_b64decode, data) for data, _ in _B64_PLUS_SLASH]
        canonical = [_decode(base64.b64decode, data) for data, _ in _B64_CANONICAL]
    except Exception:  # anything but binascii.Error: not a decoder the native code knows
        return None, False
    if any(warned for _, warned in results + canonical):
        return None, False
    if [out for out, _ in canonical] != [expected for _, expected in _B64_CANONICAL]:
        return None, False
    got = [out for out, _ in results]
    padding = next(
        (name for i, name in enumerate(_PADDINGS) if got == [expected[i] for _, expected in _B64_PROBES]),
        None,
    )
    if padding is None:
        return None, False
    warns = [warned for _, warned in plus_slash]
    if all(warns):
        return padding, True
    if any(warns) or [out for out, _ in plus_slash] != [expected for _, expected in _B64_PLUS_SLASH]:
        return None, False
    return padding, False


#: How the native path decodes base64: ``(padding, warns_on_plus_slash)`` as
#: :func:`_native.set_base64_mode` takes them, probed at import from the
#: running interpreter's :mod:`base64` (itsdangerous calls
#: :func:`base64.urlsafe_b64decode`, whose handling of malformed input changed
#: in CPython 3.14 and 3.15). ``padding`` None: no native decoder reproduces
#: it, and stock code answers every ``loads``. ``warns_on_plus_slash``: the
#: decoder warns about ``+`` and ``/``, so stock code answers a ``loads`` whose
#: decoded segments hold one. ``(None, False)`` where the native module is
#: unavailable (:data:`NATIVE_AVAILABLE`).
BASE64_MODE: tuple[t.Literal["ends-decoding", "checked-at-end", "optional"] | None, bool] = (
    _probe_base64() if NATIVE_AVAILABLE else (None, False)
)
if NATIVE_AVAILABLE:
    _native.set_base64_mode(*BASE64_MODE)

_DEFAULT_TAG_TYPES: tuple[type, ...] = tuple(type(tag) for tag in TaggedJSONSerializer().order)
_verified_serializer: tuple[t.Any, ...] | None = None


def serializer_is_default(serializer: t.Any) -> bool:
    """Whether ``serializer`` is Flask's tagged JSON serializer with exactly
    the default tags, in the default order.

    A serializer once verified is remembered with copies of its ``order`` and
    ``tags``; later calls compare against those copies (item by item, by
    identity first), so registering a tag or replacing one in place is seen
    on the next call.
    """
    global _verified_serializer
    if type(serializer) is not TaggedJSONSerializer:
        return False
    order = serializer.order
    tags = serializer.tags
    seen = _verified_serializer
    if seen is not None and seen[0] is serializer and order == seen[1] and tags == seen[2]:
        return True
    ok = (
        tuple(type(tag) for tag in order) == _DEFAULT_TAG_TYPES
        and len(tags) == sum(1 for tag in order if tag.key)
        and all(tags.get(tag.key) is tag for tag in order if tag.key)
    )
    if ok:
        _verified_serializer = (serializer, list(order), dict(tags))
    return ok


def provider_is_default(provider: JSONProvider) -> bool:
    """Whether ``provider`` encodes and decodes as :class:`DefaultJSONProvider`
    does. ``sort_keys``, ``ensure_ascii`` and ``default`` may be customised:
    the native path reads them on every call.

    A subclass's ``dumps`` and ``loads`` are looked up on every call (two
    class attribute reads): a verdict kept per class would miss a method
    assigned to the class later."""
    cls = type(provider)
    if cls is not DefaultJSONProvider and (
        not issubclass(cls, DefaultJSONProvider)
        or cls.dumps is not DefaultJSONProvider.dumps
        or cls.loads is not DefaultJSONProvider.loads
    ):
        return False
    own = getattr(provider, "__dict__", _NO_ATTRS)
    return "dumps" not in own and "loads" not in own


_NO_ATTRS: dict[str, t.Any] = {}
