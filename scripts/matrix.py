#!/usr/bin/env python3
"""Run the differential test suite against several Flask releases.

Each entry of :data:`MATRIX` gets its own virtual environment under
``.matrix/<name>/`` with that Flask and its matching Werkzeug and
itsdangerous, plus the test tools. The extension is built once with maturin
(``maturin build --release``, into ``.matrix/wheels``, with its own cargo
target directory so ``.venv``'s build cache is left alone) and the wheel is
installed into every environment, so each one imports an installed copy of
the package, never the source tree. Then pytest runs the whole suite in each
environment and a summary table is printed, with the failing tests of each
version.

Each release's own session tests run there too, from its sdist (downloaded
once into ``.matrix/sdists``, its ``tests/`` extracted into
``.matrix/flask-tests/``): the modules and tests :data:`FLASK_TESTS` lists,
twice, with stock and with :class:`~flask_fastsession.FastSessionInterface`
as the default interface of every app (the pytest plugin in
``scripts/flask_tests``). Every test that passes with stock must pass
swapped; the ones that fail with stock are listed, not compared.

.. code-block:: text

    $ make matrix
    $ python scripts/matrix.py --only 2.3 -- -x -k fallback
    $ python scripts/matrix.py --only 3.1.3 --flask-tests-only
    $ python scripts/matrix.py --flask-tests-only --all-flask-tests

Exits with status 1 if any version fails (or its set-up does), 0 otherwise.
Skipped tests are expected on older Flask: the suite skips what the
installed version does not have (see ``tests/_versions.py``).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import typing as t
from pathlib import Path

from _results import counts
from _results import outcomes
from _results import read_junit
from _results import table

ROOT = Path(__file__).resolve().parent.parent
MATRIX_DIR = ROOT / ".matrix"
WHEEL_DIR = MATRIX_DIR / "wheels"
TARGET_DIR = MATRIX_DIR / "target"
SDIST_DIR = MATRIX_DIR / "sdists"
FLASK_TESTS_DIR = MATRIX_DIR / "flask-tests"
#: Where the pytest plugin for Flask's tests is (``-p fastsession_flask_tests``).
PLUGIN_DIR = ROOT / "scripts" / "flask_tests"

#: Test tools, the same ones the Makefile installs into .venv, and greenlet
#: for the greenlet tests among Flask's own (skipped without it).
TOOLS: tuple[str, ...] = ("pytest>=8", "hypothesis>=6.100", "freezegun>=1.5", "greenlet>=3")

#: Flask's own tests that use the session, per module of a release's
#: ``tests/``: a regex searched in each test's id after the file name
#: (``TestStreaming::test_stream_keeps_session``). A module a release does not
#: have is left out there. Every request opens and saves a session, so the rest
#: of Flask's tests go through the swapped interface too, but test no more of it;
#: they are left out to keep ``make matrix`` fast. So are test_session_interface
#: (a ``SessionInterface`` of its own, which the swap does not replace) and
#: test_json_tag (the tagged JSON serializer alone, no interface).
FLASK_TESTS: dict[str, str] = {
    # Every test_session_*: cookie attributes and path, expiry, refresh, Vary,
    # special types, key fallbacks, session.accessed; test_missing_session
    # (no secret key), flashing (kept in the session) and the MAX_COOKIE_SIZE
    # warning.
    "test_basic.py": r"session|flash|max_cookie_size",
    # session_transaction, its errors and context, a session across a redirect.
    "test_testing.py": r"session",
    # The session copied into greenlets, a failing open_session, a subclass
    # with a dynamic cookie name (both keep their own interface).
    "test_reqctx.py": r"session|greenlet",
    # A streamed response keeps the session.
    "test_helpers.py": r"session",
    # session in the template context.
    "test_templating.py": r"test_standard_context",
    # message_flashed, flashing inside session_transaction.
    "test_signals.py": r"flash",
    # session opened before URL converters run.
    "test_converters.py": r"test_context_available",
}


@dataclasses.dataclass(frozen=True)
class Entry:
    """One Flask release and the Werkzeug and itsdangerous it shipped with."""

    flask: str
    werkzeug: str
    itsdangerous: str
    #: More packages for this entry (Quart, where one matches this Flask).
    extras: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"flask-{self.flask}"

    @property
    def requirements(self) -> list[str]:
        return [
            f"flask=={self.flask}",
            f"werkzeug=={self.werkzeug}",
            f"itsdangerous=={self.itsdangerous}",
            *self.extras,
        ]


#: Quart 0.21+ passes ``partitioned`` to ``set_cookie`` (Werkzeug 3.1) and
#: reads ``SECRET_KEY_FALLBACKS``; it needs Python 3.11+. Quart 0.20 (neither
#: feature) is the last release for Python 3.10 (``--python python3.10``).
#: Both are tested with Flask 3.1 only.
_QUART = ("quart==0.22.0; python_version >= '3.11'", "quart==0.20.0; python_version < '3.11'")

#: Oldest first: the last 2.3 and 3.0, and every 3.1, as each changed
#: sessions: 3.1.0 added SECRET_KEY_FALLBACKS and Partitioned, 3.1.1 changed
#: the order in which the fallbacks are tried, 3.1.2 the test client's session
#: after ``follow_redirects``, and 3.1.3 tracks ``session.accessed`` through
#: the request context.
MATRIX: tuple[Entry, ...] = (
    Entry("2.3.3", "2.3.8", "2.1.2"),
    Entry("3.0.3", "3.0.6", "2.2.0"),
    Entry("3.1.0", "3.1.3", "2.2.0", _QUART),
    Entry("3.1.1", "3.1.3", "2.2.0", _QUART),
    Entry("3.1.2", "3.1.3", "2.2.0", _QUART),
    Entry("3.1.3", "3.1.9", "2.2.0", _QUART),
)


@dataclasses.dataclass
class Result:
    entry: Entry
    status: str = "not run"
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    seconds: float = 0.0
    failures: list[str] = dataclasses.field(default_factory=list)
    #: Skip reasons and how often each occurred (counted, not printed).
    skips: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def log(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(cmd: t.Sequence[str | os.PathLike[str]], **kwargs: t.Any) -> None:
    """Run ``cmd``, echoing it; raise :class:`subprocess.CalledProcessError` on failure."""
    print("    $ " + " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv(venv: Path, python: str, requirements: list[str]) -> Path:
    """A venv at ``venv`` holding ``requirements``; rebuilt when they change."""
    stamp = venv / ".matrix-requirements"
    wanted = "\n".join([python, *requirements]) + "\n"
    py = venv_python(venv)
    if py.exists() and stamp.exists() and stamp.read_text() == wanted:
        return py
    if venv.exists():
        shutil.rmtree(venv)
    run([python, "-m", "venv", venv])
    run([py, "-m", "pip", "install", "-q", "--upgrade", "pip"])
    run([py, "-m", "pip", "install", "-q", *requirements])
    stamp.write_text(wanted)
    return py


def source_digest() -> str:
    """A digest of everything that goes into the wheel, to rebuild only on change."""
    h = hashlib.sha256()
    files = [ROOT / "Cargo.toml", ROOT / "Cargo.lock", ROOT / "pyproject.toml", ROOT / "README.md"]
    for sub in ("src", "python"):
        files.extend(p for p in sorted((ROOT / sub).rglob("*")) if p.is_file())
    for p in files:
        if p.suffix in (".so", ".pyd", ".pyc") or "__pycache__" in p.parts or not p.exists():
            continue
        h.update(str(p.relative_to(ROOT)).encode())
        h.update(b"\0")
        h.update(p.read_bytes())
    return h.hexdigest()


def build_wheel(python: str) -> Path:
    """Build the release wheel with maturin (in a builder venv); return its path."""
    builder = ensure_venv(MATRIX_DIR / "builder", python, ["maturin>=1.9.2,<2"])
    # The wheel is for one Python: another interpreter needs another build.
    digest = source_digest() + " " + python
    stamp = WHEEL_DIR / ".source-digest"
    wheels = sorted(WHEEL_DIR.glob("*.whl"))
    if stamp.exists() and stamp.read_text() == digest and len(wheels) == 1:
        log(f"wheel up to date: {wheels[0].name}")
        return wheels[0]
    shutil.rmtree(WHEEL_DIR, ignore_errors=True)
    WHEEL_DIR.mkdir(parents=True)
    env = dict(os.environ, CARGO_TARGET_DIR=str(TARGET_DIR))
    env.pop("VIRTUAL_ENV", None)
    maturin = builder.parent / "maturin"
    run(
        [maturin, "build", "--release", "-q", "--interpreter", builder, "--out", WHEEL_DIR],
        cwd=ROOT,
        env=env,
    )
    wheels = sorted(WHEEL_DIR.glob("*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one wheel in {WHEEL_DIR}, found {wheels}")
    stamp.write_text(digest)
    return wheels[0]


def install_wheel(py: Path, wheel: Path) -> None:
    """Install ``wheel`` into the venv unless that exact build is already there."""
    stamp = py.parent.parent / ".matrix-wheel"
    wanted = (WHEEL_DIR / ".source-digest").read_text()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    run([py, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", wheel])
    stamp.write_text(wanted)


def versions_of(py: Path) -> str:
    code = (
        "import importlib.metadata as m, flask_fastsession as f\n"
        "def v(n):\n"
        "    try: return f'{n} {m.version(n)}'\n"
        "    except m.PackageNotFoundError: return f'no {n}'\n"
        "print(', '.join(v(n) for n in ('flask', 'werkzeug', 'itsdangerous', 'quart')),"
        " '| flask_fastsession', f.__version__, 'from', f.__file__)"
    )
    out = subprocess.run([str(py), "-c", code], check=True, capture_output=True, text=True, cwd=MATRIX_DIR)
    return out.stdout.strip()


def setup_entry(entry: Entry, python: str, wheel: Path) -> Path:
    """The venv of ``entry`` with the wheel installed: its interpreter.

    :raises subprocess.CalledProcessError: a step failed.
    """
    log(f"{entry.name}: {', '.join(entry.requirements)}")
    py = ensure_venv(MATRIX_DIR / entry.name, python, [*entry.requirements, *TOOLS])
    install_wheel(py, wheel)
    print("    " + versions_of(py), flush=True)
    return py


def run_entry(entry: Entry, py: Path, pytest_args: list[str]) -> Result:
    """The differential suite in ``entry``'s venv."""
    result = Result(entry)
    venv = MATRIX_DIR / entry.name
    log(f"{entry.name}: the differential suite")
    junit = venv / "junit.xml"
    junit.unlink(missing_ok=True)
    env = dict(os.environ)
    env.setdefault("HYPOTHESIS_PROFILE", "dev")
    env.pop("VIRTUAL_ENV", None)
    cmd = [
        str(py), "-m", "pytest", "-q", "-p", "no:cacheprovider",
        f"--junitxml={junit}", "-o", "junit_family=xunit2", *pytest_args,
    ]  # fmt: skip
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env=env)
    result.seconds = time.monotonic() - start
    if junit.exists():
        read_junit(junit, result)
    if proc.returncode == 0:
        result.status = "ok"
    elif proc.returncode == 1:
        result.status = "FAILED"
    else:
        result.status = f"pytest exit {proc.returncode}"
    return result


