"""Whole request cycles through ``app.test_client()``: identical Set-Cookie and Vary.

For each configuration a stock app and a fast app are built alike, the same views run in
both at the same frozen instant, and every response header is compared, as is what the
view saw in the session (type-exact) or the exception the request raised.
"""

from __future__ import annotations

import datetime as _dt
import typing as t
import warnings
from collections.abc import Callable

import pytest
from flask import Flask
from flask import Response
from flask.sessions import SessionMixin
from hypothesis import given
from hypothesis import strategies as st

import strategies as S
from _versions import config_params
from _versions import requires_context_access_tracking
from _versions import requires_fallbacks
from differential import Cycle
from differential import Pair
from differential import assert_native
from differential import assert_same_cycle
from differential import assert_same_outcome
from differential import cycle_headers
from differential import dumps_outcome
from differential import frozen
from differential import make_app
from differential import make_pair
from differential import open_session_outcome
from differential import run_cycle

# --------------------------------------------------------------------------------------
# Views (actions run inside the view with the session)


def set_values(values: dict[t.Any, t.Any], permanent: bool | None = None) -> Callable[[SessionMixin], t.Any]:
    def action(s: SessionMixin) -> t.Any:
        s.update(values)
        if permanent is not None:
            s.permanent = permanent
        return None

    return action


def read(s: SessionMixin) -> t.Any:
    real = s._get_current_object()  # type: ignore[attr-defined]  # s is flask.session, a proxy
    return (dict(s), s.permanent, s.modified, type(real).__name__)


def modify(s: SessionMixin) -> t.Any:
    s["counter"] = s.get("counter", 0) + 1
    return dict(s)


def mutate_nested(s: SessionMixin) -> t.Any:
    s.setdefault("list", [])
    s["list"].append(1)
    s.modified = True
    return None


def make_permanent(s: SessionMixin) -> t.Any:
    s.permanent = True
    return None


def make_transient(s: SessionMixin) -> t.Any:
    s.permanent = False
    return None


def pop_all(s: SessionMixin) -> t.Any:
    for k in list(s):
        s.pop(k)
    return None


def clear(s: SessionMixin) -> t.Any:
    s.clear()
    return None


def untouched(s: SessionMixin) -> t.Any:
    return "never looked"


def accessed_only(s: SessionMixin) -> t.Any:
    return "x" in s


def set_then_delete(s: SessionMixin) -> t.Any:
    s["tmp"] = 1
    del s["tmp"]
    return None


def with_vary(s: SessionMixin) -> t.Any:
    s["v"] = 1
    r = Response("custom")
    r.headers["Vary"] = "Accept-Encoding"
    r.set_cookie("other", "1", max_age=5)
    return r


def store_unserializable(s: SessionMixin) -> t.Any:
    s["bad"] = {1, 2}
    return None


def store_mixed_keys(s: SessionMixin) -> t.Any:
    s[1] = "int key"  # type: ignore[index]  # a non-str key, on purpose
    s["a"] = "str key"
    return None


ACTIONS: dict[str, Callable[[SessionMixin], t.Any]] = {
    "read": read,
    "modify": modify,
    "mutate_nested": mutate_nested,
    "make_permanent": make_permanent,
    "make_transient": make_transient,
    "pop_all": pop_all,
    "clear": clear,
    "untouched": untouched,
    "accessed_only": accessed_only,
    "set_then_delete": set_then_delete,
    "with_vary": with_vary,
    "store_unserializable": store_unserializable,
    "store_mixed_keys": store_mixed_keys,
}

INITIAL = {
    "user": "al\u00efce",
    "roles": ("admin", "dev"),
    "token": b"\x00\x01",
    "when": _dt.datetime(2024, 1, 1, 12, tzinfo=_dt.timezone.utc),
}


