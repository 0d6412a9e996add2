"""Output floods (issue 15): a cell that prints 100,000 lines or a megabyte in one line keeps
the interface responsive. Its output reaches the event loop in batches (one wake-up per batch,
not a message per chunk), the cell shows a bounded tail with a line saying how much is not
shown, and ``f`` opens the whole output in a view that renders only what is on screen. No test
here is timed: they count messages and updates, and wait on what happens."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.text import Text
from test_tui_flows import open_lesson, text_of
from textual.pilot import Pilot
from textual.widgets import Static
from tui_support import (
    FLOOD_LINES,
    HANG_GUARD,
    SIZE,
    FakeKernelFactory,
    real_kernel_app,
    settle,
    until,
)

from engine.output_tail import LINE_CHARS, TAIL_LINES, OutputTail
from engine.session.reports import Output, ReportQueue, Started
from engine.tui.app import LectioApp
from engine.tui.screens.lesson import LessonScreen
from engine.tui.screens.output import OutputScreen
from engine.tui.widgets.code_cell import CodeCell
from engine.tui.widgets.output_view import OutputView

LINES = 100_000
"""Lines fed to the tail in the unit tests."""
MakeApp = Callable[..., LectioApp]


# ---- the tail a cell shows --------------------------------------------------------------------


def test_the_tail_of_many_lines_fed_in_odd_chunks_is_their_last_lines() -> None:
    text = "".join(f"line {i}\n" for i in range(LINES)) + "partial"
    tail = OutputTail()
    for start in range(0, len(text), 4093):  # chunks that end anywhere, mid-line too
        tail.feed(text[start : start + 4093])
    shown = tail.tail()
    expected = text.split("\n")[-TAIL_LINES:]
    assert [line.text for line in shown.lines] == expected
    assert shown.hidden == LINES + 1 - TAIL_LINES
    assert tail.line_count == LINES + 1
    assert tail.text() == text


def test_one_line_of_a_megabyte_is_shown_cut_with_how_much_is_left() -> None:
    tail = OutputTail()
    for _ in range(16):
        tail.feed("x" * 65536)
    tail.feed("\ndone\n")
    lines = tail.tail().lines
    assert [(line.text, line.cut) for line in lines] == [
        ("x" * LINE_CHARS, 16 * 65536 - LINE_CHARS),
        ("done", 0),
    ]


def test_a_crlf_split_between_two_chunks_ends_the_line() -> None:
    tail = OutputTail()
    tail.feed("one\r")
    tail.feed("\ntwo\r\n")
    assert [line.text for line in tail.tail().lines] == ["one", "two"]


def test_long_lines_show_fewer_of_the_last_lines() -> None:
    tail = OutputTail.of("".join(f"{i:04d}" + "y" * 996 + "\n" for i in range(100)))
    shown = tail.tail()
    assert 1 <= len(shown.lines) < TAIL_LINES
    assert shown.lines[-1].text.startswith("0099")
    assert shown.hidden == 100 - len(shown.lines)


# ---- reports coalesced on their way to the event loop ----------------------------------------


def test_a_flood_of_chunks_wakes_the_event_loop_once_per_take() -> None:
    now = [0.0]
    queue = ReportQueue(interval=0.05, clock=lambda: now[0])
    assert queue.started(3)
    for i in range(10_000):
        assert not queue.output(3, f"{i}\n")  # the event loop is already woken
    assert queue.wakes == 1
    assert queue.take() == [Started(3), Output(3, "".join(f"{i}\n" for i in range(10_000)))]
    assert queue.due_in() == 0.05  # the next take waits for the interval
    assert queue.output(4, "a")  # a new batch wakes it again
    now[0] = 0.05
    assert queue.due_in() == 0.0
    assert queue.take() == [Output(4, "a")]
    assert queue.take() == [] and queue.takes == 2


def test_reports_from_another_thread_keep_their_order() -> None:
    queue = ReportQueue()

    def run() -> None:
        for cell in range(3):
            queue.started(cell)
            for i in range(1000):
                queue.output(cell, f"{cell}:{i}\n")

    worker = threading.Thread(target=run)
    worker.start()
    taken = []
    while worker.is_alive():
        taken += queue.take()
    worker.join()
    taken += queue.take()
    starts = [r.block_index for r in taken if isinstance(r, Started)]
    assert starts == [0, 1, 2]
    for cell in range(3):
        text = "".join(r.text for r in taken if isinstance(r, Output) and r.block_index == cell)
        assert text == "".join(f"{cell}:{i}\n" for i in range(1000))
        first_output = next(
            n for n, r in enumerate(taken) if isinstance(r, Output) and r.block_index == cell
        )
        assert first_output > taken.index(Started(cell))


# ---- the TUI under a flood -------------------------------------------------------------------


async def run_only_cell(pilot: Pilot[int], *, ended: str = "-ok") -> CodeCell:
    """Run the lesson's one code cell (``ended``: wait for that class; "": do not wait)."""
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, LessonScreen)
    code = screen.query_one(CodeCell)
    code.focus()
    await pilot.press("r")
    if ended:
        await until(pilot, lambda: code.has_class(ended), "the cell's end")
    return code


