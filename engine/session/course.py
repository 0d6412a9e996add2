"""Progress through a course: each chapter's status, and where "Continue" should go.

The resume rule: the chapter the learner touched last, if it is not done; otherwise the next
chapter after it (in course order) that is not done; otherwise the first chapter not done;
``None`` when every chapter is done. Chapters that cannot be opened (their file is missing or
broken: not in the ``lessons`` given) are never the resume target.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence, Sized
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # only types: the course map is drawn before the models are imported
    from engine.store.base import Store
    from engine.store.records import LessonProgress


class SectionLike(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def lessons(self) -> Sequence[str]: ...


class CourseLike(Protocol):
    """A validated :class:`~engine.format.models.Course`, or the fast
    :class:`~engine.format.outline.CourseOutline` read before it."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def sections(self) -> Sequence[SectionLike]: ...
    @property
    def lesson_ids(self) -> list[str]: ...


class LessonLike(Protocol):
    """A :class:`~engine.format.models.Lesson` or a
    :class:`~engine.format.outline.LessonOutline`."""

    @property
    def title(self) -> str: ...
    @property
    def blocks(self) -> Sized: ...


class LessonStatus(StrEnum):
    NOT_STARTED = "not started"
    STARTED = "started"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class ChapterProgress:
    lesson_id: str
    title: str | None  # None when the lesson file is not available
    section: int  # 1-based
    section_title: str
    chapter: int  # 1-based, counted through the whole course
    status: LessonStatus
    position: int  # block index (== blocks at the chapter end)
    blocks: int | None  # number of blocks, when the lesson is known
    updated: float = 0.0

    @property
    def fraction(self) -> float:
        """How far into the chapter, 0..1 (1 when done)."""
        if self.status is LessonStatus.DONE:
            return 1.0
        if not self.blocks:
            return 0.0
        return min(self.position / self.blocks, 1.0)


@dataclass(frozen=True, slots=True)
class CourseProgress:
    course_id: str
    title: str
    chapters: tuple[ChapterProgress, ...]
    resume: str | None  # lesson id to continue at; None when every chapter is done

    @property
    def done(self) -> int:
        return sum(c.status is LessonStatus.DONE for c in self.chapters)

    @property
    def total(self) -> int:
        return len(self.chapters)

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.done == self.total

    @property
    def started(self) -> bool:
        return any(c.status is not LessonStatus.NOT_STARTED for c in self.chapters)

    def chapter(self, lesson_id: str) -> ChapterProgress | None:
        return next((c for c in self.chapters if c.lesson_id == lesson_id), None)


def resume_target(order: list[str], saved: Mapping[str, LessonProgress]) -> str | None:
    """See the module docstring."""
    not_done = [lesson for lesson in order if not (lesson in saved and saved[lesson].done)]
    if not not_done:
        return None
    touched = [saved[lesson] for lesson in order if lesson in saved]
    if not touched:
        return not_done[0]
    last = max(touched, key=lambda p: p.updated)
    if not last.done:
        return last.lesson
    after = order[order.index(last.lesson) + 1 :]
    return next((lesson for lesson in after if lesson in not_done), not_done[0])


def numbered_chapters(course: CourseLike) -> Iterator[tuple[int, SectionLike, int, str]]:
    """``(section, its section, chapter, lesson id)`` in course order: sections counted from 1,
    chapters from 1 through the whole course ("Section 2 · Chapter 5"). Every front end numbers
    chapters with this."""
    number = 0
    for s, section in enumerate(course.sections, 1):
        for lesson_id in section.lessons:
            number += 1
            yield s, section, number, lesson_id


def course_progress(
    course: CourseLike, store: Store, learner: str, lessons: Mapping[str, LessonLike] | None = None
) -> CourseProgress:
    """The learner's progress in ``course``; ``lessons`` (by id) adds titles and block counts."""
    saved = {p.lesson: p for p in store.all_progress(learner, course.id)}
    chapters = []
    for s, section, number, lesson_id in numbered_chapters(course):
        lesson = (lessons or {}).get(lesson_id)
        p = saved.get(lesson_id)
        status = (
            LessonStatus.NOT_STARTED
            if p is None
            else LessonStatus.DONE
            if p.done
            else LessonStatus.STARTED
        )
        chapters.append(
            ChapterProgress(
                lesson_id=lesson_id,
                title=lesson.title if lesson else None,
                section=s,
                section_title=section.title,
                chapter=number,
                status=status,
                position=p.position if p else 0,
                blocks=len(lesson.blocks) if lesson else None,
                updated=p.updated if p else 0.0,
            )
        )
    # A chapter whose file is missing or broken cannot be opened: Continue never points at it.
    order = [i for i in course.lesson_ids if lessons is None or i in lessons]
    return CourseProgress(
        course_id=course.id,
        title=course.title,
        chapters=tuple(chapters),
        resume=resume_target(order, saved),
    )
