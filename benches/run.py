"""Stock Flask sessions vs flask-fastsession, side by side in one process.

For every workload (``small``, ``typical``, ``large``; see ``workloads.py``)
and operation (signing-serializer ``dumps``/``loads``, ``open_session`` +
``save_session``, a full test-client request), cold and warm:

1. an identity check, untimed, under a frozen clock: stock and fast produce
   the same cookies / headers / loaded values, and the fast side takes the
   native path (``uses_native`` and no call handed to itsdangerous);
2. interleaved timing: rounds of one stock block then one fast block (the
   order alternating every round), each block a plain ``perf_counter_ns``
   loop with the GC off, so machine noise hits both sides alike.

Prints a Markdown table of the per-operation medians over the rounds, the
fast/stock speed-up, and the machine it ran on. See benches/README.md.

    python benches/run.py              # ~2-3 minutes
    python benches/run.py --quick      # smoke run, a few seconds
    python benches/run.py --markdown results.md -k typical
    python benches/run.py --deflater interpreter   # as where the two zlibs differ
    python benches/run.py --e2e        # then the gunicorn + wrk benchmark
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gc
import importlib.metadata
import os
import platform
import statistics
import subprocess
import sys
import time
import typing as t
import zlib
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

import flask_fastsession
from flask_fastsession import FastSessionInterface
from flask_fastsession import _checks
from flask_fastsession import _native

sys.path.insert(0, str(Path(__file__).resolve().parent))
import workloads as wl  # noqa: E402

HERE = Path(__file__).resolve().parent
MASK = wl.POOL - 1
assert wl.POOL & MASK == 0, "POOL must be a power of two"

#: ``run(n)`` performs n operations and returns the elapsed nanoseconds.
Runner = t.Callable[[int], int]

#: The clock of the timed loops (``--clock``): this thread's CPU time by
#: default, so time the scheduler gives to other processes on a busy machine
#: is not counted; ``perf_counter_ns`` (wall time) with ``--clock wall``.
CLOCKS = {"cpu": time.thread_time_ns, "wall": time.perf_counter_ns}
CLOCK_NAMES = {"cpu": "this thread's CPU time", "wall": "wall time (perf_counter)"}
now_ns = CLOCKS["cpu"]


@dataclasses.dataclass
class Bench:
    workload: str
    operation: str
    stock: Runner
    fast: Runner
    #: Lines describing the identity check that passed.
    checks: list[str]


@dataclasses.dataclass
class Result:
    bench: Bench
    stock_ns: list[float]
    fast_ns: list[float]

    @property
    def stock(self) -> float:
        return statistics.median(self.stock_ns)

    @property
    def fast(self) -> float:
        return statistics.median(self.fast_ns)

    @property
    def ratio(self) -> float:
        """Median of the per-round stock/fast ratios (each round's two blocks
        ran back to back, so a slow drift of the machine cancels out)."""
        return statistics.median(s / f for s, f in zip(self.stock_ns, self.fast_ns, strict=True))

    @property
    def noise(self) -> float:
        """The larger relative interquartile range of the two sides."""

        def iqr(xs: list[float]) -> float:
            if len(xs) < 4:
                return 0.0
            q = statistics.quantiles(xs, n=4)
            return (q[2] - q[0]) / statistics.median(xs)

        return max(iqr(self.stock_ns), iqr(self.fast_ns))


class CheckFailed(AssertionError):
    pass


def check(cond: bool, what: str) -> None:
    if not cond:
        raise CheckFailed(what)


# --------------------------------------------------------------------------------------
# Identity checks


def same_value(a: t.Any, b: t.Any) -> bool:
    """Equal values of the same types, all the way down (Markup vs str,
    tuple vs list and naive vs aware datetimes all count as different)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(same_value, a, b))
    return bool(a == b) and getattr(a, "tzinfo", None) == getattr(b, "tzinfo", None)


