"""Under an address-space limit the native path never aborts the process.

uWSGI's ``limit-as`` and ``ulimit -v`` set ``RLIMIT_AS``: an allocation past it fails.
Stock Flask then raises ``MemoryError`` (on loads, itsdangerous wraps it in
``BadPayload``); a Rust allocation that cannot fail gracefully would abort the whole
process instead ("memory allocation of N bytes failed", SIGABRT). Every buffer the native
code sizes from its input is allocated fallibly, so the call raises ``MemoryError`` or is
handed to stock code, which raises its own or succeeds.

The test runs in a subprocess (a signal would kill the test runner otherwise). For
sessions of 32 and 64 MiB of JSON (a big str, a big list of small ints, big bytes, a big
compressible str), with limits a few sizes above the process's current ``VmSize``, it runs
stock and fast ``dumps`` and ``loads``. Fast must return exactly stock's unlimited result
or raise ``MemoryError`` (``BadPayload`` from one, on loads, as stock does), and the
subprocess must exit normally.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads VmSize from /proc/self/status (Linux)"
)

SCRIPT = textwrap.dedent(
    r"""
    import base64, gc, json, os, resource, sys, time

    time.time = lambda: 1_700_000_000.0  # one timestamp for every cookie

    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface
    from itsdangerous import BadPayload
    from flask_fastsession import FastSessionInterface

    MiB = 1 << 20
    SIZES = [32 * MiB, 64 * MiB]
    #: Limits above VmSize, in multiples of the session's JSON size: from "fails in the
    #: first buffer" to "enough for the native path, maybe not for stock".
    HEADROOMS = [0.5, 1.5, 4.0]

    def vmsize():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError("no VmSize")

    def make(kind, size):
        if kind == "str":  # base64 text of random bytes: zlib barely shrinks it
            return {"v": base64.b64encode(os.urandom(size * 3 // 4)).decode()}
        if kind == "ints":  # small ints (cached objects), about 3.6 JSON bytes each
            return {"v": [i & 0xFF for i in range(size * 10 // 36)]}
        if kind == "bytes":
            return {"v": os.urandom(size * 3 // 4)}
        if kind == "compressible":
            return {"v": "x" * size}
        raise ValueError(kind)

    def app(interface):
        a = Flask("limit")
        a.secret_key = "memory limit secret"
        a.session_interface = interface()
        return a

    def call(a, fn):
        with a.app_context():
            try:
                return ("ok", fn())
            except BaseException as e:
                cause = type(e.__cause__).__name__ if e.__cause__ is not None else None
                return ("raised", type(e).__name__, cause)

    stock, fast = app(SecureCookieSessionInterface), app(FastSessionInterface)
    assert FastSessionInterface.uses_native(fast)
    ss = stock.session_interface.get_signing_serializer(stock)
    fs = fast.session_interface.get_signing_serializer(fast)
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    report = []
    for kind in ["str", "ints", "bytes", "compressible"]:
        for size in SIZES:
            value = make(kind, size)
            with stock.app_context():
                cookie = ss.dumps(value)
            for headroom in HEADROOMS:
                print(f"{kind} {size // MiB} MiB, limit VmSize + {headroom}x", file=sys.stderr, flush=True)
                gc.collect()
                limit = vmsize() + int(headroom * size)
                resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
                try:
                    out = {
                        "stock dumps": call(stock, lambda: ss.dumps(value)),
                        "fast dumps": call(fast, lambda: fs.dumps(value)),
                        "stock loads": call(stock, lambda: ss.loads(cookie)),
                        "fast loads": call(fast, lambda: fs.loads(cookie)),
                    }
                finally:
                    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
                row = {"case": f"{kind} {size // MiB} MiB x{headroom}"}
                for name, r in out.items():
                    if r[0] == "ok":
                        expected = cookie if name.endswith("dumps") else value
                        row[name] = "same" if r[1] == expected else "DIFFERENT"
                    else:
                        row[name] = r[1] if r[2] is None else f"{r[1]} from {r[2]}"
                del out
                report.append(row)
            del value, cookie
    print(json.dumps(report))
    """
)

#: What fast may do under the limit, besides returning stock's result ("same").
ALLOWED_DUMPS = {"same", "MemoryError"}
ALLOWED_LOADS = {"same", "MemoryError", "BadPayload from MemoryError"}


def test_memory_limit_raises_instead_of_aborting() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=900, check=False
    )
    last = proc.stderr.strip().splitlines()[-3:]
    assert proc.returncode == 0, f"subprocess exited with {proc.returncode}: {last}"
    report = json.loads(proc.stdout)
    for row in report:
        for impl in ("stock", "fast"):
            assert row[f"{impl} dumps"] in ALLOWED_DUMPS, row
            assert row[f"{impl} loads"] in ALLOWED_LOADS, row
    # The limits bite: stock itself runs out of memory in some cases.
    assert any(row["stock dumps"] == "MemoryError" for row in report), report
