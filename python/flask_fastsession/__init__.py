"""A fast, byte-identical drop-in for Flask's signed cookie sessions.

.. code-block:: python

    from flask_fastsession import FastSessionInterface

    app.session_interface = FastSessionInterface()
"""

from __future__ import annotations

import typing as t

from flask.sessions import SecureCookieSessionInterface

from . import _native_loader
from ._caches import CacheUsage
from ._caches import cache_clear
from ._caches import cache_usage
from .sessions import FastSessionInterface
from .sessions import FastSigningSerializer

if t.TYPE_CHECKING:
    from flask import Flask
    from flask.sessions import SessionInterface

__version__ = _native_loader.native.__version__
# Where the native path is unavailable (see the README on sub-interpreters)
# these are no-ops and the memo is off.
payload_memo_enabled = _native_loader.native.payload_memo_enabled
set_payload_memo = _native_loader.native.set_payload_memo

__all__ = [
    "CacheUsage",
    "FastSessionInterface",
    "FastSigningSerializer",
    "__version__",
    "cache_clear",
    "cache_usage",
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
