"""One learner asking about one lesson: the offline answer, then the model's if configured.

What every front end calls (the TUI's Ask panel from worker threads, the plain mode's ``ask``
directly): it builds the context, answers offline, asks the configured endpoint, and records
each question with the source and length of its answer (unless the learner turned recording
off). Blocking methods are marked; nothing here draws anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from engine.ask.config import AskConfig, ConfigError, load_config
from engine.ask.context import AskContext, build_context
from engine.ask.offline import OfflinePart, offline_answer, offline_parts, offline_text
from engine.ask.prompt import build_messages, preview
from engine.ask.suggest import suggestions

if TYPE_CHECKING:
    from engine.ask.client import Answer, Asker
    from engine.format.models import Lesson
    from engine.session.lesson import LessonSession


class AskService:
    def __init__(
        self,
        session: LessonSession,
        *,
        lang: str | None,
        lessons: Sequence[Lesson] = (),
        config: AskConfig | None = None,
        chapter: str = "",
    ) -> None:
        self.session = session
        self.lang = lang
        self.lessons = list(lessons) or [session.lesson]
        self.chapter = chapter
        self.config_problem = ""
        if config is None:
            try:
                config = load_config()
            except ConfigError as exc:
                config, self.config_problem = AskConfig(), str(exc)
        self.config = config

    def context(self, block: int) -> AskContext:
        return build_context(self.session, block, chapter=self.chapter, language=self.lang)

    def suggestions(self, block: int) -> list[str]:
        return suggestions(self.context(block), self.lang)

    def offline(self, question: str, block: int, *, record: bool = True) -> str:
        """The offline answer as text (blocking: may inspect names in the kernel)."""
        return offline_text(self.offline_parts(question, block, record=record))

    def offline_parts(self, question: str, block: int, *, record: bool = True) -> list[OfflinePart]:
        """The offline answer in parts (:func:`engine.ask.offline.offline_parts`), for a front
        end that renders its Markdown lines and its plain ones differently."""
        ctx = self.context(block)
        answer = offline_answer(
            question,
            ctx,
            lesson=self.session.lesson,
            lessons=self.lessons,
            inspect=self.session.inspect,
        )
        parts = offline_parts(answer, self.lang, configured=self.config.configured)
        if record:
            self._record(block, question, "offline", len(offline_text(parts)), ctx)
        return parts

    @property
    def needs_consent(self) -> bool:
        return self.config.configured and not self.config.consented()

    def preview(self, question: str, block: int) -> str:
        """Exactly what :meth:`ask_model` would send (shown before the first time)."""
        return preview(self.context(block), question)

    def asker(self) -> Asker:
        from engine.ask.client import Asker

        return Asker(self.config, self.lang)

    def ask_model(
        self,
        question: str,
        block: int,
        asker: Asker,
        on_delta: Callable[[str], None] | None = None,
    ) -> Answer:
        """Stream the model's answer (blocking); recorded when it ends, stopped or failed
        (raises :class:`engine.ask.client.AskError` after recording what came)."""
        from engine.ask.client import AskError

        ctx = self.context(block)
        source = f"model:{self.config.model}"
        try:
            answer = asker.stream(build_messages(ctx, question), on_delta)
        except AskError as exc:
            self._record(block, question, f"{source}:{exc.kind}", len(exc.partial), ctx)
            raise
        self._record(block, question, source, len(answer.text), ctx)
        return answer

    def _record(self, block: int, text: str, source: str, chars: int, ctx: AskContext) -> None:
        if self.config.record:
            self.session.record_question(
                block, text, source=source, answer_chars=chars, error=ctx.error_name
            )
