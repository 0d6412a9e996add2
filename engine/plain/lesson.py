"""The plain mode of one lesson: prose, notes, cells, graphs and questions as lines of text.

Drives a :class:`~engine.session.LessonSession` from where the learner stopped to the chapter end,
then asks for feedback. Returns how it ended: ``"done"`` (reached the end), ``"eof"`` (input
ended) or ``"quit"`` (the learner typed q); progress is saved either way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from typing import Any, Literal, TypeVar

from engine.execution.expect import raised_as_expected
from engine.execution.results import CellResult
from engine.format.models import (
    CodeBlock,
    FigureBlock,
    GraphBlock,
    Lesson,
    NoteBlock,
    QuestionBlock,
    TextBlock,
)
from engine.i18n import nt, t
from engine.plain import pacing, render
from engine.plain.answers import QUIT_WORDS, parse
from engine.plain.ask import PlainAsk, split_ask
from engine.plain.console import Console
from engine.session.lesson import LessonSession, missing_reason
from engine.session.views import QuestionView, Verdict
from engine.settings import figures_folder

Outcome = Literal["done", "eof", "quit"]
R = TypeVar("R")
HintFn = Callable[[], str | None]
AnswerFn = Callable[[Collection[int]], Verdict]


class _StopError(Exception):
    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome


def run_lesson(
    session: LessonSession,
    console: Console,
    lang: str | None,
    *,
    heading: str | None = None,
    restart: bool = False,
    lessons: Sequence[Lesson] = (),
) -> Outcome:
    """Study ``session.lesson`` from the resume point (or the top) to its end; ``lessons``:
    the course's, for ``ask`` to say where a name is explained."""
    lesson = session.lesson
    asking = PlainAsk(session, console, lang, lessons, lambda work: _in_worker(session, work))

    def on_ask(text: str) -> None:
        asking(text, session.position)

    blocks = lesson.blocks
    if heading:
        console.say(heading)
    console.say(t("Chapter: {title}", lang, title=lesson.title), "bold")
    resuming = False
    if restart or session.at_end:
        if session.at_end and not restart:
            console.say(t("You finished this chapter before; starting again from the top.", lang))
        session.restart()
    elif session.position > 0:
        resuming = True
        console.say(
            t(
                "Resuming where you stopped (block {n} of {total}).",
                lang,
                n=session.position + 1,
                total=len(blocks),
            )
        )
    console.say()
    if any(isinstance(b, CodeBlock) and b.run for b in blocks[session.position :]):
        try:
            session.start_kernel()  # imports overlap with reading
        except Exception as exc:  # the kernel cannot start: cells will say so when run
            console.say(f"{t('Error', lang)}: {exc}")
        else:
            _say_missing(session, console, lang)
            if session.kernel_note:
                console.say(t("Kernel: slow start ({why})", lang, why=session.kernel_note))
    visible = [
        i for i, b in enumerate(blocks) if isinstance(b, CodeBlock) and b.run and not b.hidden
    ]
    questions = [i for i, b in enumerate(blocks) if isinstance(b, QuestionBlock)]
    shown = False  # a block was shown in this run (the heading goes with the first one)
    hurry = False  # n at a pause: no more pauses until the next question

    def wait_here(index: int) -> None:
        """Wait until what is shown is read, before block ``index`` or the rest of it."""
        nonlocal hurry
        while not hurry:
            ahead = any(q >= index for q in questions)
            typed = pacing.wait(console, lang, question_ahead=ahead, ask=True)
            if typed.kind == "ask":
                on_ask(typed.text)
                continue
            if typed.kind in ("quit", "eof"):
                raise _StopError("quit" if typed.kind == "quit" else "eof")
            hurry = typed.kind == "next"
            return

    def pause(index: int) -> None:
        """On a terminal, before block ``index``: wait until the last one is read."""
        if shown:
            wait_here(index)

    # a block taller than the window: the same pause between its pages (q stops, and the
    # block is shown again from its top next time)
    console.pager.more = lambda: wait_here(session.position)
    try:
        for index in range(session.position, len(blocks)):
            block = blocks[index]
            pause(index)
            if hurry and isinstance(block, QuestionBlock):  # n went on to it: a fresh screen
                hurry = False
                console.pager.used = 0
            session.visit(index)
            if isinstance(block, TextBlock):
                console.say(render.md(block.text, lang, console.width), wrap=False)
            elif isinstance(block, NoteBlock):
                console.say(render.note(block, lang, console.width), wrap=False)
            elif isinstance(block, CodeBlock) and not block.run:
                console.say(render.listing(block, lang), wrap=False)  # shown, never run
            elif isinstance(block, CodeBlock):
                if block.hidden:
                    continue
                _code(session, console, lang, index, visible)
            elif isinstance(block, FigureBlock):
                console.say(render.figure(block, lang))
            elif isinstance(block, GraphBlock):
                graph: Any = _in_worker(
                    session,
                    lambda i=index: session.graph(  # type: ignore[misc]
                        i, keep_going=True
                    ),
                )
                console.say("\n".join(render.graph_lines(graph, block.graph, lang)))
            elif isinstance(block, QuestionBlock):
                _question(
                    session, console, lang, index, questions, skip_solved=resuming, on_ask=on_ask
                )
            console.say()
            shown = True
        session.finish()
        pause(len(blocks))
        _feedback(session, console, lang, on_ask)
    except _StopError as stop:
        return stop.outcome
    finally:
        console.pager.more = None
    return "done"


