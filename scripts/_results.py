"""What ``matrix.py`` and ``pythons.py`` share: test counts and outcomes
read from pytest's JUnit XML, and the summary table they print."""

from __future__ import annotations

import typing as t
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path


def read_junit(path: Path, result: t.Any) -> None:
    """Adds the outcomes in the JUnit file at ``path`` to ``result``'s
    ``passed``, ``failed``, ``errors``, ``skipped``, ``failures`` (test
    names) and ``skips`` (a counter of skip reasons)."""
    root = ET.parse(path).getroot()
    for case in root.iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        children = {child.tag: child for child in case}
        if "failure" in children:
            result.failed += 1
            result.failures.append(name)
        elif "error" in children:
            result.errors += 1
            result.failures.append(name + " (error)")
        elif "skipped" in children:
            result.skipped += 1
            result.skips[children["skipped"].get("message", "(no reason)")] += 1
        else:
            result.passed += 1


#: The outcomes of :func:`outcomes`, least severe first.
_SEVERITY = ("passed", "skipped", "failed", "error")
#: The JUnit elements of a ``testcase`` that say it did not pass.
_OUTCOME_OF_TAG = {"skipped": "skipped", "failure": "failed", "error": "error"}


def outcomes(path: Path) -> dict[str, str]:
    """Each test in the JUnit file at ``path`` (``classname::name``) and its
    outcome: ``"passed"``, ``"skipped"``, ``"failed"`` or ``"error"``. A test
    reported twice (an error in its teardown after it ran) keeps the worse."""
    found: dict[str, str] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        tags = [_OUTCOME_OF_TAG[child.tag] for child in case if child.tag in _OUTCOME_OF_TAG]
        outcome = max(tags, key=_SEVERITY.index, default="passed")
        if name not in found or _SEVERITY.index(outcome) > _SEVERITY.index(found[name]):
            found[name] = outcome
    return found


def table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """``head`` and ``rows`` as left-aligned columns, a rule under the head."""
    widths = [max(len(row[i]) for row in (head, *rows)) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in (head, *rows)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def counts(result: t.Any) -> tuple[str, ...]:
    """The status and count columns of a result, in the table's order."""
    return (
        result.status,
        str(result.passed),
        str(result.failed),
        str(result.errors),
        str(result.skipped),
        f"{result.seconds:.0f}s",
    )
