"""The session interface and signing serializer Flask users install."""

from __future__ import annotations

import hashlib
import time
import typing as t
from datetime import datetime
from datetime import timezone

from flask.globals import _cv_app
from flask.sessions import SecureCookieSession
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer

from . import _native
from ._compat import HAS_PARTITIONED
from ._compat import USES_FALLBACKS
from ._compat import key_list
from ._headers import add_vary_cookie
from ._headers import set_session_cookie
from ._checks import provider_is_default
from ._checks import serializer_is_default

if t.TYPE_CHECKING:
    from flask import Flask
    from flask.sessions import SessionMixin
    from flask.wrappers import Request
    from flask.wrappers import Response

_Stock = SecureCookieSessionInterface
_FALLBACK = _native.FALLBACK
_INVALID = _native.INVALID
_STOCK_DIGEST = SecureCookieSessionInterface.digest_method
_CODEC_CACHE_SIZE = 64
_codecs: dict[tuple[t.Any, ...], _native.SessionCodec] = {}


#: The codec of the most recent call with its key list, checked first.
_last_codec: tuple[t.Any, t.Any, _native.SessionCodec] | None = None


def codec_for_keys(keys: list[t.Any]) -> _native.SessionCodec | None:
    """The native codec for a key list (oldest first, the signing key last),
    built once per distinct list; None when the keys are not ones the native
    codec takes (not str or bytes, unhashable), so that stock code decides."""
    try:
        cache_key = tuple(keys)
        codec = _codecs.get(cache_key)
    except TypeError:
        return None
    if codec is None:
        try:
            codec = _native.SessionCodec(keys)
        except (TypeError, ValueError):
            return None
        if len(_codecs) >= _CODEC_CACHE_SIZE:
            _codecs.clear()
        _codecs[cache_key] = codec
    return codec


def _codec_for(secret_key: t.Any, fallbacks: t.Any) -> _native.SessionCodec | None:
    """The native codec for the keys stock builds from these settings."""
    global _last_codec
    try:
        keys = key_list(secret_key, fallbacks)
    except TypeError:  # fallbacks not iterable: stock code raises it
        return None
    codec = codec_for_keys(keys)
    if codec is not None:
        # A copy of the fallbacks, so changing the config's list in place is seen.
        snapshot = list(fallbacks) if isinstance(fallbacks, list) else fallbacks
        _last_codec = (secret_key, snapshot, codec)
    return codec


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
    interface's own) is the one in use; the result of an override otherwise."""
    if type(interface).get_expiration_time is not stock_method:
        return interface.get_expiration_time(app, session)  # type: ignore[no-any-return]
    if not session.permanent:
        return None
    lifetime = app.permanent_session_lifetime
    header = _native.expires_header(datetime.now(timezone.utc), lifetime)
    if header is None:
        return datetime.now(timezone.utc) + lifetime  # type: ignore[no-any-return]
    return header


class FastSigningSerializer(URLSafeTimedSerializer):
    """The :class:`~itsdangerous.URLSafeTimedSerializer` that
    :meth:`FastSessionInterface.get_signing_serializer` returns: the same
    object stock Flask builds, whose ``dumps`` and ``loads`` run natively for
    the session salt and fall back to itsdangerous for anything else.
    """

    def __init__(
        self,
        codec: _native.SessionCodec,
        secret_key: t.Any,
        **kwargs: t.Any,
    ) -> None:
        super().__init__(secret_key, **kwargs)
        self._codec = codec

    def dumps(self, obj: t.Any, salt: str | bytes | None = None) -> t.Any:
        if salt is None:
            # _current_provider(), inlined: this runs on every call.
            ctx = _cv_app.get(None)
            provider = None if ctx is None else ctx.app.json
            if provider is None or provider_is_default(provider):
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
        if not return_timestamp and salt is None:
            ctx = _cv_app.get(None)
            if ctx is None or provider_is_default(ctx.app.json):
                rv = self._codec.loads(s, max_age, int(time.time()), False)
                if rv is not _FALLBACK:
                    return rv
        return super().loads(s, max_age=max_age, return_timestamp=return_timestamp, salt=salt)


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
        and a secret key is set. Individual values the native path does not
        cover (see the README) are still handed to stock code call by call.
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
        """The codec for this call, or None if stock code must answer it.

        Runs on every request (twice), so it is written for speed; each
        condition is one way the configuration can differ from the one the
        native path reproduces.
        """
        if not (
            self.native_enabled
            and self.salt == "cookie-session"
            and self.key_derivation == "hmac"
            and (self.digest_method is _STOCK_DIGEST or self.digest_method is hashlib.sha1)
            and type(self).get_signing_serializer is _FAST_GET_SIGNING_SERIALIZER
            and serializer_is_default(self.serializer)
            and provider_is_default(app.json)
        ):
            return None
        secret_key = app.secret_key
        if not secret_key:
            return None
        fallbacks = app.config["SECRET_KEY_FALLBACKS"] if USES_FALLBACKS else None
        last = _last_codec
        if last is not None and last[0] is secret_key and last[1] == fallbacks:
            return last[2]
        return _codec_for(secret_key, fallbacks)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        codec = self._native_codec(app)
        if codec is None:
            return super().get_signing_serializer(app)
        fallbacks = app.config["SECRET_KEY_FALLBACKS"] if USES_FALLBACKS else None
        keys = key_list(app.secret_key, fallbacks)
        return FastSigningSerializer(
            codec,
            keys if USES_FALLBACKS else app.secret_key,
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        codec = self._native_codec(app)
        if codec is None:
            return super().open_session(app, request)
        val = request.cookies.get(self.get_cookie_name(app))
        if not val:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        data = codec.loads(val, max_age, int(time.time()), True)
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
        codec = self._native_codec(app)
        if codec is None:
            return super().save_session(app, session, response)
        # From here on, stock's save_session line by line.
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        secure = self.get_cookie_secure(app)
        partitioned = self.get_cookie_partitioned(app) if HAS_PARTITIONED else None
        samesite = self.get_cookie_samesite(app)
        httponly = self.get_cookie_httponly(app)

        if session.accessed:
            add_vary_cookie(response)

        if not session:
            if session.modified:
                extra: dict[str, t.Any] = {"partitioned": partitioned} if HAS_PARTITIONED else {}
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

        if not self.should_set_cookie(app, session):
            return

        expires = expires_value(self, _Stock.get_expiration_time, app, session)
        data = dict(session)
        val = codec.dumps_for(data, int(time.time()), app.json)
        if isinstance(val, _native.Fallback):
            val = _Stock.get_signing_serializer(self, app).dumps(data)  # type: ignore[union-attr]
        set_session_cookie(
            response, name, val, expires, domain, path, secure, httponly, samesite, partitioned
        )
        add_vary_cookie(response)



_FAST_GET_SIGNING_SERIALIZER = FastSessionInterface.get_signing_serializer