def _in_worker(session: LessonSession, work: Callable[[], R]) -> R:
    """Run blocking kernel work in a thread; Ctrl+C interrupts the cell, not the program."""
    box: dict[str, object] = {}
    finished = threading.Event()

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:
            box["error"] = exc
        finally:
            finished.set()

    # An Event, not Thread.join: a join interrupted by Ctrl+C can leave the thread looking
    # finished on Python < 3.13.
    threading.Thread(target=target, name="lectio-cell", daemon=True).start()
    while True:
        try:
            if finished.wait(0.2):
                break
        except KeyboardInterrupt:
            session.interrupt()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def _say_hint(console: Console, label: str, hint: str) -> None:
    """``Hint 1 of 2: text``, its wrapped lines hanging under the text, not under the label."""
    head = f"{label}: "
    console.say(head + render.md_line(hint), hang=" " * pacing.cell_width(head))


def _say_missing(session: LessonSession, console: Console, lang: str | None) -> None:
    """Say once, before the first cell, which required modules are not installed: the cells
    are then only shown (each says Skipped), not run into a ModuleNotFoundError each."""
    if not session.lesson.requires:
        return
    try:
        missing: list[str] = _in_worker(session, session.missing_modules)
    except Exception as exc:  # the kernel cannot answer: cells will say so when run
        console.say(f"{t('Error', lang)}: {exc}")
        return
    if missing:
        console.say(missing_reason(missing, lang), "yellow")
        console.say()


