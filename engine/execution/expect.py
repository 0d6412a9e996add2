"""``expect``: does a cell's result match what the author wrote? (see the contract, "expect")

The output compared is what the learner sees: what the cell printed, then (like a notebook) the
value of its last expression. For ``stdout`` either the printed text alone or the printed text
followed by the shown value may match, so a file that was valid under the contract's "standard
output" wording keeps its meaning. Trailing white space of each line and of the whole is ignored.

Everything here runs in lectio's own process on input a lesson controls (the author's text, the
cell's output, up to the output cap), so every step is bounded: an author's ``matches`` pattern
never runs here (the kernel runs it under a deadline and the result carries the verdict, see
:attr:`CellResult.matched`; a result that has none is searched in a throwaway process with a
time limit), and a diff compares at most :data:`DIFF_LINES` lines of :data:`DIFF_WIDTH`
characters, since ``difflib`` can take quadratic time on megabytes of output.
"""

from __future__ import annotations

import difflib
import json
import subprocess
import sys

from engine.execution.results import MATCH_TIMEOUT, CellResult, CellStatus, MatchVerdict
from engine.format.models import ExpectSpec

DIFF_LINES = 300
"""Lines of each side that a diff compares; beyond them the output is summarised."""
DIFF_WIDTH = 500
"""Characters of a line that a diff compares (a 10 MB line without newline is one line)."""


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()).rstrip()


def shown_output(result: CellResult) -> str:
    """Printed output followed by the shown value of the last expression, if any."""
    return result.shown


def _diffable(text: str) -> tuple[list[str], int]:
    """The first DIFF_LINES lines, each cut at DIFF_WIDTH characters; how many lines were left."""
    lines = text.splitlines()
    kept = [
        line if len(line) <= DIFF_WIDTH else f"{line[:DIFF_WIDTH]}... [{len(line)} characters]"
        for line in lines[:DIFF_LINES]
    ]
    return kept, len(lines) - len(kept)


def diff(expected: str, actual: str) -> str:
    """A unified diff of expected vs actual output (bounded: the first DIFF_LINES lines)."""
    want, want_left = _diffable(expected)
    got, got_left = _diffable(actual)
    lines = list(difflib.unified_diff(want, got, "expected", "actual", lineterm="", n=2))
    if want_left or got_left:
        lines.append(
            f"[compared the first {DIFF_LINES} lines only: {want_left} more expected, "
            f"{got_left} more printed]"
        )
    return "\n".join(lines)


_SEARCH = (
    "import json, re, sys\n"
    "data = json.load(sys.stdin)\n"
    "print('found' if re.search(data['pattern'], data['text']) else 'not found')\n"
)


def search_bounded(pattern: str, text: str, timeout: float = MATCH_TIMEOUT) -> MatchVerdict:
    """``re.search`` of an untrusted pattern in a throwaway interpreter that is killed at
    ``timeout``: a backtracking pattern must never hang lectio (only for results that carry
    no verdict from the kernel; the kernel's is cheaper)."""
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _SEARCH],
            input=json.dumps({"pattern": pattern, "text": text}),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return MatchVerdict.TOO_SLOW
    return MatchVerdict.FOUND if done.stdout.strip() == "found" else MatchVerdict.NOT_FOUND


def _failed_to_run(expect: ExpectSpec, result: CellResult) -> str:
    if result.status is CellStatus.ERROR and result.error is not None:
        error = result.error
        return f"expected {_what(expect)}, but the cell raised {error.name}: {error.message}"
    reason = result.detail or result.status.value
    return f"expected {_what(expect)}, but the cell did not finish: {reason}"


def _what(expect: ExpectSpec) -> str:
    if expect.mode is None:
        return "the cell to finish"
    return {
        "stdout": "output",
        "contains": f"output containing {expect.value!r}",
        "matches": f"output matching /{expect.value}/",
        "raises": f"{expect.value} to be raised",
    }[expect.mode]


def raised_as_expected(expect: ExpectSpec | None, result: CellResult) -> bool:
    """The cell demonstrates an error (``expect: {raises: ...}``) and raised it: a success,
    for the executor (the namespace is as the author meant) and for every front end (a ✓, not
    a failure). Decided here only."""
    return (
        result.status is CellStatus.ERROR
        and expect is not None
        and expect.mode == "raises"
        and check_expect(expect, result) is None
    )


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
    if expect.mode is None:
        return None
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
    verdict = result.matched or search_bounded(expect.value, shown)
    if verdict is MatchVerdict.FOUND:
        return None
    if verdict is MatchVerdict.TOO_SLOW:
        return (
            f"matches: the pattern /{expect.value}/ took too long (more than {MATCH_TIMEOUT:g} s) "
            "on the cell's output and was stopped; nested repetition such as (a+)+ can "
            f"backtrack for ever, simplify it; the cell printed:\n{_excerpt(shown)}"
        )
    return f"output does not match /{expect.value}/; the cell printed:\n{_excerpt(shown)}"


def _excerpt(text: str, limit: int = 2000) -> str:
    text = text.rstrip()
    if not text:
        return "(nothing)"
    return text if len(text) <= limit else text[:limit] + "\n..."
