"""A picture as a grid of colour pairs for Unicode half-block drawing (``▀``: the top half in the
foreground colour, the bottom half in the background colour), headless.

The TUI draws pictures (figure blocks, plots in a cell's output) in any terminal this way: each
character cell shows two pixels, one above the other, which gives nearly square pixels in the
usual 1:2 cell. Decoding and resampling are Pillow's, imported on first use (a lesson without
pictures never pays for it); without Pillow the grid is None and the front end shows the alt
text instead. The bytes must already have passed :func:`engine.pictures.inspect`.
"""

from __future__ import annotations

import io
from functools import lru_cache

RGB = tuple[int, int, int]
Grid = tuple[tuple[tuple[RGB, RGB], ...], ...]

MAX_COLUMNS = 72
MAX_ROWS = 20
"""The largest drawing, in character cells: a plot fits beside the text around it."""


def fit(width: int, height: int, columns: int, max_rows: int = MAX_ROWS) -> tuple[int, int]:
    """Columns and rows of character cells for a ``width`` x ``height`` picture drawn at most
    ``columns`` wide and ``max_rows`` tall, keeping its proportions (never wider than its
    pixels: a small picture is not blown up)."""
    columns = max(1, min(columns, MAX_COLUMNS, width))
    rows = max(1, round(columns * height / width / 2))
    if rows > max_rows:
        rows = max_rows
        columns = max(1, min(columns, round(rows * 2 * width / height)))
    return columns, rows


def pillow_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("PIL") is not None


@lru_cache(maxsize=32)
def half_blocks(
    data: bytes, columns: int, max_rows: int = MAX_ROWS, background: RGB = (255, 255, 255)
) -> Grid | None:
    """The picture as ``rows`` x ``columns`` pairs of (top, bottom) colours, transparent parts
    over ``background``; None when Pillow is not installed or cannot decode it."""
    try:
        from PIL import Image
    except ImportError:
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            cols, rows = fit(image.width, image.height, columns, max_rows)
            rgba = image.convert("RGBA")
            flat = Image.new("RGBA", rgba.size, (*background, 255))
            flat.alpha_composite(rgba)
            small = flat.convert("RGB").resize((cols, rows * 2), Image.Resampling.BOX)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    raw = small.tobytes()  # RGB, row by row (Image.getdata is deprecated in Pillow 12.1)
    pixels = [(raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw), 3)]
    grid = []
    for row in range(rows):
        top = pixels[2 * row * cols : (2 * row + 1) * cols]
        bottom = pixels[(2 * row + 1) * cols : (2 * row + 2) * cols]
        grid.append(tuple(zip(top, bottom, strict=True)))
    return tuple(grid)
