"""``bench``: a quick stock-vs-fast timing of a typical session."""

from __future__ import annotations

import argparse
import math
import time
import typing as t
import uuid

from flask.sessions import SecureCookieSessionInterface

from .._native_loader import NATIVE_AVAILABLE
from .._native_loader import UNAVAILABLE_REASON
from .._native_loader import native as _native
from ..sessions import FastSessionInterface
from ._common import check_app
from ._common import echo
from ._common import fixed_time
from ._common import signing_serializer
from ._common import versions_line

if t.TYPE_CHECKING:
    from collections.abc import Callable


def typical_session() -> dict[str, t.Any]:
    """A logged-in user with a flash message, a CSRF token and a small cart."""
    return {
        "_fresh": True,
        "_id": "0123456789abcdef" * 8,
        "_user_id": "1042",
        "csrf_token": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
        "_flashes": [("message", "Logged in.")],
        "cart": [{"sku": f"SKU-{i:04d}", "qty": i % 3 + 1} for i in range(5)],
        "seen": uuid.UUID(int=0x1234),
        "_permanent": True,
    }


def _time_per_call(fn: Callable[[], object], budget: float) -> float:
    """Best-of-5 seconds per call, each round about ``budget / 5`` seconds."""
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= budget / 50 or n >= 1 << 22:
            break
        n *= 4
    per_round = max(1, int(n * (budget / 5) / max(elapsed, 1e-9)))
    best = math.inf
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(per_round):
            fn()
        best = min(best, (time.perf_counter() - start) / per_round)
    return best


def cmd_bench(args: argparse.Namespace) -> int:
    """Time dumps/loads of a typical session, stock vs fast."""
    budget = 0.25 if args.quick else 1.5
    echo(versions_line())
    if not NATIVE_AVAILABLE:
        echo(f"warning: both columns are stock, native path unavailable: {UNAVAILABLE_REASON}")
    elif _native.BUILD_PROFILE != "release":
        echo("warning: a debug build of the extension: the figures mean nothing (build with --release)")
    stock_app = check_app(SecureCookieSessionInterface())
    fast_app = check_app(FastSessionInterface())
    stock_s, fast_s = signing_serializer(stock_app), signing_serializer(fast_app)
    value = typical_session()
    rows = []
    with stock_app.app_context():
        cookie = stock_s.dumps(value)
    ops: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
        ("dumps", lambda: stock_s.dumps(value), lambda: fast_s.dumps(value)),
        ("loads", lambda: stock_s.loads(cookie, max_age=3600), lambda: fast_s.loads(cookie, max_age=3600)),
    ]
    with fixed_time():
        with stock_app.app_context():
            stock_cookie = stock_s.dumps(value)
        with fast_app.app_context():
            same = fast_s.dumps(value) == stock_cookie
    for name, stock_fn, fast_fn in ops:
        with stock_app.app_context():
            stock_t = _time_per_call(stock_fn, budget)
        with fast_app.app_context():
            fast_t = _time_per_call(fast_fn, budget)
        rows.append((name, stock_t, fast_t))
    identical = "yes" if same else "NO"
    echo(f"typical session: {len(value)} keys, cookie {len(cookie)} bytes; identical cookies: {identical}")
    echo(f"{'operation':<10} {'stock':>10} {'fast':>10} {'speed-up':>9}")
    for name, stock_t, fast_t in rows:
        echo(f"{name:<10} {stock_t * 1e6:>8.2f}us {fast_t * 1e6:>8.2f}us {stock_t / fast_t:>8.1f}x")
    echo("(best of 5 rounds; `make bench` in a clone runs the full benchmark suite)")
    return 0 if same else 1


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``bench`` command to the subcommands of the main parser."""
    parser = sub.add_parser(
        "bench",
        help="time dumps/loads of a typical session, stock vs fast",
        description="A quick stock-vs-fast timing of a typical session's dumps and loads.",
    )
    parser.add_argument("--quick", action="store_true", help="shorter runs (noisier figures)")
    parser.set_defaults(func=cmd_bench)
