"""Courses as folders, and quiz questions borrowed from lessons: loading and cross-references.

The session, the TUI, plain mode and the validator all need the same answers to "which lessons
does this course have, in which order?" and "which question does ``course/lesson#question`` name?".
They get them here, headless, so no front end re-implements (and subtly changes) the rules.

Public API (stable; other engineers build on it):

``load_course_dir(path: str | Path) -> LoadedCourse``
    Load ``course.yaml`` and every lesson file beside it. Never raises for bad content: every
    problem (schema errors of any file, a listed lesson without a file, two lessons sharing an
    id, a lesson file no section lists) is in ``LoadedCourse.problems``, located in its file.
    ``LoadedCourse.lessons`` maps lesson id -> :class:`Lesson` for every lesson that loaded, in
    course order (then the unlisted ones, by file name); a lesson without ``language`` gets the
    course's. Raises :class:`FileNotFoundError` only when ``path`` is not a folder.

``find_question(lessons_root: str | Path, ref: str | QuestionRef) -> tuple[Lesson, QuestionBlock]``
    Resolve ``course/lesson#question`` against a ``lessons/`` folder. Raises :class:`RefError`
    (a ``LookupError``) with an author-readable message when it does not resolve.

``resolve_quiz(quiz: Quiz, lessons_root: str | Path | None) -> list[QuizQuestion]``
    The quiz's questions in file order, refs replaced by the lesson's question
    (:class:`QuizQuestion` keeps the origin lesson and the quiz-file position). Raises
    :class:`LoadError` listing every ref that does not resolve, located at the ref in the quiz.

``default_lessons_root(quiz_path: str | Path) -> Path | None``
    The ``lessons/`` folder a quiz's refs resolve against: the nearest ``lessons`` folder beside
    the ``quizzes/`` folder holding the quiz (so ``quizzes/x.yaml`` -> ``lessons/``).

A :class:`Catalog` caches loaded courses of one lessons root, for resolving many refs.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from engine.format.files import (  # re-exported: the layout helpers used to live here
    COURSE_FILES,
    YAML_SUFFIXES,
    course_file,
    is_yaml_file,
    lesson_files,
)
from engine.format.loader import load, parse, read_bytes
from engine.format.models import Course, Lesson, QuestionBlock, QuestionRef, Quiz
from engine.format.problems import LoadError, Problem
from engine.format.spans import Span
from engine.format.yamlsafe import read_yaml

__all__ = [
    "COURSE_FILES",
    "YAML_SUFFIXES",
    "Catalog",
    "LoadedCourse",
    "QuizQuestion",
    "RefError",
    "course_file",
    "default_lessons_root",
    "find_question",
    "in_course",
    "is_yaml_file",
    "lesson_files",
    "load_course_dir",
    "resolve_quiz",
    "with_its_course",
]


@dataclass
class LoadedCourse:
    """A course folder, loaded as far as it could be; see :func:`load_course_dir`."""

    path: Path
    """The course folder."""
    course: Course | None
    """None when ``course.yaml`` is missing or has problems."""
    lessons: dict[str, Lesson] = field(default_factory=dict)
    """Every lesson that loaded, by id: course order first, then lessons no section lists."""
    problems: list[Problem] = field(default_factory=list)
    """Everything wrong, in any of the folder's files; each problem's span names its file."""
    course_path: Path | None = None
    """The course file, if the folder has one."""
    lesson_paths: list[Path] = field(default_factory=list)
    """Every lesson file of the folder, loaded or not."""
    broken: dict[str, Path] = field(default_factory=dict)
    """Lesson files that failed to load, by the id they seem to declare (else their name)."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def ordered(self) -> list[Lesson]:
        """The lessons the course lists, in reading order (those that loaded)."""
        if self.course is None:
            return list(self.lessons.values())
        return [self.lessons[i] for i in self.course.lesson_ids if i in self.lessons]


def load_course_dir(path: str | Path) -> LoadedCourse:
    """Load a course folder; see the module docstring for the exact contract."""
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: not a folder")
    result = LoadedCourse(path=folder, course=None, course_path=course_file(folder))
    result.lesson_paths = lesson_files(folder)
    for name in COURSE_FILES[1:]:
        other = folder / name
        if result.course_path is not None and other != result.course_path and other.is_file():
            result.problems.append(
                Problem(
                    Span(str(other), 1, 1),
                    f"this folder also has {result.course_path.name}, which "
                    "is the course file lectio reads; remove one of the two",
                    "crossref",
                )
            )
    if result.course_path is None:
        result.problems.append(
            Problem(
                Span(str(folder / COURSE_FILES[0]), 1, 1),
                "the course folder has no course.yaml",
                "crossref",
            )
        )
    else:
        try:
            doc = load(result.course_path, "course")
            assert isinstance(doc, Course)
            result.course = doc
        except LoadError as exc:
            result.problems.extend(exc.problems)

    loaded: list[Lesson] = []
    for file in result.lesson_paths:
        try:
            lesson = load(file, "lesson")
            assert isinstance(lesson, Lesson)
            loaded.append(lesson)
        except LoadError as exc:
            result.problems.extend(exc.problems)
            result.broken[_loose_id(file)] = file

    by_id: dict[str, Lesson] = {}
    for lesson in loaded:
        first = by_id.get(lesson.id)
        if first is not None:
            result.problems.append(
                Problem(
                    _id_span(lesson),
                    f"lesson id {lesson.id!r} is also used by {Path(first.path).name} "
                    f"(line {_id_span(first).line}); lesson ids must be unique within a course",
                    "crossref",
                )
            )
            continue
        by_id[lesson.id] = lesson

    course = result.course
    if course is not None:
        result.problems.extend(_check_listing(course, by_id, result))
        ordered = [i for i in course.lesson_ids if i in by_id]
        ordered += [i for i in by_id if i not in set(course.lesson_ids)]
        result.lessons = {i: in_course(by_id[i], course) for i in ordered}
    else:
        result.lessons = by_id
    result.problems.sort(key=lambda p: (p.span.file, p.span.line, p.span.col))
    return result


