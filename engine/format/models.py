"""Typed models of lesson, course and quiz files.

The format is documented for authors in docs/lesson-format.md (and, as a JSON Schema, by
``lectio schema``); the design contract these models implement is kept outside this repository.

Every model refuses unknown keys. Each node remembers the :class:`Span` it was read from
(``node.span``), so a failing cell, a wrong answer or a learner's comment can point back to the
author's YAML line. Models are frozen: a loaded lesson is a value, shared freely between the
session, the kernel driver and the front ends.
"""

from __future__ import annotations

import difflib
import keyword
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from engine.format.ipython import ipython_hint  # re-exported: models.ipython_hint
from engine.format.spans import Path, Span, SpanMap

SLUG_RE = r"^[a-z0-9][a-z0-9-]*$"
Slug = Annotated[str, Field(pattern=SLUG_RE, max_length=80)]
LANGUAGE_RE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
LanguageTag = Annotated[str, Field(pattern=LANGUAGE_RE)]


def _no_bool(value: Any) -> Any:
    """YAML reads ``yes``/``true`` as booleans, which pydantic would take as 1; a number field
    given true/false is a mistake (``timeout: yes`` is not one second)."""
    if isinstance(value, bool):
        raise PydanticCustomError(
            "number_not_bool", "expected a number, found {value}", {"value": str(value).lower()}
        )
    return value


NotBool = BeforeValidator(_no_bool)
Seconds = Annotated[float, Field(gt=0, le=3600), NotBool]
Markdown = Annotated[str, Field(min_length=1)]
DottedName = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")

BLOCK_KINDS = ("text", "note", "code", "graph", "question", "figure")
EXPECT_KEYS = ("stdout", "contains", "matches", "raises")
"""The keys of ``expect`` that say what the output must be; at most one of them is given."""
CAPABILITIES = ("cuda", "network")
"""Names in ``requires`` that are not modules: a CUDA device torch can use, the internet."""
NORMALIZE_NAMES = ("addresses", "ansi")
"""The named output rewrites of ``normalize`` (besides ``{pattern, replace}`` mappings)."""


class Node(BaseModel):
    """Base of every model: unknown keys are errors, values are frozen, the span is kept."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        coerce_numbers_to_str=True,
        str_strip_whitespace=False,
    )
    # The attribute docstrings below are field descriptions for the JSON Schema only:
    # engine/format/schema_json.py attaches them when a schema is made. Pydantic's
    # ``use_attribute_docstrings`` would read every class's source at import instead, a fifth
    # of the time to import this module, paid by every ``lectio open``.
    # Positions live in pydantic's own ``__pydantic_private__`` dict, set by the loader
    # (:func:`set_location`), rather than in declared private attributes: declared ones cost an
    # initialisation per node, which was a fifth of the time to validate a lesson.

    def _location(self) -> tuple[SpanMap, Path] | None:
        private = self.__pydantic_private__
        return None if private is None else private.get("location")

    @property
    def span(self) -> Span:
        """Where this node starts in its file (``<unknown>:1:1`` if built in code)."""
        location = self._location()
        if location is None:
            return Span("<unknown>", 1, 1)
        spans, path = location
        return spans.value(path)

    def span_of(self, *key: str | int) -> Span:
        """Where the value of one of this node's keys (or a list item below it) is written:
        ``lesson.span_of("id")``, ``section.span_of("lessons", 2)``. A block scalar (``code: |``)
        points at its first content line. Falls back to the nearest known position."""
        location = self._location()
        if location is None:
            return self.span
        spans, path = location
        return spans.value((*path, *key))

    def key_span(self, key: str) -> Span:
        """Where one of this node's keys is written (for "this key is wrong" messages)."""
        location = self._location()
        if location is None:
            return self.span
        spans, path = location
        return spans.key((*path, key))


def set_location(node: Node, spans: SpanMap, path: Path) -> None:
    """Record where ``node`` was read from (the loader calls this; frozen models allow it
    because the position is not a field)."""
    object.__setattr__(node, "__pydantic_private__", {"location": (spans, path)})


