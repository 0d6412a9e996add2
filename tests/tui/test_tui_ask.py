"""The Ask panel in the TUI (Pilot and a snapshot): opened with its key, the offline help for a
failed cell, a question streamed from a real stand-in endpoint after the one-time preview."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ask_server import ANSWER, StandIn
from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import SIZE, settle

from engine.store import SqliteStore
from engine.tui.app import LectioApp
from engine.tui.screens.lesson import LessonScreen
from engine.tui.widgets.ask_panel import AskPanel

LESSON = Path(__file__).parent.parent / "data" / "ask" / "tui.yaml"
MakeApp = Callable[..., LectioApp]
Compare = Callable[..., bool]


@pytest.fixture(autouse=True)
def no_endpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LECTIO_CONFIG_DIR", str(tmp_path / "config"))
    for name in ("LECTIO_AI_BASE_URL", "LECTIO_AI_MODEL", "LECTIO_AI_API_KEY", "LECTIO_ASK_RECORD"):
        monkeypatch.delenv(name, raising=False)


async def fail_and_ask(pilot: Pilot[Any], question: str = "Why did this fail?") -> AskPanel:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, LessonScreen)
    await pilot.press("r")  # the first cell has the focus: run it (it raises)
    await settle(pilot)
    await pilot.press("A")
    await settle(pilot)
    panel = screen.query_one(AskPanel)
    field = panel.query_one("#ask-input", Input)
    assert field.has_focus
    field.value = question
    await pilot.press("enter")
    await settle(pilot)
    return panel


async def test_the_panel_explains_a_failed_cell_offline(
    make_app: MakeApp, store: SqliteStore
) -> None:
    app = make_app(LESSON)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bindings = {
            b.binding.action: b.binding.description for b in app.screen.active_bindings.values()
        }
        assert bindings.get("ask") == "Ask"  # in the footer and the command palette
        panel = await fail_and_ask(pilot)
        assert "About block 1 · ZeroDivisionError" in str(panel.query_one("#ask-about").render())
        assert "A division by zero" in panel.shown
        assert not panel.query_one("#ask-consent").display  # nothing configured: nothing sent
        await pilot.press("escape")
        await settle(pilot)
        assert not panel.display and isinstance(app.screen, LessonScreen)
    (asked,) = store.asked_questions()
    assert (asked.block, asked.text, asked.source, asked.error) == (
        0,
        "Why did this fail?",
        "offline",
        "ZeroDivisionError",
    )


async def test_the_panel_streams_a_model_answer_after_the_preview(
    make_app: MakeApp, store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    with StandIn() as server:
        monkeypatch.setenv("LECTIO_AI_BASE_URL", server.base_url)
        monkeypatch.setenv("LECTIO_AI_MODEL", "tutor")
        app = make_app(LESSON, lang="pt")
        async with app.run_test(size=SIZE) as pilot:
            panel = await fail_and_ask(pilot, "Por que?")
            assert panel.query_one("#ask-consent").display
            assert "Isto é exatamente o que será enviado" in panel.shown
            assert server.requests == []  # not before the learner agrees
            await pilot.click("#ask-send")
            await settle(pilot)
            assert panel.shown.endswith("".join(ANSWER))
            assert "Uma divisão por zero" in panel.shown
        (request,) = server.requests
    sent = str(request["body"])
    assert "raise ZeroDivisionError" in sent and "SECRET" not in sent
    assert "Answer in Brazilian Portuguese" in sent
    assert [a.source for a in store.asked_questions()] == ["offline", "model:tutor"]


def test_snapshot_of_the_panel(snap_compare: Compare, make_app: MakeApp) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        panel = await fail_and_ask(pilot)
        panel.query_one("#ask-input", Input).cursor_blink = False  # a steady frame
        await settle(pilot)

    assert snap_compare(make_app(LESSON), terminal_size=(120, 32), run_before=run_before)


async def test_stop_ends_a_streaming_answer_and_the_interface_keeps_going(
    make_app: MakeApp, store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    with StandIn() as server:
        monkeypatch.setenv("LECTIO_AI_BASE_URL", server.base_url)
        monkeypatch.setenv("LECTIO_AI_MODEL", "hold")  # one piece, then nothing until released
        app = make_app(LESSON)
        async with app.run_test(size=SIZE) as pilot:
            panel = await fail_and_ask(pilot)
            await pilot.click("#ask-send")
            for _ in range(500):  # the event loop keeps running while the answer hangs
                await pilot.pause(0.01)
                if server.holding.is_set() and panel.shown.endswith(ANSWER[0]):
                    break
            assert panel.shown.endswith(ANSWER[0])
            assert panel.query_one("#ask-stop").display
            await pilot.click("#ask-stop")
            await settle(pilot)
            assert panel.shown.endswith(f"{ANSWER[0]}\nStopped.")
            assert not panel.query_one("#ask-stop").display
    offline, model = store.asked_questions()
    assert (offline.source, model.source, model.answer_chars) == (
        "offline",
        "model:hold",
        len(ANSWER[0]),
    )
