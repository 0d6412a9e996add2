"""Names the interface gives to values of the lesson model, one table for every front end.

The values are marked messages (:func:`engine.i18n.N_`), translated where they are shown with
:func:`engine.i18n.tr`, so extraction sees each name and no message id is built at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.i18n import N_, Msg, nt, t, tr

if TYPE_CHECKING:
    from engine.session.course_quizzes import QuizStanding

NOTE_KINDS: dict[str, Msg] = {
    "definition": N_("Definition"),
    "tip": N_("Tip"),
    "info": N_("Info"),
    "warning": N_("Warning"),
}
"""The heading of a note of each ``kind`` (engine.format.models.NoteBlock)."""

GRAPH_KINDS: dict[str, Msg] = {
    "leaf": N_("leaf"),
    "op": N_("operation"),
    "tensor": N_("tensor"),
}
"""What a node of an autograd graph is (engine.execution.graph.GraphNode.kind), in words."""


def note_heading(kind: str, title: str | None, lang: str | None) -> tuple[str, str | None]:
    """The kind's name and the title to show under it: None when there is no title, or when
    the title only repeats the kind ("Definição" in a definition note), so it is said once."""
    label = tr(NOTE_KINDS[kind], lang)
    if title is None or title.strip().casefold() in (label.casefold(), kind.casefold()):
        return label, None
    return label, title


def chapters_done(done: int, total: int, lang: str | None) -> str:
    """A course's progress in words ("1 of 3 chapters done"), one message for every front end;
    the plural follows the number of chapters ("0 de 1 capítulo concluído")."""
    return nt("{done} of {n} chapter done", "{done} of {n} chapters done", total, lang, done=done)


def chapter_place(section: int, chapter: int, lang: str | None) -> str:
    """Where a chapter is in its course ("Section 2 · Chapter 5"), one message for every front
    end (the chapter is numbered across the course)."""
    return t("Section {section} · Chapter {chapter}", lang, section=section, chapter=chapter)


def quiz_standing_text(standing: QuizStanding, lang: str | None) -> str:
    """How the learner stands in a quiz, in words, for the course map and the end of the
    course: "Best 80% · passed", "Best 40% · not passed yet", "In progress", "Not taken yet"."""
    if standing.best is None:
        return t("In progress", lang) if standing.in_progress else t("Not taken yet", lang)
    verdict = t("passed", lang) if standing.passed else t("not passed yet", lang)
    text = t("Best {percent:.0f}% · {verdict}", lang, percent=standing.best * 100, verdict=verdict)
    if standing.in_progress:
        text += " · " + t("in progress", lang)
    return text
