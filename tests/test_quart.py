"""Quart: ``flask_fastsession.quart.FastSessionInterface`` against stock Quart.

Every request runs through a stock Quart app and a fast one with the same
configuration, at the same frozen instant, and everything is compared: status,
Set-Cookie and Vary headers, what the view saw in the session, or the
exception the request raised.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import typing as t
import uuid
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field

import pytest

quart = pytest.importorskip("quart", reason="quart is not installed (pip install 'flask-fastsession[quart]')")

from flask.json.tag import TaggedJSONSerializer  # noqa: E402
from itsdangerous import BadPayload  # noqa: E402
from markupsafe import Markup  # noqa: E402
from quart import Quart  # noqa: E402
from quart.sessions import SecureCookieSessionInterface  # noqa: E402
from quart.sessions import SessionMixin  # noqa: E402

from differential import FROZEN_AT  # noqa: E402
from differential import TagSet  # noqa: E402
from differential import assert_same_value  # noqa: E402
from differential import frozen  # noqa: E402
from differential import recording_hooks  # noqa: E402
from differential import sign_payload  # noqa: E402
from flask_fastsession.quart import QUART_HAS_PARTITIONED  # noqa: E402
from flask_fastsession.quart import QUART_IS_KNOWN  # noqa: E402
from flask_fastsession.quart import QUART_USES_FALLBACKS  # noqa: E402
from flask_fastsession.quart import FastSessionInterface  # noqa: E402

Action = Callable[[SessionMixin], t.Any]
IMPLS = ("stock", "fast")
SECRET = "quart secret \u00e9"
_ACTION = "fastsession_tests.action"
_CAPTURED = "fastsession_tests.captured"


def make_app(
    impl: str,
    *,
    config: Mapping[str, t.Any] | None = None,
    overrides: Mapping[str, t.Any] | None = None,
    secret_key: t.Any = SECRET,
) -> Quart:
    app = Quart(f"fastsession_quart_{impl}")
    app.config["TESTING"] = True
    app.secret_key = secret_key
    if config:
        app.config.update(config)
    base: type[SecureCookieSessionInterface] = SecureCookieSessionInterface if impl == "stock" else FastSessionInterface
    cls = type(f"Custom{base.__name__}", (base,), dict(overrides)) if overrides else base
    app.session_interface = cls()

    @app.route("/", methods=["GET", "POST"])
    async def view() -> t.Any:
        from quart import session

        app.extensions[_CAPTURED] = app.extensions[_ACTION](session)
        return "ok"

    return app


@dataclass
class Cycle:
    status: int | None = None
    set_cookies: list[str] = field(default_factory=list)
    vary: str | None = None
    captured: t.Any = None
    error: BaseException | None = None

    def cookie_value(self, name: str = "session") -> str | None:
        for header in reversed(self.set_cookies):
            key, _, rest = header.partition("=")
            if key == name:
                return rest.split(";", 1)[0]
        return None


async def _cycle(app: Quart, action: Action, cookie: str | None) -> Cycle:
    app.extensions[_ACTION] = action
    app.extensions[_CAPTURED] = None
    client = app.test_client()
    headers = {}
    if cookie is not None:
        headers["Cookie"] = f"{app.config['SESSION_COOKIE_NAME']}={cookie}"
    try:
        response = await client.get("/", headers=headers)
    except Exception as e:
        return Cycle(error=e)
    return Cycle(
        status=response.status_code,
        set_cookies=response.headers.getlist("Set-Cookie"),
        vary=response.headers.get("Vary"),
        captured=app.extensions[_CAPTURED],
    )


def run_cycle(app: Quart, action: Action, cookie: str | None = None) -> Cycle:
    return asyncio.run(_cycle(app, action, cookie))


@dataclass
class Pair:
    stock: Quart
    fast: Quart


def make_pair(**kwargs: t.Any) -> Pair:
    return Pair(make_app("stock", **kwargs), make_app("fast", **kwargs))


def run_both(pair: Pair, action: Action, cookie: str | None = None) -> Cycle:
    """Run ``action`` in both apps, compare everything, return stock's cycle."""
    stock = run_cycle(pair.stock, action, cookie)
    fast = run_cycle(pair.fast, action, cookie)
    if stock.error is not None or fast.error is not None:
        assert stock.error is not None, f"only fast raised: {fast.error!r}"
        assert fast.error is not None, f"only stock raised: {stock.error!r}"
        assert type(fast.error) is type(stock.error)
        assert str(fast.error) == str(stock.error)
        return stock
    assert fast.status == stock.status
    assert fast.set_cookies == stock.set_cookies
    assert fast.vary == stock.vary
    assert_same_value(stock.captured, fast.captured)
    return stock


