"""Is the stock code the native path stands in for still the original?

The native path does natively what stock functions and classes would do:
itsdangerous's signer and serializer, Flask's session interface, tags and
JSON provider, werkzeug's cookie and date writers, and the stdlib functions
they call. Test suites patch these (``mock.patch(
"itsdangerous.timed.TimestampSigner.get_timestamp", return_value=1)``), and
then stock's behaviour is the patched one. So every such name is recorded at
import, and whenever one of them is not the original any more, the call goes
to stock code, which runs the patch.

The check runs on every call, so it is split in two: the native
:class:`~flask_fastsession._native.DictWatch` tells in a few nanoseconds
whether any of the watched namespaces changed at all (by CPython's dict
version tags), and only then is the snapshot compared, name by name.

Names that the native path reads at call time, as stock does (``time.time``,
``datetime.now``), are not stood in for; a time freezer such as freezegun,
which replaces ``datetime.datetime`` everywhere, is therefore not a patch as
long as the name still refers to what the ``datetime`` and ``time`` modules
currently hold.
"""

from __future__ import annotations

import base64
import datetime as _datetime
import hashlib
import hmac
import json
import re
import sys
import time as _time
import types
import typing as t
import zlib

from ._native_loader import DictWatch as _StandinWatch
from ._native_loader import native as _native

#: Class attributes that carry no behaviour the native path stands in for.
_IGNORED_CLASS_NAMES = frozenset(
    {
        "__dict__",
        "__doc__",
        "__module__",
        "__qualname__",
        "__weakref__",
        "__annotations__",
        "__slots__",
        "__slotnames__",
        "__parameters__",
        "__orig_bases__",
        "__abstractmethods__",
        "_abc_impl",
        "__static_attributes__",
        "__firstlineno__",
        "__match_args__",
        "__dataclass_fields__",
        "__dataclass_params__",
    }
)

#: Objects a time freezer swaps for its own everywhere, by id:
#: (module, name) where the current one is found.
_CLOCK: dict[int, tuple[types.ModuleType, str]] = {
    id(_datetime.datetime): (_datetime, "datetime"),
    id(_datetime.date): (_datetime, "date"),
    **{
        id(getattr(_time, name)): (_time, name)
        for name in dir(_time)
        if not name.startswith("_") and callable(getattr(_time, name))
    },
}


def _is_behaviour(value: object) -> bool:
    """Whether a namespace entry can carry behaviour (functions, classes,
    modules, descriptors, compiled patterns such as werkzeug's cookie-quoting
    rule), as opposed to plain settings that the native path
    reads at call time anyway."""
    return (
        callable(value)
        or isinstance(value, (types.ModuleType, re.Pattern))
        or hasattr(type(value), "__get__")
    )


class _Namespace:
    """The snapshot of one module's or class's namespace."""

    __slots__ = ("label", "owner", "entries", "is_class", "names")

    def __init__(self, owner: t.Any, names: t.Iterable[str] | None = None) -> None:
        self.owner = owner
        self.is_class = isinstance(owner, type)
        self.label = owner.__module__ + "." + owner.__qualname__ if self.is_class else owner.__name__
        #: Only these names count, when given; otherwise every behaviour entry.
        self.names = None if names is None else frozenset(names)
        ns = vars(owner)
        self.entries: dict[str, t.Any] = {n: v for n, v in ns.items() if self._watched(n, v)}

    def _watched(self, name: str, value: object) -> bool:
        if self.names is not None:
            return name in self.names
        if self.is_class:
            return name not in _IGNORED_CLASS_NAMES and _is_behaviour(value)
        return not (name.startswith("__") and name.endswith("__")) and _is_behaviour(value)

    def differences(self) -> list[str]:
        """The names that are not what they were at import, as ``owner.name``."""
        ns = vars(self.owner)
        missing = object()
        changed = []
        for name, original in self.entries.items():
            current = ns.get(name, missing)
            if current is original:
                continue
            clock = _CLOCK.get(id(original))
            if clock is not None and current is getattr(*clock):
                continue
            changed.append(f"{self.label}.{name}")
        if self.is_class:
            # A name added to a class shadows the base class's attribute.
            changed.extend(
                f"{self.label}.{name}"
                for name, value in ns.items()
                if name not in self.entries and self._watched(name, value)
            )
        return changed


