"""The chapter list of a course: a side menu on the lesson screen, the body of the course map
(there with the course's quizzes after the chapters); the quiz list at the end of a course."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from engine.i18n import N_, Msg, t, tr
from engine.session.labels import quiz_standing_text
from engine.session.study import Chapter
from engine.tui.inline import inline_markdown

if TYPE_CHECKING:
    from engine.session.course_quizzes import CourseQuiz

QUIZ_OPTION = "quiz:"
"""The prefix of a quiz's option id (lesson ids are slugs: no colon, no clash)."""

MARKS = {
    "done": ("✓", "green"),
    "started": ("◐", "yellow"),
    "not_started": ("○", "dim"),
    "missing": ("✗", "red"),
    "unavailable": ("✗", "red"),
}
STATUS: dict[str, Msg] = {
    "done": N_("Done"),
    "started": N_("Started"),
    "not_started": N_("Not started"),
    "missing": N_("Missing"),
    "unavailable": N_("Unavailable"),
}


class HangingPrompt:
    """A label (``✓ Chapter 3  ``) then a text that, when it wraps, continues under its own
    first character instead of at the left edge under the mark (a hanging indent).

    Rich's :class:`Text` wraps every line to the left edge; this renders the text wrapped to
    the width left of the label and pads the lines after the first. ``str()`` and ``plain``
    give the one-line text, as a :class:`Text` prompt would."""

    MIN_BODY = 12
    """Narrower than this beside the label, the text wraps under everything as plain Text."""

    def __init__(self, head: Text, body: Text) -> None:
        self.head = head
        self.body = body

    @property
    def plain(self) -> str:
        return self.head.plain + self.body.plain

    def __str__(self) -> str:
        return self.plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = self.head.cell_len
        width = options.max_width - indent
        if width < self.MIN_BODY:
            yield Text.assemble(self.head, self.body)
            return
        for n, line in enumerate(self.body.wrap(console, width)):
            yield Text.assemble(self.head if n == 0 else Text(" " * indent), line)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        full = self.head.cell_len + self.body.cell_len
        return Measurement(min(full, self.head.cell_len + self.MIN_BODY), full)


def chapter_prompt(
    chapter: Chapter,
    status: str,
    *,
    lang: str,
    current: bool = False,
    status_text: bool = True,
    width: int = 0,
) -> HangingPrompt:
    """``✓ Chapter 3  Gradients`` with the done/started mark coloured; ``width``: the
    "Chapter n" label is padded to it, so the titles line up past Chapter 9. A long title
    wraps under itself (the narrow chapter menu), not under the mark."""
    mark, style = MARKS.get(status, MARKS["not_started"])
    head = Text()
    head.append(f"{mark} ", style=style)
    head.append(t("Chapter {n}", lang, n=chapter.number).ljust(width) + "  ", style="dim")
    title = inline_markdown(chapter.title)
    if current:
        title.stylize("bold reverse")
    if status_text and status != "not_started":
        title.append(f"  {tr(STATUS[status], lang)}", style=f"italic {style}")
    return HangingPrompt(head, title)


def quiz_mark(quiz: CourseQuiz) -> tuple[str, str]:
    """The mark of a quiz, as a chapter's: ✓ passed, ◐ taken (or under way), ○ not taken."""
    standing = quiz.standing
    if standing.passed:
        return MARKS["done"]
    if standing.finished or standing.in_progress:
        return MARKS["started"]
    return MARKS["not_started"]


def quiz_prompt(quiz: CourseQuiz, *, lang: str, width: int = 0) -> HangingPrompt:
    """``✓ Quiz  Review: Autograd  Best 80% · passed``, laid out as a chapter's prompt."""
    mark, style = quiz_mark(quiz)
    head = Text()
    head.append(f"{mark} ", style=style)
    head.append(t("Quiz", lang).ljust(width) + "  ", style="dim")
    body = inline_markdown(quiz.title)
    body.append(f"  {quiz_standing_text(quiz.standing, lang)}", style=f"italic {style}")
    return HangingPrompt(head, body)


def quiz_options(quizzes: Sequence[CourseQuiz], *, lang: str, width: int = 0) -> list[Option]:
    return [
        Option(quiz_prompt(quiz, lang=lang, width=width), id=QUIZ_OPTION + quiz.id)
        for quiz in quizzes
    ]


class OpenQuiz(Message):
    """The learner picked one of the course's quizzes (on the map or at the end of the
    course); the app opens it over the screen it was picked on."""

    def __init__(self, quiz_id: str) -> None:
        super().__init__()
        self.quiz_id = quiz_id