class ExpectSpec(Node):
    """The mapping form of ``expect``: at most one of stdout, contains, matches, raises,
    with stderr and figures beside it when needed."""

    stdout: str | None = None
    """The cell's whole output must equal this (trailing white space of each line ignored)."""
    contains: str | None = None
    """The cell's output must contain this text."""
    matches: str | None = None
    """A Python regular expression that must be found in the cell's output."""
    raises: str | None = None
    """The cell must raise this exception class, e.g. ZeroDivisionError."""
    stderr: str | None = None
    """The cell's standard error, alone, must equal this (trailing white space ignored); with
    it, stdout, contains and matches are compared with the standard output alone."""
    figures: Annotated[int, Field(ge=0, le=1000), NotBool] | None = None
    """The cell must produce exactly this many pictures (matplotlib figures, _repr_png_)."""

    @model_validator(mode="after")
    def _one_key(self) -> ExpectSpec:
        given = [k for k in EXPECT_KEYS if getattr(self, k) is not None]
        extra = self.stderr is not None or self.figures is not None
        if len(given) > 1 or not (given or extra):
            raise PydanticCustomError(
                "expect_keys",
                "expect: use one of stdout, contains, matches, raises (stderr and figures "
                "may go beside it); found {found}",
                {"found": ", ".join(given) or "none"},
            )
        return self

    @field_validator("matches")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise PydanticCustomError(
                    "bad_regex", "matches: not a valid regular expression: {why}", {"why": str(exc)}
                ) from None
        return value

    @field_validator("raises")
    @classmethod
    def _exception_name(cls, value: str | None) -> str | None:
        if value is not None and not DottedName.match(value):
            raise PydanticCustomError(
                "bad_exception",
                "raises: '{value}' is not an exception class name such as ZeroDivisionError",
                {"value": value},
            )
        return value

    @property
    def mode(self) -> Literal["stdout", "contains", "matches", "raises"] | None:
        """The key saying what the output must be; None when only stderr or figures is given."""
        for key in EXPECT_KEYS:
            if getattr(self, key) is not None:
                return key  # type: ignore[return-value,unused-ignore]
        return None

    @property
    def value(self) -> str:
        """The text of :attr:`mode`'s key ("" when there is none)."""
        return "" if self.mode is None else str(getattr(self, self.mode))


