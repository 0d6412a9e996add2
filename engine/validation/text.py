"""The text report: ``path:line:col: message`` per problem (editors and CI jump to it), then a
summary line. Details (a diff, a traceback) follow their problem, indented."""

from __future__ import annotations

from engine.safe_text import inert
from engine.validation.report import Check, FileReport, ValidationReport


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def check_line(report: FileReport, check: Check) -> str:
    where = str(check.span) if check.span is not None else f"{report.path}:1:1"
    label = "" if check.status == "failed" else f"{check.status}: "
    name = check.name
    shown = check.message
    if label and shown.startswith(label):  # "skipped: cell 1: skipped: ..." says it twice
        shown = shown[len(label) :]
    if name != "schema" and not name.startswith(("course", "ref ")) and not shown.startswith(name):
        shown = f"{name}: {shown}"
    return f"{where}: {label}{shown}"


def render_file(report: FileReport, *, verbose: bool = False) -> list[str]:
    """The lines for one file: its problems (and, verbose, its skipped checks)."""
    lines: list[str] = []
    shown = [
        c
        for c in report.checks
        if c.is_problem or c.is_warning or (verbose and c.status == "skipped")
    ]
    shown.sort(key=lambda c: (c.span.line, c.span.col) if c.span else (0, 0))
    for check in shown:
        lines.append(check_line(report, check))
        if check.detail:
            lines.extend("    " + line for line in check.detail.rstrip("\n").splitlines())
    return lines


def summary(report: ValidationReport) -> str:
    counts = report.counts
    what = ", ".join(
        [
            _plural(counts.files, "file"),
            _plural(counts.lessons, "lesson"),
            _plural(counts.cells, "cell"),
            _plural(counts.questions, "question"),
            _plural(counts.verifications, "verification"),
        ]
    )
    bad = sum(not f.ok for f in report.files)
    if report.problems:
        result = f"{_plural(report.problems, 'problem')} in {_plural(bad, 'file')}"
    else:
        result = "no problems"
    skipped = sum(c.status == "skipped" for f in report.files for c in f.checks)
    tail = "" if report.executed else " (schema only; cells not run)"
    if skipped:
        tail += f", {skipped} skipped"
    warned = sum(c.is_warning for f in report.files for c in f.checks)
    if warned:
        tail += f", {_plural(warned, 'warning')}"
    if report.deselected:
        tail += f", {report.deselected} deselected"
    return f"{what}: {result}{tail}"


def render(report: ValidationReport, *, verbose: bool = False) -> str:
    lines: list[str] = []
    for file in report.files:
        lines.extend(render_file(file, verbose=verbose))
    lines.append(summary(report))
    return inert("\n".join(lines)) + "\n"  # cell output must not drive the terminal
