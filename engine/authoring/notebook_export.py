"""``lectio export LESSON --to ipynb|md``: a lesson as a Jupyter notebook (nbformat v4).

Every block becomes one cell a Jupyter user can read, and the cell's ``metadata.lectio`` keeps
the block itself, so ``lectio import`` of the export gives back an equal lesson:

- text: a Markdown cell holding the text;
- note: a Markdown cell in Jupyter's ``alert`` box (info, success for tips, warning);
- code: a code cell; its expectation is in the metadata, and an ``expect`` that says what the
  cell prints is also its stored output (stream, or the error a ``raises`` expects, with the
  ``raises-exception`` tag that nbclient and nbval honour), so the notebook shows it; a hidden
  cell has its source collapsed;
- a ``run: false`` listing, a graph, a figure, a question: a Markdown cell showing it (a fenced
  listing, a picture, the question with its choices and, folded, the answers and why).

The lesson's own keys (id, language, requires, timeout, normalize) are in the notebook's
``metadata.lectio``, its title is the first cell's heading. ``--to md`` is the same notebook in
jupytext's Markdown format. nbformat and jupytext are imported only here (the ``import`` extra).
"""

from __future__ import annotations

from typing import Any

from engine.authoring.lessonyaml import block_data, lesson_data
from engine.format.models import (
    CodeBlock,
    FigureBlock,
    GraphBlock,
    Lesson,
    NoteBlock,
    QuestionBlock,
    TextBlock,
)

FORMAT_VERSION = 1
NOTE_ALERT = {"info": "info", "definition": "info", "tip": "success", "warning": "warning"}
NOTE_LABEL = {"info": "Note", "definition": "Definition", "tip": "Tip", "warning": "Warning"}
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class MissingDependencyError(RuntimeError):
    """nbformat or jupytext is not installed; the message says what to install."""


def require(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(
            f"this needs the Python package {module}, which is not installed; "
            "install it with: pip install 'lectio[import]'"
        ) from None


def render_note(block: NoteBlock) -> str:
    label = block.title or NOTE_LABEL[block.kind]
    return (
        f'<div class="alert alert-block alert-{NOTE_ALERT[block.kind]}">\n\n'
        f"**{label}**\n\n{block.note.rstrip()}\n\n</div>"
    )


def render_figure(block: FigureBlock) -> str:
    text = f"![{block.alt.strip()}]({block.figure})"
    return text + (f"\n\n*{block.caption.strip()}*" if block.caption else "")


def render_graph(block: GraphBlock) -> str:
    title = f": {block.title}" if block.title else ""
    return f"*The autograd graph of `{block.graph}`{title} (drawn by lectio).*"


def render_listing(block: CodeBlock) -> str:
    fence = "````" if "```" in block.code else "```"
    return f"{fence}{block.language}\n{block.code.rstrip()}\n{fence}"


def render_question(block: QuestionBlock) -> str:
    kind = "Select all that apply." if block.multiple else "Choose one answer."
    lines = [f"**Question** ({kind})", "", block.question.rstrip(), ""]
    for letter, choice in zip(LETTERS, block.choices, strict=False):
        lines.append(f"- **{letter}.** {choice.text.strip()}")
    lines += ["", "<details><summary>Answer</summary>", ""]
    for letter, choice in zip(LETTERS, block.choices, strict=False):
        mark = "right" if choice.correct else "wrong"
        why = f" {choice.why.strip()}" if choice.why else ""
        lines.append(f"- **{letter}** ({mark}).{why}")
    lines += ["", "</details>"]
    return "\n".join(lines)


def render_markdown(block: Any) -> str:
    """The Markdown a non-code block is shown as in the notebook (and compared on import)."""
    if isinstance(block, TextBlock):
        return block.text
    if isinstance(block, NoteBlock):
        return render_note(block)
    if isinstance(block, FigureBlock):
        return render_figure(block)
    if isinstance(block, GraphBlock):
        return render_graph(block)
    if isinstance(block, QuestionBlock):
        return render_question(block)
    if isinstance(block, CodeBlock):
        return render_listing(block)
    raise TypeError(f"no Markdown form for {type(block).__name__}")


def _outputs(v4: Any, block: CodeBlock) -> tuple[list[Any], list[str]]:
    expect = block.expect
    if expect is None:
        return [], []
    outputs: list[Any] = []
    tags: list[str] = []
    if expect.stdout is not None:
        text = expect.stdout if expect.stdout.endswith("\n") else expect.stdout + "\n"
        outputs.append(v4.new_output("stream", name="stdout", text=text))
    if expect.stderr is not None:
        outputs.append(v4.new_output("stream", name="stderr", text=expect.stderr))
    if expect.raises is not None:
        outputs.append(v4.new_output("error", ename=expect.raises, evalue="", traceback=[]))
        tags.append("raises-exception")
    return outputs, tags


def lesson_to_notebook(lesson: Lesson) -> Any:
    """The lesson as an nbformat v4 notebook node (validated)."""
    nbformat = require("nbformat")
    v4 = nbformat.v4
    meta = {k: v for k, v in lesson_data(lesson).items() if k not in ("title", "blocks")}
    meta["format"] = FORMAT_VERSION
    meta["title"] = lesson.title
    nb = v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
            "lectio": meta,
        }
    )
    nb.cells.append(
        v4.new_markdown_cell(
            f"# {lesson.title}", id="lectio-title", metadata={"lectio": {"block": "title"}}
        )
    )
    for index, block in enumerate(lesson.blocks, start=1):
        data = block_data(block)
        cell_id = f"lectio-{index}"
        if isinstance(block, CodeBlock) and block.run:
            rest = {k: v for k, v in data.items() if k != "code"}
            outputs, tags = _outputs(v4, block)
            metadata: dict[str, Any] = {"lectio": {"block": "code", **rest}}
            if tags:
                metadata["tags"] = tags
            if block.hidden:
                metadata["jupyter"] = {"source_hidden": True}
            cell = v4.new_code_cell(block.code, id=cell_id, metadata=metadata, outputs=outputs)
        else:
            kind = "listing" if isinstance(block, CodeBlock) else _kind(block)
            metadata = {"lectio": {"block": kind}}
            if kind != "text":
                metadata["lectio"]["data"] = data
            cell = v4.new_markdown_cell(render_markdown(block), id=cell_id, metadata=metadata)
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def _kind(block: Any) -> str:
    for kind, cls in (
        ("text", TextBlock),
        ("note", NoteBlock),
        ("figure", FigureBlock),
        ("graph", GraphBlock),
        ("question", QuestionBlock),
    ):
        if isinstance(block, cls):
            return kind
    raise TypeError(type(block).__name__)


def export_notebook(lesson: Lesson, to: str) -> str:
    """The text of the exported file: ``ipynb`` (JSON) or ``md`` (jupytext Markdown)."""
    nb = lesson_to_notebook(lesson)
    if to == "ipynb":
        nbformat = require("nbformat")
        return str(nbformat.writes(nb)) + "\n"
    jupytext = require("jupytext")
    # keep lectio's notebook metadata in the front matter (jupytext drops unknown keys)
    nb.metadata["jupytext"] = {"notebook_metadata_filter": "lectio"}
    return str(jupytext.writes(nb, fmt="md"))
