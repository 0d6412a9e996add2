"""`lectio validate`: discovery, exit statuses, JSON and JUnit reports, the execution hook."""

from __future__ import annotations

import json
import shutil
import sys
import types
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from engine.cli import COMMANDS, main, validate_cmd
from engine.validation.discover import discover
from engine.validation.report import Check

DATA = Path(__file__).parent / "data"
VALID = DATA / "valid"
BROKEN = DATA / "broken"
PROJECT = VALID / "project"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["validate", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_clean_project_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--no-exec", str(PROJECT))
    assert status == 0
    assert out == (
        "4 files, 2 lessons, 7 cells, 5 questions, 1 verification: no problems "
        "(schema only; cells not run)\n"
    )


def test_missing_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--no-exec", str(PROJECT), "no/such/path.yaml")
    assert status == 2 and out == ""
    assert err == "lectio validate: error: no/such/path.yaml: no such file or folder\n"


def test_nothing_to_check_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    status, _, err = run(capsys, "--no-exec", str(tmp_path))
    assert status == 2 and "no lesson, course or quiz files found" in err


def test_bad_arguments_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["--jobs", "0", "x"], ["--format", "xml", "x"], []):
        with pytest.raises(SystemExit) as info:
            main(["validate", *args])
        assert info.value.code == 2
    capsys.readouterr()
    status, _, err = run(capsys, "--no-exec", "--lessons", "no/such/dir", str(PROJECT))
    assert status == 2 and "--lessons no/such/dir: no such folder" in err


def test_execution_not_available_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(validate_cmd, "execution_available", lambda: False)
    status, out, err = run(capsys, str(PROJECT))
    assert status == 2 and out == ""
    assert "running code cells is not available yet" in err and "--no-exec" in err


def _fake_execution(monkeypatch: pytest.MonkeyPatch, calls: list[Any]) -> None:
    module = types.ModuleType("engine.execution.validate")

    def execute_lessons(
        lessons: list[Any], *, jobs: int, on_report: Any = None
    ) -> dict[str, list[Check]]:
        calls.append(([lesson.id for lesson in lessons], jobs))
        result: dict[str, list[Check]] = {}
        for lesson in lessons:
            checks = [
                Check(f"cell {i}", "passed", span=c.span, duration=0.5)
                for i, c in enumerate(lesson.code_cells, start=1)
            ]
            if lesson.id == "every-key":
                cell = lesson.code_cells[1]
                checks[1] = Check(
                    "cell 2",
                    "failed",
                    "expected output containing '4.'",
                    cell.code_span,
                    0.25,
                    "expected: 4.\n  actual: 5.",
                )
                checks.append(Check("verify read-grad", "skipped", "torch is not installed"))
            result[lesson.path] = checks
        return result

    module.execute_lessons = execute_lessons  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "engine.execution.validate", module)
    monkeypatch.setattr(validate_cmd, "execution_available", lambda: True)


