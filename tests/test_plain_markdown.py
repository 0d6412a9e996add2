"""Markdown turned into text a screen reader reads without markup symbols."""

from __future__ import annotations

import pytest

from engine.plain.markdown import to_text


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("A **tensor** is *the* basic object.", "A tensor is the basic object."),
        ("## Summary", "Summary"),
        ("Use **`zero_grad`** first.", "Use `zero_grad` first."),
        ("Keep `a * b * c` and `**kw` as written.", "Keep `a * b * c` and `**kw` as written."),
        ("my_var_name and 2 * 3 * 4 stay.", "my_var_name and 2 * 3 * 4 stay."),
        ("See [the docs](https://pytorch.org).", "See the docs (https://pytorch.org)."),
        ("* one\n+ two\n- three", "- one\n- two\n- three"),
        ("***both*** and _it_ and __bold__", "both and it and bold"),
        (
            "Before\n```python\nx = a ** 2  # **kept**\n```\nAfter",
            "Before\nCode:\n    x = a ** 2  # **kept**\nEnd of code.\nAfter",
        ),
        ("```\nunclosed", "Code:\n    unclosed\nEnd of code."),
        # backslash escapes mean the character itself (CommonMark), never emphasis
        (r"\*not emphasis\* and a \_b\_ c", "*not emphasis* and a _b_ c"),
        ("2 \\* 3 and C:\\path and \\\\", "2 * 3 and C:\\path and \\"),
        (r"a \`not code\` and `code \* kept`", r"a `not code` and `code \* kept`"),
    ],
)
def test_markdown_to_text(markdown: str, text: str) -> None:
    assert to_text(markdown) == text
