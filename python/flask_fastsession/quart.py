"""The drop-in for Quart's signed cookie sessions.

.. code-block:: python

    from quart import Quart
    from flask_fastsession.quart import FastSessionInterface

    app = Quart(__name__)
    app.session_interface = FastSessionInterface()

Quart's :class:`quart.sessions.SecureCookieSessionInterface` writes the same
cookies as Flask's (same serializer, same signing), with ``async``
``open_session`` and ``save_session``. This subclass runs them through the
same native codec as :class:`flask_fastsession.FastSessionInterface`, and
hands every call it cannot reproduce exactly to Quart's own code.

One difference from Flask is kept on purpose: Quart's session serializer
formats its JSON through :func:`flask.json.dumps`, which only sees a *Flask*
app context, so a Quart app's ``app.json`` settings (``sort_keys`` ...) do
not apply to its session cookies. The native path reads the options exactly
where stock does.

.. versionadded:: 0.1
"""

from __future__ import annotations

import time
import types
import typing as t

from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer
from quart.sessions import SecureCookieSession
from quart.sessions import SecureCookieSessionInterface as _QuartStock

from ._guard import FLASK as _FLASK_STOCK_CODE
from ._guard import StockGuard
from ._native_loader import native as _native
from ._rule import Flavour
from ._rule import native_codec
from .sessions import FastSigningSerializer
from .sessions import _current_provider
from .sessions import save_with_codec

if t.TYPE_CHECKING:
    from quart import Quart
    from quart.sessions import SessionMixin
    from quart.wrappers import BaseRequestWebsocket
    from quart.wrappers import Response
    from werkzeug.wrappers import Response as WerkzeugResponse

__all__ = ["FastSessionInterface"]

_FALLBACK = _native.FALLBACK
_INVALID = _native.INVALID


def _quart_key_order() -> tuple[str, ...] | None:
    """The order in which the installed Quart's stock ``get_signing_serializer``
    lists the keys, as names: ``("fallbacks", "current")`` on Quart 0.21+
    (``SECRET_KEY_FALLBACKS`` oldest first, then the current key, which
    itsdangerous signs with), ``("current",)`` on Quart 0.20, which hands
    ``app.secret_key`` to itsdangerous as it is; None for anything else."""
    probe = types.SimpleNamespace(
        secret_key=b"current",
        config={"SECRET_KEY_FALLBACKS": [b"fallback"], "SECRET_KEY": b"current"},
    )
    try:
        serializer = _QuartStock().get_signing_serializer(probe)  # type: ignore[arg-type]
        keys = None if serializer is None else list(serializer.secret_keys)
    except Exception:
        return None
    if keys == [b"fallback", b"current"]:
        return ("fallbacks", "current")
    if keys == [b"current"]:
        return ("current",)
    return None


_KEY_ORDER = _quart_key_order()

#: Whether stock Quart reads ``SECRET_KEY_FALLBACKS`` (0.21+).
QUART_USES_FALLBACKS: bool = _KEY_ORDER == ("fallbacks", "current")

#: Whether stock Quart writes the ``Partitioned`` cookie attribute (0.21+).
QUART_HAS_PARTITIONED: bool = hasattr(_QuartStock, "get_cookie_partitioned")

#: False when the installed Quart's stock interface is neither of the two
#: this module reproduces: Quart 0.21+ (fallback keys and ``Partitioned``)
#: and Quart 0.20 (neither). Any other Quart keeps its own code for every call.
QUART_IS_KNOWN: bool = _KEY_ORDER is not None and QUART_USES_FALLBACKS == QUART_HAS_PARTITIONED


def _quart_owners() -> list[tuple[t.Any, t.Iterable[str] | None]]:
    import quart.sessions
    from quart.wrappers import Response as QuartResponse

    owners: list[tuple[t.Any, t.Iterable[str] | None]] = [(quart.sessions, None)]
    owners += [(cls, None) for cls in _QuartStock.__mro__[:-1]]
    owners += [
        (cls, ("set_cookie", "delete_cookie", "vary", "max_cookie_size"))
        for cls in QuartResponse.__mro__[:-1]
    ]
    return owners


#: Quart's own session code, beside Flask's serializer and itsdangerous.
_QUART_STOCK_CODE = StockGuard(_quart_owners())


