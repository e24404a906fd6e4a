"""A fast, byte-identical drop-in for Flask's signed cookie sessions.

.. code-block:: python

    from flask_fastsession import FastSessionInterface

    app.session_interface = FastSessionInterface()
"""

from __future__ import annotations

from . import _native_loader
from ._caches import CacheUsage as CacheUsage
from ._caches import cache_clear as cache_clear
from ._caches import cache_usage as cache_usage
from ._extension import init_app as init_app
from ._plan import clear_plan_answers as clear_plan_answers
from ._plan import plan_answers as plan_answers
from .sessions import FastSessionInterface as FastSessionInterface
from .sessions import FastSigningSerializer as FastSigningSerializer

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
    "clear_plan_answers",
    "init_app",
    "payload_memo_enabled",
    "plan_answers",
    "set_payload_memo",
]