def run_both(pair: Pair, action: Callable[[SessionMixin], t.Any], cookie: str | None = None) -> Cycle:
    """Run ``action`` in both apps, compare everything, return stock's cycle."""
    stock = run_cycle(pair.stock, action, cookie)
    fast = run_cycle(pair.fast, action, cookie)
    assert_same_cycle(stock, fast)
    return stock


def scenario(pair: Pair) -> None:
    """A realistic sequence of requests, compared step by step."""
    name = pair.stock.config["SESSION_COOKIE_NAME"]
    for permanent in (None, True, False):
        first = run_both(pair, set_values(INITIAL, permanent))
        if first.error is not None:
            continue
        cookie = first.cookie_value(name)
        assert cookie is not None
        for action in ACTIONS.values():
            run_both(pair, action, cookie)
        # A cookie from a slightly earlier request, loaded later on.
    for action in ACTIONS.values():
        run_both(pair, action, None)


# --------------------------------------------------------------------------------------
# Configuration matrix

CONFIGS: dict[str, dict[str, t.Any]] = {
    "default": {},
    "name": {"SESSION_COOKIE_NAME": "sid"},
    "name-odd": {"SESSION_COOKIE_NAME": "__Host-s.id"},
    "domain": {"SESSION_COOKIE_DOMAIN": "example.com"},
    "domain-dot-port": {"SESSION_COOKIE_DOMAIN": ".sub.example.com:8080"},
    "domain-idna": {"SESSION_COOKIE_DOMAIN": "b\u00fccher.example"},
    "path": {"SESSION_COOKIE_PATH": "/app"},
    "path-quoted": {"SESSION_COOKIE_PATH": "/a b;c/\u00e9"},
    "application-root": {"APPLICATION_ROOT": "/root"},
    "application-root-and-path": {"APPLICATION_ROOT": "/root", "SESSION_COOKIE_PATH": "/p"},
    "secure": {"SESSION_COOKIE_SECURE": True},
    "not-httponly": {"SESSION_COOKIE_HTTPONLY": False},
    "samesite-lax": {"SESSION_COOKIE_SAMESITE": "Lax"},
    "samesite-strict": {"SESSION_COOKIE_SAMESITE": "Strict"},
    "samesite-none": {"SESSION_COOKIE_SAMESITE": "None"},
    "samesite-lowercase": {"SESSION_COOKIE_SAMESITE": "lax"},
    "samesite-bogus": {"SESSION_COOKIE_SAMESITE": "bogus"},  # ValueError from werkzeug
    "partitioned": {"SESSION_COOKIE_PARTITIONED": True},  # implies Secure
    "lifetime-int": {"PERMANENT_SESSION_LIFETIME": 3600},
    "lifetime-zero": {"PERMANENT_SESSION_LIFETIME": 0},
    "lifetime-subsecond": {"PERMANENT_SESSION_LIFETIME": _dt.timedelta(microseconds=999_999)},
    "lifetime-negative": {"PERMANENT_SESSION_LIFETIME": _dt.timedelta(seconds=-10)},
    "lifetime-long": {"PERMANENT_SESSION_LIFETIME": _dt.timedelta(days=400, seconds=1)},
    "lifetime-overflow": {"PERMANENT_SESSION_LIFETIME": _dt.timedelta(days=3_000_000)},  # past year 9999
    "lifetime-float": {"PERMANENT_SESSION_LIFETIME": 90.75},
    "lifetime-fractional": {"PERMANENT_SESSION_LIFETIME": _dt.timedelta(seconds=59, microseconds=300_000)},
    "lifetime-to-year-9999": {"PERMANENT_SESSION_LIFETIME": _dt.timedelta(days=2_900_000)},
    "no-refresh": {"SESSION_REFRESH_EACH_REQUEST": False},
    "name-non-ascii": {"SESSION_COOKIE_NAME": "s\u00e9ssion"},
    "domain-upper-trailing-dot": {"SESSION_COOKIE_DOMAIN": "Example.COM."},
    "domain-localhost": {"SESSION_COOKIE_DOMAIN": "localhost"},
    "domain-invalid-idna": {"SESSION_COOKIE_DOMAIN": "a..b"},  # UnicodeError from the idna codec
    "samesite-empty": {"SESSION_COOKIE_SAMESITE": ""},  # ValueError
    # werkzeug writes a bare attribute only for `is True`: other truthy values get "=value"
    "secure-int": {"SESSION_COOKIE_SECURE": 1},
    "httponly-str": {"SESSION_COOKIE_HTTPONLY": "yes"},
    "partitioned-int": {"SESSION_COOKIE_PARTITIONED": 1},
    "application-root-odd": {"APPLICATION_ROOT": "/r o\u00f6t/"},
    "no-refresh-lifetime": {"SESSION_REFRESH_EACH_REQUEST": False, "PERMANENT_SESSION_LIFETIME": 60},
    "everything": {
        "SESSION_COOKIE_NAME": "s",
        "SESSION_COOKIE_DOMAIN": "example.org",
        "SESSION_COOKIE_PATH": "/x",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": False,
        "SESSION_COOKIE_SAMESITE": "Strict",
        "SESSION_COOKIE_PARTITIONED": True,
        "PERMANENT_SESSION_LIFETIME": 120,
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SECRET_KEY_FALLBACKS": ["a", b"b"],
    },
}


