"""JSON Schema of lesson, course and quiz files, for editors (YAML language server) and tools.

Generated from the pydantic models, so it cannot drift from what the loader accepts, then
adjusted where the models' input is looser than their Python types: ``expect`` also accepts a
string, ``hint`` a single string, and a block is exactly one of five kinds (a ``oneOf`` in which
each kind requires its own key and forbids the others'). Descriptions come from the models'
attribute docstrings. Rules a schema cannot express (a cell's Python syntax, a valid regular
expression, the number of correct choices, cross-references) are left to ``lectio validate``.

The schema declares draft-07, which editors support best; it uses nothing newer.
"""

from __future__ import annotations

import ast
import copy
import inspect
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from engine.format import models
from engine.format.models import (
    BLOCK_KINDS,
    EXPECT_KEYS,
    NORMALIZE_NAMES,
    Course,
    DottedName,
    Lesson,
    Quiz,
)

SchemaKind = Literal["lesson", "course", "quiz", "all"]
KINDS: tuple[SchemaKind, ...] = ("lesson", "course", "quiz", "all")
DRAFT = "http://json-schema.org/draft-07/schema#"
_ROOTS = {"lesson": "Lesson", "course": "Course", "quiz": "Quiz"}
_BLOCK_MODELS = (
    "TextBlock",
    "NoteBlock",
    "CodeBlock",
    "GraphBlock",
    "QuestionBlock",
    "FigureBlock",
)
DOTTED = DottedName.pattern
IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"


def _attribute_docstrings() -> dict[str, dict[str, str]]:
    """Per model class of :mod:`engine.format.models`: field name -> the docstring written
    under it (the string statement right after the annotated assignment)."""
    found: dict[str, dict[str, str]] = {}
    try:
        source = inspect.getsource(models)
    except (OSError, TypeError):  # no source shipped: a schema without field descriptions
        return found
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        docs = found.setdefault(node.name, {})
        for stmt, following in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                docs[stmt.target.id] = inspect.cleandoc(following.value.value)
    return found


def _describe_fields() -> None:
    """Give the models' fields their attribute docstrings as descriptions, once, in the
    process that generates a schema. The models do not set ``use_attribute_docstrings``:
    pydantic finds each class's source at class creation for it, a fifth of the time to import
    the models, paid by every ``lectio open`` for text only the schema shows. Models are
    rebuilt in definition order (a model's fields before the models that contain it)."""
    docs = _attribute_docstrings()
    classes = [
        cls
        for cls in vars(models).values()
        if isinstance(cls, type) and issubclass(cls, BaseModel) and cls.__name__ in docs
    ]
    classes.sort(key=lambda cls: inspect.getsourcelines(cls)[1])  # found in the source above
    for cls in classes:
        for name, field in cls.model_fields.items():
            if field.description is not None:
                continue
            for base in cls.__mro__:  # an inherited field is documented where it is declared
                text = docs.get(base.__name__, {}).get(name)
                if text is not None:
                    field.description = text
                    break
        cls.model_rebuild(force=True)


