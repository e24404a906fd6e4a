"""``check``: the fast path against stock Flask on this machine, and with
``--app``, which path an app takes and why."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import importlib
import json
import math
import sys
import typing as t
import zlib

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from .. import _checks
from .. import _rule
from .._native_loader import NATIVE_AVAILABLE
from .._native_loader import UNAVAILABLE_REASON
from .._native_loader import native as _native
from ..sessions import FLAVOUR
from ..sessions import FastSessionInterface
from ._common import FIXED_TIME
from ._common import CLIError
from ._common import check_app
from ._common import corpus
from ._common import echo
from ._common import fixed_time
from ._common import signing_serializer
from ._common import versions_line

if t.TYPE_CHECKING:
    from collections.abc import Callable


@dataclasses.dataclass
class _Outcome:
    value: t.Any = None
    error: BaseException | None = None

    def describe(self) -> str:
        if self.error is not None:
            return f"raised {type(self.error).__name__}: {self.error}"
        return repr(self.value)


def _outcome(fn: Callable[..., t.Any], *args: t.Any, **kwargs: t.Any) -> _Outcome:
    """``fn(*args, **kwargs)``'s value or exception."""
    try:
        return _Outcome(value=fn(*args, **kwargs))
    except Exception as e:  # every exception is an outcome to compare
        return _Outcome(error=e)