def _code(
    session: LessonSession, console: Console, lang: str | None, index: int, visible: list[int]
) -> None:
    blocks = session.lesson.blocks
    block = blocks[index]
    assert isinstance(block, CodeBlock)
    n, total = visible.index(index) + 1, len(visible)
    head = (
        t("Code cell {n} of {total} ({id}):", lang, n=n, total=total, id=block.id)
        if block.id
        else t("Code cell {n} of {total}:", lang, n=n, total=total)
    )
    console.say(head)
    console.say(render.indent(session.cell(index).code), wrap=False)  # code is never re-wrapped
    console.say(t("End of code.", lang))
    # Cells cannot be edited here, so a failed cell is shown once and left out (keep_going):
    # only cells never tried yet run first.
    pending = [
        i
        for i, b in enumerate(session.lesson.blocks[:index])
        if isinstance(b, CodeBlock) and b.run and session.cell(i).result is None
    ]
    missing = bool(session.missing_known)  # nothing runs; the reason was said once
    if pending and not missing:
        console.say(
            nt(
                "Running {n} earlier cell first.",
                "Running {n} earlier cells first.",
                len(pending),
                lang,
            )
        )
    printed = {"any": False, "newline": True}

    def on_output(cell: int, text: str) -> None:
        if cell != index or not text:
            return
        if not printed["any"]:
            console.say(t("Output:", lang))
            printed["any"] = True
        console.write(text)
        printed["newline"] = text.endswith("\n")

    results: list[tuple[int, CellResult]] = _in_worker(
        session, lambda: session.run_cell(index, on_output=on_output, keep_going=True)
    )
    if printed["any"] and not printed["newline"]:
        console.write("\n")
    for cell, result in results:
        if cell != index and not result.ok and not missing:  # an earlier cell failed
            if cell in visible:
                console.say(
                    t(
                        "Code cell {n} of {total}:",
                        lang,
                        n=visible.index(cell) + 1,
                        total=len(visible),
                    )
                )
            else:  # a hidden cell: its number among all cells, as its traceback names it
                codes = [i for i, b in enumerate(blocks) if isinstance(b, CodeBlock) and b.run]
                console.say(f"{t('Cell {n}', lang, n=codes.index(cell) + 1)}:")
            console.say("\n".join(render.result_lines(result, lang, printed=False)), wrap=False)
    mine = next((r for c, r in results if c == index), None)
    if mine is not None:
        expected = raised_as_expected(block.expect, mine)
        console.say(  # output, values and tracebacks as the cell printed them
            "\n".join(
                render.result_lines(mine, lang, printed=printed["any"], expected_raise=expected)
            ),
            wrap=False,
        )
        if mine.pictures or mine.picture_count:
            folder = figures_folder(session.course_id or "lesson", session.lesson.id)
            stem = f"cell-{block.id or n}"
            console.say("\n".join(render.picture_lines(mine, lang, folder, stem)))


def _question(
    session: LessonSession,
    console: Console,
    lang: str | None,
    index: int,
    questions: list[int],
    *,
    skip_solved: bool,
    on_ask: Callable[[str], None] | None = None,
) -> None:
    view = session.question(index)
    console.say(
        t("Question {n} of {total}:", lang, n=questions.index(index) + 1, total=len(questions)),
        "bold",
    )
    console.say(render.md(view.prompt, lang, console.width), wrap=False)
    if skip_solved and view.solved and view.last is not None:
        console.say(t("You answered this question correctly before.", lang))
        console.say(t("The answers:", lang))
        console.say("\n".join(render.explanation_lines(view, view.last, lang, everything=True)))
        return
    ask_question(
        console,
        lang,
        view,
        hints=lambda: session.reveal_hint(index),
        answer=lambda picks: session.answer(index, picks),
        retry=True,
        on_ask=on_ask,
        give_up=lambda: session.show_answer(index),
    )


