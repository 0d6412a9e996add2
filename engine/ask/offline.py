"""Answers with no network and no model: error explanations, the kernel's help, the course.

What the learner reads when no AI endpoint is configured, and first even when one is: the
explanation of the cell's error (:mod:`engine.ask.explain`), for a NameError the earlier cell
that defines the name, the signature and documentation of the names asked about (inspected in
the live kernel) and where the course explains them (:mod:`engine.ask.where`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from engine.ask.context import AskContext
from engine.ask.explain import ErrorExplanation, explain
from engine.ask.suggest import names_in
from engine.ask.where import Place, find_places
from engine.format.models import CodeBlock, Lesson
from engine.i18n import t

Inspector = Callable[[str], "dict[str, str] | None"]
MAX_DOC = 900


@dataclass(frozen=True, slots=True)
class Help:
    """The help found for one name."""

    name: str
    signature: str = ""
    doc: str = ""
    type: str = ""
    value: str = ""
    places: tuple[Place, ...] = ()


@dataclass(frozen=True, slots=True)
class OfflineAnswer:
    explanations: tuple[ErrorExplanation, ...] = ()
    defined_in: tuple[int, ...] = ()  # blocks above that define the missing name (NameError)
    helps: tuple[Help, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not (self.explanations or self.defined_in or self.helps)


def defining_cells(name: str, lesson: Lesson, before: int) -> list[int]:
    """Code blocks above ``before`` that assign, define or import ``name``."""
    word = re.escape(name)
    pattern = re.compile(
        rf"^\s*(?:{word}\s*(?:,[^=]*)?=(?!=)|(?:def|class)\s+{word}\b|(?:from\s+\S+\s+)?import\s+"
        rf"(?:.*\bas\s+{word}\b|(?:.*,\s*)?{word}\b)|for\s+{word}\b)",
        re.MULTILINE,
    )
    return [
        i
        for i, block in enumerate(lesson.blocks[:before])
        if isinstance(block, CodeBlock) and pattern.search(block.code)
    ]


def _first_paragraphs(doc: str) -> str:
    text = doc.strip()
    if len(text) <= MAX_DOC:
        return text
    cut = text.rfind("\n\n", 0, MAX_DOC)
    return text[: cut if cut > 200 else MAX_DOC].rstrip() + "\n…"


def offline_answer(
    question: str,
    ctx: AskContext,
    *,
    lesson: Lesson | None = None,
    lessons: Sequence[Lesson] = (),
    inspect: Inspector | None = None,
) -> OfflineAnswer:
    """Everything lectio can tell about ``question`` in ``ctx`` without a model (``inspect``
    may block on the kernel: call this from a worker thread in a UI)."""
    explanations = tuple(explain(ctx.result, ctx.language))
    defined: tuple[int, ...] = ()
    if ctx.error_name == "NameError" and lesson is not None:
        missing = re.search(r"name '([A-Za-z_][A-Za-z0-9_]*)'", ctx.error_message)
        if missing:
            defined = tuple(defining_cells(missing.group(1), lesson, ctx.block))
    helps: list[Help] = []
    for name in names_in(question, ctx.code):
        found = inspect(name) if inspect is not None else None
        places = tuple(find_places(name, lessons, skip=(ctx.lesson, ctx.block)))
        if found is None and not places:
            continue
        found = found or {}
        helps.append(
            Help(
                name=name,
                signature=found.get("signature", ""),
                doc=_first_paragraphs(found.get("doc", "")),
                type=found.get("type", ""),
                value=found.get("value", ""),
                places=places,
            )
        )
    if helps:  # a question about names: their help, not the cell's error again
        explanations, defined = (), ()
    return OfflineAnswer(explanations, defined, tuple(helps))


OfflinePart = list[tuple[str, bool]]
"""One part of an offline answer: its lines, each with whether it is Markdown (an explanation,
a sentence, a signature in backticks, an excerpt of a lesson) or plain text as it came (a
docstring, a value)."""


def offline_parts(
    answer: OfflineAnswer, lang: str | None, *, configured: bool
) -> list[OfflinePart]:
    """The offline answer in parts, for a front end that renders each line by its kind (the
    plain mode on a terminal); :func:`render_offline` is the same as one text."""
    parts: list[OfflinePart] = []
    for item in answer.explanations:
        parts.append([(f"**{item.title}**\n\n{item.text}", True)])
    if answer.defined_in:
        cells = ", ".join(str(i + 1) for i in answer.defined_in)
        sentence = t("It is defined in block {blocks} above: run it first.", lang, blocks=cells)
        parts.append([(sentence, True)])
    for help_ in answer.helps:
        head = f"`{help_.name}{help_.signature}`" + (f" ({help_.type})" if help_.type else "")
        lines = [(head, True)]
        if help_.value:
            lines.append((t("Value: {value}", lang, value=help_.value), False))
        if help_.doc:
            lines.append((help_.doc, False))
        for place in help_.places:
            where = t(
                "Explained in chapter {chapter} ({title}), block {block}: {excerpt}",
                lang,
                chapter=place.chapter,
                title=place.title,
                block=place.block + 1,
                excerpt=place.excerpt,
            )
            lines.append((where, True))
        parts.append(lines)
    if not parts:
        parts.append([(t("lectio has no offline answer for this question.", lang), True)])
        if not configured:
            parts.append([(configure_hint(lang), True)])
    return parts


def offline_text(parts: list[OfflinePart]) -> str:
    """The parts as one text (Markdown-ish, for both front ends; the plain mode's on a pipe)."""
    return "\n\n".join("\n".join(line for line, _ in part) for part in parts)


def render_offline(answer: OfflineAnswer, lang: str | None, *, configured: bool) -> str:
    """The offline answer as text (Markdown-ish, for both front ends)."""
    return offline_text(offline_parts(answer, lang, configured=configured))


def configure_hint(lang: str | None) -> str:
    return t(
        "To ask an AI model, set LECTIO_AI_BASE_URL and LECTIO_AI_MODEL "
        "(docs/ask.md); nothing is sent until you do.",
        lang,
    )