@contextmanager
def record_calls() -> t.Iterator[set[tuple[str, str]]]:
    """Every (module, function name) called in this thread inside the block,
    Python functions and builtins alike, seen through ``sys.setprofile``.

    Nothing is patched: flask-fastsession hands a call to stock code when
    the stock functions it stands in for have been replaced, so a counting
    wrapper would itself turn the native path off."""
    seen: set[tuple[str, str]] = set()

    def hook(frame: t.Any, event: str, arg: t.Any) -> None:
        if event == "call":
            seen.add((str(frame.f_globals.get("__name__")), frame.f_code.co_name))
        elif event == "c_call":
            module = getattr(arg, "__module__", None)
            owner = getattr(arg, "__self__", None)
            if module is None and owner is not None:
                module = owner.__name__ if type(owner) is type(sys) else type(owner).__module__
            seen.add((str(module), getattr(arg, "__name__", "?")))

    old = sys.getprofile()
    sys.setprofile(hook)
    try:
        yield seen
    finally:
        sys.setprofile(old)


#: What a call that fell back to stock code reaches: itsdangerous's payload
#: (de)serialisation and the zlib module.
STOCK_PAYLOAD_CODE = (("itsdangerous", "dump_payload"), ("itsdangerous", "load_payload"))


def stock_payload_calls(seen: set[tuple[str, str]]) -> list[str]:
    return sorted(
        f"{module}.{name}"
        for module, name in seen
        if module == "zlib"
        or any(module.startswith(m) and name == n for m, n in STOCK_PAYLOAD_CODE)
    )


@contextmanager
def native_only(what: str) -> t.Iterator[None]:
    """Fails the check if anything inside reaches itsdangerous's payload
    code or the zlib module, i.e. was handed to stock code."""
    with record_calls() as seen:
        yield
    stock = stock_payload_calls(seen)
    check(not stock, f"{what}: fell back to stock code ({', '.join(stock)})")


def set_cookie_headers(response: t.Any) -> list[tuple[str, str]]:
    return [(k, v) for k, v in response.headers.items() if k.lower() in ("set-cookie", "vary")]


def session_cookie(response: t.Any) -> str:
    for value in response.headers.getlist("Set-Cookie"):
        if value.startswith("session="):
            return t.cast(str, value.split(";", 1)[0].removeprefix("session="))
    raise CheckFailed("no session cookie set")


# --------------------------------------------------------------------------------------
# The benchmarks. Each builder checks identity first, then returns the two runners.


class Side(t.NamedTuple):
    app: Flask
    serializer: t.Any


def sides(w: wl.Workload) -> tuple[Side, Side]:
    stock_app, fast_app = wl.make_pair(w)
    check(FastSessionInterface.uses_native(fast_app), "uses_native(fast app) is False")
    check(not FastSessionInterface.uses_native(stock_app), "stock app reports native")
    out = [Side(app, wl.signing_serializer(app)) for app in (stock_app, fast_app)]
    check(type(out[1].serializer) is flask_fastsession.FastSigningSerializer, "not fast serializer")
    return out[0], out[1]


@contextmanager
def app_context(app: Flask) -> t.Iterator[None]:
    with app.app_context():
        yield


def timed_loop(app: Flask, body: t.Callable[[int], None]) -> Runner:
    """Generic runner: ``body(i)`` for i in range(n) inside ``app``'s context."""

    def run(n: int) -> int:
        with app.app_context():
            gc.disable()
            t0 = now_ns()
            for i in range(n):
                body(i)
            t1 = now_ns()
            gc.enable()
        return t1 - t0

    return run


