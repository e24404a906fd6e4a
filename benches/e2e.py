"""End to end: the same Flask app under gunicorn, stock vs fast vs null sessions, loaded by wrk.

Three gunicorn servers (1 sync worker each, 127.0.0.1, free ports) serve
``e2e_app.py`` with stock Flask sessions, flask-fastsession, and the null
session interface of ``endpoints.py`` (no signing, no JSON, no zlib: the
floor of any session implementation inside Flask's ``SessionInterface``).
Two endpoints, both with the same ``typical`` session cookie: ``/read``
(the view reads the permanent session, which is re-saved every request)
and ``/write`` (the view changes it).

Checks first: ``endpoints.check_endpoints`` in process (fast answers as
stock does, natively; null does nothing else), then over HTTP: every server
answers 200 with its ``X-Session-Impl``, stock and fast send the same session
payload, and null sends one constant ``Set-Cookie`` carrying the session it
was given.

Then rounds: in each, for each endpoint, one short wrk run per server, the
servers' order rotating from round to round. Around every run the worker's
CPU time (utime + stime from ``/proc/<pid>/stat``) is read, so CPU time per
request is reported beside requests/s and latency p50/p99: on a shared
machine it moves much less than requests/s. The report gives medians over
the rounds and the fast/stock and fast/null ratios (medians of the
per-round ratios). Servers are always stopped at the end (whole process
group).

Needs wrk (Debian: ``apt-get install -y wrk``) and gunicorn
(``pip install -r benches/requirements.txt``).

    python benches/e2e.py                      # 5 rounds of 3 s runs, ~2 min
    python benches/e2e.py --quick              # 2 rounds of 1 s runs
    python benches/e2e.py --duration 5 --rounds 9 --markdown e2e.md
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import typing as t
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import endpoints as ep  # noqa: E402
import run as micro  # noqa: E402
import workloads as wl  # noqa: E402
from flask_fastsession import _native  # noqa: E402

IMPLS = ep.IMPLS
LABELS = {"stock": "stock", "fast": "fast-native", "null": "null"}

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "errors": %d, "non_2xx": %d, '
    .. '"p50_us": %d, "p99_us": %d, "mean_us": %.1f}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
    e.status, latency:percentile(50), latency:percentile(99), latency.mean))
end
"""


class Server(t.NamedTuple):
    impl: str
    port: int
    proc: subprocess.Popen[bytes]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(impl: str, cookie: str, log: t.IO[bytes]) -> Server:
    port = free_port()
    env = dict(
        os.environ,
        FASTSESSION_BENCH_IMPL=impl,
        FASTSESSION_BENCH_COOKIE=cookie,
        PYTHONDONTWRITEBYTECODE="1",
    )
    cmd = [
        sys.executable, "-m", "gunicorn",
        "--workers", "1", "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}",
        "--chdir", str(HERE),
        "--log-level", "warning",
        "e2e_app:app",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=log, start_new_session=True)
    return Server(impl, port, proc)


def stop_server(server: Server) -> None:
    """SIGTERM to the whole process group (arbiter and worker), SIGKILL if needed."""
    if server.proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.proc.pid, signal.SIGTERM)
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait(timeout=10)


