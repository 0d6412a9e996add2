"""`lectio validate --watch`: a full run, then one round per batch of saves, each with the
output of a single run and a line saying what changed."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.cli import main
from engine.validation import watch

LESSON = "id: {id}\ntitle: T\nblocks:\n  - text: hello\n"


def test_rounds_recheck_only_what_changed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, other = tmp_path / "good.yaml", tmp_path / "other.yaml"
    good.write_text(LESSON.format(id="good"))
    other.write_text(LESSON.format(id="other"))

    def saves(paths: list[str], **_: object) -> Iterator[list[str]]:
        assert paths == [str(tmp_path)]
        good.write_text("id: good\ntitle: T\nblocks: []\n")  # a broken save
        yield [str(good)]
        good.write_text(LESSON.format(id="good"))  # fixed again
        other.unlink()
        yield [str(good), str(other)]
        yield [str(other)]  # only a removal: nothing to check
        raise KeyboardInterrupt

    monkeypatch.setattr(watch, "changes", saves)
    assert main(["validate", "--no-exec", "--watch", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    lines = [re.sub(r" at \d\d:\d\d:\d\d", " at T", line) for line in out.splitlines()]
    assert lines == [
        "2 files, 2 lessons, 0 cells, 0 questions, 0 verifications: no problems "
        "(schema only; cells not run)",
        "watch: round 1 at T: checked everything: clean; waiting for changes (Ctrl+C stops)",
        f"{good}:3:9: blocks: needs at least 1 block, found 0",
        "1 file, 0 lessons, 0 cells, 0 questions, 0 verifications: 1 problem in 1 file "
        "(schema only; cells not run)",
        f"watch: round 2 at T: {good} changed: problems found; waiting for changes (Ctrl+C stops)",
        "1 file, 1 lesson, 0 cells, 0 questions, 0 verifications: no problems "
        "(schema only; cells not run)",
        f"watch: round 3 at T: {good} changed; {other} removed: clean; waiting for changes "
        "(Ctrl+C stops)",
        f"watch: round 4 at T: {other} removed: nothing checked; waiting for changes "
        "(Ctrl+C stops)",
    ]
    assert err == "lectio validate: stopped watching\n"


def test_watchfiles_reports_a_save_of_a_lesson(tmp_path: Path) -> None:
    pytest.importorskip("watchfiles")
    lesson = tmp_path / "a.yaml"
    lesson.write_text(LESSON.format(id="a"))
    stop = threading.Event()
    seen: list[list[str]] = []
    got = threading.Event()

    def consume() -> None:
        for batch in watch.changes([str(tmp_path)], stop=stop):
            seen.append(batch)
            got.set()
            return

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    # keep saving until the watcher has started and reports one (a wait on an event, bounded)
    for _ in range(100):
        (tmp_path / "notes.txt").write_text("not a lectio file")
        lesson.write_text(LESSON.format(id="a"))
        if got.wait(0.2):
            break
    stop.set()
    thread.join(10)
    assert seen and seen[0] == [str(lesson)]


def test_watch_without_watchfiles_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.yaml").write_text(LESSON.format(id="a"))

    def unavailable(paths: list[str], **_: object) -> Iterator[list[str]]:
        raise watch.WatchUnavailableError("--watch needs the watchfiles package")
        yield []

    monkeypatch.setattr(watch, "changes", unavailable)
    assert main(["validate", "--no-exec", "--watch", str(tmp_path)]) == 2
    assert "--watch needs the watchfiles package" in capsys.readouterr().err
