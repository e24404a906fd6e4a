"""``decode``: what a session cookie holds, taken apart with only
itsdangerous's public pieces, so it works on any Flask session cookie."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import pprint
import time
import typing as t
import zlib

from flask.json.tag import TaggedJSONSerializer
from itsdangerous import BadData
from itsdangerous import Signer
from itsdangerous.encoding import base64_decode
from itsdangerous.encoding import bytes_to_int

from ._common import CLIError
from ._common import echo

if t.TYPE_CHECKING:
    from collections.abc import Sequence


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
        raise CLIError(f"not a Flask session cookie: expected payload.timestamp.signature, got {value!r}")
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
    echo(f"payload JSON ({len(info['payload_json'])} chars):")
    echo(pretty_json)
    echo("decoded value:")
    echo(pprint.pformat(info["value"], sort_dicts=False))
    echo(f"signed at:   {when} (timestamp {info['timestamp']})")
    echo(f"age:         {_age(info['age_seconds'])}" + (" (in the future)" if info["age_seconds"] < 0 else ""))
    echo(f"compressed:  {'yes (zlib)' if info['compressed'] else 'no'}")
    if info["signature"] == "valid":
        n = len(args.secret)
        index = info["valid_key_index"]
        which = "the current key" if index == n - 1 else f"fallback key #{index + 1}"
        echo(f"signature:   valid ({which}; salt {args.salt!r}, HMAC-SHA1)")
    elif info["signature"] == "INVALID":
        echo(f"signature:   INVALID for all {len(args.secret)} key(s) given")
    else:
        echo("signature:   not checked (pass --secret KEY)")
    return 1 if info["signature"] == "INVALID" else 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``decode`` command to the subcommands of the main parser."""
    parser = sub.add_parser(
        "decode",
        help="show what a session cookie holds",
        description=(
            "Decode a Flask session cookie: payload JSON, decoded value, signing time (UTC) and "
            "age, compression, and the signature checked against the keys given. Exit status 1 "
            "if keys were given and none verifies it, 2 if it cannot be decoded."
        ),
    )
    parser.add_argument("cookie", metavar="COOKIE", help="the cookie value (or session=VALUE, or a Set-Cookie value)")
    parser.add_argument(
        "--secret",
        metavar="KEY",
        action="append",
        help="a key to verify with; repeat for fallbacks, oldest first, the current key last",
    )
    parser.add_argument("--salt", default="cookie-session", help="signing salt (default: %(default)s)")
    parser.set_defaults(func=cmd_decode)
