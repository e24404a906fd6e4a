"""``python -m flask_fastsession``: check, decode, bench."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
import typing as t
import zlib
from pathlib import Path

import pytest
from flask import Flask

from differential import as_original
from differential import frozen
from flask_fastsession import FastSessionInterface
from flask_fastsession import _checks
from flask_fastsession import _native
from flask_fastsession import cli


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The CLI in-process: (exit status, stdout, stderr)."""
    try:
        status = cli.main(argv)
    except SystemExit as e:  # argparse: --help, --version, usage errors
        status = int(e.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def signed_cookie(value: dict[str, t.Any], secret: str | list[str] = "k", fallbacks: list[str] | None = None) -> str:
    app = Flask("cli_tests")
    app.secret_key = secret
    if fallbacks:
        app.config["SECRET_KEY_FALLBACKS"] = fallbacks
    s = FastSessionInterface().get_signing_serializer(app)
    assert s is not None
    with app.app_context():
        return t.cast(str, s.dumps(value))


# --------------------------------------------------------------------------------------
# check


def test_check_passes(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["check"], capsys)
    assert status == 0, out
    assert "OK:" in out and "DIFFERENT" not in out
    for item in ("zlib", "UUID", "datetime", "floats", "lone surrogate", "compressible", "expired"):
        assert item in out
    assert "stock loads fast's cookie, fast loads stock's" in out


def test_check_reports_a_difference(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A fast path that wrote other bytes must be caught, with exit status 1."""
    from flask_fastsession import sessions

    real = sessions.FastSigningSerializer.dumps

    def wrong(self: t.Any, obj: t.Any, salt: t.Any = None) -> t.Any:
        rv = real(self, obj, salt)
        return rv[:-1] + ("A" if rv[-1] != "A" else "B")

    monkeypatch.setattr(sessions.FastSigningSerializer, "dumps", wrong)
    status, out, _ = run(["check"], capsys)
    assert status == 1
    assert "DIFFERENT" in out and "FAILED:" in out
    assert "stock: " in out and "fast:  " in out


def test_check_names_both_zlibs(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["check"], capsys)
    assert status == 0, out
    assert f"the interpreter's zlib: {zlib.ZLIB_RUNTIME_VERSION} (zlib.ZLIB_RUNTIME_VERSION)" in out
    linkage = {"system": "the system library, linked dynamically", "bundled": "bundled in the extension, static"}
    extension = f"the extension's zlib:   {_native.ZLIB_RUNTIME_VERSION} (zlibVersion(); "
    assert extension + linkage.get(_native.ZLIB_LINKAGE, _native.ZLIB_LINKAGE) in out
    assert f"_checks.ZLIB_MATCHES = {_checks.ZLIB_MATCHES}" in out


@pytest.fixture
def other_interpreter_zlib(monkeypatch: pytest.MonkeyPatch) -> t.Iterator[None]:
    """An interpreter whose zlib writes other bytes than the extension's (level 6, Z_FIXED
    strategy instead of the default), as ``_checks`` would have seen it at import."""
    real = zlib.compress

    def other(data: t.Any, /, level: int = -1, wbits: int = 15) -> bytes:
        c = zlib.compressobj(level, zlib.DEFLATED, wbits, 8, zlib.Z_FIXED)
        return c.compress(data) + c.flush()

    assert other(b"abc" * 100) != real(b"abc" * 100)
    with as_original(zlib, "compress", other):
        monkeypatch.setattr(_checks, "ZLIB_MATCHES", _checks._zlib_matches())
        assert _checks.ZLIB_MATCHES is False
        _native.set_deflater("interpreter")
        try:
            yield
        finally:
            monkeypatch.undo()
            _native.set_deflater(_checks.DEFLATER)


@pytest.mark.usefixtures("other_interpreter_zlib")
def test_check_with_a_different_interpreter_zlib(capsys: pytest.CaptureFixture[str]) -> None:
    """The mismatch mode passes every check (stock's cookies come from the other zlib) and
    says which zlib compresses."""
    status, out, _ = run(["check"], capsys)
    assert status == 0, out
    assert "note      import-time self-check: _checks.ZLIB_MATCHES = False" in out
    assert "ok        payloads are compressed by the interpreter's zlib.compress (the extension's zlib writes" in out
    assert "differs from zlib.compress on 7 of 7 samples (not used)" in out
    assert "compressible: same cookie" in out


@pytest.mark.usefixtures("other_interpreter_zlib")
def test_check_catches_the_wrong_deflater(capsys: pytest.CaptureFixture[str]) -> None:
    """The extension's zlib compressing although it differs from the interpreter's: caught."""
    _native.set_deflater("native")
    status, out, _ = run(["check"], capsys)
    assert status == 1
    assert "DIFFERENT payloads are compressed by the extension's zlib" in out
    assert "DIFFERENT compressible: same cookie" in out


@pytest.fixture
def app_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "cli_test_app.py").write_text(
        textwrap.dedent(
            """
            from flask import Flask
            from flask.json.provider import DefaultJSONProvider
            from flask.sessions import SecureCookieSessionInterface
            from flask_fastsession import FastSessionInterface, init_app

            app = Flask("fast_app")
            app.secret_key = "x"
            init_app(app)

            stock_app = Flask("stock_app")
            stock_app.secret_key = "x"

            class Salty(FastSessionInterface):
                salt = "other"

            salty = Flask("salty")
            salty.secret_key = "x"
            salty.session_interface = Salty()

            class Provider(DefaultJSONProvider):
                def dumps(self, obj, **kwargs):
                    return super().dumps(obj, **kwargs)

            custom_json = Flask("custom_json")
            custom_json.secret_key = "x"
            custom_json.json = Provider(custom_json)
            init_app(custom_json)

            no_key = Flask("no_key")
            init_app(no_key)

            def create_app():
                a = Flask("factory")
                a.secret_key = "y"
                init_app(a)
                return a
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return "cli_test_app"


@pytest.mark.parametrize(
    "target, expected",
    [
        ("", ["path: native (Rust)"]),
        (":create_app()", ["path: native (Rust)", "'factory'"]),
        (":stock_app", ["path: stock Flask code", "not a FastSessionInterface", "init_app"]),
        (":salty", ["path: stock Flask code", "salt is 'other'"]),
        (":custom_json", ["path: stock Flask code", "app.json (Provider) overrides dumps or loads"]),
        (":no_key", ["path: stock Flask code", "no SECRET_KEY"]),
    ],
)
def test_check_app(app_module: str, target: str, expected: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["check", "--app", app_module + target], capsys)
    assert status == 0, out + err
    report = out.split(f"app '{app_module}{target}'", 1)[1]
    for text in expected:
        assert text in report, report
    zlibs = [
        f"the interpreter's: {zlib.ZLIB_RUNTIME_VERSION} (zlib.ZLIB_RUNTIME_VERSION)",
        f"the extension's:   {_native.ZLIB_RUNTIME_VERSION} (zlibVersion(); ",
    ]
    if "stock Flask code" in expected[0]:
        assert "path: native" not in report
        assert "zlib:" not in report
    else:
        by = "the extension's zlib" if _checks.ZLIB_MATCHES else "the interpreter's zlib.compress"
        assert f"zlib: payloads are compressed by {by}" in report
        assert all(line in report for line in zlibs), report


@pytest.mark.usefixtures("other_interpreter_zlib")
def test_check_app_with_a_different_interpreter_zlib(app_module: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The app still takes the native path; the report says the interpreter's zlib compresses."""
    status, out, err = run(["check", "--app", app_module], capsys)
    assert status == 0, out + err
    report = out.split(f"app '{app_module}'", 1)[1]
    assert "path: native (Rust)" in report
    assert "zlib: payloads are compressed by the interpreter's zlib.compress (the extension's zlib writes" in report


@pytest.mark.parametrize(
    "target, message",
    [("no_such_module_xyz", "Could not import 'no_such_module_xyz'"), ("cli_test_app:missing", "missing")],
)
def test_check_app_errors(app_module: str, target: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["check", "--app", target], capsys)
    assert status == 2
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err


def test_why_not_native_lists_every_reason() -> None:
    class Odd(FastSessionInterface):
        salt = "s"
        key_derivation = "concat"
        native_enabled = False

    app = Flask("odd")
    app.session_interface = Odd()
    reasons = cli.why_not_native(app)
    assert len(reasons) == 4, reasons
    app.secret_key = "k"
    app.session_interface = FastSessionInterface()
    assert cli.why_not_native(app) == []


# --------------------------------------------------------------------------------------
# decode


def test_decode_without_key(capsys: pytest.CaptureFixture[str]) -> None:
    with frozen("2024-02-29 12:00:00"):
        cookie = signed_cookie({"user": "\u00e9", "t": (1, b"x"), "_permanent": True})
    with frozen("2024-02-29 13:01:05"):
        status, out, _ = run(["decode", cookie], capsys)
    assert status == 0
    assert '"user": "\u00e9"' in out  # payload JSON, readable
    assert "'t': (1, b'x')" in out  # decoded: tagged types restored
    assert "signed at:   2024-02-29 12:00:00 UTC" in out
    assert "age:         1h 1m 5s" in out
    assert "compressed:  no" in out
    assert "signature:   not checked" in out


def test_decode_checks_keys(capsys: pytest.CaptureFixture[str]) -> None:
    cookie = signed_cookie({"a": "x" * 200})  # compresses
    status, out, _ = run(["decode", cookie, "--secret", "k"], capsys)
    assert status == 0 and "signature:   valid (the current key" in out
    assert "compressed:  yes" in out
    status, out, _ = run(["decode", cookie, "--secret", "k", "--secret", "new"], capsys)
    assert status == 0 and "valid (fallback key #1" in out
    status, out, _ = run(["decode", cookie, "--secret", "wrong"], capsys)
    assert status == 1 and "INVALID for all 1 key(s)" in out


@pytest.mark.parametrize(
    "wrap", ["{}", "session={}", "session={}; Path=/; HttpOnly", "Set-Cookie: session={}; Path=/", '"{}"']
)
def test_decode_accepts_pasted_forms(wrap: str, capsys: pytest.CaptureFixture[str]) -> None:
    cookie = signed_cookie({"a": 1})
    status, out, err = run(["decode", wrap.format(cookie), "--secret", "k"], capsys)
    assert status == 0, err
    assert "{'a': 1}" in out and "signature:   valid" in out


def test_decode_function() -> None:
    now = time.time()
    cookie = signed_cookie({"a": [1, 2]})
    info = cli.decode_cookie(cookie, ["k"], now=now + 10)
    assert info["value"] == {"a": [1, 2]}
    assert info["payload_json"] == '{"a":[1,2]}'
    assert info["signature"] == "valid" and info["valid_key_index"] == 0
    assert 9 <= info["age_seconds"] <= 11
    assert info["compressed"] is False


@pytest.mark.parametrize(
    "cookie, message",
    [
        ("abc", "not a Flask session cookie"),
        ("a.b", "not a Flask session cookie"),
        ("e!!.AAAA.BBBB", "payload is not valid URL-safe base64"),
        ("eyJhIjoxfQ.A.BBBB", "timestamp is not valid URL-safe base64"),
        ("eyJhIjoxfQ.AAAAAAAAAAAAAA.BBBB", "timestamp is 10 bytes long"),
        (".eyJhIjoxfQ.AAAA.BBBB", "does not decompress"),
        ("bm90IGpzb24.AAAA.BBBB", "not Flask's tagged JSON"),
        ("_w.AAAA.BBBB", "not UTF-8"),
    ],
)
def test_decode_errors(cookie: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["decode", cookie], capsys)
    assert status == 2
    assert err.startswith("error: ") and message in err, err
    assert "Traceback" not in err


# --------------------------------------------------------------------------------------
# bench, help, subprocess


def test_bench_quick(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.bench, "_time_per_call", lambda fn, budget: (fn(), 1e-5)[1])
    status, out, _ = run(["bench", "--quick"], capsys)
    assert status == 0
    assert "identical cookies: yes" in out
    assert "dumps" in out and "loads" in out and "speed-up" in out


@pytest.mark.parametrize("command", [[], ["check"], ["decode"], ["bench"]])
def test_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run([*command, "--help"], capsys)
    assert status == 0
    assert "usage: python -m flask_fastsession" in out


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run([], capsys)
    assert status == 2 and "usage:" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import flask_fastsession

    status, out, _ = run(["--version"], capsys)
    assert status == 0 and out.strip() == f"flask-fastsession {flask_fastsession.__version__}"


def test_python_dash_m() -> None:
    """The real entry point, in a subprocess."""
    cookie = signed_cookie({"a": 1})
    proc = subprocess.run(
        [sys.executable, "-m", "flask_fastsession", "decode", cookie, "--secret", "k"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "signature:   valid" in proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "flask_fastsession", "decode", "nope"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2 and proc.stderr.startswith("error: not a Flask session cookie")
