"""A session plan never answers with a value stock would not read now.

Every value a :class:`~flask_fastsession._native.SessionPlan` holds
(:mod:`flask_fastsession._plan`'s table) is replaced here by one stock
computes on each call (a property, a slot, a descriptor, ``__getattr__``)
on a Flask subclass or an interface subclass, and changed between requests;
stock and fast must answer every request alike. Then the tenants: a key per
host, cookies presented across hosts. Then the session object's whole state
after open and after save, the header order where the plan hands a call to
Python, and the plan's own answer counts.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import typing as t
from datetime import timedelta
from unittest import mock

import pytest
import werkzeug.http
from flask import Flask
from flask import request
from flask import request_finished
from flask.globals import request_ctx
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSession
from flask.sessions import SecureCookieSessionInterface
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import differential
from differential import frozen
from flask_fastsession import FastSessionInterface
from flask_fastsession import _plan
from flask_fastsession import clear_plan_answers
from flask_fastsession import plan_answers

# --------------------------------------------------------------------------------------
# The family: each held value, computed per call


class _PlainJSON:
    """A serializer stock accepts that is not Flask's tagged JSON."""

    @staticmethod
    def dumps(value: t.Any) -> str:
        return json.dumps(value, separators=(",", ":"), sort_keys=True)

    @staticmethod
    def loads(value: t.Any) -> t.Any:
        return json.loads(value)


class _OtherSession(SecureCookieSession):
    pass


#: The held values and two values each takes in turn.
APP_VALUES: dict[str, tuple[t.Any, t.Any]] = {
    "secret_key": ("key-one", "key-two"),
    "permanent_session_lifetime": (timedelta(days=31), timedelta(seconds=90)),
}
INTERFACE_VALUES: dict[str, tuple[t.Any, t.Any]] = {
    "salt": ("cookie-session", "another-salt"),
    "key_derivation": ("hmac", "django-concat"),
    "digest_method": (hashlib.sha1, hashlib.sha256),
    "serializer": (TaggedJSONSerializer(), _PlainJSON()),
    "session_class": (SecureCookieSession, _OtherSession),
}
KINDS = ("property", "descriptor", "getattr", "slot")


class _Turn:
    """Which of the two values the computed attributes answer now."""

    def __init__(self) -> None:
        self.index = 0


class _Computed:
    """A descriptor that answers the value of the current turn."""

    def __init__(self, turn: _Turn, values: tuple[t.Any, t.Any]) -> None:
        self.turn, self.values = turn, values

    def __get__(self, obj: t.Any, owner: t.Any = None) -> t.Any:
        return self if obj is None else self.values[self.turn.index]


class _Absent:
    """A data descriptor whose instance lookup fails, so ``__getattr__`` answers."""

    def __get__(self, obj: t.Any, owner: t.Any = None) -> t.Any:
        if obj is None:
            return self
        raise AttributeError("computed by __getattr__")

    def __set__(self, obj: t.Any, value: t.Any) -> None:
        raise AttributeError("read-only")


def _namespace(kind: str, name: str, turn: _Turn, values: tuple[t.Any, t.Any]) -> dict[str, t.Any]:
    """The class namespace that makes ``name`` computed in the way ``kind`` says."""
    if kind == "property":
        return {name: property(lambda self: values[turn.index])}
    if kind == "descriptor":
        return {name: _Computed(turn, values)}
    if kind == "getattr":

        def __getattr__(self: t.Any, attr: str) -> t.Any:
            if attr == name:
                return values[turn.index]
            raise AttributeError(attr)

        return {name: _Absent(), "__getattr__": __getattr__}
    if kind == "slot":
        return {"__slots__": (name,)}
    raise ValueError(kind)


