"""Where in the course a name or a topic is explained: the chapters and blocks that mention it.

A plain search of the course's blocks (no index: a course is a few hundred blocks), ranked so
that prose which names the term in backticks comes before prose that only mentions it, and both
before code that uses it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from engine.format.models import CodeBlock, Lesson, NoteBlock, QuestionBlock, TextBlock


@dataclass(frozen=True, slots=True)
class Place:
    lesson: str  # lesson id
    title: str  # the lesson's title
    chapter: int  # 1-based position in the course order given
    block: int  # block index
    kind: str  # "text", "note", "code", "question"
    excerpt: str  # the line that mentions the term


def _text(block: object) -> tuple[str, str] | None:
    if isinstance(block, TextBlock):
        return "text", block.text
    if isinstance(block, NoteBlock):
        return "note", f"{block.title or ''}\n{block.note}"
    if isinstance(block, CodeBlock) and not block.hidden:
        return "code", block.code
    if isinstance(block, QuestionBlock):
        return "question", block.question
    return None


def find_places(
    term: str,
    lessons: Sequence[Lesson],
    *,
    skip: tuple[str, int] | None = None,
    limit: int = 3,
) -> list[Place]:
    """Blocks of ``lessons`` (in course order) that mention ``term`` (the last part of a dotted
    name: ``loss.backward`` is looked up as ``backward``), best first; ``skip``: (lesson id,
    block) the learner is already at."""
    word = term.rsplit(".", 1)[-1].strip()
    if len(word) < 2:
        return []
    pattern = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])", re.IGNORECASE)
    scored: list[tuple[int, int, int, Place]] = []
    for number, lesson in enumerate(lessons, 1):
        for index, block in enumerate(lesson.blocks):
            if skip == (lesson.id, index):
                continue
            found = _text(block)
            if found is None:
                continue
            kind, text = found
            match = pattern.search(text)
            if match is None:
                continue
            start = text.rfind("\n", 0, match.start()) + 1
            end = text.find("\n", match.end())
            excerpt = text[start : end if end >= 0 else len(text)].strip()[:160]
            rank = 2 if kind == "code" else (0 if f"`{word}" in text or f".{word}" in text else 1)
            place = Place(lesson.id, lesson.title, number, index, kind, excerpt)
            scored.append((rank, number, index, place))
    scored.sort(key=lambda item: item[:3])
    return [place for *_, place in scored[:limit]]
