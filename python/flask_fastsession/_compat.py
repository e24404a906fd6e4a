"""What the installed Flask's stock session interface does, where Flask
versions differ. Everything here is read off stock code at import time, so
the native path follows whichever Flask is installed."""

from __future__ import annotations

import types
import typing as t

from flask.sessions import SecureCookieSessionInterface
from flask.sessions import SessionInterface


def _probe_key_order() -> tuple[str, ...]:
    """The order in which stock's ``get_signing_serializer`` lists the keys,
    as names: ``"fallbacks"`` and ``"current"``.

    Flask 3.1.1+ lists ``SECRET_KEY_FALLBACKS`` then the current key (which
    itsdangerous signs with); 3.1.0 put the current key first; before 3.1
    there were no fallbacks.
    """
    probe = types.SimpleNamespace(
        secret_key=b"current",
        config={"SECRET_KEY_FALLBACKS": [b"fallback"], "SECRET_KEY": b"current"},
    )
    serializer = SecureCookieSessionInterface().get_signing_serializer(probe)  # type: ignore[arg-type]
    names = {b"current": "current", b"fallback": "fallbacks"}
    return tuple(names[k] for k in serializer.secret_keys)  # type: ignore[union-attr]


#: ``("fallbacks", "current")`` on Flask 3.1.1+, ``("current", "fallbacks")``
#: on 3.1.0, ``("current",)`` before 3.1.
KEY_ORDER: tuple[str, ...] = _probe_key_order()

#: Whether stock reads ``SECRET_KEY_FALLBACKS`` at all.
USES_FALLBACKS: bool = "fallbacks" in KEY_ORDER

#: Whether this Flask has the ``Partitioned`` cookie attribute (3.1+).
HAS_PARTITIONED: bool = hasattr(SessionInterface, "get_cookie_partitioned")


def key_list(secret_key: t.Any, fallbacks: t.Any) -> list[t.Any]:
    """The list of keys stock passes to itsdangerous: the fallbacks are
    ``extend``-ed in, so a plain string contributes its characters."""
    if KEY_ORDER == ("fallbacks", "current"):  # Flask 3.1.1+, the common case
        return [*fallbacks, secret_key] if fallbacks else [secret_key]
    keys: list[t.Any] = []
    for name in KEY_ORDER:
        if name == "current":
            keys.append(secret_key)
        elif fallbacks:
            keys.extend(fallbacks)
    return keys
