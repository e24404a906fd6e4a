"""Fast, byte-identical drop-in for Flask's signed cookie sessions (placeholder)."""

from __future__ import annotations

import typing as t

from flask.sessions import SecureCookieSessionInterface

if t.TYPE_CHECKING:
    from flask import Flask


class FastSessionInterface(SecureCookieSessionInterface):
    """Placeholder: behaves exactly like stock until the native path lands."""

    @classmethod
    def uses_native(cls, app: Flask) -> bool:
        return False


def init_app(app: Flask) -> FastSessionInterface:
    iface = FastSessionInterface()
    app.session_interface = iface
    return iface
