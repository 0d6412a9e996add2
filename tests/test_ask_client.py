"""The AI client against a real HTTP server started here (tests/ask_server.py): what was sent
(the context, never the answer key before a correct answer), what came back, every failure."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ask_server import ANSWER, StandIn
from session_fakes import KernelFactory

from engine.ask.client import Answer, Asker, AskError
from engine.ask.config import AskConfig, ConfigError, load_config
from engine.ask.context import build_context
from engine.ask.prompt import build_messages, preview
from engine.format.loader import load_lesson
from engine.session import LessonSession
from engine.store import SqliteStore

DATA = Path(__file__).parent / "data" / "ask"
QUESTION = 3


@pytest.fixture
def server() -> Iterator[StandIn]:
    with StandIn() as s:
        yield s


@pytest.fixture
def messages(tmp_path: Path) -> list[dict[str, str]]:
    store = SqliteStore(tmp_path / "lectio.db")
    lesson = load_lesson(DATA / "lesson.yaml")
    s = LessonSession(lesson, store=store, learner="ana", kernel_factory=KernelFactory())
    built = build_messages(build_context(s, QUESTION), "Which one is it?")
    store.close()
    return built


def config(server: StandIn, model: str, **kw: object) -> AskConfig:
    return AskConfig(base_url=server.base_url, model=model, **kw)  # type: ignore[arg-type]


def test_streams_the_answer_and_sends_the_context_without_the_key(
    server: StandIn, messages: list[dict[str, str]]
) -> None:
    pieces: list[str] = []
    answer = Asker(config(server, "tutor", api_key="sk-test"), "en").stream(messages, pieces.append)
    assert answer == Answer("".join(ANSWER), "tutor")
    assert pieces == ANSWER
    (request,) = server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    body = request["body"]
    assert body["model"] == "tutor" and body["stream"] is True
    system, user = body["messages"]
    assert (
        "Answer in English" in system["content"] and "never say which choice" in system["content"]
    )
    assert "What is `w.grad` after `loss.backward()`?" in user["content"]
    assert "tensor([2., 2., 2.])" in user["content"]  # the choices, unmarked
    assert "SECRET" not in str(body)  # no why, no verify
    assert "The learner asks: Which one is it?" in user["content"]


def test_the_preview_is_exactly_what_is_sent(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "lectio.db")
    lesson = load_lesson(DATA / "lesson.yaml")
    s = LessonSession(lesson, store=store, learner="ana", kernel_factory=KernelFactory())
    ctx = build_context(s, QUESTION)
    shown = preview(ctx, "why?")
    for message in build_messages(ctx, "why?"):
        assert f"[{message['role']}]\n{message['content']}" in shown
    store.close()


@pytest.mark.parametrize(
    ("model", "kind", "english", "portuguese"),
    [
        ("fail-500", "http", "HTTP 500: stand-in says 500", "HTTP 500: stand-in says 500"),
        ("fail-429", "rate", "try again in 7 s", "tente de novo em 7 s"),
        ("drop", "dropped", "closed before the answer was complete", "fechou antes"),
        ("malformed", "malformed", "not a chat completion stream: {not json", "{not json"),
    ],
)
def test_failures_are_told_clearly(
    server: StandIn,
    messages: list[dict[str, str]],
    model: str,
    kind: str,
    english: str,
    portuguese: str,
) -> None:
    seen: list[str] = []
    with pytest.raises(AskError) as caught:
        Asker(config(server, model), "en").stream(messages, seen.append)
    assert caught.value.kind == kind
    assert english in caught.value.message
    if kind in ("dropped", "malformed"):
        assert caught.value.partial == ANSWER[0] and seen == [ANSWER[0]]
    with pytest.raises(AskError) as in_pt:
        Asker(config(server, model), "pt").stream(messages)
    assert portuguese in in_pt.value.message


def test_a_slow_first_byte_times_out(server: StandIn, messages: list[dict[str, str]]) -> None:
    with pytest.raises(AskError) as caught:
        Asker(config(server, "slow", timeout=0.3), "en").stream(messages)
    assert caught.value.kind == "timeout"
    assert f"No answer from {server.base_url} within 1 s." == caught.value.message
    server.release.set()


def test_a_refused_connection(messages: list[dict[str, str]]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cfg = AskConfig(base_url=f"http://127.0.0.1:{port}/v1", model="m")
    with pytest.raises(AskError) as caught:
        Asker(cfg, "pt").stream(messages)
    assert caught.value.kind == "refused"
    assert f"Não foi possível conectar a http://127.0.0.1:{port}/v1" in caught.value.message


def test_stop_while_the_answer_streams(server: StandIn, messages: list[dict[str, str]]) -> None:
    asker = Asker(config(server, "hold"), "en")
    got: list[Answer] = []
    first = threading.Event()
    worker = threading.Thread(
        target=lambda: got.append(asker.stream(messages, lambda _piece: first.set()))
    )
    worker.start()
    assert first.wait(30) and server.holding.wait(30)
    time.sleep(0.2)  # not a measurement: lets the reader block on the silent socket first
    asker.stop()
    worker.join(60)  # the server stays silent for 120 s: only the stop can end the read
    assert not worker.is_alive() and not server.release.is_set()
    assert got == [Answer(ANSWER[0], "hold", stopped=True)]


def test_config_from_file_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LECTIO_CONFIG_DIR", str(tmp_path))
    for name in ("LECTIO_AI_BASE_URL", "LECTIO_AI_MODEL", "LECTIO_AI_API_KEY", "LECTIO_ASK_RECORD"):
        monkeypatch.delenv(name, raising=False)
    assert not load_config().configured  # nothing configured: nothing is ever sent
    (tmp_path / "ask.toml").write_text(
        'base_url = "http://localhost:11434/v1"\nmodel = "qwen"\n'
        'api_key_env = "MY_KEY"\nrecord = false\ntimeout = 5\n'
    )
    monkeypatch.setenv("MY_KEY", "sk-from-env")
    cfg = load_config()
    assert (cfg.base_url, cfg.model, cfg.api_key, cfg.record, cfg.timeout) == (
        "http://localhost:11434/v1",
        "qwen",
        "sk-from-env",
        False,
        5.0,
    )
    assert cfg.endpoint == "http://localhost:11434/v1/chat/completions"
    monkeypatch.setenv("LECTIO_AI_MODEL", "llama")
    monkeypatch.setenv("LECTIO_ASK_RECORD", "1")
    assert (load_config().model, load_config().record) == ("llama", True)
    assert not cfg.consented()
    cfg.consent()
    assert cfg.consented() and not load_config().consented()  # per endpoint and model
    (tmp_path / "ask.toml").write_text('api_key = "sk-secret"\n')
    with pytest.raises(ConfigError, match="never put the key in the file"):
        load_config()
