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
``make demo`` use), ``.venv-3.X`` for the others, each of which also builds in
its own cargo target directory (``target/py-3.X``), so that none rebuilds
another's extension. Then a table of results is printed, with the failing
tests and the reasons of the skipped ones.

A supported version this machine has no interpreter for is taken from Debian
sid's packages in a chroot (``scripts/sid.sh``: CPython 3.14 and 3.15 on a
Debian 12 machine) when that can work: on Linux, as root, with the chroot in
``$SID_ROOT`` (default ``/srv/sid``) ready or ``debootstrap`` installable (it
is created first, about 70 s). Such an interpreter runs
``scripts/sid.sh run make test PYTHON=/usr/bin/python3.X VENV=.venv-3.X``, in
the cargo target directory ``target/sid-3.X``. ``--no-sid`` or ``PYTHONS_SID=0``
turns the chroot off.

.. code-block:: text

    $ make pythons
    $ python scripts/pythons.py --only 3.10 --only 3.13
    $ python scripts/pythons.py --list

``HYPOTHESIS_PROFILE`` (default ``ci``, as for ``make test``) applies to the default interpreter,
``PYTHONS_HYPOTHESIS_PROFILE`` (default: the same) to the others. The latter is a profile
name, then optionally ``X.Y=profile`` or ``newest=profile`` words for single versions
(``newest``: the newest one run): ``PYTHONS_HYPOTHESIS_PROFILE="ci-light newest=ci"``.
``PYTHONS_SOAKS`` says which interpreters run the slow soaks (``FASTSESSION_SLOW=1``):
``all`` (the default), ``none``, or words among ``default``, ``newest`` and ``X.Y``
(``PYTHONS_SOAKS="default newest"``); the others run the suite without them.
Exits with status 1 if any interpreter fails, 2 if none was found.
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
import typing as t
from pathlib import Path

from _results import counts
from _results import read_junit
from _results import table

ROOT = Path(__file__).resolve().parent.parent
SID = ROOT / "scripts" / "sid.sh"

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
    #: Runs inside the sid chroot (scripts/sid.sh run ...).
    chroot: bool = False
    #: The chroot is still to be created: the patch release is not known yet.
    pending: bool = False

    @property
    def minor(self) -> str:
        return f"{self.version[0]}.{self.version[1]}"

    @property
    def label(self) -> str:
        release = self.minor if self.pending else ".".join(map(str, self.version))
        return f"{release} (sid chroot)" if self.chroot else release

    @property
    def target_dir(self) -> Path | None:
        """The cargo target directory of its builds; None: cargo's default (the default interpreter's)."""
        if self.chroot:
            return ROOT / "target" / f"sid-{self.minor}"
        return None if self.venv == ".venv" else ROOT / "target" / f"py-{self.minor}"


@dataclasses.dataclass
class Result:
    interpreter: Interpreter
    profile: str
    soaks: bool = True
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


def probe(path: str, prefix: tuple[str, ...] = ()) -> dict[str, object] | None:
    try:
        out = subprocess.run([*prefix, path, "-c", _PROBE], capture_output=True, text=True, timeout=120)
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


def sid_root() -> Path:
    return Path(os.environ.get("SID_ROOT", "/srv/sid"))


def sid_ready() -> bool:
    return (sid_root() / ".fastsession-ready").exists()


def sid_versions() -> list[str]:
    """The minor versions scripts/sid.sh installs (its ``VERSIONS``)."""
    m = re.search(r"^VERSIONS=\(([^)]*)\)", SID.read_text(), re.M) if SID.exists() else None
    return m.group(1).split() if m else []


def sid_usable(disabled: bool) -> str | None:
    """None if the sid chroot can be used (it is ready, or can be created); else why not."""
    if disabled:
        return "turned off (--no-sid or PYTHONS_SID=0)"
    if not sys.platform.startswith("linux"):
        return "Linux only"
    if os.geteuid() != 0:
        return "needs root"
    if not SID.exists() or shutil.which("bash") is None:
        return "scripts/sid.sh cannot run"
    if sid_ready():
        return None
    if shutil.which("debootstrap") is None and shutil.which("apt-get") is None:
        return f"not in {sid_root()}, and neither debootstrap nor apt-get to create it"
    return None


