"""Real tutorials without loss, read as text: every Markdown field of the lessons brought over
from real material (tests/data/tutorials/*/, the bundled course) reads in plain mode and in the
TUI's prose with no raw TeX and no raw Markdown left (outside code, where it is meant)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from engine.format.loader import load_lesson
from engine.markup.markdown import to_text, with_math
from engine.tui.widgets.prose import PicturesAsText
from engine.validation.content import markdown_fields

ROOT = Path(__file__).parent.parent
LESSONS = sorted(
    [*(ROOT / "tests" / "data" / "tutorials").glob("*/*.yaml"), *(ROOT / "lessons").rglob("*.yaml")]
)
LESSONS = [p for p in LESSONS if p.name != "course.yaml"]
FIELDS = [
    pytest.param(text, id=f"{path.relative_to(ROOT)}:{getattr(node, 'id', None) or key[0]}:{n}")
    for path in LESSONS
    for n, (node, key, text) in enumerate(markdown_fields(load_lesson(path)))
]

RAW = re.compile(
    r"\\[A-Za-z]+"  # a TeX command
    r"|\$"  # a dollar left from math
    r"|\*\*|__"  # bold markers
    r"|!?\[[^\]]*\]\("  # a link or picture written as Markdown
    r"|^\s{0,3}#{1,6}\s|^\s{0,3}(=+|-{3,})\s*$|^\s*\|.*\|\s*$",  # headings, setext, table rows
    re.M,
)
CODE = re.compile(r"`[^`\n]*`")
FENCED = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.S | re.M)


def raw_left(text: str) -> list[str]:
    return [match.group(0) for match in RAW.finditer(CODE.sub("", text))]


def test_the_corpus_has_real_tutorials() -> None:
    assert any("tutorials" in str(path) for path in LESSONS) and len(FIELDS) > 20


@pytest.mark.parametrize("text", FIELDS)
def test_plain_mode_reads_no_raw_tex_or_markdown(text: str) -> None:
    assert raw_left(to_text(text)) == []


@pytest.mark.parametrize("text", FIELDS)
def test_tui_prose_shows_no_raw_tex_or_markdown(text: str) -> None:
    console = Console(file=io.StringIO(), width=100, color_system=None)
    prose = FENCED.sub("", CODE.sub("`code`", text))  # the TUI shows code without its backticks
    console.print(PicturesAsText(with_math(prose).strip(), hyperlinks=False))
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert raw_left(shown) == []
