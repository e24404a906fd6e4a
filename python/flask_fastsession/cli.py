"""``python -m flask_fastsession``: check, decode and time session cookies.

.. code-block:: text

    $ python -m flask_fastsession check [--app module:app]
    $ python -m flask_fastsession decode COOKIE [--secret KEY ...]
    $ python -m flask_fastsession bench [--quick]

``check`` verifies on this machine that the fast path writes stock Flask's
cookies byte for byte and that each loads the other's; ``decode`` shows what
a session cookie holds, using only itsdangerous's public pieces, so it works
on any Flask session cookie; ``bench`` is a quick stock-vs-fast timing.

.. versionadded:: 0.1
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime as dt
import decimal
import hashlib
import importlib
import importlib.metadata
import json
import math
import platform
import pprint
import sys
import time
import typing as t
import uuid
import zlib
from contextlib import contextmanager
from unittest import mock

from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadData
from itsdangerous import Signer
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode
from itsdangerous.encoding import bytes_to_int
from markupsafe import Markup

from . import _checks
from . import _rule
from ._native_loader import NATIVE_AVAILABLE
from ._native_loader import UNAVAILABLE_REASON
from ._native_loader import native as _native
from .sessions import FLAVOUR
from .sessions import FastSessionInterface

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from collections.abc import Iterator
    from collections.abc import Sequence

#: The instant ``check`` runs at (``time.time`` patched): 2024-02-29 12:34:56.789 UTC.
FIXED_TIME = 1709210096.789
#: Secret key of the ``check`` apps.
CHECK_SECRET = "flask-fastsession check \u00e9"


class CLIError(Exception):
    """An error to show the user as ``error: ...`` (exit status 2)."""


def _print(*args: object) -> None:
    print(*args, flush=True)


# --------------------------------------------------------------------------------------
# check


@dataclasses.dataclass
class _Point:
    x: int
    label: str


_Pair = collections.namedtuple("_Pair", "left right")


def corpus() -> dict[str, dict[t.Any, t.Any]]:
    """The sessions ``check`` dumps: every tag of Flask's tagged JSON, and the
    places where a JSON writer usually differs from CPython's."""
    deep: t.Any = "bottom"
    for _ in range(64):
        deep = [deep]
    noise = bytes((i * 7919 + 13) % 251 for i in range(600))
    return {
        "empty": {},
        "flask-login": {
            "_fresh": True,
            "_id": "0123456789abcdef" * 8,
            "_user_id": "1",
            "csrf_token": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
        },
        "permanent": {"_permanent": True, "user_id": 42},
        "flashes (tuple tag)": {"_flashes": [("message", "Logged in."), ("error", "Try again")]},
        "nested tuples, namedtuple": {"t": (1, (2, ("x",)), [], ()), "nt": _Pair(1, "b")},
        "bytes": {"b": b"\x00\xff bytes", "empty": b"", "long": bytes(range(256))},
        "Markup": {"m": Markup("<b>caf\u00e9 &amp;</b>"), "escaped": Markup.escape("<i>")},
        "UUID": {"u": uuid.UUID("12345678-1234-5678-1234-567812345678"), "nil": uuid.UUID(int=0)},
        "datetime": {
            "naive": dt.datetime(2024, 2, 29, 12, 34, 56, 789),
            "utc": dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc),
            "offset": dt.datetime(2030, 6, 1, 5, 0, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
        },
        "tag keys in data ( di)": {"x": {" t": [1, 2]}, "y": {" di": {"z": 1}}, " b": "not a tag here"},
        "floats": {
            "f": [0.1, -0.0, 1e16, 1e-05, 5e-324, 1.7976931348623157e308, 123456789.125],
            "special": [math.nan, math.inf, -math.inf],
        },
        "ints, bools, null": {"i": [0, -1, 2**63, -(2**70), 10**30], "b": [True, False], "n": None},
        "non-str keys": {1: "int", 2.5: "float", False: "bool"},
        "unicode": {
            "\u00e9": "caf\u00e9 \u20ac",
            "astral": "\U0001f600\U0001f511",
            "controls": "\x00\x1f\"\\\n\r\t\b\f\x7f",
            "bom": "\ufeff",
        },
        "lone surrogate": {"s": "\ud800x"},
        "compressible": {"cart": [{"sku": f"SKU-{i:04d}", "qty": i % 5, "price": i * 1.25} for i in range(60)]},
        "incompressible": {"r": noise.hex()},
        "app.json.default types": {
            "date": dt.date(2024, 2, 29),
            "decimal": decimal.Decimal("1.10"),
            "dataclass": _Point(1, "p"),
        },
        "unserializable": {"o": object()},
        "deep (64 levels)": {"d": deep},
    }