@dataclasses.dataclass
class FlaskTestsResult:
    """A release's own session tests, run with stock and swapped."""

    entry: Entry
    status: str = "not run"
    #: Test id -> "passed", "failed", "error" or "skipped", per run.
    stock: dict[str, str] = dataclasses.field(default_factory=dict)
    swapped: dict[str, str] = dataclasses.field(default_factory=dict)
    seconds: float = 0.0
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def regressions(self) -> list[str]:
        """The tests that pass with stock and do not swapped (or did not run)."""
        return [
            f"{name} ({self.swapped.get(name, 'not run')})"
            for name, outcome in self.stock.items()
            if outcome == "passed" and self.swapped.get(name) != "passed"
        ]

    @property
    def stock_failures(self) -> list[str]:
        """The tests that fail with stock: not compared."""
        return [
            f"{name} ({outcome} stock, {self.swapped.get(name, 'not run')} swapped)"
            for name, outcome in self.stock.items()
            if outcome in ("failed", "error")
        ]


def _tally(run: dict[str, str]) -> str:
    c = collections.Counter(run.values())
    return f"{c['passed']}/{c['failed'] + c['error']}/{c['skipped']}"


def flask_sdist(entry: Entry, py: Path) -> Path:
    """The sdist of ``entry``'s Flask, downloaded once into ``.matrix/sdists``
    (pip checks it against the index's hash)."""
    found = sorted(SDIST_DIR.glob(f"[Ff]lask-{entry.flask}.tar.gz"))
    if found:
        return found[0]
    SDIST_DIR.mkdir(parents=True, exist_ok=True)
    # The sdist comes from the index, never from a local wheel directory.
    env = {k: v for k, v in os.environ.items() if k not in ("PIP_FIND_LINKS", "PIP_NO_INDEX")}
    with tempfile.TemporaryDirectory(dir=SDIST_DIR) as tmp:
        pip: list[str | os.PathLike[str]] = [py, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:"]
        run([*pip, "-d", tmp, f"flask=={entry.flask}"], env=env)
        got = sorted(Path(tmp).glob("*.tar.gz"))
        if len(got) != 1:
            raise SystemExit(f"expected one sdist of flask {entry.flask}, got {[p.name for p in got]}")
        return got[0].replace(SDIST_DIR / got[0].name)


def flask_tests(entry: Entry, sdist: Path) -> Path:
    """``tests/`` and ``pyproject.toml`` (pytest's configuration) of ``sdist``,
    extracted once into ``.matrix/flask-tests/<name>``. Not its ``src/``: the
    tests import the Flask installed in the venv."""
    dest = FLASK_TESTS_DIR / entry.name
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    stamp = dest / ".sdist-sha256"
    if stamp.exists() and stamp.read_text() == digest:
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    FLASK_TESTS_DIR.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=FLASK_TESTS_DIR))
    try:
        with tarfile.open(sdist) as tar:
            members = []
            for member in tar.getmembers():
                _, _, inner = member.name.partition("/")
                if inner == "pyproject.toml" or inner.startswith("tests/"):
                    member.name = inner
                    members.append(member)
            # The "data" filter (refuse links out of tmp, absolute paths) is
            # in every Python since 3.10.12 and 3.11.4.
            if hasattr(tarfile, "data_filter"):
                tar.extractall(tmp, members=members, filter="data")
            else:
                tar.extractall(tmp, members=members)
        if not (tmp / "tests" / "conftest.py").exists():
            raise SystemExit(f"{sdist.name} has no tests/conftest.py")
        (tmp / ".sdist-sha256").write_text(digest)
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def run_flask_tests(entry: Entry, py: Path, everything: bool = False) -> FlaskTestsResult:
    """Run ``entry``'s own session tests with stock, then swapped; compare.

    :param everything: run all of the release's tests, not only :data:`FLASK_TESTS`.
    """
    result = FlaskTestsResult(entry)
    log(f"{entry.name}: Flask's own session tests, stock then swapped")
    start = time.monotonic()
    try:
        tests = flask_tests(entry, flask_sdist(entry, py))
    except subprocess.CalledProcessError as e:
        result.status = "setup failed"
        result.note = f"exit {e.returncode}: {' '.join(map(str, e.cmd))}"
        return result
    modules = [m for m in FLASK_TESTS if (tests / "tests" / m).exists()]
    if missing := [m for m in FLASK_TESTS if m not in modules]:
        result.note = f"not in this release: {', '.join(missing)}"
    if everything:
        modules, result.note = [], "all of the release's tests"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(PLUGIN_DIR), env.get("PYTHONPATH"))))
    env.pop("VIRTUAL_ENV", None)
    base = [
        str(py), "-m", "pytest", "-q", "--tb=short", "-p", "no:cacheprovider",
        "-p", "fastsession_flask_tests", "-o", "junit_family=xunit2",
        *(f"--select-tests={m}={FLASK_TESTS[m]}" for m in modules),
    ]  # fmt: skip
    report = tests / "swap-report.json"
    report.unlink(missing_ok=True)
    runs = {"stock": result.stock, "swapped": result.swapped}
    for label, into in runs.items():
        junit = tests / f"junit-{label}.xml"
        junit.unlink(missing_ok=True)
        extra = ["--swap-session-interface", f"--swap-report={report}"] if label == "swapped" else []
        cmd = [*base, *extra, f"--junitxml={junit}", *([f"tests/{m}" for m in modules] or ["tests"])]
        print(f"    {label}: $ {' '.join(cmd)}", flush=True)
        proc = subprocess.run(cmd, cwd=tests, env=env)
        if junit.exists():
            into.update(outcomes(junit))
        if proc.returncode not in (0, 1):
            result.status = f"pytest exit {proc.returncode} ({label})"
    result.seconds = time.monotonic() - start
    if result.status != "not run":
        return result
    checks = json.loads(report.read_text()) if report.exists() else {}
    if not any(o == "passed" for o in result.stock.values()):
        result.status = "no test passed stock"
    elif not checks.get("default_kept") or not checks.get("native_taken"):
        result.status = "swap not in effect"
        result.note = "; ".join(filter(None, (result.note, f"swap checks: {checks or 'no report'}")))
    elif result.regressions:
        result.status = "FAILED"
    else:
        result.status = "ok"
    return result


