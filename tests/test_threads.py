"""Threads: fast sessions used from many threads at once give single-threaded stock's results.

N threads each run M operations picked by a per-thread seeded RNG (so a failure names a
reproducible (thread, op) pair): ``dumps`` and ``loads`` through
``FastSessionInterface.get_signing_serializer`` and ``open_session``, over several apps with
different secret keys and fallbacks (str and bytes), different payloads (small, tagged,
compressed, unicode, numbers), valid, foreign-key, expired and damaged cookies, inside an
app context or not, plus a pool of 100 single-use keys that churns the interface's codec
cache (64 entries) while other threads are using it. Every result is compared with what
stock ``SecureCookieSessionInterface`` produced for the same operation beforehand, on one
thread, at the same pinned clock: the same cookie string, the same loaded value (type and
value), the same session, or the same exception (class, message, payload).

The thread switch interval is lowered to 1 µs during the run so threads interleave as much
as the GIL allows (the native code may also release it).

The default run is small (8 threads x 500 ops); the full 16 x 100,000 one is marked
``slow`` and runs only when asked for: ``pytest -m slow`` or ``FASTSESSION_SLOW=1``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import random
import sys
import threading
import time
import typing as t
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.test import EnvironBuilder

from differential import assert_native
from differential import make_app
from differential import pinned_time

NOW = 1_700_000_000
LIFETIME = 3600


@pytest.fixture
def slow_opt_in(request: pytest.FixtureRequest) -> None:
    """Slow tests run only when asked for: ``-m slow`` or FASTSESSION_SLOW=1."""
    markexpr = request.config.getoption("markexpr") or ""
    if "slow" not in markexpr and os.environ.get("FASTSESSION_SLOW", "") in ("", "0"):
        pytest.skip("slow: run with `pytest -m slow` or FASTSESSION_SLOW=1")


@contextmanager
def fast_switching(interval: float = 1e-6) -> Iterator[None]:
    old = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


# --------------------------------------------------------------------------------------
# Apps, payloads, cookies

APP_CONFIGS: list[dict[str, t.Any]] = [
    {"SECRET_KEY": "alpha"},
    {"SECRET_KEY": b"beta \x00\xff bytes", "SECRET_KEY_FALLBACKS": ["alpha"]},
    {"SECRET_KEY": "gamma \u00e9\U0001f511", "SECRET_KEY_FALLBACKS": [b"beta \x00\xff bytes", "old"]},
    {"SECRET_KEY": "delta", "PERMANENT_SESSION_LIFETIME": 60},
    {"SECRET_KEY": "epsilon-" + "k" * 100, "SECRET_KEY_FALLBACKS": ["alpha", "delta"]},
]
POOL_SIZE = 100  # single-use keys: more than the codec cache holds (64)


def payloads() -> list[dict[str, t.Any]]:
    return [
        {},
        {"a": 1},
        {"_permanent": True, "user_id": 42},
        {"t": (1, (2, "x")), "b": b"\x00\xff", "m": Markup("<i>&</i>"), "u": uuid.UUID(int=7)},
        {"d": dt.datetime(2024, 2, 29, 12, 34, 56, tzinfo=dt.timezone.utc), "naive": dt.datetime(2000, 1, 1)},
        {"\u00e9": "caf\u00e9 \u20ac \U0001f600", "ctl": "\x00\x1f\"\\", "lone": "\ud800"},
        {"z": 1, "a": 2, "m": {"y": 1, "b": [3, 2, 1]}},  # sort_keys matters
        {"f": [0.1, -0.0, 1e16, 5e-324, float("inf")], "i": [2**63, -(2**70), 10**30]},
        {"cart": [{"sku": f"SKU-{i:04d}", "qty": i % 5, "price": i * 1.25} for i in range(60)]},  # compresses
        {"csrf": "x" * 2000, "_flashes": [("message", "hi")]},
        {" di": {" t": [1]}, " t": "not a tag here"},
        {"n": [[[[[[[[[[[[[[[[[[[[{"deep": True}]]]]]]]]]]]]]]]]]]]]},
    ]


def _fingerprint_value(v: t.Any) -> tuple[t.Any, ...]:
    # repr distinguishes tuple/list, bytes, Markup, UUID, aware/naive datetimes, -0.0 and
    # key order; the type name covers dict/list subclasses at the top.
    return ("value", type(v).__name__, repr(v))


def _fingerprint_error(e: BaseException) -> tuple[t.Any, ...]:
    return ("error", type(e).__module__, type(e).__qualname__, str(e), repr(getattr(e, "payload", None)))


def fingerprint(fn: Callable[[], t.Any]) -> tuple[t.Any, ...]:
    try:
        return _fingerprint_value(fn())
    except Exception as e:
        return _fingerprint_error(e)


def _session_fp(sess: t.Any) -> t.Any:
    return None if sess is None else (type(sess).__name__, dict(sess), sess.modified, sess.permanent)


@dataclass
class World:
    """Everything the threads use, and stock's single-threaded answers."""

    apps: list[Flask]
    pool: list[Flask]
    payloads: list[dict[str, t.Any]]
    cookies: list[str | bytes]
    max_ages: tuple[t.Any, ...]
    # (app, payload, in_context) -> stock's cookie
    dumps_expected: dict[tuple[int, int, bool], str]
    # (app, cookie, max_age, in_context) -> stock's loads outcome
    loads_expected: dict[tuple[int, int, int, bool], tuple[t.Any, ...]]
    # (app, cookie) -> stock's open_session outcome
    open_expected: dict[tuple[int, int], tuple[t.Any, ...]]
    # pool app -> (stock's cookie of payload 1, its loads outcome)
    pool_expected: list[tuple[str, tuple[t.Any, ...]]]
    environ: dict[str, t.Any]
    stock_iface: SecureCookieSessionInterface