@dataclasses.dataclass
class _Outcome:
    value: t.Any = None
    error: BaseException | None = None

    def describe(self) -> str:
        if self.error is not None:
            return f"raised {type(self.error).__name__}: {self.error}"
        return repr(self.value)


def _outcome(fn: Callable[[], t.Any]) -> _Outcome:
    try:
        return _Outcome(value=fn())
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
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b))
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


@contextmanager
def _fixed_time(at: float = FIXED_TIME) -> Iterator[None]:
    """``time.time()`` pinned for stock and fast alike (both read it through the module)."""
    with mock.patch.object(time, "time", lambda: at):
        yield


@dataclasses.dataclass
class _Variant:
    name: str
    stock: Flask
    fast: Flask


def _check_app(interface: SecureCookieSessionInterface, **json_options: t.Any) -> Flask:
    app = Flask("flask_fastsession_check")
    app.secret_key = CHECK_SECRET
    app.session_interface = interface
    for key, value in json_options.items():
        setattr(app.json, key, value)

    @app.route("/<action>")
    def view(action: str) -> str:
        from flask import session

        if action == "set":
            session.update(corpus()["flask-login"])
        elif action == "permanent":
            session.update(corpus()["permanent"])
            session.permanent = True
        elif action == "clear":
            session.clear()
        return "ok"

    return app


def _variants() -> list[_Variant]:
    out = []
    for name, options in (
        ("default JSON", {}),
        ("sort_keys=False, ensure_ascii=False", {"sort_keys": False, "ensure_ascii": False}),
    ):
        out.append(
            _Variant(name, _check_app(SecureCookieSessionInterface(), **options), _check_app(FastSessionInterface(), **options))
        )
    return out


def _serializer(app: Flask) -> URLSafeTimedSerializer:
    s = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert s is not None
    return t.cast(URLSafeTimedSerializer, s)


