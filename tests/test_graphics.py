"""Terminal graphics for pictures: the way chosen from the environment
(engine.terminal_graphics, tests/data/graphics/terminals.yaml), textual-image's drawing code
imported without asking the terminal anything (engine.tui.graphics), sizes in cells."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.picture_grid import MAX_COLUMNS, MAX_ROWS
from engine.terminal_graphics import cells, choose

TERMINALS = yaml.safe_load(
    (Path(__file__).parent / "data" / "graphics" / "terminals.yaml").read_text("utf-8")
)


@pytest.mark.parametrize("case", TERMINALS, ids=[case["name"] for case in TERMINALS])
def test_the_way_to_draw_pictures_comes_from_the_environment(case: dict[str, Any]) -> None:
    assert choose(case["env"], case["available"]) == case["chosen"]


def test_drawing_code_is_imported_without_querying_the_terminal() -> None:
    """textual-image's packages write queries to the terminal when imported (a Sixel and a
    Kitty query); lectio imports its drawing modules when Textual already owns the terminal,
    so nothing may be written to it."""
    pytest.importorskip("textual_image")
    pytest.importorskip("PIL")
    master, slave = pty.openpty()
    code = (
        "from engine.tui.graphics import _drawing_modules\n"
        "modules = _drawing_modules()\n"
        "import sys\n"
        "print(modules.kitty.__module__, modules.sixel.__module__, file=sys.stderr)\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            stdin=slave,
            stdout=slave,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
        )
        written = b""
        while select.select([master], [], [], 0)[0]:
            chunk = os.read(master, 4096)
            if not chunk:
                break
            written += chunk
    finally:
        os.close(master)
        os.close(slave)
    assert done.returncode == 0, done.stderr
    assert done.stderr.split() == ["textual_image.renderable.tgp", "textual_image.widget.sixel"]
    assert written == b""


@pytest.mark.parametrize(
    ("size", "max_columns", "cell"),
    [((640, 480), 100, (10, 20)), ((2000, 100), 60, (8, 16)), ((100, 3000), 100, (10, 20))],
)
def test_a_picture_fits_in_its_cells_in_proportion(
    size: tuple[int, int], max_columns: int, cell: tuple[int, int]
) -> None:
    columns, rows = cells(*size, max_columns, cell)
    assert columns <= min(max_columns, MAX_COLUMNS) and rows <= MAX_ROWS
    drawn = (columns * cell[0]) / (rows * cell[1])
    assert abs(drawn - size[0] / size[1]) / (size[0] / size[1]) < 0.35 or min(columns, rows) == 1