def sid_interpreters(minors: list[str], create: bool) -> tuple[list[Interpreter], list[str]]:
    """The sid chroot's interpreters of ``minors``; ``create``: make the chroot first if need be."""
    notes: list[str] = []
    if not sid_ready():
        if not create:
            # --list: say what a run would do, without the 70 s of debootstrap.
            return [Interpreter(f"/usr/bin/python{v}", _version(v), "", chroot=True, pending=True) for v in minors], [
                f"sid chroot not in {sid_root()} yet: a run creates it (scripts/sid.sh setup)"
            ]
        print(f"==> creating the sid chroot for Python {', '.join(minors)}: scripts/sid.sh setup", flush=True)
        if subprocess.run(["bash", str(SID), "setup"], cwd=ROOT).returncode != 0:
            return [], [f"scripts/sid.sh setup failed: Python {', '.join(minors)} left out"]
    found = []
    for v in minors:
        path = f"/usr/bin/python{v}"
        info = probe(path, ("bash", str(SID), "run"))
        if info is None:
            notes.append(f"sid chroot: {path} does not run: left out")
            continue
        version = release(info)
        if info["implementation"] != "cpython" or info["free_threaded"] or f"{version[0]}.{version[1]}" != v:
            notes.append(f"sid chroot: {path} is not a CPython {v} with the GIL: left out")
            continue
        if not info["final"]:
            notes.append(f"sid chroot: {path} is a pre-release of {v}")
        found.append(Interpreter(path, version, str(info["executable"]), chroot=True))
    return found, notes


def release(info: dict[str, object]) -> tuple[int, int, int]:
    """``(major, minor, micro)`` of a probe's answer."""
    major, minor, micro = t.cast("list[int]", info["version"])
    return (major, minor, micro)


def _version(minor: str) -> tuple[int, int, int]:
    major, minor_ = minor.split(".")
    return (int(major), int(minor_), 0)


def find_interpreters(
    default: str, *, sid: bool = True, create: bool = True, only: list[str] | None = None
) -> tuple[list[Interpreter], list[str]]:
    """One interpreter per supported minor version, and notes on what was passed over.

    ``sid``: take the supported versions missing here from the sid chroot if it can be
    used; ``create``: create it if it is not there yet and one of them is in ``only``
    (if given), else list them as pending.
    """
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
        version = release(info)
        minor = f"{version[0]}.{version[1]}"
        if info["implementation"] != "cpython" or info["free_threaded"] or not info["final"]:
            notes.append(f"{path}: {info['implementation']} {minor}, not a final CPython with the GIL: left out")
            continue
        if minor not in supported:
            if is_default:
                notes.append(f"default interpreter {path} is Python {minor}, not supported: left out")
            continue
        interp = Interpreter(path, version, executable, default=is_default)
        current = found.get(minor)
        if current is None or (not current.default and version > current.version):
            found[minor] = interp
    missing = [v for v in supported if v not in found]
    in_sid = [v for v in missing if v in sid_versions()]
    if in_sid:
        why_not = sid_usable(disabled=not sid)
        if why_not is None:
            # All of them (which is the newest counts for the profiles), but the chroot
            # is created only for the versions wanted.
            wanted = any(not only or v in only for v in in_sid)
            interps, sid_notes = sid_interpreters(in_sid, create and wanted)
            notes.extend(sid_notes)
            found.update((i.minor, i) for i in interps)
            missing = [v for v in supported if v not in found]
        else:
            notes.append(f"sid chroot for Python {', '.join(in_sid)}: {why_not}")
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


def run_one(interp: Interpreter, profile: str, soaks: bool, make: str) -> Result:
    result = Result(interp, profile, soaks)
    junit = ROOT / interp.venv / "pythons-junit.xml"
    junit.unlink(missing_ok=True)
    cmd = [
        *(("bash", str(SID), "run", "make") if interp.chroot else (make,)),
        "test",
        f"PYTHON={interp.path}",
        f"VENV={interp.venv}",
        f"HYPOTHESIS_PROFILE={profile}",
        f"FASTSESSION_SLOW={int(soaks)}",
        f"PYTEST_ARGS=--junitxml={junit} -o junit_family=xunit2",
    ]
    env = dict(os.environ)
    # Not the calling make's command-line variables (PYTHON=...): only ours.
    for name in ("VIRTUAL_ENV", "MAKEFLAGS", "MFLAGS", "CARGO_TARGET_DIR", "SID_CARGO_TARGET_DIR"):
        env.pop(name, None)
    target = interp.target_dir
    if target is not None:
        env["SID_CARGO_TARGET_DIR" if interp.chroot else "CARGO_TARGET_DIR"] = str(target)
    where = f", cargo target {target.relative_to(ROOT)}" if target is not None else ""
    print(f"\n==> Python {interp.label} ({interp.path}) in {interp.venv}{where}", flush=True)
    print("    $ " + " ".join(cmd), flush=True)
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
    head = ("python", "venv", "profile", "soaks", "result", "passed", "failed", "errors", "skipped", "time")
    rows = [
        (r.interpreter.label, r.interpreter.venv, r.profile, "yes" if r.soaks else "no", *counts(r)) for r in results
    ]
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