def picked_quiz(option_id: str | None) -> str | None:
    """The quiz id of a picked option, None for a chapter's."""
    if option_id and option_id.startswith(QUIZ_OPTION):
        return option_id[len(QUIZ_OPTION) :]
    return None


class QuizList(OptionList):
    """The course's quizzes on their own (the end of the course); Enter opens one, as the
    chapter list's (made with :func:`engine.tui.keys.in_language` for its language)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", key_display="enter")
    ]

    DEFAULT_CSS = """
    QuizList { height: auto; max-height: 12; }
    """

    def __init__(self, quizzes: Sequence[CourseQuiz], *, lang: str, id: str | None = None):
        self.lang = lang
        super().__init__(*quiz_options(quizzes, lang=lang), id=id)

    def update_quizzes(self, quizzes: Sequence[CourseQuiz]) -> None:
        """Redraw the standings (a quiz was taken meanwhile)."""
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(quiz_options(quizzes, lang=self.lang))
        self.highlighted = highlighted


class ChapterList(OptionList):
    """Sections as headings (disabled options), chapters as options whose id is the lesson id.

    Enter opens the highlighted chapter: OptionList's own Enter binding, shown ("Open") so the
    footer says how (made with :func:`engine.tui.keys.in_language` for its language)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", key_display="enter")
    ]

    DEFAULT_CSS = """
    ChapterList {
        height: auto;
        max-height: 100%;
        /* section headings are disabled options: readable, not greyed out (4.5:1) */
        & > .option-list--option-disabled { color: $text-muted; }
    }
    """

    def __init__(
        self,
        chapters: Sequence[Chapter],
        statuses: dict[str, str],
        *,
        lang: str,
        current: str | None = None,
        status_text: bool = True,
        quizzes: Sequence[CourseQuiz] = (),
        id: str | None = None,
    ) -> None:
        """``quizzes``: the course's, listed under the chapters (the course map)."""
        self.chapters = list(chapters)
        self.quizzes = list(quizzes)
        self.lang = lang
        self.status_text = status_text
        super().__init__(*self._chapter_options(statuses, current), id=id)
        self.current = current

    def _chapter_options(self, statuses: dict[str, str], current: str | None) -> list[Option]:
        chapters, lang = self.chapters, self.lang
        width = max((len(t("Chapter {n}", lang, n=c.number)) for c in chapters), default=0)
        if self.quizzes:
            width = max(width, len(t("Quiz", lang)))
        options: list[Option] = []
        section = 0
        for chapter in chapters:
            if chapter.section != section:
                section = chapter.section
                heading = Text(t("Section {n}", lang, n=section) + " · ", style="bold")
                heading.append_text(inline_markdown(chapter.section_title))
                heading.stylize("bold")
                options.append(Option(heading, disabled=True, id=f"section-{section}"))
            status = (
                statuses.get(chapter.lesson_id, "not_started")
                if chapter.available
                else "unavailable"
                if chapter.problems
                else "missing"
            )
            # A broken chapter stays selectable: picking it says what is wrong with its file.
            options.append(
                Option(
                    chapter_prompt(
                        chapter,
                        status,
                        lang=lang,
                        current=chapter.lesson_id == current,
                        status_text=self.status_text,
                        width=width,
                    ),
                    id=chapter.lesson_id,
                    disabled=not chapter.available and not chapter.problems,
                )
            )
        if self.quizzes:
            heading = Text(t("Quizzes", lang), style="bold")
            options.append(Option(heading, disabled=True, id="quizzes"))
            options += quiz_options(self.quizzes, lang=lang, width=width)
        return options

    def update_statuses(self, statuses: dict[str, str]) -> None:
        """Redraw the done/started marks (they change as the learner studies)."""
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(self._chapter_options(statuses, self.current))
        self.highlighted = highlighted

    def update_quizzes(self, quizzes: Sequence[CourseQuiz], statuses: dict[str, str]) -> None:
        """List ``quizzes`` under the chapters (the course map drawn from the outline, before
        the full load found them), keeping the highlight where the learner left it."""
        self.quizzes = list(quizzes)
        self.update_statuses(statuses)

    def on_mount(self) -> None:
        if self.current is not None:
            with contextlib.suppress(OptionDoesNotExist):  # the lesson is not listed
                self.highlighted = self.get_option_index(self.current)


class ChapterMenu(Vertical):
    """The lesson screen's side menu around a :class:`ChapterList`: Escape closes it ("Close"
    in the footer while the menu has the focus, where the screen's Escape says "Back")."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    class Closed(Message):
        """The learner closed the menu; the screen hides it and gives the blocks the focus."""

    def action_close(self) -> None:
        self.post_message(self.Closed())
