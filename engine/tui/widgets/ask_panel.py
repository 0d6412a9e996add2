"""The Ask panel: suggested questions and a question box beside the lesson, answers below.

Mounted the first time the learner presses the Ask key (so neither this module nor
``engine.ask`` costs the first frame anything). It knows the block the learner is at (the
session's position), answers offline first in a thread worker (inspecting names blocks on the
kernel), then, when an endpoint is configured, streams the model's answer from another worker
that posts each piece as a message: the interface never waits. The first time for an endpoint
it shows exactly what will be sent, with Send / Don't send. Stop closes the connection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.markdown import Markdown as RichMarkdown
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList, Static

from engine.ask.service import AskService
from engine.i18n import t
from engine.safe_text import inert

if TYPE_CHECKING:
    from engine.ask.client import Asker
    from engine.format.models import Lesson
    from engine.session.lesson import LessonSession


class AskPanel(Vertical):
    """See the module docstring; ``refresh_for()`` when the learner moves or runs a cell."""

    class Piece(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Finished(Message):
        def __init__(self, note: str = "", error: bool = False) -> None:
            super().__init__()
            self.note = note
            self.error = error

    class Offline(Message):
        def __init__(self, text: str, question: str, block: int) -> None:
            super().__init__()
            self.text = text
            self.question = question
            self.block = block

    def __init__(
        self,
        session: LessonSession,
        *,
        lang: str | None,
        lessons: list[Lesson],
        chapter: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.lang = lang
        self.session = session
        self.service = AskService(session, lang=lang, lessons=lessons, chapter=chapter)
        self._asker: Asker | None = None
        self._pending: tuple[str, int] | None = None  # waiting for consent
        self._answer = ""
        self._offline_text = ""
        self._suggestions: list[str] = []

    def compose(self) -> ComposeResult:
        yield Label(t("Ask about this lesson", self.lang), classes="ask--title")
        yield Label("", id="ask-about", classes="ask--about")
        yield OptionList(id="ask-suggestions")
        yield Input(placeholder=t("Type a question and press Enter", self.lang), id="ask-input")
        with Horizontal(id="ask-consent"):
            yield Button(t("Send", self.lang), id="ask-send", variant="primary")
            yield Button(t("Don't send", self.lang), id="ask-cancel")
        yield Button(t("Stop", self.lang), id="ask-stop")
        with VerticalScroll(id="ask-answer"):
            yield Static("", id="ask-text")
        if self.service.config_problem:
            self.call_after_refresh(self._show, self.service.config_problem)

    def on_mount(self) -> None:
        self.query_one("#ask-consent").display = False
        self.query_one("#ask-stop").display = False
        self.refresh_for()

    @property
    def shown(self) -> str:
        """The text shown in the answer area now (Markdown)."""
        return self._answer

    @property
    def block(self) -> int:
        return self.session.position

    def refresh_for(self) -> None:
        """Suggestions and the "about" line for the block the learner is at now."""
        ctx = self.service.context(self.block)
        about = t("About block {n}", self.lang, n=self.block + 1)
        if ctx.error_name:
            about += f" · {ctx.error_name}"
        self.query_one("#ask-about", Label).update(about)
        self._suggestions = self.service.suggestions(self.block)
        options = self.query_one("#ask-suggestions", OptionList)
        options.clear_options()
        options.add_options(self._suggestions)

    def _show(self, text: str, verbatim: str = "") -> None:
        """Show ``text`` (Markdown from lectio or a model: control characters made visible
        first, :mod:`engine.safe_text`, so a model cannot drive the terminal), then
        ``verbatim`` as it is (what will be sent: exactly, not reflowed)."""
        self._answer = text
        shown: Any = RichMarkdown(inert(text))
        if verbatim:
            shown = Group(shown, Text(inert(verbatim)))
        self.query_one("#ask-text", Static).update(shown)

    # ---- asking ------------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#ask-suggestions")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.ask(self._suggestions[event.option_index])

    @on(Input.Submitted, "#ask-input")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.ask(event.value.strip())
            event.input.value = ""

    def ask(self, question: str) -> None:
        self.stop()
        self._show(t("Looking for help…", self.lang))
        self._offline(question, self.block)

    @work(thread=True, exclusive=True, group="ask-offline")
    def _offline(self, question: str, block: int) -> None:
        text = self.service.offline(question, block)
        self.post_message(self.Offline(text, question, block))

    @on(Offline)
    def _offline_done(self, event: Offline) -> None:
        self._offline_text = event.text
        self._show(event.text)
        if not self.service.config.configured:
            return
        if self.service.needs_consent:
            self._pending = (event.question, event.block)
            intro = t(
                "This is exactly what will be sent to {url} (model {model}):",
                self.lang,
                url=self.service.config.base_url,
                model=self.service.config.model,
            )
            preview = self.service.preview(event.question, event.block)
            self._show(f"{event.text}\n\n**{intro}**", f"\n{preview}")
            self.query_one("#ask-consent").display = True
            self.query_one("#ask-send", Button).focus()
            return
        self._start_model(event.question, event.block)

    @on(Button.Pressed, "#ask-send")
    def _send(self, event: Button.Pressed) -> None:
        event.stop()
        self.query_one("#ask-consent").display = False
        if self._pending is not None:
            self.service.config.consent()
            question, block = self._pending
            self._pending = None
            self._show(self._offline_text)
            self._start_model(question, block)

    @on(Button.Pressed, "#ask-cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self._pending = None
        self.query_one("#ask-consent").display = False
        self._show(t("Nothing was sent.", self.lang))

    def _start_model(self, question: str, block: int) -> None:
        self._asker = self.service.asker()
        heading = t("Answer from {model}:", self.lang, model=self.service.config.model)
        self._show(f"{self._answer}\n\n**{heading}**\n\n" if self._answer else f"**{heading}**\n\n")
        self.query_one("#ask-stop").display = True
        self._stream(question, block, self._asker)

    @work(thread=True, exclusive=True, group="ask-model")
    def _stream(self, question: str, block: int, asker: Asker) -> None:
        from engine.ask.client import AskError

        def piece(text: str) -> None:
            self.post_message(self.Piece(text))

        try:
            answer = self.service.ask_model(question, block, asker, piece)
        except AskError as exc:
            self.post_message(self.Finished(exc.message, error=True))
            return
        self.post_message(self.Finished(t("Stopped.", self.lang) if answer.stopped else ""))

    @on(Piece)
    def _piece(self, event: Piece) -> None:
        self._show(self._answer + event.text)
        self.query_one("#ask-answer", VerticalScroll).scroll_end(animate=False)

    @on(Finished)
    def _finished(self, event: Finished) -> None:
        self.query_one("#ask-stop").display = False
        self._asker = None
        if event.note:
            self._show(f"{self._answer}\n{event.note}")

    @on(Button.Pressed, "#ask-stop")
    def _stop_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.stop()

    def stop(self) -> None:
        if self._asker is not None:
            self._asker.stop()
