"""Session plans: one interface's calls for one app, decided once and
proven on every call.

Once the rule (:mod:`flask_fastsession._rule`) said the native path may
answer, :func:`make_plan` describes what stock Flask would read on the next
calls in one :class:`PlanDescription` and hands it to the native
:class:`~flask_fastsession._native.SessionPlan`, which answers
``open_session`` and ``save_session`` in one call each while nothing it was
read from changed. A value is only held when stock obtains it through a
lookup whose every input the plan watches; where that cannot be proven (a
property, a slot, a descriptor, ``__getattr__``: a value that may differ
from one request to the next, such as a key per tenant), no plan is made and
every call takes the Python path, which reads each value per call as stock
does.

What a plan holds, how stock obtains it on every call, and what proves it
unchanged (checked natively on every call unless it says "at plan time"):

- **The codec (the key list).** Stock: ``app.secret_key`` (Flask's
  ``ConfigAttribute``, that is ``app.config["SECRET_KEY"]``) and
  ``app.config["SECRET_KEY_FALLBACKS"]``. Proof: type(app)'s MRO entry for
  ``secret_key`` is Flask's own ``ConfigAttribute`` (at plan time; then the
  class's version tag and the attribute object's ``__dict__``);
  ``app.config`` is the same dict and was not modified (its dict watch);
  the fallback list holds the same items.
- **``max_age`` and the lifetime.** Stock: ``app.permanent_session_lifetime``
  (``ConfigAttribute`` with its converter). Proof: as for the key.
- **The cookie name and attributes, the refresh flag, ``MAX_COOKIE_SIZE``.**
  Stock: the hooks ``get_cookie_*(app)``, which read ``app.config``, and
  ``app.config`` itself. Proof: the hooks are stock's (class version tags, an
  empty instance ``__dict__``); the config dict was not modified.
- **Salt, key derivation, digest method, serializer, session class.** Stock:
  ``self.salt`` ... ``self.session_class``, attribute lookups on the
  interface. Proof: each is a plain class attribute of type(interface) (no
  descriptor but an exact ``staticmethod``; no ``__getattribute__`` or
  ``__getattr__`` of its own), at plan time; then the class's version tag
  and the empty instance ``__dict__``.
- **The serializer's tags and their order.** Stock: read by
  ``TaggedJSONSerializer`` on every call. Proof: the same items, by identity.
- **The JSON provider.** Stock: ``current_app.json``. Proof: ``app.json`` is
  the same object, with no ``dumps`` or ``loads`` of its own, and the
  current app is ``app``.
- **The cookie templates.** Stock: werkzeug's ``dump_cookie``. Proof: the
  stock guard (:mod:`._guard`): werkzeug's functions and patterns unpatched.
- **What reading ``session.permanent`` does.** Stock: up to Flask 3.1.2 it
  marks the session accessed; 3.1.3 moved that to the request context.
  Proof: decided at import (:data:`PERMANENT_MARKS_ACCESSED`) from what the
  installed Flask does.

How each call was answered is counted: :func:`plan_answers`.
"""

from __future__ import annotations

import collections
import dataclasses
import time
import typing as t
from datetime import timedelta

import flask
import flask.sessions as _flask_sessions
from flask.globals import _cv_app
from flask.sessions import SecureCookieSession
from flask.sessions import SecureCookieSessionInterface
from werkzeug.datastructures import Headers

from ._compat import HAS_PARTITIONED
from ._compat import USES_FALLBACKS
from ._guard import FLASK as _STOCK_CODE
from ._headers import stock_response_class
from ._headers import template
from ._native_loader import native as _native

if t.TYPE_CHECKING:
    from flask import Flask

_Stock = SecureCookieSessionInterface

#: The hooks a plan answers in place of the interface's methods: a plan is
#: only made while they are stock's.
PLAN_HOOKS: tuple[str, ...] = (
    "get_cookie_name",
    "get_cookie_domain",
    "get_cookie_path",
    "get_cookie_secure",
    "get_cookie_samesite",
    "get_cookie_httponly",
    *(("get_cookie_partitioned",) if HAS_PARTITIONED else ()),
    "should_set_cookie",
    "get_expiration_time",
)

#: Interface attributes stock reads per call (``get_signing_serializer``,
#: ``open_session``) and the rule reads: each must be a plain class attribute.
INTERFACE_VALUES: tuple[str, ...] = (
    "salt",
    "key_derivation",
    "digest_method",
    "serializer",
    "session_class",
    "native_enabled",
)

#: App attributes stock reads per call, which must be Flask's own
#: ``ConfigAttribute`` (reading the config dict the plan watches).
APP_CONFIG_ATTRIBUTES: tuple[str, ...] = ("secret_key", "permanent_session_lifetime")

#: Values a plan may keep: changing one means replacing it in the config,
#: which the plan sees (a list changed in place would not be seen).
_IMMUTABLE: tuple[type, ...] = (str, bytes, bool, int, type(None))