class StockGuard:
    """A set of watched namespaces and their snapshot."""

    def __init__(self, owners: t.Iterable[tuple[t.Any, t.Iterable[str] | None]]) -> None:
        self._namespaces = [_Namespace(owner, names) for owner, names in owners]
        owners_list = [ns.owner for ns in self._namespaces]
        #: Why there is no native watch (None: there is one).
        self.unwatched: str | None = None
        try:
            self._watch: _native.DictWatch = _native.DictWatch(owners_list)
            self._native_watch: _native.DictWatch | None = self._watch
        except ValueError as e:  # no dict watcher left (CPython has 8 per interpreter)
            self.unwatched = str(e)
            self._watch = t.cast("_native.DictWatch", _StandinWatch(owners_list))
            self._native_watch = None

    @property
    def watch(self) -> _native.DictWatch | None:
        """The native watch of the namespaces (for plans, which check it);
        None where none could be made (then no plan is made, and the
        snapshot is compared on every call)."""
        return self._native_watch

    @property
    def changed(self) -> t.Callable[[], list[tuple[int, int]] | None]:
        """The native watch's ``changed``: None when no watched namespace
        changed since the snapshot last matched (then :meth:`is_original`
        is True without comparing anything)."""
        return self._watch.changed

    def is_original(self) -> bool:
        """Whether every watched name is still the one recorded at import."""
        changes = self._watch.changed()
        if changes is None:
            return True
        namespaces = self._namespaces
        for i, _ in changes:
            if namespaces[i].differences():
                return False
        self._watch.accept(changes)
        return True

    def differences(self) -> list[str]:
        """Every watched name that is not the original now, for diagnostics."""
        return [name for ns in self._namespaces for name in ns.differences()]


def _flask_owners() -> list[tuple[t.Any, t.Iterable[str] | None]]:
    import uuid

    import flask.config
    import flask.json
    import flask.json.provider
    import flask.json.tag
    import flask.sessions
    import itsdangerous.encoding
    import itsdangerous.serializer
    import itsdangerous.signer
    import itsdangerous.timed
    import itsdangerous.url_safe
    import markupsafe
    import werkzeug.http
    import werkzeug.sansio.response
    import werkzeug.wrappers
    from flask.wrappers import Response as FlaskResponse

    modules: list[t.Any] = [
        flask.sessions,
        flask.json,
        flask.json.provider,
        flask.json.tag,
        itsdangerous.encoding,
        itsdangerous.serializer,
        itsdangerous.signer,
        itsdangerous.timed,
        itsdangerous.url_safe,
        werkzeug.http,
        werkzeug.sansio.response,
        base64,
        hashlib,
        hmac,
        json,
        zlib,
    ]
    json_private = sys.modules.get("itsdangerous._json")
    if json_private is not None:
        modules.append(json_private)

    classes: list[t.Any] = [
        flask.sessions.SecureCookieSessionInterface,
        flask.sessions.SecureCookieSession,
        flask.config.ConfigAttribute,
        *flask.json.tag.TaggedJSONSerializer.default_tags,
        flask.json.tag.TaggedJSONSerializer,
        itsdangerous.url_safe.URLSafeTimedSerializer,
        itsdangerous.signer.Signer,
        itsdangerous.timed.TimestampSigner,
        itsdangerous.signer.HMACAlgorithm,
        markupsafe.Markup,
        uuid.UUID,
    ]
    owners: list[tuple[t.Any, t.Iterable[str] | None]] = [(m, None) for m in modules]
    seen: set[type] = set()
    for cls in classes:
        for base in cls.__mro__:
            if base not in seen and base.__module__ != "builtins" and hasattr(base, "__dict__"):
                seen.add(base)
                owners.append((base, None))
    # The JSON provider and the response carry settings and unrelated methods
    # users change freely; only the ones the native path stands in for count.
    for cls in flask.json.provider.DefaultJSONProvider.__mro__[:-1]:
        owners.append((cls, ("dumps", "loads")))
    for cls in FlaskResponse.__mro__[:-1]:
        if cls.__module__ != "builtins":
            owners.append((cls, ("set_cookie", "delete_cookie", "vary", "max_cookie_size")))
    return owners


#: The stock code of Flask's cookie sessions.
FLASK = StockGuard(_flask_owners())
