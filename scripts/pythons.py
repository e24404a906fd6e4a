#!/usr/bin/env python3
"""Run ``make test`` on every supported CPython found on this machine.

The supported versions are the ``Programming Language :: Python :: 3.X``
classifiers of ``pyproject.toml``. Interpreters are the default one
(``$PYTHON``, else ``python3``), pyenv's (``$(pyenv root)/versions/*/bin/python``,
or ``$PYENV_ROOT``) if pyenv is there, and any listed in ``$PYTHONS``
(space-separated commands or paths); one per minor version, the default
interpreter first, else the newest patch release. Without pyenv and
``$PYTHONS``, that is the default interpreter alone. Each runs
``make test PYTHON=... VENV=...`` in its own virtual environment: ``.venv``
for the default interpreter (the one ``make test``, ``make lint`` and
``make demo`` use), ``.venv-3.X`` for the others. Then a table of results is
printed, with the failing tests and the reasons of the skipped ones.

.. code-block:: text

    $ make pythons
    $ python scripts/pythons.py --only 3.10 --only 3.13
    $ python scripts/pythons.py --list

``HYPOTHESIS_PROFILE`` (default ``ci``, as for ``make test``) applies to the default interpreter,
``PYTHONS_HYPOTHESIS_PROFILE`` (default: the same) to the others. Exits with
status 1 if any interpreter fails, 2 if none was found.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _results import counts
from _results import read_junit
from _results import table

ROOT = Path(__file__).resolve().parent.parent

_PROBE = (
    "import json, os, sys, sysconfig; print(json.dumps({"
    "'version': list(sys.version_info[:3]), 'final': sys.version_info.releaselevel == 'final', "
    "'implementation': sys.implementation.name, 'executable': os.path.realpath(sys.executable), "
    "'free_threaded': bool(sysconfig.get_config_var('Py_GIL_DISABLED'))}))"
)


@dataclasses.dataclass
class Interpreter:
    path: str
    version: tuple[int, int, int]
    executable: str
    default: bool = False
    venv: str = ""

    @property
    def minor(self) -> str:
        return f"{self.version[0]}.{self.version[1]}"


@dataclasses.dataclass
class Result:
    interpreter: Interpreter
    profile: str
    status: str = "not run"
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    seconds: float = 0.0
    failures: list[str] = dataclasses.field(default_factory=list)
    skips: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def supported_versions() -> list[str]:
    """``["3.10", ...]`` from the classifiers of ``pyproject.toml``."""
    text = (ROOT / "pyproject.toml").read_text()
    versions = re.findall(r'"Programming Language :: Python :: (3\.\d+)"', text)
    if not versions:
        raise SystemExit("no 'Programming Language :: Python :: 3.X' classifiers in pyproject.toml")
    return sorted(set(versions), key=lambda v: tuple(map(int, v.split("."))))


def probe(path: str) -> dict[str, object] | None:
    try:
        out = subprocess.run([path, "-c", _PROBE], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None  # Python 2, or a broken install
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def pyenv_pythons() -> list[str]:
    """``$(pyenv root)/versions/*/bin/python``; nothing if pyenv is not installed."""
    root: str | None = None
    pyenv = shutil.which("pyenv")
    if pyenv is not None:
        try:
            out = subprocess.run([pyenv, "root"], capture_output=True, text=True, timeout=60)
            root = out.stdout.strip() if out.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired):
            root = None
    root = root or os.environ.get("PYENV_ROOT")
    if not root:
        return []
    return sorted(str(p) for p in Path(root).glob("versions/*/bin/python") if p.is_file())


def find_interpreters(default: str) -> tuple[list[Interpreter], list[str]]:
    """One interpreter per supported minor version, and notes on what was passed over."""
    supported = supported_versions()
    notes: list[str] = []
    found: dict[str, Interpreter] = {}
    default_path = shutil.which(default) or default
    listed = [shutil.which(p) or p for p in os.environ.get("PYTHONS", "").split()]
    candidates = [(default_path, True)] + [(p, False) for p in [*pyenv_pythons(), *listed]]
    seen: set[str] = set()
    for path, is_default in candidates:
        info = probe(path)
        if info is None:
            if is_default or path in listed:
                notes.append(f"interpreter {path!r} does not run: left out")
            continue
        executable = str(info["executable"])
        if executable in seen:
            continue
        seen.add(executable)
        version = tuple(info["version"])  # type: ignore[arg-type]
        minor = f"{version[0]}.{version[1]}"
        if info["implementation"] != "cpython" or info["free_threaded"] or not info["final"]:
            notes.append(f"{path}: {info['implementation']} {minor}, not a final CPython with the GIL: left out")
            continue
        if minor not in supported:
            if is_default:
                notes.append(f"default interpreter {path} is Python {minor}, not supported: left out")
            continue
        interp = Interpreter(path, version, executable, default=is_default)  # type: ignore[arg-type]
        current = found.get(minor)
        if current is None or (not current.default and version > current.version):
            found[minor] = interp
    missing = [v for v in supported if v not in found]
    if missing:
        notes.append(f"not found on this machine: Python {', '.join(missing)}")
    chosen = [found[v] for v in supported if v in found]
    for interp in chosen:
        # .venv if it is (or will be) the default interpreter's; one made by another
        # Python is left alone.
        own = interp.default and venv_version(ROOT / ".venv") in (None, interp.minor)
        interp.venv = ".venv" if own else f".venv-{interp.minor}"
    return chosen, notes


