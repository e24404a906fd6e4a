"""May the native path answer this call? The rule, written once.

The session interfaces (Flask's and Quart's) ask :func:`native_codec` on
their slow path; ``python -m flask_fastsession check --app`` asks
:func:`reasons` to explain a "no". Both run the same checks, in
:func:`_evaluate`: each is one way the configuration can differ from the one
the native path reproduces, and when one fails, stock code answers the call.

The codec cache lives here too: one :class:`~flask_fastsession._native.SessionCodec`
per key list, least recently used evicted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import typing as t
from collections import OrderedDict

from ._checks import provider_is_default
from ._checks import serializer_is_default
from ._native_loader import NATIVE_AVAILABLE
from ._native_loader import UNAVAILABLE_REASON
from ._native_loader import native as _native

if t.TYPE_CHECKING:
    from ._guard import StockGuard

#: Hooks of the interface that the native path does not call when they are
#: stock's: set on an instance, they must be called, so stock code answers.
BYPASSED_HOOKS = frozenset({"get_signing_serializer", "get_expiration_time"})


# --------------------------------------------------------------------------------------
# The codec cache

#: Distinct key lists kept, least recently used evicted: per-tenant keys in
#: rotation stay cached up to this many.
CODEC_CACHE_SIZE = 4096
_codecs: OrderedDict[tuple[t.Any, ...], _native.SessionCodec] = OrderedDict()
#: The most recent single key (exact str or bytes) and its codec, checked
#: first by :func:`_evaluate`: most apps have one key.
_last_single: tuple[t.Any, _native.SessionCodec | None] = (None, None)


def codec_for_keys(keys: t.Sequence[t.Any]) -> _native.SessionCodec | None:
    """The native codec for a key list (oldest first, the signing key last),
    as stock builds it for this call; None when the keys are not ones the
    native codec takes (anything but exact ``str`` and ``bytes``), so that
    stock code decides.

    The cache is keyed on the key values, so a key removed from the
    configuration stops verifying on the next call, whatever container held it.
    """
    global _last_single
    for key in keys:
        if type(key) is not str and type(key) is not bytes:
            return None
    # Exact str and bytes: equal tuples are equal key values.
    cache_key = tuple(keys)
    codec = _codecs.get(cache_key)
    if codec is not None:
        _codecs.move_to_end(cache_key)
    else:
        try:
            codec = _native.SessionCodec(list(keys))
        except (TypeError, ValueError):  # e.g. a lone surrogate: stock raises it
            return None
        _codecs[cache_key] = codec
        if len(_codecs) > CODEC_CACHE_SIZE:
            _codecs.popitem(last=False)
    if len(cache_key) == 1:
        _last_single = (cache_key[0], codec)
    return codec


# --------------------------------------------------------------------------------------
# Flavours


@dataclasses.dataclass(frozen=True)
class Flavour:
    """What the rule needs to know about one framework's stock session
    interface and the fast class that reproduces it."""

    #: The stock session interface class reproduced.
    stock: type[t.Any]
    #: The fast class's own ``get_signing_serializer``: a subclass that
    #: overrides it decides what is signed, so stock code answers.
    get_signing_serializer: t.Any
    #: The stock code the native path stands in for, checked on every call.
    guards: tuple[StockGuard, ...]
    #: ``key_list(secret_key, fallbacks)``: the key list stock builds from
    #: these settings, oldest first; may raise ``TypeError`` as stock does
    #: (then stock code answers, and raises it).
    key_list: t.Callable[[t.Any, t.Any], list[t.Any]]
    #: False when the installed framework's stock interface is not one the
    #: native path reproduces; ``unsupported`` then says why.
    supported: bool = True
    unsupported: str = ""
    #: Whether the app's JSON provider (``app.json``) formats the session
    #: JSON, and must therefore be Flask's default one.
    checks_app_json: bool = True
    #: Whether stock reads ``SECRET_KEY_FALLBACKS``.
    uses_fallbacks: bool = True
    #: Whether stock writes the ``Partitioned`` cookie attribute, and whether
    #: its ``save_session`` asks ``get_cookie_partitioned`` right after
    #: ``get_cookie_domain`` (Quart) rather than after ``get_cookie_secure``
    #: (Flask): overridden getters are called in stock's order.
    has_partitioned: bool = False
    partitioned_after_domain: bool = False
    #: Stock's ``digest_method`` (read off ``stock``).
    stock_digest: t.Any = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stock_digest", self.stock.digest_method)


# --------------------------------------------------------------------------------------
# The rule


def reasons(interface: t.Any, app: t.Any, flavour: Flavour, *, first: bool = False) -> list[str]:
    """Why stock code answers ``interface``'s calls for ``app`` now, one
    sentence per condition; empty when the native path may answer.

    :param first: stop at the first reason found.
    """
    out: list[str] = []
    _evaluate(interface, app, flavour, out, first)
    return out


def native_codec(interface: t.Any, app: t.Any, flavour: Flavour) -> _native.SessionCodec | None:
    """The codec for this call, or None if stock code must answer it
    (exactly when :func:`reasons` is not empty)."""
    return _evaluate(interface, app, flavour, None, True)


def _add(out: list[str], first: bool, reason: str) -> bool:
    """Record ``reason``; whether to stop there."""
    out.append(reason)
    return first


def _evaluate(
    interface: t.Any, app: t.Any, flavour: Flavour, out: list[str] | None, first: bool
) -> _native.SessionCodec | None:
    """The checks, in order. With ``out`` None (the interfaces' path), the
    codec when every check passes, else None at the first failure, without
    formatting anything; otherwise each failure's reason is appended to
    ``out`` (and the return value means nothing).

    Each failed check reads ``if out is None or _add(...)``: the reason is
    formatted only when it is asked for.
    """
    if not flavour.supported:
        if out is None or _add(out, first, flavour.unsupported):
            return None
    if not NATIVE_AVAILABLE:
        if out is None or _add(out, first, f"native path unavailable: {UNAVAILABLE_REASON}"):
            return None
    if not interface.native_enabled:
        if out is None or _add(out, first, "native_enabled is False"):
            return None
    for guard in flavour.guards:
        if not guard.is_original():
            if out is None or _add(out, first, _patched(flavour)):
                return None
            break
    own = interface.__dict__
    if own and not own.keys().isdisjoint(BYPASSED_HOOKS):
        if out is None or _add(
            out, first, "the interface instance replaces " + ", ".join(sorted(own.keys() & BYPASSED_HOOKS))
        ):
            return None
    if interface.salt != "cookie-session":
        if out is None or _add(out, first, f"salt is {interface.salt!r}, not 'cookie-session'"):
            return None
    if interface.key_derivation != "hmac":
        if out is None or _add(out, first, f"key_derivation is {interface.key_derivation!r}, not 'hmac'"):
            return None
    digest = interface.digest_method
    if digest is not flavour.stock_digest and digest is not hashlib.sha1:
        if out is None or _add(out, first, f"digest_method is {digest!r}, not hashlib.sha1"):
            return None
    if type(interface).get_signing_serializer is not flavour.get_signing_serializer:
        if out is None or _add(out, first, f"{type(interface).__qualname__} overrides get_signing_serializer"):
            return None
    if not serializer_is_default(interface.serializer):
        if out is None or _add(
            out, first, "the serializer is not Flask's TaggedJSONSerializer with the default tags (custom tags?)"
        ):
            return None
    if flavour.checks_app_json and not provider_is_default(app.json):
        if out is None or _add(out, first, f"app.json ({type(app.json).__qualname__}) overrides dumps or loads"):
            return None
    secret_key = app.secret_key
    if not secret_key:
        if out is not None:
            out.append("no SECRET_KEY: sessions are unavailable (stock's NullSession)")
        return None
    # The keys as stock lists them for this call: a key removed from the
    # configuration, in place or not, stops working at once.
    fallbacks = app.config["SECRET_KEY_FALLBACKS"] if flavour.uses_fallbacks else None
    if not fallbacks:
        # One key, the common case: stock's list is [secret_key].
        single = _last_single
        if (type(secret_key) is str or type(secret_key) is bytes) and single[0] == secret_key:
            return single[1]
        codec = codec_for_keys((secret_key,))
    else:
        try:
            keys = flavour.key_list(secret_key, fallbacks)
        except TypeError:  # fallbacks not iterable: stock code raises it
            if out is not None:
                out.append(
                    f"SECRET_KEY_FALLBACKS is a {type(fallbacks).__qualname__}, not a list of keys "
                    "(stock code raises the error)"
                )
            return None
        codec = codec_for_keys(keys)
    if codec is None and out is not None:
        out.append(_key_reason(secret_key, fallbacks))
    return codec


def _patched(flavour: Flavour) -> str:
    names = [name for guard in flavour.guards for name in guard.differences()]
    return "stock code the native path stands in for is patched: " + ", ".join(names)


def _key_reason(secret_key: t.Any, fallbacks: t.Any) -> str:
    """Why the native codec does not take these keys."""
    if type(secret_key) is not str and type(secret_key) is not bytes:
        return f"SECRET_KEY is a {type(secret_key).__qualname__}: the native path takes exact str and bytes keys"
    for key in fallbacks or ():
        if type(key) is not str and type(key) is not bytes:
            return (
                f"SECRET_KEY_FALLBACKS holds a {type(key).__qualname__}: "
                "the native path takes exact str and bytes keys"
            )
    return "a secret key cannot be encoded as UTF-8 (a lone surrogate?): stock code raises the error"
