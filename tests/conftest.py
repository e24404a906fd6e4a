"""Fixtures and hypothesis profiles for the differential suite.

Profiles (select with HYPOTHESIS_PROFILE, default ``dev``):

- ``dev``: ~100 examples per property, for the edit-test loop.
- ``ci``: 2000 examples per property, no deadline (CI machines are noisy).
- ``ci-light``: 300 examples per property, otherwise ``ci``: CI's profile for the
  interpreters other than the default and the newest (see ``.ci/run``).
- ``thorough``: 100,000 examples per property, for a long soak.
"""

from __future__ import annotations

import os
import typing as t
from collections.abc import Callable

import pytest

pytest.register_assert_rewrite("differential", "hostile")

from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import session_json_serializer
from hypothesis import HealthCheck
from hypothesis import settings

from differential import IMPLS
from differential import Pair
from differential import cycle_headers
from differential import make_app
from differential import make_pair
from flask_fastsession._native_loader import NATIVE_AVAILABLE
from flask_fastsession._native_loader import UNAVAILABLE_REASON

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "ci-light",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "thorough",
    max_examples=100_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_report_header(config: pytest.Config) -> list[str]:
    state = "native module available" if NATIVE_AVAILABLE else f"native path unavailable: {UNAVAILABLE_REASON}"
    return [
        f"flask-fastsession: {state}",
        f"hypothesis profile: {settings._current_profile}",  # type: ignore[attr-defined]
    ]


@pytest.fixture(params=IMPLS)
def impl(request: pytest.FixtureRequest) -> str:
    """Each test using this runs once against stock Flask and once against the fast path."""
    return t.cast(str, request.param)


@pytest.fixture
def app_factory(impl: str) -> Callable[..., Flask]:
    """``app_factory(config=..., overrides=..., secret_key=...)`` -> app using ``impl``."""

    def factory(**kwargs: t.Any) -> Flask:
        return make_app(impl, **kwargs)

    return factory


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Flask:
    return app_factory()


@pytest.fixture
def pair_factory() -> Callable[..., Pair]:
    """``pair_factory(**make_app kwargs)`` -> Pair(stock app, fast app), same config."""
    return make_pair


@pytest.fixture(autouse=True)
def _shared_serializer_untouched() -> t.Iterator[None]:
    """``flask.sessions.session_json_serializer`` is shared by every app in the process.

    A test that registers a tag on it must undo that; fail loudly if one did not, and
    restore it so the rest of the suite is not poisoned.
    """
    tags = dict(session_json_serializer.tags)
    order = list(session_json_serializer.order)
    yield
    changed = session_json_serializer.tags != tags or session_json_serializer.order != order
    session_json_serializer.tags.clear()
    session_json_serializer.tags.update(tags)
    session_json_serializer.order[:] = order
    assert not changed, "test left a tag registered on flask.sessions.session_json_serializer"


@pytest.fixture
def private_serializer() -> TaggedJSONSerializer:
    """A fresh TaggedJSONSerializer, safe to register tags on."""
    return TaggedJSONSerializer()


@pytest.fixture
def cycle() -> Callable[..., tuple[list[str], str | None]]:
    """``cycle(app, action, cookie=None)`` -> (Set-Cookie headers, Vary header) of one request."""
    return cycle_headers
