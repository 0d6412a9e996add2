"""A multiple-choice question: radio buttons or checkboxes, Check, verdict, explanations, hints.

The widget only shows and collects: the choices come in the order the session chose for this
learner (each remembers its original index), and grading, hints and attempts belong to the
session. The widget posts :class:`Question.CheckRequested` / :class:`Question.HintRequested`; its
screen asks the session and calls :meth:`Question.show_verdict` / :meth:`Question.show_hints`.
The same widget serves lessons and standalone quizzes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar, Protocol

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Checkbox, Label, RadioButton, RadioSet, Static

from engine.i18n import nt, t
from engine.session.views import Verdict
from engine.tui.inline import hanging, inline_markdown
from engine.tui.widgets.prose import MarkdownText


class ChoiceLike(Protocol):
    """What the widget needs of a choice: its original index and its Markdown text."""

    @property
    def index(self) -> int: ...
    @property
    def text(self) -> str: ...


if TYPE_CHECKING:  # the base of RadioButton and Checkbox (not re-exported by Textual)
    from textual.widgets._toggle_button import ToggleButton as _Toggle
else:
    _Toggle = object


class WrappingToggle(_Toggle):
    """A toggle whose label wraps onto more lines, under its own first character, instead of
    being cut with "…" (Textual's toggles are one line): a learner reads the whole choice at 60
    columns. Lines are wrapped here, to the width the layout gives (the height follows).

    A mixin, put before RadioButton or Checkbox: Textual takes a widget's CSS type names from
    its first base that is a widget, so that base stays the real toggle class."""

    def _label_width(self, width: int) -> int:
        """The room for the label's text beside the mark (the mark, one space either side)."""
        return max(width - self._button.cell_length - 2, 1)

    def _lines(self, width: int) -> list[Content]:
        return self._label.wrap(self._label_width(width)) if self._label else []

    def render(self) -> Content:
        width = self.content_size.width
        lines = self._lines(width)
        if len(lines) <= 1 or not width:
            return super().render()
        style = self.get_visual_style("toggle--label")
        indent = " " * (self._button.cell_length + 1)
        rows = [Content.assemble(self._button, lines[0].pad(1, 1).stylize_before(style))]
        rows += [
            Content.assemble(indent, line.pad_right(1).stylize_before(style)) for line in lines[1:]
        ]
        return Content("\n").join(rows)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(len(self._lines(width)), 1)


class PickRadio(WrappingToggle, RadioButton):
    """A radio button whose mark says picked or not without colour: ``●`` or ``○``."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "●" if self.value else "○"
        return super()._button


class PickBox(WrappingToggle, Checkbox):
    """A checkbox whose mark says picked or not without colour: ``X`` or a blank."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        return super()._button


class ChoiceChecks(Vertical):
    """The checkboxes of a "select all that apply" question. Up and down move between them,
    as they do between the radio buttons of a single-answer question (Tab works too)."""

    def _move(self, step: int) -> bool:
        boxes = list(self.query(Checkbox))
        focused = self.screen.focused
        if focused not in boxes:
            return False
        assert isinstance(focused, Checkbox)
        index = boxes.index(focused) + step
        if 0 <= index < len(boxes):
            boxes[index].focus()
        return True

    def key_down(self, event: events.Key) -> None:
        if self._move(+1):
            event.stop()

    def key_up(self, event: events.Key) -> None:
        if self._move(-1):
            event.stop()


class Question(Vertical):
    """A question block. ``c`` (or the Check button) checks, ``h`` reveals the next hint,
    ``t`` clears the answer to try again, ``a`` shows the answer (after a wrong one: giving up).
    What a verdict shows follows :meth:`~engine.session.views.Verdict.shown`."""

    DEFAULT_CSS = """
    Question {
        height: auto;
        margin: 1 0;
        padding: 0 1;
        border: round $primary;
        border-title-color: $text-primary;
        &:focus-within { border: round $border; }
        &.-solved { border: round $success; border-title-color: $text-success; }
        & > .question--instruction { color: $text-muted; text-style: italic; margin: 0 0 1 0; }
        & > RadioSet { width: 100%; border: none; background: transparent; padding: 0; }
        & > RadioSet:focus { border: none; }
        & > .question--checks { height: auto; }
        & > .question--checks > Checkbox {
            border: none; background: transparent; padding: 0; width: 1fr;
        }
        & > .question--buttons { height: auto; margin: 1 0 0 0; }
        & > .question--buttons Button { margin: 0 1 0 0; min-width: 8; }
        & > .question--hints { height: auto; color: $text-warning; display: none; }
        &.-hinted > .question--hints { display: block; }
        & > .question--verdict { height: auto; text-style: bold; display: none; }
        & > .question--explanations { height: auto; display: none; margin: 0 0 0 1; }
        &.-checked > .question--verdict { display: block; }
        &.-checked > .question--explanations { display: block; }
        &.-correct > .question--verdict { color: $text-success; }
        &.-wrong > .question--verdict { color: $text-error; }
        /* the mark of a choice, picked or not, readable on its ground (Textual draws the
           unpicked one at 1.4:1, as if it were not there) */
        & RadioSet > PickRadio > .toggle--button, & PickBox > .toggle--button {
            color: $text-muted;
        }
        & RadioSet > PickRadio.-on > .toggle--button, & PickBox.-on > .toggle--button {
            color: $text-success;
        }
        & > .question--right { color: $text-success; text-style: bold; }
        & > .question--wrong { color: $text-error; text-style: bold; }
        & > .question--tag { color: $text-muted; text-style: not bold; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"question--right", "question--wrong", "question--tag"}
    """The explanations' colours (a right choice, a wrong one, "(your answer)"), taken from the
    theme when drawn, and drawn again when the theme changes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "check", "Check"),
        Binding("h", "hint", "Hint"),
        Binding("t", "retry", "Try again"),
        Binding("a", "show_answer", "Show answer"),
    ]

    solved: reactive[bool] = reactive(False)

    class CheckRequested(Message):
        """Check the learner's picks (original choice indexes)."""

        def __init__(self, question: Question, picks: frozenset[int]) -> None:
            super().__init__()
            self.question = question
            self.picks = picks

        @property
        def control(self) -> Question:
            return self.question

    class AnswerRequested(Message):
        """Show the answer: the learner gives up (recorded as such by the session)."""

        def __init__(self, question: Question) -> None:
            super().__init__()
            self.question = question

        @property
        def control(self) -> Question:
            return self.question

    class HintRequested(Message):
        """Reveal the next hint."""

        def __init__(self, question: Question) -> None:
            super().__init__()
            self.question = question

        @property
        def control(self) -> Question:
            return self.question

    def __init__(
        self,
        *,
        prompt: str,
        multiple: bool,
        choices: Sequence[ChoiceLike],
        lang: str,
        block_index: int,
        hint_count: int,
        title: str | None = None,
        retry: bool = True,
        id: str | None = None,
    ) -> None:
        super().__init__(classes="block", id=id)
        self.prompt = prompt
        self.multiple = multiple
        self.choices = list(choices)
        self.lang = lang
        self.block_index = block_index
        self.hint_count = hint_count
        self.retry = retry
        self.border_title = title or ""
        self._verdict: Verdict | None = None
        """The verdict on screen, drawn again in the colours of a new theme."""

    def compose(self) -> ComposeResult:
        yield MarkdownText(self.prompt)
        if self.multiple:
            instruction = t("Select all that apply", self.lang)
        else:
            instruction = t("Select the correct answer", self.lang)
        yield Label(instruction, classes="question--instruction")
        if self.multiple:
            with ChoiceChecks(classes="question--checks"):
                for choice in self.choices:
                    yield PickBox(inline_markdown(choice.text), id=f"choice-{choice.index}")
        else:
            yield self._radio_set()
        with Horizontal(classes="question--buttons"):
            yield Button(t("Check", self.lang), id="check", variant="primary", compact=True)
            if self.hint_count:
                yield Button(t("Hint", self.lang), id="hint", compact=True)
            if self.retry:
                yield Button(t("Try again", self.lang), id="retry", compact=True)
                yield Button(t("Show answer", self.lang), id="show-answer", compact=True)
        yield Static(classes="question--hints")
        yield Label(classes="question--verdict")
        yield Static(classes="question--explanations")

    def _radio_set(self) -> RadioSet:
        return RadioSet(
            *(
                PickRadio(inline_markdown(choice.text), id=f"choice-{choice.index}")
                for choice in self.choices
            )
        )

    def on_mount(self) -> None:
        self._show_retry(False)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._redraw_verdict())

    def _redraw_verdict(self) -> None:
        if self._verdict is not None:
            explanations = self._explanations(self._verdict)
            self.query_one(".question--explanations", Static).update(explanations)

    def _show_retry(self, show: bool) -> None:
        for button in self.query("#retry, #show-answer").results(Button):
            button.display = show

    # ---- reading the learner's answer ----------------------------------------------------------

    def picks(self) -> frozenset[int]:
        """The original indexes of the checked choices."""
        toggles: Iterable[Checkbox | RadioButton] = (
            self.query(Checkbox) if self.multiple else self.query(RadioButton)
        )
        return frozenset(
            int((toggle.id or "choice-0").split("-")[1]) for toggle in toggles if toggle.value
        )

    def set_picks(self, picks: Iterable[int]) -> None:
        """Check exactly ``picks`` (original indexes); used to restore and to clear."""
        wanted = set(picks)
        toggles: Iterable[Checkbox | RadioButton] = (
            self.query(Checkbox) if self.multiple else self.query(RadioButton)
        )
        for toggle in toggles:
            index = int((toggle.id or "choice-0").split("-")[1])
            toggle.value = index in wanted

    # ---- shown by the screen -------------------------------------------------------------------

    def show_hints(self, hints: Sequence[str], left: int) -> None:
        """Show the hints revealed so far; disable the Hint button when none are left."""
        body = Text()
        total = len(hints) + left
        for n, hint in enumerate(hints, 1):
            if body.plain:
                body.append("\n")
            body.append(f"{t('Hint {n} of {total}', self.lang, n=n, total=total)}: ", style="bold")
            body.append_text(inline_markdown(hint))
        if hints and left <= 0:  # the ladder is used up: say so, and take the button away
            body.append("\n")
            body.append(t("No more hints.", self.lang), style="italic")
        self.query_one(".question--hints", Static).update(body)
        self.set_class(bool(hints), "-hinted")
        for button in self.query("#hint").results(Button):
            button.disabled = left <= 0
            button.display = left > 0
        self.refresh_bindings()

    def show_verdict(self, verdict: Verdict) -> None:
        """Show the session's verdict and every choice's explanation, in the shown order."""
        correct = bool(verdict.correct)
        if correct:
            line = "✓ " + t("Correct!", self.lang)
        elif verdict.gave_up:
            line = t("The answers:", self.lang)
        elif self.multiple:
            line = "✗ " + t(
                "Not quite: {wrong}, {missed}.",
                self.lang,
                wrong=nt("{n} wrong", "{n} wrong", len(verdict.wrong_picks), self.lang),
                missed=nt("{n} missed", "{n} missed", len(verdict.missed), self.lang),
            )
        else:
            line = "✗ " + t("Not quite.", self.lang)
        if self.retry and not verdict.gave_up:
            line += f"  ({t('Attempt {n}', self.lang, n=verdict.attempt)})"
        self.query_one(".question--verdict", Label).update(line)
        self._verdict = verdict
        self.query_one(".question--explanations", Static).update(self._explanations(verdict))
        self.add_class("-checked")
        self.set_class(correct, "-correct")
        self.set_class(not verdict.revealed, "-wrong")
        self.set_class(verdict.gave_up, "-gave-up")
        self.solved = self.solved or correct
        self._show_retry(not verdict.revealed)
        self.refresh_bindings()

    def _part(self, name: str) -> Style:
        """The colour and weight of a component class, without its background: the
        explanations are drawn on the question's own (tinted when focused)."""
        full = self.get_component_rich_style(name)
        return Style(color=full.color, bold=full.bold, italic=full.italic)

    def _explanations(self, verdict: Verdict) -> Group:
        """Every choice in the shown order: right or wrong, picked or not, and why."""
        by_index = {item.index: item for item in verdict.shown()}
        lines: list[RenderableType] = []
        for choice in self.choices:
            item = by_index.get(choice.index)
            if item is None:
                continue
            mark, part = ("✓", "question--right") if item.correct else ("✗", "question--wrong")
            line = inline_markdown(item.text)
            line.style = self._part(part)  # the whole choice in the mark's colour
            tags = []
            if item.picked:
                tags.append(t("your answer", self.lang))
            if item.correct and verdict.revealed:
                tags.append(t("correct answer", self.lang))
            if tags:
                line.append(f"  ({', '.join(tags)})", style=self._part("question--tag"))
            lines.append(hanging(Text(f"{mark} ", style=self._part(part)), line))
            if item.why:
                lines.append(Padding(inline_markdown(item.why), (0, 0, 0, 4)))
        return Group(*lines)

    async def clear_verdict(self) -> None:
        """Back to an unanswered state, to try again.

        A RadioSet refuses to turn its pressed button off, so a fresh one replaces it.
        """
        self._verdict = None
        self.remove_class("-checked", "-correct", "-wrong", "-gave-up")
        self._show_retry(False)
        self.refresh_bindings()
        if self.multiple:
            self.set_picks(())
        else:
            old = self.query_one(RadioSet)
            fresh = self._radio_set()
            await self.mount(fresh, after=old)
            await old.remove()

    def watch_solved(self, solved: bool) -> None:
        self.set_class(solved, "-solved")
        if solved:
            self.border_subtitle = "✓ " + t("Solved", self.lang)

    # ---- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hint and Try again are offered (footer, palette) only when they would do something:
        a hint is left, the last answer was wrong."""
        if action == "hint":
            return bool(self.hint_count) and not any(
                b.disabled for b in self.query("#hint").results(Button)
            )
        if action in ("retry", "show_answer"):
            return self.retry and self.has_class("-wrong")
        if action == "check":
            return not (self.solved or self.has_class("-gave-up"))
        return True

    def action_check(self) -> None:
        picks = self.picks()
        if not picks:
            self.notify(t("Pick an answer first", self.lang), severity="warning", timeout=2)
            return
        self.post_message(self.CheckRequested(self, picks))

    def action_show_answer(self) -> None:
        if self.retry and self.has_class("-wrong"):
            self.post_message(self.AnswerRequested(self))

    def action_hint(self) -> None:
        if self.hint_count:
            self.post_message(self.HintRequested(self))

    async def action_retry(self) -> None:
        if not self.retry:
            return
        await self.clear_verdict()
        first = self.query(Checkbox) if self.multiple else self.query(RadioSet)
        if first:
            first.first().focus()

    @on(Button.Pressed)
    async def _button(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "check":
            self.action_check()
        elif event.button.id == "hint":
            self.action_hint()
        elif event.button.id == "retry":
            await self.action_retry()
        elif event.button.id == "show-answer":
            self.action_show_answer()