def worker_pid(server: Server) -> int:
    """The pid of the gunicorn worker: the arbiter's only child."""
    pid = server.proc.pid
    children_file = Path(f"/proc/{pid}/task/{pid}/children")
    if children_file.exists():
        children = [int(x) for x in children_file.read_text().split()]
    else:
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    children.append(int(stat.parent.name))
    if len(children) != 1:
        raise RuntimeError(f"{server.impl} server: {len(children)} workers, want 1")
    return children[0]


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def get(server: Server, path: str, cookie: str) -> tuple[int, t.Any, bytes]:
    req = urllib.request.Request(server.url(path), headers={"Cookie": f"session={cookie}"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        return resp.status, resp.headers, resp.read()


def wait_ready(server: Server, cookie: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.impl} server exited with {server.proc.returncode}")
        try:
            get(server, "/read", cookie)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{server.impl} server not ready after {timeout} s") from None
            time.sleep(0.1)


def check_servers(servers: dict[str, Server], cookie: str) -> list[str]:
    """Every server answers 200 with its label, Vary: Cookie and one session
    cookie. Stock and fast send the same payload segment on each endpoint
    (a function of the session JSON only; timestamp, signature and Expires
    may differ across live clocks; both servers' first /write writes the
    same value). Null sends one constant Set-Cookie, whose payload is the
    session of the cookie it was sent."""
    cookies: dict[tuple[str, str], list[str]] = {}
    for impl, server in servers.items():
        for e in ep.ENDPOINTS:
            for _ in range(2):
                status, headers, body = get(server, e.path, cookie)
                what = f"{impl} server, {e.path}"
                micro.check(status == 200, f"{what}: HTTP {status}")
                label = headers.get("X-Session-Impl")
                micro.check(label == LABELS[impl], f"{what}: X-Session-Impl is {label!r}")
                vary = headers.get("Vary")
                micro.check(vary == "Cookie", f"{what}: Vary is {vary!r}")
                micro.check(body == b"hello 42", f"{what}: body {body[:40]!r}")
                set_cookie = headers.get_all("Set-Cookie") or []
                values = [c for c in set_cookie if c.startswith("session=")]
                micro.check(len(values) == 1, f"{what}: {len(values)} session cookies")
                cookies.setdefault((impl, e.name), []).append(values[0])

    def payload(header: str) -> str:
        return micro.payload_segment(header.split(";", 1)[0].removeprefix("session="))

    for e in ep.ENDPOINTS:
        stock, fast = cookies[("stock", e.name)], cookies[("fast", e.name)]
        micro.check(
            list(map(payload, stock)) == list(map(payload, fast)),
            f"{e.path}: stock and fast session payloads differ",
        )
    null = cookies[("null", "read")] + cookies[("null", "write")]
    micro.check(len(set(null)) == 1, "null server: Set-Cookie not constant")
    micro.check(
        payload(null[0]) == payload(cookies[("stock", "read")][0]),
        "null server: its cookie does not carry the session it was sent",
    )
    micro.check(
        payload(cookies[("stock", "write")][0]) != payload(cookies[("stock", "read")][0]),
        "/write did not change the session",
    )
    return [
        "over HTTP: every server answers 200 with its label and Vary: Cookie; fast answers "
        "natively; stock and fast send the same session payloads (/read and /write); null "
        "sends one constant Set-Cookie carrying the session it was sent"
    ]


def run_wrk(
    server: Server, path: str, cookie: str, seconds: float, connections: int, script: Path
) -> dict[str, t.Any]:
    """One wrk run; adds requests/s and the worker's CPU µs per request."""
    cmd = [
        "wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "5s",
        "-s", str(script), "-H", f"Cookie: session={cookie}", server.url(path),
    ]  # fmt: skip
    pid = worker_pid(server)
    cpu0 = cpu_seconds(pid)
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    cpu1 = cpu_seconds(pid)
    if worker_pid(server) != pid:
        raise RuntimeError(f"{server.impl} server: the worker was replaced during a run")
    for line in out.splitlines():
        if line.startswith("WRK_JSON "):
            data: dict[str, t.Any] = json.loads(line.removeprefix("WRK_JSON "))
            data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
            data["cpu_us"] = (cpu1 - cpu0) * 1e6 / max(data["requests"], 1)
            return data
    raise RuntimeError(f"no summary in wrk output:\n{out}")


# --------------------------------------------------------------------------------------
# Report

Run = tuple[int, str, str, dict[str, t.Any]]  # round, endpoint, impl, wrk data

#: (key, label, scale, whether more is faster)
METRICS = (
    ("rps", "requests/s", 1.0, True),
    ("p50_us", "latency p50 ms", 1e-3, False),
    ("p99_us", "latency p99 ms", 1e-3, False),
    ("cpu_us", "worker CPU µs / request", 1.0, False),
)


def fmt(x: float) -> str:
    return f"{x:.0f}" if x >= 100 else f"{x:.2f}"


def summary_table(runs: list[Run], rounds: int) -> list[str]:
    out = [
        "| endpoint | | stock | fast | null | fast / stock | fast / null |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for e in ep.ENDPOINTS:
        by = {
            (r, impl): d for r, name, impl, d in runs if name == e.name
        }
        for key, label, scale, _ in METRICS:
            med = {
                impl: statistics.median(by[(r, impl)][key] for r in range(rounds))
                for impl in IMPLS
            }

            def ratio(a: str, b: str) -> str:
                x = statistics.median(by[(r, a)][key] / by[(r, b)][key] for r in range(rounds))
                return f"{x:.2f}×"

            out.append(
                f"| {e.label if key == 'rps' else ''} | {label} | "
                + " | ".join(fmt(med[i] * scale) for i in IMPLS)
                + f" | {ratio('fast', 'stock')} | {ratio('fast', 'null')} |"
            )
    return out


def report(runs: list[Run], args: argparse.Namespace, checks: list[str]) -> str:
    out = [
        "## End to end: gunicorn (1 sync worker) + wrk, typical session, stock vs fast vs null",
        "",
    ]
    out += summary_table(runs, args.rounds)
    out += [
        "",
        f"Medians over {args.rounds} rounds; in each round, for each endpoint, one "
        f"`wrk -t1 -c{args.connections} -d{args.duration:g}s` run per server, the servers' "
        "order rotating from round to round. Ratios: medians of the per-round ratios; "
        "requests/s ratios > 1 and latency and CPU ratios < 1 mean the first is faster. "
        "Worker CPU: utime + stime of the gunicorn worker (/proc/<pid>/stat) across the run, "
        "divided by the requests wrk completed. All on 127.0.0.1; gunicorn's sync worker "
        "closes the connection after each response, so every request includes a TCP "
        f"connect. Load average at the end: {micro.load_average()}.",
        "",
        "| round | endpoint | impl | requests/s | p50 ms | p99 ms | CPU µs/req | errors |",
        "|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for r, name, impl, d in runs:
        out.append(
            f"| {r + 1} | {name} | {impl} | {d['rps']:.0f} | {d['p50_us'] / 1000:.2f} | "
            f"{d['p99_us'] / 1000:.2f} | {d['cpu_us']:.0f} | {d['errors'] + d['non_2xx']} |"
        )
    out += [""] + [f"- {c}" for c in checks]
    out += ["", "| machine | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in micro.machine_info()]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--duration", type=float, help="seconds per wrk run (default 3)")
    p.add_argument("--connections", type=int, default=2, help="wrk connections (default 2)")
    p.add_argument("--rounds", type=int, help="rounds over the three servers (default 5)")
    p.add_argument("--quick", action="store_true", help="2 rounds of 1 s runs")
    p.add_argument("--markdown", type=Path, metavar="FILE", help="also write the report to FILE")
    args = p.parse_args(argv)
    args.duration = args.duration or (1.0 if args.quick else 3.0)
    args.rounds = args.rounds or (2 if args.quick else 5)
    warmup = 1.0

    if _native.BUILD_PROFILE != "release":
        print(
            f"refusing to benchmark a {_native.BUILD_PROFILE} build: run `make develop` first",
            file=sys.stderr,
        )
        return 2
    if shutil.which("wrk") is None:
        print("wrk not found: install it (Debian/Ubuntu: apt-get install -y wrk)", file=sys.stderr)
        return 2
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        print("gunicorn not found: pip install -r benches/requirements.txt", file=sys.stderr)
        return 2

    w = wl.typical()
    try:
        checks = ep.check_endpoints(w)
    except micro.CheckFailed as e:
        print(f"IDENTITY CHECK FAILED: {e}", file=sys.stderr)
        return 1
    cookie = ep.stock_cookie(w)

    for k, v in micro.machine_info():
        print(f"{k}: {v}")
    runs: list[Run] = []
    servers: dict[str, Server] = {}
    with tempfile.TemporaryDirectory(prefix="fastsession-e2e-") as tmp:
        script = Path(tmp) / "summary.lua"
        script.write_text(WRK_SCRIPT)
        log_path = Path(tmp) / "gunicorn.log"
        with log_path.open("wb") as log:
            try:
                for impl in IMPLS:
                    servers[impl] = start_server(impl, cookie, log)
                for server in servers.values():
                    wait_ready(server, cookie)
                checks += check_servers(servers, cookie)
                print("check ok  " + "; ".join(checks), flush=True)
                for server in servers.values():
                    for endpoint in ep.ENDPOINTS:
                        run_wrk(server, endpoint.path, cookie, warmup, args.connections, script)
                for r in range(args.rounds):
                    order = IMPLS[r % len(IMPLS) :] + IMPLS[: r % len(IMPLS)]
                    for endpoint in ep.ENDPOINTS:
                        for impl in order:
                            d = run_wrk(
                                servers[impl], endpoint.path, cookie, args.duration,
                                args.connections, script,
                            )  # fmt: skip
                            runs.append((r, endpoint.name, impl, d))
                            print(
                                f"round {r + 1} {endpoint.name:5} {impl:5} {d['rps']:7.0f} req/s  "
                                f"p50 {d['p50_us'] / 1000:.2f} ms  p99 {d['p99_us'] / 1000:.2f} ms"
                                f"  CPU {d['cpu_us']:.0f} µs/req  "
                                f"errors {d['errors'] + d['non_2xx']}",
                                flush=True,
                            )
            except (micro.CheckFailed, RuntimeError, subprocess.CalledProcessError) as e:
                print(f"e2e failed: {e}", file=sys.stderr)
                log.flush()
                sys.stderr.write(log_path.read_text(errors="replace")[-4000:])
                return 1
            finally:
                for server in servers.values():
                    stop_server(server)
    text = report(runs, args, checks)
    print()
    print(text, end="")
    if args.markdown:
        args.markdown.write_text(text)
        print(f"wrote {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
