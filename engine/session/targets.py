"""What ``lectio open PATH`` names: a lesson, a course or a quiz, loaded and ready to study.

Shared by the front ends so they agree on what a path means:

* a folder with ``course.yaml``, or the ``course.yaml`` itself: the course;
* a folder holding course folders (such as ``lessons/``): its only course, or an error
  listing the choices;
* a lesson file: the lesson, in the context of its course when the ``course.yaml`` beside it
  lists it (so progress is shared with studying the whole course);
* a quiz file: the quiz, with ``ref:`` questions resolved against the nearest ``lessons/``;
* no path: the bundled course (:func:`engine.session.bundled.bundled_course`).

Everything wrong raises :class:`~engine.format.problems.LoadError` with located problems, except
a listed chapter whose own file is broken: the course opens without it (``CourseTarget.
unavailable`` says which and why), so one bad file does not lock a learner out of a course.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.format.catalog import (
    LoadedCourse,
    QuizQuestion,
    course_file,
    default_lessons_root,
    load_course_dir,
    resolve_quiz,
)
from engine.format.loader import load
from engine.format.models import Course, Lesson, Quiz
from engine.format.problems import LoadError, Problem
from engine.format.spans import Span
from engine.session import bundled


@dataclass
class LessonTarget:
    lesson: Lesson
    course: Course | None = None
    """The course beside the lesson file, when it lists the lesson."""
    loaded: LoadedCourse | None = None
    """That course's whole folder, when asked for (``whole_course``: a chapter menu)."""
    unavailable: dict[str, list[Problem]] = field(default_factory=dict)
    """Chapters of that course whose file does not load (see :class:`CourseTarget`)."""


@dataclass
class CourseTarget:
    loaded: LoadedCourse
    warnings: list[Problem] = field(default_factory=list)
    """Problems that do not stop studying (e.g. a lesson file no section lists)."""
    unavailable: dict[str, list[Problem]] = field(default_factory=dict)
    """Listed chapters whose file does not load (YAML or schema errors), by lesson id, with
    their located problems: the course opens without them (``lectio validate`` still fails)."""

    @property
    def course(self) -> Course:
        assert self.loaded.course is not None
        return self.loaded.course


@dataclass
class QuizTarget:
    quiz: Quiz
    items: list[QuizQuestion]


Target = LessonTarget | CourseTarget | QuizTarget


def language_of(target: Target) -> str | None:
    """The language of what is opened: the lesson's (else its course's), the quiz's or the
    course's; None when the files do not say (the interface is then in English)."""
    if isinstance(target, LessonTarget):
        return target.lesson.language or (target.course.language if target.course else None)
    if isinstance(target, CourseTarget):
        return target.course.language
    return target.quiz.language


def _problem(path: Path, message: str) -> LoadError:
    return LoadError([Problem(Span(str(path), 1, 1), message, "file")])


def open_target(path: str | Path | None, *, whole_course: bool = False) -> Target:
    """Load what ``path`` names; see the module docstring. ``whole_course``: a lesson that its
    course lists comes with the whole course folder loaded (``LessonTarget.loaded``), for a
    front end that offers the other chapters."""
    if path is None:
        found = bundled.bundled_course()
        if found is None:
            raise LoadError(
                [
                    Problem(
                        Span("lessons", 1, 1),
                        f"the bundled course '{bundled.BUNDLED_COURSE}' was not found",
                    )
                ]
            )
        path = found
    path = Path(path)
    if not path.exists():
        return _missing(path)
    if path.is_dir():
        return _open_folder(path)
    if path.name in ("course.yaml", "course.yml"):
        return _open_course(path.parent)
    doc = load(path)
    if isinstance(doc, Lesson):
        target = LessonTarget(doc, _course_of(doc, path))
        if whole_course and target.course is not None:
            loaded = load_course_dir(path.parent)
            target.lesson = loaded.lessons.get(doc.id, doc)
            target.loaded, target.unavailable = loaded, broken_chapters(loaded)
        return target
    if isinstance(doc, Quiz):
        return QuizTarget(doc, resolve_quiz(doc, default_lessons_root(path)))
    return _open_course(path.parent)


def _missing(path: Path) -> Target:
    parent = path.parent
    hint = ""
    if parent.is_dir():
        near = sorted(
            p.name
            for p in parent.iterdir()
            if p.name.startswith(path.stem[:3]) and not p.name.startswith(".")
        )
        if near:
            hint = f"; did you mean {', '.join(near[:3])}?"
    raise _problem(path, f"no such file or folder{hint}")


def _open_folder(folder: Path) -> Target:
    if course_file(folder) is not None:
        return _open_course(folder)
    courses = sorted(p for p in folder.iterdir() if p.is_dir() and course_file(p) is not None)
    if len(courses) == 1:
        return _open_course(courses[0])
    if courses:
        names = ", ".join(str(c) for c in courses)
        raise _problem(folder, f"holds several courses; open one of: {names}")
    raise _problem(
        folder,
        "no course.yaml here, and no course folder inside; "
        "open a course folder, a lesson file or a quiz file",
    )


def _open_course(folder: Path) -> CourseTarget:
    loaded = load_course_dir(folder)
    if loaded.course is None:
        raise LoadError(
            loaded.problems
            or [Problem(Span(str(folder), 1, 1), "the course could not be loaded", "file")]
        )
    listed = set(loaded.course.lesson_ids)
    fatal: list[Problem] = []
    warnings: list[Problem] = []
    unavailable = broken_chapters(loaded)
    skipped = {str(loaded.broken[i]) for i in unavailable}
    listed_files = {str(Path(lesson.path)) for i, lesson in loaded.lessons.items() if i in listed}
    course_path = str(loaded.course_path)
    for problem in loaded.problems:
        if problem.span.file in skipped:
            continue  # in ``unavailable``: that chapter is left out, the others are studied
        blocking = problem.span.file == course_path or problem.span.file in listed_files
        (fatal if blocking else warnings).append(problem)
    if fatal:
        raise LoadError(fatal)
    return CourseTarget(loaded, warnings, unavailable)


def broken_chapters(loaded: LoadedCourse) -> dict[str, list[Problem]]:
    """The chapters the course lists whose file failed to load, with that file's problems.

    A learner can study the rest of the course; the front ends show these as unavailable and
    say why (an author runs ``lectio validate``, which fails on them)."""
    if loaded.course is None:
        return {}
    listed = set(loaded.course.lesson_ids)
    found: dict[str, list[Problem]] = {}
    for lesson_id, path in loaded.broken.items():
        if lesson_id in listed and lesson_id not in loaded.lessons:
            found[lesson_id] = [p for p in loaded.problems if p.span.file == str(path)]
    return found


def _course_of(lesson: Lesson, path: Path) -> Course | None:
    """The course beside a lesson file, if it lists that lesson."""
    file = course_file(path.parent)
    if file is None:
        return None
    try:
        course = load(file, "course")
    except LoadError:
        return None
    if isinstance(course, Course) and lesson.id in course.lesson_ids:
        return course
    return None