@pytest.mark.parametrize("config", config_params(CONFIGS))
def test_config_matrix(config: str) -> None:
    pair = make_pair(config=CONFIGS[config])
    with frozen():
        scenario(pair)


@pytest.mark.parametrize(
    "instant", ["2024-02-29 12:34:56.999", "1970-01-01 00:00:00", "2037-12-31 23:59:59", "9999-12-01"]
)
def test_scenario_at_other_instants(instant: str) -> None:
    pair = make_pair(config={"PERMANENT_SESSION_LIFETIME": 86400})
    with frozen(instant):
        scenario(pair)


def test_default_config_is_native_in_cycles() -> None:
    pair = make_pair()
    assert_native(pair.fast)
    with frozen():
        cookies, vary = cycle_headers(pair.fast, set_values({"a": 1}))
        assert cookies and vary == "Cookie"


# --------------------------------------------------------------------------------------
# Behaviour both implementations must show (run once per implementation)


class TestBehaviour:
    """Flask's documented session behaviour, asserted for stock and fast alike."""

    def test_set_then_read(self, app: Flask) -> None:
        with frozen():
            first = run_cycle(app, set_values({"a": (1, b"x")}))
            assert first.error is None and len(first.set_cookies) == 1 and first.vary == "Cookie"
            second = run_cycle(app, read, first.cookie_value())
            assert second.error is None
            assert second.captured[0] == {"a": (1, b"x")} and type(second.captured[0]["a"]) is tuple
            assert second.set_cookies == [] and second.vary == "Cookie"

    @requires_context_access_tracking
    def test_accessed_not_modified_sets_vary_only(self, app: Flask) -> None:
        with frozen():
            c = run_cycle(app, accessed_only)
            assert c.set_cookies == [] and c.vary == "Cookie"
            c = run_cycle(app, untouched)
            assert c.set_cookies == [] and c.vary is None

    def test_clear_deletes_cookie(self, app: Flask) -> None:
        with frozen():
            cookie = run_cycle(app, set_values({"a": 1})).cookie_value()
            c = run_cycle(app, clear, cookie)
            assert len(c.set_cookies) == 1 and "Expires=Thu, 01 Jan 1970 00:00:00 GMT" in c.set_cookies[0]
            assert c.set_cookies[0].startswith("session=;")

    def test_permanent_refresh(self, app_factory: Callable[..., Flask]) -> None:
        for refresh in (True, False):
            app = app_factory(config={"SESSION_REFRESH_EACH_REQUEST": refresh, "PERMANENT_SESSION_LIFETIME": 60})
            with frozen():
                cookie = run_cycle(app, set_values({"a": 1}, permanent=True)).cookie_value()
                c = run_cycle(app, read, cookie)
                assert bool(c.set_cookies) is refresh
                if refresh:
                    assert "Expires=Thu, 29 Feb 2024 12:35:56 GMT" in c.set_cookies[0]

    def test_expired_cookie_gives_empty_session(self, app_factory: Callable[..., Flask]) -> None:
        app = app_factory(config={"PERMANENT_SESSION_LIFETIME": 60})
        with frozen("2024-02-29 12:00:00"):
            cookie = run_cycle(app, set_values({"a": 1})).cookie_value()
        with frozen("2024-02-29 12:01:01"):
            c = run_cycle(app, read, cookie)
            assert c.captured[0] == {}

    def test_tampered_cookie_gives_empty_session(self, app: Flask) -> None:
        with frozen():
            cookie = run_cycle(app, set_values({"a": 1})).cookie_value()
            assert cookie is not None
            c = run_cycle(app, read, cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"))
            assert c.captured[0] == {}

    def test_no_secret_key(self, app_factory: Callable[..., Flask]) -> None:
        app = app_factory(secret_key=None)
        assert open_session_outcome(app, None).value is None
        c = run_cycle(app, read)
        assert c.captured == ({}, False, False, "NullSession") and c.set_cookies == [] and c.vary is None
        c = run_cycle(app, set_values({"a": 1}))
        assert isinstance(c.error, RuntimeError) and "secret key" in str(c.error)


def test_errors_without_testing_mode() -> None:
    """With TESTING off, a failing save_session becomes a 500 (and is tried again while
    finalizing the error response): same status, same headers, same log records."""
    import logging

    pair = make_pair(config={"TESTING": False, "PROPAGATE_EXCEPTIONS": False})
    with frozen():
        for action in (store_unserializable, store_mixed_keys, set_values({"ok": 1})):
            results = []
            for app in pair.both():
                records: list[logging.LogRecord] = []

                class Catch(logging.Handler):
                    def emit(self, record: logging.LogRecord) -> None:
                        records.append(record)

                handler = Catch()
                app.logger.addHandler(handler)
                app.logger.propagate = False
                try:
                    results.append((run_cycle(app, action), [(r.levelname, r.getMessage()) for r in records]))
                finally:
                    app.logger.removeHandler(handler)
            assert_same_cycle(results[0][0], results[1][0])
            assert results[0][1] == results[1][1]
            assert (results[0][0].status == 500) is bool(results[0][1])  # premise: errors are logged


# --------------------------------------------------------------------------------------
# Keys


def test_no_secret_key_matches_stock() -> None:
    for key in (None, "", b""):
        pair = make_pair(secret_key=key)
        with frozen():
            for cookie in (None, "x.y.z"):
                assert_same_outcome(open_session_outcome(pair.stock, cookie), open_session_outcome(pair.fast, cookie))
                assert open_session_outcome(pair.fast, cookie).value is None
            for action in ACTIONS.values():
                run_both(pair, action)
            run_both(pair, set_values({"a": 1}))
            assert pair.fast.session_interface.get_signing_serializer(pair.fast) is None  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "fallbacks, old_key",
    [
        (["old"], "old"),
        ([b"old-bytes"], b"old-bytes"),
        (["older", b"old"], "older"),
        (["older", b"old"], b"old"),
        ("abc", "b"),  # a plain string: stock extends the key list character by character
        ("abc", "abc"),  # ... so the whole string is NOT a key
        (["old"], "other"),
        ([], "old"),
        (("old",), "old"),
        (["\u00e9t\u00e9"], "\u00e9t\u00e9"),
        (["\u00e9t\u00e9"], "\u00e9t\u00e9".encode()),  # str keys are UTF-8: same key as these bytes
        ([5], "other"),  # not str/bytes: stock raises TypeError only when it must try that key
        ([5], "current"),
    ],
)
@requires_fallbacks
def test_secret_key_fallbacks(fallbacks: t.Any, old_key: t.Any) -> None:
    pair = make_pair(secret_key="current", config={"SECRET_KEY_FALLBACKS": fallbacks})
    old = make_app("stock", secret_key=old_key)
    with frozen():
        cookie = dumps_outcome(old, {"who": "old", "t": (1,)}).value
        assert_same_outcome(open_session_outcome(pair.stock, cookie), open_session_outcome(pair.fast, cookie))
        run_both(pair, read, cookie)
        run_both(pair, modify, cookie)  # re-signed with the current key