def _build(impl: str, side: str, kind: str, name: str, turn: _Turn, values: tuple[t.Any, t.Any]) -> Flask:
    ns = _namespace(kind, name, turn, values)
    base = differential.interface_base(impl)
    app_cls: type[Flask] = type("TenantFlask", (Flask,), ns) if side == "app" else Flask
    iface_cls = type("ComputedInterface", (base,), ns) if side == "interface" else base
    app = app_cls(f"plan_proof_{impl}")
    app.config.update(TESTING=True, SECRET_KEY=APP_VALUES["secret_key"][0])
    app.session_interface = iface_cls()
    app.add_url_rule("/", "cycle", differential._cycle_view, methods=["GET", "POST"])
    if kind == "slot":
        setattr(app if side == "app" else app.session_interface, name, values[turn.index])
    return app


def _turn_to(apps: tuple[Flask, ...], turn: _Turn, side: str, kind: str, name: str, index: int) -> None:
    turn.index = index
    if kind == "slot":
        values = (APP_VALUES if side == "app" else INTERFACE_VALUES)[name]
        for app in apps:
            setattr(app if side == "app" else app.session_interface, name, values[index])


def _visit(session: t.Any) -> t.Any:
    seen = (dict(session), type(session).__name__)
    session["n"] = session.get("n", 0) + 1
    session["pair"] = (1, 2)
    session.permanent = True
    return seen


FAMILY = [
    (side, kind, name)
    for side, names in (("app", APP_VALUES), ("interface", INTERFACE_VALUES))
    for name in names
    for kind in KINDS
]


@pytest.mark.parametrize(("side", "kind", "name"), FAMILY, ids=["-".join(f) for f in FAMILY])
@given(turns=st.lists(st.sampled_from([0, 1]), min_size=2, max_size=6), replay=st.lists(st.booleans(), min_size=6))
@settings(max_examples=8, deadline=None)
def test_computed_values_are_read_per_call(
    side: str, kind: str, name: str, turns: list[int], replay: list[bool]
) -> None:
    """A held value replaced by one computed per call, changing between
    requests: stock and fast answer every request alike, including cookies
    made under the other value."""
    values = (APP_VALUES if side == "app" else INTERFACE_VALUES)[name]
    stock_turn, fast_turn = _Turn(), _Turn()
    stock = _build("stock", side, kind, name, stock_turn, values)
    fast = _build("fast", side, kind, name, fast_turn, values)
    cookies: list[str | None] = [None]
    with frozen():
        for step, index in enumerate(turns):
            _turn_to((stock,), stock_turn, side, kind, name, index)
            _turn_to((fast,), fast_turn, side, kind, name, index)
            cookie = cookies[0] if replay[step] else cookies[-1]
            s = differential.run_cycle(stock, _visit, cookie)
            f = differential.run_cycle(fast, _visit, cookie)
            differential.assert_same_cycle(s, f)
            cookies.append(s.cookie_value())
            assert _signing_state(fast) == _signing_state(stock)


