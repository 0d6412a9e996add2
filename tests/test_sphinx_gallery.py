"""sphinx-gallery tutorials: blocks by sphinx-gallery's rules, reST prose through docutils into
Markdown (math, listings, notes, figures, Sphinx roles), reST problems at their file lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cli import main

pytest.importorskip("docutils")
from engine.authoring.notebook_import import SourceError, import_source
from engine.authoring.sphinx_gallery import is_sphinx_gallery

DATA = Path(__file__).parent / "data" / "import"
TUTORIAL = DATA / "gallery_tutorial.py"


def test_a_tutorial_becomes_blocks() -> None:
    imported = import_source(TUTORIAL)
    assert imported.data["title"] == "Squares with sphinx-gallery"
    assert imported.data["blocks"] == [
        {
            "text": "[Back](index.html) || **Squares**\n\nA tutorial written for sphinx-gallery,"
            " with $x^2$ inline and a\ndisplay formula:\n\n$$\n"
            "\\sum_{i=1}^{n} i^2 = \\frac{n(n+1)(2n+1)}{6}\n$$\n"
        },
        {"code": "xs = [1, 2, 3]\nprint(sum(x * x for x in xs))\n"},
        {"text": "## Installing\n\nInstall it first:\n"},
        {"code": "pip install squares\n", "run": False, "language": "bash"},
        {"note": "See `sum` and the guide.\n"},
        {"figure": "images/dot.png", "alt": "A single dot", "caption": "The smallest picture."},
        {"text": "## Broken title\n"},
        {"code": "print(max(xs))\n"},
    ]
    assert [n.located("t.py") for n in imported.notes.items] == [
        "t.py:38:1: cell 4: reST warning: Title underline too short.",
        "t.py:40:1: cell 4: the Sphinx directive toctree has no lectio equivalent; dropped",
    ]


def test_import_command_validates_and_copies_the_picture(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["import", str(TUTORIAL), "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"{TUTORIAL}:38:1: cell 4: reST warning: Title underline too short." in out
    assert (tmp_path / "images" / "dot.png").read_bytes() == (
        DATA / "images" / "dot.png"
    ).read_bytes()
    assert main(["validate", "--no-exec", str(tmp_path / "gallery-tutorial.yaml")]) == 0


def test_a_docstring_that_is_not_raw_is_read_as_written(tmp_path: Path) -> None:
    source = tmp_path / "nonraw.py"
    source.write_text('"""\nTitle here\n==========\n\n:math:`\\frac{a}{b}`\n"""\nprint(1)\n')
    imported = import_source(source)
    assert imported.data["blocks"][0] == {"text": "$\\frac{a}{b}$\n"}
    assert (
        imported.notes.items[0]
        .located("n.py")
        .startswith("n.py:1:1: cell 1: the docstring is not raw but holds TeX backslashes")
    )


def test_broken_python_and_broken_rest_are_located(tmp_path: Path) -> None:
    source = tmp_path / "broken.py"
    source.write_text('"""\nTitle\n=====\n"""\n\n# %%\n# Text\n\nprint(1\n')
    with pytest.raises(SourceError) as info:
        import_source(source)
    assert str(info.value) == f"{source}:9:6: not valid Python: '(' was never closed"
    rest = tmp_path / "rest.py"
    rest.write_text(
        '"""\nTitle\n=====\n"""\n\n# %%\n# Some *emphasis without end\n#\n#    bad indent\n'
        "# .. image::\n\nprint(1)\n"
    )
    imported = import_source(rest)
    located = [n.located("r.py") for n in imported.notes.items]
    assert (
        "r.py:7:1: cell 2: reST warning: Inline emphasis start-string without end-string."
        in located
    )
    assert any(
        line.startswith('r.py:10:1: cell 2: reST error: Error in "image" directive')
        for line in located
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"""\nTitle\n=====\n"""\nprint(1)\n', True),
        ('"""Docstring."""\n# %%\nprint(1)\n', True),
        ("# %%\nprint(1)\n", False),  # a jupytext percent script
        ('"""Just a docstring."""\nprint(1)\n', False),
    ],
)
def test_what_counts_as_a_sphinx_gallery_script(text: str, expected: bool) -> None:
    assert is_sphinx_gallery(text) is expected
