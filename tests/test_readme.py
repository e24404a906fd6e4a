"""Every code block in README.md runs.

Python blocks run in order in one namespace (later blocks use the ``app`` of
the first), in a temporary directory. Shell blocks (``$ command`` lines) are
checked without side effects: ``make`` targets with ``make -n``, the CLI's
subcommands with ``--help``, ``pip install`` targets against what the build
produces and the extras ``pyproject.toml`` declares, other tools by presence.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import typing as t
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, as a package (a dev dependency there)
    import tomli as tomllib

import pytest

import flask_fastsession
from _versions import FLASK
from flask_fastsession import cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def blocks() -> list[tuple[str, str, int]]:
    """(language, code, line number) of every fenced block."""
    text = README.read_text()
    out = []
    for m in FENCE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        # Blocks indented inside list items: dedent by the fence's indentation.
        out.append((m.group(1), m.group(2), line))
    # Fences indented in list items are not matched by ^```: find them too.
    for m in re.finditer(r"^( +)```(\w*)\n(.*?)^\1```", text, re.S | re.M):
        indent = len(m.group(1))
        code = "\n".join(ln[indent:] for ln in m.group(3).splitlines()) + "\n"
        out.append((m.group(2), code, text.count("\n", 0, m.start()) + 1))
    return sorted(out, key=lambda b: b[2])


def python_blocks() -> list[tuple[str, int]]:
    return [(code, line) for lang, code, line in blocks() if lang == "python"]


def commands() -> list[tuple[str, int]]:
    return [
        (ln[2:].strip(), line)
        for lang, code, line in blocks()
        if lang in ("", "sh", "shell", "console", "bash")
        for ln in code.splitlines()
        if ln.startswith("$ ")
    ]


def test_readme_has_blocks() -> None:
    assert len(python_blocks()) >= 6
    assert len(commands()) >= 10


def test_python_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, t.Any] = {"__name__": "readme_example"}
    ran = 0
    for code, line in python_blocks():
        if "quart" in code and (importlib.util.find_spec("quart") is None or FLASK < (3, 1)):
            continue  # the Quart block: tests/test_quart.py skips likewise
        try:
            exec(compile(code, f"README.md:{line}", "exec"), namespace)
        except Exception as e:
            raise AssertionError(f"README.md block at line {line} failed: {e!r}\n{code}") from e
        ran += 1
    assert ran >= 6


# --------------------------------------------------------------------------------------
# Shell commands


def _pyproject() -> dict[str, t.Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _tool(name: str) -> str | None:
    """A tool from PATH or from the running interpreter's environment."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


def _check_make(args: list[str]) -> None:
    make = shutil.which("make")
    assert make, "make is not installed"
    for target in args:
        proc = subprocess.run([make, "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, f"make -n {target}: {proc.stderr}"


def _check_cli(args: list[str]) -> None:
    assert args[:2] == ["-m", "flask_fastsession"], args
    sub = [a for a in args[2:] if not a.startswith("-")][:1]
    with pytest.raises(SystemExit) as exc:
        cli.build_parser().parse_args([*sub, "--help"])
    assert exc.value.code == 0
    # Every option the README uses exists.
    parser_help = subprocess.run(
        [sys.executable, "-m", "flask_fastsession", *sub, "--help"], capture_output=True, text=True, timeout=120
    ).stdout
    for option in (a.split("=")[0] for a in args[2:] if a.startswith("--")):
        assert option in parser_help, f"{option} is not an option of {sub}"
    if sub == ["decode"]:  # the example cookie decodes
        info = cli.decode_cookie(args[3])
        assert info["signature"] == "not checked" and info["value"]


def _check_pip_install(args: list[str]) -> None:
    assert args[0] == "install"
    version = flask_fastsession.__version__
    for target in args[1:]:
        if target.endswith(".whl"):
            assert re.fullmatch(rf"flask_fastsession-{re.escape(version)}-cp\d+-cp\d+-[\w.]+\.whl", target), target
        elif target.endswith(".tar.gz"):
            assert target == f"flask_fastsession-{version}.tar.gz", target
        else:
            m = re.fullmatch(r"\.(?:\[(.+)\])?", target)
            assert m, f"unexpected pip install target {target!r}"
            extras = _pyproject()["project"].get("optional-dependencies", {})
            for extra in (m.group(1) or "").split(","):
                assert not extra or extra in extras, f"no [{extra}] extra in pyproject.toml"


def _check_maturin(args: list[str]) -> None:
    maturin = _tool("maturin")
    if maturin is None:
        pytest.skip("maturin is not installed here")
    proc = subprocess.run([maturin, args[0], "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for option in (a for a in args[1:] if a.startswith("--")):
        assert option in proc.stdout, f"maturin {args[0]} has no {option}"


@pytest.mark.parametrize("command, line", commands(), ids=[c for c, _ in commands()])
def test_shell_commands(command: str, line: int) -> None:
    argv = shlex.split(command, comments=True)
    assert argv, f"README.md:{line}: empty command"
    tool, args = argv[0], argv[1:]
    if tool == "make":
        _check_make(args)
    elif tool in ("python", "python3"):
        _check_cli(args)
    elif tool == "pip":
        _check_pip_install(args)
    elif tool == "maturin":
        _check_maturin(args)
    else:
        assert _tool(tool) or os.path.exists(ROOT / tool), f"README.md:{line}: {tool} not found"