@pytest.mark.parametrize(
    "secret",
    ["s", "\u00e9\U0001f511", b"\xff\x00", bytearray(b"ba"), "x" * 100, 12345, ["a", "b"], True],
)
def test_secret_key_types(secret: t.Any) -> None:
    """Whatever the key type, fast does what stock does (cookie or exception)."""
    pair = make_pair(secret_key=secret)
    with frozen():
        first = run_both(pair, set_values({"a": 1}))
        cookie = first.cookie_value() if first.error is None else "a.b.c"
        run_both(pair, read, cookie)
        run_both(pair, read, "eyJhIjoxfQ.ZeB58A.AAAA")


@requires_fallbacks
def test_secret_key_changed_between_requests() -> None:
    """Per-key caches must notice a rotated key (and fallbacks edited in place)."""
    pair = make_pair(secret_key="one", config={"SECRET_KEY_FALLBACKS": []})
    with frozen():
        cookie = run_both(pair, set_values({"a": 1})).cookie_value()
        for app in pair.both():
            app.secret_key = "two"
        run_both(pair, read, cookie)
        for app in pair.both():
            app.config["SECRET_KEY_FALLBACKS"].append("one")
        run_both(pair, read, cookie)
        run_both(pair, modify, cookie)
        for app in pair.both():
            app.config["PERMANENT_SESSION_LIFETIME"] = _dt.timedelta(seconds=5)
            app.json.sort_keys = False  # type: ignore[attr-defined]
        run_both(pair, set_values({"b": 1, "a": 2}, permanent=True), cookie)