async def test_a_flood_is_coalesced_shown_as_its_tail_and_whole_on_demand(
    make_app: MakeApp, tmp_path: Path
) -> None:
    lesson = tmp_path / "flood.yaml"
    lesson.write_text("id: flood\ntitle: Flood\nblocks:\n  - code: |\n      flood()\n")
    factory = FakeKernelFactory()
    app = make_app(lesson, kernel_factory=factory)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        reports = screen.runner.reports
        kernel = factory.kernels[0]
        kernel.release.clear()
        code = await run_only_cell(pilot, ended="")
        output = code.query_one(".code-cell--output", Static)
        await until(pilot, lambda: code.running and text_of(output), "the first output")
        # from now on, one take at most before the run ends (the one a timer may already wait
        # for): count the wake-ups and takes while FLOOD_LINES more chunks come
        reports.interval = HANG_GUARD
        wakes, takes, chunks = reports.wakes, reports.takes, kernel.chunks
        await until(pilot, lambda: kernel.chunks >= chunks + FLOOD_LINES, "the flood")

        # a key pressed during the flood is handled while it goes on
        await pilot.press("m")
        await until(pilot, lambda: screen.has_class("-menu"), "the menu to open")
        assert code.running and not kernel.release.is_set()
        await pilot.press("escape")
        await pilot.press("i")  # the flood ends only when this key is handled
        await until(pilot, lambda: not code.running, "the flood to end")

        printed = kernel.chunks
        # one message per batch, one update per take: not one per chunk
        counts = (reports.wakes - wakes, reports.takes - takes, printed - chunks)
        assert counts[0] <= 2 and counts[1] <= 2 and counts[2] >= FLOOD_LINES, counts

        # the cell holds only the tail: the last lines, after a line saying how many are hidden
        shown = text_of(output).split("\n")
        assert shown[-TAIL_LINES:] == [str(i) for i in range(printed - TAIL_LINES, printed)]
        assert len(shown) == TAIL_LINES + 1
        assert f"{printed - TAIL_LINES} earlier lines not shown" in shown[0]

        # f shows everything, rendered lazily
        code.focus()
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, OutputScreen), "the whole output")
        view = app.screen.query_one(OutputView)
        assert view.lines == [str(i) for i in range(printed)]
        assert view.render_line(0).text.rstrip() == "0"
        await pilot.press("end")
        await pilot.pause()
        last = view.scrollable_content_region.height - 1
        assert view.render_line(last).text.rstrip() == str(printed - 1)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "the lesson again")


async def test_a_megabyte_in_one_line_is_cut_in_the_cell_and_wrapped_in_the_view(
    make_app: MakeApp, tmp_path: Path
) -> None:
    lesson = tmp_path / "wide.yaml"
    lesson.write_text("id: wide\ntitle: Wide\nblocks:\n  - code: |\n      print('x' * n)\n")
    big = "x" * (1 << 20) + "\ndone\n"
    app = make_app(lesson, kernel_factory=FakeKernelFactory(outputs={"print": big}))
    async with app.run_test(size=SIZE) as pilot:
        code = await run_only_cell(pilot)
        content = code.query_one(".code-cell--output", Static).content
        assert isinstance(content, Text)
        shown = content.plain  # unwrapped
        assert "x" * LINE_CHARS in shown and "x" * (LINE_CHARS + 1) not in shown
        assert f"{(1 << 20) - LINE_CHARS} more characters" in shown
        assert shown.endswith("done")
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, OutputScreen), "the whole output")
        view = app.screen.query_one(OutputView)
        width = view.scrollable_content_region.width
        assert view.rows == -(-(1 << 20) // width) + 1  # every row of the long line, and done
        assert view.render_line(0).text == "x" * width


async def test_a_short_output_is_whole_and_offers_no_full_view(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        code = screen.query_one(CodeCell)
        code.focus()
        await pilot.press("r")
        await until(pilot, lambda: code.has_class("-ok"), "the cell's end")
        assert text_of(code.query_one(".code-cell--output", Static)) == "x is 2"
        assert code.check_action("full_output", ()) is False
        await pilot.press("f")
        await pilot.pause()
        assert app.screen is screen


@pytest.mark.slow
async def test_a_real_kernel_flood_reaches_the_cell_in_few_updates(tmp_path: Path) -> None:
    """The real kernel's chunks (at most 64 KiB each, so at least ten for these 589,000
    bytes) through the real session: with the interval at the hang guard, one update at the
    start and one at the end; the last lines shown, every line in the whole output."""
    lesson = tmp_path / "flood.yaml"
    lesson.write_text(
        "id: flood\ntitle: Flood\nrequires: []\nblocks:\n  - code: |\n"
        "      for i in range(100_000):\n          print(i, flush=True)\n      print('done')\n"
    )
    printed = [str(i) for i in range(100_000)] + ["done"]
    with real_kernel_app(lesson, tmp_path) as app:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LessonScreen)
            reports = screen.runner.reports
            reports.interval = HANG_GUARD
            code = await run_only_cell(pilot, ended="")
            await until(
                pilot, lambda: code.has_class("-ok") or code.has_class("-error"), "the cell's end"
            )
            assert reports.takes <= 3 and reports.puts > 10, (reports.takes, reports.puts)
            shown = text_of(code.query_one(".code-cell--output", Static)).split("\n")
            assert shown[-TAIL_LINES:] == printed[-TAIL_LINES:]
            assert code.whole_output().split("\n") == printed
