"""What ``lectio open`` does before its first content is drawn (issue 15, "first frames"), checked
in a fresh process through the real command line and app, without a clock: the costs measured in
benchmarks/README.md are absent, not small. The app runs headless; ``end_startup_gc`` (called
once the first real screen is drawn) is wrapped to record the state at that moment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tui_support import COURSE

SCRIPT = """
import gc, json, sys
import engine.tui.app as tui
from textual.app import App
from textual.css.stylesheet import Stylesheet

seen = {{}}
original = tui.end_startup_gc
apps = []
reparsed = []
reparse = Stylesheet.reparse

def counted(self):
    reparsed.append(1)
    reparse(self)

Stylesheet.reparse = counted

from textual._compositor import Compositor
frames = []
render_update = Compositor.render_update

def rendered(self, *args, **kwargs):
    update = render_update(self, *args, **kwargs)
    if update is not None:  # dropped: Textual shows no frame while its start-up batch lasts
        frames.append("dropped" if apps and apps[0]._batch_count else "shown")
    return update

Compositor.render_update = rendered

def run(self, **kw):
    apps.append(self)
    return App.run(self, headless=True, size=(100, 32))

def recorder():
    seen["screen"] = type(apps[0].screen).__name__
    seen["gc_on_before"] = gc.isenabled()
    seen["modules"] = sorted(sys.modules)
    seen["reparsed"] = len(reparsed)
    seen["frames"] = list(frames)
    seen["variables_match"] = apps[0].stylesheet._variables == apps[0].get_css_variables()
    original()
    seen["gc_on_after"] = gc.isenabled()
    seen["frozen"] = gc.get_freeze_count()
    apps[0].exit(0)

tui.LectioApp.run = run
tui.end_startup_gc = recorder
from engine.cli import main
status = main(["open", {target!r}, "--data-dir", {data!r}, "--learner", "t"])
seen["status"] = status
seen["gc_on_at_exit"] = gc.isenabled()
print(json.dumps(seen))
"""


def first_content(target: Path, data: Path) -> dict[str, Any]:
    code = SCRIPT.format(target=str(target), data=str(data))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_course_map_is_drawn_before_the_models_and_other_commands(tmp_path: Path) -> None:
    seen = first_content(COURSE, tmp_path)
    assert seen["status"] == 0
    assert seen["screen"] == "CourseMapScreen"
    modules = set(seen["modules"])
    # Drawn from the outline: pydantic and the models come after the first frame.
    assert not {"pydantic", "engine.format.models"} & modules
    # Only `open`'s parser is built: no other command module is imported.
    commands = {m for m in modules if m.startswith("engine.cli.") and m.endswith("_cmd")}
    assert commands == {"engine.cli.open_cmd"}, commands


def test_the_collector_waits_for_the_first_content(tmp_path: Path) -> None:
    seen = first_content(COURSE, tmp_path)
    assert seen["gc_on_before"] is False  # off through the imports and the first screen
    assert seen["gc_on_after"] is True
    assert seen["frozen"] > 0  # what the start-up made is never walked again
    assert seen["gc_on_at_exit"] is True


def test_the_css_is_parsed_once_before_the_first_content(tmp_path: Path) -> None:
    """Starting in lectio's theme does not re-parse the stylesheet: assigning the theme and the
    ANSI palettes after construction made Textual parse and apply all of the CSS again, once
    per watcher, before the first frame (two of them, about 15 ms of the course map's)."""
    for target in (COURSE, COURSE / "first-steps.yaml"):
        seen = first_content(target, tmp_path / target.name)
        assert seen["reparsed"] == 0
        assert seen["variables_match"] is True  # parsed with the theme's own variables


def test_the_first_screen_is_drawn_once_and_shown(tmp_path: Path) -> None:
    """The first screen (the course map, a lesson's preview) is laid out and drawn once, in a
    frame that is shown. Pushed in ``on_mount``, inside Textual's start-up batch, it was drawn
    while Textual held frames back: that frame was dropped and the screen drawn again after
    the batch, about 20 ms of the course map's first frame."""
    for target in (COURSE, COURSE / "first-steps.yaml"):
        seen = first_content(target, tmp_path / target.name)
        assert seen["frames"] and "dropped" not in seen["frames"], seen["frames"]


def test_a_lesson_is_drawn_from_its_outline_before_the_models(tmp_path: Path) -> None:
    """A lesson opened directly: its first content is its preview (header, progress, opening
    prose) drawn without pydantic, the models or the lesson screen's modules; the validated
    screen replaces it when the load ends (tests/tui/test_tui_preview.py)."""
    seen = first_content(COURSE / "first-steps.yaml", tmp_path)
    assert seen["status"] == 0
    assert seen["screen"] == "LessonPreviewScreen"
    modules = set(seen["modules"])
    heavy = {"pydantic", "engine.format.models", "engine.tui.screens.lesson"}
    assert not heavy & modules, heavy & modules
    assert "engine.tui.widgets.prose" in modules  # the prose is drawn by the lesson's widgets
    assert seen["gc_on_after"] is True


def test_unchanged_files_are_not_parsed_again(tmp_path: Path) -> None:
    """The second start over the same files draws its first content without PyYAML: the outline
    comes from what the first start kept (engine/format/outline_cache.py)."""
    for target in (COURSE, COURSE / "first-steps.yaml"):
        data = tmp_path / target.name
        first = first_content(target, data)
        assert "yaml" in first["modules"]  # nothing kept yet
        second = first_content(target, data)
        assert second["screen"] == first["screen"]
        assert "yaml" not in second["modules"]
