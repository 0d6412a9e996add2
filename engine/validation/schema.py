"""The schema half of ``lectio validate``: load every target, check cross-references.

Produces one :class:`FileReport` per file with named checks: "schema" for the file as a whole,
"question <id>" for each question, "ref <ref>" for each quiz ref, "course" for problems in how
a course and its lessons fit together. Returns the lessons that loaded, so the execution half
(``engine.execution.validate``) can run their cells; nothing here runs any code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.format.catalog import (
    COURSE_FILES,
    Catalog,
    default_lessons_root,
    load_course_dir,
    with_its_course,
)
from engine.format.loader import guess_kind, parse_document, read_bytes
from engine.format.models import Course, Lesson, QuestionBlock, QuestionRef, Quiz
from engine.format.problems import LoadError, Problem
from engine.validation.content import check_content
from engine.validation.discover import Targets
from engine.validation.report import Check, FileKind, FileReport, ValidationReport


@dataclass
class SchemaResult:
    """The reports, plus every lesson that passed the schema (to run its cells next)."""

    report: ValidationReport
    lessons: list[Lesson] = field(default_factory=list)


class _Checker:
    def __init__(self, lessons_root: Path | None) -> None:
        self.lessons_root = lessons_root
        self.catalogs: dict[Path, Catalog] = {}
        self.result = SchemaResult(ValidationReport())

    @property
    def report(self) -> ValidationReport:
        return self.result.report

    def catalog_for(self, quiz_file: Path) -> Catalog | None:
        root = self.lessons_root or default_lessons_root(quiz_file)
        if root is None:
            return None
        key = root.resolve()
        if key not in self.catalogs:
            self.catalogs[key] = Catalog(root)
        return self.catalogs[key]

    def new_file(self, path: Path | str, kind: FileKind) -> FileReport:
        report = FileReport(str(path), kind)
        self.report.files.append(report)
        self.report.counts.files += 1
        return report

    def add_lesson(self, report: FileReport, lesson: Lesson, root: Path | None = None) -> None:
        report.checks.append(Check("schema", "passed", span=lesson.span))
        report.checks.extend(Check.from_problem(p) for p in check_content(lesson, root))
        report.checks.extend(_question_checks(lesson.questions))
        counts = self.report.counts
        counts.lessons += 1
        counts.cells += len(lesson.code_cells)
        counts.questions += len(lesson.questions)
        counts.verifications += sum(q.verify is not None for q in lesson.questions)
        self.result.lessons.append(lesson)

    def course(self, folder: Path) -> None:
        loaded = load_course_dir(folder)
        by_file: dict[str, list[Problem]] = {}
        for problem in loaded.problems:
            by_file.setdefault(problem.span.file, []).append(problem)
        course_path = str(loaded.course_path or folder / "course.yaml")
        report = self.new_file(course_path, "course")
        if loaded.course is not None:
            report.checks.append(Check("schema", "passed", span=loaded.course.span))
            content = check_content(loaded.course, folder)
            report.checks.extend(Check.from_problem(p) for p in content)
            if loaded.course.id != folder.resolve().name:
                report.checks.append(
                    Check(
                        "course",
                        "failed",
                        f"id: the course id {loaded.course.id!r} differs from its folder's name "
                        f"{folder.resolve().name!r}; lessons/<course-id>/ must be named after it "
                        "(quiz refs name the course by its id)",
                        loaded.course.span_of("id"),
                    )
                )
        report.checks.extend(Check.from_problem(p) for p in by_file.pop(course_path, []))
        if loaded.course is not None and not any(c.name == "course" for c in report.checks):
            report.checks.append(Check("course", "passed", span=loaded.course.span))
        by_path = {lesson.path: lesson for lesson in loaded.lessons.values()}
        for file in loaded.lesson_paths:
            report = self.new_file(file, "lesson")
            lesson = by_path.get(str(file))
            if lesson is not None:
                self.add_lesson(report, lesson, folder)
            report.checks.extend(Check.from_problem(p) for p in by_file.pop(str(file), []))
        for path, problems in by_file.items():  # a second course file; never drop a problem
            known = next((f for f in self.report.files if f.path == path), None)
            kind: FileKind = "course" if Path(path).name in COURSE_FILES else "unknown"
            target = known or self.new_file(path, kind)
            target.checks.extend(Check.from_problem(p) for p in problems)

    def file(self, path: Path) -> None:
        try:
            doc, problems = parse_document(read_bytes(path), str(path))
            if problems and not isinstance(doc, Quiz):
                raise LoadError(problems)
        except LoadError as exc:
            kind: FileKind = guess_kind(path)
            if any(p.check in {"yaml", "file"} for p in exc.problems):
                kind = "unknown"
            report = self.new_file(path, kind)
            report.checks.extend(Check.from_problem(p) for p in exc.problems)
            return
        if isinstance(doc, Lesson):  # as its course reads it (course normalize, language)
            self.add_lesson(self.new_file(path, "lesson"), with_its_course(doc))
        elif isinstance(doc, Course):
            report = self.new_file(path, "course")
            report.checks.append(Check("schema", "passed", span=doc.span))
            report.checks.extend(Check.from_problem(p) for p in check_content(doc))
        else:
            report = self.new_file(path, "quiz")
            self.quiz(report, doc, path, problems)
            report.checks.extend(Check.from_problem(p) for p in check_content(doc))

    def quiz(self, report: FileReport, quiz: Quiz, path: Path, problems: list[Problem]) -> None:
        if problems:
            report.checks.extend(Check.from_problem(p) for p in problems)
        else:
            report.checks.append(Check("schema", "passed", span=quiz.span))
        counts = self.report.counts
        counts.questions += len(quiz.questions)
        catalog = self.catalog_for(path)
        for item in quiz.questions:
            if isinstance(item, QuestionBlock):
                report.checks.extend(_question_checks([item]))
                if item.verify is not None:
                    report.checks.append(
                        Check(
                            f"verify {item.id}",
                            "failed",
                            "a question written in a quiz has no cells above it to check "
                            "against; move it, with its verify, into a lesson and ref it",
                            item.key_span("verify"),
                        )
                    )
            else:
                report.checks.append(_ref_check(item, catalog))


def _question_checks(questions: list[QuestionBlock]) -> list[Check]:
    return [Check(f"question {q.id}", "passed", span=q.span) for q in questions]


def _ref_check(item: QuestionRef, catalog: Catalog | None) -> Check:
    name = f"ref {item.ref}"
    span = item.span_of("ref")
    if catalog is None:
        return Check(
            name,
            "failed",
            f"ref: cannot look up {item.ref!r}: no lessons/ folder "
            "beside the quiz's folder (pass --lessons DIR)",
            span,
        )
    try:
        catalog.find_question(item)
    except LookupError as exc:
        return Check(name, "failed", str(exc), span)
    return Check(name, "passed", span=span)


def check_schema(targets: Targets, *, lessons_root: str | Path | None = None) -> SchemaResult:
    """Load and cross-check every target; never raises for bad content."""
    checker = _Checker(Path(lessons_root) if lessons_root is not None else None)
    for folder in targets.courses:
        checker.course(folder)
    for file in targets.files:
        checker.file(file)
    from engine.validation.yaml11 import warnings

    for report in checker.report.files:
        if report.kind != "unknown":
            report.checks.extend(warnings(report.path))
    return checker.result
