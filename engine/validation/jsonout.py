"""The JSON report of ``lectio validate --format json`` (documented in docs/cli.md).

Stable, versioned shape, so CI scripts and editors can consume it::

    {"version": 1, "ok": bool, "executed": bool,
     "summary": {"files", "lessons", "cells", "questions", "verifications", "problems": int},
     "files": [{"path": str, "kind": "lesson"|"course"|"quiz"|"unknown", "ok": bool,
                "checks": [{"name", "status", "message", "file", "line", "col",
                            "duration", "detail"}]}]}

``status`` is passed, failed, skipped, error or warning (not a problem: ``ok`` stays true);
``file``/``line``/``col`` are null when a check has no position.
"""

from __future__ import annotations

import json
from typing import Any

from engine.validation.report import Check, FileReport, ValidationReport

VERSION = 1


def check_dict(check: Check) -> dict[str, Any]:
    span = check.span
    return {
        "name": check.name,
        "status": check.status,
        "message": check.message,
        "file": span.file if span else None,
        "line": span.line if span else None,
        "col": span.col if span else None,
        "duration": round(check.duration, 6),
        "detail": check.detail,
    }


def file_dict(report: FileReport) -> dict[str, Any]:
    return {
        "path": report.path,
        "kind": report.kind,
        "ok": report.ok,
        "checks": [check_dict(c) for c in report.checks],
    }


def to_dict(report: ValidationReport) -> dict[str, Any]:
    counts = report.counts
    return {
        "version": VERSION,
        "ok": report.ok,
        "executed": report.executed,
        "summary": {
            "files": counts.files,
            "lessons": counts.lessons,
            "cells": counts.cells,
            "questions": counts.questions,
            "verifications": counts.verifications,
            "problems": report.problems,
            "warnings": sum(c.is_warning for f in report.files for c in f.checks),
            "deselected": report.deselected,
        },
        "files": [file_dict(f) for f in report.files],
    }


def render(report: ValidationReport) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
