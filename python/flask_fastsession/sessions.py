"""The session interface and signing serializer Flask users install."""

from __future__ import annotations

import time
import typing as t

import flask.sessions as _flask_sessions
from flask.globals import _cv_app
from flask.sessions import SecureCookieSession
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer

from ._checks import provider_is_default
from ._checks import serializer_is_default
from ._compat import HAS_PARTITIONED
from ._compat import USES_FALLBACKS
from ._compat import key_list
from ._guard import FLASK as _STOCK_CODE
from ._headers import add_vary_cookie
from ._headers import set_session_cookie
from ._native_loader import native as _native
from ._plan import PLAN_CACHE_SIZE
from ._plan import count as _count
from ._plan import make_plan
from ._plan import plans as _plans
from ._rule import Flavour
from ._rule import native_codec

#: ``_STOCK_CODE``'s native watch: None when no watched namespace changed.
_STOCK_CODE_CHANGED = _STOCK_CODE.changed

if t.TYPE_CHECKING:
    from datetime import datetime

    from flask import Flask
    from flask.sessions import SessionMixin
    from flask.wrappers import Request
    from flask.wrappers import Response

_Stock = SecureCookieSessionInterface
_FALLBACK = _native.FALLBACK
_INVALID = _native.INVALID
_STALE = _native.STALE


def _current_provider() -> tuple[bool, t.Any]:
    """``(ok, provider)`` for :func:`flask.json.dumps` / ``loads`` now:
    the current app's JSON provider (None outside an app context, where
    Flask uses its module-level defaults), and whether the native path
    reproduces it."""
    ctx = _cv_app.get(None)
    if ctx is None:
        return True, None
    provider = ctx.app.json
    return provider_is_default(provider), provider


def expires_value(
    interface: t.Any, stock_method: t.Any, app: t.Any, session: SessionMixin
) -> datetime | str | None:
    """``interface.get_expiration_time(app, session)``, already formatted as
    the HTTP date ``Set-Cookie`` will carry when ``stock_method`` (the stock
    interface's own) is the one in use; the result of an override otherwise.

    The clock is read where stock reads it, ``flask.sessions.datetime``."""
    if type(interface).get_expiration_time is not stock_method or "get_expiration_time" in interface.__dict__:
        return interface.get_expiration_time(app, session)  # type: ignore[no-any-return]
    if not session.permanent:
        return None
    lifetime = app.permanent_session_lifetime
    clock = _flask_sessions.__dict__
    now = clock["datetime"].now(clock["timezone"].utc)
    header = _native.expires_header(now, lifetime)
    if header is None:
        return now + lifetime  # type: ignore[no-any-return]
    return header


def save_with_codec(
    interface: t.Any, app: t.Any, session: SessionMixin, response: t.Any, codec: _native.SessionCodec, flavour: Flavour
) -> None:
    """Stock's ``save_session``, line by line, with ``codec`` signing: the
    Python path of Flask's and Quart's fast interfaces (the one the plan
    does not take). Hooks are called as stock calls them, in stock's order.
    """
    name = interface.get_cookie_name(app)
    domain = interface.get_cookie_domain(app)
    partitioned = None
    if flavour.has_partitioned and flavour.partitioned_after_domain:
        partitioned = interface.get_cookie_partitioned(app)
    path = interface.get_cookie_path(app)
    secure = interface.get_cookie_secure(app)
    if flavour.has_partitioned and not flavour.partitioned_after_domain:
        partitioned = interface.get_cookie_partitioned(app)
    samesite = interface.get_cookie_samesite(app)
    httponly = interface.get_cookie_httponly(app)

    if session.accessed:
        add_vary_cookie(response)

    if not session:
        if session.modified:
            extra: dict[str, t.Any] = {"partitioned": partitioned} if flavour.has_partitioned else {}
            response.delete_cookie(
                name,
                domain=domain,
                path=path,
                secure=secure,
                samesite=samesite,
                httponly=httponly,
                **extra,
            )
            response.vary.add("Cookie")
        return

    if not interface.should_set_cookie(app, session):
        return

    expires = expires_value(interface, flavour.stock.get_expiration_time, app, session)
    data = dict(session)
    # flask.json.dumps formats with the current (Flask) app's provider.
    ok, provider = _current_provider()
    val: t.Any = codec.dumps_for(data, int(time.time()), provider) if ok else _FALLBACK
    if val is _FALLBACK:
        val = flavour.stock.get_signing_serializer(interface, app).dumps(data)
    set_session_cookie(response, name, val, expires, domain, path, secure, httponly, samesite, partitioned)
    add_vary_cookie(response)