def bench_dumps(w: wl.Workload, cold: bool) -> Bench:
    stock, fast = sides(w)
    pool = w.variants() if cold else [w.session]
    with wl.frozen_time():
        with stock.app.app_context():
            expected = [stock.serializer.dumps(s) for s in pool]
        with fast.app.app_context(), native_only("dumps"):
            got = [fast.serializer.dumps(s) for s in pool]
    check(got == expected, "dumps: fast cookie differs from stock")
    check(len(set(expected)) == len(pool), "cold pool has duplicate sessions")

    def runner(side: Side) -> Runner:
        dumps = side.serializer.dumps
        if cold:
            sessions = pool

            def run(n: int) -> int:
                with side.app.app_context():
                    gc.disable()
                    t0 = now_ns()
                    for i in range(n):
                        dumps(sessions[i & MASK])
                    t1 = now_ns()
                    gc.enable()
                return t1 - t0
        else:
            s = pool[0]

            def run(n: int) -> int:
                with side.app.app_context():
                    gc.disable()
                    t0 = now_ns()
                    for _ in range(n):
                        dumps(s)
                    t1 = now_ns()
                    gc.enable()
                return t1 - t0

        return run

    return Bench(
        w.name,
        f"dumps {'cold' if cold else 'warm'}",
        runner(stock),
        runner(fast),
        [f"{len(pool)} cookie(s) identical, native path"],
    )


def bench_loads(w: wl.Workload, cold: bool) -> Bench:
    stock, fast = sides(w)
    pool = w.variants() if cold else [w.session]
    # Cookies signed now (real clock), identical from both sides (checked
    # under a frozen clock in bench_dumps; here they are only inputs).
    with stock.app.app_context():
        cookies = [stock.serializer.dumps(s) for s in pool]
    with stock.app.app_context():
        expected = [stock.serializer.loads(c) for c in cookies]
    with fast.app.app_context(), native_only("loads"):
        got = [fast.serializer.loads(c) for c in cookies]
    check(all(map(same_value, expected, got)), "loads: fast value differs from stock")

    def runner(side: Side) -> Runner:
        loads = side.serializer.loads
        if cold:

            def run(n: int) -> int:
                with side.app.app_context():
                    gc.disable()
                    t0 = now_ns()
                    for i in range(n):
                        loads(cookies[i & MASK])
                    t1 = now_ns()
                    gc.enable()
                return t1 - t0
        else:
            c = cookies[0]

            def run(n: int) -> int:
                with side.app.app_context():
                    gc.disable()
                    t0 = now_ns()
                    for _ in range(n):
                        loads(c)
                    t1 = now_ns()
                    gc.enable()
                return t1 - t0

        return run

    return Bench(
        w.name,
        f"loads {'cold' if cold else 'warm'}",
        runner(stock),
        runner(fast),
        [f"{len(pool)} loaded session(s) identical (types included), native path"],
    )


def payload_segment(cookie: str) -> str:
    """The cookie without its timestamp and signature (a function of the JSON only)."""
    return cookie.rsplit(".", 2)[0]


