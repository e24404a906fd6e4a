"""The deflater of the native path: the extension's zlib, or the interpreter's.

Where the extension's zlib compresses differently from the interpreter's (a wheel with a
bundled zlib, an interpreter with its own, a zlib-ng system library), ``_checks`` sets the
native path to compress with the interpreter's own ``zlib.compress`` and keeps everything
else native. On this machine both zlibs agree, so these tests force that mode with the
test-only switch ``_native.set_deflater("interpreter")``, and stand in a genuinely different
deflater for the interpreter's by patching ``zlib.compress`` for the test: stock itsdangerous
calls ``zlib.compress`` through the module, and the switch looks it up when called. Stock's
cookies are then that deflater's, and the fast path must give exactly them, while the
extension's own zlib would not.
"""

from __future__ import annotations

import random
import threading
import typing as t
import zlib
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask.json.tag import TaggedJSONSerializer
from hypothesis import given
from itsdangerous.url_safe import URLSafeSerializerMixin

import flask_fastsession
import strategies as S
from differential import as_original
from differential import assert_native
from differential import assert_same_cycle
from differential import assert_same_outcome
from differential import dumps_outcome
from differential import frozen
from differential import loads_outcome
from differential import make_pair
from differential import pinned_time
from differential import run_cycle
from differential import signing_serializer
from flask_fastsession import _checks
from flask_fastsession import _native

REAL_COMPRESS = zlib.compress


def _strategy(strategy: int) -> Callable[[bytes], bytes]:
    """``zlib.compress`` at level 6 with another deflate strategy: valid zlib streams that
    any inflater reads, but other bytes (and other lengths) than the default."""

    def compress(data: t.Any, /, level: int = -1, wbits: int = 15) -> bytes:
        c = zlib.compressobj(level, zlib.DEFLATED, wbits, 8, strategy)
        return c.compress(data) + c.flush()

    return compress


#: Stand-ins for an interpreter whose zlib differs from the extension's. Z_FIXED output is
#: usually longer, which flips the compress-or-not decision for many payloads.
OTHER_DEFLATERS: dict[str, Callable[[bytes], bytes]] = {
    "Z_FIXED": _strategy(zlib.Z_FIXED),
    "Z_FILTERED": _strategy(zlib.Z_FILTERED),
    "Z_HUFFMAN_ONLY": _strategy(zlib.Z_HUFFMAN_ONLY),
}


@contextmanager
def interpreter_zlib(compress: Callable[[bytes], bytes] | None = None) -> Iterator[list[int]]:
    """The native path in its mismatch mode: payloads compressed by the interpreter's
    ``zlib.compress``, which is ``compress`` for the duration (stock's too) if given.

    Yields a list whose one item counts the calls that reached ``zlib.compress``.
    Restores the deflater ``_checks`` chose at import (and the real ``zlib.compress``).
    """
    calls = [0]
    inner = compress or REAL_COMPRESS

    def counted(data: t.Any, /, *args: t.Any, **kwargs: t.Any) -> bytes:
        calls[0] += 1
        return inner(data, *args, **kwargs)

    try:
        with as_original(zlib, "compress", counted):
            _native.set_deflater("interpreter")
            yield calls
    finally:
        _native.set_deflater(_checks.DEFLATER)


@contextmanager
def no_stock_payload_calls() -> Iterator[None]:
    """Fails if a fast call was handed to stock itsdangerous (its payload (de)serialisation)."""
    with (
        as_original(URLSafeSerializerMixin, "dump_payload", side_effect=AssertionError("dump fell back")),
        as_original(URLSafeSerializerMixin, "load_payload", side_effect=AssertionError("load fell back")),
    ):
        yield


@pytest.fixture
def memo_restored() -> Iterator[None]:
    before = flask_fastsession.payload_memo_enabled()
    yield
    flask_fastsession.set_payload_memo(before)


def _sessions() -> dict[str, dict[str, t.Any]]:
    rng = random.Random(7)
    return {
        "short (never compressed)": {"user_id": 42, "_permanent": True},
        "login": {
            "_fresh": True,
            "_id": "".join(rng.choice("0123456789abcdef") for _ in range(128)),
            "_user_id": "1",
            "csrf_token": "".join(rng.choice("0123456789abcdef") for _ in range(40)),
            "_flashes": [("message", "Logged in."), ("error", "Try again")],
        },
        "compressible": {"cart": [{"sku": f"SKU-{i:04d}", "qty": i % 5, "price": i * 1.25} for i in range(60)]},
        "incompressible": {"noise": bytes(rng.getrandbits(8) for _ in range(300))},
        "large": {"rows": [{"id": i, "name": f"row {i}", "tags": ("a", "b"), "v": rng.random()} for i in range(400)]},
    }


