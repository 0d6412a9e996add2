"""`lectio validate` for CI: JUnit families (one valid against Jenkins' junit-10.xsd), GitHub
workflow-command annotations, GitLab Code Quality JSON, and `-k` selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.format.spans import Span
from engine.validation import ci, junit
from engine.validation.report import Check, FileReport, ValidationReport
from engine.validation.select import ExpressionError, parse

DATA = Path(__file__).parent / "data"
XSD = DATA / "junit" / "junit-10.xsd"
PROJECT = DATA / "valid" / "project"
BROKEN = DATA / "broken"
lxml_etree = pytest.importorskip("lxml.etree")


def _report() -> ValidationReport:
    """Every kind of check: passed, failed (with a multi-line detail), error, skipped, and a
    message holding what GitHub's command syntax and XML must escape."""
    report = ValidationReport(executed=True)
    lesson = FileReport("lessons/c/a,b.yaml", "lesson")
    lesson.checks = [
        Check("schema", "passed", span=Span("lessons/c/a,b.yaml", 1, 1)),
        Check(
            "cell make-x",
            "failed",
            "expected 100% of: 'a'",
            Span("lessons/c/a,b.yaml", 12, 7),
            0.25,
            "expected: a\n  actual: b\r",
        ),
        Check("cell 2", "error", "crashed: killed by signal 9", Span("lessons/c/a,b.yaml", 20, 5)),
        Check("verify q", "skipped", "skipped: torch is not installed"),
    ]
    quiz = FileReport("quizzes/q.yaml", "quiz")
    quiz.checks = [Check("ref c/a#q", "passed", span=Span("quizzes/q.yaml", 3, 10))]
    report.files = [lesson, quiz]
    report.counts.files = 2
    return report


def _schema() -> object:
    return lxml_etree.XMLSchema(lxml_etree.parse(str(XSD)))


def test_xunit2_is_valid_against_jenkins_junit_10_xsd() -> None:
    schema = _schema()
    document = lxml_etree.fromstring(junit.to_xml(_report(), "xunit2").encode("utf-8"))
    assert schema.validate(document), schema.error_log  # type: ignore[attr-defined]
    suite = document.find("testsuite")
    assert suite.get("file") == "lessons/c/a,b.yaml"
    failure = suite.find("testcase[@name='cell make-x']/failure")
    assert "lessons/c/a,b.yaml:12:7" in failure.text  # the line is kept in the text


def test_xunit1_default_is_richer_and_not_valid_against_the_strict_schema() -> None:
    schema = _schema()
    text = junit.to_xml(_report())
    document = lxml_etree.fromstring(text.encode("utf-8"))
    assert not schema.validate(document)  # type: ignore[attr-defined]
    errors = " ".join(str(e.message) for e in schema.error_log)  # type: ignore[attr-defined]
    assert "'file'" in errors or "'line'" in errors or "'skipped'" in errors
    case = document.find("testsuite/testcase[@name='cell make-x']")
    assert (case.get("file"), case.get("line")) == ("lessons/c/a,b.yaml", "12")
    assert document.get("skipped") == "1"


