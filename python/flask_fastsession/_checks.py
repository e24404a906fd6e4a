"""When the native path may answer a call, and when stock code must.

The native path reproduces Flask's default configuration. Every check here
is about one thing that configuration may have been changed into; when a
check fails, the call goes to stock Flask code instead, so the output is
stock's by construction. The zlib comparison is the exception: it only picks
which zlib compresses the payloads (:data:`ZLIB_MATCHES`).
"""

from __future__ import annotations

import typing as t
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
