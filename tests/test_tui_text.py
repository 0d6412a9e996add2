"""Pure rendering helpers of the TUI: inert output, inline Markdown labels, the autograd tree."""

from __future__ import annotations

import io

import pytest
from rich.console import Console, RenderableType

from engine.execution.graph import AutogradGraph, GraphNode
from engine.safe_text import inert
from engine.tui.inline import inline_markdown, paragraphs_markdown
from engine.tui.safe_text import inert_text
from engine.tui.widgets.graph_view import graph_tree


def plain(renderable: RenderableType) -> str:
    console = Console(width=100, color_system=None, record=True, file=io.StringIO())
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.export_text().rstrip("\n").splitlines())


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),
        ("\x1b]52;c;aGk=\x07", "␛]52;c;aGk=␇"),  # OSC 52 clipboard write
        ("bell\x07", "bell␇"),
        ("a\rb", "a␍b"),  # carriage return would overwrite the line
        ("x\x9b2J", "x\\x9b2J"),  # C1 CSI
        ("del\x7f", "del␡"),
        ("\u202eevil", "\\u202eevil"),  # bidi override
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("windows\r\nline", "windows\nline"),
    ],
)
def test_controls_are_shown_not_executed(raw: str, shown: str) -> None:
    assert inert(raw) == shown


def test_inert_text_is_never_markup() -> None:
    text = inert_text("[bold red]x[/] \x1b[1m")
    assert text.plain == "[bold red]x[/] ␛[1m"
    assert not text.spans


@pytest.mark.parametrize(
    ("source", "plain_text", "styled"),
    [
        ("`x.grad`", "x.grad", ["x.grad"]),
        ("**bold** and *it*", "bold and it", ["bold", "it"]),
        ("zero_grad, no_grad", "zero_grad, no_grad", []),
        ("a[0] [bold]", "a[0] [bold]", []),
    ],
)
def test_inline_markdown(source: str, plain_text: str, styled: list[str]) -> None:
    text = inline_markdown(source)
    assert text.plain == plain_text
    assert [text.plain[s.start : s.end] for s in text.spans] == styled


@pytest.mark.parametrize(
    "source",
    [
        "# Heading\ntext",
        "- a list\n- of two",
        "1. first",
        "> quoted",
        "```\ncode\n```",
        "see [the docs](https://x)",
        "    indented code",
        "| a | b |",
        "<b>html</b>",
        "![img](x.png)",
    ],
)
def test_paragraphs_markdown_refuses_block_markdown(source: str) -> None:
    assert paragraphs_markdown(source) is None


def test_paragraphs_markdown_keeps_paragraphs_and_inline_styles() -> None:
    text = paragraphs_markdown("From your **first** tensor\nto a `model`.\n\nSecond  para.\n")
    assert text is not None
    assert text.plain == "From your first tensor to a model.\n\nSecond para."
    assert {text.plain[s.start : s.end] for s in text.spans} == {"first", "model"}


def test_graph_tree_from_root_to_leaves_with_shared_nodes() -> None:
    graph = AutogradGraph(
        nodes=[
            GraphNode(0, "y", "tensor", "tensor(6.)"),
            GraphNode(1, "MulBackward0", "op"),
            GraphNode(2, "x", "leaf", "tensor(2., requires_grad=True)", "tensor(4.)"),
        ],
        edges=[(0, 1), (1, 2), (1, 2)],
        root=0,
    )
    lines = plain(graph_tree(graph, lang="en")).splitlines()
    assert lines == [
        "y  tensor(6.)",
        "└── MulBackward0",
        "    ├── x  tensor(2., requires_grad=True)  grad=tensor(4.)",
        "    └── ↑ x",
        "↑ x: the same x as above, used again (drawn once)",
    ]


def test_graph_tree_reports_the_kernels_error() -> None:
    shown = plain(graph_tree(AutogradGraph(error="name 'z' is not defined"), lang="pt"))
    assert shown == "Não foi possível desenhar o grafo: name 'z' is not defined"
    partial = AutogradGraph(
        nodes=[GraphNode(0, "w", "tensor", "tensor(1.)")], root=0, error="'w' does not require grad"
    )
    assert plain(graph_tree(partial, lang="en")).splitlines()[-1] == "'w' does not require grad"
