"""The plain mode's ``ask`` on a terminal (paging on), in process, with a stand-in for the Ask
service: the consent preview shown exactly as it will be sent; on a pipe, what it always was."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

from engine.ask.client import Answer
from engine.plain.ask import PlainAsk
from engine.plain.console import Console

WIDTH = 39
TRACEBACK_LINE = (
    '  File "<cell typo>", line 1, in <module>  # a line of the traceback wider than the window'
)
PREVIEW = (
    "[system]\nYou are a patient tutor. Answer the learner's question about the lesson they "
    "are reading, in short paragraphs.\n\n[user]\nThe code:\n    loss = "
    "(modle * 2).sum()  # a line of code wider than the window, sent as it is\n"
    f"Traceback (most recent call last):\n{TRACEBACK_LINE}\n"
    "NameError: name 'modle' is not defined"
)


@dataclass
class Config:
    configured: bool = True
    base_url: str = "http://127.0.0.1:9/v1"
    model: str = "tutor"
    agreed: bool = False

    def consent(self) -> None:
        self.agreed = True


@dataclass
class Service:
    """What :class:`~engine.plain.ask.PlainAsk` uses of an AskService."""

    offline_text: str = "Nothing offline."
    chunks: list[str] = field(default_factory=list)
    config: Config = field(default_factory=Config)

    def suggestions(self, block: int) -> list[str]:
        return ["Why did this fail?"]

    def offline(self, question: str, block: int) -> str:
        return self.offline_text

    @property
    def needs_consent(self) -> bool:
        return self.config.configured and not self.config.agreed

    def preview(self, question: str, block: int) -> str:
        return PREVIEW

    def asker(self) -> Any:
        return SimpleNamespace(stop=lambda: None)

    def ask_model(
        self, question: str, block: int, asker: Any, on_delta: Callable[[str], None]
    ) -> Answer:
        for chunk in self.chunks:
            on_delta(chunk)
        return Answer("".join(self.chunks), self.config.model)


def asking(service: Service, typed: str = "", *, paged: bool) -> tuple[PlainAsk, io.StringIO]:
    out = io.StringIO()
    console = Console(io.StringIO(typed), out, colour=False, pager=paged)
    console.pager.columns = lambda: WIDTH
    session = SimpleNamespace(lesson=SimpleNamespace(blocks=[]))
    ask = PlainAsk(cast(Any, session), console, "en")
    ask._service = cast(Any, service)
    return ask, out


def test_the_preview_is_shown_exactly_as_it_is_sent_on_a_terminal() -> None:
    ask, out = asking(Service(), "n\n", paged=True)
    ask("Why did this fail?", 0)
    shown = out.getvalue()
    assert PREVIEW + "\n" in shown  # not re-wrapped: code and traceback as they are sent
    assert TRACEBACK_LINE in shown.split("\n")
    assert "Nothing was sent." in shown


def test_the_preview_on_a_pipe_is_what_it_always_was() -> None:
    ask, out = asking(Service(), "n\n", paged=False)
    ask("Why did this fail?", 0)
    assert out.getvalue() == (
        "Offline help:\nNothing offline.\n"
        "This is exactly what will be sent to http://127.0.0.1:9/v1 (model tutor):\n"
        f"{PREVIEW}\nSend it, now and from now on? [y/n]\n> n\nNothing was sent.\n"
    )
