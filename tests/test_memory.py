"""Memory: many dumps/loads cycles neither grow the process nor leak references.

Each cycle runs the fast path the way a busy app does: ``dumps`` of one of several
session payloads (small, tagged, compressed, unicode, numbers), ``loads`` of the result
with a ``max_age``, ``loads`` of a fixed cookie, and in rotation the error paths (bad
signature, expired, bad payload, malformed timestamp, non-UTF-8 bytes) and a whole
``open_session`` + ``save_session``. After a warm-up (caches, memos and allocator pools
filled), the resident set size (``/proc/self/statm``) must grow by less than 1 MB over the
measured cycles, and ``sys.getrefcount`` must be unchanged on every object handed to the
native code: the session dict and each of its values, the cookie string, the secret keys
(str and bytes, current and fallback), the ``max_age`` int and the JSON ``default``.

The default run is 20,000 cycles; the 1,000,000-cycle soak is marked ``slow`` and runs only
when asked for: ``pytest -m slow`` or ``FASTSESSION_SLOW=1``.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
import time
import typing as t
import uuid
from dataclasses import dataclass

import pytest
from flask import Flask
from itsdangerous import BadData
from markupsafe import Markup
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.test import EnvironBuilder

from differential import assert_native
from differential import make_app
from differential import pinned_time
from differential import sign_payload
from differential import signing_serializer

NOW = 1_700_000_000
LIFETIME = 3600
RSS_BUDGET = 1 << 20  # bytes
PAGE = os.sysconf("SC_PAGE_SIZE")


@pytest.fixture
def slow_opt_in(request: pytest.FixtureRequest) -> None:
    """Slow tests run only when asked for: ``-m slow`` or FASTSESSION_SLOW=1."""
    markexpr = request.config.getoption("markexpr") or ""
    if "slow" not in markexpr and os.environ.get("FASTSESSION_SLOW", "") in ("", "0"):
        pytest.skip("slow: run with `pytest -m slow` or FASTSESSION_SLOW=1")


def rss() -> int:
    """Resident set size in bytes (second field of /proc/self/statm, in pages)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def _fresh(s: str) -> str:
    """A str object nobody else holds (not interned, not a constant)."""
    return "".join(list(s))


@dataclass
class Setup:
    app: Flask
    serializer: t.Any
    payloads: list[dict[str, t.Any]]
    cookie: str
    bad_cookies: list[str | bytes]
    max_age: int
    environ: dict[str, t.Any]
    secret: str
    fallbacks: list[t.Any]


def make_setup() -> Setup:
    secret = _fresh("memory test secret \u00e9")
    fallbacks = [bytes(bytearray(b"old \x00 bytes key")), _fresh("older str key")]
    app = make_app(
        "fast", secret_key=secret, config={"SECRET_KEY_FALLBACKS": fallbacks, "PERMANENT_SESSION_LIFETIME": LIFETIME}
    )
    assert_native(app)
    payloads: list[dict[str, t.Any]] = [
        {_fresh("user_id"): int("1234567890123"), _fresh("name"): _fresh("caf\u00e9 \u20ac")},
        {
            _fresh("t_key"): (int("300"), _fresh("two"), float("2.5")),
            _fresh("b_key"): bytes(bytearray(b"\x00\xff bytes")),
            _fresh("m_key"): Markup(_fresh("<b>x</b>")),
            _fresh("u_key"): uuid.UUID(int=int("123456789")),
            _fresh("d_key"): dt.datetime(2024, 2, 29, 12, 34, 56, tzinfo=dt.timezone.utc),
        },
        {
            _fresh("cart"): [
                {_fresh("sku"): _fresh(f"SKU-{i:04d}"), _fresh("qty"): int(str(1000 + i))} for i in range(40)
            ]
        },
        {
            _fresh("_permanent"): True,
            _fresh("big"): int("9" * 40),
            _fresh("f_key"): [float("0.1"), float("-0.0"), float("1e300")],
        },
        {
            _fresh("lone"): _fresh("\ud800x"),
            _fresh("emoji"): _fresh("\U0001f600" * 3),
            _fresh("nested"): [[[{_fresh("k_key"): None}]]],
        },
    ]
    with app.app_context(), pinned_time(NOW + 0.5):
        serializer = signing_serializer(app)
        cookie = serializer.dumps(payloads[0])
        with pinned_time(NOW - 10 * LIFETIME):
            expired = serializer.dumps({"x": 1})
        bad_cookies: list[str | bytes] = [
            cookie[:-2] + "AA",  # bad signature
            expired,  # expired (with max_age)
            sign_payload(app, b'{"a":', compressed=True),  # valid signature, bad JSON
            sign_payload(app, b"\xff\xfe", compressed=False),  # invalid UTF-8
            sign_payload(app, b'{"a":1}', timestamp=base64_ts_of_9_bytes()),  # malformed timestamp
            cookie.encode()[:-3] + b"\xff\xfe\xfd",  # bytes, non-UTF-8 signature
            "",  # no separator
        ]
    return Setup(
        app,
        serializer,
        payloads,
        cookie,
        bad_cookies,
        int("3600"),
        EnvironBuilder(path="/").get_environ(),
        secret,
        fallbacks,
    )