def bench_open_save(w: wl.Workload, cold: bool, read_only: bool = False) -> Bench:
    """``open_session`` on a real request carrying the cookie, one change to
    the session, ``save_session`` into a fresh response. Cold: request i
    carries variant i and the view sets variant i+1 (a changed session);
    warm: variant 0 re-saved unchanged but modified (a permanent session's
    refresh). The request objects are built once, so werkzeug's cookie
    parsing (cached on the request) is outside the loop.

    ``read_only``: the view only reads ``vary_key``, so the session is
    re-saved unchanged and not modified (``SESSION_REFRESH_EACH_REQUEST``);
    cold, request i carries variant i and variant i is saved."""
    stock, fast = sides(w)
    n_pool = wl.POOL if cold else 1
    key = w.vary_key
    values = [w.vary_value(i) for i in range(wl.POOL)]
    operation = "open+read+save" if read_only else "open+save"

    def cookies() -> list[str]:
        with stock.app.app_context():
            return [stock.serializer.dumps(w.variant(i)) for i in range(n_pool)]

    def requests(app: Flask, cookies: list[str]) -> list[t.Any]:
        return [
            app.test_request_context(headers={"Cookie": f"session={c}"}).request for c in cookies
        ]

    def cycle(side: Side, reqs: list[t.Any]) -> t.Callable[[int], t.Any]:
        app = side.app
        iface = app.session_interface
        open_session: t.Callable[[Flask, t.Any], t.Any] = iface.open_session
        save_session = iface.save_session
        response_class = app.response_class
        if read_only:

            def body(i: int) -> t.Any:
                s = open_session(app, reqs[i & MASK] if cold else reqs[0])
                s.get(key)
                r = response_class()
                save_session(app, s, r)
                return r
        elif cold:

            def body(i: int) -> t.Any:
                s = open_session(app, reqs[i & MASK])
                s[key] = values[(i + 1) & MASK]
                r = response_class()
                save_session(app, s, r)
                return r
        else:
            req, v0 = reqs[0], values[0]

            def body(i: int) -> t.Any:
                s = open_session(app, req)
                s[key] = v0
                r = response_class()
                save_session(app, s, r)
                return r

        return body

    with wl.frozen_time():
        frozen = cookies()
        stock_check = cycle(stock, requests(stock.app, frozen))
        fast_check = cycle(fast, requests(fast.app, frozen))
        for i in range(n_pool):
            with stock.app.app_context():
                expected = stock_check(i)
                saved = w.variant(i if read_only else (i + 1) & MASK if cold else 0)
                want_payload = payload_segment(stock.serializer.dumps(saved))
            with fast.app.app_context(), native_only("open_session + save_session"):
                got = fast_check(i)
            check(
                set_cookie_headers(got) == set_cookie_headers(expected),
                f"{operation}: Set-Cookie/Vary differ (variant {i})",
            )
            check(
                payload_segment(session_cookie(got)) == want_payload,
                f"{operation}: saved session is not the opened one"
                f"{'' if read_only else ', modified'} (variant {i})",
            )
    live = cookies()  # signed with the real clock: not expired while timing
    return Bench(
        w.name,
        f"{operation} {'cold' if cold else 'warm'}",
        timed_loop(stock.app, cycle(stock, requests(stock.app, live))),
        timed_loop(fast.app, cycle(fast, requests(fast.app, live))),
        [f"{n_pool} Set-Cookie + Vary header set(s) identical, native path"],
    )


def bench_open_read_save(w: wl.Workload, cold: bool) -> Bench:
    return bench_open_save(w, cold, read_only=True)


def bench_new_serializer(w: wl.Workload, cold: bool, op: str) -> Bench:
    """``app.session_interface.get_signing_serializer(app).dumps(session)``
    (or ``.loads(cookie)``) in an app context: the serializer built for
    every call, as Flask's ``open_session`` and ``save_session`` build it.
    Cold rotates over the variants, warm repeats variant 0."""
    stock, fast = sides(w)
    pool = w.variants() if cold else [w.session]
    check(
        type(wl.signing_serializer(fast.app)) is flask_fastsession.FastSigningSerializer,
        "fast get_signing_serializer: not a FastSigningSerializer",
    )

    def body_for(side: Side, items: list[t.Any]) -> t.Callable[[int], t.Any]:
        app = side.app
        gss: t.Callable[[Flask], t.Any] = t.cast(
            t.Any, app.session_interface
        ).get_signing_serializer
        if op == "dumps":

            def body(i: int) -> t.Any:
                return gss(app).dumps(items[i & MASK] if cold else items[0])
        else:

            def body(i: int) -> t.Any:
                return gss(app).loads(items[i & MASK] if cold else items[0])

        return body

    n = len(pool)
    if op == "dumps":
        items = pool
        with wl.frozen_time():
            with stock.app.app_context():
                expected = [body_for(stock, items)(i) for i in range(n)]
            with fast.app.app_context(), native_only("serializer+dumps"):
                got = [body_for(fast, items)(i) for i in range(n)]
        check(got == expected, "serializer+dumps: fast cookie differs from stock")
        what = f"{n} cookie(s) identical, native path"
    else:
        with stock.app.app_context():
            items = [stock.serializer.dumps(s) for s in pool]  # real clock: not expired
            expected = [body_for(stock, items)(i) for i in range(n)]
        with fast.app.app_context(), native_only("serializer+loads"):
            got = [body_for(fast, items)(i) for i in range(n)]
        check(all(map(same_value, expected, got)), "serializer+loads: fast value differs")
        what = f"{n} loaded session(s) identical (types included), native path"
    return Bench(
        w.name,
        f"serializer+{op} {'cold' if cold else 'warm'}",
        timed_loop(stock.app, body_for(stock, items)),
        timed_loop(fast.app, body_for(fast, items)),
        [what],
    )