def _defs() -> dict[str, Any]:
    if "described" not in _CACHE:
        _describe_fields()
        _CACHE["described"] = True
    _, schema = models_json_schema(
        [(Lesson, "validation"), (Course, "validation"), (Quiz, "validation")],
        ref_template="#/$defs/{model}",
    )
    defs: dict[str, Any] = schema["$defs"]
    defs.pop("_TwoKinds", None)
    for definition in defs.values():
        _tidy(definition)

    code = defs["CodeBlock"]["properties"]
    code["expect"] = {
        "description": code["expect"].get("description", ""),
        "anyOf": [
            {"type": "string"},
            {"type": "number"},
            {"$ref": "#/$defs/ExpectSpec"},
            {"type": "null"},
        ],
    }
    expect = defs["ExpectSpec"]
    expect["minProperties"] = 1
    # At most one of the keys saying what the output must be; stderr and figures go beside it.
    expect["not"] = {
        "anyOf": [
            {"required": [a, b]} for i, a in enumerate(EXPECT_KEYS) for b in EXPECT_KEYS[i + 1 :]
        ]
    }
    for key in (*EXPECT_KEYS, "stderr"):  # null means "not given"; an author never writes it
        prop = expect["properties"][key]
        expect["properties"][key] = {
            "description": prop.get("description", ""),
            "type": ["string", "number"],
        }
    figures = expect["properties"]["figures"]
    expect["properties"]["figures"] = {
        "description": figures.get("description", ""),
        "type": "integer",
        "minimum": 0,
        "maximum": 1000,
    }
    normalize = {
        "type": "array",
        "items": {
            "anyOf": [
                {"type": "string", "enum": list(NORMALIZE_NAMES)},
                {"$ref": "#/$defs/NormalizeRule"},
            ]
        },
    }
    for owner in ("CodeBlock", "Lesson", "Course"):
        prop = defs[owner]["properties"]["normalize"]
        defs[owner]["properties"]["normalize"] = {
            "description": prop.get("description", ""),
            **normalize,
        }

    # Rules the models check in Python, expressed as patterns so editors flag them too.
    expect["properties"]["raises"].update({"type": "string", "pattern": DOTTED})
    defs["Lesson"]["properties"]["requires"]["items"]["pattern"] = DOTTED
    defs["CodeBlock"]["properties"]["requires"]["items"]["pattern"] = DOTTED
    defs["GraphBlock"]["properties"]["graph"]["pattern"] = IDENTIFIER
    code["code"]["minLength"] = 1

    question = defs["QuestionBlock"]["properties"]
    question["hint"] = {
        "description": question["hint"].get("description", ""),
        "anyOf": [
            {"type": "string", "minLength": 1},
            {"type": "array", "items": {"type": "string", "minLength": 1}},
        ],
    }
    blocks = defs["Lesson"]["properties"]["blocks"]
    blocks["items"] = {"oneOf": [{"$ref": f"#/$defs/{name}"} for name in _BLOCK_MODELS]}
    # Each block kind requires its own key; additionalProperties: false already forbids the
    # others, so exactly one branch of the oneOf can match.
    for name, kind in zip(_BLOCK_MODELS, BLOCK_KINDS, strict=True):
        assert kind in defs[name]["required"], (name, kind)
    return defs


def _tidy(node: Any) -> None:
    """Drop pydantic's generated titles of properties and flatten docstring line breaks."""
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            for prop in props.values():
                if isinstance(prop, dict):
                    prop.pop("title", None)
        if isinstance(node.get("description"), str):
            node["description"] = " ".join(node["description"].split())
        for value in node.values():
            _tidy(value)
    elif isinstance(node, list):
        for item in node:
            _tidy(item)


_CACHE: dict[str, Any] = {}


def json_schema(kind: SchemaKind = "all") -> dict[str, Any]:
    """The JSON Schema of one kind of file, or of any lectio file (``all``)."""
    if "defs" not in _CACHE:
        _CACHE["defs"] = _defs()
    defs = copy.deepcopy(_CACHE["defs"])
    if kind == "all":
        body: dict[str, Any] = {
            "title": "lectio file (lesson, course or quiz)",
            "description": "A lesson has blocks:, a course has sections:, a quiz has "
            "questions:. See docs/lesson-format.md.",
            "if": {"required": ["sections"]},
            "then": {"$ref": "#/$defs/Course"},
            "else": {
                "if": {"required": ["questions"], "not": {"required": ["blocks"]}},
                "then": {"$ref": "#/$defs/Quiz"},
                "else": {"$ref": "#/$defs/Lesson"},
            },
        }
    else:
        root = defs.pop(_ROOTS[kind])
        body = {**root, "title": f"lectio {kind} file"}
        body["description"] = f"{root.get('description', '')} See docs/lesson-format.md."
        _retarget(body, _ROOTS[kind])
        _retarget(defs, _ROOTS[kind])
    return {
        "$schema": DRAFT,
        "$id": f"https://lectio.invalid/schema/{kind}.json",
        **body,
        "$defs": _reachable(body, defs),
    }


def _reachable(body: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Only the definitions the document uses, in a stable (sorted) order."""
    keep: set[str] = set()
    todo: list[Any] = [body]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                name = ref.removeprefix("#/$defs/")
                if name not in keep:
                    keep.add(name)
                    todo.append(defs[name])
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return {name: defs[name] for name in sorted(keep)}


def _retarget(node: Any, name: str) -> None:
    """Point references to the root model (now the document itself) at ``#``."""
    if isinstance(node, dict):
        if node.get("$ref") == f"#/$defs/{name}":
            node["$ref"] = "#"
        for value in node.values():
            _retarget(value, name)
    elif isinstance(node, list):
        for item in node:
            _retarget(item, name)