def _copied(state: dict[str, t.Any]) -> dict[str, t.Any]:
    """``state`` with its lists and dicts copied (a serializer's attributes:
    ``secret_keys``, ``signer_kwargs``, ``fallback_signers`` ...)."""
    return {k: list(v) if type(v) is list else dict(v) if type(v) is dict else v for k, v in state.items()}


_new_object = object.__new__


class FastSigningSerializer(URLSafeTimedSerializer):
    """The :class:`~itsdangerous.URLSafeTimedSerializer` that
    :meth:`FastSessionInterface.get_signing_serializer` returns: the same
    object stock Flask builds, whose ``dumps`` and ``loads`` run natively for
    the session salt and fall back to itsdangerous for anything else.

    Its attributes are itsdangerous's own and may be changed like theirs
    (``salt``, ``secret_keys`` ...): from then on, its ``dumps`` and
    ``loads`` are itsdangerous's, with the changed attributes.
    """

    __slots__ = ("_codec", "_made")

    def __init__(
        self,
        codec: _native.SessionCodec,
        secret_key: t.Any,
        **kwargs: t.Any,
    ) -> None:
        super().__init__(secret_key, **kwargs)
        self._codec = codec
        #: The attributes as made, to tell whether they were changed since.
        self._made = _copied(self.__dict__)

    def _fresh(self) -> FastSigningSerializer:
        """A new serializer with the attributes this one was made with: what
        ``__init__`` would make from the same arguments, without running it."""
        new: FastSigningSerializer = _new_object(FastSigningSerializer)
        new.__dict__.update(_copied(self._made))
        new._codec = self._codec
        new._made = self._made
        return new

    def _native_provider(self) -> tuple[bool, t.Any]:
        """``(ok, provider)``: whether the native codec reproduces this
        serializer now (its attributes as made, the session serializer and the
        current app's JSON provider Flask's defaults, stock code unpatched),
        and the provider ``flask.json`` formats with (see
        :func:`_current_provider`)."""
        if self.__dict__ != self._made:
            return False, None
        ok, provider = _current_provider()
        return (
            ok
            and serializer_is_default(self.serializer)
            and (_STOCK_CODE_CHANGED() is None or _STOCK_CODE.is_original())
        ), provider

    def dumps(self, obj: t.Any, salt: str | bytes | None = None) -> t.Any:
        if salt is None:
            ok, provider = self._native_provider()
            if ok:
                rv = self._codec.dumps_for(obj, int(time.time()), provider)
                if rv is not _FALLBACK:
                    return rv
        return super().dumps(obj, salt)

    def loads(  # type: ignore[override]
        self,
        s: str | bytes,
        max_age: int | None = None,
        return_timestamp: bool = False,
        salt: str | bytes | None = None,
    ) -> t.Any:
        if not return_timestamp and salt is None and self._native_provider()[0]:
            rv = self._codec.loads(s, max_age, int(time.time()), False)
            if rv is not _FALLBACK:
                return rv
        return super().loads(s, max_age=max_age, return_timestamp=return_timestamp, salt=salt)


#: The serializer last made by ``get_signing_serializer`` per interface (by
#: ``id``), with the plan it was made under: while that plan is valid, a
#: fresh copy is what stock would build.
_signing_serializers: dict[int, tuple[_native.SessionPlan, FastSigningSerializer]] = {}