def bench_request(w: wl.Workload, cold: bool) -> Bench:
    """A full ``test_client().get("/?v=...")`` to a view that reads the
    session and writes ``vary_key``; permanent session."""
    stock, fast = sides(w)
    n_pool = wl.POOL if cold else 1
    paths = [f"/?v={(i + 1) & MASK if cold else 0}" for i in range(n_pool)]

    def body_for(app: Flask) -> t.Callable[[int], t.Any]:
        with stock.app.app_context():
            cookies = [stock.serializer.dumps(w.variant(i)) for i in range(n_pool)]
        headers = [{"Cookie": f"session={c}"} for c in cookies]
        get = app.test_client(use_cookies=False).get
        if cold:

            def body(i: int) -> t.Any:
                j = i & MASK
                return get(paths[j], headers=headers[j])
        else:
            h, p = headers[0], paths[0]

            def body(i: int) -> t.Any:
                return get(p, headers=h)

        return body

    checked = [0, 1, n_pool - 1] if cold else [0]
    with wl.frozen_time():
        stock_check, fast_check = body_for(stock.app), body_for(fast.app)
        for i in checked:
            expected = stock_check(i)
            with native_only("request"):
                got = fast_check(i)
            check(got.status_code == expected.status_code == 200, "request: status")
            check(got.data == expected.data, "request: body differs")
            check(
                set_cookie_headers(got) == set_cookie_headers(expected),
                f"request: Set-Cookie/Vary differ (variant {i})",
            )
            with stock.app.app_context():
                saved = w.variant((i + 1) & MASK if cold else 0)
                want_payload = payload_segment(stock.serializer.dumps(saved))
            check(
                payload_segment(session_cookie(got)) == want_payload,
                f"request: saved session is not the opened one, modified (variant {i})",
            )

    def runner(body: t.Callable[[int], t.Any]) -> Runner:
        def run(n: int) -> int:
            gc.disable()
            t0 = now_ns()
            for i in range(n):
                body(i)
            t1 = now_ns()
            gc.enable()
            return t1 - t0

        return run

    return Bench(
        w.name,
        f"request {'cold' if cold else 'warm'}",
        runner(body_for(stock.app)),
        runner(body_for(fast.app)),
        [
            f"{len(checked)} full response(s) identical (status, body, Set-Cookie, Vary), "
            "native path"
        ],
    )


BUILDERS: list[tuple[str, t.Callable[[wl.Workload, bool], Bench]]] = [
    ("dumps", bench_dumps),
    ("loads", bench_loads),
    ("serializer+dumps", functools.partial(bench_new_serializer, op="dumps")),
    ("serializer+loads", functools.partial(bench_new_serializer, op="loads")),
    ("open+save", bench_open_save),
    ("open+read+save", bench_open_read_save),
    ("request", bench_request),
]


# --------------------------------------------------------------------------------------
# Timing


@dataclasses.dataclass
class Plan:
    rounds: int
    block_ns: int
    clock: str


