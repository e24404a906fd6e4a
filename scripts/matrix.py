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

.. code-block:: text

    $ make matrix
    $ python scripts/matrix.py --only 2.3 -- -x -k fallback

Exits with status 1 if any version fails (or its set-up does), 0 otherwise.
Skipped tests are expected on older Flask: the suite skips what the
installed version does not have (see ``tests/_versions.py``).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import hashlib
import os
import shutil
import subprocess
import sys
import time
import typing as t
from pathlib import Path

from _results import counts
from _results import read_junit
from _results import table

ROOT = Path(__file__).resolve().parent.parent
MATRIX_DIR = ROOT / ".matrix"
WHEEL_DIR = MATRIX_DIR / "wheels"
TARGET_DIR = MATRIX_DIR / "target"

#: Test tools, the same ones the Makefile installs into .venv.
TOOLS: tuple[str, ...] = ("pytest>=8", "hypothesis>=6.100", "freezegun>=1.5")


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

#: Oldest first. 3.1.0 is there because 3.1.1 changed the order in which
#: SECRET_KEY_FALLBACKS are tried.
MATRIX: tuple[Entry, ...] = (
    Entry("2.3.3", "2.3.8", "2.1.2"),
    Entry("3.0.3", "3.0.6", "2.2.0"),
    Entry("3.1.0", "3.1.3", "2.2.0", _QUART),
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


def run_entry(entry: Entry, python: str, wheel: Path, pytest_args: list[str]) -> Result:
    result = Result(entry)
    venv = MATRIX_DIR / entry.name
    log(f"{entry.name}: {', '.join(entry.requirements)}")
    try:
        py = ensure_venv(venv, python, [*entry.requirements, *TOOLS])
        install_wheel(py, wheel)
        print("    " + versions_of(py), flush=True)
    except subprocess.CalledProcessError as e:
        result.status = "setup failed"
        result.note = f"exit {e.returncode}: {' '.join(map(str, e.cmd))}"
        return result
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
    results = [run_entry(e, python, wheel, args.pytest_args) for e in entries]
    print("\n" + "=" * 72)
    print("Version matrix: differential suite, stock vs fast")
    print("=" * 72)
    print(summary(results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