def in_course(lesson: Lesson, course: Course) -> Lesson:
    """The lesson as its course reads it: the course's language when it names none, and the
    course's ``normalize`` rewrites before its own (course, lesson, cell: the contract's order).
    Each rewrite keeps the position it was written at."""
    update: dict[str, object] = {}
    if not lesson.language:
        update["language"] = course.language
    if course.normalize:
        update["normalize"] = [*course.normalize, *lesson.normalize]
    return lesson.model_copy(update=update) if update else lesson


def with_its_course(lesson: Lesson) -> Lesson:
    """A lesson file read on its own, as its course reads it when its folder has a course file
    that loads (language, ``normalize``); else the lesson as it is."""
    found = course_file(Path(lesson.path).parent)
    if found is None:
        return lesson
    try:
        course = load(found, "course")
    except LoadError:
        return lesson
    return in_course(lesson, course) if isinstance(course, Course) else lesson


def _id_span(lesson: Lesson) -> Span:
    """Where ``id:`` is written in a lesson file (the lesson's own span if unknown)."""
    return lesson.span_of("id")


def _check_listing(course: Course, by_id: dict[str, Lesson], result: LoadedCourse) -> list[Problem]:
    problems: list[Problem] = []
    listed: dict[str, Span] = {}
    broken = result.broken
    for section in course.sections:
        for i, lesson_id in enumerate(section.lessons):
            span = section.span_of("lessons", i)
            if lesson_id in listed:
                problems.append(
                    Problem(
                        span,
                        f"lesson {lesson_id!r} is listed twice (first on "
                        f"line {listed[lesson_id].line})",
                        "crossref",
                    )
                )
                continue
            listed[lesson_id] = span
            if lesson_id in by_id or lesson_id in broken:
                continue
            msg = (
                f"lesson {lesson_id!r} is listed, but no lesson file in "
                f"{result.path.name}/ has id: {lesson_id}"
            )
            close = difflib.get_close_matches(lesson_id, list(by_id), n=1, cutoff=0.75)
            if close:
                msg += f"; did you mean {close[0]!r}?"
            problems.append(Problem(span, msg, "crossref"))
    for lesson_id, lesson in by_id.items():
        if lesson_id not in listed:
            problems.append(
                Problem(
                    _id_span(lesson),
                    f"lesson {lesson_id!r} is not listed in any section of course.yaml; "
                    "add it to a section's lessons",
                    "crossref",
                )
            )
    return problems


def _loose_id(file: Path) -> str:
    """The id a file seems to declare, even if it does not load (else its name): a listed lesson
    whose file is broken is then reported once (in its file), not also as "missing"."""
    try:
        data, _ = read_yaml(read_bytes(file), str(file))
    except LoadError:
        return file.parent.name if file.name in COURSE_FILES else file.stem
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return str(data["id"])
    return file.parent.name if file.name in COURSE_FILES else file.stem


class RefError(LookupError):
    """A ``course/lesson#question`` ref that does not resolve; ``str()`` is the message."""


@dataclass(frozen=True)
class QuizQuestion:
    """A question of a quiz after refs are resolved."""

    question: QuestionBlock
    span: Span
    """Where the item is written in the quiz file (the ``- ref:`` or ``- question:``)."""
    ref: str | None = None
    """The ref it came from, or None for a question written in the quiz."""
    lesson: Lesson | None = None
    """The lesson a referenced question comes from."""

    @property
    def key(self) -> str:
        """A stable identity within the quiz: the ref, or the inline question's id."""
        return self.ref or self.question.id


