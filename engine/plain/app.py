"""``lectio open PATH --plain``: study a lesson, a course or a quiz as lines of text.

Opens the store, resolves the target (:func:`engine.session.targets.open_target`), and walks it:
a lesson from its resume point; a course chapter by chapter from the course's resume point
(``--restart``: from the top); a quiz from the unfinished attempt or a new one. Returns the exit
status: 0 when the learner reached the end or the input ended (progress is saved either way),
1 when the target cannot be loaded or the store cannot be used (messages on stderr).

``pager``: pause after each block and wrap to the terminal's width (True), never (False), or
when standard input and output are terminals (None; see :mod:`engine.plain.pacing`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from engine.format.models import CodeBlock
from engine.format.problems import LoadError
from engine.i18n import t
from engine.plain import render
from engine.plain.console import Console
from engine.plain.lesson import Outcome, run_lesson
from engine.plain.quiz import run_quiz
from engine.session.course import LessonStatus, course_progress
from engine.session.kernel_api import KernelFactory
from engine.session.labels import chapters_done
from engine.session.lesson import LessonSession
from engine.session.quiz import QuizSession
from engine.session.targets import (
    CourseTarget,
    LessonTarget,
    QuizTarget,
    language_of,
    open_target,
)
from engine.store.base import Store, StoreError


def run_plain(
    path: str | Path,
    *,
    data_dir: str | Path | None = None,
    learner: str = "default",
    lang: str | None = None,
    restart: bool = False,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    store: Store | None = None,
    kernel_factory: KernelFactory | None = None,
    store_url: str | None = None,
    pager: bool | None = None,
) -> int:
    err = stderr or sys.stderr
    try:
        target = open_target(path)
    except LoadError as exc:
        for problem in exc.problems:
            print(problem, file=err)
        return 1
    if isinstance(target, CourseTarget):
        for problem in target.warnings:
            print(f"warning: {problem}", file=err)
    if kernel_factory is None and _runs_cells(target):
        from engine.session.kernel_api import prestart_default_kernels

        prestart_default_kernels()  # torch imports in the zygote while the learner reads
    own_store = store is None
    if store is None:
        from engine.store import open_store

        try:
            store = open_store(data_dir, store_url)
        except StoreError as exc:
            print(f"lectio: {exc}", file=err)
            return 1
    for warning in store.warnings:
        print(f"warning: {warning}", file=err)
    console = Console(stdin, stdout, pager=pager)
    try:
        outcome = _study(
            target,
            store,
            console,
            learner=learner,
            lang=lang,
            restart=restart,
            kernel_factory=kernel_factory,
        )
    except StoreError as exc:  # said before anything unsaved is shown as saved
        print(f"lectio: {exc}", file=err)
        return 1
    finally:
        if own_store:
            store.close()
    if outcome != "done":
        console.say(
            t(
                "Your progress is saved; run the same command to continue.",
                lang or language_of(target),
            )
        )
    return 0


def _runs_cells(target: LessonTarget | CourseTarget | QuizTarget) -> bool:
    """Whether a kernel may be needed: not for a quiz, nor for a lesson without a cell to run
    (a course may reach any chapter)."""
    if isinstance(target, QuizTarget):
        return False
    if isinstance(target, LessonTarget):
        return any(isinstance(b, CodeBlock) and b.run for b in target.lesson.blocks)
    return True


def _study(
    target: LessonTarget | CourseTarget | QuizTarget,
    store: Store,
    console: Console,
    *,
    learner: str,
    lang: str | None,
    restart: bool,
    kernel_factory: KernelFactory | None,
) -> Outcome:
    if isinstance(target, QuizTarget):
        quiz_session = QuizSession(
            target.quiz, target.items, store=store, learner=learner, new_attempt=restart
        )
        return run_quiz(quiz_session, console, lang or language_of(target))
    if isinstance(target, LessonTarget):
        with LessonSession(
            target.lesson,
            store=store,
            learner=learner,
            course=target.course,
            kernel_factory=kernel_factory,
        ) as session:
            return run_lesson(session, console, lang or language_of(target), restart=restart)
    course = target.course
    lessons = target.loaded.lessons
    language = lang or course.language
    progress = course_progress(course, store, learner, lessons)
    console.say(t("Course: {title}", language, title=course.title), "bold")
    console.say(chapters_done(progress.done, progress.total, language))
    for chapter in progress.chapters:  # broken files: say once which chapters are left out
        problems = target.unavailable.get(chapter.lesson_id)
        if problems:
            heading = t(
                "Section {section} · Chapter {chapter}",
                language,
                section=chapter.section,
                chapter=chapter.chapter,
            )
            console.say(
                t(
                    "{chapter} ({id}) is skipped: its file has problems:",
                    language,
                    chapter=heading,
                    id=chapter.lesson_id,
                ),
                "yellow",
            )
            console.say(render.indent("\n".join(str(p) for p in problems)))
    order = [c for c in progress.chapters if c.lesson_id in lessons]
    start_id = order[0].lesson_id if restart else progress.resume
    if start_id is None:
        console.say(
            t("You finished this course. Open it with --restart to go through it again.", language)
        )
        _say_quizzes(target, store, learner, console, language)
        return "done"
    start = next(i for i, c in enumerate(order) if c.lesson_id == start_id)
    for n, chapter in enumerate(order[start:]):
        if n and not restart and chapter.status is LessonStatus.DONE:
            continue  # done earlier (perhaps out of order): the resume point is past it
        console.say()
        lesson = lessons[chapter.lesson_id]
        heading = t(
            "Section {section} · Chapter {chapter}",
            language,
            section=chapter.section,
            chapter=chapter.chapter,
        )
        with LessonSession(
            lesson, store=store, learner=learner, course=course, kernel_factory=kernel_factory
        ) as session:
            outcome = run_lesson(
                session,
                console,
                lang or lesson.language or language,
                heading=heading,
                restart=restart,
                lessons=[lessons[c.lesson_id] for c in order],
            )
        if outcome != "done":
            return outcome
    console.say(t("You finished the course!", language), "green")
    console.say(t("This was the last chapter: you reached the end of the course.", language))
    _say_quizzes(target, store, learner, console, language)
    return "done"


def _say_quizzes(
    target: CourseTarget, store: Store, learner: str, console: Console, lang: str
) -> None:
    """The course's quizzes, the learner's best score in each and the command that opens it
    (the same list as the TUI's course map: :mod:`engine.session.course_quizzes`)."""
    from engine.session.course_quizzes import find_course_quizzes, quiz_standing
    from engine.session.labels import quiz_standing_text

    quizzes = find_course_quizzes(target.loaded)
    if not quizzes:
        return
    console.say(t("Check what you learned with the course's quizzes:", lang))
    for path, quiz in quizzes:
        standing = quiz_standing(store, learner, quiz.quiz.id)
        title = render.md_line(quiz.quiz.title, lang)
        console.say(f"  {title}: {quiz_standing_text(standing, lang)}")
        console.say(f"    lectio open {_quiz_argument(path)} --plain")


def _quiz_argument(path: Path) -> str:
    """How to name a quiz file on the command line: its bundled name (``final-exam``) when it
    is one of lectio's own, else its path from the current folder if it is below it, else the
    whole path."""
    from engine.session.bundled import bundled_path

    found = bundled_path(path.stem)
    if found is not None and found.resolve() == path.resolve():
        return path.stem
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())