class FastSessionInterface(SecureCookieSessionInterface):
    """Drop-in replacement for Flask's
    :class:`~flask.sessions.SecureCookieSessionInterface`.

    .. code-block:: python

        app.session_interface = FastSessionInterface()

    Cookies, headers, loaded values and exceptions are stock Flask's, byte for
    byte. Signing, compression, tagged JSON and the expiry date run natively
    whenever the configuration is Flask's default one (see
    :meth:`uses_native`); anything else is handed to stock code.
    """

    #: Set to False to send every call to stock code (for A/B comparisons).
    native_enabled: bool = True

    @staticmethod
    def uses_native(app: Flask) -> bool:
        """Whether ``app``'s session calls take the native path right now.

        True when ``app.session_interface`` is a :class:`FastSessionInterface`
        with Flask's default signing parameters, serializer and JSON provider,
        a secret key is set, and the native module serves this interpreter
        (the first of the process to import it, see the README on
        sub-interpreters). Individual values the native path does not cover
        (see the README) are still handed to stock code call by call.
        Where the extension's zlib compresses differently from the
        interpreter's, the native path compresses with the interpreter's
        ``zlib.compress`` (see ``_checks.ZLIB_MATCHES``).
        """
        interface = app.session_interface
        return (
            isinstance(interface, FastSessionInterface)
            and interface._native_codec(app) is not None
        )

    def _native_codec(self, app: Flask) -> _native.SessionCodec | None:
        """The codec for this call, or None if stock code must answer it
        (:func:`flask_fastsession._rule.native_codec`)."""
        return native_codec(self, app, FLAVOUR)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        made = _signing_serializers.get(id(self))
        if made is not None and made[0].valid(self, app):
            return made[1]._fresh()
        codec = self._native_codec(app)
        if codec is None:
            return super().get_signing_serializer(app)
        fallbacks = app.config["SECRET_KEY_FALLBACKS"] if USES_FALLBACKS else None
        keys = key_list(app.secret_key, fallbacks)
        serializer = FastSigningSerializer(
            codec,
            keys if USES_FALLBACKS else app.secret_key,
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )
        plan = _plans.get(id(self))
        if plan is None or not plan.valid(self, app):
            plan = make_plan(self, app, codec)
        if plan is not None:
            if len(_signing_serializers) >= PLAN_CACHE_SIZE:
                _signing_serializers.clear()
            _signing_serializers[id(self)] = (plan, serializer._fresh())
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        plan = _plans.get(id(self))
        if plan is not None:
            session = plan.open(self, app, request)
            if session is not _STALE and session is not _FALLBACK:
                return session  # type: ignore[no-any-return]
        codec = self._native_codec(app)
        if codec is None:
            _count("open: stock: the rule hands the call to stock code")
            return super().open_session(app, request)
        if plan is None or session is _STALE:
            make_plan(self, app, codec)
        if plan is None:
            _count("open: python: no plan held")
        val = request.cookies.get(self.get_cookie_name(app))
        if not val:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        # flask.json.loads reads the current app's provider, not app's.
        data: t.Any = codec.loads(val, max_age, int(time.time()), True) if _current_provider()[0] else _FALLBACK
        if data is _INVALID:
            return self.session_class()
        if data is _FALLBACK:
            serializer = _Stock.get_signing_serializer(self, app)
            try:
                data = serializer.loads(val, max_age=max_age)  # type: ignore[union-attr]
            except BadSignature:
                return self.session_class()
        return self.session_class(data)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        plan = _plans.get(id(self))
        if plan is not None:
            done = plan.save(self, app, session, response)
            if done is None:
                return
        codec = self._native_codec(app)
        if codec is None:
            _count("save: stock: the rule hands the call to stock code")
            return super().save_session(app, session, response)
        if plan is None or done is _STALE:
            make_plan(self, app, codec)
        if plan is None:
            _count("save: python: no plan held")
        save_with_codec(self, app, session, response, codec, FLAVOUR)


#: Flask's side of the rule (:mod:`flask_fastsession._rule`).
FLAVOUR = Flavour(
    stock=_Stock,
    get_signing_serializer=FastSessionInterface.get_signing_serializer,
    guards=(_STOCK_CODE,),
    uses_fallbacks=USES_FALLBACKS,
    key_list=key_list,
    has_partitioned=HAS_PARTITIONED,
)
