"""``expect``: does a cell's result match what the author wrote? (see the contract, "expect")

The output compared is what the learner sees: what the cell printed, then (like a notebook) the
value of its last expression. For ``stdout`` either the printed text alone or the printed text
followed by the shown value may match, so a file that was valid under the contract's "standard
output" wording keeps its meaning. Trailing white space of each line and of the whole is ignored.

Everything here runs in lectio's own process on input a lesson controls (the author's text, the
cell's output, up to the output cap), so every step is bounded: an author's ``matches`` pattern
never runs here (it is searched in a throwaway process with a time limit, never in the kernel
either, where a cell may have replaced ``re``: :mod:`engine.execution.judge`; the verdict
travels in :attr:`CellResult.matched`), and a diff compares at most :data:`DIFF_LINES` lines
of :data:`DIFF_WIDTH` characters, since ``difflib`` can take quadratic time on megabytes of output.
"""

from __future__ import annotations

import difflib

from engine.execution.judge import search_bounded
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


def compared_output(expect: ExpectSpec, result: CellResult) -> str:
    """The output ``stdout``, ``contains`` and ``matches`` look at: what the learner sees
    (printed text, then the shown value), or the standard output alone when the cell's
    ``expect`` also has ``stderr`` (the contract); after ``normalize`` when it applies."""
    normalized = result.normalized
    alone = result.shown_alone
    if expect.stderr is not None and alone is not None:
        return normalized.stdout if normalized and normalized.stdout is not None else alone
    return normalized.shown if normalized is not None else shown_output(result)


def _applied(result: CellResult) -> str:
    """`` after normalize (addresses, /x/ -> 'y')`` when rewrites were applied, else ""."""
    normalized = result.normalized
    if normalized is None or not normalized.applied:
        return ""
    return f" after normalize ({', '.join(normalized.applied)})"


def check_expect(expect: ExpectSpec, result: CellResult) -> str | None:
    """None when ``result`` satisfies ``expect``; otherwise a readable message (with a diff of
    the output as compared: after ``normalize``, naming the rewrites applied)."""
    if expect.mode == "raises":
        if result.status is CellStatus.ERROR and result.error is not None:
            if result.error.is_a(expect.value):
                return _check_extras(expect, result)
            return (
                f"expected {expect.value} to be raised, but the cell raised "
                f"{result.error.name}: {result.error.message}"
            )
        if result.status is CellStatus.OK:
            return f"expected {expect.value} to be raised, but the cell finished without error"
        return _failed_to_run(expect, result)
    if result.status is not CellStatus.OK:
        return _failed_to_run(expect, result)
    if result.normalized is not None and result.normalized.error:
        return result.normalized.error
    problem = _check_main(expect, result)
    return problem or _check_extras(expect, result)


def _check_main(expect: ExpectSpec, result: CellResult) -> str | None:
    if expect.mode is None:
        return None
    shown = compared_output(expect, result)
    alone = " (standard output alone)" if expect.stderr is not None else ""
    applied = _applied(result)
    if expect.mode == "stdout":
        want = _norm(expect.value)
        plain = result.stdout if result.normalized is None and not alone else shown
        if want in (_norm(plain), _norm(shown)):
            return None
        return f"output{alone} differs from expect{applied} (- expected, + actual):\n" + diff(
            want, _norm(shown)
        )
    if expect.mode == "contains":
        if expect.value in shown:
            return None
        return (
            f"output{alone}{applied} does not contain {expect.value!r}; the cell printed:\n"
            f"{_excerpt(shown)}"
        )
    verdict = result.matched or search_bounded(expect.value, shown)
    if verdict is MatchVerdict.FOUND:
        return None
    if verdict is MatchVerdict.TOO_SLOW:
        return (
            f"matches: the pattern /{expect.value}/ took too long (more than {MATCH_TIMEOUT:g} s) "
            "on the cell's output and was stopped; nested repetition such as (a+)+ can "
            f"backtrack for ever, simplify it; the cell printed:\n{_excerpt(shown)}"
        )
    return (
        f"output{alone}{applied} does not match /{expect.value}/; the cell printed:\n"
        f"{_excerpt(shown)}"
    )


def _check_extras(expect: ExpectSpec, result: CellResult) -> str | None:
    """``stderr`` and ``figures``, beside the main key."""
    if expect.stderr is not None:
        err = result.err
        if err is None:
            return "stderr: the cell's standard error was not kept apart (an old kernel?)"
        if result.normalized is not None and result.normalized.stderr is not None:
            err = result.normalized.stderr
        want = _norm(str(expect.stderr))
        if _norm(err) != want:
            return (
                f"standard error differs from expect's stderr{_applied(result)} "
                "(- expected, + actual):\n" + diff(want, _norm(err))
            )
    if expect.figures is not None and result.picture_count != expect.figures:
        made = result.picture_count
        got = "none" if made == 0 else f"{made}"
        what = "figure" if expect.figures == 1 else "figures"
        hint = (
            "; a figure counts when the cell calls plt.show() or leaves it open, or shows an "
            "object with _repr_png_"
            if made == 0
            else ""
        )
        return f"figures: expected {expect.figures} {what}, the cell made {got}{hint}"
    return None


def _excerpt(text: str, limit: int = 2000) -> str:
    text = text.rstrip()
    if not text:
        return "(nothing)"
    return text if len(text) <= limit else text[:limit] + "\n..."
