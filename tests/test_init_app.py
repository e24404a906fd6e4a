"""``flask_fastsession.init_app``: the Flask extension convention."""

from __future__ import annotations

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, as a package (a dev dependency there)
    import tomli as tomllib

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask.sessions import SessionInterface

import flask_fastsession
from differential import assert_native
from differential import assert_same_cycle
from differential import frozen
from differential import run_cycle
from flask_fastsession import FastSessionInterface
from flask_fastsession import FastSigningSerializer
from flask_fastsession import init_app

ROOT = Path(__file__).resolve().parent.parent


def _app(**config: object) -> Flask:
    app = Flask("init_app_tests")
    app.secret_key = "k"
    app.config.update(config)
    return app


def test_replaces_stock_interface() -> None:
    app = _app()
    assert type(app.session_interface) is SecureCookieSessionInterface
    rv = init_app(app)
    assert type(app.session_interface) is FastSessionInterface
    assert rv is app.session_interface
    assert_native(app)


def test_idempotent() -> None:
    app = _app()
    first = init_app(app)
    assert init_app(app) is first
    assert app.session_interface is first


def test_keeps_a_fast_interface_already_set() -> None:
    class MyFast(FastSessionInterface):
        pass

    app = _app()
    mine = MyFast()
    app.session_interface = mine
    assert init_app(app) is mine
    assert app.session_interface is mine


def test_respects_a_subclassed_stock_interface() -> None:
    """A subclass of Flask's interface carries the app's customisations: left alone."""

    class Salted(SecureCookieSessionInterface):
        salt = "my-salt"

    app = _app()
    mine = Salted()
    app.session_interface = mine
    assert init_app(app) is mine
    assert FastSessionInterface.uses_native(app) is False


def test_respects_a_custom_interface() -> None:
    class ServerSide(SessionInterface):
        pass

    app = _app()
    mine = ServerSide()
    app.session_interface = mine
    assert init_app(app) is mine


def test_disabled_by_config() -> None:
    app = _app(FASTSESSION_ENABLED=False)
    rv = init_app(app)
    assert type(app.session_interface) is SecureCookieSessionInterface
    assert rv is app.session_interface
    assert FastSessionInterface.uses_native(app) is False


def test_enabled_explicitly() -> None:
    app = _app(FASTSESSION_ENABLED=True)
    assert isinstance(init_app(app), FastSessionInterface)


def test_application_factory() -> None:
    """The factory pattern: init_app inside create_app, before the first request."""

    def create_app(enabled: bool) -> Flask:
        app = _app(FASTSESSION_ENABLED=enabled)
        init_app(app)

        @app.route("/")
        def index() -> str:
            from flask import session

            session["visits"] = session.get("visits", 0) + 1
            return str(session["visits"])

        return app

    fast, stock = create_app(True), create_app(False)
    assert isinstance(fast.session_interface, FastSessionInterface)
    with frozen():
        first = [run_cycle(app, lambda s: s.update(visits=1)) for app in (stock, fast)]
        assert_same_cycle(*first)
        cookie = first[0].cookie_value()
        assert_same_cycle(*[run_cycle(app, lambda s: s.get("visits"), cookie) for app in (stock, fast)])


def test_signing_serializer_type() -> None:
    app = _app()
    init_app(app)
    assert isinstance(app.session_interface.get_signing_serializer(app), FastSigningSerializer)  # type: ignore[attr-defined]


def test_public_names() -> None:
    public = {"FastSessionInterface", "FastSigningSerializer", "init_app", "__version__"}
    assert set(flask_fastsession.__all__) >= public


def test_version_comes_from_cargo_toml() -> None:
    cargo = tomllib.loads((ROOT / "Cargo.toml").read_text())
    assert flask_fastsession.__version__ == cargo["package"]["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+([.-]?\w+)*", flask_fastsession.__version__)


def test_version_matches_installed_metadata() -> None:
    import importlib.metadata

    assert importlib.metadata.version("flask-fastsession") == flask_fastsession.__version__