# --------------------------------------------------------------------------------------
# Actions


def set_values(values: dict[t.Any, t.Any], permanent: bool | None = None) -> Action:
    def action(s: SessionMixin) -> t.Any:
        s.update(values)
        if permanent is not None:
            s.permanent = permanent

    return action


def read(s: SessionMixin) -> t.Any:
    return (dict(s), s.permanent, s.modified)


def modify(s: SessionMixin) -> t.Any:
    s["counter"] = s.get("counter", 0) + 1
    return dict(s)


def clear(s: SessionMixin) -> t.Any:
    s.clear()


def untouched(s: SessionMixin) -> t.Any:
    return None


VALUES: dict[str, t.Any] = {
    "z": 1,
    "a": [1.5, -0.0, 1e16, None, True],  # key order: Quart's JSON is not sorted
    "t": (1, (b"\x00\xff", "x")),
    "m": Markup("<b>caf\u00e9</b>"),
    "u": uuid.UUID(int=42),
    "d": _dt.datetime(2024, 2, 29, 12, 0, tzinfo=_dt.timezone.utc),
    "\u00e9": "\U0001f600 \ud800",
    " di": {" t": "tag keys in data"},
    "big": [{"sku": f"SKU-{i}", "qty": i} for i in range(40)],  # compressed
}


def scenario(pair: Pair) -> None:
    name = pair.stock.config["SESSION_COOKIE_NAME"]
    for permanent in (None, True, False):
        first = run_both(pair, set_values(VALUES, permanent))
        if first.error is not None or first.status != 200:  # Quart answers errors with a 500
            continue
        cookie = first.cookie_value(name)
        assert cookie is not None
        for action in (read, modify, untouched, clear):
            run_both(pair, action, cookie)


# --------------------------------------------------------------------------------------
# Tests


def test_quart_is_known_and_default_is_native() -> None:
    assert QUART_IS_KNOWN, "this Quart's stock session interface differs from the ones reproduced"
    app = make_app("fast")
    assert FastSessionInterface.uses_native(app) is True
    assert FastSessionInterface.uses_native(make_app("stock")) is False


def test_follows_the_installed_quart() -> None:
    """The features the module detects are the ones this Quart's config knows:
    both on Quart 0.21+, neither on 0.20."""
    assert QUART_USES_FALLBACKS is ("SECRET_KEY_FALLBACKS" in Quart.default_config)
    assert QUART_HAS_PARTITIONED is ("SESSION_COOKIE_PARTITIONED" in Quart.default_config)


def test_scenario_default() -> None:
    with frozen(real_asyncio=True):
        scenario(make_pair())