SESSIONS = _sessions()


def _boundary_sessions(compress: Callable[[bytes], bytes]) -> dict[str, dict[str, str]]:
    """Sessions whose JSON ``compress`` shortens by exactly 0, 1 and 2 bytes: the last one
    is the only one kept compressed (itsdangerous keeps it if shorter by more than one)."""
    ser = TaggedJSONSerializer()
    rng = random.Random(0)
    found: dict[int, dict[str, str]] = {}
    for n in range(5, 600):
        for _ in range(40):
            alphabet = "ab" if rng.random() < 0.5 else "abcdefghij0123456789"
            value = {"k": "".join(rng.choice(alphabet) for _ in range(n))}
            raw = ser.dumps(value).encode()
            saved = len(raw) - len(compress(raw))
            if saved in (0, 1, 2) and saved not in found:
                found[saved] = value
        if len(found) == 3:
            break
    assert len(found) == 3, sorted(found)
    return {f"saves {d} bytes": v for d, v in sorted(found.items())}


def _stock_and_fast_dumps(value: t.Any) -> tuple[str, str]:
    pair = make_pair()
    assert_native(pair.fast)
    with frozen():
        stock = dumps_outcome(pair.stock, value)
        with no_stock_payload_calls():
            fast = dumps_outcome(pair.fast, value)
    assert_same_outcome(stock, fast)
    return stock.value, fast.value


def test_import_time_choice() -> None:
    """The deflater in use is the one the self-check picked; the native path runs either way."""
    assert _checks.DEFLATER == ("native" if _checks.ZLIB_MATCHES else "interpreter")
    assert _native.deflater() == _checks.DEFLATER
    assert _checks._zlib_matches() is _checks.ZLIB_MATCHES


@pytest.mark.parametrize("other", list(OTHER_DEFLATERS))
def test_self_check_detects_a_different_interpreter_zlib(other: str) -> None:
    """With an interpreter whose zlib writes other bytes, the self-check says so."""
    with as_original(zlib, "compress", OTHER_DEFLATERS[other]):
        assert _checks._zlib_matches() is False


def test_switch() -> None:
    with interpreter_zlib():
        assert _native.deflater() == "interpreter"
    assert _native.deflater() == _checks.DEFLATER
    with pytest.raises(ValueError, match="'native' or 'interpreter'"):
        _native.set_deflater("zlib-ng")  # type: ignore[arg-type]
    assert _native.deflater() == _checks.DEFLATER


@pytest.mark.parametrize("memo", [False, True], ids=["cold", "warm"])
@pytest.mark.parametrize("other", [None, *OTHER_DEFLATERS], ids=["interpreter zlib", *OTHER_DEFLATERS])
@pytest.mark.usefixtures("memo_restored")
def test_same_cookies_as_stock(other: str | None, memo: bool) -> None:
    """Every cookie equals stock's, compressed or not, with the memo off (every call
    compresses) and on (re-dumps are memo hits), and each side loads the other's."""
    compress = OTHER_DEFLATERS[other] if other else REAL_COMPRESS
    sessions = SESSIONS | _boundary_sessions(compress)
    flask_fastsession.set_payload_memo(memo)
    differs_from_extension = False
    with interpreter_zlib(OTHER_DEFLATERS[other] if other else None) as calls:
        for value in sessions.values():
            json = TaggedJSONSerializer().dumps(value).encode()
            differs_from_extension |= _native.compress(json) != compress(json)
            for again in range(2):
                before = calls[0]
                stock, fast = _stock_and_fast_dumps(value)
                assert fast == stock
                # Stock compressed once; fast did too, unless the memo already had it.
                fast_calls = calls[0] - before - 1
                assert fast_calls == (0 if memo and again else 1)
                pair = make_pair()
                with frozen():
                    for cookie in (stock, fast):
                        with no_stock_payload_calls():
                            fast_loaded = loads_outcome(pair.fast, cookie)
                        assert_same_outcome(loads_outcome(pair.stock, cookie), fast_loaded)
    if other is not None:
        # The stand-ins really are other deflaters: the extension's zlib would write other cookies.
        assert differs_from_extension


@pytest.mark.parametrize("other", list(OTHER_DEFLATERS))
@pytest.mark.usefixtures("memo_restored")
def test_extension_zlib_would_differ(other: str) -> None:
    """The differential above can fail: with the extension's own zlib compressing, the
    cookies of a stand-in interpreter zlib are not reproduced."""
    flask_fastsession.set_payload_memo(False)
    try:
        _native.set_deflater("native")
        with as_original(zlib, "compress", OTHER_DEFLATERS[other]):
            value = SESSIONS["compressible"]
            pair = make_pair()
            with frozen():
                stock, fast = dumps_outcome(pair.stock, value), dumps_outcome(pair.fast, value)
            assert fast.value != stock.value
    finally:
        _native.set_deflater(_checks.DEFLATER)


