"""The plain mode's ``ask`` on a terminal (paging on), in process, with a stand-in for the Ask
service: the consent preview shown exactly as it will be sent; on a pipe, what it always was."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

from engine.ask.client import Answer
from engine.ask.explain import ErrorExplanation
from engine.ask.offline import Help, OfflineAnswer, OfflinePart, offline_parts, offline_text
from engine.ask.where import Place
from engine.plain.ask import PlainAsk
from engine.plain.console import Console
from engine.plain.pacing import cell_width

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


EXPLANATION = ErrorExplanation(
    "name-error",
    "The name modle is not defined (yet)",
    "Python does not know `modle` at this point. Either it is made in an earlier cell that has\n"
    "not run in this session (run the cells above first), or it is misspelled, or it is never\n"
    "defined in the lesson.",
)
SIGNATURE = "(gradient=None, retain_graph=None, create_graph=False, inputs=None)"
DOC = "Computes the gradient of current tensor wrt graph leaves."
PLACE = Place("grads", "Gradients", 3, 1, "text", "Calling **`backward`** fills in `.grad`.")
NAME_ERROR = OfflineAnswer(explanations=(EXPLANATION,), defined_in=(1,))
HELP = OfflineAnswer(
    helps=(Help("w.backward", SIGNATURE, DOC, "method", "", (PLACE,)),),
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

    offline: OfflineAnswer = field(default_factory=OfflineAnswer)
    chunks: list[str] = field(default_factory=list)
    config: Config = field(default_factory=Config)

    def suggestions(self, block: int) -> list[str]:
        return ["Why did this fail?"]

    def offline_parts(self, question: str, block: int) -> list[OfflinePart]:
        return offline_parts(self.offline, "en", configured=self.config.configured)

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


def offline_reply(shown: str) -> str:
    return shown.split("Offline help:\n", 1)[1].split("\nThis is exactly", 1)[0]


def test_the_offline_reply_on_a_terminal_is_rendered_markdown_fitted_to_the_width() -> None:
    ask, out = asking(Service(NAME_ERROR), "n\n", paged=True)
    ask("Why did this fail?", 0)
    reply = offline_reply(out.getvalue())
    assert "**" not in reply
    rows = reply.split("\n")
    assert rows[0] == "The name modle is not defined (yet)"
    assert all(cell_width(row) <= WIDTH for row in rows)
    paragraph = rows[2 : rows.index("", 2)]  # one paragraph, filled: only its last row is short
    assert " ".join(paragraph).split() == EXPLANATION.text.split()
    assert all(cell_width(row) > WIDTH - 12 for row in paragraph[:-1])
    assert "It is defined in block 2 above: run it first." in " ".join(rows)


def test_help_for_a_name_keeps_its_lines_and_its_code_whole_on_a_terminal() -> None:
    ask, out = asking(Service(HELP), "n\n", paged=True)
    ask("What does `w.backward` do?", 0)
    rows = offline_reply(out.getvalue()).split("\n")
    assert f"`w.backward{SIGNATURE}`" in rows  # a code span is never cut
    assert rows[rows.index(f"`w.backward{SIGNATURE}`") + 1] == "(method)"
    assert DOC.split() == " ".join(rows).split("(method)", 1)[1].split("Explained")[0].split()
    assert "**" not in " ".join(rows)
    explained = " ".join(rows[next(n for n, r in enumerate(rows) if r.startswith("Explained")) :])
    assert explained == (
        "Explained in chapter 3 (Gradients), block 2: Calling `backward` fills in `.grad`."
    )


def test_the_offline_reply_on_a_pipe_is_what_it_always_was() -> None:
    for answer in (NAME_ERROR, HELP):
        service = Service(answer)
        ask, out = asking(service, "n\n", paged=False)
        ask("Why did this fail?", 0)
        text = offline_text(offline_parts(answer, "en", configured=True))
        assert offline_reply(out.getvalue()) == text
    assert text == (
        f"`w.backward{SIGNATURE}` (method)\n{DOC}\nExplained in chapter 3 (Gradients), block 2: "
        "Calling **`backward`** fills in `.grad`."
    )


CHUNKS = [  # as a model streams them: words cut between chunks, a list, a word wider than a line
    "Look at the sha",
    "pes of both tensors first: `w` has three ele",
    "ments and `modle` is not defined anywhere",
    " above.\n- check the spelling of every name you use in the cell\n",
    "- see https://pytorch.org/docs/stable/generated/torch.Tensor.backward.html",
    " for more.",
]


def answer_rows(shown: str) -> list[str]:
    return shown.split("Answer from tutor:\n", 1)[1].split("\n")[:-1]


def test_the_streamed_answer_is_wrapped_at_spaces_as_it_comes_on_a_terminal() -> None:
    service = Service(chunks=CHUNKS, config=Config(agreed=True))
    ask, out = asking(service, paged=True)
    ask("Why did this fail?", 0)
    rows = answer_rows(out.getvalue())
    text = "".join(CHUNKS)
    assert " ".join(rows).split() == text.split()  # every word, whole and in order
    url = "  https://pytorch.org/docs/stable/generated/torch.Tensor.backward.html"
    assert url in rows and all(cell_width(row) <= WIDTH for row in rows if row != url)
    assert rows[0].startswith("Look at the shapes")
    assert all(row.strip() for row in rows)
    item = rows.index(next(row for row in rows if row.startswith("- check")))
    assert rows[item + 1].startswith("  ") and rows[item + 1][2] != " "  # under its text
    assert out.getvalue().endswith("for more.\n")


def test_the_streamed_answer_on_a_pipe_is_written_as_it_comes() -> None:
    service = Service(chunks=CHUNKS, config=Config(agreed=True))
    ask, out = asking(service, paged=False)
    ask("Why did this fail?", 0)
    assert out.getvalue().endswith("Answer from tutor:\n" + "".join(CHUNKS) + "\n")


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
        "Offline help:\nlectio has no offline answer for this question.\n"
        "This is exactly what will be sent to http://127.0.0.1:9/v1 (model tutor):\n"
        f"{PREVIEW}\nSend it, now and from now on? [y/n]\n> n\nNothing was sent.\n"
    )
