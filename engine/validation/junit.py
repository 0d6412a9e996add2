"""JUnit XML for CI (``lectio validate --junit FILE``): one <testsuite> per file, one <testcase>
per check name. Several checks of the same name (a file with three schema problems) form one
test case whose <failure> lists them all, because CI tools show one failure per test case.

Two families, named as pytest names its own (``--junit-family``):

- ``xunit1`` (the default): the richest form, which GitHub and GitLab test reporters read:
  ``file`` and ``line`` on every <testcase> (so a reporter can link to the YAML line) and a
  ``skipped`` total on <testsuites>.
- ``xunit2``: valid against Jenkins' strict ``junit-10.xsd`` (the xUnit plugin refuses a report
  that is not), which has no ``file``/``line`` on <testcase> and no ``skipped`` on <testsuites>:
  the file moves to its <testsuite>'s ``file``, the line stays in each failure's text
  (``file:line:col: message``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Literal

from engine.validation.report import Check, FileReport, ValidationReport
from engine.validation.text import check_line

Family = Literal["xunit1", "xunit2"]
FAMILIES: tuple[Family, ...] = ("xunit1", "xunit2")
_RANK = {"passed": 0, "warning": 0, "skipped": 1, "failed": 2, "error": 3}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    """XML 1.0 cannot hold most control characters, even escaped; show them as U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _group(checks: list[Check]) -> dict[str, list[Check]]:
    groups: dict[str, list[Check]] = {}
    for check in checks:
        groups.setdefault(check.name, []).append(check)
    return groups


def _testcase(
    report: FileReport, name: str, checks: list[Check], family: Family
) -> tuple[ET.Element, str]:
    status = max((c.status for c in checks), key=_RANK.__getitem__)
    span = next((c.span for c in checks if c.span is not None), None)
    attributes = {"classname": _clean(report.path), "name": _clean(name)}
    if family == "xunit1":
        attributes["file"] = _clean(report.path)
        attributes["line"] = str(span.line if span else 1)
    attributes["time"] = f"{sum(c.duration for c in checks):.3f}"
    case = ET.Element("testcase", attributes)
    if status in {"failed", "error"}:
        bad = [c for c in checks if c.is_problem]
        body: list[str] = []
        for check in bad:
            body.append(check_line(report, check))
            if check.detail:
                body.append(check.detail.rstrip("\n"))
        tag = "failure" if status == "failed" else "error"
        message = bad[0].message if len(bad) == 1 else f"{len(bad)} problems: {bad[0].message}"
        element = ET.SubElement(case, tag, {"message": _clean(message), "type": name.split(" ")[0]})
        element.text = _clean("\n".join(body))
    elif status == "skipped":
        ET.SubElement(case, "skipped", {"message": _clean(checks[0].message)})
    return case, status


def to_xml(report: ValidationReport, family: Family = "xunit1") -> str:
    root = ET.Element("testsuites", {"name": "lectio validate"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_time = 0.0
    for file in report.files:
        suite = ET.SubElement(root, "testsuite", {"name": _clean(file.path)})
        if family == "xunit2":
            suite.set("file", _clean(file.path))
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        time = sum(c.duration for c in file.checks)
        for name, checks in _group(file.checks).items():
            case, status = _testcase(file, name, checks, family)
            suite.append(case)
            counts["tests"] += 1
            if status == "failed":
                counts["failures"] += 1
            elif status == "error":
                counts["errors"] += 1
            elif status == "skipped":
                counts["skipped"] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", f"{time:.3f}")
        total_time += time
    for key, value in totals.items():
        if key != "skipped" or family == "xunit1":
            root.set(key, str(value))
    root.set("time", f"{total_time:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write(report: ValidationReport, path: str | Path, family: Family = "xunit1") -> None:
    Path(path).write_text(to_xml(report, family), encoding="utf-8")