def test_junit_family_flag(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "r.xml"
    bad = BROKEN / "schema-two-correct.yaml"
    status = main(
        ["validate", "--no-exec", "--junit", str(out), "--junit-family", "xunit2", str(bad)]
    )
    capsys.readouterr()
    assert status == 1
    schema = _schema()
    assert schema.validate(lxml_etree.parse(str(out)))  # type: ignore[attr-defined]
    with pytest.raises(SystemExit):
        main(["validate", "--junit-family", "xunit9", str(bad)])
    capsys.readouterr()


def test_github_annotations_escape_per_the_toolkit_rules() -> None:
    lines = ci.render_github(_report()).splitlines()
    assert lines[0] == (
        "::error title=lectio (cell make-x),file=lessons/c/a%2Cb.yaml,line=12,col=7::"
        "lessons/c/a,b.yaml:12:7: cell make-x: expected 100%25 of: 'a'"
        "%0Aexpected: a%0A  actual: b␍"
    )
    assert lines[1].startswith(
        "::error title=lectio (cell 2),file=lessons/c/a%2Cb.yaml,line=20,col=5::"
    )
    assert lines[2].startswith("2 files")  # the summary ends the run; no notice without -v
    assert len(lines) == 3
    verbose = ci.render_github(_report(), verbose=True).splitlines()
    assert verbose[0].startswith("::notice title=lectio (verify q),file=")


def test_gitlab_code_quality() -> None:
    issues = json.loads(ci.render_gitlab(_report()))
    assert [i["check_name"] for i in issues] == ["cell make-x", "cell 2"]
    first = issues[0]
    assert first["description"] == "cell make-x: expected 100% of: 'a'"
    assert first["severity"] == "major" and issues[1]["severity"] == "critical"
    assert first["location"] == {"path": "lessons/c/a,b.yaml", "lines": {"begin": 12}}
    assert len(first["fingerprint"]) == 64
    again = json.loads(ci.render_gitlab(_report()))
    assert [i["fingerprint"] for i in again] == [i["fingerprint"] for i in issues]
    assert len({i["fingerprint"] for i in issues}) == 2


def test_formats_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    bad = str(BROKEN / "schema-two-correct.yaml")
    assert main(["validate", "--no-exec", "--format", "github", bad]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"::error title=lectio (schema),file={bad},line=")
    assert main(["validate", "--no-exec", "--format", "gitlab", bad]) == 1
    issues = json.loads(capsys.readouterr().out)
    assert issues[0]["location"]["path"] == bad and issues[0]["severity"] == "major"
    assert main(["validate", "--no-exec", "--format", "gitlab", str(PROJECT)]) == 0
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize(
    ("expression", "names", "expected"),
    [
        ("grad", ["question read-grad"], True),
        ("GRAD", ["question read-grad"], True),
        ("not grad", ["question read-grad"], False),
        ("cell and not verify", ["cell 2", "gradients"], True),
        ("cell and (verify or graph)", ["cell 2"], False),
        ("cell[make-x]", ["cell[make-x]"], True),
        ("a or b and c", ["a"], True),
        ("(a or b) and c", ["a"], False),
        ("not not a", ["a"], True),
    ],
)
def test_keyword_expressions(expression: str, names: list[str], expected: bool) -> None:
    assert parse(expression).matches(names) is expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("", "the expression is empty"),
        ("a and", "the expression ends where a name or '(' was expected"),
        ("(a", "at the end: expected ')'"),
        ("a b", "column 3: unexpected 'b'"),
        ("a or )", "column 6: expected a name or '(', found ')'"),
        ("a = b", "column 3: unexpected character '='"),
    ],
)
def test_bad_keyword_expressions(expression: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(expression)
    assert str(info.value) == message


def test_k_selects_checks_and_says_how_many_were_left_out(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["validate", "--no-exec", "--format", "json", "-k", "which and not ref", str(PROJECT)]
    status = main(args)
    report = json.loads(capsys.readouterr().out)
    assert status == 0
    checks = [(Path(f["path"]).name, c["name"]) for f in report["files"] for c in f["checks"]]
    assert report["summary"]["deselected"] == 8
    assert checks == [
        ("every-key.yaml", "question which-tensors"),
        ("review.yaml", "question which-call"),
    ]
    main(["validate", "--no-exec", "-k", "minimal", str(PROJECT)])
    out = capsys.readouterr().out
    assert out.endswith("no problems (schema only; cells not run), 9 deselected\n")
    assert main(["validate", "--no-exec", "-k", "a and", str(PROJECT)]) == 2
    assert "-k 'a and': the expression ends" in capsys.readouterr().err


def test_k_runs_only_lessons_with_a_selected_cell(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys
    import types

    from engine.cli import validate_cmd

    ran: list[list[str]] = []
    module = types.ModuleType("engine.execution.validate")

    def execute_lessons(lessons: list[object], **_: object) -> dict[str, list[Check]]:
        ran.append([lesson.id for lesson in lessons])  # type: ignore[attr-defined]
        return {}

    module.execute_lessons = execute_lessons  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "engine.execution.validate", module)
    monkeypatch.setattr(validate_cmd, "execution_available", lambda: True)
    main(["validate", "-k", "cell[make-x]", str(PROJECT)])
    main(["validate", "-k", "which-tensors", str(PROJECT)])  # a question: nothing to run
    capsys.readouterr()
    assert ran == [["every-key"], []]