def calibrate(run: Runner, block_ns: int) -> int:
    """Operations per block so one block takes about ``block_ns``."""
    n = 1
    while True:
        elapsed = run(n)
        if elapsed >= 5_000_000 or n >= 1 << 24:
            break
        n *= 4
    per_op = max(elapsed / n, 1.0)
    return max(1, round(block_ns / per_op))


def measure(bench: Bench, plan: Plan) -> Result:
    n_stock = calibrate(bench.stock, plan.block_ns)
    n_fast = calibrate(bench.fast, plan.block_ns)
    bench.stock(n_stock)  # warm-up blocks
    bench.fast(n_fast)
    stock_ns: list[float] = []
    fast_ns: list[float] = []
    for r in range(plan.rounds):
        order = ((bench.stock, n_stock, stock_ns), (bench.fast, n_fast, fast_ns))
        for run, n, out in order if r % 2 == 0 else reversed(order):
            out.append(run(n) / n)
    return Result(bench, stock_ns, fast_ns)


def loop_overhead_ns() -> float:
    """Cost of the harness's loop around one call (not subtracted)."""
    pool = [None] * wl.POOL

    def f(x: t.Any) -> None:
        return None

    best = float("inf")
    for _ in range(5):
        n = 200_000
        gc.disable()
        t0 = now_ns()
        for i in range(n):
            f(pool[i & MASK])
        best = min(best, (now_ns() - t0) / n)
        gc.enable()
    return best