def _same_value(a: t.Any, b: t.Any) -> bool:
    """Same type and value, recursively (tuple is not list, -0.0 is not 0.0, nan is nan)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a):
            return math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same_value(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dt.datetime):
        return (a.isoformat(), repr(a.tzinfo)) == (b.isoformat(), repr(b.tzinfo))
    return bool(a == b)


def _same_outcome(a: _Outcome, b: _Outcome) -> bool:
    if a.error is not None or b.error is not None:
        return (
            a.error is not None
            and b.error is not None
            and type(a.error) is type(b.error)
            and str(a.error) == str(b.error)
        )
    return _same_value(a.value, b.value)


@dataclasses.dataclass
class _Variant:
    name: str
    stock: Flask
    fast: Flask


def _variants() -> list[_Variant]:
    out = []
    for name, options in (
        ("default JSON", {}),
        ("sort_keys=False, ensure_ascii=False", {"sort_keys": False, "ensure_ascii": False}),
    ):
        stock = check_app(SecureCookieSessionInterface(), **options)
        fast = check_app(FastSessionInterface(), **options)
        out.append(_Variant(name, stock, fast))
    return out


class _Report:
    """Collects verdicts and prints one line per check."""

    def __init__(self) -> None:
        self.checks = 0
        self.differences = 0

    def note(self, label: str) -> None:
        """A line that informs, not a check."""
        echo(f"  {'note':<9} {label}")

    def item(self, label: str, ok: bool, detail: str = "") -> None:
        self.checks += 1
        if not ok:
            self.differences += 1
        verdict = "ok" if ok else "DIFFERENT"
        echo(f"  {verdict:<9} {label}")
        if detail and not ok:
            for line in detail.splitlines():
                echo(f"              {line}")


def _zlib_samples() -> list[bytes]:
    samples = [b"", b"{}", b'{"a":1}' * 3, json.dumps(corpus()["compressible"], default=repr).encode()]
    samples += [bytes(range(256)) * 16, bytes((i * 7919 + 13) % 251 for i in range(4096)), b"x" * 100_000]
    return samples


_LINKAGE = {
    "system": "the system library, linked dynamically",
    "bundled": "bundled in the extension, static",
    "vcpkg": "vcpkg's library",
}


def zlib_versions() -> tuple[str, str]:
    """The interpreter's zlib and the extension's, each with where its version comes from."""
    linkage = _LINKAGE.get(_native.ZLIB_LINKAGE, _native.ZLIB_LINKAGE)
    return (
        f"{zlib.ZLIB_RUNTIME_VERSION} (zlib.ZLIB_RUNTIME_VERSION)",
        f"{_native.ZLIB_RUNTIME_VERSION} (zlibVersion(); {linkage})",
    )


def deflater_summary() -> str:
    """Which zlib compresses the payloads of the native path, and why."""
    if _native.deflater() == "native":
        return "payloads are compressed by the extension's zlib (it writes zlib.compress's exact bytes)"
    why = (
        "the extension's zlib writes other bytes"
        if not _checks.ZLIB_MATCHES
        else "forced with _native.set_deflater; both zlibs agree here"
    )
    return (
        f"payloads are compressed by the interpreter's zlib.compress ({why}); "
        "everything else, loads included, stays native"
    )


def _check_zlib(report: _Report) -> None:
    interpreter, extension = zlib_versions()
    echo("zlib (cookies must carry zlib.compress's exact bytes):")
    echo(f"  {'':<9} the interpreter's zlib: {interpreter}")
    echo(f"  {'':<9} the extension's zlib:   {extension}")
    if not NATIVE_AVAILABLE:
        echo(f"  not checked, native path unavailable: {UNAVAILABLE_REASON}")
        return
    self_check = f"import-time self-check: _checks.ZLIB_MATCHES = {_checks.ZLIB_MATCHES}"
    if _checks.ZLIB_MATCHES:
        report.item(f"{self_check}, the extension's zlib writes zlib.compress's bytes", True)
    else:
        report.note(f"{self_check}, the extension's zlib writes other bytes than zlib.compress")
    report.item(
        deflater_summary(),
        _native.deflater() == "interpreter" or _checks.ZLIB_MATCHES,
        "the extension's zlib compresses payloads although it differs from the interpreter's",
    )
    samples = _zlib_samples()
    if _native.deflater() == "native":
        for sample in samples:
            native = _native.compress(sample)
            stock = zlib.compress(sample)
            report.item(
                f"compress({len(sample)} bytes) -> {len(stock)} bytes",
                native == stock,
                f"native {native[:32]!r}... ({len(native)} bytes)",
            )
    else:
        differ = sum(_native.compress(s) != zlib.compress(s) for s in samples)
        report.note(f"the extension's zlib differs from zlib.compress on {differ} of {len(samples)} samples (not used)")


def _check_dumps_and_loads(report: _Report, variant: _Variant) -> None:
    echo(f"dumps and cross-loading, app.json: {variant.name} (time.time() = {FIXED_TIME}):")
    stock_s, fast_s = signing_serializer(variant.stock), signing_serializer(variant.fast)
    for name, value in corpus().items():
        with fixed_time():
            with variant.stock.app_context():
                stock = _outcome(stock_s.dumps, value)
            with variant.fast.app_context():
                fast = _outcome(fast_s.dumps, value)
        same = _same_outcome(stock, fast) if stock.error else stock.value == fast.value
        what = f"same error: {type(stock.error).__name__}" if same and stock.error else "same cookie"
        report.item(f"{name}: {what}", same, f"stock: {stock.describe()}\nfast:  {fast.describe()}")
        if stock.error is not None or fast.error is not None:
            continue
        with fixed_time(FIXED_TIME + 1):
            loads = {}
            for reader, s in (("stock", stock_s), ("fast", fast_s)):
                app = variant.stock if reader == "stock" else variant.fast
                for writer, cookie in (("stock", stock.value), ("fast", fast.value)):
                    with app.app_context():
                        loads[reader, writer] = _outcome(s.loads, cookie, max_age=3600)
        base = loads["stock", "stock"]
        ok = all(_same_outcome(base, o) for o in loads.values())
        detail = "\n".join(f"{r} loads {w}'s: {o.describe()}" for (r, w), o in loads.items())
        report.item(f"{name}: stock loads fast's cookie, fast loads stock's", ok, detail)


#: Damaged and expired cookies: both must raise the same itsdangerous error.
def _bad_cookies(good: str) -> dict[str, str]:
    payload, ts, sig = good.rsplit(".", 2)
    return {
        "tampered signature": f"{payload}.{ts}.{sig[:-2]}{'AA' if sig[-2:] != 'AA' else 'BB'}",
        "tampered payload": f"{payload[:-1]}{'A' if payload[-1] != 'A' else 'B'}.{ts}.{sig}",
        "no timestamp": f"{payload}.{sig}",
        "no separator": payload,
        "non-ASCII junk": f"{payload}.{ts}.{sig}\u00e9",
    }


def _check_bad_cookies(report: _Report, variant: _Variant) -> None:
    echo("bad and expired cookies (same exception, same message):")
    stock_s, fast_s = signing_serializer(variant.stock), signing_serializer(variant.fast)
    with fixed_time():
        with variant.stock.app_context():
            good = stock_s.dumps({"a": 1})
    cases = [(name, cookie, 3600) for name, cookie in _bad_cookies(good).items()]
    cases.append(("expired", good, 0))
    for name, cookie, max_age in cases:
        with fixed_time(FIXED_TIME + 5):
            with variant.stock.app_context():
                stock = _outcome(stock_s.loads, cookie, max_age=max_age)
            with variant.fast.app_context():
                fast = _outcome(fast_s.loads, cookie, max_age=max_age)
        label = f"{name}: {type(stock.error).__name__}" if stock.error else name
        report.item(label, _same_outcome(stock, fast), f"stock: {stock.describe()}\nfast:  {fast.describe()}")


def _cycle_headers(app: Flask, action: str, cookie: str | None) -> list[tuple[str, str]]:
    client = app.test_client(use_cookies=False)
    headers = {"Cookie": f"session={cookie}"} if cookie else {}
    response = client.get(f"/{action}", headers=headers)
    return [(k, v) for k, v in response.headers.items() if k in ("Set-Cookie", "Vary")]


def _check_responses(report: _Report, variant: _Variant) -> None:
    echo("full responses (Set-Cookie and Vary headers):")
    cookie = None
    for action in ("set", "permanent", "read", "clear"):
        for _attempt in range(3):  # Expires comes from the clock: retry if a second ticked
            with fixed_time():
                stock = _cycle_headers(variant.stock, action, cookie)
                fast = _cycle_headers(variant.fast, action, cookie)
                again = _cycle_headers(variant.stock, action, cookie)
            if stock == again:
                break
        detail = f"stock: {stock}\nfast:  {fast}"
        report.item(f"request {action!r}: same headers", stock == fast, detail)
        if action == "set":
            for key, value in stock:
                if key == "Set-Cookie":
                    cookie = value.split(";", 1)[0].split("=", 1)[1]


def _load_app(import_path: str) -> t.Any:
    """Import an app the way ``flask --app`` does (``module``, ``module:name``,
    ``module:factory()``, or a file path); Quart apps by ``module[:name]``."""
    from flask.cli import NoAppException
    from flask.cli import ScriptInfo

    try:
        return ScriptInfo(app_import_path=import_path, set_debug_flag=False).load_app()
    except NoAppException as flask_error:
        # A Quart app is no flask.Flask: look it up by name ourselves.
        module_name, _, name = import_path.partition(":")
        if not module_name or "(" in name:
            raise CLIError(str(flask_error)) from None
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            raise CLIError(str(flask_error)) from None
        for attr in [name] if name else ["app", "application"]:
            app = getattr(module, attr, None)
            if app is not None and hasattr(app, "session_interface") and hasattr(app, "config"):
                return app
        raise CLIError(str(flask_error)) from None


def why_not_native(app: t.Any) -> list[str]:
    """The reasons ``app``'s session calls go to stock code, empty if none.

    The same checks as :meth:`FastSessionInterface.uses_native`
    (:func:`flask_fastsession._rule.reasons`), each failed one as a sentence.
    """
    interface = app.session_interface
    if isinstance(interface, FastSessionInterface):
        return _rule.reasons(interface, app, FLAVOUR)
    if "quart" in sys.modules:
        from ..quart import FLAVOUR as QUART_FLAVOUR
        from ..quart import FastSessionInterface as QuartFast

        if isinstance(interface, QuartFast):
            return _rule.reasons(interface, app, QUART_FLAVOUR)
    return [
        f"app.session_interface is {type(interface).__module__}.{type(interface).__qualname__}, "
        "not a FastSessionInterface (call flask_fastsession.init_app(app))"
    ]


def _report_app(import_path: str) -> None:
    app = _load_app(import_path)
    interface = type(app.session_interface)
    echo(f"app {import_path!r}: {type(app).__module__}.{type(app).__qualname__} {getattr(app, 'name', '')!r}")
    echo(f"  session interface: {interface.__module__}.{interface.__qualname__}")
    if app.config.get("FASTSESSION_ENABLED", True) is False:
        echo("  FASTSESSION_ENABLED is False: init_app leaves this app on stock sessions")
    uses = getattr(app.session_interface, "uses_native", None)
    native = bool(uses(app)) if callable(uses) else False
    if native:
        echo("  path: native (Rust). Deeply nested data and inputs stock rejects still go to stock code call by call.")
        interpreter, extension = zlib_versions()
        echo(f"  zlib: {deflater_summary()}")
        echo(f"    - the interpreter's: {interpreter}")
        echo(f"    - the extension's:   {extension}")
        return
    echo("  path: stock Flask code")
    for reason in why_not_native(app) or ["(uses_native says False, but no known condition explains it)"]:
        echo(f"    - {reason}")


def cmd_check(args: argparse.Namespace) -> int:
    """Run the built-in corpus through stock and fast; 1 if anything differs."""
    echo(versions_line())
    report = _Report()
    _check_zlib(report)
    variants = _variants()
    echo("path:")
    report.item(
        "FastSessionInterface.uses_native(default app) is True",
        FastSessionInterface.uses_native(variants[0].fast),
        "the default configuration takes the stock path: the comparisons below are stock against stock"
        + ("" if NATIVE_AVAILABLE else f"\nnative path unavailable: {UNAVAILABLE_REASON}"),
    )
    for variant in variants:
        _check_dumps_and_loads(report, variant)
    _check_bad_cookies(report, variants[0])
    _check_responses(report, variants[0])
    if report.differences:
        echo(f"\nFAILED: {report.differences} of {report.checks} checks differ from stock.")
    else:
        echo(f"\nOK: {report.checks} checks, the fast path reproduces stock Flask byte for byte here.")
    if args.app:
        echo("")
        _report_app(args.app)
    return 1 if report.differences else 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``check`` command to the subcommands of the main parser."""
    parser = sub.add_parser(
        "check",
        help="verify that the fast path reproduces stock Flask here",
        description=(
            "Dump a built-in corpus of sessions (every tag and JSON pitfall) with stock Flask and "
            "with flask-fastsession at a fixed time, compare the cookies byte for byte, load each "
            "with the other, compare bad-cookie errors and full responses, and check zlib. "
            "Exit status 1 if anything differs."
        ),
    )
    parser.add_argument(
        "--app",
        metavar="IMPORT",
        help="also report which path this app takes (as for `flask --app`: module, module:app, module:create_app())",
    )
    parser.set_defaults(func=cmd_check)