def _expect_before(value: Any) -> Any:
    """``expect: "text"`` is short for ``expect: {stdout: "text"}``."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return {"stdout": value}
    return value


def modules_of(requires: list[str]) -> list[str]:
    """The module names of a ``requires`` list (the capabilities left out)."""
    return [name for name in requires if name not in CAPABILITIES]


def capabilities_of(requires: list[str]) -> list[str]:
    """The capabilities (cuda, network) named in a ``requires`` list."""
    return [name for name in requires if name in CAPABILITIES]


def _check_requires(value: list[str]) -> list[str]:
    for name in value:
        if not DottedName.match(name):
            raise PydanticCustomError(
                "module_name",
                "requires: '{name}' is not a module name (or one of the capabilities {caps})",
                {"name": name, "caps": ", ".join(CAPABILITIES)},
            )
    return value


Requires = Annotated[list[str], AfterValidator(_check_requires)]


class NormalizeRule(Node):
    """A rewrite of a cell's output before it is compared: every match of ``pattern`` is
    replaced by ``replace`` (``re.sub``; ``\\1`` names a group)."""

    pattern: Annotated[str, Field(min_length=1)]
    """A Python regular expression searched in the output."""
    replace: str = ""
    """What each match becomes (default: nothing, the match is removed)."""

    @field_validator("pattern")
    @classmethod
    def _regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise PydanticCustomError(
                "bad_regex",
                "normalize: pattern: not a valid regular expression: {why}",
                {"why": str(exc)},
            ) from None
        return value

    @model_validator(mode="after")
    def _replacement(self) -> NormalizeRule:
        try:
            re.compile(self.pattern).sub(self.replace, "")
        except (re.error, IndexError) as exc:
            raise PydanticCustomError(
                "bad_regex",
                "normalize: replace: {why}",
                {"why": str(exc)},
            ) from None
        return self


def _normalize_name(value: str) -> str:
    if value not in NORMALIZE_NAMES:
        close = difflib.get_close_matches(value, NORMALIZE_NAMES, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else "the names are addresses and ansi"
        raise PydanticCustomError(
            "normalize_name",
            "normalize: unknown rewrite '{value}'; {hint} (or write a mapping "
            "{pattern: ..., replace: ...})",
            {"value": value, "hint": hint},
        )
    return value


def _normalize_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "name"
    if isinstance(value, dict | NormalizeRule):
        return "rule"
    return None


NormalizeItem = Annotated[
    Annotated[Annotated[str, AfterValidator(_normalize_name)], Tag("name")]
    | Annotated[NormalizeRule, Tag("rule")],
    Discriminator(
        _normalize_kind,
        custom_error_type="normalize_item",
        custom_error_message="normalize: an item is a name (addresses, ansi) or a mapping "
        "{pattern: ..., replace: ...}",
    ),
]
Normalize = list[NormalizeItem]


class TextBlock(Node):
    """Markdown prose."""

    text: Markdown
    """Markdown prose: paragraphs, lists, `code`, fenced code, tables."""


class NoteBlock(Node):
    """A callout: a definition, a tip, some information or a warning."""

    note: Markdown
    """The callout's text, in Markdown."""
    kind: Literal["definition", "tip", "info", "warning"] = "info"
    """How the callout looks: definition, tip, info (the default) or warning."""
    title: str | None = None
    """An optional heading for the callout."""


class CodeBlock(Node):
    """A runnable Python cell; cells of a lesson share one namespace, top to bottom. With
    ``run: false`` it is a listing: shown, never run."""

    code: str
    """The Python code of the cell; cells share one namespace and run top to bottom. For a
    run: false listing, any text in its language."""
    id: Slug | None = None
    """An optional id (lowercase letters, digits, dashes) naming the cell in reports."""
    expect: ExpectSpec | None = None
    """What the cell must print (a string: the whole output) or a mapping with one of
    stdout, contains, matches, raises, and beside it stderr and figures if needed; checked
    by lectio validate."""
    timeout: Seconds | None = None
    """Seconds the cell may run before it is stopped (overrides the lesson's timeout)."""
    hidden: bool = False
    """A setup cell: it runs, but the learner does not see it."""
    requires: Requires = Field(default_factory=list)
    """Modules this cell imports, and the capabilities cuda (a CUDA device torch can use) and
    network (the cell reaches the internet); when one is missing the cell is skipped, with the
    reason, and the cells after it still run."""
    run: bool = True
    """false: a listing, shown (highlighted, copyable) but never run nor validated."""
    language: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_+#.-]*$", max_length=40)] = (
        "python"
    )
    """The language a run: false listing is highlighted in: python (the default), bash,
    text..."""
    normalize: Normalize = Field(default_factory=list)
    """Rewrites of this cell's output before expect compares it, after the course's and the
    lesson's: addresses (0x7f3a... becomes 0x...), ansi (escape codes removed), or a mapping
    {pattern: REGEX, replace: TEXT}."""

    @property
    def required_modules(self) -> list[str]:
        """The names of ``requires`` that are modules (not the capabilities cuda, network)."""
        return modules_of(self.requires)

    @property
    def code_span(self) -> Span:
        """Where the code itself starts: cell line N is at file line ``code_span.line + N - 1``
        (for a ``code: |`` block; a one-line ``code: print(1)`` is on the key's line)."""
        return self.span_of("code")

    @field_validator("expect", mode="before")
    @classmethod
    def _expect_string(cls, value: Any) -> Any:
        return _expect_before(value)

    @field_validator("code")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value.strip():
            raise PydanticCustomError("empty_code", "code: the cell is empty")
        return value

    @model_validator(mode="after")
    def _compiles(self) -> CodeBlock:
        if not self.run:
            return self
        if self.language != "python":
            raise PydanticCustomError(
                "listing_language",
                "language: a cell that runs is Python; a listing in {language} needs run: false",
                {"language": self.language},
            )
        try:
            compile(self.code, "<cell>", "exec", dont_inherit=True)
        except SyntaxError as exc:
            line = exc.lineno or 1
            hint = ipython_hint(self.code, line)
            raise PydanticCustomError(
                "code_syntax",
                "code: Python syntax error on line {line} of the cell: {msg}",
                {"line": line, "col": exc.offset or 1, "msg": hint or exc.msg},
            ) from None
        return self