class _Report:
    """Collects verdicts and prints one line per check."""

    def __init__(self) -> None:
        self.checks = 0
        self.differences = 0

    def note(self, label: str) -> None:
        """A line that informs, not a check."""
        _print(f"  {'note':<9} {label}")

    def item(self, label: str, ok: bool, detail: str = "") -> None:
        self.checks += 1
        if not ok:
            self.differences += 1
        verdict = "ok" if ok else "DIFFERENT"
        _print(f"  {verdict:<9} {label}")
        if detail and not ok:
            for line in detail.splitlines():
                _print(f"              {line}")


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
    _print("zlib (cookies must carry zlib.compress's exact bytes):")
    _print(f"  {'':<9} the interpreter's zlib: {interpreter}")
    _print(f"  {'':<9} the extension's zlib:   {extension}")
    if not NATIVE_AVAILABLE:
        _print(f"  not checked, native path unavailable: {UNAVAILABLE_REASON}")
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
    _print(f"dumps and cross-loading, app.json: {variant.name} (time.time() = {FIXED_TIME}):")
    stock_s, fast_s = _serializer(variant.stock), _serializer(variant.fast)
    for name, value in corpus().items():
        with _fixed_time():
            with variant.stock.app_context():
                stock = _outcome(lambda: stock_s.dumps(value))
            with variant.fast.app_context():
                fast = _outcome(lambda: fast_s.dumps(value))
        same = _same_outcome(stock, fast) if stock.error else stock.value == fast.value
        what = f"same error: {type(stock.error).__name__}" if same and stock.error else "same cookie"
        report.item(f"{name}: {what}", same, f"stock: {stock.describe()}\nfast:  {fast.describe()}")
        if stock.error is not None or fast.error is not None:
            continue
        with _fixed_time(FIXED_TIME + 1):
            loads = {}
            for reader, s in (("stock", stock_s), ("fast", fast_s)):
                app = variant.stock if reader == "stock" else variant.fast
                for writer, cookie in (("stock", stock.value), ("fast", fast.value)):
                    with app.app_context():
                        loads[reader, writer] = _outcome(lambda: s.loads(cookie, max_age=3600))
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
    _print("bad and expired cookies (same exception, same message):")
    stock_s, fast_s = _serializer(variant.stock), _serializer(variant.fast)
    with _fixed_time():
        with variant.stock.app_context():
            good = stock_s.dumps({"a": 1})
    cases = [(name, cookie, 3600) for name, cookie in _bad_cookies(good).items()]
    cases.append(("expired", good, 0))
    for name, cookie, max_age in cases:
        with _fixed_time(FIXED_TIME + 5):
            with variant.stock.app_context():
                stock = _outcome(lambda: stock_s.loads(cookie, max_age=max_age))
            with variant.fast.app_context():
                fast = _outcome(lambda: fast_s.loads(cookie, max_age=max_age))
        label = f"{name}: {type(stock.error).__name__}" if stock.error else name
        report.item(label, _same_outcome(stock, fast), f"stock: {stock.describe()}\nfast:  {fast.describe()}")


def _cycle_headers(app: Flask, action: str, cookie: str | None) -> list[tuple[str, str]]:
    client = app.test_client(use_cookies=False)
    headers = {"Cookie": f"session={cookie}"} if cookie else {}
    response = client.get(f"/{action}", headers=headers)
    return [(k, v) for k, v in response.headers.items() if k in ("Set-Cookie", "Vary")]


def _check_responses(report: _Report, variant: _Variant) -> None:
    _print("full responses (Set-Cookie and Vary headers):")
    cookie = None
    for action in ("set", "permanent", "read", "clear"):
        for _attempt in range(3):  # Expires comes from the clock: retry if a second ticked
            with _fixed_time():
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
        from .quart import FLAVOUR as QUART_FLAVOUR
        from .quart import FastSessionInterface as QuartFast

        if isinstance(interface, QuartFast):
            return _rule.reasons(interface, app, QUART_FLAVOUR)
    return [
        f"app.session_interface is {type(interface).__module__}.{type(interface).__qualname__}, "
        "not a FastSessionInterface (call flask_fastsession.init_app(app))"
    ]


def _report_app(import_path: str) -> None:
    app = _load_app(import_path)
    interface = type(app.session_interface)
    _print(f"app {import_path!r}: {type(app).__module__}.{type(app).__qualname__} {getattr(app, 'name', '')!r}")
    _print(f"  session interface: {interface.__module__}.{interface.__qualname__}")
    if app.config.get("FASTSESSION_ENABLED", True) is False:
        _print("  FASTSESSION_ENABLED is False: init_app leaves this app on stock sessions")
    uses = getattr(app.session_interface, "uses_native", None)
    native = bool(uses(app)) if callable(uses) else False
    if native:
        _print("  path: native (Rust). Deeply nested data and inputs stock rejects still go to stock code call by call.")
        interpreter, extension = zlib_versions()
        _print(f"  zlib: {deflater_summary()}")
        _print(f"    - the interpreter's: {interpreter}")
        _print(f"    - the extension's:   {extension}")
        return
    _print("  path: stock Flask code")
    for reason in why_not_native(app) or ["(uses_native says False, but no known condition explains it)"]:
        _print(f"    - {reason}")