CONFIGS: dict[str, dict[str, t.Any]] = {
    "name": {"SESSION_COOKIE_NAME": "qsess"},
    "domain": {"SESSION_COOKIE_DOMAIN": "example.org"},
    "path": {"SESSION_COOKIE_PATH": "/app"},
    "secure-samesite": {"SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_SAMESITE": "Lax"},
    "not-httponly": {"SESSION_COOKIE_HTTPONLY": False},
    "partitioned": {"SESSION_COOKIE_PARTITIONED": True},
    "lifetime": {"PERMANENT_SESSION_LIFETIME": 60},
    "lifetime-overflow": {"PERMANENT_SESSION_LIFETIME": _dt.timedelta(days=3_000_000)},
    "no-refresh": {"SESSION_REFRESH_EACH_REQUEST": False},
    "fallbacks": {"SECRET_KEY_FALLBACKS": ["old", b"older"]},
    "samesite-bogus": {"SESSION_COOKIE_SAMESITE": "bogus"},
}


@pytest.mark.parametrize("config", list(CONFIGS))
def test_config(config: str) -> None:
    with frozen(real_asyncio=True):
        scenario(make_pair(config=CONFIGS[config]))


@pytest.mark.parametrize("fallbacks", [["old"], ["older", b"old"], "xold", []])
def test_key_rotation(fallbacks: t.Any) -> None:
    """A cookie signed with a fallback key loads; the next one is signed with the current key."""
    pair = make_pair(config={"SECRET_KEY_FALLBACKS": fallbacks})
    old = make_app("stock", secret_key="old")
    with frozen(real_asyncio=True):
        cookie = run_cycle(old, set_values({"who": "old"})).cookie_value()
        seen = run_both(pair, read, cookie)
        # str keys are UTF-8: "old" is b"old". Quart 0.20 has no fallback keys.
        loads = QUART_USES_FALLBACKS and fallbacks in (["old"], ["older", b"old"])
        assert (seen.captured[0] == {"who": "old"}) is loads
        run_both(pair, modify, cookie)


@pytest.mark.parametrize(
    "cookie",
    ["", "garbage", "a.b", "a.b.c", "eyJhIjoxfQ.ZeB58A.AAAA", "\u00e9.\u00e9.\u00e9"],
)
def test_bad_cookies(cookie: str) -> None:
    with frozen(real_asyncio=True):
        run_both(make_pair(), read, cookie)


def test_expired_and_future_cookies() -> None:
    pair = make_pair(config={"PERMANENT_SESSION_LIFETIME": 100})
    with frozen(real_asyncio=True) as clock:
        cookie = run_both(pair, set_values({"a": 1}, permanent=True)).cookie_value()
        for seconds in (99, 100, 101, -5):
            clock.move_to(_dt.datetime.fromisoformat(FROZEN_AT) + _dt.timedelta(seconds=seconds))
            run_both(pair, read, cookie)