#: Werkzeug's ``Headers.add`` as imported: a response whose headers add with
#: it leaves ``Vary`` as it was when ``Set-Cookie`` is added.
_HEADERS_ADD = Headers.add

_MISSING = object()
_OBJECT_GETATTRIBUTE = object.__dict__["__getattribute__"]


def _class_lookup(cls: type, name: str) -> t.Any:
    """What ``cls``'s MRO holds for ``name``, the entry an instance attribute
    lookup starts from; ``_MISSING`` if none."""
    for base in cls.__mro__:
        entry = base.__dict__.get(name, _MISSING)
        if entry is not _MISSING:
            return entry
    return _MISSING


def _plain_lookups(cls: type) -> bool:
    """Whether attribute lookups on instances of ``cls`` are the generic
    ones (no ``__getattribute__`` or ``__getattr__`` of its own)."""
    return (
        _class_lookup(cls, "__getattribute__") is _OBJECT_GETATTRIBUTE
        and _class_lookup(cls, "__getattr__") is _MISSING
    )


def _permanent_marks_accessed() -> bool:
    """Whether reading ``session.permanent`` marks a session accessed on the
    installed Flask (``SecureCookieSession.get`` did up to 3.1.2; 3.1.3
    moved the tracking to the request context): what the installed code
    does, not what its version says."""
    session = SecureCookieSession()
    session.permanent  # noqa: B018
    return bool(session.accessed)


#: See :func:`_permanent_marks_accessed`.
PERMANENT_MARKS_ACCESSED = _permanent_marks_accessed()

#: Flask's own ``ConfigAttribute`` objects for :data:`APP_CONFIG_ATTRIBUTES`.
_CONFIG_ATTRIBUTES: dict[str, t.Any] = {name: _class_lookup(flask.Flask, name) for name in APP_CONFIG_ATTRIBUTES}


@dataclasses.dataclass(frozen=True)
class PlanDescription:
    """Everything a :class:`~flask_fastsession._native.SessionPlan` holds and
    checks, by name (see the table in the module documentation)."""

    interface: t.Any
    app: t.Any
    #: The stock guard's watch of the stock code's namespaces.
    watch: _native.DictWatch
    #: Classes whose version tags must not change: the interface's, the
    #: app's (first two, in that order), the config's, the provider's, the
    #: serializer's (the session and response classes are added natively).
    types: list[type]
    config: dict[str, t.Any]
    fallbacks: list[t.Any] | tuple[t.Any, ...] | None
    #: Dicts whose items must stay the same objects (the ``ConfigAttribute``
    #: objects' own attributes).
    frozen: list[dict[str, t.Any]]
    provider: t.Any
    serializer: t.Any
    codec: _native.SessionCodec
    cookie_name: str
    max_age: int
    lifetime: timedelta
    refresh: bool
    session_class: type
    permanent_marks_accessed: bool
    with_expires: tuple[str, str, str]
    without_expires: tuple[str, str, str]
    max_cookie_size: int
    response_class: type | None
    app_ctx: t.Any = _cv_app
    time_module: t.Any = time
    sessions_module: t.Any = _flask_sessions
    headers_class: type = Headers
    headers_add: t.Any = _HEADERS_ADD


# --------------------------------------------------------------------------------------
# Counting the answers

#: Python's side of the counts: plans made, made again, and not made (why).
_python_counts: collections.Counter[str] = collections.Counter()


def count(answer: str) -> None:
    """Count one answer of the Python side (see :func:`plan_answers`)."""
    _python_counts[answer] += 1


def plan_answers() -> dict[str, int]:
    """How the session calls were answered since the process started (or
    :func:`clear_plan_answers`): ``open: native`` / ``save: native``
    (the plan answered), ``stale`` (the plan no longer described the
    objects), ``open: python: ...`` / ``save: python: ...`` (the Python
    path answered this call, and why), ``plan made``, and ``no plan: ...``
    (why a plan could not be made)."""
    answers = dict(_native.plan_counts())
    answers.update(_python_counts)
    return answers


def clear_plan_answers() -> None:
    """Set every count of :func:`plan_answers` to 0."""
    _native.clear_plan_counts()
    _python_counts.clear()


# --------------------------------------------------------------------------------------
# Making plans

#: One plan per interface (by ``id``; the plan holds weak references and
#: checks them), made by :func:`make_plan`.
plans: dict[int, _native.SessionPlan] = {}
PLAN_CACHE_SIZE = 256


