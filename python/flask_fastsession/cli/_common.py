"""What the commands share: the output, the error shown to the user, the
pinned clock and the apps that ``check`` and ``bench`` compare."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import decimal
import importlib.metadata
import math
import platform
import time
import typing as t
import uuid
import zlib
from contextlib import contextmanager
from unittest import mock

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from markupsafe import Markup

from .._native_loader import NATIVE_AVAILABLE
from .._native_loader import native as _native

if t.TYPE_CHECKING:
    from collections.abc import Iterator

#: The instant ``check`` runs at (``time.time`` patched): 2024-02-29 12:34:56.789 UTC.
FIXED_TIME = 1709210096.789
#: Secret key of the ``check`` apps.
CHECK_SECRET = "flask-fastsession check \u00e9"


class CLIError(Exception):
    """An error to show the user as ``error: ...`` (exit status 2)."""


def echo(*args: object) -> None:
    """``print``, flushed: the lines show as they come when piped."""
    print(*args, flush=True)


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
            "controls": '\x00\x1f"\\\n\r\t\b\f\x7f',
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


@contextmanager
def fixed_time(at: float = FIXED_TIME) -> Iterator[None]:
    """``time.time()`` pinned for stock and fast alike (both read it through the module)."""
    with mock.patch.object(time, "time", lambda: at):
        yield


def check_app(interface: SecureCookieSessionInterface, **json_options: t.Any) -> Flask:
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


def signing_serializer(app: Flask) -> URLSafeTimedSerializer:
    s = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert s is not None
    return t.cast(URLSafeTimedSerializer, s)


def versions_line() -> str:
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
