"""Snapshots (100x32) of what real tutorials bring: math, a picture (half blocks, a fixed-size
PNG), a plot in a cell's output, a cell skipped for CUDA, and a listing.

The course is tests/data/tui/tutorial; the fake kernel answers a cell with ``plt.show`` with
tests/data/tui/tutorial/images/plot.png and has no CUDA. Pillow draws the pictures (it comes
with the dev extra); without it the alt text is drawn instead, so the tests need it.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_support import SIZE, TUTORIAL, FakeKernelFactory, open_from_map, settle

from engine.tui.app import LectioApp
from engine.tui.screens.lesson import LessonScreen
from engine.tui.widgets.code_cell import CodeCell

pytest.importorskip("PIL")

MakeApp = Callable[..., LectioApp]
Compare = Callable[..., bool]
NO_CUDA = FakeKernelFactory(not_installed=frozenset({"cuda"}))


def at_block(selector: str, keys: tuple[str, ...] = ()) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Open the chapter, focus the block matching ``selector`` (``cell:ID`` for a code cell),
    press ``keys``, and show it at the top."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, LectioApp)
        await open_from_map(pilot, "pieces")
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        if selector.startswith("cell:"):
            cell_id = selector.removeprefix("cell:")
            widget: Any = next(c for c in screen.query(CodeCell) if c.block.id == cell_id)
        else:
            widget = screen.query(selector).first()
        widget.focus()
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        widget.scroll_visible(top=True, animate=False)
        await pilot.pause()

    return run_before


def test_math_in_prose(snap_compare: Compare, make_app: MakeApp) -> None:
    app = make_app(TUTORIAL, kernel_factory=NO_CUDA)
    assert snap_compare(app, terminal_size=SIZE, run_before=at_block("Prose"))


def test_picture_in_half_blocks(snap_compare: Compare, make_app: MakeApp) -> None:
    app = make_app(TUTORIAL, kernel_factory=NO_CUDA)
    assert snap_compare(app, terminal_size=SIZE, run_before=at_block("FigureView"))


def test_plot_in_a_cells_output(snap_compare: Compare, make_app: MakeApp) -> None:
    app = make_app(TUTORIAL, kernel_factory=NO_CUDA)
    assert snap_compare(app, terminal_size=SIZE, run_before=at_block("cell:plot", ("r",)))


def test_cell_skipped_for_cuda(snap_compare: Compare, make_app: MakeApp) -> None:
    app = make_app(TUTORIAL, kernel_factory=NO_CUDA)
    assert snap_compare(app, terminal_size=SIZE, run_before=at_block("cell:on-gpu", ("r",)))


def test_listing(snap_compare: Compare, make_app: MakeApp) -> None:
    app = make_app(TUTORIAL, kernel_factory=NO_CUDA)
    assert snap_compare(app, terminal_size=SIZE, run_before=at_block("Listing"))


async def test_a_plot_and_a_skip_reach_the_cells(make_app: MakeApp) -> None:
    """The snapshot tests' premise, checked without pictures: the plot cell shows its picture
    and the CUDA cell says why it was skipped."""
    app = make_app(TUTORIAL, kernel_factory=FakeKernelFactory(not_installed=frozenset({"cuda"})))
    async with app.run_test(size=SIZE) as pilot:
        await open_from_map(pilot, "pieces")
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        cells = {cell.block.id: cell for cell in screen.query(CodeCell)}
        assert set(cells) == {"plot", "on-gpu"}  # the listing is not a cell
        for name in ("plot", "on-gpu"):
            cells[name].focus()
            await pilot.press("r")
            await settle(pilot)
        plot = cells["plot"]
        assert plot.has_class("-ok") and plot._last_result is not None
        assert plot._last_result.picture_count == 1
        status = str(cells["on-gpu"].query_one(".code-cell--status").render())
        assert "Skipped: needs CUDA" in status


async def drawn_pictures(app: LectioApp, lesson: str, holder: type[Any]) -> tuple[Any, list[str]]:
    """Open ``lesson`` and return the first ``holder`` widget and the alt texts of the
    half-block pictures drawn in it."""
    from engine.tui.widgets.picture import HalfBlockPicture

    async with app.run_test(size=SIZE) as pilot:
        app.open_lesson(lesson)
        await settle(pilot)
        block = app.screen.query_one(holder)
        drawn = [getattr(w, "content", None) for w in block.query(".figure--picture")]
        texts = len(block.query("MarkdownText"))
        return texts, [p.alt for p in drawn if isinstance(p, HalfBlockPicture)]


async def test_pictures_in_prose_are_drawn_in_place(make_app: MakeApp) -> None:
    from engine.tui.widgets.picture import ProseWithPictures

    app = make_app(TUTORIAL, kernel_factory=NO_CUDA)
    texts, alts = await drawn_pictures(app, "prose-pictures", ProseWithPictures)
    assert alts == ["Four coloured quadrants", "the plot"]
    assert texts == 3  # before, the paragraph, the end


def test_inline_picture_in_prose(snap_compare: Compare, make_app: MakeApp) -> None:
    async def open_it(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, LectioApp)
        await open_from_map(pilot, "prose-pictures")
        widget = app.screen.query(".figure--picture").last()
        widget.scroll_visible(top=False, animate=False)
        await pilot.pause()

    app = make_app(TUTORIAL, kernel_factory=NO_CUDA)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_it)


def test_bare_align_and_a_jacobian_array(snap_compare: Compare, make_app: MakeApp) -> None:
    """tests/data/tutorials/autograd as PyTorch's tutorial writes its math: a bare
    ``\\begin{align}`` and a Jacobian as ``\\left(\\begin{array}...\\end{array}\\right)``."""
    autograd = TUTORIAL.parent.parent / "tutorials" / "autograd"

    async def at_jacobian(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, LectioApp)
        await open_from_map(pilot, "vector-calculus")
        prose = [w for w in app.screen.query("Prose") if "Jacobian" in getattr(w, "source", "")]
        prose[0].focus()
        prose[0].scroll_visible(top=True, animate=False)
        await pilot.pause()

    app = make_app(autograd, kernel_factory=NO_CUDA)
    assert snap_compare(app, terminal_size=SIZE, run_before=at_jacobian)


async def test_a_picture_in_a_note_is_drawn(make_app: MakeApp, tmp_path: Path) -> None:
    from engine.tui.widgets.note import Note

    course = tmp_path / "noted"
    (course / "images").mkdir(parents=True)
    shutil.copy(TUTORIAL / "images" / "quadrants.png", course / "images" / "q.png")
    (course / "course.yaml").write_text(
        "id: noted\ntitle: Noted\nsections:\n  - title: All\n    lessons: [one]\n"
    )
    (course / "one.yaml").write_text(
        "id: one\ntitle: One\nblocks:\n  - note: |\n      Look:\n\n"
        "      ![four quadrants](images/q.png)\n    kind: tip\n"
    )
    app = make_app(course, kernel_factory=NO_CUDA)
    _texts, alts = await drawn_pictures(app, "one", Note)
    assert alts == ["four quadrants"]
