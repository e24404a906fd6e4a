"""The harness of the hostile-input tests: stock and fast on the same cookie, at one clock.

test_bad_cookies.py (hand-picked damage), test_hostile.py (the generated corpus) and
test_deep.py (pathological depth) share it:

- :class:`Harness`: one app, stock ``SecureCookieSessionInterface`` and
  ``FastSessionInterface`` side by side; ``compare`` runs ``loads`` for each max-age and
  ``open_session`` for a request whose ``session`` cookie is exactly the value given,
  and records every difference, so one run of a corpus shows every kind of divergence;
- :func:`signed` and :func:`signed_raw`: hostile content behind a valid signature, made
  with stock's own signer;
- :func:`assert_same_deep_loads` and :func:`assert_same_deep_outcome`: the comparison
  where a ``RecursionError``'s message (which says where the limit was hit) cannot match;
- :func:`about`: names the cookie in an assertion failure.
"""

from __future__ import annotations

import typing as t
import zlib
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadPayload
from itsdangerous.encoding import base64_encode
from itsdangerous.encoding import int_to_bytes
from itsdangerous.signer import Signer
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.test import EnvironBuilder

from differential import Outcome
from differential import assert_native
from differential import assert_same_exception
from differential import assert_same_outcome
from differential import make_app
from differential import outcome
from differential import pinned_time
from differential import stock_signer
from flask_fastsession import FastSessionInterface

LIFETIME = 100  # PERMANENT_SESSION_LIFETIME in seconds: open_session's max_age
NOW = 1_700_000_000  # the pinned clock's whole seconds
CLOCK = NOW + 0.75  # what time.time() returns: fractional, itsdangerous truncates
SECRET = "hostile secret \u00e9"
OLD = b"previous secret"
CONFIG = {"PERMANENT_SESSION_LIFETIME": LIFETIME, "SECRET_KEY_FALLBACKS": [OLD]}
#: Max-ages every case is loaded with (None: no expiry check, LIFETIME: open_session's).
MAX_AGES: tuple[int | None, ...] = (None, LIFETIME)


@contextmanager
def about(what: t.Any) -> Iterator[None]:
    """Name the cookie in any assertion failure."""
    try:
        yield
    except AssertionError as e:
        raise AssertionError(f"for {what!r}:\n{e}") from e


# --------------------------------------------------------------------------------------
# One app, both interfaces, the clock pinned


@dataclass
class Harness:
    """One app (``make_app("fast")``) and stock's interface beside its own: both read the
    same config, keys and ``app.json``. ``compare`` records differences; ``assert_clean``
    fails with all of them at the end."""

    app: Flask
    stock_iface: SecureCookieSessionInterface
    fast_iface: FastSessionInterface
    environ: dict[str, t.Any]
    checked: int = 0
    failures: list[str] = field(default_factory=list)

    def serializers(self) -> tuple[t.Any, t.Any]:
        s = self.stock_iface.get_signing_serializer(self.app)
        f = self.fast_iface.get_signing_serializer(self.app)
        assert s is not None and f is not None
        return s, f

    def open_with(self, iface: SecureCookieSessionInterface, cookie: str | bytes) -> t.Any:
        request = self.app.request_class(dict(self.environ))
        # Exactly this value, bypassing Cookie-header parsing (which would split on ";",
        # unquote, and could not carry every string).
        request.cookies = ImmutableMultiDict([("session", cookie)])  # type: ignore[misc, list-item]  # bytes too, on purpose
        sess = iface.open_session(self.app, request)
        if sess is None:
            return None
        return (type(sess).__name__, dict(sess), sess.modified, sess.permanent)

    def compare(
        self,
        label: str,
        cookie: str | bytes,
        max_ages: Iterable[t.Any] = MAX_AGES,
        *,
        open_session: bool = True,
        check_message: bool = True,
        same: Callable[[Outcome, Outcome], None] | None = None,
    ) -> None:
        """Compare stock and fast on ``cookie``; record (not raise) any difference."""
        stock_s, fast_s = self.serializers()
        same = same or (lambda a, b: assert_same_outcome(a, b, check_message=check_message))
        runs: list[tuple[str, Callable[[], t.Any], Callable[[], t.Any]]] = [
            (
                f"loads(max_age={m!r})",
                lambda m=m: stock_s.loads(cookie, max_age=m),  # type: ignore[misc]
                lambda m=m: fast_s.loads(cookie, max_age=m),  # type: ignore[misc]
            )
            for m in max_ages
        ]
        if open_session:
            runs.append(
                (
                    "open_session",
                    lambda: self.open_with(self.stock_iface, cookie),
                    lambda: self.open_with(self.fast_iface, cookie),
                )
            )
        for what, run_stock, run_fast in runs:
            self.checked += 1
            try:
                same(outcome(run_stock), outcome(run_fast))
            except AssertionError as e:
                shown = cookie if len(cookie) < 300 else cookie[:150] + cookie[-100:]  # type: ignore[operator]
                self.failures.append(f"[{label}] {what} on {shown!r} (len {len(cookie)}):\n    {e}")

    def assert_clean(self) -> None:
        if self.failures:
            shown = "\n".join(self.failures[:12])
            pytest.fail(
                f"{len(self.failures)} of {self.checked} comparisons differ; first ones:\n{shown}",
                pytrace=False,
            )



