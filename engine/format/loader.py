"""Load lesson, course and quiz files into models, or report every problem with its position."""

from __future__ import annotations

import os
import stat
from pathlib import Path as FsPath
from typing import Any, Literal, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from engine.format.messages import translate
from engine.format.models import (
    CodeBlock,
    Course,
    Lesson,
    Node,
    QuestionBlock,
    Quiz,
    set_location,
)
from engine.format.problems import LoadError, Problem
from engine.format.spans import Path, Span, SpanMap
from engine.format.yamlsafe import MAX_BYTES, read_yaml

Kind = Literal["lesson", "course", "quiz"]
Document = Lesson | Course | Quiz
M = TypeVar("M", Lesson, Course, Quiz)

_MODELS: dict[Kind, type[Lesson] | type[Course] | type[Quiz]] = {
    "lesson": Lesson,
    "course": Course,
    "quiz": Quiz,
}


def guess_kind(path: FsPath, data: Any = None) -> Kind:
    """What a file is meant to be: by its top-level keys, then by its name and folder."""
    if isinstance(data, dict):
        if "blocks" in data:
            return "lesson"
        if "sections" in data:
            return "course"
        if "questions" in data:
            return "quiz"
    if path.name in {"course.yaml", "course.yml"}:
        return "course"
    if "quizzes" in path.parts:
        return "quiz"
    return "lesson"


def read_bytes(path: FsPath) -> bytes:
    """The bytes of a lesson file, refusing what is not a regular file without blocking (a
    FIFO would wait for a writer forever, ``/dev/zero`` never ends) and reading at most one
    byte past the size limit (the YAML reader refuses the rest)."""

    def problem(message: str) -> LoadError:
        return LoadError([Problem(Span(str(path), 1, 1), message, "file")])

    try:
        if path.is_dir():
            raise problem("is a folder, not a file")
        # O_NONBLOCK: opening a FIFO does not wait for a writer; no effect on regular files.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise problem(
                    "not a regular file (a pipe or a device?); lectio reads lesson files only"
                )
            if info.st_size > MAX_BYTES:
                raise problem(
                    f"the file is {info.st_size:,} bytes; lesson files are limited to {MAX_BYTES:,}"
                )
            return fh.read(MAX_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise problem(f"cannot read the file: {reason}") from None


def parse(data: bytes, file: str, kind: Kind | None = None) -> Document:
    """Parse YAML bytes into the model for ``kind`` (guessed when None)."""
    doc, problems = parse_document(data, file, kind)
    if problems:
        raise LoadError(problems)
    return doc


def parse_document(
    data: bytes, file: str, kind: Kind | None = None
) -> tuple[Document, list[Problem]]:
    """Like :func:`parse`, but a document whose only problems are repeated ids is returned
    with them, so a validator can go on to check its refs and report everything at once.
    Raises :class:`LoadError` when the document could not be built at all."""
    value, spans = read_yaml(data, file)
    if kind is None:
        kind = guess_kind(FsPath(file), value)
    model = _MODELS[kind]
    if not isinstance(value, dict):
        raise LoadError(
            [
                Problem(
                    spans.value(()),
                    f"a {kind} file must be a mapping of keys "
                    f"(such as 'id: ...' and 'title: ...'), found {_what(value)}",
                )
            ]
        )
    try:
        doc = model.model_validate(value)
    except ValidationError as exc:
        raise LoadError(translate(exc, value, spans, model)) from None
    attach_spans(doc, (), spans)
    return doc, _check_ids(doc)


def load(path: str | FsPath, kind: Kind | None = None) -> Document:
    """Load any lectio file; raise :class:`LoadError` listing every problem found."""
    path = FsPath(path)
    return parse(read_bytes(path), str(path), kind)


def _load_as(path: str | FsPath, model: type[M]) -> M:
    kind: Kind = "lesson" if model is Lesson else "course" if model is Course else "quiz"
    doc = load(path, kind)
    assert isinstance(doc, model)
    return doc


def load_lesson(path: str | FsPath) -> Lesson:
    return _load_as(path, Lesson)


def load_course_file(path: str | FsPath) -> Course:
    return _load_as(path, Course)


def load_quiz(path: str | FsPath) -> Quiz:
    return _load_as(path, Quiz)


def _what(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "plain text"
    if value is None:
        return "nothing"
    return f"a {type(value).__name__}"


_FIELD_KEYS: dict[type[BaseModel], list[tuple[str, str]]] = {}


def _holds_models(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_models(arg) for arg in get_args(annotation))


def _field_keys(cls: type[BaseModel]) -> list[tuple[str, str]]:
    """(attribute, YAML key) of the fields of a model that can hold other models, computed
    once per class: most fields are text or numbers and need no visit."""
    keys = _FIELD_KEYS.get(cls)
    if keys is None:
        keys = _FIELD_KEYS[cls] = [
            (n, f.alias or n) for n, f in cls.model_fields.items() if _holds_models(f.annotation)
        ]
    return keys


def attach_spans(node: BaseModel, path: Path, spans: SpanMap) -> None:
    """Give every model node its position (see :func:`models.set_location`)."""
    if isinstance(node, Node):
        set_location(node, spans, path)
    values = node.__dict__
    for name, key in _field_keys(type(node)):
        value = values[name]
        if isinstance(value, BaseModel):
            attach_spans(value, (*path, key), spans)
        elif type(value) is list:  # a normalize list mixes names and rule mappings
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    attach_spans(item, (*path, key, i), spans)


def _check_ids(doc: Document) -> list[Problem]:
    """Ids must be unique within a lesson (blocks) and a quiz (inline questions, refs)."""
    items: list[tuple[str, Node, str]] = []
    if isinstance(doc, Lesson):
        for block in doc.blocks:
            if isinstance(block, CodeBlock | QuestionBlock) and block.id:
                items.append((block.id, block, "id"))
    elif isinstance(doc, Quiz):
        for q in doc.questions:
            if isinstance(q, QuestionBlock):
                items.append((q.id, q, "id"))
            else:
                items.append((q.ref, q, "ref"))
    if len({ident for ident, _, _ in items}) == len(items):
        return []  # the usual case; positions are looked up only when needed
    problems: list[Problem] = []
    seen: dict[str, Span] = {}
    for ident, node, key in items:
        span = node.span_of(key)
        if ident in seen:
            what = f"ref {ident!r} is" if "#" in ident else f"id {ident!r} is"
            problems.append(Problem(span, f"{what} used twice (first on line {seen[ident].line})"))
        else:
            seen[ident] = span
    return problems
