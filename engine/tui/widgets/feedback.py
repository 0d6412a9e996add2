"""The end of a chapter: "Was everything clear?", "How can we improve it?", then thanks."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Input, Label

from engine.i18n import t


class ChapterFeedback(Vertical):
    """Yes / No, an optional comment, Send; then "Thanks for your feedback!".

    Posts :class:`ChapterFeedback.Submitted`; the screen records it through the session. Pressing
    Yes or No selects the answer (it can be changed) and moves to the comment field.
    """

    DEFAULT_CSS = """
    ChapterFeedback {
        height: auto;
        margin: 1 0;
        padding: 0 1;
        border: round $primary;
        & > .feedback--question { text-style: bold; margin: 0 0 1 0; }
        & > .feedback--answers { height: auto; }
        & > .feedback--answers > Button { margin: 0 1 0 0; min-width: 8; }
        & > .feedback--answers > Button.-picked { text-style: bold reverse; }
        & > .feedback--improve { margin: 1 0 0 0; }
        & > Input { margin: 0; }
        & > .feedback--send { margin: 1 0 0 0; }
        & > .feedback--thanks { display: none; color: $text-success; text-style: bold; }
        &.-sent > * { display: none; }
        &.-sent > .feedback--thanks { display: block; }
    }
    """

    clear: reactive[bool | None] = reactive(None)
    """The learner's answer to "Was everything clear?" (None: not answered)."""
    sent: reactive[bool] = reactive(False)

    class Submitted(Message):
        """The learner sent the chapter feedback."""

        def __init__(self, feedback: ChapterFeedback, clear: bool | None, comment: str | None):
            super().__init__()
            self.feedback = feedback
            self.clear = clear
            self.comment = comment

        @property
        def control(self) -> ChapterFeedback:
            return self.feedback

    def __init__(self, *, lang: str, sent: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lang = lang
        self.set_reactive(ChapterFeedback.sent, sent)

    def compose(self) -> ComposeResult:
        yield Label(t("Was everything clear?", self.lang), classes="feedback--question")
        with Horizontal(classes="feedback--answers"):
            yield Button(t("Yes", self.lang), id="yes", compact=True)
            yield Button(t("No", self.lang), id="no", compact=True)
        yield Label(t("How can we improve it?", self.lang), classes="feedback--improve")
        yield Input(placeholder=t("Your comment (optional)", self.lang), max_length=2000)
        yield Button(
            t("Send", self.lang),
            id="send",
            variant="primary",
            compact=True,
            classes="feedback--send",
        )
        yield Label(t("Thanks for your feedback!", self.lang), classes="feedback--thanks")

    def on_mount(self) -> None:
        self.set_class(self.sent, "-sent")

    def watch_clear(self, clear: bool | None) -> None:
        if self.is_mounted:
            self.query_one("#yes", Button).set_class(clear is True, "-picked")
            self.query_one("#no", Button).set_class(clear is False, "-picked")

    def watch_sent(self, sent: bool) -> None:
        self.set_class(sent, "-sent")

    def send(self) -> None:
        comment = self.query_one(Input).value.strip() or None
        if self.clear is None and comment is None:
            self.query_one("#yes", Button).focus()
            return
        self.post_message(self.Submitted(self, self.clear, comment))
        self.sent = True

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id in ("yes", "no"):
            self.clear = event.button.id == "yes"
            self.query_one(Input).focus()
        elif event.button.id == "send":
            self.send()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.send()