def make_harness() -> Harness:
    app = make_app("fast", secret_key=SECRET, config=CONFIG)
    environ = EnvironBuilder(path="/").get_environ()
    return Harness(app, SecureCookieSessionInterface(), t.cast(FastSessionInterface, app.session_interface), environ)


@contextmanager
def pinned_harness() -> Iterator[Harness]:
    """A fresh :class:`Harness` (its app takes the native path), inside its app context,
    with ``time.time()`` pinned to :data:`CLOCK`."""
    h = make_harness()
    assert_native(h.app)
    with h.app.app_context(), pinned_time(CLOCK):
        yield h


# --------------------------------------------------------------------------------------
# Hostile content behind a valid signature (signed with stock's own signer)


def signed(
    h: Harness, payload: bytes, *, ts: int | bytes | None = None, compressed: bool = False, key: t.Any = None
) -> str:
    """``b64(payload) "." b64(ts) "." sig``, signed by stock's TimestampSigner (with the
    current key, or an app with ``key`` as its only secret)."""
    body = zlib.compress(payload) if compressed else payload
    value = (b"." if compressed else b"") + base64_encode(body)
    if ts is None:
        ts = NOW
    ts_bytes = ts if isinstance(ts, bytes) else base64_encode(int_to_bytes(ts))
    app = h.app if key is None else make_app("stock", secret_key=key)
    # Signer.sign (not TimestampSigner.sign): the timestamp is the caller's.
    return Signer.sign(stock_signer(app), value + b"." + ts_bytes).decode("utf-8")


def signed_raw(h: Harness, value: bytes) -> str | bytes:
    """``value "." sig``: stock's signature over exactly ``value`` (no timestamp added);
    a str when that is valid UTF-8, else bytes."""
    out = Signer.sign(stock_signer(h.app), value)
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        return out


def nested_payload(kind: str, depth: int) -> bytes:
    """JSON nested ``depth`` levels: arrays, objects, tagged tuples, ``" di"`` tags, or
    arrays and objects alternating."""
    if kind == "array":
        return b"[" * depth + b"]" * depth
    if kind == "object":
        return b'{"a":' * depth + b"1" + b"}" * depth
    if kind == "tuple":
        return b'{" t":[' * depth + b"]}" * depth
    if kind == "di":
        return b'{" di":{" t__":' * depth + b"[]" + b"}}" * depth
    if kind == "mixed":
        return b'[{"a":' * depth + b"null" + b"}]" * depth
    raise ValueError(kind)


# --------------------------------------------------------------------------------------
# Depth: a RecursionError's message says where the limit was hit


def assert_same_deep_loads(stock: Outcome, fast: Outcome) -> None:
    """Same value, or same exception; a BadPayload wrapping a RecursionError is compared by
    class and message, its ``original_error`` by class only."""
    if isinstance(stock.error, BadPayload) and isinstance(stock.error.original_error, RecursionError):
        assert isinstance(fast.error, BadPayload), fast
        assert str(fast.error) == str(stock.error)
        assert type(fast.error.original_error) is RecursionError, repr(fast.error.original_error)
        return
    assert_same_outcome(stock, fast)


def assert_same_deep_outcome(stock: Outcome, fast: Outcome) -> None:
    """:func:`assert_same_deep_loads`, and a bare RecursionError (as dumps raises it) is
    compared by class, not text."""
    if isinstance(stock.error, RecursionError):
        assert fast.error is not None, fast
        assert_same_exception(stock.error, fast.error, check_message=False)
        return
    assert_same_deep_loads(stock, fast)
