"""Every cache the package keeps, in one table.

Each cache only saves work: an entry is either checked on every use against
what it was made from, or keyed by everything that decides its value, so a
stale entry is never used. Clearing one costs the next calls the work it saved.

=====================  =================================  ==========  ==========================================
cache                  holds                              bound       eviction; why it is never stale
=====================  =================================  ==========  ==========================================
codecs                 a ``SessionCodec`` per key list    4,096       least recently used; keyed by the key
                       (``_rule``)                                    values (exact ``str``/``bytes``)
plans                  a ``SessionPlan`` per interface    256         all cleared when full; checked on every
                       (``_plan``)                                    call (see ``_plan``'s table)
signing serializers    the serializer made under a plan   256         all cleared when full; used while its
                       (``sessions``)                                 plan is valid, copied for every caller
cookie templates       ``Set-Cookie`` cut around the      256         all cleared when full; keyed by every
                       value (``_headers``)                           attribute and its type
serializer check       the last default serializer seen   1           replaced; its tags and order compared on
                       (``_checks``)                                  every call
payload memo           JSON -> compressed, encoded        256 slots,  direct-mapped, replaced on collision;
                       payload segment (native)           2 MiB       keyed by the exact bytes
json memo              payload segment -> JSON (native)   256 slots,  direct-mapped; keyed by the exact bytes
                                                          2 MiB
object keys            ``str`` objects of short JSON      128 slots   direct-mapped; keyed by the exact text
                       object keys (native)
=====================  =================================  ==========  ==========================================

The zlib compressor and decompressor of each thread (native) are state, not
caches: they are reset before every use.
"""

from __future__ import annotations

import typing as t

from . import _checks
from . import _headers
from . import _plan
from . import _rule
from . import sessions
from ._native_loader import native as _native

__all__ = ["CacheUsage", "cache_clear", "cache_usage"]


class CacheUsage(t.NamedTuple):
    """How full one cache is."""

    #: Entries held now.
    entries: int
    #: Entries held at most (None: one per class seen).
    capacity: int | None


def cache_usage() -> dict[str, CacheUsage]:
    """Entries held now and at most, per cache (see the table above)."""
    usage = {
        "codecs": CacheUsage(len(_rule._codecs), _rule.CODEC_CACHE_SIZE),
        "plans": CacheUsage(len(_plan.plans), _plan.PLAN_CACHE_SIZE),
        "signing serializers": CacheUsage(len(sessions._signing_serializers), _plan.PLAN_CACHE_SIZE),
        "cookie templates": CacheUsage(len(_headers._templates), _headers._TEMPLATE_CACHE_SIZE),
        "serializer check": CacheUsage(int(_checks._verified_serializer is not None), 1),
    }
    for name, entries, capacity, _ in _native.native_caches():
        usage[name] = CacheUsage(entries, capacity)
    return usage


def cache_clear() -> None:
    """Empties every cache. Nothing changes but the cost of the next calls,
    which redo the work the caches saved."""
    _rule._codecs.clear()
    _rule._last_single = (None, None)
    _plan.plans.clear()
    sessions._signing_serializers.clear()
    _headers._templates.clear()
    _checks._verified_serializer = None
    _native.clear_native_caches()