# --------------------------------------------------------------------------------------
# Cookie size warning


def test_cookie_too_large_warning() -> None:
    """werkzeug warns about cookies over 4093 bytes: the same warning (as an error here,
    filterwarnings=error) and, when warnings are only recorded, the same headers."""
    import random

    big = {"blob": random.Random(3).randbytes(4000)}
    pair = make_pair()
    with frozen():
        run_both(pair, set_values(big))
        results = []
        for app in pair.both():
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                c = run_cycle(app, set_values(big))
            results.append((c, [(w.category, str(w.message)) for w in caught]))
        assert_same_cycle(results[0][0], results[1][0])
        assert results[0][1] == results[1][1] and results[0][1]


# --------------------------------------------------------------------------------------
# Property (3): whole cycles with random session contents

def _json_setup(sort_keys: bool, ensure_ascii: bool) -> Callable[[Flask], None]:
    def setup(app: Flask) -> None:
        app.json.sort_keys = sort_keys  # type: ignore[attr-defined]
        app.json.ensure_ascii = ensure_ascii  # type: ignore[attr-defined]

    return setup


_PROPERTY_PAIRS: dict[tuple[str, bool, bool], Pair] = {}


def property_pair(name: str, sort_keys: bool, ensure_ascii: bool) -> Pair:
    key = (name, sort_keys, ensure_ascii)
    if key not in _PROPERTY_PAIRS:
        _PROPERTY_PAIRS[key] = make_pair(config=CONFIGS[name], setup=_json_setup(sort_keys, ensure_ascii))
    return _PROPERTY_PAIRS[key]


