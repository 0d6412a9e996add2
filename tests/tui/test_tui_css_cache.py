"""The parsed CSS kept between runs (engine/tui/css_cache.py, issue 15 "first frames"): a second
start reads what the first parsed instead of parsing it, and looks exactly the same; what it
reads is refused unless it is Textual's CSS model, and a changed input never finds stale rules."""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from tui_support import COURSE, SIZE, FakeKernelFactory

from engine.session.study import Study
from engine.session.targets import open_target
from engine.store import SqliteStore
from engine.tui.app import DARK_THEME, LIGHT_THEME, LectioApp
from engine.tui.css_cache import KeptStylesheet, _read


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Where Textual itself parsed a source (the read_from of each parse)."""
    seen: list[str] = []
    original = Stylesheet._parse_rules

    def counting(
        self: Stylesheet,
        css: str,
        read_from: tuple[str, str],
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        if (css, read_from, is_default_rules, tie_breaker, scope) not in self._parse_cache:
            seen.append(read_from[1] or read_from[0])
        return original(self, css, read_from, is_default_rules, tie_breaker, scope)

    monkeypatch.setattr(Stylesheet, "_parse_rules", counting)
    yield seen


async def _look(
    store: SqliteStore, kernels: FakeKernelFactory, css_cache: Path | None, theme: str = DARK_THEME
) -> tuple[list[tuple[str, str, str, str]], str]:
    """Every widget of the course map (colours, place), and the screen as text."""
    study = Study(open_target(COURSE, whole_course=True), store, "t", kernel_factory=kernels)
    app = LectioApp(study, css_cache=css_cache, theme=theme)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        widgets = [
            (
                f"{type(w).__name__}#{w.id}",
                str(w.styles.background),
                str(w.styles.color),
                str(w.region),
            )
            for w in app.screen.query("*")
        ]
        text = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
    return widgets, text


@pytest.mark.parametrize("theme", [DARK_THEME, LIGHT_THEME])
async def test_a_second_start_reads_the_css_the_first_parsed_and_looks_the_same(
    tmp_path: Path, store: SqliteStore, kernels: FakeKernelFactory, parsed: list[str], theme: str
) -> None:
    folder = tmp_path / "css"
    uncached = await _look(store, kernels, None, theme)
    parsed.clear()
    first = await _look(store, kernels, folder, theme)
    assert any("lectio.tcss" in name for name in parsed)  # nothing kept yet: parsed
    assert len(list(folder.glob("*/*.pickle"))) >= len(parsed) > 10
    parsed.clear()
    second = await _look(store, kernels, folder, theme)
    assert parsed == []  # every source read back, none parsed
    assert first == uncached
    assert second == uncached


async def test_another_theme_is_parsed_not_read(
    tmp_path: Path, store: SqliteStore, kernels: FakeKernelFactory, parsed: list[str]
) -> None:
    """The theme's variables are part of what names a file: a light start after a dark one
    parses (its colours are not the dark theme's)."""
    folder = tmp_path / "css"
    dark = await _look(store, kernels, folder, DARK_THEME)
    parsed.clear()
    light = await _look(store, kernels, folder, LIGHT_THEME)
    assert parsed
    assert light[0] != dark[0]


class _Hostile:
    """Unpickled, it would run a command."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch pwned",))


@pytest.mark.parametrize(
    "payload",
    [
        pickle.dumps([_Hostile()]),
        pickle.dumps([getattr]),  # a builtin other than the ones rules use
        pickle.dumps([os.path.join]),
        b"\x80\x05truncated",
        pickle.dumps({"not": "rules"}),
    ],
    ids=["command", "builtin", "function", "truncated", "not-rules"],
)
async def test_a_file_that_is_not_parsed_rules_is_refused_and_the_css_parsed(
    tmp_path: Path,
    store: SqliteStore,
    kernels: FakeKernelFactory,
    parsed: list[str],
    payload: bytes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "css"
    uncached = await _look(store, kernels, None)
    await _look(store, kernels, folder)
    kept = sorted(folder.glob("*/*.pickle"))
    for file in kept:
        file.write_bytes(payload)
        assert _read(file) is None
    parsed.clear()
    assert await _look(store, kernels, folder) == uncached
    assert len(parsed) == len(kept)  # each refused file parsed again
    assert not (tmp_path / "pwned").exists()
    assert _read(kept[0]) is not None  # and kept again, good this time


def test_a_folder_of_another_textual_or_python_is_removed(tmp_path: Path) -> None:
    old = tmp_path / "css" / "0123456789abcdef"
    old.mkdir(parents=True)
    (old / "x.pickle").write_bytes(b"old")
    sheet = KeptStylesheet(tmp_path / "css", variables={"primary": "#004578"})
    sheet.add_source("Screen { color: $primary; }", read_from=("test.tcss", ""))
    sheet.parse()
    assert not old.exists()
    assert len(list((tmp_path / "css").glob("*/*.pickle"))) == 1


def test_a_source_with_errors_is_not_kept(tmp_path: Path) -> None:
    sheet = KeptStylesheet(tmp_path / "css", variables={})
    sheet.add_source("Screen { colour: red; }", read_from=("bad.tcss", ""))
    with pytest.raises(Exception):  # noqa: B017 - Textual's own StylesheetParseError
        sheet.parse()
    assert list((tmp_path / "css").glob("*/*.pickle")) == []
