"""pytest plugin for running Flask's own tests (from its sdist) in ``make matrix``.

``scripts/matrix.py`` loads it with ``-p fastsession_flask_tests`` in both of
its runs of a release's tests:

``--select-tests MODULE=REGEX`` (repeatable)
    Keeps the tests of ``MODULE`` (a file name, ``test_basic.py``) whose node
    id after the file name (``TestStreaming::test_stream_keeps_session``)
    matches ``REGEX`` (:func:`re.search`); every other test is deselected.
    Without the option nothing is deselected.

``--swap-session-interface``
    Makes :class:`~flask_fastsession.FastSessionInterface` the default
    session interface of every app: ``flask.Flask.session_interface`` is set
    to one instance (stock shares one ``SecureCookieSessionInterface``
    likewise) before any test module is imported. Apps and subclasses that
    choose their own interface keep it. At the end the plugin checks that the
    default is still that instance and that the native path was taken, and
    writes both to the JSON file named by ``--swap-report``; without the
    option the stock interface is left alone and the package is not imported.

Flask's ``tests/conftest.py`` of every release reads
``_pytest.monkeypatch.notset``, which pytest 9 renamed ``NOTSET``; the plugin
puts the old name back for them, in both runs.
"""

from __future__ import annotations

import json
import re
import typing as t
from pathlib import Path

import pytest
from _pytest import monkeypatch

if t.TYPE_CHECKING:
    from flask_fastsession import FastSessionInterface

if not hasattr(monkeypatch, "notset"):
    monkeypatch.notset = monkeypatch.NOTSET  # type: ignore[attr-defined]

_swapped: list[FastSessionInterface] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fastsession", "flask-fastsession: Flask's own tests")
    group.addoption(
        "--select-tests",
        action="append",
        default=[],
        metavar="MODULE=REGEX",
        help="keep only the tests of MODULE whose id matches REGEX (repeatable)",
    )
    group.addoption(
        "--swap-session-interface",
        action="store_true",
        help="make FastSessionInterface the default session interface of every Flask app",
    )
    group.addoption("--swap-report", metavar="PATH", help="write the swap's checks as JSON to PATH")


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("swap_session_interface"):
        return
    import flask

    from flask_fastsession import FastSessionInterface

    interface = FastSessionInterface()
    flask.Flask.session_interface = interface
    _swapped.append(interface)


def _selection(config: pytest.Config) -> dict[str, re.Pattern[str]]:
    selected: dict[str, re.Pattern[str]] = {}
    for value in config.getoption("select_tests"):
        module, sep, pattern = value.partition("=")
        if not sep or not module:
            raise pytest.UsageError(f"--select-tests wants MODULE=REGEX, got {value!r}")
        selected[module] = re.compile(pattern)
    return selected


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    selected = _selection(config)
    if not selected:
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        path, _, rest = item.nodeid.partition("::")
        pattern = selected.get(Path(path).name)
        (keep if pattern is not None and pattern.search(rest) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _swap_checks() -> dict[str, t.Any]:
    import flask

    from flask_fastsession import cache_usage

    usage = cache_usage()
    return {
        "default_kept": flask.Flask.session_interface is _swapped[0],
        # A codec is made the first time an app's call takes the native path.
        "native_taken": usage["codecs"].entries > 0,
        "codecs": usage["codecs"].entries,
        "plans": usage["plans"].entries,
    }


def pytest_terminal_summary(terminalreporter: t.Any, config: pytest.Config) -> None:
    if not _swapped:
        return
    checks = _swap_checks()
    terminalreporter.write_line(
        "fastsession: Flask.session_interface was FastSessionInterface"
        f" (still at the end: {checks['default_kept']}; native path taken: {checks['native_taken']},"
        f" {checks['codecs']} codec(s), {checks['plans']} plan(s) cached)"
    )
    report = config.getoption("swap_report")
    if report:
        Path(report).write_text(json.dumps(checks))
