"""End to end: the same Flask app under gunicorn, stock vs fast sessions, loaded by wrk.

Two gunicorn servers (1 sync worker each, 127.0.0.1, free ports) serve
``e2e_app.py`` with stock and with fast sessions. Both are checked first
(HTTP 200, the fast one answers natively, both send the same session
payload, and the in-process identity check of ``run.py`` for the same
request passes). Then wrk loads one server at a time for a fixed duration
with a valid ``typical`` session cookie, in the order stock, fast, stock,
fast (after an untimed warm-up of each), and the requests/s, latency p50 and
p99 and the fast/stock ratio are printed as a Markdown table. Servers are
always stopped at the end (whole process group).

Needs wrk (Debian: ``apt-get install -y wrk``) and gunicorn
(``pip install -r benches/requirements.txt``).

    python benches/e2e.py                      # 2 x (10 s stock + 10 s fast)
    python benches/e2e.py --quick              # 3 s runs
    python benches/e2e.py --duration 30 --markdown e2e.md
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

import run as micro  # noqa: E402
import workloads as wl  # noqa: E402
from flask_fastsession import _native  # noqa: E402

IMPLS = ("stock", "fast")

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

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/?v=0"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(impl: str, log: t.IO[bytes]) -> Server:
    port = free_port()
    env = dict(os.environ, FASTSESSION_BENCH_IMPL=impl, PYTHONDONTWRITEBYTECODE="1")
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


def get(server: Server, cookie: str) -> tuple[int, t.Any, bytes]:
    req = urllib.request.Request(server.url, headers={"Cookie": f"session={cookie}"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        return resp.status, resp.headers, resp.read()


def wait_ready(server: Server, cookie: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.impl} server exited with {server.proc.returncode}")
        try:
            get(server, cookie)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{server.impl} server not ready after {timeout} s") from None
            time.sleep(0.1)


def check_servers(servers: dict[str, Server], cookie: str) -> list[str]:
    """Both answer 200 with a session cookie carrying the same payload
    (the payload segment is a function of the session JSON only; timestamp,
    signature and Expires may differ across the two live clocks)."""
    payloads = {}
    for impl, server in servers.items():
        status, headers, _ = get(server, cookie)
        micro.check(status == 200, f"{impl} server: HTTP {status}")
        label = headers.get("X-Session-Impl")
        want = "fast-native" if impl == "fast" else "stock"
        micro.check(label == want, f"{impl} server: X-Session-Impl is {label!r}, want {want!r}")
        cookies = [c for c in headers.get_all("Set-Cookie") or [] if c.startswith("session=")]
        micro.check(len(cookies) == 1, f"{impl} server: no session cookie")
        payloads[impl] = micro.payload_segment(cookies[0].split(";", 1)[0].removeprefix("session="))
    micro.check(payloads["stock"] == payloads["fast"], "servers: session payloads differ")
    return ["both servers answer 200; fast answers natively; identical session payloads"]


def run_wrk(
    server: Server, cookie: str, seconds: float, connections: int, script: Path
) -> dict[str, t.Any]:
    cmd = [
        "wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "5s",
        "-s", str(script), "-H", f"Cookie: session={cookie}", server.url,
    ]  # fmt: skip
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    for line in out.splitlines():
        if line.startswith("WRK_JSON "):
            data: dict[str, t.Any] = json.loads(line.removeprefix("WRK_JSON "))
            data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
            return data
    raise RuntimeError(f"no summary in wrk output:\n{out}")


def report(
    runs: list[tuple[str, dict[str, t.Any]]], args: argparse.Namespace, checks: list[str]
) -> str:
    by_impl = {impl: [r for i, r in runs if i == impl] for impl in IMPLS}
    out = [
        "## End to end: gunicorn (1 sync worker) + wrk, typical session",
        "",
        "| run | impl | requests/s | p50 ms | p99 ms | errors |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for n, (impl, r) in enumerate(runs, 1):
        out.append(
            f"| {n} | {impl} | {r['rps']:.0f} | {r['p50_us'] / 1000:.2f} | "
            f"{r['p99_us'] / 1000:.2f} | {r['errors'] + r['non_2xx']} |"
        )
    med = {
        impl: {k: statistics.median(r[k] for r in rs) for k in ("rps", "p50_us", "p99_us")}
        for impl, rs in by_impl.items()
    }
    s, f = med["stock"], med["fast"]
    out += [
        "",
        "| | stock | fast | fast / stock |",
        "|---|---:|---:|---:|",
        f"| requests/s (median of runs) | {s['rps']:.0f} | {f['rps']:.0f} | "
        f"{f['rps'] / s['rps']:.2f}× |",
        f"| latency p50 ms | {s['p50_us'] / 1000:.2f} | {f['p50_us'] / 1000:.2f} | "
        f"{f['p50_us'] / s['p50_us']:.2f}× |",
        f"| latency p99 ms | {s['p99_us'] / 1000:.2f} | {f['p99_us'] / 1000:.2f} | "
        f"{f['p99_us'] / s['p99_us']:.2f}× |",
        "",
        f"wrk -t1 -c{args.connections} -d{args.duration:g}s per run, all on 127.0.0.1; "
        "gunicorn's sync worker closes the connection after each response, so every request "
        "includes a TCP connect. Requests/s ratio > 1 and latency ratios < 1 mean fast is "
        f"faster. Load average at the end: {micro.load_average()}.",
        "",
    ]
    out += [f"- {c}" for c in checks]
    out += ["", "| machine | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in micro.machine_info()]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--duration", type=float, help="seconds per wrk run (default 10)")
    p.add_argument("--connections", type=int, default=2, help="wrk connections (default 2)")
    p.add_argument("--rounds", type=int, default=2, help="stock/fast alternations (default 2)")
    p.add_argument("--quick", action="store_true", help="3 s runs, 1 s warm-up")
    p.add_argument("--markdown", type=Path, metavar="FILE", help="also write the report to FILE")
    args = p.parse_args(argv)
    args.duration = args.duration or (3.0 if args.quick else 10.0)
    warmup = 1.0 if args.quick else 3.0

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
        bench = micro.bench_request(w, cold=False)
    except micro.CheckFailed as e:
        print(f"IDENTITY CHECK FAILED: {e}", file=sys.stderr)
        return 1
    checks = [f"in-process (test client, frozen clock): {c}" for c in bench.checks]
    stock_app, _ = wl.make_pair()
    with stock_app.app_context():
        cookie = wl.signing_serializer(stock_app).dumps(w.session)

    for k, v in micro.machine_info():
        print(f"{k}: {v}")
    runs: list[tuple[str, dict[str, t.Any]]] = []
    servers: dict[str, Server] = {}
    with tempfile.TemporaryDirectory(prefix="fastsession-e2e-") as tmp:
        script = Path(tmp) / "summary.lua"
        script.write_text(WRK_SCRIPT)
        log_path = Path(tmp) / "gunicorn.log"
        with log_path.open("wb") as log:
            try:
                for impl in IMPLS:
                    servers[impl] = start_server(impl, log)
                for server in servers.values():
                    wait_ready(server, cookie)
                checks += check_servers(servers, cookie)
                print("check ok  " + "; ".join(checks), flush=True)
                for server in servers.values():
                    run_wrk(server, cookie, warmup, args.connections, script)
                for _ in range(args.rounds):
                    for impl in IMPLS:
                        r = run_wrk(servers[impl], cookie, args.duration, args.connections, script)
                        runs.append((impl, r))
                        print(
                            f"{impl:5}  {r['rps']:8.0f} req/s  p50 {r['p50_us'] / 1000:.2f} ms  "
                            f"p99 {r['p99_us'] / 1000:.2f} ms  errors {r['errors'] + r['non_2xx']}",
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
