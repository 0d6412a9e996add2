"""The contract's "Additions: real tutorials without loss": what the new keys mean once loaded.

Bad input for each key lives in tests/data/broken (schema-figure-*, schema-normalize-*,
schema-ipython-magic, schema-listing-language-runs, schema-expect-figures-negative,
schema-requires-cell-bad) with its located message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.format.catalog import load_course_dir
from engine.format.ipython import ipython_hint
from engine.format.loader import parse
from engine.format.models import (
    CodeBlock,
    FigureBlock,
    Lesson,
    NormalizeRule,
    capabilities_of,
    modules_of,
)
from engine.format.problems import LoadError

LESSON = b"""\
id: plots
title: Plots
requires: [torch, network]
normalize: [ansi]
blocks:
  - figure: images/graph.png
    alt: The graph of y
    caption: What PyTorchViz draws for $y$
  - code: pip install matplotlib
    run: false
    language: bash
  - code: |
      import matplotlib.pyplot as plt
      plt.plot([1, 2, 3])
    requires: [matplotlib, cuda]
    normalize:
      - addresses
      - {pattern: "took [0-9.]+ s", replace: "took N s"}
    expect: {figures: 1, stderr: "a warning", contains: "Line2D"}
  - code: print(1)
    expect: {figures: 0}
"""


def lesson() -> Lesson:
    doc = parse(LESSON, "plots.yaml", "lesson")
    assert isinstance(doc, Lesson)
    return doc


def test_figure_block() -> None:
    figure = lesson().blocks[0]
    assert isinstance(figure, FigureBlock)
    assert (figure.figure, figure.alt) == ("images/graph.png", "The graph of y")
    assert figure.caption == "What PyTorchViz draws for $y$"
    assert figure.span_of("figure").line == 6
    assert [f.alt for f in lesson().figures] == ["The graph of y"]


def test_listing_is_not_a_cell() -> None:
    doc = lesson()
    listing = doc.blocks[1]
    assert isinstance(listing, CodeBlock) and not listing.run and listing.language == "bash"
    assert listing not in doc.code_cells and doc.listings == [listing]
    assert len(doc.code_cells) == 2
    assert all(cell.language == "python" and cell.run for cell in doc.code_cells)


def test_requires_splits_modules_and_capabilities() -> None:
    doc = lesson()
    cell = doc.code_cells[0]
    assert cell.requires == ["matplotlib", "cuda"]
    assert cell.required_modules == ["matplotlib"] and capabilities_of(cell.requires) == ["cuda"]
    assert doc.required_modules == ["torch"] and capabilities_of(doc.requires) == ["network"]
    assert modules_of(["cuda", "network"]) == []


def test_normalize_and_expect_keys() -> None:
    doc = lesson()
    cell = doc.code_cells[0]
    assert doc.normalize == ["ansi"]
    assert cell.normalize[0] == "addresses"
    rule = cell.normalize[1]
    assert isinstance(rule, NormalizeRule) and rule.replace == "took N s"
    assert rule.span.line == 18
    assert cell.expect is not None
    assert (cell.expect.mode, cell.expect.value) == ("contains", "Line2D")
    assert (cell.expect.figures, cell.expect.stderr) == (1, "a warning")
    only = doc.code_cells[1].expect
    assert only is not None and only.mode is None and only.value == "" and only.figures == 0


def test_course_normalize_comes_first(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text(
        "id: c\ntitle: C\nnormalize: [addresses]\nsections: [{title: S, lessons: [plots]}]\n"
    )
    (tmp_path / "plots.yaml").write_bytes(LESSON)
    loaded = load_course_dir(tmp_path)
    assert loaded.problems == []
    assert loaded.lessons["plots"].normalize == ["addresses", "ansi"]
    assert loaded.lessons["plots"].normalize != lesson().normalize


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("%matplotlib inline", "it is not needed"),
        ("!pip install torch", "listing (run: false, language: bash)"),
        ("%pip install torch", "listing (run: false, language: bash)"),
        ("%timeit f()", "time.perf_counter()"),
        ("%load_ext autoreload", "write the Python it stands for"),
    ],
)
def test_ipython_lines_are_explained(line: str, expected: str) -> None:
    hint = ipython_hint(f"x = 1\n{line}\n", 2)
    assert hint is not None and "is IPython syntax, not Python" in hint and expected in hint
    assert ipython_hint("x = 1\nx +\n", 2) is None


def test_a_listing_need_not_be_python() -> None:
    data = (
        b"id: a\ntitle: A\nblocks:\n  - code: 'echo $((1 +'\n    run: false\n    language: bash\n"
    )
    assert isinstance(parse(data, "a.yaml", "lesson"), Lesson)
    with pytest.raises(LoadError, match="Python syntax error"):
        parse(data.replace(b"    run: false\n", b"").replace(b"bash", b"python"), "a.yaml")