def base64_ts_of_9_bytes() -> bytes:
    from itsdangerous.encoding import base64_encode

    return base64_encode(b"\x01" * 9)


def cycles(s: Setup, n: int, start: int = 0) -> None:
    """``n`` cycles of the mix described in the module docstring."""
    ser, app, iface = s.serializer, s.app, s.app.session_interface
    payloads, bad = s.payloads, s.bad_cookies
    for i in range(start, start + n):
        p = payloads[i % len(payloads)]
        c = ser.dumps(p)
        ser.loads(c, max_age=s.max_age)
        ser.loads(s.cookie, max_age=s.max_age)
        if i % 4 == 0:
            try:
                ser.loads(bad[(i // 4) % len(bad)], max_age=s.max_age)
            except BadData:
                pass
        if i % 16 == 0:
            request = app.request_class(dict(s.environ))
            request.cookies = ImmutableMultiDict([("session", c)])  # type: ignore[misc]
            sess = iface.open_session(app, request)
            assert sess is not None
            sess[p_key(i)] = i  # modified: save_session sets the cookie
            response = app.response_class()
            iface.save_session(app, sess, response)


def p_key(i: int) -> str:
    return "k" if i % 32 else "k2"


def watched(s: Setup) -> dict[str, t.Any]:
    """Every object handed to the native code that the test owns, by name."""
    objs: dict[str, t.Any] = {
        "cookie": s.cookie,
        "secret": s.secret,
        "max_age": s.max_age,
        "json default": s.app.json.default,  # type: ignore[attr-defined]
    }
    for i, f in enumerate(s.fallbacks):
        objs[f"fallback {i}"] = f
    for pi, p in enumerate(s.payloads):
        objs[f"payload {pi}"] = p
        stack: list[tuple[str, t.Any]] = [(f"payload {pi}", p)]
        while stack:  # every key and value, recursively
            path, v = stack.pop()
            if isinstance(v, dict):
                for k, x in v.items():
                    objs[f"{path} key {k!r}"] = k
                    objs[f"{path}[{k!r}]"] = x
                    stack.append((f"{path}[{k!r}]", x))
            elif isinstance(v, (list, tuple)):
                for j, x in enumerate(v):
                    objs[f"{path}[{j}]"] = x
                    stack.append((f"{path}[{j}]", x))
    # Shared singletons are not the test's own objects: True/False/None, and the
    # statically allocated ones (one-character strings...) with a refcount of ~10**9.
    return {
        k: v
        for k, v in objs.items()
        if v is not True and v is not False and v is not None and sys.getrefcount(v) < 10**8
    }


def refcounts(objs: dict[str, t.Any]) -> dict[str, int]:
    gc.collect()
    # -1 for getrefcount's own argument; the dict holds one more, the same each time.
    return {k: sys.getrefcount(v) - 1 for k, v in objs.items()}


def run_memory_check(n: int, warmup: int = 3_000) -> tuple[int, int]:
    """Returns (RSS growth in bytes, cycles per second)."""
    s = make_setup()
    objs = watched(s)
    with s.app.app_context(), pinned_time(NOW + 0.5):
        before_warmup = refcounts(objs)
        cycles(s, warmup)
        gc.collect()
        rss0 = rss()
        refs0 = refcounts(objs)
        t0 = time.perf_counter()
        cycles(s, n, start=warmup)
        elapsed = time.perf_counter() - t0
        gc.collect()
        rss1 = rss()
        refs1 = refcounts(objs)
    leaked = {k: (refs0[k], refs1[k]) for k in objs if refs1[k] != refs0[k]}
    assert not leaked, f"refcounts changed over {n} cycles (before, after): {leaked}"
    # What the warm-up left held (caches): bounded, i.e. at most a couple of references.
    retained = {k: (before_warmup[k], refs0[k]) for k in objs if refs0[k] - before_warmup[k] > 2}
    assert not retained, f"references retained by the first {warmup} cycles: {retained}"
    growth = rss1 - rss0
    assert growth < RSS_BUDGET, f"RSS grew by {growth / 1024:.0f} KiB over {n} cycles (budget {RSS_BUDGET // 1024} KiB)"
    return growth, int(n / elapsed)


def test_memory_and_refcounts() -> None:
    run_memory_check(20_000)


@pytest.mark.slow
@pytest.mark.usefixtures("slow_opt_in")
def test_memory_soak() -> None:
    growth, rate = run_memory_check(1_000_000)
    print(f"\n1,000,000 cycles: RSS growth {growth / 1024:.0f} KiB, {rate} cycles/s")