@given(
    contents=S.session_dicts(),
    permanent=st.sampled_from([None, True, False]),
    config=st.sampled_from(list(CONFIGS)),
    sort_keys=st.booleans(),
    ensure_ascii=st.booleans(),
    then=st.sampled_from(["read", "modify", "clear", "make_transient", "make_permanent", "accessed_only", "untouched"]),
)
def _prop_cycles(
    contents: dict[t.Any, t.Any], permanent: bool | None, config: str, sort_keys: bool, ensure_ascii: bool, then: str
) -> None:
    pair = property_pair(config, sort_keys, ensure_ascii)
    first = run_both(pair, set_values(contents, permanent))
    if first.error is not None:
        return
    cookie = first.cookie_value(pair.stock.config["SESSION_COOKIE_NAME"])
    run_both(pair, ACTIONS[then], cookie)


def test_property_request_cycles() -> None:
    """(3) Random session contents through whole request cycles: identical headers, and the
    next request sees identical (type-exact) session contents."""
    with frozen():
        _prop_cycles()


# --------------------------------------------------------------------------------------
# The Cookie request header, as browsers and proxies send it


def test_cookie_header_variants() -> None:
    """Both read ``request.cookies`` the same way: duplicates, quoting, neighbours."""
    pair = make_pair()
    with frozen():
        cookie = run_both(pair, set_values({"a": (1,)})).cookie_value()
        assert cookie is not None
        other = run_both(pair, set_values({"b": 2})).cookie_value()
        headers = [
            f"session={cookie}; other=1",
            f"other=1; session={cookie}",
            f"session={cookie}; session={other}",
            f"session={other}; session={cookie}",
            f'session="{cookie}"',
            f"session={cookie};",
            f" session = {cookie} ",
            f"Session={cookie}",
            f'session="{cookie[:5]}\\054{cookie[5:]}"',
            "session=",
            "session",
            ";;;",
            f"session={cookie}\u00e9",
        ]
        for raw in headers:
            results = [run_cycle(app, read, raw_cookie_header=raw) for app in pair.both()]
            try:
                assert_same_cycle(*results)
            except AssertionError as e:
                raise AssertionError(f"Cookie: {raw!r}: {e}") from e


# --------------------------------------------------------------------------------------
# Property: time (signing instant, expiry date, age at the next request)

_CLOCK: list[t.Any] = []
_TIME_PAIR: list[Pair] = []

lifetimes = st.one_of(
    st.integers(-5, 10**9),
    st.timedeltas(min_value=_dt.timedelta(days=-2), max_value=_dt.timedelta(days=3_000_000)),
    st.sampled_from([0, 1, 59, 3600, _dt.timedelta(microseconds=1), _dt.timedelta(seconds=1, microseconds=999_999)]),
)


@given(
    instant=st.datetimes(min_value=_dt.datetime(1970, 1, 1), max_value=_dt.datetime(9999, 12, 31, 23, 59)),
    lifetime=lifetimes,
    age=st.one_of(st.integers(-3, 3), st.integers(-(10**9), 10**9)),
    permanent=st.booleans(),
    refresh=st.booleans(),
)
def _prop_time(instant: _dt.datetime, lifetime: t.Any, age: int, permanent: bool, refresh: bool) -> None:
    clock = _CLOCK[0]
    if not _TIME_PAIR:
        _TIME_PAIR.append(make_pair())
    pair = _TIME_PAIR[0]
    for app in pair.both():
        app.config["PERMANENT_SESSION_LIFETIME"] = lifetime
        app.config["SESSION_REFRESH_EACH_REQUEST"] = refresh
    clock.move_to(instant)
    first = run_both(pair, set_values({"a": 1}, permanent))
    if first.error is not None:
        return
    cookie = first.cookie_value()
    try:
        clock.move_to(instant + _dt.timedelta(seconds=age))
    except OverflowError:
        return
    run_both(pair, read, cookie)
    run_both(pair, modify, cookie)


def test_property_time() -> None:
    """Any signing instant, lifetime and age: same Set-Cookie (Expires included), same
    verdict on the cookie at the next request (fresh, expired, future-dated)."""
    with frozen() as clock:
        _CLOCK[:] = [clock]
        _prop_time()