def test_execution_hook_runs_lessons_that_passed_the_schema(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[Any] = []
    _fake_execution(monkeypatch, calls)
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\ntitle: X\nblocks: []\n")
    status, out, _ = run(capsys, "-j", "3", str(PROJECT), str(broken))
    assert calls == [(["every-key", "minimal"], 3)]
    assert status == 1
    every = PROJECT / "lessons" / "demo" / "every-key.yaml"
    assert out.splitlines() == [
        f"{every}:22:7: cell 2: expected output containing '4.'",
        "    expected: 4.",
        "      actual: 5.",
        f"{broken}:3:9: blocks: needs at least 1 block, found 0",
        "5 files, 2 lessons, 7 cells, 5 questions, 1 verification: 2 problems in 2 files, "
        "1 skipped",
    ]
    status, out, _ = run(capsys, "-v", str(PROJECT))
    assert f"{every}:1:1: skipped: verify read-grad: torch is not installed" in out


def test_json_report(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BROKEN)
    status, out, _ = run(
        capsys, "--no-exec", "--format", "json", "xref-quiz-refs", "schema-two-correct.yaml"
    )
    assert status == 1
    report = json.loads(out)
    assert report["version"] == 1 and report["ok"] is False and report["executed"] is False
    assert report["summary"] == {
        "files": 5,
        "lessons": 2,
        "cells": 0,
        "questions": 7,
        "verifications": 0,
        "problems": 5,
        "warnings": 0,
        "deselected": 0,
    }
    by_path = {f["path"]: f for f in report["files"]}
    quiz = by_path["xref-quiz-refs/quizzes/review.yaml"]
    assert quiz["kind"] == "quiz" and quiz["ok"] is False
    names = [(c["name"], c["status"]) for c in quiz["checks"]]
    assert ("ref basics/gradients#read-grad", "passed") in names
    assert ("ref basics/gradients#read-gard", "failed") in names
    failed = next(c for c in quiz["checks"] if c["name"] == "ref basics/autograd#read-grad")
    assert (failed["file"], failed["line"], failed["col"]) == (
        "xref-quiz-refs/quizzes/review.yaml",
        7,
        10,
    )
    lesson = by_path["xref-quiz-refs/lessons/basics/gradients.yaml"]
    assert [(c["name"], c["status"]) for c in lesson["checks"]] == [
        ("schema", "passed"),
        ("question read-grad", "passed"),
    ]
    single = by_path["schema-two-correct.yaml"]
    assert single["checks"][0]["message"].startswith("choices: a single-answer question")


def test_junit_report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[Any] = []
    _fake_execution(monkeypatch, calls)
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"id: Bad\ntitle: x\nblocks: 3\n")
    junit = tmp_path / "report.xml"
    status, _, _ = run(capsys, "--junit", str(junit), str(PROJECT), str(bad))
    assert status == 1
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    every = suites[str(PROJECT / "lessons" / "demo" / "every-key.yaml")]
    cases = {c.get("name"): c for c in every.findall("testcase")}
    assert {
        "schema",
        "question read-grad",
        "question which-tensors",
        "cell 1",
        "cell 2",
        "verify read-grad",
    } <= set(cases)
    failure = cases["cell 2"].find("failure")
    assert failure is not None and failure.get("message") == "expected output containing '4.'"
    assert "actual: 5." in (failure.text or "")
    assert cases["verify read-grad"].find("skipped") is not None
    assert cases["schema"].find("failure") is None
    assert every.get("tests") == str(len(cases)) and every.get("failures") == "1"
    assert every.get("skipped") == "1"
    broken = suites[str(bad)]
    schema_cases = broken.findall("testcase")
    assert [c.get("name") for c in schema_cases] == ["schema"]
    failure = schema_cases[0].find("failure")
    assert failure is not None and failure.get("message", "").startswith("2 problems")
    assert len((failure.text or "").splitlines()) == 2
    assert root.get("failures") == "2"


