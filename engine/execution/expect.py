"""``expect``: does a cell's result match what the author wrote? (see the contract, "expect")

The output compared is what the learner sees: what the cell printed, then (like a notebook) the
value of its last expression. For ``stdout`` either the printed text alone or the printed text
followed by the shown value may match, so a file that was valid under the contract's "standard
output" wording keeps its meaning. Trailing white space of each line and of the whole is ignored.
"""

from __future__ import annotations

import difflib
import re

from engine.execution.results import CellResult, CellStatus
from engine.format.models import ExpectSpec


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()).rstrip()


def shown_output(result: CellResult) -> str:
    """Printed output followed by the shown value of the last expression, if any."""
    if result.display is None:
        return result.stdout
    sep = "" if not result.stdout or result.stdout.endswith("\n") else "\n"
    return f"{result.stdout}{sep}{result.display}\n"


def diff(expected: str, actual: str) -> str:
    """A unified diff of expected vs actual output, or both in full when one is empty."""
    lines = list(
        difflib.unified_diff(
            expected.splitlines(),
            actual.splitlines(),
            "expected",
            "actual",
            lineterm="",
            n=2,
        )
    )
    return "\n".join(lines)


def _failed_to_run(expect: ExpectSpec, result: CellResult) -> str:
    if result.status is CellStatus.ERROR and result.error is not None:
        error = result.error
        return f"expected {_what(expect)}, but the cell raised {error.name}: {error.message}"
    reason = result.detail or result.status.value
    return f"expected {_what(expect)}, but the cell did not finish: {reason}"


def _what(expect: ExpectSpec) -> str:
    return {
        "stdout": "output",
        "contains": f"output containing {expect.value!r}",
        "matches": f"output matching /{expect.value}/",
        "raises": f"{expect.value} to be raised",
    }[expect.mode]


def check_expect(expect: ExpectSpec, result: CellResult) -> str | None:
    """None when ``result`` satisfies ``expect``; otherwise a readable message (with a diff)."""
    if expect.mode == "raises":
        if result.status is CellStatus.ERROR and result.error is not None:
            if result.error.is_a(expect.value):
                return None
            return (
                f"expected {expect.value} to be raised, but the cell raised "
                f"{result.error.name}: {result.error.message}"
            )
        if result.status is CellStatus.OK:
            return f"expected {expect.value} to be raised, but the cell finished without error"
        return _failed_to_run(expect, result)
    if result.status is not CellStatus.OK:
        return _failed_to_run(expect, result)
    shown = shown_output(result)
    if expect.mode == "stdout":
        want = _norm(expect.value)
        if want in (_norm(result.stdout), _norm(shown)):
            return None
        return "output differs from expect (- expected, + actual):\n" + diff(want, _norm(shown))
    if expect.mode == "contains":
        if expect.value in shown:
            return None
        return f"output does not contain {expect.value!r}; the cell printed:\n{_excerpt(shown)}"
    if re.search(expect.value, shown):
        return None
    return f"output does not match /{expect.value}/; the cell printed:\n{_excerpt(shown)}"


def _excerpt(text: str, limit: int = 2000) -> str:
    text = text.rstrip()
    if not text:
        return "(nothing)"
    return text if len(text) <= limit else text[:limit] + "\n..."
