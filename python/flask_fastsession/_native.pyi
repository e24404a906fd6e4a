"""Type stub of the private native module ``flask_fastsession._native``.

This is the module as the interpreter that imported it first sees it; in any
other interpreter of the process it holds only ``__version__``,
``BUILD_PROFILE`` and ``interpreter_ids`` (see ``_native_loader.py``).
"""

import typing as t
from datetime import datetime
from datetime import timedelta

__all__ = [
    "SessionCodec",
    "DictWatch",
    "SessionPlan",
    "Stale",
    "Fallback",
    "Invalid",
    "compress",
    "set_deflater",
    "deflater",
    "set_base64_mode",
    "base64_mode",
    "expires_header",
    "set_payload_memo",
    "payload_memo_enabled",
    "native_caches",
    "clear_native_caches",
    "plan_counts",
    "clear_plan_counts",
    "interpreter_ids",
    "__version__",
    "BUILD_PROFILE",
    "ZLIB_RUNTIME_VERSION",
    "ZLIB_LINKAGE",
    "FALLBACK",
    "INVALID",
    "STALE",
]

__version__: str
BUILD_PROFILE: t.Literal["debug", "release"]
#: The extension's zlib as the library reports itself at run time
#: (``zlibVersion()``), to compare with ``zlib.ZLIB_RUNTIME_VERSION``.
ZLIB_RUNTIME_VERSION: str
#: Where the extension's zlib comes from: the platform's library, linked
#: dynamically ("system"), libz-sys's copy compiled into the extension
#: ("bundled"), or vcpkg's (Windows).
ZLIB_LINKAGE: t.Literal["system", "bundled", "vcpkg"]

@t.final
class Fallback:
    """Type of :data:`FALLBACK`."""

@t.final
class Invalid:
    """Type of :data:`INVALID`."""

#: Returned when stock code must answer the call.
FALLBACK: Fallback
#: Returned by ``SessionCodec.loads(..., quiet=True)`` for a bad signature.
INVALID: Invalid

@t.final
class SessionCodec:
    """Flask's session signing serializer for one list of secret keys
    (oldest first, the current key last)."""

    def __new__(cls, secret_keys: list[str | bytes]) -> SessionCodec: ...
    def dumps_for(
        self,
        obj: t.Any,
        timestamp: int,
        provider: t.Any,
    ) -> str | Fallback: ...
    def loads(
        self,
        value: str | bytes,
        max_age: int | None,
        now: int,
        quiet: bool,
    ) -> t.Any: ...

@t.final
class DictWatch:
    """Tells cheaply whether the namespaces of some dicts, modules and
    classes changed since they last matched a snapshot."""

    def __new__(cls, objects: list[t.Any]) -> DictWatch: ...
    def changed(self) -> list[tuple[int, int]] | None: ...
    def accept(self, changes: list[tuple[int, int]]) -> None: ...
    def __len__(self) -> int: ...

@t.final
class Stale:
    """Type of :data:`STALE`."""

#: Returned by ``SessionPlan.open`` / ``save`` when the plan no longer
#: describes the call's objects (rebuild it, then let Python answer).
STALE: Stale

@t.final
class SessionPlan:
    """One interface's session calls for one app, decided once and checked
    on every call, made from a ``flask_fastsession._plan.PlanDescription``."""

    def __new__(cls, description: t.Any) -> SessionPlan: ...
    @property
    def codec(self) -> SessionCodec: ...
    def valid(self, interface: t.Any, app: t.Any) -> bool: ...
    def values(self) -> tuple[t.Any, ...]: ...
    def open(self, interface: t.Any, app: t.Any, request: t.Any) -> t.Any: ...
    def save(self, interface: t.Any, app: t.Any, session: t.Any, response: t.Any) -> None | Fallback | Stale: ...

def plan_counts() -> list[tuple[str, int]]: ...
def clear_plan_counts() -> None: ...
def compress(data: bytes) -> bytes:
    """``zlib.compress(data)`` by the extension's own zlib (the import-time
    self-check compares it with the interpreter's)."""

def set_deflater(name: t.Literal["native", "interpreter"]) -> None:
    """Choose what compresses payloads: the extension's zlib, or the
    interpreter's ``zlib.compress`` (looked up by this call). ``_checks``
    calls it once at import; calling it again is for tests only. Forgets the
    payload memo."""

def deflater() -> t.Literal["native", "interpreter"]:
    """The deflater in use."""

def set_base64_mode(
    padding: t.Literal["ends-decoding", "checked-at-end", "optional"] | None,
    warns_on_plus_slash: bool,
) -> None:
    """Choose how ``SessionCodec.loads`` decodes base64, as the running
    interpreter's ``base64.urlsafe_b64decode`` does: what ``=`` does (None:
    no native decoder reproduces it, stock code answers every ``loads``),
    and whether input with ``+`` or ``/`` is left to stock code (the
    interpreter warns about it). ``_checks`` calls it once at import; calling
    it again is for tests only. Forgets the JSON memo."""

def base64_mode() -> tuple[t.Literal["ends-decoding", "checked-at-end", "optional"] | None, bool]:
    """``(padding, warns_on_plus_slash)`` as last set; ``(None, False)``
    before that."""

def expires_header(now: datetime, lifetime: timedelta) -> str | None: ...
def set_payload_memo(enabled: bool) -> None: ...
def payload_memo_enabled() -> bool: ...
def native_caches() -> list[tuple[str, int, int, int]]:
    """``(name, entries, capacity, bytes held)`` of each native cache."""

def clear_native_caches() -> None:
    """Empties the native caches."""


# (owner, current): the interpreter the module serves, and the calling one.
def interpreter_ids() -> tuple[int, int]: ...
