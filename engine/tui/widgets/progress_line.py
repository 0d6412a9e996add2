"""How far the learner is: a bar and its percentage on one line (the course map, a lesson's
header, a quiz).

It draws what Textual's ``ProgressBar(show_eta=False)`` draws (its bar renderable, in the same
theme colours, then the percentage right-aligned in five cells), as one widget: ProgressBar is
a container of three widgets (the bar, the percentage, the hidden estimate) with their styles,
clock and timers, and made the course map's first frame about 7 ms slower for one line that
never shows an estimate or an indeterminate state here.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from textual.app import RenderResult as WidgetRender
from textual.reactive import reactive
from textual.renderables.bar import Bar
from textual.widget import Widget

PERCENT_WIDTH = 5
"""Cells of the percentage, right-aligned ("100%" and the space before it), as ProgressBar's."""


class _BarAndPercent:
    """The bar filling what the percentage leaves of the width, then the percentage."""

    def __init__(self, bar: Bar, percent: str, style: Style) -> None:
        self.bar = bar
        self.percent = percent
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        room = max(options.max_width - PERCENT_WIDTH, 0)
        self.bar.width = room
        if room:
            yield from console.render(self.bar, options.update(width=room))
        yield Segment(self.percent.rjust(PERCENT_WIDTH)[-options.max_width :], self.style)


class ProgressLine(Widget, can_focus=False):
    """``progress`` steps of ``total`` done, drawn as a bar and a percentage (a ``total`` of 0
    reads 100%, as ProgressBar has it)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"progress-line--bar", "progress-line--complete"}
    """The bar while steps remain, and once every step is done."""

    DEFAULT_CSS = """
    ProgressLine {
        width: 37;
        height: 1;

        &> .progress-line--bar {
            color: $primary;
            background: $surface;
        }
        &> .progress-line--complete {
            color: $success;
            background: $surface;
        }
    }
    """

    progress: reactive[float] = reactive(0.0)
    """Steps done."""
    total: reactive[float] = reactive(100.0)
    """Steps in all."""

    def __init__(
        self, total: float = 100.0, *, progress: float = 0.0, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.set_reactive(ProgressLine.total, total)
        self.set_reactive(ProgressLine.progress, progress)

    @property
    def fraction(self) -> float:
        """How much is done, from 0 to 1."""
        if self.total <= 0:
            return 1.0
        return min(max(self.progress / self.total, 0.0), 1.0)

    def update(self, *, total: float | None = None, progress: float | None = None) -> None:
        """Change the steps done or in all (what is not given stays)."""
        if total is not None:
            self.total = total
        if progress is not None:
            self.progress = progress

    def render(self) -> WidgetRender:
        fraction = self.fraction
        done = "progress-line--complete" if fraction >= 1 else "progress-line--bar"
        bar_style = self.get_component_rich_style(done)
        room = max(self.size.width - PERCENT_WIDTH, 0)
        bar = Bar(  # it rounds the end to the nearest half cell
            highlight_range=(0, fraction * room),
            highlight_style=Style.from_color(bar_style.color),
            background_style=Style.from_color(bar_style.bgcolor),
        )
        return _BarAndPercent(bar, f"{round(fraction * 100)}%", self.rich_style)
