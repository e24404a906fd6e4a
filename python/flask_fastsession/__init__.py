"""A fast, byte-identical drop-in for Flask's signed cookie sessions.

.. code-block:: python

    from flask_fastsession import FastSessionInterface

    app.session_interface = FastSessionInterface()
"""

from __future__ import annotations

import typing as t

from flask.sessions import SecureCookieSessionInterface

from ._native import __version__
from ._native import payload_memo_enabled
from ._native import set_payload_memo
from .sessions import FastSessionInterface
from .sessions import FastSigningSerializer

if t.TYPE_CHECKING:
    from flask import Flask
    from flask.sessions import SessionInterface

__all__ = [
    "FastSessionInterface",
    "FastSigningSerializer",
    "__version__",
    "init_app",
    "payload_memo_enabled",
    "set_payload_memo",
]


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