def profiles(interpreters: list[Interpreter], default_profile: str, others: str) -> list[str]:
    """The hypothesis profile of each interpreter: ``default_profile`` for the default one,
    else ``others``' first word, overridden by its ``X.Y=profile`` and ``newest=profile`` words."""
    base, per_version = default_profile, {}
    for word in others.split():
        if "=" in word:
            key, _, value = word.partition("=")
            per_version[key] = value
        else:
            base = word
    newest = max((i.minor for i in interpreters), key=lambda v: tuple(map(int, v.split("."))), default=None)
    chosen = []
    for i in interpreters:
        if i.default:
            chosen.append(default_profile)
        elif i.minor in per_version:
            chosen.append(per_version[i.minor])
        elif i.minor == newest and "newest" in per_version:
            chosen.append(per_version["newest"])
        else:
            chosen.append(base)
    return chosen


def soaks(interpreters: list[Interpreter], spec: str) -> list[bool]:
    """Whether each interpreter runs the slow soaks, from ``PYTHONS_SOAKS`` (see the module doc)."""
    words = set(spec.split()) or {"all"}
    newest = max((i.version for i in interpreters), default=None)
    return [
        "all" in words
        or (i.default and "default" in words)
        or (i.version == newest and "newest" in words)
        or i.minor in words
        for i in interpreters
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--python",
        default=os.environ.get("PYTHON", "python3"),
        help="the default interpreter, whose venv is .venv (default: $PYTHON or python3)",
    )
    parser.add_argument("--only", action="append", metavar="X.Y", help="run only Python X.Y (repeatable)")
    parser.add_argument("--list", action="store_true", help="print the interpreters found and exit")
    parser.add_argument(
        "--no-sid",
        action="store_true",
        default=os.environ.get("PYTHONS_SID", "") == "0",
        help="do not take missing versions from the sid chroot (default: $PYTHONS_SID=0)",
    )
    args = parser.parse_args(argv)

    interpreters, notes = find_interpreters(args.python, sid=not args.no_sid, create=not args.list, only=args.only)
    for note in notes:
        print(f"note: {note}", flush=True)
    default_profile = os.environ.get("HYPOTHESIS_PROFILE", "ci")
    other_profile = os.environ.get("PYTHONS_HYPOTHESIS_PROFILE", default_profile)
    chosen = profiles(interpreters, default_profile, other_profile)
    with_soaks = soaks(interpreters, os.environ.get("PYTHONS_SOAKS", "all"))
    # "newest" is the newest found, whatever --only keeps.
    if args.only:
        rows = [row for row in zip(interpreters, chosen, with_soaks, strict=True) if row[0].minor in args.only]
        interpreters, chosen, with_soaks = [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
    if args.list or not interpreters:
        for i, profile, soak in zip(interpreters, chosen, with_soaks, strict=True):
            target = f", target/{i.target_dir.name}" if i.target_dir is not None else ""
            extra = "" if soak else ", no slow soaks"
            print(f"Python {i.label}: {i.path} -> {i.venv}{target}, hypothesis profile {profile}{extra}")
        return 0 if interpreters else 2

    make = shutil.which("make")
    if make is None:
        print("make is not installed", file=sys.stderr)
        return 1
    results = [
        run_one(i, profile, soak, make) for i, profile, soak in zip(interpreters, chosen, with_soaks, strict=True)
    ]
    print("\n" + "=" * 72)
    print("Supported Pythons: make test on each")
    print("=" * 72)
    print(summary(results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
