"""The native module, or a stand-in where it must not be used.

:mod:`flask_fastsession._native` keeps the Python objects it caches (classes,
``timezone.utc``, its sentinels, its own types, the datetime C API) in
process-wide statics, so it serves one interpreter only: the first whose
import initialised it. Any other interpreter of the process (a sub-interpreter
of mod_wsgi or uWSGI, or the main interpreter after a sub-interpreter imported
it first) gets :data:`native` as a stand-in that sends every call to stock
code, and so does an interpreter where the module cannot be imported at all
(an isolated sub-interpreter with its own GIL).

The rest of the package imports :data:`native` from here, never
``_native`` itself, and checks :data:`NATIVE_AVAILABLE` before using it.
"""

from __future__ import annotations

import importlib.metadata
import types
import typing as t
import zlib

__all__ = ["NATIVE_AVAILABLE", "UNAVAILABLE_REASON", "native"]


class Fallback:
    """The stand-in's "stock code must answer"."""

    def __repr__(self) -> str:
        return "<flask_fastsession fallback>"


class Invalid:
    """The stand-in's "the signature did not verify"."""

    def __repr__(self) -> str:
        return "<flask_fastsession invalid>"


class Stale:
    """The stand-in's "the plan no longer describes the call"."""

    def __repr__(self) -> str:
        return "<flask_fastsession stale plan>"


_FALLBACK_STANDIN = Fallback()


class SessionPlan:
    """The stand-in plan: never made (stock code answers every call)."""

    def __init__(self, *args: t.Any) -> None:
        raise ValueError("the native module does not serve this interpreter")


class SessionCodec:
    """The stand-in codec: every call is handed to stock code."""

    def __init__(self, secret_keys: list[str | bytes]) -> None:
        pass

    def dumps_for(self, *args: t.Any) -> Fallback:
        return _FALLBACK_STANDIN

    def loads(self, *args: t.Any) -> Fallback:
        return _FALLBACK_STANDIN


class DictWatch:
    """The stand-in watch: every namespace counts as changed, so the
    snapshot is compared in full."""

    def __init__(self, objects: list[t.Any]) -> None:
        self._changes = [(i, 0) for i in range(len(objects))]

    def changed(self) -> list[tuple[int, int]] | None:
        return self._changes

    def accept(self, changes: list[tuple[int, int]]) -> None:
        pass

    def __len__(self) -> int:
        return len(self._changes)


def _expires_header(now: t.Any, lifetime: t.Any) -> None:
    """None: stock code computes the date."""
    return None


def _set_deflater(name: str) -> None:
    """Nothing compresses natively here: nothing to choose."""


def _deflater() -> str:
    """Stock code compresses with the interpreter's zlib."""
    return "interpreter"


def _set_base64_mode(padding: str | None, warns_on_plus_slash: bool) -> None:
    """Nothing decodes natively here: nothing to choose."""


def _base64_mode() -> tuple[str | None, bool]:
    """No native decoder: stock code decodes."""
    return None, False


def _set_payload_memo(enabled: bool) -> None:
    """No memo here: nothing to switch."""


def _payload_memo_enabled() -> bool:
    return False


def _plan_counts() -> list[tuple[str, int]]:
    """No plan answers here."""
    return []


def _clear_plan_counts() -> None:
    """No plan counts here."""


def _clear_native_caches() -> None:
    """The stand-in keeps no caches."""


def _version(module: t.Any) -> str:
    version = getattr(module, "__version__", None)
    if isinstance(version, str):
        return version
    try:
        return importlib.metadata.version("flask-fastsession")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _standin(module: t.Any, reason: str) -> types.ModuleType:
    """A module with the native module's names, answering every call with
    "stock code decides" (``FALLBACK``, None) and reaching no native code."""
    standin = types.ModuleType(__name__ + ".standin", f"Stand-in for flask_fastsession._native: {reason}.")
    standin.__dict__.update(
        __version__=_version(module),
        BUILD_PROFILE=getattr(module, "BUILD_PROFILE", "none"),
        Fallback=Fallback,
        Invalid=Invalid,
        FALLBACK=_FALLBACK_STANDIN,
        INVALID=Invalid(),
        Stale=Stale,
        STALE=Stale(),
        SessionCodec=SessionCodec,
        SessionPlan=SessionPlan,
        DictWatch=DictWatch,
        compress=zlib.compress,
        ZLIB_RUNTIME_VERSION=getattr(module, "ZLIB_RUNTIME_VERSION", "unknown"),
        ZLIB_LINKAGE=getattr(module, "ZLIB_LINKAGE", "unknown"),
        set_deflater=_set_deflater,
        deflater=_deflater,
        set_base64_mode=_set_base64_mode,
        base64_mode=_base64_mode,
        expires_header=_expires_header,
        set_payload_memo=_set_payload_memo,
        payload_memo_enabled=_payload_memo_enabled,
        native_caches=list,
        clear_native_caches=_clear_native_caches,
        plan_counts=_plan_counts,
        clear_plan_counts=_clear_plan_counts,
    )
    return standin


def _load() -> tuple[types.ModuleType, str | None]:
    """``(module, reason)``: the native module and None where it may be used,
    else the stand-in and why."""
    try:
        from . import _native
    except ImportError as e:
        reason = f"flask_fastsession._native cannot be imported here: {e}"
        return _standin(None, reason), reason
    # Touches no cached object: only compares interpreter IDs.
    owner, current = _native.interpreter_ids()
    if owner != current:
        reason = (
            f"flask_fastsession._native serves interpreter {owner}, the first of this process "
            f"to import it; this is interpreter {current}"
        )
        return _standin(_native, reason), reason
    return _native, None


_loaded = _load()
if t.TYPE_CHECKING:
    from . import _native as native
else:
    native = _loaded[0]

#: Why the native path is unavailable in this interpreter; None when it is available.
UNAVAILABLE_REASON: str | None = _loaded[1]
#: Whether :data:`native` is the real native module (else every call takes the stock path).
NATIVE_AVAILABLE: bool = UNAVAILABLE_REASON is None