def venv_version(venv: Path) -> str | None:
    """``"X.Y"`` of the Python that made ``venv``; None if there is no venv there."""
    cfg = venv / "pyvenv.cfg"
    if not cfg.exists():
        return None
    m = re.search(r"^version(?:_info)?\s*=\s*(\d+)\.(\d+)", cfg.read_text(), re.M)
    return f"{m.group(1)}.{m.group(2)}" if m else "unknown"


def run_one(interp: Interpreter, profile: str, make: str) -> Result:
    result = Result(interp, profile)
    junit = ROOT / interp.venv / "pythons-junit.xml"
    junit.unlink(missing_ok=True)
    cmd = [
        make,
        "test",
        f"PYTHON={interp.path}",
        f"VENV={interp.venv}",
        f"HYPOTHESIS_PROFILE={profile}",
        f"PYTEST_ARGS=--junitxml={junit} -o junit_family=xunit2",
    ]
    print(f"\n==> Python {'.'.join(map(str, interp.version))} ({interp.path}) in {interp.venv}", flush=True)
    print("    $ " + " ".join(cmd), flush=True)
    env = dict(os.environ)
    # Not the calling make's command-line variables (PYTHON=...): only ours.
    for name in ("VIRTUAL_ENV", "MAKEFLAGS", "MFLAGS"):
        env.pop(name, None)
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env=env)
    result.seconds = time.monotonic() - start
    if junit.exists():
        read_junit(junit, result)
    if proc.returncode == 0:
        result.status = "ok"
    elif not junit.exists():
        result.status = f"make exit {proc.returncode} (before pytest)"
    else:
        result.status = "FAILED"
    return result


def summary(results: list[Result]) -> str:
    head = ("python", "venv", "profile", "result", "passed", "failed", "errors", "skipped", "time")
    rows = [(".".join(map(str, r.interpreter.version)), r.interpreter.venv, r.profile, *counts(r)) for r in results]
    lines = table(head, rows)
    for r in results:
        v = r.interpreter.minor
        if r.failures:
            lines.append(f"\nPython {v}: {len(r.failures)} failing")
            lines.extend(f"    {name}" for name in r.failures)
        if r.skips:
            lines.append(f"\nPython {v}: skipped")
            lines.extend(f"    {n} x {reason}" for reason, n in sorted(r.skips.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--python",
        default=os.environ.get("PYTHON", "python3"),
        help="the default interpreter, whose venv is .venv (default: $PYTHON or python3)",
    )
    parser.add_argument("--only", action="append", metavar="X.Y", help="run only Python X.Y (repeatable)")
    parser.add_argument("--list", action="store_true", help="print the interpreters found and exit")
    args = parser.parse_args(argv)

    interpreters, notes = find_interpreters(args.python)
    for note in notes:
        print(f"note: {note}", flush=True)
    if args.only:
        interpreters = [i for i in interpreters if i.minor in args.only]
    if args.list or not interpreters:
        for i in interpreters:
            print(f"Python {'.'.join(map(str, i.version))}: {i.path} -> {i.venv}")
        return 0 if interpreters else 2

    make = shutil.which("make")
    if make is None:
        print("make is not installed", file=sys.stderr)
        return 1
    default_profile = os.environ.get("HYPOTHESIS_PROFILE", "ci")
    other_profile = os.environ.get("PYTHONS_HYPOTHESIS_PROFILE", default_profile)
    results = [run_one(i, default_profile if i.default else other_profile, make) for i in interpreters]
    print("\n" + "=" * 72)
    print("Supported Pythons: make test on each")
    print("=" * 72)
    print(summary(results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