def _stock_serializer(app: Flask) -> t.Any:
    return SecureCookieSessionInterface().get_signing_serializer(app)


def _fast_serializer(app: Flask) -> t.Any:
    return app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]


def _maybe_context(app: Flask, in_context: bool) -> t.Any:
    return app.app_context() if in_context else _null()


@contextmanager
def _null() -> Iterator[None]:
    yield


def open_session(iface: t.Any, app: Flask, environ: dict[str, t.Any], cookie: str | bytes) -> t.Any:
    request = app.request_class(dict(environ))
    request.cookies = ImmutableMultiDict([("session", cookie)])  # type: ignore[misc, list-item]  # bytes too, on purpose
    return _session_fp(iface.open_session(app, request))


def build_world() -> World:
    """Apps and stock's answers, computed on this thread (call with the clock pinned)."""
    apps = []
    for i, cfg in enumerate(APP_CONFIGS):
        config = {k: v for k, v in cfg.items() if k != "SECRET_KEY"}
        config.setdefault("PERMANENT_SESSION_LIFETIME", LIFETIME)
        app = make_app("fast", secret_key=cfg["SECRET_KEY"], config=config)
        if i == 3:
            app.json.sort_keys = False  # type: ignore[attr-defined]
        assert_native(app)
        apps.append(app)
    pool = [make_app("fast", secret_key=f"pool key {i}") for i in range(POOL_SIZE)]
    pls = payloads()

    # Cookies: every payload signed by every app, plus damaged, expired and odd ones.
    cookies: list[str | bytes] = []
    for app in apps:
        s = _stock_serializer(app)
        with app.app_context():
            signed = [s.dumps(p) for p in pls]
        cookies.extend(signed)
        c = signed[3]
        cookies.extend(
            [
                c[:-1],
                c[:10],
                c.replace(".", "", 1),
                c + "=",
                c.encode(),
                "." + c,
                "",
                "no dots",
                c[: len(c) // 2] + "\u00e9" + c[len(c) // 2 :],
            ]
        )
        with pinned_time(NOW - 10 * LIFETIME):  # expired
            cookies.append(s.dumps({"old": True}))
        with pinned_time(NOW + 100):  # from the future
            cookies.append(s.dumps({"future": True}))
    max_ages: tuple[t.Any, ...] = (None, LIFETIME, 0, 10**9)

    dumps_expected = {}
    loads_expected = {}
    open_expected = {}
    stock_iface = SecureCookieSessionInterface()
    environ = EnvironBuilder(path="/").get_environ()
    for ai, app in enumerate(apps):
        s = _stock_serializer(app)
        for in_ctx in (False, True):
            with _maybe_context(app, in_ctx):
                for pi, p in enumerate(pls):
                    dumps_expected[(ai, pi, in_ctx)] = s.dumps(p)
                for ci, c in enumerate(cookies):
                    for mi, m in enumerate(max_ages):
                        loads_expected[(ai, ci, mi, in_ctx)] = fingerprint(functools.partial(s.loads, c, max_age=m))
        with app.app_context():
            for ci, c in enumerate(cookies):
                open_expected[(ai, ci)] = fingerprint(functools.partial(open_session, stock_iface, app, environ, c))
    pool_expected = []
    for app in pool:
        s = _stock_serializer(app)
        c = s.dumps(pls[1])
        pool_expected.append((c, fingerprint(functools.partial(s.loads, c))))
    # The premise: the corpus has successes and failures of every kind.
    kinds = {fp[2] if fp[0] == "error" else "value" for fp in loads_expected.values()}
    assert {"value", "BadSignature", "BadTimeSignature", "SignatureExpired"} <= kinds, kinds
    return World(
        apps, pool, pls, cookies, max_ages, dumps_expected, loads_expected, open_expected,
        pool_expected, environ, stock_iface,
    )


# --------------------------------------------------------------------------------------
# The workers


def worker(world: World, thread_id: int, ops: int, errors: list[str], start: threading.Barrier) -> None:
    rng = random.Random(1000 + thread_id)
    apps, n_apps = world.apps, len(world.apps)
    fast_serializers = [_fast_serializer(a) for a in apps]
    start.wait()
    for op in range(ops):
        if len(errors) > 20:
            return
        try:
            kind = rng.random()
            ai = rng.randrange(n_apps)
            app = apps[ai]
            in_ctx = rng.random() < 0.125
            # A fresh serializer now and then (get_signing_serializer is per request in Flask).
            s = fast_serializers[ai] if rng.random() < 0.9 else _fast_serializer(app)
            if kind < 0.35:
                pi = rng.randrange(len(world.payloads))
                with _maybe_context(app, in_ctx):
                    got: t.Any = s.dumps(world.payloads[pi])
                want: t.Any = world.dumps_expected[(ai, pi, in_ctx)]
                what = f"dumps(payload {pi}) on app {ai}, in_context={in_ctx}"
            elif kind < 0.8:
                ci = rng.randrange(len(world.cookies))
                mi = rng.randrange(len(world.max_ages))
                c, m = world.cookies[ci], world.max_ages[mi]
                with _maybe_context(app, in_ctx):
                    got = fingerprint(lambda: s.loads(c, max_age=m))
                want = world.loads_expected[(ai, ci, mi, in_ctx)]
                what = f"loads(cookie {ci}, max_age={m}) on app {ai}, in_context={in_ctx}"
            elif kind < 0.95:
                ci = rng.randrange(len(world.cookies))
                with app.app_context():
                    got = fingerprint(
                        lambda: open_session(app.session_interface, app, world.environ, world.cookies[ci])
                    )
                want = world.open_expected[(ai, ci)]
                what = f"open_session(cookie {ci}) on app {ai}"
            else:
                # Churn the codec cache: a key used once in a while, by any thread.
                pi = rng.randrange(POOL_SIZE)
                papp = world.pool[pi]
                ps = _fast_serializer(papp)
                cookie, loaded = world.pool_expected[pi]
                got = (ps.dumps(world.payloads[1]), fingerprint(lambda: ps.loads(cookie)))
                want = (cookie, loaded)
                what = f"dumps/loads with pool key {pi}"
            if got != want:
                errors.append(f"thread {thread_id} op {op}: {what}:\n  fast:  {got!r}\n  stock: {want!r}")
        except BaseException as e:  # noqa: BLE001 - anything escaping is a failure
            errors.append(f"thread {thread_id} op {op}: raised {e!r}")


def run_threads(threads: int, ops: int) -> float:
    with pinned_time(NOW + 0.5):
        world = build_world()
        errors: list[str] = []
        start = threading.Barrier(threads)
        pool = [
            threading.Thread(target=worker, args=(world, i, ops, errors, start), name=f"fastsession-{i}")
            for i in range(threads)
        ]
        t0 = time.perf_counter()
        with fast_switching():
            for th in pool:
                th.start()
            for th in pool:
                th.join()
        elapsed = time.perf_counter() - t0
    assert not errors, f"{len(errors)} failures (first ones):\n" + "\n".join(errors[:10])
    # Still right on this thread afterwards.
    with pinned_time(NOW + 0.5):
        for ai, app in enumerate(world.apps):
            assert _fast_serializer(app).dumps(world.payloads[1]) == world.dumps_expected[(ai, 1, False)]
    return elapsed


def test_threads_quick() -> None:
    run_threads(threads=8, ops=1000)


def test_threads_single_thread_reference() -> None:
    """The same operations on one thread (so a threaded failure is known to be a thread bug)."""
    run_threads(threads=1, ops=500)


@pytest.mark.slow
@pytest.mark.usefixtures("slow_opt_in")
def test_threads_full() -> None:
    elapsed = run_threads(threads=16, ops=100_000)
    print(f"\n16 threads x 100,000 ops: {elapsed:.1f} s")