async def _open_session(app: Quart, cookie: str) -> t.Any:
    """The session a request with ``cookie`` opens, as data, or the exception raised."""
    headers = {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"}
    try:
        async with app.test_request_context("/", headers=headers):
            from quart import session

            return (type(session._get_current_object()).__name__, dict(session))  # type: ignore[attr-defined]
    except Exception as e:
        return e


def test_bad_payload_raises_as_stock() -> None:
    """A validly signed cookie whose payload is not JSON: stock raises BadPayload
    (not a BadSignature, so open_session does not catch it)."""
    from flask import Flask

    signer_app = Flask("signer")  # same keys, salt and digest as Quart's
    signer_app.secret_key = SECRET
    pair = make_pair()
    raised = 0
    with frozen(real_asyncio=True):
        for payload in (b"not json", b'{"a":1}', b'{" t": 5}', b"\xff"):
            cookie = sign_payload(signer_app, payload)
            stock = asyncio.run(_open_session(pair.stock, cookie))
            fast = asyncio.run(_open_session(pair.fast, cookie))
            assert type(fast) is type(stock) and str(fast) == str(stock)
            if isinstance(stock, Exception):
                assert isinstance(stock, BadPayload), stock
                raised += 1
            else:
                assert_same_value(stock, fast)
            run_both(pair, read, cookie)  # the 500 response, or the session
    assert raised == 3


def test_signing_serializer_round_trip() -> None:
    pair = make_pair(config={"SECRET_KEY_FALLBACKS": ["old"]})
    with frozen(real_asyncio=True):
        ss = pair.stock.session_interface.get_signing_serializer(pair.stock)  # type: ignore[attr-defined]
        fs = pair.fast.session_interface.get_signing_serializer(pair.fast)  # type: ignore[attr-defined]
        assert ss is not None and fs is not None
        assert fs.secret_keys == ss.secret_keys
        stock_cookie, fast_cookie = ss.dumps(VALUES), fs.dumps(VALUES)
        assert fast_cookie == stock_cookie
        assert_same_value(ss.loads(fast_cookie), fs.loads(stock_cookie))


def _with_set_tag() -> TaggedJSONSerializer:
    s = TaggedJSONSerializer()
    s.register(TagSet)
    return s


FALLBACK_OVERRIDES: dict[str, dict[str, t.Any]] = {
    "salt": {"salt": "other-salt"},
    "key_derivation": {"key_derivation": "django-concat"},
    "serializer": {"serializer": _with_set_tag()},
    "native_disabled": {"native_enabled": False},
    "get_expiration_time": {"get_expiration_time": lambda self, app, s: _dt.datetime(2030, 1, 1)},
    "should_set_cookie": {"should_set_cookie": lambda self, app, s: True},
    "cookie-name": {"get_cookie_name": lambda self, app: "custom"},
}


@pytest.mark.parametrize("name", list(FALLBACK_OVERRIDES))
def test_overrides(name: str) -> None:
    """Customised interfaces: stock's output, whichever path answers."""
    overrides = FALLBACK_OVERRIDES[name]
    pair = make_pair(overrides=overrides)
    values = {"s": {3, 1}} if name == "serializer" else {"a": (1,)}
    with frozen(real_asyncio=True):
        first = run_both(pair, set_values(values, permanent=True))
        run_both(pair, read, first.cookie_value("custom" if name == "cookie-name" else "session"))
    native = FastSessionInterface.uses_native(pair.fast)
    assert native is (name in ("get_expiration_time", "should_set_cookie", "cookie-name"))


def test_no_secret_key() -> None:
    pair = make_pair(secret_key=None)
    with frozen(real_asyncio=True):
        run_both(pair, read)
        run_both(pair, set_values({"a": 1}))


def test_websocket_save_without_response() -> None:
    """``save_session(..., None)`` after a websocket: stock's code (logs, sets nothing)."""
    app = make_app("fast")
    session = app.session_interface.session_class({"a": 1})
    asyncio.run(app.session_interface.save_session(app, session, None))


def test_cli_explains_quart_apps() -> None:
    """``python -m flask_fastsession check --app`` reads Quart apps too."""
    from flask_fastsession import cli

    assert cli.why_not_native(make_app("fast")) == []
    assert "not a FastSessionInterface" in cli.why_not_native(make_app("stock"))[0]
    salted = make_app("fast", overrides={"salt": "other"})
    assert cli.why_not_native(salted) == ["salt is 'other', not 'cookie-session'"]



def test_overridden_hooks_are_called_in_stocks_order() -> None:
    """An interface that overrides the getters (so the native path calls
    them): the same calls as stock's, in stock's order."""
    stock_calls: list[str] = []
    fast_calls: list[str] = []
    pair = Pair(
        make_app("stock", overrides=recording_hooks(stock_calls, SecureCookieSessionInterface)),
        make_app("fast", overrides=recording_hooks(fast_calls, SecureCookieSessionInterface)),
    )
    assert FastSessionInterface.uses_native(pair.fast)
    with frozen(real_asyncio=True):
        first = run_both(pair, set_values({"a": 1}, permanent=True))
        run_both(pair, read, first.cookie_value())
        run_both(pair, clear, first.cookie_value())
    assert stock_calls
    assert fast_calls == stock_calls
