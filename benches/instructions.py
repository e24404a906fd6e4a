"""Instructions per request: stock vs fast vs null, counted by callgrind.

Deterministic where time is not: each figure is the number of instructions
the CPU executes, counted by valgrind's callgrind, so it does not move with
the machine's load. This is the benchmark to decide on.

For every implementation (``stock``, ``fast``, ``null``; see
``endpoints.py``) and endpoint (``read``: a read-only request of a
permanent session, refreshed every request; ``write``: a request that
changes the session), a child Python process under
``valgrind --tool=callgrind`` builds the app, then serves N requests by
calling ``app.wsgi_app`` directly with a prebuilt WSGI environ that carries
the session cookie (no server, no sockets). It runs once with N = 50 and
once with N = 150; the difference of the two totals divided by 100 is the
cost of one request, with start-up, imports and first-call costs cancelled
out. The same is done for the session calls alone (``open_session``, the
view's read or write, ``save_session`` into a new response, on one request
object whose cookie werkzeug has already parsed).

From the same pairs of profiles (function by function, 150 minus 50, / 100)
it prints where fast's session calls spend their instructions: by component
(the interpreter running Python code, the Rust extension, zlib, libc's
memset/memcpy, SHA-1), the top exclusive cost centres, and the top
inclusive ones outside the interpreter.

Before any of that, the identity checks of ``endpoints.check_endpoints``
(fast answers as stock does, on the native path; null does nothing else).

    python benches/instructions.py                  # ~2-4 minutes
    python benches/instructions.py --quick          # N = 10 and 30: smoke run
    python benches/instructions.py --keep cg/ --markdown instructions.md

The callgrind files kept with ``--keep`` can be read with
``callgrind_annotate`` (e.g. ``callgrind_annotate --inclusive=yes
cg/fast-write-session-150.out``); they include interpreter start-up, which
the differences here leave out.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import dataclasses
import os
import re
import shutil
import subprocess
import sys
import tempfile
import typing as t
from pathlib import Path

from flask import Flask

from flask_fastsession import FastSessionInterface
from flask_fastsession import _native

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import endpoints as ep  # noqa: E402
import run as micro  # noqa: E402
import workloads as wl  # noqa: E402

#: What one loop iteration does: a whole request, or the session calls only.
SCOPES = ("request", "session")
SCOPE_LABELS = {"request": "whole request", "session": "session calls only"}

# --------------------------------------------------------------------------------------
# The child: N requests (or session cycles) under callgrind


def child(impl: str, endpoint: str, scope: str, n: int) -> int:
    """Serves ``n`` requests and checks the last answer; run under valgrind."""
    w = wl.typical()
    cookie = ep.stock_cookie(w)
    app = ep.make_app(impl, w, cookie)
    if impl == "fast" and not FastSessionInterface.uses_native(app):
        print("fast app does not use the native path", file=sys.stderr)
        return 1
    path = {e.name: e.path for e in ep.ENDPOINTS}[endpoint]
    env = ep.environ(path, cookie)
    if scope == "request":
        call = ep.call
        answer = None
        for _ in range(n):
            answer = call(app, env)
        assert answer is not None
        ok = answer.status == "200 OK" and ep.session_cookie(answer).startswith("session=")
        print(f"last answer: {answer.status}, {len(answer.headers)} headers")
        return 0 if ok else 1

    iface = app.session_interface
    open_session: t.Callable[[Flask, t.Any], t.Any] = iface.open_session
    save_session = iface.save_session
    response_class = app.response_class
    key = w.vary_key
    vary_value = w.vary_value
    with app.request_context(dict(env)) as ctx:
        request = ctx.request
        response = None
        if endpoint == "read":
            for _ in range(n):
                s = open_session(app, request)
                s.get("_user_id")
                response = response_class()
                save_session(app, s, response)
        else:
            for i in range(n):
                s = open_session(app, request)
                s.get("_user_id")
                s[key] = vary_value(1 + i % wl.WRITE_CYCLE)
                response = response_class()
                save_session(app, s, response)
    assert response is not None
    cookies = response.headers.getlist("Set-Cookie")
    print(f"last response: {len(cookies)} Set-Cookie, Vary {response.headers.get('Vary')!r}")
    return 0 if len(cookies) == 1 and response.headers.get("Vary") == "Cookie" else 1


# --------------------------------------------------------------------------------------
# Reading callgrind's output


@dataclasses.dataclass
class Profile:
    total: int
    #: (object, function) -> instructions executed in the function itself.
    self_cost: collections.Counter[tuple[str, str]]
    #: ((object, caller), (object, callee)) -> instructions of those calls, callees included.
    calls: collections.Counter[tuple[tuple[str, str], tuple[str, str]]]

    def __sub__(self, other: Profile) -> Profile:
        return Profile(
            self.total - other.total,
            _sub(self.self_cost, other.self_cost),
            _sub(self.calls, other.calls),
        )

    def scaled(self, divisor: float) -> Profile:
        return Profile(
            round(self.total / divisor),
            collections.Counter({k: v / divisor for k, v in self.self_cost.items()}),
            collections.Counter({k: v / divisor for k, v in self.calls.items()}),
        )


def _sub(
    a: collections.Counter[t.Any], b: collections.Counter[t.Any]
) -> collections.Counter[t.Any]:
    out: collections.Counter[t.Any] = collections.Counter()
    for k in a.keys() | b.keys():
        d = a.get(k, 0) - b.get(k, 0)
        if d:
            out[k] = d
    return out


_NAME = re.compile(r"\((\d+)\)(?: (.*))?")
#: callgrind's recursion-depth suffix (``func'2``), folded into ``func``.
_RECURSION = re.compile(r"'\d+$")


def parse_callgrind(path: Path) -> Profile:
    """Self costs and call costs (first event, ``Ir``) of a callgrind
    output file, per (object, function), recursion levels folded together."""
    names: dict[str, dict[str, str]] = {"ob": {}, "fn": {}}
    self_cost: collections.Counter[tuple[str, str]] = collections.Counter()
    calls: collections.Counter[tuple[tuple[str, str], tuple[str, str]]] = collections.Counter()
    n_pos = 1
    total = None
    ob = fn = "???"
    cob: str | None = None
    cfn = "???"
    pending_call = False

    def name(kind: str, value: str) -> str:
        m = _NAME.fullmatch(value)
        if not m:
            return value
        if m.group(2) is not None:
            names[kind][m.group(1)] = m.group(2)
            return m.group(2)
        return names[kind][m.group(1)]

    with path.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            c = line[:1]
            if c.isdigit() or c in "+-*":
                parts = line.split()
                cost = int(parts[n_pos]) if len(parts) > n_pos else 0
                if pending_call:
                    callee = (cob if cob is not None else ob, cfn)
                    calls[((ob, fn), callee)] += cost
                    pending_call = False
                    cob = None
                else:
                    self_cost[(ob, fn)] += cost
                continue
            key, sep, value = line.rstrip("\n").partition("=")
            if sep:
                if key == "ob":
                    ob = name("ob", value)
                elif key == "fn":
                    fn = _RECURSION.sub("", name("fn", value))
                elif key == "cob":
                    cob = name("ob", value)
                elif key == "cfn":
                    cfn = _RECURSION.sub("", name("fn", value))
                elif key == "calls":
                    pending_call = True
                continue
            key, sep, value = line.partition(":")
            if sep:
                if key == "positions":
                    n_pos = len(value.split())
                elif key in ("totals", "summary"):
                    total = int(value.split()[0])
    if total is None:
        raise RuntimeError(f"{path}: no totals line")
    return Profile(total, self_cost, calls)


# --------------------------------------------------------------------------------------
# Running the children


@dataclasses.dataclass(frozen=True)
class Job:
    impl: str
    endpoint: str
    scope: str
    n: int

    @property
    def stem(self) -> str:
        return f"{self.impl}-{self.endpoint}-{self.scope}-{self.n}"


#: glibc picks ``rep stosb`` / ``rep movsb`` for memset / memcpy above a few
#: KiB on CPUs with ERMS. callgrind counts every byte such an instruction
#: stores as one instruction executed (64 KiB cleared = 65,536), while the
#: CPU stores 32 bytes or more per cycle. With these tunables glibc uses its
#: AVX2 loops instead (32 bytes per store, about 5,000 instructions for
#: 64 KiB), which counts the work in proportion to its cost.
VECTOR_MEM = (
    "glibc.cpu.x86_rep_stosb_threshold=0x1000000000:"
    "glibc.cpu.x86_rep_movsb_threshold=0x1000000000"
)


def run_job(job: Job, out_dir: Path, rep_strings: bool = False) -> Path:
    out = out_dir / f"{job.stem}.out"
    cmd = [
        "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
        sys.executable, str(Path(__file__).resolve()),
        "--child", job.impl, job.endpoint, job.scope, str(job.n),
    ]  # fmt: skip
    env = dict(os.environ, PYTHONHASHSEED="0")
    if not rep_strings:
        tunables = [x for x in (env.get("GLIBC_TUNABLES"), VECTOR_MEM) if x]
        env["GLIBC_TUNABLES"] = ":".join(tunables)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{job.stem}: exit {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
        )
    return out


def per_request(profiles: dict[int, Profile], lo: int, hi: int) -> Profile:
    return (profiles[hi] - profiles[lo]).scaled(hi - lo)


# --------------------------------------------------------------------------------------
# Python-level calls (what "Python glue" is made of)


def python_calls(impl: str, endpoint: str, warmup: int = 5) -> collections.Counter[str]:
    """Calls per request, by Python function and builtin, seen by
    ``sys.setprofile`` during one request after ``warmup`` others."""
    w = wl.typical()
    cookie = ep.stock_cookie(w)
    app = ep.make_app(impl, w, cookie)
    env = ep.environ({e.name: e.path for e in ep.ENDPOINTS}[endpoint], cookie)
    for _ in range(warmup):
        ep.call(app, env)
    counts: collections.Counter[str] = collections.Counter()

    def hook(frame: t.Any, event: str, arg: t.Any) -> None:
        if event == "call":
            code = frame.f_code
            name = getattr(code, "co_qualname", code.co_name)
            counts[f"{frame.f_globals.get('__name__')}.{name}"] += 1
        elif event == "c_call":
            counts[f"(C) {getattr(arg, '__qualname__', None) or arg.__name__}"] += 1

    old = sys.getprofile()
    sys.setprofile(hook)
    try:
        ep.call(app, env)
    finally:
        sys.setprofile(old)
    return counts


def python_calls_table() -> list[str]:
    got = {
        (impl, e.name): python_calls(impl, e.name)
        for impl in ("fast", "null")
        for e in ep.ENDPOINTS
    }
    diffs = {}
    for e in ep.ENDPOINTS:
        d = collections.Counter(got[("fast", e.name)])
        d.subtract(got[("null", e.name)])
        diffs[e.name] = d
    names = sorted({k for d in diffs.values() for k, v in d.items() if v})
    out = [
        "### Python-level calls per request, fast − null",
        "",
        "Seen by `sys.setprofile` during one request (after 5 others): the calls that make "
        "up the Python glue above. Totals: "
        + "; ".join(
            f"{e.label}: fast {sum(got[('fast', e.name)].values())}, "
            f"null {sum(got[('null', e.name)].values())}"
            for e in ep.ENDPOINTS
        )
        + ".",
        "",
        "| function | " + " | ".join(e.label for e in ep.ENDPOINTS) + " |",
        "|---|" + "---:|" * len(ep.ENDPOINTS),
    ]
    for name in names:
        out.append(
            f"| `{name}` | " + " | ".join(f"{diffs[e.name][name]:+d}" for e in ep.ENDPOINTS) + " |"
        )
    return out + [""]


# --------------------------------------------------------------------------------------
# Report


def short_object(ob: str) -> str:
    base = ob.rsplit("/", 1)[-1]
    if base.startswith("_native."):
        return "_native (Rust)"
    if base.startswith("libpython") or base.startswith("python"):
        return "interpreter"
    return base


_HASH = re.compile(r"::h[0-9a-f]{16}$")


def short_function(fn: str, width: int = 88) -> str:
    """A demangled name without its Rust hash, cut to ``width``."""
    fn = _HASH.sub("", fn)
    return fn if len(fn) <= width else fn[: width - 1] + "…"


def component(ob: str, fn: str) -> str:
    """The bucket a function's own instructions go to."""
    short = short_object(ob)
    low = fn.lower()
    if short == "interpreter":
        return "interpreter (bytecode, objects, C builtins)"
    if short.startswith("libz."):
        return "zlib (deflate / inflate)"
    if short.startswith("libc."):
        if "memset" in low:
            return "libc memset"
        if "memcpy" in low or "memmove" in low:
            return "libc memcpy / memmove"
        if "malloc" in low or "free" in low or "alloc" in low:
            return "libc malloc / free"
        return "libc, other"
    if short == "_native (Rust)":
        if "sha1" in low:
            return "SHA-1 (Rust)"
        return "Rust extension, other"
    return f"other: {short}"