@pytest.mark.usefixtures("memo_restored")
def test_switching_never_serves_a_stale_payload() -> None:
    """The payload memo is forgotten at every switch: a segment the previous deflater wrote
    is never reused."""
    flask_fastsession.set_payload_memo(True)
    value = SESSIONS["compressible"]
    pair = make_pair()
    for other in [None, "Z_FIXED", None, "Z_FILTERED", "Z_FILTERED", None]:
        if other is None:
            # The deflater chosen at import, with the real zlib.compress (memo warm from the
            # previous step's other deflater, if the switch did not forget it).
            _native.set_deflater(_checks.DEFLATER)
            with frozen():
                stock, fast = dumps_outcome(pair.stock, value), dumps_outcome(pair.fast, value)
            assert fast.value == stock.value
            continue
        with interpreter_zlib(OTHER_DEFLATERS[other]):
            with frozen():
                stock, fast = dumps_outcome(pair.stock, value), dumps_outcome(pair.fast, value)
            assert fast.value == stock.value


@pytest.mark.parametrize("other", [None, "Z_FIXED"], ids=["interpreter zlib", "Z_FIXED"])
@pytest.mark.usefixtures("memo_restored")
def test_request_cycles(other: str | None) -> None:
    """open_session + save_session through the test client: same headers as stock, cold
    (memo off) and warm (the same permanent session re-saved)."""
    for memo in (False, True):
        flask_fastsession.set_payload_memo(memo)
        with interpreter_zlib(OTHER_DEFLATERS[other] if other else None):
            pair = make_pair()

            def login(s: t.Any) -> None:
                s.update(SESSIONS["login"])
                s.permanent = True

            def touch(s: t.Any) -> str:
                return str(s.get("_user_id"))

            with frozen() as clock:
                first = [run_cycle(app, login) for app in pair.both()]
                assert_same_cycle(*first)
                cookie = first[0].cookie_value()
                assert cookie is not None
                for _ in range(3):
                    clock.tick(1)
                    assert_same_cycle(*(run_cycle(app, touch, cookie) for app in pair.both()))


@given(value=S.session_dicts())
def test_any_session(value: dict[t.Any, t.Any]) -> None:
    """Hypothesis: any session (stock's failures included) with a stand-in interpreter zlib."""
    with interpreter_zlib(OTHER_DEFLATERS["Z_FIXED"]):
        pair = make_pair()
        with frozen():
            stock = dumps_outcome(pair.stock, value)
            fast = dumps_outcome(pair.fast, value)
        assert_same_outcome(stock, fast)


def test_native_inflate_in_both_modes() -> None:
    """Loads never depend on the deflater: in the mismatch mode, cookies from either zlib
    load natively (no call reaches stock's load_payload or zlib.decompress)."""
    pair = make_pair()
    value = SESSIONS["compressible"]
    with frozen():
        native_cookie = dumps_outcome(pair.stock, value).value
        with as_original(zlib, "compress", OTHER_DEFLATERS["Z_FIXED"]):
            other_cookie = dumps_outcome(pair.stock, value).value
    assert native_cookie != other_cookie
    with interpreter_zlib(), frozen():
        for cookie in (native_cookie, other_cookie):
            with (
                no_stock_payload_calls(),
                as_original(zlib, "decompress", side_effect=AssertionError("inflated in Python")),
            ):
                loaded = signing_serializer(pair.fast)
                with pair.fast.app_context():
                    assert loaded.loads(cookie) == value


@pytest.mark.parametrize("memo", [False, True], ids=["cold", "warm"])
@pytest.mark.usefixtures("memo_restored")
def test_threads(memo: bool) -> None:
    """Many threads saving at once in the mismatch mode (the interpreter's zlib.compress
    lets other threads run while it compresses): every cookie is stock's."""
    flask_fastsession.set_payload_memo(memo)
    values = [{"user": i, "cart": [{"sku": f"SKU-{j:04d}", "qty": j % 3} for j in range(i % 40)]} for i in range(64)]
    pair = make_pair()
    # time.time pinned for every thread (freezegun's clock is not seen from other threads).
    with interpreter_zlib(OTHER_DEFLATERS["Z_FIXED"]), pinned_time(1709210096.5):
        expected = [dumps_outcome(pair.stock, v).value for v in values]
        fast = signing_serializer(pair.fast)
        wrong: list[tuple[int, str]] = []

        def work(offset: int) -> None:
            with pair.fast.app_context():
                for k in range(300):
                    i = (offset + k * 7) % len(values)
                    got = fast.dumps(values[i])
                    if got != expected[i]:
                        wrong.append((i, got))

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    assert wrong == []
