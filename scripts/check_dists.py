#!/usr/bin/env python3
"""Check built distributions before they are published.

For every wheel: the license files are in ``*.dist-info/licenses/`` and named
in ``METADATA`` with the ``BSD-3-Clause`` license expression; on Linux the
extension module is stripped, links the system zlib dynamically
(``libz.so.1`` in ``DT_NEEDED``) and the wheel carries no copy of libz (see
THIRD-PARTY-NOTICES and README's Installation). For the sdist: the license
files, the fuzz targets (``make fuzz`` works from it) and the metadata.
With ``--release``, also that there is one wheel per supported CPython and
platform, and one sdist.

.. code-block:: text

    $ python scripts/check_dists.py dist/*
    $ python scripts/check_dists.py --release dist/*

Needs pyelftools for the Linux wheels (``pip install pyelftools``). Exits
with status 1 and one line per problem if anything is wrong.
"""

from __future__ import annotations

import argparse
import email.parser
import io
import re
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LICENSE_FILES = ("LICENSE", "THIRD-PARTY-NOTICES")
#: The platforms the release workflow builds wheels for (wheel platform tag patterns).
RELEASE_PLATFORMS = {
    "manylinux x86_64": r"manylinux_2_17_x86_64",
    "manylinux aarch64": r"manylinux_2_17_aarch64",
    "musllinux x86_64": r"musllinux_1_2_x86_64",
    "musllinux aarch64": r"musllinux_1_2_aarch64",
    "macOS x86_64": r"macosx_\d+_\d+_x86_64",
    "macOS arm64": r"macosx_\d+_\d+_arm64",
    "Windows x86_64": r"win_amd64",
}
SDIST_FILES = (
    "Cargo.toml",
    "Cargo.lock",
    "pyproject.toml",
    "LICENSE",
    "THIRD-PARTY-NOTICES",
    "fuzz/Cargo.toml",
    "fuzz/Cargo.lock",
    "fuzz/run.sh",
    "fuzz/fuzz_targets/json_parse.rs",
)


def supported_pythons() -> list[str]:
    text = (ROOT / "pyproject.toml").read_text()
    return sorted(set(re.findall(r'"Programming Language :: Python :: (3\.\d+)"', text)))


def check_metadata(name: str, text: str, problems: list[str]) -> None:
    meta = email.parser.Parser().parsestr(text)
    if meta.get("License-Expression") != "BSD-3-Clause":
        problems.append(f"{name}: License-Expression is {meta.get('License-Expression')!r}")
    if sorted(meta.get_all("License-File") or []) != sorted(LICENSE_FILES):
        problems.append(f"{name}: License-File is {meta.get_all('License-File')}")
    if not meta.get("Requires-Python"):
        problems.append(f"{name}: no Requires-Python")


def elf_facts(data: bytes) -> tuple[list[str], bool]:
    """(DT_NEEDED, has a symbol table) of an ELF shared object."""
    from elftools.elf.dynamic import DynamicSection
    from elftools.elf.elffile import ELFFile

    elf = ELFFile(io.BytesIO(data))
    needed = [
        tag.needed
        for section in elf.iter_sections()
        if isinstance(section, DynamicSection)
        for tag in section.iter_tags()
        if tag.entry.d_tag == "DT_NEEDED"
    ]
    return needed, elf.get_section_by_name(".symtab") is not None


def check_wheel(path: Path, problems: list[str]) -> None:
    name = path.name
    with zipfile.ZipFile(path) as zf:
        files = zf.namelist()
        dist_info = next((f.split("/")[0] for f in files if f.split("/")[0].endswith(".dist-info")), None)
        if dist_info is None:
            problems.append(f"{name}: no .dist-info")
            return
        for license_file in LICENSE_FILES:
            if f"{dist_info}/licenses/{license_file}" not in files:
                problems.append(f"{name}: {dist_info}/licenses/{license_file} missing")
        check_metadata(name, zf.read(f"{dist_info}/METADATA").decode(), problems)
        modules = [f for f in files if re.fullmatch(r"flask_fastsession/_native\..*\.(so|pyd)", f)]
        if len(modules) != 1:
            problems.append(f"{name}: expected one extension module, found {modules}")
            return
        if "linux" in name:
            vendored = [f for f in files if ".libs/" in f]
            if vendored:
                problems.append(f"{name}: libraries vendored into the wheel: {vendored}")
            needed, symtab = elf_facts(zf.read(modules[0]))
            if "libz.so.1" not in needed:
                problems.append(f"{name}: the extension does not link libz.so.1 (NEEDED: {needed})")
            if symtab:
                problems.append(f"{name}: the extension is not stripped")


def check_sdist(path: Path, problems: list[str]) -> None:
    name = path.name
    with tarfile.open(path) as tf:
        members = tf.getnames()
        top = members[0].split("/")[0]
        for wanted in SDIST_FILES:
            if f"{top}/{wanted}" not in members:
                problems.append(f"{name}: {wanted} missing")
        corpus = [m for m in members if m.startswith(f"{top}/fuzz/corpus/")]
        if not corpus:
            problems.append(f"{name}: fuzz/corpus missing")
        pkg_info = tf.extractfile(f"{top}/PKG-INFO")
        if pkg_info is None:
            problems.append(f"{name}: PKG-INFO missing")
        else:
            check_metadata(name, pkg_info.read().decode(), problems)


def check_release(paths: list[Path], problems: list[str]) -> None:
    wheels = [p.name for p in paths if p.suffix == ".whl"]
    sdists = [p.name for p in paths if p.name.endswith(".tar.gz")]
    if len(sdists) != 1:
        problems.append(f"expected one sdist, found {sdists}")
    for version in supported_pythons():
        tag = "cp" + version.replace(".", "")
        for platform, pattern in RELEASE_PLATFORMS.items():
            regex = rf"flask_fastsession-[^-]+-{tag}-{tag}-(?:[\w.]*\.)?{pattern}(?:\.[\w.]+)?\.whl"
            found = [w for w in wheels if re.fullmatch(regex, w)]
            if len(found) != 1:
                problems.append(f"Python {version}, {platform}: expected one wheel, found {found}")
    tags = {"cp" + v.replace(".", "") for v in supported_pythons()}
    for wheel in wheels:
        m = re.match(r"flask_fastsession-[^-]+-(cp\d+)-", wheel)
        if m is None or m.group(1) not in tags:
            problems.append(f"{wheel}: not for a supported Python")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--release", action="store_true", help="also check that the set of files is complete")
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)
    problems: list[str] = []
    paths: list[Path] = [p for p in args.paths if p.suffix == ".whl" or p.name.endswith(".tar.gz")]
    for path in paths:
        if path.suffix == ".whl":
            check_wheel(path, problems)
        else:
            check_sdist(path, problems)
        print(f"checked {path.name}")
    if args.release:
        check_release(paths, problems)
    if not paths:
        problems.append("no wheel or sdist given")
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    print(f"{len(paths)} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