def test_junit_unwritable(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(
        capsys, "--no-exec", "--junit", str(tmp_path / "no" / "r.xml"), str(PROJECT)
    )
    assert status == 2 and "--junit" in err


def test_discovery_rules(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    (project / ".github").mkdir()
    (project / ".github" / "ci.yaml").write_text("on: push\n")
    (project / "docker-compose.yml").write_text("services: {}\n")
    targets = discover([project])
    assert [p.name for p in targets.courses] == ["demo"]
    assert [p.name for p in targets.files] == ["review.yaml"]
    # a course.yaml means its folder; a lesson inside a checked course folder is not repeated
    course_file = project / "lessons" / "demo" / "course.yaml"
    lesson = project / "lessons" / "demo" / "minimal.yaml"
    targets = discover([course_file, lesson, project / "lessons" / "demo"])
    assert len(targets.courses) == 1 and targets.files == []
    # a plain folder is searched recursively, skipping hidden folders and virtualenvs
    plain = tmp_path / "plain"
    (plain / "sub").mkdir(parents=True)
    (plain / ".hidden").mkdir()
    (plain / "venv").mkdir()
    for path in (
        plain / "a.yaml",
        plain / "sub" / "b.yml",
        plain / ".hidden" / "c.yaml",
        plain / "venv" / "d.yaml",
        plain / "e.txt",
    ):
        path.write_text("x: 1\n")
    targets = discover([plain, tmp_path / "missing"])
    assert [p.name for p in targets.files] == ["a.yaml", "b.yml"]
    assert targets.missing == [str(tmp_path / "missing")]


def test_lessons_option_resolves_refs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    quiz = tmp_path / "q.yaml"
    quiz.write_text("id: q\ntitle: Q\nquestions:\n  - ref: demo/every-key#read-grad\n")
    status, out, _ = run(capsys, "--no-exec", str(quiz))
    assert status == 1 and "pass --lessons DIR" in out
    status, out, _ = run(capsys, "--no-exec", "--lessons", str(PROJECT / "lessons"), str(quiz))
    assert status == 0, out


def test_junit_survives_control_characters() -> None:
    from engine.validation import junit
    from engine.validation.report import FileReport, ValidationReport

    report = ValidationReport(
        [
            FileReport(
                "a\x01.yaml",
                "lesson",
                [Check("cell 1", "failed", "printed \x00\x1b[1m", None, 0.1, "out: \x07")],
            )
        ]
    )
    root = ET.fromstring(junit.to_xml(report))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and "\ufffd" in failure.get("message", "")


def test_text_report_never_sends_control_characters_to_the_terminal() -> None:
    """A cell can print ESC sequences (clear screen, OSC 52 clipboard writes); the report shows
    them as visible stand-ins instead of letting them drive the author's terminal."""
    from engine.validation import text
    from engine.validation.report import FileReport, ValidationReport

    report = ValidationReport(
        [
            FileReport(
                "a\x1b]0;x\x07.yaml",
                "lesson",
                [
                    Check(
                        "cell 1",
                        "failed",
                        "printed \x1b[2J",
                        None,
                        0.1,
                        "--- expected\n+++ actual\n-red\n+\x1b[31mred\x9b\r",
                    )
                ],
            )
        ]
    )
    out = text.render(report)
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0 for c in out), repr(out)
    assert "␛[2J" in out and "␛[31mred" in out


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no named pipes here")
def test_a_pipe_given_by_name_is_a_located_problem_not_a_missing_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import os

    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    status, out, err = run(capsys, "--no-exec", str(pipe))
    assert status == 1 and err == ""
    assert out.startswith(f"{pipe}:1:1: not a regular file")


def test_a_skipped_check_says_skipped_once() -> None:
    from engine.validation import text
    from engine.validation.report import FileReport

    report = FileReport(
        "a.yaml",
        "lesson",
        [Check("cell 1", "skipped", "skipped: the lesson requires the module x", None)],
    )
    assert text.check_line(report, report.checks[0]) == (
        "a.yaml:1:1: skipped: cell 1: the lesson requires the module x"
    )


def test_lessons_option_given_a_course_folder_says_which_folder_it_wants(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    quiz = tmp_path / "q.yaml"
    quiz.write_text("id: q\ntitle: Q\nquestions:\n  - ref: demo/every-key#read-grad\n")
    course = PROJECT / "lessons" / "demo"
    status, out, _ = run(capsys, "--no-exec", "--lessons", str(course), str(quiz))
    assert status == 1
    assert (
        f"{course} is a course folder; --lessons wants the folder holding course folders "
        f"({course.parent})"
    ) in out


def test_a_second_course_file_is_a_counted_course_file(capsys: pytest.CaptureFixture[str]) -> None:
    case = BROKEN / "xref-two-course-files"
    status, out, _ = run(capsys, "--no-exec", "--format", "json", str(case))
    data = json.loads(out)
    assert status == 1 and data["summary"]["files"] == len(data["files"]) == 4
    (extra,) = [f for f in data["files"] if f["path"].endswith("course.yml")]
    assert extra["kind"] == "course" and not extra["ok"]


def test_validate_builds_only_its_own_parser(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`lectio validate` describes no other command (issue 15): the parsers of the other
    twelve were built before its fork server could start importing torch."""
    import engine.cli as cli

    built: list[tuple[str, ...]] = []
    full = cli.build_parser

    def recording(commands: Any = cli.COMMANDS) -> Any:
        built.append(tuple(commands))
        return full(commands)

    monkeypatch.setattr(cli, "build_parser", recording)
    status, out, _ = run(capsys, "--no-exec", str(PROJECT))
    assert status == 0 and "no problems" in out
    assert built == [("validate",)]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_alone_is_parsed_and_helped_as_among_every_command(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """A command's parser built alone gives the same help, errors and arguments as the parser
    of every command (argparse names the command in them, never its siblings)."""
    from engine.cli import build_parser

    bad = [[command, "--help"], [command, "--bogus"]]
    if command == "validate":
        bad += [["validate", "-j"], ["validate", "--jobs", "0", "x"], ["validate", "--format"]]
    outputs: list[object] = []
    for parser in (build_parser(), build_parser((command,))):
        for argv in bad:
            with pytest.raises(SystemExit) as info:
                parser.parse_args(argv)
            outputs.append((info.value.code, capsys.readouterr()))
    assert outputs[: len(bad)] == outputs[len(bad) :]
    assert f"usage: lectio {command}" in str(outputs[0])
    if command == "validate":
        argv = ["validate", "-j", "2", "--format", "json", "-k", "a and b", "x", "y"]
        assert vars(build_parser().parse_args(argv)) == vars(
            build_parser(("validate",)).parse_args(argv)
        )