def ask_question(
    console: Console,
    lang: str | None,
    view: QuestionView,
    *,
    hints: HintFn,
    answer: AnswerFn,
    retry: bool,
    on_ask: Callable[[str], None] | None = None,
    give_up: Callable[[], Verdict] | None = None,
) -> Verdict | None:
    """Ask until answered (or skipped); shared by lessons (``retry``) and quizzes (one try).

    After a wrong answer, skipping (Enter or ``s``) shows the answer: ``give_up`` records it
    as a "Show answer" (the policy of :meth:`~engine.session.views.Verdict.shown`)."""
    console.say(
        (
            t("Select all that apply", lang)
            if view.multiple
            else t("Select the correct answer", lang)
        )
        + "."
    )
    console.say("\n".join(render.choice_lines(view)))
    total_hints = view.hints_left + len(view.hints_shown)
    for k, hint in enumerate(view.hints_shown, 1):
        _say_hint(console, t("Hint {n} of {total}", lang, n=k, total=total_hints), hint)
    shown = len(view.hints_shown)
    prompt: str | None = (
        t(
            "Type the numbers of every correct answer, separated by commas (for example 1,3); h "
            "for a hint, s to skip.",
            lang,
        )
        if view.multiple
        else t("Type the number of your answer; h for a hint, s to skip.", lang)
    )
    verdict: Verdict | None = None
    while True:
        typed_line = console.ask(prompt)
        prompt = None
        if typed_line is None:
            raise _StopError("eof")
        asked = split_ask(typed_line, lang) if on_ask is not None else None
        if asked is not None and on_ask is not None:
            on_ask(asked)
            continue
        typed = parse(typed_line, view, lang)
        if typed.kind == "quit":
            raise _StopError("quit")
        if typed.kind == "hint":
            next_hint = hints()
            if next_hint is None:
                console.say(
                    t("No more hints.", lang)
                    if total_hints
                    else t("This question has no hint.", lang)
                )
            else:
                shown += 1
                label = t("Hint {n} of {total}", lang, n=shown, total=total_hints)
                _say_hint(console, label, next_hint)
            continue
        if typed.kind == "skip" or (typed.kind == "empty" and verdict is not None):
            if verdict is not None:
                if give_up is not None and not verdict.revealed:
                    verdict = give_up()
                console.say(t("The answers:", lang))
                console.say(
                    "\n".join(render.explanation_lines(view, verdict, lang, everything=True))
                )
            else:
                console.say(t("Skipped.", lang))
            return verdict
        if typed.kind == "empty":
            prompt = (
                t(
                    "Type the numbers of every correct answer, separated by commas (for example "
                    "1,3); h for a hint, s to skip.",
                    lang,
                )
                if view.multiple
                else t("Type the number of your answer; h for a hint, s to skip.", lang)
            )
            continue
        if typed.kind == "invalid":
            console.say(typed.message)
            continue
        verdict = answer(typed.picks)
        if verdict.correct:
            console.say(t("Correct!", lang), "green")
            console.say("\n".join(render.explanation_lines(view, verdict, lang, everything=True)))
            return verdict
        if view.multiple:
            console.say(
                t(
                    "Not quite: {wrong}, {missed}.",
                    lang,
                    wrong=nt("{n} wrong", "{n} wrong", len(verdict.wrong_picks), lang),
                    missed=nt("{n} missed", "{n} missed", len(verdict.missed), lang),
                ),
                "red",
            )
        else:
            console.say(t("Not quite.", lang), "red")
        if not retry:
            console.say("\n".join(render.explanation_lines(view, verdict, lang, everything=True)))
            return verdict
        console.say("\n".join(render.explanation_lines(view, verdict, lang, everything=False)))
        prompt = t(
            "Try again (type your answer), h for a hint, or press Enter to see the answer.", lang
        )


def _feedback(
    session: LessonSession,
    console: Console,
    lang: str | None,
    on_ask: Callable[[str], None] | None = None,
) -> None:
    console.say(t("End of the chapter", lang) + ".", "bold")
    yes = set(t("y,yes", lang).split(",")) | {"y", "yes"}
    no = set(t("n,no", lang).split(",")) | {"n", "no"}
    clear: bool | None = None
    prompt: str | None = t("Was everything clear? [y/n]", lang)
    while True:
        line = console.ask(prompt)
        if line is None:
            raise _StopError("eof")
        asked = split_ask(line, lang) if on_ask is not None else None
        if asked is not None and on_ask is not None:
            on_ask(asked)
            prompt = None
            continue
        word = line.lower()
        if word in QUIT_WORDS and word not in yes | no:
            raise _StopError("quit")
        if word in yes or word in no or not word:
            clear = True if word in yes else False if word in no else None
            break
        prompt = t("Please type y or n (or press Enter to skip).", lang)
    comment: str | None = console.ask(t("How can we improve it? (press Enter to skip)", lang))
    if clear is None and not comment:
        if comment is None:
            raise _StopError("eof")
        return
    session.submit_feedback(clear, comment or None)
    console.say(t("Thanks for your feedback!", lang), "green")
    if comment is None:
        raise _StopError("eof")
