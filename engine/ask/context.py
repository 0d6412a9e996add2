"""What the learner is looking at, as the Ask panel (and a model, once configured) sees it.

Built from the session's views only, never from the question's answer key: for a question not
yet answered correctly it carries the prompt, the choices' texts, the hints already shown and
the number of attempts, and **never** which choice is correct, the ``why`` texts or the
``verify`` code. Once the learner answered correctly, the correct choices may be told.
:func:`render` is the one text both the "what will be sent" preview and the prompt use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.format.models import CodeBlock, FigureBlock, NoteBlock, QuestionBlock, TextBlock

if TYPE_CHECKING:
    from engine.execution.results import CellResult
    from engine.session.lesson import LessonSession

MAX_CODE = 6000
MAX_OUTPUT = 3000
MAX_PROSE = 3000
PROSE_AROUND = 2  # text blocks before the focused one (and one after) that give it sense


@dataclass(frozen=True, slots=True)
class AskContext:
    """One moment of a lesson: the focused block and what surrounds it (all plain text)."""

    course: str
    lesson: str
    lesson_title: str
    language: str
    block: int  # index of the focused block (len(blocks): the chapter end)
    kind: str  # "code", "question", "text", "note", "figure", "graph", "end"
    chapter: str = ""
    prose: str = ""  # the text around the block
    text: str = ""  # the block's own text (a text or note block)
    code: str = ""  # the cell's code as edited
    edited: bool = False
    output: str = ""  # last output, capped
    error_name: str = ""
    error_message: str = ""
    traceback: str = ""
    question: str = ""
    choices: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    attempts: int = 0
    solved: bool = False
    correct: tuple[str, ...] = ()  # only when solved
    result: CellResult | None = field(default=None, compare=False)

    @property
    def failed(self) -> bool:
        return bool(self.error_name)


def _prose(block: object) -> str:
    if isinstance(block, TextBlock):
        return block.text
    if isinstance(block, NoteBlock):
        return f"{block.title + ': ' if block.title else ''}{block.note}"
    if isinstance(block, FigureBlock):
        return block.caption or block.alt
    return ""


def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def build_context(
    session: LessonSession, block_index: int, *, chapter: str = "", language: str | None = None
) -> AskContext:
    """The context of block ``block_index`` of the session's lesson (quick; no kernel call).
    ``language``: the learner's (the interface's) when it is not the lesson's."""
    lesson = session.lesson
    blocks = lesson.blocks
    course_lang = session.course.language if session.course else "en"
    language = str(language or lesson.language or course_lang)
    base = {
        "course": session.course_id,
        "lesson": lesson.id,
        "lesson_title": lesson.title,
        "language": language,
        "block": block_index,
        "chapter": chapter,
    }
    before = [_prose(b) for b in blocks[max(0, block_index - PROSE_AROUND) : block_index]]
    after = [_prose(b) for b in blocks[block_index + 1 : block_index + 2]]
    prose = _cap("\n\n".join(p for p in [*before, *after] if p), MAX_PROSE)
    if not 0 <= block_index < len(blocks):
        return AskContext(kind="end", prose=prose, **base)  # type: ignore[arg-type]
    block = blocks[block_index]
    if isinstance(block, CodeBlock):
        view = session.cell(block_index)
        result = view.result
        error = result.error if result is not None else None
        return AskContext(
            kind="code",
            prose=prose,
            code=_cap(view.code, MAX_CODE),
            edited=view.edited,
            output=_cap(result.shown, MAX_OUTPUT) if result is not None else "",
            error_name=error.name if error else "",
            error_message=_cap(error.message, MAX_OUTPUT) if error else "",
            traceback=_cap(error.traceback, MAX_OUTPUT) if error else "",
            result=result,
            **base,  # type: ignore[arg-type]
        )
    if isinstance(block, QuestionBlock):
        q = session.question(block_index)
        correct: tuple[str, ...] = ()
        if q.solved:
            correct = tuple(c.text for c in block.choices if c.correct)
        return AskContext(
            kind="question",
            prose=prose,
            question=q.prompt,
            choices=tuple(c.text for c in q.choices),
            hints=q.hints_shown,
            attempts=q.attempts,
            solved=q.solved,
            correct=correct,
            **base,  # type: ignore[arg-type]
        )
    kind = {TextBlock: "text", NoteBlock: "note", FigureBlock: "figure"}.get(type(block), "graph")
    return AskContext(kind=kind, prose=prose, text=_prose(block), **base)  # type: ignore[arg-type]


def render(ctx: AskContext) -> str:
    """The context as the plain text shown before sending and put into the prompt (English
    labels: it is for the model; the learner's language is stated in it)."""
    lines = [
        f"Lesson: {ctx.lesson_title} ({ctx.course}/{ctx.lesson})",
        f"Learner's language: {ctx.language}",
    ]
    if ctx.chapter:
        lines.append(f"Chapter: {ctx.chapter}")
    lines.append(f"Focused block: {ctx.block + 1} ({ctx.kind})")
    if ctx.prose:
        lines += ["", "Lesson text around it:", ctx.prose]
    if ctx.text:
        lines += ["", "Block text:", ctx.text]
    if ctx.kind == "code":
        edited = " (edited by the learner)" if ctx.edited else ""
        lines += ["", f"Cell code{edited}:", "```python", ctx.code, "```"]
        if ctx.output:
            lines += ["", "Last output:", ctx.output]
        if ctx.error_name:
            lines += ["", f"Error: {ctx.error_name}: {ctx.error_message}"]
            if ctx.traceback:
                lines += ["Traceback:", ctx.traceback]
    if ctx.kind == "question":
        lines += ["", "Question:", ctx.question, "Choices:"]
        lines += [f"{n}. {text}" for n, text in enumerate(ctx.choices, 1)]
        if ctx.hints:
            lines += ["Hints already shown:", *ctx.hints]
        lines.append(f"Attempts so far: {ctx.attempts}")
        if ctx.solved:
            lines += ["The learner has answered correctly. Correct:", *ctx.correct]
        else:
            lines.append("The learner has not answered correctly yet.")
    return "\n".join(lines)
