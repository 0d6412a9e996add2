"""matplotlib backend of lesson kernels (``MPLBACKEND=module://engine.execution.mpl_backend``).

Agg does the drawing (no display server, no window); ``plt.show()`` hands the open figures to
the running cell's output as pictures (:func:`engine.execution.richdisplay.capture_figures`)
instead of warning that Agg cannot show them. Imported by matplotlib, in a kernel only, when a
cell first imports ``matplotlib.pyplot``.
"""

from __future__ import annotations

from typing import Any

from matplotlib.backend_bases import FigureManagerBase
from matplotlib.backends.backend_agg import FigureCanvasAgg

from engine.execution.richdisplay import capture_figures

FigureCanvas = FigureCanvasAgg
FigureManager = FigureManagerBase


def show(*args: Any, **kwargs: Any) -> None:
    """``plt.show()``: the open figures become pictures of the cell's output, then close."""
    capture_figures()