def _why_not(interface: t.Any, app: t.Any) -> str | None:
    """Why no plan can hold ``interface``'s values for ``app`` (a value stock
    reads per call that the plan could not prove constant); None if it can."""
    cls = type(interface)
    if interface.__dict__:
        return "the interface has instance attributes"
    if not _plain_lookups(cls):
        return f"{cls.__qualname__} customises attribute lookup"
    for name in PLAN_HOOKS:
        if getattr(cls, name) is not getattr(_Stock, name):
            return f"{cls.__qualname__} overrides {name}"
    for name in INTERFACE_VALUES:
        entry = _class_lookup(cls, name)
        if entry is _MISSING:
            return f"{cls.__qualname__}.{name} is missing"
        if type(entry) is not staticmethod and hasattr(type(entry), "__get__"):
            return f"{cls.__qualname__}.{name} is computed ({type(entry).__qualname__})"
    if interface.session_class is not SecureCookieSession:
        return "the session class is not SecureCookieSession"
    app_cls = type(app)
    if not _plain_lookups(app_cls):
        return f"{app_cls.__qualname__} customises attribute lookup"
    for name, original in _CONFIG_ATTRIBUTES.items():
        if _class_lookup(app_cls, name) is not original:
            return f"{app_cls.__qualname__}.{name} is not Flask's own ConfigAttribute"
    for name in ("config", "json"):
        if hasattr(type(_class_lookup(app_cls, name)), "__get__"):
            return f"{app_cls.__qualname__}.{name} is computed"
    config = app.config
    if not isinstance(config, dict) or type(config).__getitem__ is not dict.__getitem__:
        return "app.config's lookups are not dict's"
    return None


def make_plan(interface: t.Any, app: Flask, codec: _native.SessionCodec) -> _native.SessionPlan | None:
    """The plan that answers ``interface``'s calls for ``app`` in one native
    call each, remembered for the next calls; None (and nothing remembered)
    where the configuration is one a plan cannot keep, and each call goes
    through the rule and the Python path. The reason is counted
    (:func:`plan_answers`).

    Called once the rule said yes and gave ``codec``.
    """
    plans.pop(id(interface), None)
    reason = _why_not(interface, app)
    description = None if reason is not None else _describe(interface, app, codec)
    if isinstance(description, str):
        reason, description = description, None
    if description is None:
        count(f"no plan: {reason}")
        return None
    try:
        plan = _native.SessionPlan(description)
    except ValueError as e:  # a class without a version tag, no dict watcher left
        count(f"no plan: {e}")
        return None
    if len(plans) >= PLAN_CACHE_SIZE:
        plans.clear()
    plans[id(interface)] = plan
    count("plan made")
    return plan


def _describe(interface: t.Any, app: Flask, codec: _native.SessionCodec) -> PlanDescription | str:
    """The description of ``interface``'s plan for ``app``, or why there is none."""
    config = app.config
    fallbacks = config["SECRET_KEY_FALLBACKS"] if USES_FALLBACKS else None
    if fallbacks is not None and type(fallbacks) is not list and type(fallbacks) is not tuple:
        return "SECRET_KEY_FALLBACKS is not a list or tuple"
    attrs = (
        interface.get_cookie_name(app),
        interface.get_cookie_domain(app),
        interface.get_cookie_path(app),
        interface.get_cookie_secure(app),
        interface.get_cookie_httponly(app),
        interface.get_cookie_samesite(app),
        interface.get_cookie_partitioned(app) if HAS_PARTITIONED else None,
    )
    lifetime = app.permanent_session_lifetime
    refresh = config["SESSION_REFRESH_EACH_REQUEST"]
    max_size = config["MAX_COOKIE_SIZE"]
    if type(attrs[0]) is not str or not all(type(a) in _IMMUTABLE for a in attrs):
        return "a cookie attribute is not a str, bytes, bool, int or None"
    if type(lifetime) is not timedelta:
        return "PERMANENT_SESSION_LIFETIME is not a timedelta"
    if type(refresh) not in _IMMUTABLE or type(max_size) is not int or max_size < 0:
        return "SESSION_REFRESH_EACH_REQUEST or MAX_COOKIE_SIZE is not a plain value"
    with_expires = template(attrs, True)
    without_expires = template(attrs, False)
    if with_expires is None or without_expires is None:
        return "the cookie attributes make a header the template cannot hold"
    watch = _STOCK_CODE.watch
    if watch is None:
        return f"the stock code is not watched natively ({_STOCK_CODE.unwatched})"
    response_class = app.response_class
    serializer = interface.serializer
    return PlanDescription(
        interface=interface,
        app=app,
        watch=watch,
        types=[type(interface), type(app), type(config), type(app.json), type(serializer)],
        config=config,
        fallbacks=fallbacks,
        frozen=[vars(attribute) for attribute in _CONFIG_ATTRIBUTES.values()],
        provider=app.json,
        serializer=serializer,
        codec=codec,
        cookie_name=attrs[0],
        max_age=int(lifetime.total_seconds()),
        lifetime=lifetime,
        refresh=bool(refresh),
        session_class=interface.session_class,
        permanent_marks_accessed=PERMANENT_MARKS_ACCESSED,
        with_expires=with_expires,
        without_expires=without_expires,
        max_cookie_size=max_size,
        response_class=response_class if stock_response_class(response_class) else None,
    )
