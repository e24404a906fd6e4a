"""``Set-Cookie`` and ``Vary`` the way werkzeug writes them, without
re-running werkzeug's header machinery on every response.

The session cookie's attributes (name, domain, path, flags, SameSite) are the
same on every response of an app, and its value is URL-safe base64 with dots,
which werkzeug never quotes. So werkzeug's own :func:`~werkzeug.http.dump_cookie`
is asked once per attribute set to write a template around marker values,
and each response fills in the value and the expiry date. Anything unusual
(another response class's ``set_cookie``, a cookie over the size limit, which
makes werkzeug warn, a template that cannot be cut cleanly) goes through
``response.set_cookie`` itself.
"""

from __future__ import annotations

import typing as t

from flask.globals import _cv_app
from flask.wrappers import Response as _FlaskResponse
from werkzeug.http import dump_cookie
from werkzeug.sansio.response import Response as _SansioResponse

if t.TYPE_CHECKING:
    from werkzeug.sansio.response import Response

# The value marker carries every character a session cookie value can hold,
# so a werkzeug that quoted any of them would not reproduce it verbatim (and
# the template would be refused).
_VALUE_MARK = "fastsession-VALUE_7f3a9c.z0"
_EXPIRES_MARK = "fastsessionEXPIRES7f3a9c"
_STOCK_SET_COOKIE = _SansioResponse.set_cookie
_STOCK_VARY = _SansioResponse.vary
_FLASK_MAX_COOKIE_SIZE: object = _FlaskResponse.__dict__["max_cookie_size"]

#: (name, domain, path, secure, httponly, samesite, partitioned, with expires,
#: then the types of the first seven) -> (before value, between value and
#: expires, after), or None if the template cannot be used.
_templates: dict[tuple[t.Any, ...], tuple[str, str, str] | None] = {}
_TEMPLATE_CACHE_SIZE = 256


def _template(key: tuple[t.Any, ...]) -> tuple[str, str, str] | None:
    name, domain, path, secure, httponly, samesite, partitioned, with_expires = key[:8]
    extra = {} if partitioned is None else {"partitioned": partitioned}
    try:
        header = dump_cookie(
            name,
            value=_VALUE_MARK,
            expires=_EXPIRES_MARK if with_expires else None,
            path=path,
            domain=domain,
            secure=secure,
            httponly=httponly,
            max_size=0,
            samesite=samesite,
            **extra,
        )
    except Exception:  # let set_cookie raise it, at the same point as stock
        return None
    if header.count(_VALUE_MARK) != 1:
        return None
    before, rest = header.split(_VALUE_MARK)
    if not with_expires:
        return before, "", rest
    if rest.count(_EXPIRES_MARK) != 1 or _EXPIRES_MARK in before:
        return None
    middle, after = rest.split(_EXPIRES_MARK)
    return before, middle, after


def template(attrs: tuple[t.Any, ...], with_expires: bool) -> tuple[str, str, str] | None:
    """The ``Set-Cookie`` header of a session cookie with these attributes
    (name, domain, path, secure, httponly, samesite, partitioned; partitioned
    None where this Flask has no such attribute), cut around the value and
    the expiry date: ``(before value, between value and expires, after)``.
    None if werkzeug's header cannot be reproduced that way."""
    # With the types: 1 == True as a dict key, but werkzeug writes
    # "Secure=1" for one and "Secure" for the other.
    key = (*attrs, with_expires, *map(type, attrs))
    try:
        return _templates[key]
    except KeyError:
        pass
    except TypeError:  # unhashable attribute values
        return None
    rv = _template(key)
    if len(_templates) >= _TEMPLATE_CACHE_SIZE:
        _templates.clear()
    _templates[key] = rv
    return rv


def stock_response_class(cls: type) -> bool:
    """Whether responses of class ``cls`` write cookies and ``Vary`` with
    stock's code and limit cookies to the current app's ``MAX_COOKIE_SIZE``
    (Flask's :class:`~flask.Response` and subclasses that keep those)."""
    return (
        cls.set_cookie is _STOCK_SET_COOKIE  # type: ignore[attr-defined]
        and cls.vary is _STOCK_VARY  # type: ignore[attr-defined]
        and getattr(cls, "max_cookie_size", None) is _FLASK_MAX_COOKIE_SIZE
    )


def _max_cookie_size(response: Response) -> int:
    if getattr(type(response), "max_cookie_size", None) is _FLASK_MAX_COOKIE_SIZE:
        ctx = _cv_app.get(None)
        if ctx is not None:
            return ctx.app.config["MAX_COOKIE_SIZE"]  # type: ignore[no-any-return]
    return response.max_cookie_size


def set_session_cookie(
    response: Response,
    name: str,
    value: str,
    expires: t.Any,
    domain: str | None,
    path: str | None,
    secure: bool,
    httponly: bool,
    samesite: str | None,
    partitioned: bool | None,
) -> None:
    """``response.set_cookie(name, value, expires=expires, ...)`` for a
    session cookie value; ``expires`` is usually an already formatted date,
    ``partitioned`` None where this Flask has no such attribute."""
    if (
        type(response).set_cookie is _STOCK_SET_COOKIE
        and "set_cookie" not in response.__dict__  # wrapped by an after_request hook
        and (expires is None or type(expires) is str)
    ):
        cut = template((name, domain, path, secure, httponly, samesite, partitioned), expires is not None)
        if cut is not None:
            before, middle, after = cut
            if expires is None:
                header = before + value + after
            else:
                header = before + value + middle + expires + after
            max_size = _max_cookie_size(response)
            if not (max_size and len(header) > max_size):
                response.headers.add("Set-Cookie", header)
                return
    extra = {} if partitioned is None else {"partitioned": partitioned}
    response.set_cookie(
        name,
        value,
        expires=expires,
        httponly=httponly,
        domain=domain,
        path=path,
        secure=secure,
        samesite=samesite,
        **extra,
    )


def add_vary_cookie(response: Response) -> None:
    """``response.vary.add("Cookie")``."""
    if type(response).vary is _STOCK_VARY:
        headers = response.headers
        current = headers.get("Vary")
        if current is None:
            headers["Vary"] = "Cookie"
            return
        if current == "Cookie":
            return
    response.vary.add("Cookie")