class GraphBlock(Node):
    """The autograd graph of a variable, as the cells above it left it."""

    graph: str
    """The name of the variable whose autograd graph is drawn, as the cells above left it."""
    title: str | None = None
    """An optional caption for the graph."""

    @field_validator("graph")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not value.isidentifier() or keyword.iskeyword(value):
            raise PydanticCustomError(
                "graph_name", "graph: '{value}' is not a Python variable name", {"value": value}
            )
        return value


class FigureBlock(Node):
    """A picture (PNG or JPEG) from the course folder, with its alt text and a caption."""

    figure: Annotated[str, Field(min_length=1, max_length=1000)]
    """The picture file, relative to the lesson file and inside the course folder."""
    alt: Markdown
    """What the picture shows, in words (required): plain mode and screen readers read it."""
    caption: Markdown | None = None
    """An optional caption shown under the picture, in Markdown."""

    @field_validator("figure")
    @classmethod
    def _relative_path(cls, value: str) -> str:
        if "://" in value or value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", value):
            raise PydanticCustomError(
                "figure_path",
                "figure: '{value}' is not a path relative to the lesson file, such as "
                "images/graph.png (a picture on the web goes in a text block as ![alt](URL))",
                {"value": value[:80]},
            )
        return value

    @field_validator("alt")
    @classmethod
    def _alt_words(cls, value: str) -> str:
        if not value.strip():
            raise PydanticCustomError(
                "empty_alt", "alt: say in words what the picture shows; it must not be empty"
            )
        return value


class Choice(Node):
    """One answer of a question, with why it is right or wrong."""

    text: Markdown
    """The answer as the learner sees it, in Markdown."""
    correct: bool = False
    """Whether this answer is right (default false)."""
    why: str | None = None
    """Why the answer is right or wrong; shown after the learner answers."""


class QuestionBlock(Node):
    """A multiple-choice question: one correct choice, or "select all that apply"."""

    question: Markdown
    """The question's prompt, in Markdown."""
    id: Slug
    """Required id, unique within the lesson (lowercase letters, digits, dashes); quizzes
    refer to the question as course/lesson#id."""
    multiple: bool = False
    """false: exactly one correct choice; true: "select all that apply" (one or more)."""
    shuffle: bool = True
    """Show the choices in a random (but stable per learner) order; default true."""
    hint: list[Markdown] = Field(default_factory=list)
    """A hint, or a list of hints revealed one at a time."""
    choices: list[Choice] = Field(min_length=2, max_length=26)
    """The answers, 2 to 26 of them."""
    verify: str | None = None
    """Python run after the cells above the question (in their namespace); it must not
    raise. Checked by lectio validate, e.g. that the correct answer is really correct."""

    @field_validator("hint", mode="before")
    @classmethod
    def _hint_list(cls, value: Any) -> Any:
        if value is None:
            return []
        return [value] if isinstance(value, str) else value

    @field_validator("verify")
    @classmethod
    def _verify_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                compile(value, "<verify>", "exec", dont_inherit=True)
            except SyntaxError as exc:
                raise PydanticCustomError(
                    "code_syntax",
                    "verify: Python syntax error on line {line}: {msg}",
                    {"line": exc.lineno or 1, "col": exc.offset or 1, "msg": exc.msg},
                ) from None
        return value

    @model_validator(mode="after")
    def _correct_count(self) -> QuestionBlock:
        correct = sum(choice.correct for choice in self.choices)
        if not self.multiple and correct != 1:
            raise PydanticCustomError(
                "correct_count",
                "choices: a single-answer question needs exactly one correct choice, found {n}",
                {"n": correct},
            )
        if self.multiple and correct < 1:
            raise PydanticCustomError(
                "correct_count",
                "choices: a select-all question needs at least one correct choice, found 0",
            )
        return self

    @model_validator(mode="after")
    def _distinct_choices(self) -> QuestionBlock:
        """Two choices with one text cannot be told apart (and may be one right, one wrong)."""
        first: dict[str, int] = {}
        for i, choice in enumerate(self.choices):
            text = choice.text.strip()
            if text in first:
                raise PydanticCustomError(
                    "duplicate_choice",
                    "choices: choices {a} and {b} have the same text '{text}'; a learner could "
                    "not tell them apart",
                    {"a": first[text] + 1, "b": i + 1, "text": text[:40]},
                )
            first[text] = i
        return self

    @property
    def hints(self) -> list[str]:
        return list(self.hint)

    @property
    def correct_indexes(self) -> frozenset[int]:
        return frozenset(i for i, c in enumerate(self.choices) if c.correct)


