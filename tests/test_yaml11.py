"""The y/n trap: a bare y or n value is text to lectio but a boolean to YAML 1.1 tools; lectio
validate warns (without failing) and says to quote it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.validation.yaml11 import warnings

ROOT = Path(__file__).resolve().parents[1]
LESSON = """\
id: yn
title: Y or n
blocks:
  - code: |
      y = 1
      n: y
  - graph: y
  - graph: 'n'
  - question: "Pick: y"
    id: pick
    choices:
      - text: N
        correct: true
      - text: "y"
  - text: y   # a comment after it
y: 1
"""


def test_bare_y_and_n_values_are_found_not_keys_quoted_or_block_text(tmp_path: Path) -> None:
    lesson = tmp_path / "yn.yaml"
    lesson.write_text(LESSON)
    found = [
        (c.span.line if c.span else 0, c.status, c.message.split(";")[0]) for c in warnings(lesson)
    ]
    assert found == [
        (
            7,
            "warning",
            "a bare y is the text 'y' to lectio, but editors and tools in YAML 1.1 "
            "mode read it as the boolean true",
        ),
        (
            12,
            "warning",
            "a bare N is the text 'N' to lectio, but editors and tools in YAML 1.1 "
            "mode read it as the boolean false",
        ),
        (
            15,
            "warning",
            "a bare y is the text 'y' to lectio, but editors and tools in YAML 1.1 "
            "mode read it as the boolean true",
        ),
    ]


def test_a_warning_is_shown_in_every_format_and_does_not_fail(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lesson = tmp_path / "g.yaml"
    lesson.write_text("id: g\ntitle: G\nblocks:\n  - code: y = 1\n  - graph: y\n")
    assert main(["validate", "--no-exec", str(lesson)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"{lesson}:5:12: warning: yaml 1.1: a bare y is the text 'y' to lectio, but editors and "
        "tools in YAML 1.1 mode read it as the boolean true; write it in quotes: 'y'",
        "1 file, 1 lesson, 1 cell, 0 questions, 0 verifications: no problems "
        "(schema only; cells not run), 1 warning",
    ]
    assert main(["validate", "--no-exec", "--format", "json", str(lesson)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert report["summary"]["warnings"] == 1
    assert [c["status"] for c in report["files"][0]["checks"] if c["name"] == "yaml 1.1"] == [
        "warning"
    ]
    assert main(["validate", "--no-exec", "--format", "github", str(lesson)]) == 0
    assert capsys.readouterr().out.startswith(f"::warning title=lectio (yaml 1.1),file={lesson}")


def test_the_bundled_course_quotes_its_graph_y() -> None:
    for lesson in sorted((ROOT / "lessons").rglob("*.yaml")):
        assert warnings(lesson) == [], lesson