def _stock_keys(secret_key: t.Any, fallbacks: t.Any) -> list[t.Any]:
    """The key list Quart's ``get_signing_serializer`` builds (may raise as it
    does); on Quart 0.20, ``[secret_key]``, which is what itsdangerous makes of
    a ``str`` or ``bytes`` key (any other key is refused by the native codec)."""
    keys: list[t.Any] = []
    if fallbacks and QUART_USES_FALLBACKS:
        keys.extend(fallbacks)
    keys.append(secret_key)
    return keys


def _fallbacks(app: Quart) -> t.Any:
    """``SECRET_KEY_FALLBACKS`` where stock reads it (Quart 0.20 has no such key)."""
    return app.config["SECRET_KEY_FALLBACKS"] if QUART_USES_FALLBACKS else None


class FastSessionInterface(_QuartStock):
    """Drop-in replacement for Quart's
    :class:`~quart.sessions.SecureCookieSessionInterface`.

    Cookies, headers, loaded values and exceptions are stock Quart's, byte
    for byte; see :meth:`uses_native` for when the native path answers.
    """

    #: Set to False to send every call to stock code (for A/B comparisons).
    native_enabled: bool = True

    @staticmethod
    def uses_native(app: Quart) -> bool:
        """Whether ``app``'s session calls take the native path right now.

        True when ``app.session_interface`` is this class with Quart's default
        signing parameters and serializer, a secret key is set, and the native
        module serves this interpreter.
        """
        interface = app.session_interface
        return isinstance(interface, FastSessionInterface) and interface._native_codec(app) is not None

    def _native_codec(self, app: Quart) -> _native.SessionCodec | None:
        """The codec for this call, or None if stock code must answer it
        (:func:`flask_fastsession._rule.native_codec`)."""
        return native_codec(self, app, FLAVOUR)

    def get_signing_serializer(self, app: Quart) -> URLSafeTimedSerializer | None:
        codec = self._native_codec(app)
        if codec is None:
            return super().get_signing_serializer(app)
        # Quart 0.20 passes the key itself, as stock does; 0.21+ the list.
        keys = _stock_keys(app.secret_key, _fallbacks(app))
        return FastSigningSerializer(
            codec,
            keys if QUART_USES_FALLBACKS else app.secret_key,
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )

    def _stock_loads(self, app: Quart, cookie: str, max_age: int) -> SecureCookieSession:
        signer = _QuartStock.get_signing_serializer(self, app)
        try:
            return self.session_class(signer.loads(cookie, max_age=max_age))  # type: ignore[union-attr]
        except BadSignature:
            return self.session_class()

    async def open_session(self, app: Quart, request: BaseRequestWebsocket) -> SecureCookieSession | None:
        codec = self._native_codec(app)
        if codec is None:
            return await super().open_session(app, request)
        # From here on, stock's open_session line by line.
        cookie = request.cookies.get(self.get_cookie_name(app))
        if cookie is None:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        if not _current_provider()[0]:
            return self._stock_loads(app, cookie, max_age)
        data = codec.loads(cookie, max_age, int(time.time()), True)
        if data is _INVALID:
            return self.session_class()
        if data is _FALLBACK:
            return self._stock_loads(app, cookie, max_age)
        return self.session_class(data)

    async def save_session(
        self,
        app: Quart,
        session: SessionMixin,
        response: Response | WerkzeugResponse | None,
    ) -> None:
        codec = self._native_codec(app) if response is not None else None
        if codec is None or response is None:
            return await super().save_session(app, session, response)
        save_with_codec(self, app, session, response, codec, FLAVOUR)


#: Quart's side of the rule (:mod:`flask_fastsession._rule`). The JSON
#: provider is not the app's: it is checked per call (``_current_provider``).
FLAVOUR = Flavour(
    stock=_QuartStock,
    get_signing_serializer=FastSessionInterface.get_signing_serializer,
    guards=(_FLASK_STOCK_CODE, _QUART_STOCK_CODE),
    supported=QUART_IS_KNOWN,
    unsupported=(
        "the installed Quart's stock session interface is neither of the two reproduced "
        "(Quart 0.20, Quart 0.21+): every call goes to Quart's own code"
    ),
    checks_app_json=False,
    uses_fallbacks=QUART_USES_FALLBACKS,
    key_list=_stock_keys,
    has_partitioned=QUART_HAS_PARTITIONED,
    partitioned_after_domain=True,
)