class _TwoKinds(Node):
    """Stands for a block that names two kinds; it exists only to fail with a clear message."""

    @model_validator(mode="before")
    @classmethod
    def _fail(cls, value: Any) -> Any:
        found = [k for k in BLOCK_KINDS if k in value]
        raise PydanticCustomError(
            "block_kinds",
            "a block must be exactly one kind, but this one has both {a} and {b}; split it in two",
            {"a": found[0], "b": found[1]},
        )


def _block_kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        for kind in BLOCK_KINDS:
            if hasattr(value, kind):
                return kind
        return None
    if not isinstance(value, dict):
        return None
    found = [k for k in BLOCK_KINDS if k in value]
    if len(found) == 1:
        return found[0]
    return "two" if found else None


Block = Annotated[
    Annotated[TextBlock, Tag("text")]
    | Annotated[NoteBlock, Tag("note")]
    | Annotated[CodeBlock, Tag("code")]
    | Annotated[GraphBlock, Tag("graph")]
    | Annotated[QuestionBlock, Tag("question")]
    | Annotated[FigureBlock, Tag("figure")]
    | Annotated[_TwoKinds, Tag("two")],
    Discriminator(
        _block_kind,
        custom_error_type="block_kind",
        custom_error_message="a block must be a mapping with one of the keys "
        "text, note, code, graph, question, figure",
    ),
]


class Lesson(Node):
    """One chapter: prose, notes, code cells, graphs and questions, in reading order."""

    id: Slug
    """Required id (lowercase letters, digits, dashes), unique within its course; course.yaml
    lists lessons by this id."""
    title: Markdown
    """The chapter's title."""
    language: LanguageTag | None = None
    """A language tag such as en or pt-BR; defaults to the course's."""
    requires: Requires = Field(default_factory=list)
    """Modules the cells import (e.g. torch), and the capabilities cuda and network; when one
    is missing, the cells are skipped with the reason instead of failing."""
    timeout: Seconds | None = None
    """Default seconds each code cell may run (30 if not given)."""
    normalize: Normalize = Field(default_factory=list)
    """Rewrites of every cell's output before expect compares it (after the course's):
    addresses, ansi, or a mapping {pattern: REGEX, replace: TEXT}."""
    blocks: list[Block] = Field(min_length=1)
    """The lesson's content in reading order: text, note, code, graph, question and figure
    blocks."""

    @property
    def path(self) -> str:
        """The file the lesson was loaded from."""
        return self.span.file

    @property
    def required_modules(self) -> list[str]:
        """The names of ``requires`` that are modules (not the capabilities cuda, network)."""
        return modules_of(self.requires)

    @property
    def code_cells(self) -> list[CodeBlock]:
        """The cells that run, in order (``run: false`` listings are not cells)."""
        return [b for b in self.blocks if isinstance(b, CodeBlock) and b.run]

    @property
    def listings(self) -> list[CodeBlock]:
        """The ``run: false`` code blocks: shown, never run."""
        return [b for b in self.blocks if isinstance(b, CodeBlock) and not b.run]

    @property
    def figures(self) -> list[FigureBlock]:
        return [b for b in self.blocks if isinstance(b, FigureBlock)]

    @property
    def questions(self) -> list[QuestionBlock]:
        return [b for b in self.blocks if isinstance(b, QuestionBlock)]

    def question(self, question_id: str) -> QuestionBlock | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def cell_timeout(self, cell: CodeBlock, default: float = 30.0) -> float:
        return cell.timeout or self.timeout or default


