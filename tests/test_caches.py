"""``cache_usage()`` and ``cache_clear()``: every cache is listed, fills as
requests run, empties on clear, and clearing changes no byte."""

from __future__ import annotations

import typing as t

import flask_fastsession
from differential import assert_native
from differential import assert_same_cycle
from differential import frozen
from differential import make_pair
from differential import run_cycle
from flask_fastsession import _rule
from flask_fastsession import sessions

NAMES = {
    "codecs",
    "plans",
    "signing serializers",
    "cookie templates",
    "serializer check",
    "payload memo",
    "json memo",
    "object keys",
}


def _write(session: t.Any) -> None:
    session["user_id"] = 42
    session["name"] = "Ada"
    session.permanent = True


def _read(session: t.Any) -> t.Any:
    return dict(session)


def _cycles(cookie: str | None = None) -> str | None:
    pair = make_pair()
    assert_native(pair.fast)
    for action in (_write, _read):
        stock = run_cycle(pair.stock, action, cookie)
        fast = run_cycle(pair.fast, action, cookie)
        assert_same_cycle(stock, fast)
        cookie = stock.cookie_value() or cookie
    with pair.fast.app_context():
        interface: t.Any = pair.fast.session_interface
        serializer = interface.get_signing_serializer(pair.fast)
        assert serializer is not None
        serializer.loads(serializer.dumps({"a": 1}))
    return cookie


def test_usage_lists_every_cache_and_clear_empties_them() -> None:
    with frozen():
        cookie = _cycles()
        usage = flask_fastsession.cache_usage()
        assert set(usage) == NAMES
        for name in ("codecs", "plans", "signing serializers", "cookie templates", "payload memo", "json memo"):
            assert usage[name].entries >= 1, name
        assert usage["codecs"].capacity == _rule.CODEC_CACHE_SIZE
        assert usage["plans"].capacity == sessions.PLAN_CACHE_SIZE
        for name, (entries, capacity) in usage.items():
            assert capacity is None or 0 <= entries <= capacity, name

        flask_fastsession.cache_clear()
        assert all(u.entries == 0 for u in flask_fastsession.cache_usage().values())

        # Cleared caches only cost the next calls their work: the same bytes.
        assert _cycles(cookie) is not None
        assert flask_fastsession.cache_usage()["plans"].entries >= 1


def test_memo_switch_is_independent_of_clear() -> None:
    """Clearing keeps the payload memo on (or off) as it was."""
    assert flask_fastsession.payload_memo_enabled()
    flask_fastsession.cache_clear()
    assert flask_fastsession.payload_memo_enabled()
