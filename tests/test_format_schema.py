"""`lectio schema`: an accurate JSON Schema for editors, tested against real files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.cli import main
from engine.format.schema_json import KINDS, SchemaKind, json_schema

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).parent.parent
VALID = Path(__file__).parent / "data" / "valid"
BROKEN = Path(__file__).parent / "data" / "broken"
EXAMPLES = sorted(
    [*ROOT.glob("lessons/**/*.yaml"), *ROOT.glob("quizzes/**/*.yaml"), *VALID.rglob("*.yaml")]
)


def validator(kind: SchemaKind = "all") -> Any:
    schema = json_schema(kind)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_validate_against_the_schema(path: Path) -> None:
    data = yaml.safe_load(path.read_bytes())
    errors = [e.message for e in validator().iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize(
    "case",
    [
        "schema-unknown-key-typo",
        "schema-two-kinds",
        "schema-no-kind",
        "schema-one-choice",
        "schema-bad-slug",
        "schema-timeout-negative",
        "schema-expect-two-keys",
        "schema-expect-unknown-key",
        "schema-hint-mapping",
        "schema-note-kind",
        "quiz-pass-too-high",
        "quiz-item-neither",
        "schema-missing-id",
        "schema-blocks-empty",
        "schema-expect-empty-mapping",
        "schema-bad-exception-name",
        "schema-requires-bad",
        "schema-graph-not-name",
        "schema-code-empty",
        "schema-timeout-bool",
        "quiz-pick-zero",
        "schema-bad-language",
        "schema-choice-is-text",
        "schema-figure-no-alt",
        "schema-normalize-unknown",
        "schema-normalize-bad-item",
        "schema-expect-figures-negative",
        "schema-requires-cell-bad",
    ],
)
def test_schema_rejects_what_the_loader_rejects(case: str) -> None:
    data = yaml.safe_load((BROKEN / f"{case}.yaml").read_bytes())
    assert list(validator().iter_errors(data)), case


def test_each_kind_picks_its_own_schema() -> None:
    lesson = {"id": "a", "title": "A", "blocks": [{"text": "x"}]}
    course = {"id": "c", "title": "C", "sections": [{"title": "S", "lessons": ["a"]}]}
    quiz = {"id": "q", "title": "Q", "questions": [{"ref": "c/a#b"}]}
    assert not list(validator("lesson").iter_errors(lesson))
    assert not list(validator("course").iter_errors(course))
    assert not list(validator("quiz").iter_errors(quiz))
    assert list(validator("lesson").iter_errors(course))
    assert list(validator("quiz").iter_errors(lesson))
    for doc in (lesson, course, quiz):
        assert not list(validator("all").iter_errors(doc))


@pytest.mark.parametrize(
    ("expect", "ok"),
    [
        ("text", True),
        (42, True),
        ({"contains": "x"}, True),
        ({"raises": "E"}, True),
        ({"stdout": "a", "contains": "b"}, False),
        ({}, False),
        ([1], False),
        (True, False),
    ],
)
def test_expect_is_a_string_or_one_key_mapping(expect: Any, ok: bool) -> None:
    lesson = {"id": "a", "title": "A", "blocks": [{"code": "x", "expect": expect}]}
    assert (not list(validator("lesson").iter_errors(lesson))) is ok


@pytest.mark.parametrize(
    ("hint", "ok"), [("one", True), (["a", "b"], True), ({"a": 1}, False), ([["a"]], False)]
)
def test_hint_is_a_string_or_a_list(hint: Any, ok: bool) -> None:
    question = {
        "question": "q",
        "id": "q",
        "hint": hint,
        "choices": [{"text": "a", "correct": True}, {"text": "b"}],
    }
    lesson = {"id": "a", "title": "A", "blocks": [question]}
    assert (not list(validator("lesson").iter_errors(lesson))) is ok


def test_blocks_are_a_one_of_by_kind() -> None:
    schema = json_schema("lesson")
    branches = schema["properties"]["blocks"]["items"]["oneOf"]
    names = [b["$ref"].rsplit("/", 1)[1] for b in branches]
    assert names == [
        "TextBlock",
        "NoteBlock",
        "CodeBlock",
        "GraphBlock",
        "QuestionBlock",
        "FigureBlock",
    ]
    kinds = ["text", "note", "code", "graph", "question", "figure"]
    for name, kind in zip(names, kinds, strict=True):
        assert kind in schema["$defs"][name]["required"]
        assert schema["$defs"][name]["additionalProperties"] is False


def _properties(node: Any) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for name, value in (node.get("properties") or {}).items():
            found.append((name, value))
        for value in node.values():
            found += _properties(value)
    elif isinstance(node, list):
        for item in node:
            found += _properties(item)
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_every_key_has_a_description(kind: SchemaKind) -> None:
    props = _properties(json_schema(kind))
    assert props
    missing = [name for name, value in props if not value.get("description")]
    assert missing == []


def test_cli_prints_and_writes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["schema", "quiz"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json_schema("quiz")
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json_schema("all")
    out = tmp_path / "lesson.json"
    assert main(["schema", "lesson", "-o", str(out)]) == 0
    assert json.loads(out.read_text()) == json_schema("lesson")
    assert main(["schema", "lesson", "-o", str(tmp_path / "no" / "such" / "x.json")]) == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["schema", "lessons"])
    assert exit_info.value.code == 2


def test_shipped_schema_is_current() -> None:
    """docs/schema/lectio.schema.json is what editors point at; regenerate it with
    `lectio schema -o docs/schema/lectio.schema.json` when the models change."""
    shipped = json.loads((ROOT / "docs" / "schema" / "lectio.schema.json").read_text("utf-8"))
    assert shipped == json_schema("all")
