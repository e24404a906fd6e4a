"""The payload memo: on by default, switchable, never changes a byte."""

from __future__ import annotations

import itertools
import typing as t

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

import flask_fastsession
from differential import frozen
from differential import signing_serializer
from flask_fastsession import FastSessionInterface


def _app(interface: t.Any) -> Flask:
    app = Flask(__name__)
    app.secret_key = "memo"
    app.session_interface = interface
    return app


@pytest.fixture
def memo_restored() -> t.Iterator[None]:
    before = flask_fastsession.payload_memo_enabled()
    yield
    flask_fastsession.set_payload_memo(before)


def test_on_by_default() -> None:
    assert flask_fastsession.payload_memo_enabled() is True


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.usefixtures("memo_restored")
def test_same_bytes_with_and_without(enabled: bool) -> None:
    """Re-dumping and re-loading the same sessions (memo hits when enabled)
    gives stock's cookies and values every time."""
    flask_fastsession.set_payload_memo(enabled)
    assert flask_fastsession.payload_memo_enabled() is enabled
    stock, fast = _app(SecureCookieSessionInterface()), _app(FastSessionInterface())
    sessions: list[dict[str, t.Any]] = [
        {"user_id": 42, "_permanent": True},
        {"_flashes": [("message", "hi")], "token": "ab" * 64},
        {"big": ["x" * 50 + str(i) for i in range(400)]},  # compressed, > 4 KiB of JSON
    ]
    with frozen("2025-01-01 00:00:00") as clock:
        for session, _ in itertools.product(sessions * 3, range(2)):
            with stock.app_context():
                expected = signing_serializer(stock).dumps(session)
            with fast.app_context():
                serializer = signing_serializer(fast)
                assert serializer.dumps(session) == expected
                assert serializer.loads(expected) == session | {
                    k: [tuple(x) for x in v] for k, v in session.items() if k == "_flashes"
                }
            clock.tick(1)
