"""A lesson without math or pictures pays nothing for them: its screen is drawn without
importing the TeX renderer (pylatexenc), the picture code or Pillow (measured in
benchmarks/README.md; this checks the cause, in a fresh process, without a clock)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tui_support import COURSE, TUTORIAL

HERE = Path(__file__).parent
SCRIPT = """
import asyncio, json, sys, tempfile
from pathlib import Path
sys.path.insert(0, {here!r})
from tui_support import FakeKernelFactory, settle
from engine.session.study import Study
from engine.session.targets import open_target
from engine.store import SqliteStore
from engine.tui.app import LectioApp

async def main():
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "db")
        study = Study(open_target(Path({target!r}), whole_course=True), store, learner="t",
                      kernel_factory=FakeKernelFactory())
        app = LectioApp(study)
        async with app.run_test(size=(100, 32)) as pilot:
            app.open_lesson({lesson!r})
            await settle(pilot)
            names = ("pylatexenc", "PIL", "matplotlib", "engine.markup.tex",
                     "engine.picture_grid", "engine.tui.widgets.picture")
            seen = {{n: n in sys.modules for n in names}}
            plugins = sys.modules.get("pygments.plugin")
            seen["lexer plugin scans"] = (
                plugins.iter_entry_points.cache_info().misses if plugins else 0
            )
            print(json.dumps(seen))
        store.close()

asyncio.run(main())
"""

WATCHED = ("pylatexenc", "PIL", "engine.markup.tex", "engine.picture_grid")


def loaded(target: Path, lesson: str) -> dict[str, int]:
    code = SCRIPT.format(here=str(HERE), target=str(target), lesson=lesson)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_plain_lesson_imports_no_math_or_picture_code() -> None:
    found = loaded(COURSE, "first-steps")
    assert not any(found[name] for name in WATCHED), found
    assert not found["matplotlib"]


def test_a_lesson_with_math_and_a_picture_does() -> None:
    pytest.importorskip("PIL")
    found = loaded(TUTORIAL, "pieces")
    assert all(found[name] for name in WATCHED), found
    assert not found["matplotlib"]  # plots are drawn in the kernel, never in lectio


def test_display_math_never_makes_pygments_load_its_plugin_lexers() -> None:
    """A display formula is drawn as a fenced block (``lectio-math``) by the plain-text lexer:
    asked for that name, Pygments scanned every installed package's entry points and imported
    every plugin lexer (IPython's, with a dozen lexer modules), about 60 ms of CPU the first
    time a lesson with math was drawn (issue 15)."""
    found = loaded(TUTORIAL, "pieces")
    assert found["pylatexenc"]  # the lesson has math, drawn
    assert found["lexer plugin scans"] == 0
