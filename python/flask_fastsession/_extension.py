"""``init_app``: the Flask extension convention, for apps that install
their extensions with ``ext.init_app(app)``."""

from __future__ import annotations

import typing as t

from flask.sessions import SecureCookieSessionInterface

from .sessions import FastSessionInterface

if t.TYPE_CHECKING:
    from flask import Flask
    from flask.sessions import SessionInterface


def init_app(app: Flask) -> SessionInterface:
    """Install :class:`FastSessionInterface` on ``app`` and return the
    interface the app ends up with.

    Flask's own interface is replaced. An interface that is already a
    :class:`FastSessionInterface`, or a custom one (another class, or a
    subclass of Flask's), is left as it is. Setting ``FASTSESSION_ENABLED``
    to False in the config leaves the app on stock sessions, for A/B
    comparisons.
    """
    current = app.session_interface
    if not app.config.get("FASTSESSION_ENABLED", True):
        return current
    if type(current) is SecureCookieSessionInterface:
        app.session_interface = FastSessionInterface()
    return app.session_interface
