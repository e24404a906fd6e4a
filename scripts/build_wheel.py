#!/usr/bin/env python3
"""Build a release wheel that installs on most Linux machines, not only this one.

``maturin build --release`` on a Linux machine makes a wheel tagged with that
machine's glibc (``manylinux_2_34`` on Debian 12), which older systems refuse.
This script builds with ``maturin build --zig --compatibility manylinux2014``:
zig links against glibc 2.17, so the wheel is ``manylinux_2_17`` (the tag
``auditwheel show`` then reports).

One thing must survive the cross-build: the extension links the *system* zlib
dynamically (``libz.so.1``), the library the interpreter's own ``zlib`` module
uses, so that it compresses byte for byte like :func:`zlib.compress`. zig does
not see the system's headers and libraries, and the libz-sys crate then quietly
compiles its bundled zlib into the extension instead. So this script hands
zig exactly zlib's headers and ``libz.so`` (and nothing else from the system),
and checks afterwards that the extension's ``DT_NEEDED`` has ``libz.so.1``.
``libz.so.1`` is on the manylinux whitelist: ``auditwheel repair`` leaves it
out of the wheel.

Elsewhere (macOS, Windows) it runs a plain ``maturin build --release``.

.. code-block:: text

    $ make wheel                                    # for the venv's Python, into dist/
    $ python scripts/build_wheel.py --interpreter python3.12 --out dist
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_DIR = ROOT / "target" / "wheel"
ZLIB_DIR = TARGET_DIR / "zlib-only"


def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    print("$ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, text=True, **kwargs)  # type: ignore[call-overload, no-any-return]


def host_triple() -> str:
    out = subprocess.run(["rustc", "-vV"], check=True, capture_output=True, text=True).stdout
    return next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("host: "))


def pkg_config(variable: str) -> str | None:
    if shutil.which("pkg-config") is None:
        return None
    out = subprocess.run(["pkg-config", f"--variable={variable}", "zlib"], capture_output=True, text=True)
    return out.stdout.strip() or None if out.returncode == 0 else None


def system_zlib(interpreter: str) -> tuple[Path, Path]:
    """(directory of zlib.h, the libz.so.1 that ``interpreter``'s zlib module loads)."""
    includedir = Path(pkg_config("includedir") or "/usr/include")
    if not (includedir / "zlib.h").is_file() or not (includedir / "zconf.h").is_file():
        raise SystemExit(f"zlib.h / zconf.h not found in {includedir}: install the zlib headers (zlib1g-dev)")
    code = (
        "import zlib\n"
        "for line in open('/proc/self/maps'):\n"
        "    path = line.split()[-1]\n"
        "    if '/libz.so' in path:\n"
        "        print(path)\n"
        "        break\n"
    )
    out = subprocess.run([interpreter, "-c", code], capture_output=True, text=True).stdout.strip()
    if out:
        return includedir, Path(out)
    libdir = pkg_config("libdir")
    if libdir and (Path(libdir) / "libz.so.1").exists():
        return includedir, Path(libdir) / "libz.so.1"
    raise SystemExit(f"{interpreter}'s zlib module loads no libz.so, and pkg-config knows none")


def zlib_only_dir(interpreter: str) -> Path:
    """A directory holding zlib's two headers and a ``libz.so`` link, nothing else."""
    includedir, libz = system_zlib(interpreter)
    shutil.rmtree(ZLIB_DIR, ignore_errors=True)
    (ZLIB_DIR / "include").mkdir(parents=True)
    (ZLIB_DIR / "lib").mkdir()
    for header in ("zlib.h", "zconf.h"):
        shutil.copy2(includedir / header, ZLIB_DIR / "include" / header)
    (ZLIB_DIR / "lib" / "libz.so").symlink_to(libz)
    return ZLIB_DIR


def needed_libraries(wheel: Path) -> list[str]:
    """``DT_NEEDED`` of the extension module in ``wheel`` (pyelftools, auditwheel's dependency)."""
    from elftools.elf.dynamic import DynamicSection
    from elftools.elf.elffile import ELFFile

    with zipfile.ZipFile(wheel) as zf:
        names = [n for n in zf.namelist() if n.startswith("flask_fastsession/_native") and n.endswith(".so")]
        if len(names) != 1:
            raise SystemExit(f"expected one extension module in {wheel.name}, found {names}")
        elf = ELFFile(io.BytesIO(zf.read(names[0])))
    return [
        tag.needed
        for section in elf.iter_sections()
        if isinstance(section, DynamicSection)
        for tag in section.iter_tags()
        if tag.entry.d_tag == "DT_NEEDED"
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--interpreter", default=sys.executable, help="Python to build for (default: this one)")
    parser.add_argument("--out", default=str(ROOT / "dist"), help="directory for the wheel (default: dist/)")
    parser.add_argument(
        "--compatibility",
        default="manylinux2014",
        help="manylinux tag to build for on Linux (default: manylinux2014, i.e. manylinux_2_17)",
    )
    args = parser.parse_args(argv)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    before = set(out.glob("*.whl"))
    maturin = shutil.which("maturin", path=str(Path(sys.executable).parent)) or shutil.which("maturin")
    if maturin is None:
        raise SystemExit("maturin is not installed (pip install maturin)")
    cmd = [maturin, "build", "--release", "--interpreter", args.interpreter, "--out", str(out)]
    env = dict(os.environ, CARGO_TARGET_DIR=str(TARGET_DIR))
    env.pop("VIRTUAL_ENV", None)
    linux = sys.platform.startswith("linux")
    if linux:
        zlib = zlib_only_dir(args.interpreter)
        triple = host_triple()
        # libz-sys's probe compiles a test program with these flags (found -> link
        # -lz), and rustc's final link finds libz.so through -L.
        env[f"CFLAGS_{triple.replace('-', '_')}"] = f"-I{zlib / 'include'} -L{zlib / 'lib'}"
        env["RUSTFLAGS"] = (env.get("RUSTFLAGS", "") + f" -L native={zlib / 'lib'}").strip()
        # ziglang's zig, from the same environment as maturin.
        env["PATH"] = str(Path(maturin).parent) + os.pathsep + env.get("PATH", "")
        cmd += ["--zig", "--compatibility", args.compatibility]
    run(cmd, cwd=ROOT, env=env)
    built = sorted(set(out.glob("*.whl")) - before) or sorted(out.glob("*.whl"), key=lambda p: p.stat().st_mtime)[-1:]
    if not built:
        raise SystemExit(f"no wheel in {out}")
    wheel = built[-1]
    if linux:
        needed = needed_libraries(wheel)
        print(f"extension links: {', '.join(needed)}")
        if "libz.so.1" not in needed:
            raise SystemExit(f"{wheel.name}: the extension does not link libz.so.1 (zlib was compiled in): refusing it")
        auditwheel = shutil.which("auditwheel", path=str(Path(sys.executable).parent)) or shutil.which("auditwheel")
        if auditwheel is not None:
            run([auditwheel, "show", str(wheel)])
    print(f"wheel: {wheel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