def fmt_i(x: float) -> str:
    return f"{x:,.0f}"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b > 0 else "–"


def instruction_table(results: dict[tuple[str, str, str], Profile]) -> list[str]:
    out = [
        "| | stock | fast | null | fast / null | stock / fast | fast − null |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for scope in SCOPES:
        for e in ep.ENDPOINTS:
            got = {impl: results.get((impl, e.name, scope)) for impl in ep.IMPLS}
            if any(p is None for p in got.values()):
                continue
            s, f, n = (got[i].total for i in ep.IMPLS)  # type: ignore[union-attr]
            label = e.label if scope == "request" else f"{e.label}: session calls only"
            out.append(
                f"| {label} | {fmt_i(s)} | {fmt_i(f)} | {fmt_i(n)} | {ratio(f, n)} | "
                f"{ratio(s, f)} | {fmt_i(f - n)} |"
            )
    return out


def entered(p: Profile, predicate: t.Callable[[str], bool]) -> float:
    """Instructions under calls into objects matching ``predicate`` from
    outside them (their callees included)."""
    return sum(
        cost
        for (caller, callee), cost in p.calls.items()
        if predicate(callee[0]) and not predicate(caller[0])
    )


def is_native(ob: str) -> bool:
    return short_object(ob) == "_native (Rust)"


def split(p: Profile) -> list[tuple[str, float]]:
    """``p.total`` split by what the instructions do, following the call
    graph: everything under a call into the Rust extension (zlib, memset
    from zlib, SHA-1, the rest of the Rust code, the CPython API and libc it
    calls), and the rest, the interpreter running Python code and what that
    calls outside the extension ("Python glue")."""

    def obj(ob: str) -> str:
        return short_object(ob)

    edges: collections.Counter[tuple[str, str]] = collections.Counter()
    memset_from_zlib = 0.0
    for (caller, callee), cost in p.calls.items():
        a, b = obj(caller[0]), obj(callee[0])
        if a != b:
            edges[(a, b)] += cost
        if a.startswith("libz.") and b.startswith("libc.") and "memset" in callee[1]:
            memset_from_zlib += cost
    native_own = sum(c for k, c in p.self_cost.items() if is_native(k[0]))
    sha1 = sum(c for k, c in p.self_cost.items() if is_native(k[0]) and "sha1" in k[1].lower())
    rust = "_native (Rust)"
    targets: tuple[tuple[str, t.Callable[[str], bool]], ...] = (
        ("zlib", lambda b: b.startswith("libz.")),
        ("interpreter", lambda b: b == "interpreter"),
        ("libc", lambda b: b.startswith("libc.")),
    )
    to = {
        kind: sum(c for (a, b), c in edges.items() if a == rust and pred(b))
        for kind, pred in targets
    }
    native = entered(p, is_native)
    parts = [
        ("zlib: deflate / inflate", to["zlib"] - memset_from_zlib),
        ("zlib: memset (deflateReset clearing the hash table)", memset_from_zlib),
        ("SHA-1 (Rust)", sha1),
        ("Rust extension, other code (JSON, base64, memo, glue)", native_own - sha1),
        ("CPython C API called from Rust (objects built and read)", to["interpreter"]),
        ("libc called from Rust (malloc, memcpy)", to["libc"]),
    ]
    parts.append(("other, under the Rust extension", native - sum(c for _, c in parts)))
    parts.append(
        ("Python glue: interpreter and all it calls outside the extension", p.total - native)
    )
    return parts


def breakdown(p: Profile, title: str, top: int) -> list[str]:
    out = [f"### {title}: {fmt_i(p.total)} instructions", ""]
    out += ["| where | instructions | share |", "|---|---:|---:|"]
    for name, cost in split(p):
        if abs(cost) >= 0.5:
            out.append(f"| {name} | {fmt_i(cost)} | {cost / p.total * 100:.1f}% |")
    buckets: collections.Counter[str] = collections.Counter()
    for (ob, fn), cost in p.self_cost.items():
        buckets[component(ob, fn)] += cost
    out += [
        "",
        "Own instructions by library: "
        + ", ".join(f"{name} {fmt_i(c)}" for name, c in buckets.most_common() if abs(c) >= 0.5)
        + ".",
        "",
        f"Top {top} exclusive (instructions in the function itself):",
        "",
        "| instructions | object | function |",
        "|---:|---|---|",
    ]
    for (ob, fn), cost in p.self_cost.most_common(top):
        out.append(f"| {fmt_i(cost)} | {short_object(ob)} | `{short_function(fn)}` |")
    incl: collections.Counter[tuple[str, str]] = collections.Counter()
    for key, cost in p.self_cost.items():
        if short_object(key[0]) != "interpreter":
            incl[key] += cost
    for (caller, callee), cost in p.calls.items():
        if short_object(caller[0]) != "interpreter" and caller[1] != callee[1]:
            incl[caller] += cost
    # The program's roots (start-up code, the interpreter's entry) hold everything.
    roots = [k for k, c in incl.items() if c >= 0.98 * p.total]
    for k in roots:
        del incl[k]
    out += [
        "",
        f"Top {top} inclusive outside the interpreter (the function and all it calls; "
        "the interpreter's own functions are left out: their recursion makes inclusive "
        "counts meaningless):",
        "",
        "| instructions | object | function |",
        "|---:|---|---|",
    ]
    for (ob, fn), cost in incl.most_common(top):
        out.append(f"| {fmt_i(cost)} | {short_object(ob)} | `{short_function(fn)}` |")
    return out + [""]


def report(
    results: dict[tuple[str, str, str], Profile],
    counts: tuple[int, int],
    checks: list[str],
    top: int,
    rep_strings: bool,
) -> str:
    lo, hi = counts
    out = ["## Instructions per request (callgrind)", ""]
    out += instruction_table(results)
    out += [
        "",
        f"Instructions (valgrind --tool=callgrind, Ir) of a run serving {hi} requests minus "
        f"one serving {lo}, divided by {hi - lo}; in process, `app.wsgi_app` called with a "
        "prebuilt environ (no server, no sockets); the `typical` session (415 B cookie). "
        "Read-only request: the view reads the permanent session, which is re-saved "
        "(`SESSION_REFRESH_EACH_REQUEST`). Writing request: the view sets a value no recent "
        "request set. Session calls only: `open_session`, the read or write, `save_session` "
        "into a new response, on a request whose cookie is already parsed. "
        "null: no signing, JSON or zlib; a prebuilt session in, a constant Set-Cookie out.",
        "",
        (
            "glibc's memset/memcpy left as they are: `rep stosb` counts one instruction per "
            "byte stored."
            if rep_strings
            else "memset/memcpy: glibc's AVX2 loops (`GLIBC_TUNABLES` rep thresholds raised), "
            "so a 64 KiB clear counts ~5,000 instructions rather than the 65,536 callgrind "
            "counts for `rep stosb`."
        )
        + " Under valgrind the CPU reports no SHA extensions, so SHA-1 runs (and is counted) "
        "as the sha1 crate's portable code; natively, on a CPU with SHA-NI, it costs less.",
        "",
    ]
    out += [
        "Where fast's instructions beyond the floor go: the profile of fast minus the "
        "profile of null, function by function, per request.",
        "",
    ]
    for e in ep.ENDPOINTS:
        for scope in SCOPES:
            f, n = results.get(("fast", e.name, scope)), results.get(("null", e.name, scope))
            if f is None or n is None:
                continue
            out += breakdown(f - n, f"fast − null, {e.label}, {SCOPE_LABELS[scope]}", top)
    out += python_calls_table()
    out += ["Checks:", ""] + [f"- {c}" for c in checks]
    out += ["", "| machine | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in micro.machine_info()]
    out += [f"| valgrind | {valgrind_version()} |"]
    return "\n".join(out) + "\n"


def valgrind_version() -> str:
    try:
        return subprocess.run(
            ["valgrind", "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--child"]:
        impl, endpoint, scope, n = argv[1:5]
        return child(impl, endpoint, scope, int(n))

    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--quick", action="store_true", help="N = 10 and 30 (a smoke run)")
    p.add_argument(
        "--counts", default=None, help="the two request counts, LO,HI (default 50,150)"
    )
    p.add_argument("--scope", choices=(*SCOPES, "both"), default="both")
    p.add_argument("--top", type=int, default=15, help="cost centres listed (default 15)")
    p.add_argument(
        "-j", "--jobs", type=int, default=len(os.sched_getaffinity(0)),
        help="valgrind processes at once (default: usable cores)",
    )  # fmt: skip
    p.add_argument(
        "--rep-strings",
        action="store_true",
        help="leave glibc's memset/memcpy choice alone (rep stosb: one instruction per byte)",
    )
    p.add_argument("--keep", type=Path, metavar="DIR", help="keep the callgrind files in DIR")
    p.add_argument("--markdown", type=Path, metavar="FILE", help="also write the report to FILE")
    args = p.parse_args(argv)
    lo, hi = (10, 30) if args.quick else (50, 150)
    if args.counts:
        lo, hi = (int(x) for x in args.counts.split(","))
    if not 0 < lo < hi:
        p.error("--counts: want 0 < LO < HI")

    if _native.BUILD_PROFILE != "release":
        print(
            f"refusing to count a {_native.BUILD_PROFILE} build: run `make develop` first",
            file=sys.stderr,
        )
        return 2
    if shutil.which("valgrind") is None:
        print("valgrind not found (Debian/Ubuntu: apt-get install -y valgrind)", file=sys.stderr)
        return 2
    try:
        checks = ep.check_endpoints(wl.typical())
    except micro.CheckFailed as e:
        print(f"IDENTITY CHECK FAILED: {e}", file=sys.stderr)
        return 1
    for k, v in micro.machine_info():
        print(f"{k}: {v}")
    print("check ok  " + "; ".join(checks), flush=True)

    scopes = SCOPES if args.scope == "both" else (args.scope,)
    jobs = [
        Job(impl, e.name, scope, n)
        for scope in scopes
        for e in ep.ENDPOINTS
        for impl in ep.IMPLS
        for n in (lo, hi)
    ]
    with tempfile.TemporaryDirectory(prefix="fastsession-callgrind-") as tmp:
        out_dir = args.keep or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        profiles: dict[Job, Profile] = {}
        try:
            with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
                futures = {
                    pool.submit(run_job, job, out_dir, args.rep_strings): job for job in jobs
                }
                for fut in concurrent.futures.as_completed(futures):
                    job = futures[fut]
                    profiles[job] = parse_callgrind(fut.result())
                    print(f"  {job.stem:28} {profiles[job].total:>15,} instructions", flush=True)
        except RuntimeError as e:
            print(f"callgrind run failed: {e}", file=sys.stderr)
            return 1
    results = {}
    for scope in scopes:
        for request in ep.ENDPOINTS:
            for impl in ep.IMPLS:
                by_n = {n: profiles[Job(impl, request.name, scope, n)] for n in (lo, hi)}
                results[(impl, request.name, scope)] = per_request(by_n, lo, hi)
    text = report(results, (lo, hi), checks, args.top, args.rep_strings)
    print()
    print(text, end="")
    if args.markdown:
        args.markdown.write_text(text)
        print(f"wrote {args.markdown}")
    if args.keep:
        print(f"callgrind files kept in {args.keep}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
