"""The app gunicorn serves in the end-to-end benchmark (``e2e.py``).

``FASTSESSION_BENCH_IMPL=stock|fast`` picks the session interface; the rest
is ``workloads.make_app`` with the ``typical`` workload: ``/`` reads the
session and writes one key of it, and the session is permanent, so every
response carries a fresh ``Set-Cookie``. ``X-Session-Impl`` tells the
benchmark which implementation answered (``fast-native`` only when
``FastSessionInterface.uses_native`` holds).
"""

from __future__ import annotations

import os

from flask import Response
from flask.sessions import SecureCookieSessionInterface

import workloads as wl
from flask_fastsession import FastSessionInterface

IMPL = os.environ.get("FASTSESSION_BENCH_IMPL", "")
if IMPL not in ("stock", "fast"):
    raise RuntimeError("set FASTSESSION_BENCH_IMPL to 'stock' or 'fast'")

app = wl.make_app(
    FastSessionInterface() if IMPL == "fast" else SecureCookieSessionInterface(),
    wl.typical(),
)
_LABEL = "fast-native" if FastSessionInterface.uses_native(app) else IMPL


@app.after_request
def _label(response: Response) -> Response:
    response.headers["X-Session-Impl"] = _LABEL
    return response
