"""Key rotation: a key removed from the configuration stops working at once.

Stock Flask builds the key list from ``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS``
on every call, so a revoked key is rejected from the next request on, whatever
container held it and however it was changed (in place or replaced). The fast
interface caches derived keys; these tests check the cache never outlives the
configuration, stock vs fast, request by request.
"""

from __future__ import annotations

import collections
import typing as t
from collections.abc import Callable

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from _versions import requires_fallbacks
from differential import Pair
from differential import assert_native
from differential import assert_same_cycle
from differential import frozen
from differential import make_pair
from differential import run_cycle
from flask_fastsession import _rule
from flask_fastsession import sessions as fast_sessions

CONTAINERS: dict[str, Callable[[list[t.Any]], t.Any]] = {
    "list": list,
    "set": set,
    "tuple": tuple,
    "deque": collections.deque,
    "frozenset": frozenset,
    "dict": dict.fromkeys,
    "dict keys": lambda keys: dict.fromkeys(keys).keys(),
}


def _write(session: t.Any) -> None:
    session["user_id"] = 42
    session.permanent = True


def _read(session: t.Any) -> t.Any:
    return dict(session)


def _cookie_signed_with(key: str | bytes) -> str:
    """A cookie written by stock Flask whose only key is ``key``."""
    app = make_pair(secret_key=key).stock
    cycle = run_cycle(app, _write)
    cookie = cycle.cookie_value()
    assert cookie is not None
    return cookie


def _set_keys(pair: Pair, secret: t.Any, fallbacks: t.Any) -> None:
    for app in pair.both():
        app.secret_key = secret
        app.config["SECRET_KEY_FALLBACKS"] = fallbacks() if callable(fallbacks) else fallbacks


def _same(pair: Pair, cookie: str | None, action: Callable[[t.Any], t.Any] = _read) -> t.Any:
    stock = run_cycle(pair.stock, action, cookie)
    fast = run_cycle(pair.fast, action, cookie)
    assert_same_cycle(stock, fast)
    return stock


#: Containers that can be emptied in place.
MUTABLE = ("list", "set", "deque", "dict")
REVOCATIONS = [
    (container, revoke)
    for container in CONTAINERS
    for revoke in ("in place", "replaced by an empty one", "replaced by an equal one")
    if revoke != "in place" or container in MUTABLE
]


@requires_fallbacks
@pytest.mark.parametrize(("container", "revoke"), REVOCATIONS)
def test_revoked_fallback_stops_verifying(container: str, revoke: str) -> None:
    make = CONTAINERS[container]
    pair = make_pair(secret_key="new key")
    with frozen():
        old_cookie = _cookie_signed_with("old key")
        shared = make(["old key", b"older key"])
        for app in pair.both():
            app.config["SECRET_KEY_FALLBACKS"] = shared
        assert _same(pair, old_cookie).captured == {"user_id": 42, "_permanent": True}
        assert_native(pair.fast)

        if revoke == "in place":
            shared.clear()
        else:
            kept = [] if revoke == "replaced by an empty one" else [b"older key"]
            for app in pair.both():
                app.config["SECRET_KEY_FALLBACKS"] = make(kept)
        assert _same(pair, old_cookie).captured == {}
        # And new cookies are signed with the current key, as stock signs them.
        written = _same(pair, None, _write)
        assert written.cookie_value() is not None


@requires_fallbacks
def test_list_changed_in_place_item_by_item() -> None:
    pair = make_pair(secret_key="new key")
    with frozen():
        old_cookie = _cookie_signed_with("old key")
        keys = ["old key"]
        for app in pair.both():
            app.config["SECRET_KEY_FALLBACKS"] = keys
        assert _same(pair, old_cookie).captured
        keys[0] = "other key"
        assert _same(pair, old_cookie).captured == {}
        keys.append("old key")
        assert _same(pair, old_cookie).captured


def test_secret_key_changed() -> None:
    pair = make_pair(secret_key="first")
    with frozen():
        first = _same(pair, None, _write).cookie_value()
        for app in pair.both():
            app.secret_key = "second"
        assert _same(pair, first).captured == {}
        second = _same(pair, None, _write).cookie_value()
        assert second != first
        for app in pair.both():
            app.secret_key = b"first"  # the same key as bytes verifies the same cookies
        assert _same(pair, first).captured


#: Keys the config may hold: str and bytes, equal and unequal, and types the
#: native codec leaves to stock (a str subclass, a bytearray).
class _Key(str):
    pass


KEYS = st.sampled_from(["k1", "k2", b"k1", b"k3", "\u00e9t\u00e9", _Key("k2"), bytearray(b"k4")])


@requires_fallbacks
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["secret", "fallbacks", "append", "clear", "write", "read"]),
            st.lists(KEYS, max_size=3),
            st.sampled_from(["list", "set", "tuple", "deque"]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_generated_rotations(steps: list[tuple[str, list[t.Any], str]]) -> None:
    """Any sequence of key changes and requests: stock and fast agree on
    every response (which cookies load, and the bytes of those written)."""
    pair = make_pair(secret_key="k1")
    shared: t.Any = []
    for app in pair.both():
        app.config["SECRET_KEY_FALLBACKS"] = shared
    cookies: list[str | None] = [None]
    with frozen():
        for op, keys, container in steps:
            if op == "secret":
                for app in pair.both():
                    app.secret_key = keys[0] if keys else "k1"
            elif op == "fallbacks":
                try:
                    shared = CONTAINERS[container](keys)
                except TypeError:  # unhashable bytearray in a set
                    continue
                for app in pair.both():
                    app.config["SECRET_KEY_FALLBACKS"] = shared
            elif op == "append" and hasattr(shared, "append"):
                shared.extend(keys)
            elif op == "clear" and hasattr(shared, "clear"):
                shared.clear()
            elif op == "write":
                cookies.append(_same(pair, None, _write).cookie_value())
            else:
                for cookie in cookies:
                    _same(pair, cookie)


def test_per_tenant_keys_stay_cached() -> None:
    """More distinct key lists than before (1,000 tenants) stay cached: a
    least-recently-used cache, not one cleared whole when full."""
    _rule._codecs.clear()
    apps: list[Flask] = []
    for i in range(1000):
        app = make_pair(secret_key=f"tenant-{i}").fast
        apps.append(app)
    with frozen():
        for app in apps:
            assert fast_sessions.FastSessionInterface.uses_native(app)
        codecs = [app.session_interface._native_codec(app) for app in apps]  # type: ignore[attr-defined]
        again = [app.session_interface._native_codec(app) for app in apps]  # type: ignore[attr-defined]
    assert all(a is b for a, b in zip(codecs, again, strict=True))
    assert len(_rule._codecs) >= 1000
    # Bounded: the oldest entries go first once the bound is reached.
    for i in range(_rule.CODEC_CACHE_SIZE + 10):
        _rule.codec_for_keys([f"bound-{i}"])
    assert len(_rule._codecs) == _rule.CODEC_CACHE_SIZE
    assert ("bound-0",) not in _rule._codecs
