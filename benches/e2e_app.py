"""The app gunicorn serves in the end-to-end benchmark (``e2e.py``).

``FASTSESSION_BENCH_IMPL=stock|fast|null`` picks the session interface
(``endpoints.make_app``): the ``typical`` workload's app, whose ``/read``
only reads the (permanent, so re-saved) session and whose ``/write`` changes
it; ``/`` is ``run.py``'s view. ``FASTSESSION_BENCH_COOKIE`` is the cookie
the load generator sends: the null interface decodes it once, at start-up
(signed now by stock Flask if unset). ``X-Session-Impl`` tells the benchmark
which implementation answered (``fast-native`` only when
``FastSessionInterface.uses_native`` holds).
"""

from __future__ import annotations

import os

from flask import Response

import endpoints as ep
import workloads as wl
from flask_fastsession import FastSessionInterface

IMPL = os.environ.get("FASTSESSION_BENCH_IMPL", "")
if IMPL not in ep.IMPLS:
    raise RuntimeError(f"set FASTSESSION_BENCH_IMPL to one of {', '.join(ep.IMPLS)}")

_workload = wl.typical()
app = ep.make_app(
    IMPL, _workload, os.environ.get("FASTSESSION_BENCH_COOKIE") or ep.stock_cookie(_workload)
)
_LABEL = "fast-native" if FastSessionInterface.uses_native(app) else IMPL


@app.after_request
def _label(response: Response) -> Response:
    response.headers["X-Session-Impl"] = _LABEL
    return response
