"""What the installed Flask can do, and markers that skip the tests needing more.

The suite runs against every Flask release ``make matrix`` lists. A test that
uses a feature newer than the installed Flask is skipped with the reason and
the installed version, never silently run as a no-op:

.. code-block:: python

    from _versions import requires_fallbacks

    @requires_fallbacks
    def test_rotation() -> None: ...

    @pytest.mark.parametrize("name", config_params(CONFIGS))  # per-config marks
    def test_config(name: str) -> None: ...

Flask ignores config keys it does not know, so such a test would otherwise pass
on old Flask without testing anything.
"""

from __future__ import annotations

import importlib.metadata
import re
import typing as t
from collections.abc import Mapping

import pytest

if t.TYPE_CHECKING:
    from _pytest.mark.structures import MarkDecorator
    from _pytest.mark.structures import ParameterSet


def _parse(version: str) -> tuple[int, ...]:
    """``"3.1.0"`` -> ``(3, 1, 0)``; pre-release suffixes are ignored."""
    return tuple(int(part) for part in re.findall(r"\d+", version.split("+")[0])[:3])


FLASK_VERSION: str = importlib.metadata.version("flask")
WERKZEUG_VERSION: str = importlib.metadata.version("werkzeug")
ITSDANGEROUS_VERSION: str = importlib.metadata.version("itsdangerous")
FLASK: tuple[int, ...] = _parse(FLASK_VERSION)
WERKZEUG: tuple[int, ...] = _parse(WERKZEUG_VERSION)

#: ``SECRET_KEY_FALLBACKS``: new in Flask 3.1.
HAS_SECRET_KEY_FALLBACKS: bool = FLASK >= (3, 1)
#: ``SESSION_COOKIE_PARTITIONED`` and ``get_cookie_partitioned``: new in Flask 3.1.
HAS_PARTITIONED: bool = FLASK >= (3, 1)
#: Flask 3.1.3 tracks ``session.accessed`` through the request context, so any
#: use of the session (``"x" in session`` too) sets ``Vary: Cookie``; before,
#: only ``[]``, ``get`` and ``setdefault`` did.
TRACKS_ACCESS_IN_CONTEXT: bool = FLASK >= (3, 1, 3)
#: Since Flask 3.1 the signing key list is built by Flask (``[*fallbacks,
#: secret_key]``); before, ``SECRET_KEY`` went to itsdangerous as it was, and
#: itsdangerous takes any non-str, non-bytes key (a bytearray) for a list of keys.
BUILDS_KEY_LIST: bool = FLASK >= (3, 1)


def requires_flask(version: str, feature: str) -> MarkDecorator:
    """Skip unless the installed Flask is at least ``version``.

    :param version: the first Flask release with ``feature``, e.g. ``"3.1"``.
    :param feature: what the test needs, for the skip reason.
    """
    return pytest.mark.skipif(
        FLASK < _parse(version),
        reason=f"{feature} needs Flask >= {version} (installed: Flask {FLASK_VERSION})",
    )


requires_fallbacks = requires_flask("3.1", "SECRET_KEY_FALLBACKS")
requires_partitioned = requires_flask("3.1", "the Partitioned cookie attribute (SESSION_COOKIE_PARTITIONED)")
requires_context_access_tracking = requires_flask(
    "3.1.3", "Vary: Cookie for every session access (accessed tracked by the request context)"
)
requires_key_list = requires_flask(
    "3.1", "a bytearray SECRET_KEY (older Flask hands it to itsdangerous, which takes it for a key list)"
)

#: Config keys older Flask silently ignores, with the marker a test using them needs.
_CONFIG_MARKS: dict[str, MarkDecorator] = {
    "SECRET_KEY_FALLBACKS": requires_fallbacks,
    "SESSION_COOKIE_PARTITIONED": requires_partitioned,
}
#: Session interface methods older Flask never calls, likewise.
_OVERRIDE_MARKS: dict[str, MarkDecorator] = {
    "get_cookie_partitioned": requires_partitioned,
}


def marks_for(
    config: Mapping[str, t.Any] | None = None, overrides: Mapping[str, t.Any] | None = None
) -> list[MarkDecorator]:
    """The skip markers a test with this app ``config`` and interface
    ``overrides`` needs on the installed Flask."""
    marks = [m for key, m in _CONFIG_MARKS.items() if config and key in config]
    marks += [m for key, m in _OVERRIDE_MARKS.items() if overrides and key in overrides and m not in marks]
    return marks


def config_params(configs: Mapping[str, Mapping[str, t.Any]]) -> list[ParameterSet]:
    """``list(configs)`` as pytest params, each with the markers its config needs."""
    return [pytest.param(name, marks=marks_for(config=cfg), id=name) for name, cfg in configs.items()]


def override_params(overrides: Mapping[str, Mapping[str, t.Any]]) -> list[ParameterSet]:
    """``list(overrides)`` as pytest params, each with the markers its overrides need."""
    return [pytest.param(name, marks=marks_for(overrides=ov), id=name) for name, ov in overrides.items()]
