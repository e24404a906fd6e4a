"""Regenerate the committed seed corpus in fuzz/corpus/<target>/ from real stock cookies.

Run with the project's virtualenv (it needs Flask and itsdangerous):

    .venv/bin/python fuzz/make_corpus.py

Deterministic: the clock is pinned to ``NOW``, the keys and payloads are fixed, and the
file names are derived from the labels, so re-running it reproduces the same files byte for
byte (``git status`` stays clean). Every cookie is produced by stock Flask's
``SecureCookieSessionInterface`` serializer; the fuzz targets' input formats are described
at the top of each ``fuzz/fuzz_targets/*.rs``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import shutil
import uuid
import zlib
from pathlib import Path
from unittest import mock

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous.encoding import base64_decode
from markupsafe import Markup

NOW = 1_700_000_000  # fuzz_targets/unsign.rs: T0
SECRET_KEY = "current secret key"
FALLBACKS = ["old-secret"]
ROOT = Path(__file__).resolve().parent / "corpus"

# unsign.rs: byte 0 = key set (bits 0-2) | max_age (bits 3-5); byte 1 = clock (106 is T0).
UNSIGN_KEYS_BOTH, UNSIGN_KEYS_UNRELATED = 0, 3
UNSIGN_MAX_AGE_NONE, UNSIGN_MAX_AGE_100 = 0, 2
UNSIGN_NOW_T0, UNSIGN_NOW_T0_PLUS_101, UNSIGN_NOW_T0_MINUS_1 = 106, 207, 105

PAYLOADS: dict[str, object] = {
    "empty": {},
    "small": {"a": 1},
    "permanent": {"_permanent": True, "user_id": 42},
    "login": {
        "_flashes": [("message", "Logged in")],
        "_fresh": True,
        "_id": "b1f4e5c2d0a9",
        "_user_id": "42",
        "csrf_token": "6f1c0f9a1d2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d",
    },
    "compressed": {"cart": [{"sku": f"SKU-{i:04d}", "qty": i % 5 + 1, "price": i * 1.25} for i in range(40)]},
    "tags": {
        "t": (1, "two", 3.0),
        "b": b"\x00\xffbytes",
        "m": Markup("<b>bold</b>"),
        "u": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "d": dt.datetime(2024, 2, 29, 12, 34, 56, tzinfo=dt.timezone.utc),
        "di": {" t": "not a tuple"},
        "nested": [{" t": [1]}, {" di": {" b__": "x"}}],
    },
    "numbers": {"i": [0, -1, 2**63, -(2**63) - 1, 10**30], "f": [0.1, -0.0, 1e16, 5e-324, float("inf"), float("-inf")]},
    "unicode": {"\u00e9": "caf\u00e9 \u20ac \U0001f600", "ctl": "\x00\x1f\"\\\n\t", "lone": "\ud800x\udc00"},
    "nested": {"n": [[[[[[[[[[{"k": [[[]]]}]]]]]]]]]]},
}


def serializer(app: Flask):  # noqa: ANN201
    s = SecureCookieSessionInterface().get_signing_serializer(app)
    assert s is not None
    return s


def main() -> None:
    app = Flask("corpus")
    app.config.update(SECRET_KEY=SECRET_KEY, SECRET_KEY_FALLBACKS=FALLBACKS)
    old_app = Flask("corpus_old")
    old_app.config.update(SECRET_KEY=FALLBACKS[0])

    corpus: dict[str, dict[str, bytes]] = {t: {} for t in ("unsign", "b64decode", "decompress", "json_parse")}

    def add(target: str, label: str, data: bytes) -> None:
        assert label not in corpus[target], label
        corpus[target][label] = data

    with mock.patch("time.time", return_value=NOW + 0.25), app.app_context():
        cookies: dict[str, bytes] = {}
        for name, payload in PAYLOADS.items():
            cookies[name] = serializer(app).dumps(payload).encode()
        cookies["fallback-key"] = serializer(old_app).dumps({"signed": "with the old key"}).encode()
        texts = {name: serializer(app).serializer.dumps(p) for name, p in PAYLOADS.items()}

    assert cookies["compressed"].startswith(b"."), "the compressed payload must compress"
    assert not cookies["small"].startswith(b".")

    for name, cookie in cookies.items():
        # unsign: valid now, valid with max_age, expired, from the future, wrong key.
        add("unsign", f"{name}", bytes([UNSIGN_KEYS_BOTH | UNSIGN_MAX_AGE_NONE << 3, UNSIGN_NOW_T0]) + cookie)
        if name in ("small", "compressed", "fallback-key"):
            add("unsign", f"{name}-max-age", bytes([UNSIGN_KEYS_BOTH | UNSIGN_MAX_AGE_100 << 3, UNSIGN_NOW_T0]) + cookie)
            add("unsign", f"{name}-expired", bytes([UNSIGN_KEYS_BOTH | UNSIGN_MAX_AGE_100 << 3, UNSIGN_NOW_T0_PLUS_101]) + cookie)
            add("unsign", f"{name}-future", bytes([UNSIGN_KEYS_BOTH | UNSIGN_MAX_AGE_100 << 3, UNSIGN_NOW_T0_MINUS_1]) + cookie)
            add("unsign", f"{name}-wrong-key", bytes([UNSIGN_KEYS_UNRELATED, UNSIGN_NOW_T0]) + cookie)

        # b64decode: each base64 segment of the cookie.
        body = cookie[1:] if cookie.startswith(b".") else cookie
        payload, ts, sig = body.rsplit(b".", 2)
        add("b64decode", f"{name}-sig", sig)
        if name in ("small", "compressed", "tags", "unicode"):
            add("b64decode", f"{name}-payload", payload)
        if name == "small":
            add("b64decode", "timestamp", ts)

        # decompress: the zlib stream inside a compressed cookie, as is (mode 0).
        raw = base64_decode(payload)
        if cookie.startswith(b"."):
            assert zlib.decompress(raw)
            add("decompress", f"{name}-zlib", b"\x00" + raw)
            # ... and the payload segment itself (checked by payload::decode).
            add("decompress", f"{name}-segment", b"\x00" + cookie.rsplit(b".", 2)[0])

    # b64decode: standard padded base64 as the " b" tag carries it, and lenient forms.
    for label, data in {
        "std-padded": base64.b64encode(b"\x00\xffbytes"),
        "std-one-pad": base64.b64encode(b"ab"),
        "with-junk": b"Zm9v!YmFy\n",
        "pad-in-middle": b"Zm==9vYmFy",
    }.items():
        add("b64decode", label, data)

    # decompress: round trip (mode 1), corruption (mode 2) and raw deflate body (mode 3).
    login = texts["login"].encode()
    add("decompress", "roundtrip-login", b"\x01" + login)
    add("decompress", "corrupt-login", b"\x02" + login)
    add("decompress", "raw-body", b"\x03" + zlib.compress(login)[2:])
    add("decompress", "preset-dict", b"\x00" + _with_preset_dict(login))

    # json_parse: byte 0 = max_depth (255 = unlimited), byte 1 = builder mode.
    for name, text in texts.items():
        add("json_parse", name, bytes([255, 2]) + text.encode())
    add("json_parse", "depth-limit-64", bytes([64, 2]) + b"[" * 65 + b"]" * 65)
    add("json_parse", "python-only", bytes([255, 2]) + b'[NaN,Infinity,-Infinity,1E400,-0,"\\ud83d\\ude00"]')
    add("json_parse", "whitespace", bytes([255, 3]) + json.dumps({"a": [1, {"b": None}]}, indent=1).encode())

    for target, files in corpus.items():
        d = ROOT / target
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        for label, data in sorted(files.items()):
            (d / label).write_bytes(data)
        print(f"{target}: {len(files)} files, {sum(map(len, files.values()))} bytes")


def _with_preset_dict(data: bytes) -> bytes:
    """A zlib stream that needs a preset dictionary (zlib.decompress rejects it)."""
    c = zlib.compressobj(zdict=b"_permanent csrf_token _user_id")
    return c.compress(data) + c.flush()


if __name__ == "__main__":
    main()