def flask_tests_summary(results: list[FlaskTestsResult]) -> str:
    head = ("flask", "result", "tests", "stock p/f/s", "swapped p/f/s", "pass stock, not swapped", "time")
    rows = [
        (
            r.entry.flask,
            r.status,
            str(len(r.stock)),
            _tally(r.stock),
            _tally(r.swapped),
            str(len(r.regressions)),
            f"{r.seconds:.0f}s",
        )
        for r in results
    ]
    lines = table(head, rows)
    lines.append("(p/f/s: passed / failed or error / skipped)")
    for r in results:
        if r.note:
            lines.append(f"\nflask {r.entry.flask}: {r.note}")
        if r.regressions:
            lines.append(f"\nflask {r.entry.flask}: {len(r.regressions)} pass with stock, not swapped")
            lines.extend(f"    {name}" for name in r.regressions)
        if r.stock_failures:
            lines.append(f"\nflask {r.entry.flask}: {len(r.stock_failures)} fail with stock (not compared)")
            lines.extend(f"    {name}" for name in r.stock_failures)
    return "\n".join(lines)


def summary(results: list[Result]) -> str:
    head = ("flask", "werkzeug", "itsdangerous", "result", "passed", "failed", "errors", "skipped", "time")
    rows = [(r.entry.flask, r.entry.werkzeug, r.entry.itsdangerous, *counts(r)) for r in results]
    lines = table(head, rows)
    for r in results:
        if r.note:
            lines.append(f"\nflask {r.entry.flask}: {r.note}")
        if r.failures:
            lines.append(f"\nflask {r.entry.flask}: {len(r.failures)} failing")
            lines.extend(f"    {name}" for name in r.failures)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="Arguments after -- are passed to pytest.",
    )
    parser.add_argument(
        "--python",
        default=os.environ.get("PYTHON", "python3"),
        help="interpreter to create the venvs with (default: $PYTHON or python3)",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="PREFIX",
        help="run only the Flask versions starting with PREFIX (repeatable)",
    )
    part = parser.add_mutually_exclusive_group()
    part.add_argument("--no-flask-tests", action="store_true", help="run only the differential suite")
    part.add_argument(
        "--flask-tests-only", action="store_true", help="run only each release's own session tests, not the suite"
    )
    parser.add_argument(
        "--all-flask-tests", action="store_true", help="run all of each release's own tests, not only the session ones"
    )
    parser.add_argument("--list", action="store_true", help="print the matrix and exit")
    parser.add_argument("pytest_args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    entries = [e for e in MATRIX if not args.only or any(e.flask.startswith(p) for p in args.only)]
    if args.list or not entries:
        for e in MATRIX:
            print(f"{e.name}: {' '.join(e.requirements)}")
        return 0 if entries else 2

    python = shutil.which(args.python) or args.python
    MATRIX_DIR.mkdir(exist_ok=True)
    log(f"building the wheel with maturin (cargo target: {TARGET_DIR.relative_to(ROOT)})")
    try:
        wheel = build_wheel(python)
    except subprocess.CalledProcessError as e:
        print(f"wheel build failed (exit {e.returncode})", file=sys.stderr)
        return 1
    results: list[Result] = []
    flask_results: list[FlaskTestsResult] = []
    for entry in entries:
        try:
            py = setup_entry(entry, python, wheel)
        except subprocess.CalledProcessError as e:
            note = f"exit {e.returncode}: {' '.join(map(str, e.cmd))}"
            results.append(Result(entry, status="setup failed", note=note))
            flask_results.append(FlaskTestsResult(entry, status="setup failed", note=note))
            continue
        if not args.flask_tests_only:
            results.append(run_entry(entry, py, args.pytest_args))
        if not args.no_flask_tests:
            flask_results.append(run_flask_tests(entry, py, args.all_flask_tests))
    if not args.flask_tests_only:
        print("\n" + "=" * 72)
        print("Version matrix: differential suite, stock vs fast")
        print("=" * 72)
        print(summary(results))
    if not args.no_flask_tests:
        print("\n" + "=" * 72)
        print("Version matrix: Flask's own session tests, stock vs swapped (FastSessionInterface)")
        print("=" * 72)
        print(flask_tests_summary(flask_results))
    ok = all(r.ok for r in results) and all(r.ok for r in flask_results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
