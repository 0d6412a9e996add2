"""Problems as CI annotations: ``lectio validate --format github`` and ``--format gitlab``.

Both follow ruff's output formats of the same names, so a CI set up for ruff needs no new step:

- ``github``: one GitHub Actions workflow command per problem,
  ``::error title=lectio (cell 2),file=PATH,line=L,col=C::PATH:L:C: cell 2: message``, which the
  runner turns into an annotation on the pull request's diff. Data is escaped by the toolkit's
  rules (``%``, CR and LF as ``%25``, ``%0D``, ``%0A``; in properties also ``:`` and ``,``), so a
  cell's output can never end the command early or start another one. The detail (a diff, a
  traceback) follows the message on the annotation's next lines. The summary line ends the run.
- ``gitlab``: a Code Quality report, a JSON array of ``{description, check_name, fingerprint,
  severity, location: {path, lines: {begin}}}``, for ``artifacts: reports: codequality``.
  The fingerprint is stable across runs (a hash of path, check name, message and occurrence),
  so GitLab can tell new problems from old ones.

Paths are the ones the report holds (as given on the command line): run ``lectio validate``
from the repository's root so that they are the repository-relative paths both services expect.
Skipped checks are notices (github) or ``info`` entries (gitlab) with ``--verbose`` only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from engine.safe_text import inert
from engine.validation.report import Check, FileReport, ValidationReport
from engine.validation.text import check_line, summary

_GITHUB_LEVEL = {"failed": "error", "error": "error", "warning": "warning", "skipped": "notice"}
_GITLAB_SEVERITY = {"failed": "major", "error": "critical", "warning": "minor", "skipped": "info"}


def _shown(report: FileReport, verbose: bool) -> Iterator[Check]:
    checks = [
        c
        for c in report.checks
        if c.is_problem or c.is_warning or (verbose and c.status == "skipped")
    ]
    checks.sort(key=lambda c: (c.span.line, c.span.col) if c.span else (0, 0))
    yield from checks


def escape_data(text: str) -> str:
    """A workflow command's message, as @actions/core's ``escapeData`` writes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value, as @actions/core's ``escapeProperty`` writes it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(report: FileReport, check: Check) -> str:
    line, col = (check.span.line, check.span.col) if check.span else (1, 1)
    properties = {
        "title": f"lectio ({check.name})",
        "file": report.path,
        "line": str(line),
        "col": str(col),
    }
    props = ",".join(f"{key}={escape_property(inert(value))}" for key, value in properties.items())
    message = check_line(report, check)
    if check.detail:
        message += "\n" + check.detail.rstrip("\n")
    return f"::{_GITHUB_LEVEL[check.status]} {props}::{escape_data(inert(message))}"


def render_github(report: ValidationReport, *, verbose: bool = False) -> str:
    lines = [
        github_command(file, check) for file in report.files for check in _shown(file, verbose)
    ]
    lines.append(inert(summary(report)))
    return "\n".join(lines) + "\n"


def gitlab_issues(report: ValidationReport, *, verbose: bool = False) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for file in report.files:
        for check in _shown(file, verbose):
            key = (file.path, check.name, check.message)
            occurrence = seen.get(key, 0)
            seen[key] = occurrence + 1
            fingerprint = hashlib.sha256(
                "\0".join([*key, str(occurrence)]).encode("utf-8", "surrogatepass")
            ).hexdigest()
            description = check_line(file, check).split(": ", 1)[-1]
            issues.append(
                {
                    "description": description,
                    "check_name": check.name,
                    "fingerprint": fingerprint,
                    "severity": _GITLAB_SEVERITY[check.status],
                    "location": {
                        "path": file.path,
                        "lines": {"begin": check.span.line if check.span else 1},
                    },
                }
            )
    return issues


def render_gitlab(report: ValidationReport, *, verbose: bool = False) -> str:
    return json.dumps(gitlab_issues(report, verbose=verbose), indent=2, ensure_ascii=False) + "\n"
