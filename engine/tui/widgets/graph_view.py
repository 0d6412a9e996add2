"""A ``graph`` block: the real autograd graph of a variable, drawn in the terminal.

Where the original lesson page showed a PyTorchViz picture, the terminal shows the graph the kernel
actually built: the variable at the top, its ``grad_fn`` operations (AddBackward0, MulBackward0...)
below, down to the leaf tensors with their values and gradients. Colours follow PyTorchViz: the
output tensor green, operations grey/yellow, leaves blue. A node reached twice (``x * x``) is drawn
once and referenced again with "↑".

The widget only draws an :class:`~engine.execution.graph.AutogradGraph`; its screen gets one from
the session in a thread worker (:class:`GraphView.DrawRequested`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from rich.tree import Tree
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Static

from engine.execution.graph import AutogradGraph, GraphNode
from engine.format.models import GraphBlock
from engine.i18n import t
from engine.safe_text import inert

NODE_STYLES = {"op": "bold yellow", "leaf": "bold cyan", "tensor": "bold green"}


def node_label(node: GraphNode, *, lang: str, root: bool = False) -> Text:
    """One node: its label, then the value and the gradient of a tensor."""
    style = "bold green" if root else NODE_STYLES.get(node.kind, "bold")
    text = Text(inert(node.label), style=style)
    if node.value:
        text.append("  ")
        text.append(inert(node.value), style="default")
    if node.grad:
        # "dim" over the node's colour would fade it below 4.5:1: the default colour, dimmed
        text.append(f"  {t('grad', lang)}=", style="not bold dim default")
        text.append(inert(node.grad), style="magenta")
    return text


def graph_tree(graph: AutogradGraph, *, lang: str) -> RenderableType:
    """The graph as a Rich tree from the root down to the leaves (edges go to inputs)."""
    if graph.root is None or not graph.nodes:
        return Text(
            t("Cannot draw the graph: {error}", lang, error=inert(graph.error or "?")), style="red"
        )
    nodes = {node.id: node for node in graph.nodes}
    children: dict[int, list[int]] = defaultdict(list)
    for source, target in graph.edges:
        children[source].append(target)
    root_node = nodes[graph.root]
    tree = Tree(node_label(root_node, lang=lang, root=True), guide_style="dim")
    drawn = {graph.root}
    again: list[str] = []  # nodes drawn once and pointed at again with "↑"
    stack: list[tuple[Tree, int]] = [(tree, graph.root)]
    while stack:
        branch, node_id = stack.pop()
        later: list[tuple[Tree, int]] = []
        for child_id in children.get(node_id, []):
            found = nodes.get(child_id)
            if found is None:
                continue
            child = found
            if child_id in drawn:
                ref = Text()  # only the arrow dim: a dimmed colour falls below 4.5:1
                ref.append("↑ ", style="dim")
                ref.append(inert(child.label), style=NODE_STYLES.get(child.kind, "bold"))
                branch.add(ref)
                if child.label not in again:
                    again.append(child.label)
                continue
            drawn.add(child_id)
            later.append((branch.add(node_label(child, lang=lang)), child_id))
        stack.extend(reversed(later))
    parts: list[RenderableType] = [tree]
    for label in again:  # say on screen what the arrow means
        parts.append(
            Text(
                t(
                    "↑ {name}: the same {name} as above, used again (drawn once)",
                    lang,
                    name=inert(label),
                ),
                style="dim",
            )
        )
    if graph.error:
        parts.append(Text(inert(graph.error), style="italic yellow"))
    return parts[0] if len(parts) == 1 else Group(*parts)


class GraphView(Vertical, can_focus=True):
    """A graph block: ``g`` (or the button) runs the cells above and draws the graph."""

    DEFAULT_CSS = """
    GraphView {
        height: auto;
        margin: 1 0;
        padding: 0 1;
        border: round $success;
        border-title-color: $text-success;
        &:focus-within { border: round $border; }
        & > .graph--body { height: auto; }
        & > Button { margin: 1 0 0 0; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("g", "draw", "Draw graph")]

    class DrawRequested(Message):
        """Run the cells above and draw the graph."""

        def __init__(self, view: GraphView) -> None:
            super().__init__()
            self.view = view

        @property
        def control(self) -> GraphView:
            return self.view

    def __init__(self, block: GraphBlock, *, block_index: int, lang: str) -> None:
        super().__init__(classes="block")
        self.block = block
        self.block_index = block_index
        self.lang = lang
        self.drawn = False
        self.border_title = block.title or t("Autograd graph of {name}", lang, name=block.graph)

    def compose(self) -> ComposeResult:
        yield Static(
            Text(
                t(
                    "Press Draw to run the cells above and draw the graph of {name}",
                    self.lang,
                    name=self.block.graph,
                ),
                style="dim",
            ),
            classes="graph--body",
        )
        yield Button(t("Draw graph", self.lang), compact=True)

    def drawing(self) -> None:
        self.query_one(".graph--body", Static).update(
            Text("⠿ " + t("Drawing the graph…", self.lang), style="italic")
        )

    def show(self, graph: AutogradGraph) -> None:
        """Draw ``graph`` (or its error)."""
        self.drawn = graph.root is not None
        self.query_one(".graph--body", Static).update(graph_tree(graph, lang=self.lang))

    def show_error(self, message: str) -> None:
        self.query_one(".graph--body", Static).update(
            Text(t("Cannot draw the graph: {error}", self.lang, error=inert(message)), style="red")
        )

    def action_draw(self) -> None:
        self.post_message(self.DrawRequested(self))

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_draw()
