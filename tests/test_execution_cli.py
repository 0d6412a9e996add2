"""``lectio validate`` runs cells: exit status, located failures, one JUnit test case per check."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data" / "execution"


def lectio(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def test_validate_executes_and_reports_located_failures(tmp_path: Path) -> None:
    junit = tmp_path / "report.xml"
    done = lectio(
        "validate", str(DATA / "failing.yaml"), str(DATA / "basic.yaml"), "--junit", str(junit)
    )
    assert done.returncode == 1, done.stderr
    out = done.stdout
    assert "Traceback" not in done.stderr
    assert f"{DATA / 'failing.yaml'}:15:7: cell raises: NameError" in out
    assert "-10.0" in out and "+9.0" in out
    assert "basic.yaml" not in out  # a clean file has no problem lines
    cases = {
        (case.get("classname"), case.get("name")): case
        for case in ET.parse(junit).getroot().iter("testcase")
    }
    failing = {name for file, name in cases if file and file.endswith("failing.yaml")}
    assert {
        "cell 1",
        "cell wrong-expect",
        "cell raises",
        "cell after",
        "verify wrong-key",
        "cell no-raise",
        "cell slow",
        "cell 7",
    } <= failing
    basic = {name for file, name in cases if file and file.endswith("basic.yaml")}
    assert {"cell make-y", "cell 1", "verify read-grad"} <= basic
    raised = next(c for (f, n), c in cases.items() if n == "cell raises" and "failing" in str(f))
    assert raised.find("failure") is not None


def test_validate_is_green_on_clean_lessons_and_no_exec_runs_nothing() -> None:
    assert lectio("validate", str(DATA / "basic.yaml"), str(DATA / "clean.yaml")).returncode == 0
    schema_only = lectio("validate", "--no-exec", str(DATA / "failing.yaml"))
    assert schema_only.returncode == 0
    assert "cells not run" in schema_only.stdout
