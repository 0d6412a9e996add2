"""Markdown as text a screen reader reads (plain mode), through markdown-it: no markup symbols,
no raw TeX, tables as rows, lists numbered as written."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.markup.markdown import images, math_as_text, to_line, to_text, with_math


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("A **tensor** is *the* basic object.", "A tensor is the basic object."),
        ("## Summary", "Summary"),
        ("Use **`zero_grad`** first.", "Use `zero_grad` first."),
        ("Keep `a * b * c` and `**kw` as written.", "Keep `a * b * c` and `**kw` as written."),
        ("my_var_name and 2 * 3 * 4 stay.", "my_var_name and 2 * 3 * 4 stay."),
        ("See [the docs](https://pytorch.org).", "See the docs (https://pytorch.org)."),
        ("* one\n+ two\n- three", "- one\n\n- two\n\n- three"),
        ("***both*** and _it_ and __bold__", "both and it and bold"),
        (
            "Before\n```python\nx = a ** 2  # **kept**\n```\nAfter",
            "Before\n\nCode:\n    x = a ** 2  # **kept**\nEnd of code.\n\nAfter",
        ),
        ("```\nunclosed", "Code:\n    unclosed\nEnd of code."),
        (r"\*not emphasis\* and a \_b\_ c", "*not emphasis* and a _b_ c"),
        ("2 \\* 3 and C:\\path and \\\\", "2 * 3 and C:\\path and \\"),
        (r"a \`not code\` and `code \* kept`", r"a `not code` and `code \* kept`"),
        # what the regex renderer got wrong
        (
            "A **bold\nword** and a [link\nacross](https://x.org) lines.",
            "A bold word and a link across (https://x.org) lines.",
        ),
        ("Title\n=====\n\nSub\n---", "Title\n\nSub"),
        ("3. three\n4. four", "3. three\n4. four"),
        ("1. one\n1. two\n1. three", "1. one\n2. two\n3. three"),
        (
            "See [the guide][g].\n\n[g]: https://example.com/guide",
            "See the guide (https://example.com/guide).",
        ),
        ("Go to <https://pytorch.org>.", "Go to https://pytorch.org."),
        ("H<sub>2</sub>O, a<br>b &amp; c", "H2O, a\nb & c"),
        ("<div>\n<b>Block</b> HTML\n</div>", "Block HTML"),
        ("- a\n  - nested\n- b", "- a\n  - nested\n- b"),
        ("> quoted **text**", "  quoted text"),
        (
            "Plain words only.\nSecond line.\n\nPara two.",
            "Plain words only. Second line.\n\nPara two.",
        ),
    ],
)
def test_markdown_to_text(markdown: str, text: str) -> None:
    assert to_text(markdown) == text


def test_tables_are_rows_a_screen_reader_follows() -> None:
    table = "| name | shape |\n|------|-------|\n| w | (2, 3) |\n| x | (2, 3) |\n"
    assert to_text(table).splitlines() == [
        "Table with the columns name, shape:",
        "Row 1: name: w, shape: (2, 3)",
        "Row 2: name: x, shape: (2, 3)",
    ]
    assert to_text(table, "pt").splitlines()[2] == "Linha 2: name: x, shape: (2, 3)"


def test_math_never_prints_raw_tex() -> None:
    text = (
        "The gradient $\\nabla_w L = \\frac{2}{n} X^\\top (Xw - y)$ costs $5.\n\n"
        "$$\nJ = \\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}\n$$\n"
    )
    out = to_text(text)
    assert out.splitlines() == [
        "The gradient ∇_w L = 2/n Xᵀ(Xw − y) costs $5.",
        "",
        "    J = ⎛ a  b ⎞",
        "        ⎝ c  d ⎠",
    ]
    assert to_line("Is $x_i^2$ **right**?") == "Is xᵢ² right?"
    assert math_as_text("loss $L_i$ and $5") == "loss Lᵢ and $5"
    assert with_math("no math, $5") == "no math, $5"


def test_pictures_print_their_alt_text() -> None:
    out = to_text("![The graph of y](images/graph.png) and ![logo](https://x.org/l.png)")
    assert out == (
        "Picture: The graph of y and Picture: logo (on the web, not downloaded: "
        "https://x.org/l.png)"
    )
    assert images("![a](b.png) ![c][r]\n\n[r]: d.jpg") == [("a", "b.png"), ("c", "d.jpg")]


def test_plain_paragraphs_do_not_import_the_parser() -> None:
    sys.modules.pop("markdown_it", None)
    assert to_text("Just words, and a comma.\nA second line.") == (
        "Just words, and a comma. A second line."
    )
    assert "markdown_it" not in sys.modules


SPLIT_CASES = yaml.safe_load(
    (Path(__file__).parent / "data" / "markdown" / "split_pictures.yaml").read_text("utf-8")
)


@pytest.mark.parametrize("case", SPLIT_CASES, ids=[case["name"] for case in SPLIT_CASES])
def test_pictures_are_split_out_where_they_are_drawn(case: dict[str, Any]) -> None:
    from engine.markup.markdown import split_pictures

    assert [list(part) for part in split_pictures(case["text"])] == case["parts"]
