"""A standalone quiz: one question at a time, then the score against the pass mark and a review.

The :class:`~engine.session.quiz.QuizSession` draws the questions, grades and records each first
answer and scores the attempt; this screen shows them. A quiz question is answered once, so
after Check the verdict and explanations stay and "Next question" moves on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Label, Static

from engine.i18n import t
from engine.store.base import StoreError
from engine.tui.guard import notify_not_saved, saving
from engine.tui.inline import hanging, inline_markdown
from engine.tui.keys import in_language, screen_ranks
from engine.tui.widgets.footer import LectioFooter
from engine.tui.widgets.progress_line import ProgressLine
from engine.tui.widgets.question import Question

if TYPE_CHECKING:
    from engine.session.quiz import QuizResult, QuizSession
    from engine.session.study import Study


class QuizScreen(Screen[None]):
    """Take a quiz; ``n`` (or the button) goes to the next question once this one is checked,
    ``s`` skips it (a miss, as in the plain mode). The pass mark is in the header from the
    first question on. Opened from a course (its map, the end of its last chapter), Escape goes
    back there."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_question", "Next question"),
        Binding("s", "skip_question", "Skip question"),
        Binding("escape", "back", "Back"),
    ]
    FOOTER_RANK: ClassVar[dict[str, int]] = screen_ranks(back=1)
    """Back, the only way to the course map from here, leaves the footer with Help, after
    the question's own keys (at 60 columns in Portuguese it left first, before Skip
    question)."""

    def __init__(self, study: Study, session: QuizSession | None = None) -> None:
        super().__init__()
        self.study = study
        self.session = session or study.quiz_session()
        self.lang = study.lang_for()
        self.k = self.session.position

    def compose(self) -> ComposeResult:
        with Horizontal(id="header"):
            yield Label(inline_markdown(self.session.quiz.title), classes="quiz--title")
            yield Label(classes="quiz--count")
            yield Label(
                t(
                    "Pass mark: {percent:.0f}%",
                    self.lang,
                    percent=100 * self.session.quiz.pass_mark,
                ),
                classes="quiz--pass-mark-top",
            )
        with Horizontal(id="progress-row"):
            yield ProgressLine(total=self.session.count, id="progress")
        yield VerticalScroll(id="body")
        yield LectioFooter()

    async def on_mount(self) -> None:
        await self._show()

    async def _show(self) -> None:
        """Show question ``k``, or the result when every question is answered."""
        body = self.query_one("#body", VerticalScroll)
        await body.remove_children()
        total = self.session.count
        self.query_one("#progress", ProgressLine).update(progress=min(self.k, total))
        if self.k >= total:
            self.query_one(".quiz--count", Label).update("")
            try:
                result = self.session.result() if self.session.finished else self.session.finish()
            except StoreError as exc:  # the score is shown when it can be recorded
                notify_not_saved(self.app, exc, self.lang)
                self.k = total - 1
                await self._show()
                return
            await body.mount_all(self._result_widgets(result))
            # Retake is focused, but the score (at the top) is what the learner reads first.
            self.call_after_refresh(
                lambda: self.query_one("#retake", Button).focus(scroll_visible=False)
            )
            return
        self.query_one(".quiz--count", Label).update(
            t("Question {n} of {total}", self.lang, n=self.k + 1, total=total)
        )
        view = self.session.question(self.k)
        question = in_language(Question, self.lang)(
            prompt=view.prompt,
            multiple=view.multiple,
            choices=view.choices,
            lang=self.lang,
            block_index=self.k,
            hint_count=len(view.hints_shown) + view.hints_left,
            retry=False,
        )
        last = self.k + 1 >= total
        next_button = Button(
            (t("See the result", self.lang) if last else t("Next question", self.lang)),
            id="next",
            variant="primary",
            disabled=view.last is None,
            compact=True,
        )
        await body.mount_all([question, next_button])

        def restore() -> None:
            if view.hints_shown:
                question.show_hints(view.hints_shown, view.hints_left)
            if view.last is not None:
                question.set_picks(view.last.picked)
                question.show_verdict(view.last)
            focus = question.query("RadioSet, Checkbox")
            if focus:
                focus.first().focus()

        self.call_after_refresh(restore)

    def _result_widgets(self, result: QuizResult) -> list[Static | Label | Button]:
        percent = 100 * result.score
        passed = result.passed
        widgets: list[Static | Label | Button] = [
            Label(
                t(
                    "Score: {correct} of {total} ({percent:.0f}%)",
                    self.lang,
                    correct=result.correct,
                    total=result.total,
                    percent=percent,
                ),
                classes="quiz--score",
            ),
            Label(
                t("Pass mark: {percent:.0f}%", self.lang, percent=100 * result.pass_mark),
                classes="quiz--pass-mark",
            ),
            Label(
                ("✓ " if passed else "✗ ")
                + (t("Passed!", self.lang) if passed else t("Not passed yet", self.lang)),
                classes="quiz--verdict " + ("-passed" if passed else "-failed"),
            ),
            Label(t("Review of the misses", self.lang), classes="quiz--review-title"),
        ]
        if not result.missed:
            widgets.append(Label(t("No misses. Well done!", self.lang)))
        for review in result.missed:
            heading = Text(f"{review.number}. ", style="bold")
            heading.append_text(inline_markdown(" ".join(review.prompt.split())))
            parts: list[RenderableType] = [heading]
            verdict = review.verdict
            if verdict is not None:
                for item in verdict.explanations:
                    mark = Text(
                        "✓ " if item.correct else "✗ ", style="green" if item.correct else "red"
                    )
                    line = inline_markdown(item.text)
                    line.style = mark.style  # the whole choice in the mark's colour
                    if item.picked:
                        # the default colour dimmed, not the line's green or red (below 4.5:1)
                        tag = f"  ({t('your answer', self.lang)})"
                        line.append(tag, style="dim default")
                    parts.append(Padding(hanging(mark, line), (0, 0, 0, 2)))
                    if item.why:
                        parts.append(Padding(inline_markdown(item.why), (0, 0, 0, 6)))
            widgets.append(Static(Group(*parts), classes="quiz--miss"))
        widgets.append(Button(t("Retake", self.lang), id="retake", compact=True))
        return widgets

    # ---- events --------------------------------------------------------------------------------

    @on(Question.CheckRequested)
    def _check(self, event: Question.CheckRequested) -> None:
        event.stop()
        if self.session.answered(self.k):
            return
        with saving(self, self.lang):
            verdict = self.session.answer(self.k, event.picks)
        if not self.session.answered(self.k):
            return
        event.question.show_verdict(verdict)
        for toggle in event.question.query("RadioButton, Checkbox, #check, #hint"):
            toggle.disabled = True
        next_button = self.query_one("#next", Button)
        next_button.disabled = False
        next_button.focus()
        self.refresh_bindings()

    @on(Question.HintRequested)
    def _hint(self, event: Question.HintRequested) -> None:
        event.stop()
        with saving(self, self.lang):
            self.session.reveal_hint(self.k)
            view = self.session.question(self.k)
            event.question.show_hints(view.hints_shown, view.hints_left)

    @on(Button.Pressed, "#next")
    async def _next_pressed(self) -> None:
        await self.action_next_question()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ "Next question" only once this one is answered, "Skip question" only before (both
        hidden from the footer on the result page)."""
        if action == "next_question":
            return self.k < self.session.count and self.session.answered(self.k)
        if action == "skip_question":
            return self.k < self.session.count and not self.session.answered(self.k)
        if action == "back":  # opened from the course map or the end of a course
            return self._over_another()
        return True

    def _over_another(self) -> bool:
        """The quiz was opened over another screen (not as the target of ``lectio open``)."""
        stack = self.app.screen_stack
        return self in stack and stack.index(self) > 1

    def action_back(self) -> None:
        """Back to where the quiz was opened; an attempt left unfinished resumes next time."""
        if self._over_another() and self.app.screen is self:
            self.app.pop_screen()

    async def action_skip_question(self) -> None:
        if self.k < self.session.count and not self.session.answered(self.k):
            with saving(self, self.lang):
                self.session.skip(self.k)
            self.k += 1
            await self._show()
            self.refresh_bindings()

    async def action_next_question(self) -> None:
        if self.k < self.session.count and self.session.answered(self.k):
            self.k += 1
            await self._show()
            self.refresh_bindings()

    @on(Button.Pressed, "#retake")
    async def _retake(self) -> None:
        with saving(self, self.lang):
            self.session = self.study.quiz_session(new_attempt=True)
        self.k = self.session.position
        self.query_one("#progress", ProgressLine).update(total=self.session.count)
        await self._show()
