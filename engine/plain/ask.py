"""The plain mode's ``ask`` command, typed at any prompt of a lesson.

``ask`` alone lists the suggested questions for where the learner is; ``ask 2`` asks the second;
``ask TEXT`` asks TEXT. It is about the block the learner is at, or the last code cell above it
when that cell failed (the plain mode has no prompt after a cell, so the next prompt is where a
learner stuck on a traceback types ``ask``). The offline answer comes first; with an endpoint
configured, the model's answer streams after it (the first time, what will be sent is shown
and must be agreed to; Ctrl+C stops the answer).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

from engine.format.models import CodeBlock
from engine.i18n import t

if TYPE_CHECKING:
    from engine.ask.service import AskService
    from engine.format.models import Lesson
    from engine.plain.console import Console
    from engine.session.lesson import LessonSession


R = TypeVar("R")


class InWorker(Protocol):
    """Runs blocking work (it may wait on the kernel) where Ctrl+C interrupts the cell."""

    def __call__(self, work: Callable[[], R], /) -> R: ...


def _here(work: Callable[[], R]) -> R:
    return work()


def ask_words(lang: str | None) -> set[str]:
    # Translators: the command typed at a prompt to ask about the lesson, one word, lowercase
    return {"ask", t("ask", lang).strip().lower()}


def split_ask(line: str, lang: str | None) -> str | None:
    """The question in ``ask TEXT`` (``""`` for ``ask`` alone), None if the line is not ask."""
    word, _, rest = line.strip().partition(" ")
    return rest.strip() if word.lower() in ask_words(lang) else None


def focus(session: LessonSession, index: int) -> int:
    """The block ``ask`` is about: the last code cell above ``index`` if it failed, else it."""
    blocks = session.lesson.blocks
    for i in range(min(index, len(blocks) - 1), -1, -1):
        if isinstance(blocks[i], CodeBlock) and blocks[i].run:  # type: ignore[union-attr]
            result = session.cell(i).result
            if result is not None and result.error is not None:
                return i
            break
    return index


class PlainAsk:
    """One lesson's ``ask`` (made lazily: nothing of engine.ask is imported before)."""

    def __init__(
        self,
        session: LessonSession,
        console: Console,
        lang: str | None,
        lessons: Sequence[Lesson] = (),
        in_worker: InWorker | None = None,
    ) -> None:
        self.session, self.console, self.lang = session, console, lang
        self.lessons = lessons
        self.in_worker: InWorker = in_worker or _here
        self._service: AskService | None = None
        self._hinted = False  # said once how to configure a model

    @property
    def service(self) -> AskService:
        if self._service is None:
            from engine.ask.service import AskService

            self._service = AskService(self.session, lang=self.lang, lessons=self.lessons)
            if self._service.config_problem:
                self.console.say(self._service.config_problem, "yellow")
        return self._service

    def __call__(self, text: str, index: int) -> None:
        console, lang, service = self.console, self.lang, self.service
        block = focus(self.session, index)
        suggestions = service.suggestions(block)
        if not text:
            console.say(t("Suggested questions:", lang), "bold")
            for n, suggestion in enumerate(suggestions, 1):
                console.say(f"  {n}. {suggestion}")
            console.say(t("Type ask and a number, or ask and your own question.", lang))
            return
        if text.isdigit() and 1 <= int(text) <= len(suggestions):
            text = suggestions[int(text) - 1]
        console.say(t("Offline help:", lang), "bold")
        from engine.ask.offline import offline_text
        from engine.plain import render

        parts = self.in_worker(lambda: service.offline_parts(text, block))
        shown = offline_text(parts)
        if console.pager.on:  # on a terminal: Markdown rendered and fitted as prose blocks are
            console.say(render.offline(parts, lang, console.width), wrap=False)
        else:  # on a pipe: the text as it always was
            console.say(shown)
        if service.config.configured:
            self._model(text, block)
        elif text not in suggestions and not self._hinted:
            from engine.ask.offline import configure_hint

            hint = configure_hint(lang)
            if hint not in shown:
                console.say(hint)
            self._hinted = True

    def _model(self, text: str, block: int) -> None:
        from engine.ask.client import AskError
        from engine.plain.pacing import Flow

        console, lang, service = self.console, self.lang, self.service
        config = service.config
        if service.needs_consent:
            console.say(
                t(
                    "This is exactly what will be sent to {url} (model {model}):",
                    lang,
                    url=config.base_url,
                    model=config.model,
                ),
                "bold",
            )
            # exactly what is sent: not re-wrapped (the terminal folds a long line)
            console.say(service.preview(text, block), wrap=False)
            reply = console.ask(t("Send it, now and from now on? [y/n]", lang))
            yes = set(t("y,yes", lang).split(",")) | {"y", "yes"}
            if (reply or "").strip().lower() not in yes:
                console.say(t("Nothing was sent.", lang))
                return
            config.consent()
        console.say(t("Answer from {model}:", lang, model=config.model), "bold")
        asker = service.asker()
        # on a terminal, wrapped at spaces as it streams in; on a pipe, as it comes
        flow = Flow(console.write, lambda: console.width) if console.pager.on else None
        try:
            answer = service.ask_model(text, block, asker, flow or console.write)
        except KeyboardInterrupt:
            asker.stop()
            if flow is not None:
                flow.end()
            console.say("\n" + t("Stopped.", lang))
            return
        except AskError as exc:
            if flow is not None:
                flow.end()
            if exc.partial:
                console.write("\n")
            console.say(exc.message, "red")
            return
        if flow is not None:
            flow.end()
        console.write("\n")
        if answer.stopped:
            console.say(t("Stopped.", lang))