# --------------------------------------------------------------------------------------
# Report


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_revision() -> str:
    try:
        rev = subprocess.run(
            ["git", "-C", str(HERE), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


@functools.cache
def machine_info() -> list[tuple[str, str]]:
    v = importlib.metadata.version
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count() or 0
    return [
        ("CPU", cpu_model()),
        ("cores", f"{os.cpu_count()} ({affinity} usable)"),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        (
            "Flask / itsdangerous / Werkzeug",
            f"{v('flask')} / {v('itsdangerous')} / {v('werkzeug')}",
        ),
        (
            "zlib (runtime)",
            f"interpreter {zlib.ZLIB_RUNTIME_VERSION}, extension {_native.ZLIB_RUNTIME_VERSION} "
            f"({_native.ZLIB_LINKAGE}); payloads compressed by the {_native.deflater()} zlib",
        ),
        (
            "flask-fastsession",
            f"{flask_fastsession.__version__} ({_native.BUILD_PROFILE} build), "
            f"git {git_revision()}",
        ),
    ]


def fmt_us(ns: float) -> str:
    us = ns / 1000
    return f"{us:.2f}" if us < 10 else f"{us:.1f}" if us < 1000 else f"{us:.0f}"


def table(results: list[Result]) -> list[str]:
    lines = [
        "| workload | operation | stock µs | fast µs | speed-up | noise |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.bench.workload} | {r.bench.operation} | {fmt_us(r.stock)} | "
            f"{fmt_us(r.fast)} | {r.ratio:.1f}× | {r.noise * 100:.0f}% |"
        )
    return lines


def report(results: list[Result], plan: Plan, overhead: float, checks: list[str]) -> str:
    out = ["## Stock vs fast: median µs per operation", ""]
    out += table(results)
    out += [
        "",
        f"µs columns: medians over {plan.rounds} interleaved rounds of "
        f"~{plan.block_ns / 1e6:.0f} ms blocks per side, timed with "
        f"{CLOCK_NAMES[plan.clock]}. Speed-up: median of the per-round stock/fast ratios "
        "(> 1 means fast is faster). Noise: the larger relative interquartile range of "
        "the two sides' rounds. "
        f"Harness loop overhead ≈ {overhead:.0f} ns/op, included in both columns. "
        f"Load average at the end: {load_average()}.",
        "",
        "Identity checks (untimed, frozen clock, before each benchmark):",
        "",
    ]
    out += [f"- {c}" for c in checks]
    out += ["", "| machine | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in machine_info()]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--quick", action="store_true", help="smoke run: 3 rounds of 5 ms blocks")
    p.add_argument("--rounds", type=int, help="interleaved rounds per benchmark (default 41)")
    p.add_argument("--block-ms", type=float, help="duration of one timed block (default 50)")
    p.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="cpu: this thread's CPU time (default); wall: perf_counter",
    )
    p.add_argument(
        "-k",
        dest="filters",
        action="append",
        metavar="TEXT",
        help="only rows whose 'workload operation' contains TEXT (repeat: any of them)",
    )
    p.add_argument(
        "--deflater",
        choices=["auto", "native", "interpreter"],
        default="auto",
        help="what compresses payloads on the fast side: the import-time choice (default), the "
        "extension's zlib, or the interpreter's zlib.compress (the mode used where the two differ)",
    )
    p.add_argument("--markdown", type=Path, metavar="FILE", help="also write the report to FILE")
    p.add_argument("--e2e", action="store_true", help="then run benches/e2e.py (gunicorn + wrk)")
    args = p.parse_args(argv)

    if _native.BUILD_PROFILE != "release":
        print(
            f"refusing to benchmark a {_native.BUILD_PROFILE} build of flask_fastsession._native: "
            "build it with `make develop` (maturin develop --release) first.",
            file=sys.stderr,
        )
        return 2

    if args.deflater == "native" and not _checks.ZLIB_MATCHES:
        print(
            "the extension's zlib differs from the interpreter's here: --deflater native "
            "would write other cookies",
            file=sys.stderr,
        )
        return 2
    if args.deflater != "auto":
        _native.set_deflater(args.deflater)

    global now_ns
    now_ns = CLOCKS[args.clock]
    plan = Plan(
        rounds=args.rounds or (3 if args.quick else 41),
        block_ns=int((args.block_ms or (5 if args.quick else 50)) * 1e6),
        clock=args.clock,
    )
    stale = wl.stale_fixtures()
    fixtures_note = (
        "Rust fixtures (benches/fixtures/*.json) up to date with workloads.py"
        if not stale
        else f"Rust fixtures STALE for {', '.join(stale)}: "
        "run `python benches/workloads.py --write-fixtures`"
    )
    for k, v in machine_info():
        print(f"{k}: {v}")
    print(f"clock: {CLOCK_NAMES[plan.clock]}; load average: {load_average()}")
    print(fixtures_note)
    print()

    results: list[Result] = []
    checks: list[str] = []
    started = time.monotonic()
    for name, make in wl.WORKLOADS.items():
        w = make()
        for op, builder in BUILDERS:
            for cold in (True, False):
                label = f"{name} {op} {'cold' if cold else 'warm'}"
                if args.filters and not any(f in label for f in args.filters):
                    continue
                try:
                    bench = builder(w, cold)
                except CheckFailed as e:
                    print(f"IDENTITY CHECK FAILED for {label}: {e}", file=sys.stderr)
                    return 1
                line = f"{label}: " + "; ".join(bench.checks)
                print(f"check ok  {line}", flush=True)
                checks.append(line)
                res = measure(bench, plan)
                results.append(res)
                print(
                    f"          stock {fmt_us(res.stock)} µs  fast {fmt_us(res.fast)} µs  "
                    f"{res.ratio:.1f}×  (noise {res.noise * 100:.0f}%)",
                    flush=True,
                )
    if not results:
        print(f"no benchmark matches -k {args.filters!r}", file=sys.stderr)
        return 2
    checks.append(fixtures_note)
    text = report(results, plan, loop_overhead_ns(), checks)
    print()
    print(text, end="")
    print(f"\n({time.monotonic() - started:.0f} s)")
    if args.markdown:
        args.markdown.write_text(text)
        print(f"wrote {args.markdown}")
    if args.e2e:
        cmd = [sys.executable, str(HERE / "e2e.py")] + (["--quick"] if args.quick else [])
        return subprocess.call(cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