class Section(Node):
    """A titled group of lessons in a course."""

    title: Markdown
    """The section's title."""
    lessons: list[Slug] = Field(min_length=1)
    """Ids of the section's lessons, in order."""


class Course(Node):
    """A course: a title, a language and its sections of lessons, in order."""

    id: Slug
    """Required id (lowercase letters, digits, dashes); quiz refs start with it."""
    title: Markdown
    """The course's title."""
    language: LanguageTag = "en"
    """A language tag such as en or pt-BR (default en); lessons default to it."""
    description: str | None = None
    """A short description shown on the course's start page, in Markdown."""
    normalize: Normalize = Field(default_factory=list)
    """Rewrites of every cell's output in the course before expect compares it (applied
    first, then the lesson's and the cell's): addresses, ansi, or {pattern, replace}."""
    sections: list[Section] = Field(min_length=1)
    """The sections of the course, in order; numbering comes from this order."""

    @property
    def lesson_ids(self) -> list[str]:
        return [lesson for section in self.sections for lesson in section.lessons]


REF_RE = r"^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*#[a-z0-9][a-z0-9-]*$"


class QuestionRef(Node):
    """A question reused from a lesson: ``course/lesson#question``."""

    ref: Annotated[str, Field(pattern=REF_RE)]
    """A lesson's question: course-id/lesson-id#question-id."""

    @property
    def parts(self) -> tuple[str, str, str]:
        course, rest = self.ref.split("/", 1)
        lesson, question = rest.split("#", 1)
        return course, lesson, question


def _quiz_item_kind(value: Any) -> str | None:
    if isinstance(value, QuestionRef) or (isinstance(value, dict) and "ref" in value):
        return "ref"
    if isinstance(value, QuestionBlock) or (isinstance(value, dict) and "question" in value):
        return "question"
    return None


QuizItem = Annotated[
    Annotated[QuestionRef, Tag("ref")] | Annotated[QuestionBlock, Tag("question")],
    Discriminator(
        _quiz_item_kind,
        custom_error_type="quiz_item",
        custom_error_message="a quiz question needs either ref: or question:",
    ),
]


class Quiz(Node):
    """A standalone quiz: referenced and inline questions, optionally drawn at random."""

    id: Slug
    """Required id (lowercase letters, digits, dashes)."""
    title: Markdown
    """The quiz's title."""
    language: LanguageTag | None = None
    """A language tag such as en or pt-BR (default en)."""
    pass_mark: Annotated[float, NotBool] = Field(default=0.7, alias="pass", ge=0, le=1)
    """The fraction of questions to answer correctly to pass, 0 to 1 (default 0.7)."""
    pick: Annotated[int, Field(ge=1), NotBool] | None = None
    """Draw this many questions at random (stable per learner); default all of them."""
    questions: list[QuizItem] = Field(min_length=1)
    """The questions: `ref:` to reuse a lesson's question, or a question written here."""

    @model_validator(mode="after")
    def _pick_fits(self) -> Quiz:
        if self.pick is not None and self.pick > len(self.questions):
            raise PydanticCustomError(
                "pick_count",
                "pick: cannot draw {pick} questions from a quiz of {n}",
                {"pick": self.pick, "n": len(self.questions)},
            )
        return self

    @property
    def path(self) -> str:
        return self.span.file