def _versions_line() -> str:
    def v(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "?"

    build = f"{_native.BUILD_PROFILE} build" if NATIVE_AVAILABLE else "native path unavailable"
    return (
        f"flask-fastsession {_native.__version__} ({build}), Flask {v('flask')}, "
        f"Werkzeug {v('werkzeug')}, itsdangerous {v('itsdangerous')}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, zlib {zlib.ZLIB_RUNTIME_VERSION} "
        f"(extension: {_native.ZLIB_RUNTIME_VERSION}, {_native.ZLIB_LINKAGE})"
    )


def cmd_check(args: argparse.Namespace) -> int:
    """Run the built-in corpus through stock and fast; 1 if anything differs."""
    _print(_versions_line())
    report = _Report()
    _check_zlib(report)
    variants = _variants()
    _print("path:")
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
        _print(f"\nFAILED: {report.differences} of {report.checks} checks differ from stock.")
    else:
        _print(f"\nOK: {report.checks} checks, the fast path reproduces stock Flask byte for byte here.")
    if args.app:
        _print("")
        _report_app(args.app)
    return 1 if report.differences else 0


# --------------------------------------------------------------------------------------
# decode


def _cookie_value(text: str) -> str:
    """The cookie value from what the user pasted: a bare value, ``session=value``,
    a ``Set-Cookie`` header value, or a quoted value."""
    text = text.strip()
    if text.lower().startswith("set-cookie:"):
        text = text.split(":", 1)[1].strip()
    text = text.split(";", 1)[0].strip()
    if "=" in text:  # session values never contain "=": padding is stripped
        text = text.split("=", 1)[1].strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return text


def _b64(part: str, what: str) -> bytes:
    try:
        return base64_decode(part)
    except BadData as e:
        raise CLIError(f"the {what} is not valid URL-safe base64 ({e}): {part!r}") from None


def _age(seconds: int) -> str:
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    parts += [f"{hours}h"] if hours or days else []
    parts += [f"{minutes}m", f"{secs}s"]
    return sign + " ".join(parts)


def decode_cookie(
    cookie: str,
    secrets: Sequence[str] = (),
    *,
    salt: str = "cookie-session",
    now: float | None = None,
) -> dict[str, t.Any]:
    """Take a Flask session cookie apart with itsdangerous's public pieces.

    :param cookie: the value, ``session=value`` or a ``Set-Cookie`` value.
    :param secrets: keys to verify the signature with (oldest first, like
        ``SECRET_KEY_FALLBACKS`` then ``SECRET_KEY``); none: not checked.
    :param salt: the signing salt (Flask's is ``"cookie-session"``).
    :param now: the current time, for the age (default: ``time.time()``).
    :return: ``payload_json``, ``value``, ``timestamp``, ``signed_at``,
        ``age_seconds``, ``compressed``, ``signature`` (``"valid"``,
        ``"INVALID"`` or ``"not checked"``), ``valid_key_index``.
    :raises CLIError: the text is not a Flask session cookie.
    """
    value = _cookie_value(cookie)
    if value.count(".") < 2:
        raise CLIError(
            f"not a Flask session cookie: expected payload.timestamp.signature, got {value!r}"
        )
    signed, _, sig = value.rpartition(".")
    payload, _, ts_part = signed.rpartition(".")
    compressed = payload.startswith(".")
    raw = _b64(payload[1:] if compressed else payload, "payload")
    if compressed:
        try:
            raw = zlib.decompress(raw)
        except zlib.error as e:
            raise CLIError(f"the payload is marked compressed but does not decompress: {e}") from None
    ts_bytes = _b64(ts_part, "timestamp")
    if len(ts_bytes) > 8:
        raise CLIError(f"the timestamp is {len(ts_bytes)} bytes long (at most 8): {ts_part!r}")
    timestamp = bytes_to_int(ts_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CLIError(f"the payload is not UTF-8: {e}") from None
    try:
        decoded = TaggedJSONSerializer().loads(text)
    except Exception as e:  # JSON or untagging errors, as stock's BadPayload
        raise CLIError(f"the payload is not Flask's tagged JSON: {type(e).__name__}: {e}") from None
    signature = "not checked"
    valid_key: int | None = None
    if secrets:
        signature = "INVALID"
        for i, key in enumerate(secrets):
            signer = Signer(key, salt=salt, key_derivation="hmac", digest_method=hashlib.sha1)
            if signer.verify_signature(signed.encode("utf-8"), sig.encode("utf-8")):
                signature, valid_key = "valid", i
                break
    current = time.time() if now is None else now
    try:
        signed_at: dt.datetime | None = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        signed_at = None
    return {
        "payload_json": text,
        "value": decoded,
        "timestamp": timestamp,
        "signed_at": signed_at,
        "age_seconds": int(current) - timestamp,
        "compressed": compressed,
        "signature": signature,
        "valid_key_index": valid_key,
    }


def cmd_decode(args: argparse.Namespace) -> int:
    """Print what a session cookie holds; 1 if a given key list rejects it."""
    info = decode_cookie(args.cookie, args.secret or (), salt=args.salt)
    try:
        pretty_json = json.dumps(json.loads(info["payload_json"]), indent=2, ensure_ascii=False)
    except ValueError:
        pretty_json = info["payload_json"]
    signed_at = info["signed_at"]
    when = signed_at.strftime("%Y-%m-%d %H:%M:%S UTC") if signed_at else "(out of datetime's range)"
    _print(f"payload JSON ({len(info['payload_json'])} chars):")
    _print(pretty_json)
    _print("decoded value:")
    _print(pprint.pformat(info["value"], sort_dicts=False))
    _print(f"signed at:   {when} (timestamp {info['timestamp']})")
    _print(f"age:         {_age(info['age_seconds'])}" + (" (in the future)" if info["age_seconds"] < 0 else ""))
    _print(f"compressed:  {'yes (zlib)' if info['compressed'] else 'no'}")
    if info["signature"] == "valid":
        n = len(args.secret)
        which = "the current key" if info["valid_key_index"] == n - 1 else f"fallback key #{info['valid_key_index'] + 1}"
        _print(f"signature:   valid ({which}; salt {args.salt!r}, HMAC-SHA1)")
    elif info["signature"] == "INVALID":
        _print(f"signature:   INVALID for all {len(args.secret)} key(s) given")
    else:
        _print("signature:   not checked (pass --secret KEY)")
    return 1 if info["signature"] == "INVALID" else 0


# --------------------------------------------------------------------------------------
# bench


def typical_session() -> dict[str, t.Any]:
    """A logged-in user with a flash message, a CSRF token and a small cart."""
    return {
        "_fresh": True,
        "_id": "0123456789abcdef" * 8,
        "_user_id": "1042",
        "csrf_token": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
        "_flashes": [("message", "Logged in.")],
        "cart": [{"sku": f"SKU-{i:04d}", "qty": i % 3 + 1} for i in range(5)],
        "seen": uuid.UUID(int=0x1234),
        "_permanent": True,
    }


def _time_per_call(fn: Callable[[], object], budget: float) -> float:
    """Best-of-5 seconds per call, each round about ``budget / 5`` seconds."""
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= budget / 50 or n >= 1 << 22:
            break
        n *= 4
    per_round = max(1, int(n * (budget / 5) / max(elapsed, 1e-9)))
    best = math.inf
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(per_round):
            fn()
        best = min(best, (time.perf_counter() - start) / per_round)
    return best


def cmd_bench(args: argparse.Namespace) -> int:
    """Time dumps/loads of a typical session, stock vs fast."""
    budget = 0.25 if args.quick else 1.5
    _print(_versions_line())
    if not NATIVE_AVAILABLE:
        _print(f"warning: both columns are stock, native path unavailable: {UNAVAILABLE_REASON}")
    elif _native.BUILD_PROFILE != "release":
        _print("warning: a debug build of the extension: the figures mean nothing (build with --release)")
    stock_app = _check_app(SecureCookieSessionInterface())
    fast_app = _check_app(FastSessionInterface())
    stock_s, fast_s = _serializer(stock_app), _serializer(fast_app)
    value = typical_session()
    rows = []
    with stock_app.app_context():
        cookie = stock_s.dumps(value)
    ops: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
        ("dumps", lambda: stock_s.dumps(value), lambda: fast_s.dumps(value)),
        ("loads", lambda: stock_s.loads(cookie, max_age=3600), lambda: fast_s.loads(cookie, max_age=3600)),
    ]
    with _fixed_time():
        with stock_app.app_context():
            stock_cookie = stock_s.dumps(value)
        with fast_app.app_context():
            same = fast_s.dumps(value) == stock_cookie
    for name, stock_fn, fast_fn in ops:
        with stock_app.app_context():
            stock_t = _time_per_call(stock_fn, budget)
        with fast_app.app_context():
            fast_t = _time_per_call(fast_fn, budget)
        rows.append((name, stock_t, fast_t))
    _print(f"typical session: {len(value)} keys, cookie {len(cookie)} bytes; identical cookies: {'yes' if same else 'NO'}")
    _print(f"{'operation':<10} {'stock':>10} {'fast':>10} {'speed-up':>9}")
    for name, stock_t, fast_t in rows:
        _print(f"{name:<10} {stock_t * 1e6:>8.2f}us {fast_t * 1e6:>8.2f}us {stock_t / fast_t:>8.1f}x")
    _print("(best of 5 rounds; `make bench` in a clone runs the full benchmark suite)")
    return 0 if same else 1


# --------------------------------------------------------------------------------------
# main


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m flask_fastsession`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m flask_fastsession",
        description="Check, decode and time Flask session cookies with flask-fastsession.",
    )
    parser.add_argument("--version", action="version", version=f"flask-fastsession {_native.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = sub.add_parser(
        "check",
        help="verify that the fast path reproduces stock Flask here",
        description=(
            "Dump a built-in corpus of sessions (every tag and JSON pitfall) with stock Flask and "
            "with flask-fastsession at a fixed time, compare the cookies byte for byte, load each "
            "with the other, compare bad-cookie errors and full responses, and check zlib. "
            "Exit status 1 if anything differs."
        ),
    )
    check.add_argument(
        "--app",
        metavar="IMPORT",
        help="also report which path this app takes (as for `flask --app`: module, module:app, module:create_app())",
    )
    check.set_defaults(func=cmd_check)

    decode = sub.add_parser(
        "decode",
        help="show what a session cookie holds",
        description=(
            "Decode a Flask session cookie: payload JSON, decoded value, signing time (UTC) and "
            "age, compression, and the signature checked against the keys given. Exit status 1 "
            "if keys were given and none verifies it, 2 if it cannot be decoded."
        ),
    )
    decode.add_argument("cookie", metavar="COOKIE", help="the cookie value (or session=VALUE, or a Set-Cookie value)")
    decode.add_argument(
        "--secret",
        metavar="KEY",
        action="append",
        help="a key to verify with; repeat for fallbacks, oldest first, the current key last",
    )
    decode.add_argument("--salt", default="cookie-session", help="signing salt (default: %(default)s)")
    decode.set_defaults(func=cmd_decode)

    bench = sub.add_parser(
        "bench",
        help="time dumps/loads of a typical session, stock vs fast",
        description="A quick stock-vs-fast timing of a typical session's dumps and loads.",
    )
    bench.add_argument("--quick", action="store_true", help="shorter runs (noisier figures)")
    bench.set_defaults(func=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    :param argv: the arguments (default: ``sys.argv[1:]``).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    func = t.cast("Callable[[argparse.Namespace], int]", args.func)
    try:
        return func(args)
    except CLIError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `... | head`: stop quietly, as other tools do
        sys.stderr.close()
        return 1
