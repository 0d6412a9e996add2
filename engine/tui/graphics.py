"""Terminal graphics for pictures in the TUI: textual-image's Kitty renderable and Sixel
widget (the ``pictures`` extra), for the terminals :mod:`engine.terminal_graphics` finds.

The terminal is never asked what it can do. textual-image asks it when its packages are
imported (it writes a query and reads the answer from stdin, up to 0.1 s each when a terminal
does not answer: about half a second measured on a terminal that never answers): before the app
starts every lesson's first frame would pay for it; once Textual runs, its input thread takes
the answers (they would arrive as keys) and the query waits for nothing. So its drawing modules
are imported when the first picture is drawn, after the first frame, without the package
``__init__`` files that ask the terminal (:func:`_drawing_modules`), and its cell size is set
from :func:`engine.terminal_graphics.cell_size`.
"""

from __future__ import annotations

import importlib.util
import io
import sys
import types
from functools import cache
from pathlib import Path

from rich.console import ConsoleRenderable
from textual.widget import Widget

from engine.terminal_graphics import cell_size, cells


@cache
def _drawing_modules() -> types.SimpleNamespace:
    """textual-image's Kitty renderable and Sixel widget, imported without the package files
    that query the terminal (``textual_image.renderable`` and ``textual_image.widget`` run the
    queries when imported: empty packages stand in for them), its cell size set from
    :func:`cell_size` (its own lookup may query the terminal too)."""
    spec = importlib.util.find_spec("textual_image")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("textual-image is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    for package in ("renderable", "widget"):
        name = f"textual_image.{package}"
        if name not in sys.modules:
            stand_in = types.ModuleType(name)
            stand_in.__path__ = [str(root / package)]
            sys.modules[name] = stand_in
    from textual_image import _terminal

    size = cell_size()
    _terminal.get_cell_size._result = _terminal.CellSize(*size)  # type: ignore[attr-defined]
    from textual_image.renderable.tgp import Image as KittyImage
    from textual_image.widget.sixel import Image as SixelImage

    return types.SimpleNamespace(kitty=KittyImage, sixel=SixelImage, cell=size)


def kitty_renderable(data: bytes, size: tuple[int, int], max_columns: int) -> ConsoleRenderable:
    """A Rich renderable drawing the PNG or JPEG ``data`` with Kitty's graphics protocol."""
    from PIL import Image

    modules = _drawing_modules()
    columns, rows = cells(*size, max_columns, modules.cell)
    drawing: ConsoleRenderable = modules.kitty(Image.open(io.BytesIO(data)), columns, rows)
    return drawing


def sixel_widget(data: bytes, size: tuple[int, int], max_columns: int) -> Widget:
    """A Textual widget drawing the PNG or JPEG ``data`` as Sixel graphics."""
    from PIL import Image

    modules = _drawing_modules()
    columns, rows = cells(*size, max_columns, modules.cell)
    widget: Widget = modules.sixel(Image.open(io.BytesIO(data)), classes="figure--picture")
    widget.styles.width = columns
    widget.styles.height = rows
    return widget