def _signing_state(app: Flask) -> tuple[t.Any, ...]:
    """What ``get_signing_serializer(app)`` was made with."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer is not None
    return (
        serializer.salt,
        list(serializer.secret_keys),
        serializer.signer_kwargs,
        id(serializer.serializer),
    )


# --------------------------------------------------------------------------------------
# Tenants: a key per host

TENANT_KEYS = {"a.example": "key-of-a", "b.example": "key-of-b", "c.example": "key-of-c"}


class _PerHostKey(Flask):
    @property
    def secret_key(self) -> str:  # type: ignore[override]
        return TENANT_KEYS[request.host] if request else "no-tenant"


def _tenant_app(impl: str, how: str) -> Flask:
    app = (_PerHostKey if how == "property" else Flask)(f"tenants_{impl}")
    app.config.update(TESTING=True, SECRET_KEY="no-tenant")
    app.session_interface = differential.interface_base(impl)()
    if how == "config":
        inner = app.wsgi_app

        def per_tenant(environ: t.Any, start_response: t.Any) -> t.Any:
            app.config["SECRET_KEY"] = TENANT_KEYS[environ["HTTP_HOST"]]
            return inner(environ, start_response)

        app.wsgi_app = per_tenant  # type: ignore[method-assign]

    @app.route("/login", methods=["POST"])
    def login() -> str:
        from flask import session

        session["user"] = request.host
        return "in"

    @app.route("/me")
    def me() -> str:
        from flask import session

        return repr(session.get("user"))

    return app


def _request(app: Flask, path: str, host: str, cookie: str | None, method: str = "GET") -> tuple[str, list[str]]:
    client = app.test_client(use_cookies=False)
    headers = {"Cookie": f"session={cookie}"} if cookie else {}
    resp = client.open(path, method=method, base_url=f"http://{host}", headers=headers)
    return resp.get_data(as_text=True), resp.headers.getlist("Set-Cookie")


@pytest.mark.parametrize("how", ["property", "config"])
@given(
    hosts=st.lists(st.sampled_from(sorted(TENANT_KEYS)), min_size=2, max_size=6),
    presented=st.lists(st.sampled_from(sorted(TENANT_KEYS)), min_size=6, max_size=6),
)
@settings(max_examples=10, deadline=None)
def test_a_tenants_cookie_is_never_accepted_on_another_host(how: str, hosts: list[str], presented: list[str]) -> None:
    """Keys per host (a property keyed by ``request.host``, or the config set
    per request by a WSGI middleware): each host's cookie is signed with its own key, and a cookie
    presented on another host is rejected, as stock does."""
    stock, fast = _tenant_app("stock", how), _tenant_app("fast", how)
    cookies: dict[str, str] = {}
    with frozen():
        for host in hosts:
            s_body, s_cookies = _request(stock, "/login", host, None, "POST")
            f_body, f_cookies = _request(fast, "/login", host, None, "POST")
            assert (f_body, f_cookies) == (s_body, s_cookies)
            cookies[host] = s_cookies[0].split(";", 1)[0].split("=", 1)[1]
        for host, origin in zip(hosts, presented[: len(hosts)], strict=True):
            cookie = cookies.get(origin)
            s = _request(stock, "/me", host, cookie)
            f = _request(fast, "/me", host, cookie)
            assert f == s
            assert s[0] == (repr(host) if cookie and origin == host else "None")


# --------------------------------------------------------------------------------------
# The session's whole state, stock vs fast


def _state(session: t.Any) -> tuple[t.Any, ...]:
    return (
        type(session).__name__,
        bool(session.accessed),
        bool(session.modified),
        bool(dict.get(session, "_permanent", False)),
        bool(session.new),
        dict(session),
    )


def _ctx_session() -> t.Any:
    """The request context's session object, read without marking it accessed
    (Flask 3.1.3's ``RequestContext.session`` property marks it)."""
    own = vars(request_ctx._get_current_object())  # type: ignore[attr-defined]
    return own.get("_session", own.get("session"))


def _state_app(impl: str, config: dict[str, t.Any]) -> tuple[Flask, list[t.Any]]:
    app = differential.make_app(impl, config=config)
    states: list[t.Any] = []

    @app.before_request
    def _opened() -> None:
        states.append(("opened", _state(_ctx_session())))

    def _saved(sender: t.Any, response: t.Any, **extra: t.Any) -> None:
        states.append(("saved", _state(_ctx_session())))

    request_finished.connect(_saved, app, weak=False)
    return app, states


ACTIONS: dict[str, t.Any] = {
    "untouched": None,
    "read": lambda s: s.get("n"),
    "write": lambda s: s.__setitem__("n", 5),
    "permanent": lambda s: setattr(s, "permanent", True),
    "clear": lambda s: s.clear(),
}


def _action(name: str) -> t.Any:
    action = ACTIONS[name]
    if action is None:
        return lambda s: None
    return action


@pytest.mark.parametrize("refresh", [True, False])
@pytest.mark.parametrize("permanent", [True, False])
@pytest.mark.parametrize("then", sorted(ACTIONS))
def test_session_state_after_open_and_save(refresh: bool, permanent: bool, then: str) -> None:
    """``accessed``, ``modified``, ``permanent``, ``new`` and the contents
    after open and after save are stock's, for a request that does not touch
    the session too (Flask 3.1.3 leaves it not accessed); so are the headers."""
    config = {"SESSION_REFRESH_EACH_REQUEST": refresh}
    (stock, stock_states), (fast, fast_states) = _state_app("stock", config), _state_app("fast", config)
    with frozen():

        def setup(s: t.Any) -> None:
            s["n"] = 1
            s.permanent = permanent

        cookie = differential.run_cycle(stock, setup).cookie_value()
        assert cookie is not None
        view = _action(then)
        del stock_states[:], fast_states[:]
        s = _cycle_without_proxy(stock, view, cookie, untouched=then == "untouched")
        f = _cycle_without_proxy(fast, view, cookie, untouched=then == "untouched")
    differential.assert_same_cycle(s, f)
    assert fast_states == stock_states


def _cycle_without_proxy(app: Flask, action: t.Any, cookie: str, *, untouched: bool) -> differential.Cycle:
    if not untouched:
        return differential.run_cycle(app, action, cookie)
    client = app.test_client(use_cookies=False)
    # A view that does not touch the session proxy at all.
    app.view_functions["cycle"] = lambda: "ok"
    try:
        resp = client.get("/", headers={"Cookie": f"session={cookie}"})
    finally:
        app.view_functions["cycle"] = differential._cycle_view
    return differential.Cycle(headers=list(resp.headers.to_wsgi_list()), status=resp.status_code)


@pytest.mark.parametrize("permanent", [True, False])
def test_session_transaction_and_direct_save_leave_stocks_state(permanent: bool) -> None:
    """``session_transaction()`` and a direct ``save_session`` call leave the
    session as stock leaves it."""
    pair = differential.make_pair()
    states = []
    with frozen():
        for app in pair.both():
            client = app.test_client()
            with client.session_transaction() as sess:
                sess["n"] = 1
                sess.permanent = permanent
            with client.session_transaction() as sess:
                opened = _state(sess)
            with app.test_request_context("/"):
                session = app.session_interface.open_session(app, request)
                assert session is not None
                response = app.response_class()
                session["m"] = 2
                app.session_interface.save_session(app, session, response)
                states.append((opened, _state(session), response.headers.to_wsgi_list()))
    assert states[1] == states[0]


# --------------------------------------------------------------------------------------
# Headers where the plan hands a call to Python


def test_oversize_refresh_keeps_stocks_header_order() -> None:
    """A permanent session, refreshed on an untouched request, whose cookie is
    over ``MAX_COOKIE_SIZE``: stock sends ``Set-Cookie`` (with werkzeug's
    warning) before ``Vary``; so does fast."""
    config = {"MAX_COOKIE_SIZE": 120}
    pair = differential.make_pair(config=config)
    with frozen():

        def setup(s: t.Any) -> None:
            s["blob"] = "x" * 200
            s.permanent = True

        with pytest.warns(UserWarning, match="cookie is too large"):
            cookie = differential.run_cycle(pair.stock, setup).cookie_value()
        assert cookie is not None
        cycles = []
        for app in pair.both():
            with pytest.warns(UserWarning, match="cookie is too large"):
                cycles.append(_cycle_without_proxy(app, None, cookie, untouched=True))
    differential.assert_same_cycle(*cycles)
    names = [k for k, _ in cycles[0].headers]
    assert names.index("Set-Cookie") < names.index("Vary")


def test_expiry_overflow_answers_as_stock() -> None:
    """An untouched permanent request whose expiry overflows: the same error,
    and the same headers on the error response."""
    config = {"PERMANENT_SESSION_LIFETIME": timedelta(days=3_000_000), "TESTING": False}
    pair = differential.make_pair(config=config)
    cookie = None
    with frozen():
        with pair.stock.test_request_context("/"):
            serializer = SecureCookieSessionInterface().get_signing_serializer(pair.stock)
            assert serializer is not None
            cookie = serializer.dumps({"_permanent": True, "n": 1})
        cycles = [_cycle_without_proxy(app, None, cookie, untouched=True) for app in pair.both()]
    assert cycles[0].status == 500
    differential.assert_same_cycle(*cycles)


def test_headers_add_wrapped_on_the_instance() -> None:
    """An ``after_request`` hook that wraps ``response.headers.add`` on the
    instance: stock's ``Vary`` and ``Set-Cookie`` come out as stock's."""

    def setup(app: Flask) -> None:
        @app.after_request
        def wrap(response: t.Any) -> t.Any:
            original = response.headers.add

            def add(key: str, value: t.Any, **kw: t.Any) -> None:
                original(key, value, **kw)
                if key == "Set-Cookie":
                    response.headers["Vary"] = "Accept"

            response.headers.add = add
            return response

    pair = differential.make_pair(setup=setup)
    with frozen():
        cycles = [differential.run_cycle(app, lambda s: s.__setitem__("n", 1)) for app in pair.both()]
    differential.assert_same_cycle(*cycles)


def test_patched_cookie_quoting_rule() -> None:
    """werkzeug's cookie-quoting pattern patched (so stock quotes every
    value): fast quotes as stock does."""
    pair = differential.make_pair()
    with frozen(), mock.patch.object(werkzeug.http, "_cookie_no_quote_re", re.compile(r"[a-z]*", re.A)):
        cycles = [differential.run_cycle(app, lambda s: s.__setitem__("n", 1)) for app in pair.both()]
    differential.assert_same_cycle(*cycles)
    assert cycles[0].set_cookies[0].startswith('session="')


# --------------------------------------------------------------------------------------
# The answers are counted: the native path is taken where it is meant to be


def _native_counts() -> tuple[int, int]:
    answers = plan_answers()
    return answers["open: native"], answers["save: native"]


@pytest.mark.parametrize(
    "config",
    [{}, {"SESSION_REFRESH_EACH_REQUEST": False}, {"SECRET_KEY_FALLBACKS": ["old"]}, {"SESSION_COOKIE_SECURE": True}],
    ids=["default", "no-refresh", "fallbacks", "secure"],
)
def test_default_configurations_take_the_native_plan(config: dict[str, t.Any]) -> None:
    """Requests of a plain app are answered by the plan: a plan that always
    fell back would fail here, not only in a benchmark."""
    app = differential.make_app("fast", config=config)
    differential.assert_native(app)
    clear_plan_answers()
    cookie = None
    with frozen():
        for _ in range(5):
            cycle = differential.run_cycle(app, lambda s: s.__setitem__("n", s.get("n", 0) + 1), cookie)
            cookie = cycle.cookie_value() or cookie
    opened, saved = _native_counts()
    # The first open makes the plan; every later call is the plan's.
    assert (opened, saved) == (4, 5), plan_answers()
    assert plan_answers()["plan made"] == 1


def test_computed_secret_key_takes_the_python_path_and_says_why() -> None:
    class Keyed(Flask):
        @property
        def secret_key(self) -> str:  # type: ignore[override]
            return "k"

    app = Keyed("keyed")
    app.session_interface = FastSessionInterface()
    app.add_url_rule("/", "cycle", differential._cycle_view)
    clear_plan_answers()
    differential.run_cycle(app, lambda s: s.__setitem__("n", 1))
    answers = plan_answers()
    assert _native_counts() == (0, 0)
    why = [n for k, n in answers.items() if k.endswith("Keyed.secret_key is not Flask's own ConfigAttribute")]
    assert why == [2], answers
    # Each call took the Python path: with no plan held, or with a plan left by an
    # earlier interface at the same id, found stale (the weak reference tells).
    for hook in ("open", "save"):
        assert answers.get(f"{hook}: python: no plan held", 0) + answers["stale"] >= 1, answers
    assert _plan.plans.get(id(app.session_interface)) is None


def test_accessed_semantics_follow_the_installed_flask() -> None:
    """Decided from what the installed ``SecureCookieSession`` does."""
    session = SecureCookieSession({"_permanent": True})
    assert session.permanent is True
    assert _plan.PERMANENT_MARKS_ACCESSED is bool(session.accessed)


def test_a_failed_plan_forgets_the_old_one() -> None:
    """When the configuration stops being one a plan can hold, the old plan
    is dropped rather than kept and checked on every call."""
    app = differential.make_app("fast")
    with frozen():
        differential.run_cycle(app, lambda s: s.__setitem__("n", 1))
        assert _plan.plans.get(id(app.session_interface)) is not None
        app.config["SESSION_COOKIE_DOMAIN"] = ["not", "a", "string"]
        differential.run_cycle(app, lambda s: s.get("n"))
    assert _plan.plans.get(id(app.session_interface)) is None


def test_stock_slot_interface_is_not_held() -> None:
    """An interface subclass with a slot for a held name: no plan holds it."""

    class Slotted(FastSessionInterface):
        __slots__ = ("salt",)

    interface = Slotted()
    interface.salt = "cookie-session"
    app = Flask("slotted")
    app.secret_key = "k"
    app.session_interface = interface
    reason = _plan._why_not(interface, app)
    assert reason is not None
    assert reason.endswith("Slotted.salt is computed (member_descriptor)")


def test_provider_subclass_method_assigned_later() -> None:
    """A JSON provider subclass that keeps Flask's methods at first, then gets
    its own ``dumps`` on the class: from then on stock formats with it."""
    from flask.json.provider import DefaultJSONProvider

    class Provider(DefaultJSONProvider):
        pass

    pair = differential.make_pair(setup=lambda app: setattr(app, "json", Provider(app)))
    with frozen():
        first = [differential.run_cycle(app, lambda s: s.__setitem__("n", 1)) for app in pair.both()]
        differential.assert_same_cycle(*first)

        def dumps(self: t.Any, obj: t.Any, **kwargs: t.Any) -> str:
            return json.dumps(obj, separators=(", ", ": "), sort_keys=True)

        Provider.dumps = dumps  # type: ignore[method-assign]
        then = [differential.run_cycle(app, lambda s: s.__setitem__("n", 2)) for app in pair.both()]
    differential.assert_same_cycle(*then)
    assert then[0].set_cookies != first[0].set_cookies


_NO_WATCHERS_SCRIPT = r"""
import ctypes, sys
CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
api = ctypes.pythonapi
api.PyDict_AddWatcher.restype = ctypes.c_int
api.PyDict_AddWatcher.argtypes = [CB]
keep = []
while True:
    cb = CB(lambda *a: 0)
    keep.append(cb)
    try:
        if api.PyDict_AddWatcher(cb) < 0:
            break
    except RuntimeError:  # "no more dict watcher IDs available"
        break
import freezegun
from flask import Flask, session
from flask.sessions import SecureCookieSessionInterface
import flask_fastsession
from flask_fastsession import FastSessionInterface, plan_answers

def app(interface):
    a = Flask("w")
    a.secret_key = "k"
    a.session_interface = interface
    @a.get("/")
    def view():
        session["n"] = session.get("n", 0) + 1
        return str(session["n"])
    return a

with freezegun.freeze_time("2026-01-01"):
    out = []
    for interface in (SecureCookieSessionInterface(), FastSessionInterface()):
        client = app(interface).test_client()
        out.append([(client.get("/").get_data(as_text=True), client.get_cookie("session").value) for _ in range(3)])
assert out[0] == out[1], out
answers = plan_answers()
assert any(k.startswith("no plan: the stock code is not watched natively") for k in answers), answers
assert answers["open: native"] == answers["save: native"] == 0, answers
print("ok")
"""


@pytest.mark.skipif(sys.version_info < (3, 12), reason="dict watchers exist from CPython 3.12")
def test_no_dict_watcher_left_answers_as_stock() -> None:
    """Every dict watcher of the interpreter taken by other code (CPython has
    8): the package imports, makes no plan, says why, and answers as stock."""
    proc = subprocess.run([sys.executable, "-c", _NO_WATCHERS_SCRIPT], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("ok")
