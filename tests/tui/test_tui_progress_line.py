"""The one-widget progress line draws what Textual's ProgressBar(show_eta=False) drew in its
place (issue 15: three widgets and their styles less in every first frame), cell for cell."""

from __future__ import annotations

import pytest
from rich.style import Style
from textual.app import App, ComposeResult
from textual.widgets import ProgressBar

from engine.tui.widgets.progress_line import ProgressLine

CSS = """
ProgressBar { width: 1fr; max-width: %(width)d; }
ProgressBar > Bar { width: 1fr; }
ProgressLine { width: 1fr; max-width: %(width)d; }
"""


class Both(App[None]):
    def __init__(self, total: float, progress: float, width: int) -> None:
        super().__init__()
        self.total, self.progress, self.width = total, progress, width
        self.stylesheet.add_source(CSS % {"width": width}, read_from=("test", ""))

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=self.total, show_eta=False)
        yield ProgressLine(total=self.total, id="line")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).update(progress=self.progress)
        self.query_one(ProgressLine).update(progress=self.progress)


def _cells(app: App[None], row: int) -> list[tuple[str, str, str]]:
    strip = app.screen._compositor.render_strips()[row]
    cells = []
    for segment in strip:
        style = segment.style or Style()
        cells += [(char, str(style.color), str(style.bgcolor)) for char in segment.text]
    return cells


@pytest.mark.parametrize(
    ("total", "progress", "width"),
    [(13, 0, 37), (13, 5, 37), (13, 13, 37), (7, 3, 20), (0, 0, 37), (3, 1, 8), (12, 11, 60)],
)
@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_line_looks_as_progress_bar_did(
    total: float, progress: float, width: int, theme: str
) -> None:
    app = Both(total, progress, width)
    async with app.run_test(size=(80, 4)) as pilot:
        app.theme = theme
        await pilot.pause()
        bar, line = _cells(app, 0), _cells(app, 1)
        assert line == bar
        percent = "".join(char for char, _, _ in line[:width]).strip().split()[-1]
        expected = 100 if total == 0 else round(progress / total * 100)
        assert percent == f"{expected}%"


async def test_it_follows_updates() -> None:
    app = Both(10, 0, 37)
    async with app.run_test(size=(80, 4)) as pilot:
        line = app.query_one(ProgressLine)
        line.update(progress=5)
        app.query_one(ProgressBar).update(progress=5)
        await pilot.pause()
        assert line.fraction == 0.5
        assert _cells(app, 1) == _cells(app, 0)
        line.update(total=8)  # whole cells both ways (ProgressBar floors later updates)
        app.query_one(ProgressBar).update(total=8)
        await pilot.pause()
        assert line.fraction == 0.625
        assert _cells(app, 1) == _cells(app, 0)