class Catalog:
    """The courses under one ``lessons/`` folder, loaded on demand and cached."""

    def __init__(self, lessons_root: str | Path) -> None:
        self.root = Path(lessons_root)
        self._courses: dict[str, LoadedCourse | None] = {}

    def add(self, course_id: str, loaded: LoadedCourse) -> None:
        """A course the caller has loaded already: refs to ``course_id`` resolve against it
        instead of loading its folder again."""
        self._courses[course_id] = loaded

    def course(self, course_id: str) -> LoadedCourse | None:
        """The course with this id: the folder of that name, else any whose course.yaml says so."""
        if course_id not in self._courses:
            self._courses[course_id] = self._find_course(course_id)
        return self._courses[course_id]

    def _find_course(self, course_id: str) -> LoadedCourse | None:
        direct = self.root / course_id
        if direct.is_dir() and course_file(direct) is not None:
            loaded = load_course_dir(direct)
            if loaded.course is None or loaded.course.id == course_id:
                return loaded
        if not self.root.is_dir():
            return None
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir() and p != direct):
            cf = course_file(folder)
            if cf is None:
                continue
            try:
                value = parse(read_bytes(cf), str(cf), "course")
            except LoadError:
                continue
            if isinstance(value, Course) and value.id == course_id:
                return load_course_dir(folder)
        return None

    def course_ids(self) -> list[str]:
        """The ids of the courses under the root (read loosely, for suggestions)."""
        if not self.root.is_dir():
            return []
        ids: list[str] = []
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            cf = course_file(folder)
            if cf is not None:
                ids.append(_loose_id(cf))
        return ids

    def find_question(self, ref: str | QuestionRef) -> tuple[Lesson, QuestionBlock]:
        text = ref.ref if isinstance(ref, QuestionRef) else ref
        try:
            course_id, rest = text.split("/", 1)
            lesson_id, question_id = rest.split("#", 1)
        except ValueError:
            raise RefError(f"ref: expected course/lesson#question, found {text!r}") from None
        loaded = self.course(course_id)
        if loaded is None:
            msg = f"ref: no course {course_id!r} in {self.root}"
            if course_file(self.root) is not None:  # --lessons lessons/<course> by mistake
                raise RefError(
                    f"{msg}: {self.root} is a course folder; --lessons wants the "
                    f"folder holding course folders ({self.root.parent})"
                )
            raise RefError(msg + _suggest(course_id, self.course_ids()))
        lesson = loaded.lessons.get(lesson_id)
        if lesson is None:
            broken = loaded.broken.get(lesson_id)
            if broken is not None:
                raise RefError(f"ref: the lesson file {broken} has problems; fix them first")
            msg = f"ref: course {course_id!r} has no lesson {lesson_id!r}"
            raise RefError(msg + _suggest(lesson_id, list(loaded.lessons)))
        question = lesson.question(question_id)
        if question is None:
            msg = f"ref: lesson {lesson_id!r} has no question {question_id!r}"
            raise RefError(msg + _suggest(question_id, [q.id for q in lesson.questions]))
        return lesson, question


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.75)
    if close:
        return f"; did you mean {close[0]!r}?"
    if options and len(options) <= 8:
        return f" (it has: {', '.join(options)})"
    return ""


def find_question(lessons_root: str | Path, ref: str | QuestionRef) -> tuple[Lesson, QuestionBlock]:
    """Resolve one ref; see the module docstring. Use a :class:`Catalog` for many."""
    return Catalog(lessons_root).find_question(ref)


def default_lessons_root(quiz_path: str | Path) -> Path | None:
    """The ``lessons/`` folder beside the nearest ``quizzes/`` folder holding the quiz;
    for a quiz outside any ``quizzes/`` folder, a ``lessons/`` folder beside the quiz file.
    The path keeps the form it was given in (relative stays relative) where it can."""
    given = Path(quiz_path)
    for path in (given, given.resolve()):
        for folder in path.parents:
            if folder.name == "quizzes":
                candidate = folder.parent / "lessons"
                return candidate if candidate.is_dir() else None
    candidate = given.parent / "lessons"
    return candidate if candidate.is_dir() else None


def resolve_quiz(quiz: Quiz, lessons_root: str | Path | Catalog | None) -> list[QuizQuestion]:
    """The quiz's questions with refs resolved; see the module docstring."""
    items, problems = resolve_quiz_partly(quiz, lessons_root)
    if problems:
        raise LoadError(problems)
    return items


def resolve_quiz_partly(
    quiz: Quiz, lessons_root: str | Path | Catalog | None
) -> tuple[list[QuizQuestion], list[Problem]]:
    """The questions that resolve, and a problem for each ref that does not: for readers of
    records (``lectio report``) that should not lose every question to one broken ref."""
    catalog = (
        lessons_root
        if isinstance(lessons_root, Catalog)
        else (Catalog(lessons_root) if lessons_root is not None else None)
    )
    items: list[QuizQuestion] = []
    problems: list[Problem] = []
    for item in quiz.questions:
        if isinstance(item, QuestionBlock):
            items.append(QuizQuestion(question=item, span=item.span))
            continue
        if catalog is None:
            problems.append(
                Problem(
                    item.span_of("ref"),
                    f"ref: cannot look up {item.ref!r}: no lessons/ folder beside the quiz's "
                    "folder; keep quizzes/ beside lessons/ (lectio validate also takes "
                    "--lessons DIR)",
                    f"ref {item.ref}",
                )
            )
            continue
        try:
            lesson, question = catalog.find_question(item)
        except RefError as exc:
            problems.append(Problem(item.span_of("ref"), str(exc), f"ref {item.ref}"))
            continue
        items.append(QuizQuestion(question=question, span=item.span, ref=item.ref, lesson=lesson))
    return items, problems
