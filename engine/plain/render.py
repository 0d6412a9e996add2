"""Blocks, results, graphs and verdicts as plain text lines: no boxes, clear prefixes.

Markdown is rendered as text by :mod:`engine.markup.markdown` (markdown-it, the parser the TUI's
renderer uses too): no markup symbols read aloud, math as Unicode, tables as rows; code is
indented by four spaces between a "Code cell" line and an "End of code." line, so a screen reader
announces where it starts and stops.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.execution.results import CellResult, CellStatus
from engine.format.models import CodeBlock, FigureBlock, NoteBlock
from engine.i18n import nt, t, tr
from engine.markup import markdown
from engine.plain.pacing import wrap
from engine.session.labels import GRAPH_KINDS, note_heading
from engine.session.lesson import unmet_reason
from engine.session.views import QuestionView, Verdict

if TYPE_CHECKING:
    from engine.ask.offline import OfflinePart


def md(text: str, lang: str | None = None, width: int | None = None) -> str:
    """Markdown prose as screen-reader-friendly text (see :mod:`engine.markup.markdown`),
    its prose wrapped to ``width`` when given (code blocks never are)."""
    return markdown.to_text(text, lang, width)


def offline(parts: list[OfflinePart], lang: str | None, width: int | None) -> str:
    """An Ask offline answer on a terminal: its Markdown lines rendered as prose blocks are
    (no ``**``, paragraphs filled to ``width``), its plain lines (a docstring, a value) wrapped
    each as it came."""
    return "\n\n".join(
        "\n".join(
            md(line, lang, width) if markdown else wrap(line, width) for line, markdown in part
        )
        for part in parts
    )


def md_line(text: str, lang: str | None = None) -> str:
    """Short Markdown (a choice, a why, a hint) on one line."""
    return markdown.to_line(text, lang)


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line.strip() else line for line in text.rstrip().split("\n"))


def note(block: NoteBlock, lang: str | None, width: int | None = None) -> str:
    label, title = note_heading(block.kind, block.title, lang)
    head = f"{label}: {title}" if title else f"{label}:"
    return f"{wrap(head, width)}\n{md(block.note, lang, width)}"


def result_lines(
    result: CellResult, lang: str | None, *, printed: bool, expected_raise: bool = False
) -> list[str]:
    """What to say after a cell ran (its stdout is already printed when ``printed``).

    ``expected_raise``: the lesson says this cell raises (``expect: {raises: ...}``) and it did,
    so the error is the point of the cell, not a failure: say so first."""
    lines: list[str] = []
    if not printed and result.stdout:
        lines += [t("Output:", lang), result.stdout.rstrip("\n")]
    if result.truncated:
        lines.append(t("… output truncated", lang))
    if result.display is not None:
        lines += [t("Value:", lang), result.display]
    status = result.status
    if status is CellStatus.OK:
        if not result.stdout and result.display is None:
            lines.append(t("No output.", lang))
        lines.append(t("Done in {seconds:.2f} s", lang, seconds=result.duration))
    elif status is CellStatus.ERROR and result.error is not None:
        name, message = result.error.name, result.error.message
        tb = result.error.traceback.rstrip()
        if tb and message in tb:  # the traceback ends with the message: say it once
            if expected_raise:
                lines.append(t("Raised {name}, as this example means to.", lang, name=name))
            else:
                lines.append(t("Error: {name}.", lang, name=name))
            lines.append(tb)
        elif expected_raise:
            lines.append(
                t(
                    "Raised {name}, as this example means to: {message}",
                    lang,
                    name=name,
                    message=message,
                )
            )
        else:
            lines.append(t("Error: {name}: {message}", lang, name=name, message=message))
            if tb:
                lines.append(tb)
    elif status is CellStatus.TIMEOUT:
        lines.append(t("Timed out after {seconds:.1f} s", lang, seconds=result.duration))
    elif status is CellStatus.CRASHED:
        lines.append(t("The kernel crashed while running this cell; it is restarting", lang))
    elif status is CellStatus.SKIPPED and result.extra.get("unmet"):
        lines.append(unmet_reason(result.extra["unmet"].split(","), lang))
        return lines  # the reason, in the learner's language (the detail is English)
    elif status is CellStatus.SKIPPED:
        lines.append(t("Skipped", lang))
    if result.detail and status is not CellStatus.OK:
        lines.append(result.detail.rstrip())
    return lines


def picture_lines(result: CellResult, lang: str | None, folder: Path, stem: str) -> list[str]:
    """Each picture of a cell's output written to ``folder`` and announced:
    "Figure 1: 640x480 pixels, saved to PATH" (a screen reader reads the path; an image viewer
    opens it)."""
    lines: list[str] = []
    for n, picture in enumerate(result.pictures, 1):
        if picture.png is None:
            lines.append(t("Figure {n}: not shown: {problem}", lang, n=n, problem=picture.problem))
            continue
        path = folder / f"{stem}-figure-{n}.png"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(picture.png)
        except OSError as exc:
            lines.append(
                t("Figure {n}: could not be saved: {error}", lang, n=n, error=exc.strerror or exc)
            )
            continue
        lines.append(
            t(
                "Figure {n}: {width}x{height} pixels, saved to {path}",
                lang,
                n=n,
                width=picture.width,
                height=picture.height,
                path=str(path),
            )
        )
    left = result.picture_count - len(result.pictures)
    if left > 0:
        lines.append(nt("{n} more figure not kept", "{n} more figures not kept", left, lang))
    return lines


def figure(block: FigureBlock, lang: str | None) -> str:
    """A figure block: its alt text, then its caption (plain mode does not draw pictures)."""
    lines = [t("Picture: {alt}", lang, alt=markdown.math_as_text(block.alt.strip()))]
    if block.caption:
        lines.append(t("Caption: {caption}", lang, caption=md_line(block.caption, lang)))
    return "\n".join(lines)


def listing(block: CodeBlock, lang: str | None) -> str:
    """A ``run: false`` listing: shown between two lines that say it is not run."""
    return "\n".join(
        [
            t("Listing ({language}), not run:", lang, language=block.language),
            indent(block.code),
            t("End of listing.", lang),
        ]
    )


def graph_lines(graph: Any, name: str, lang: str | None) -> list[str]:
    """An autograd graph as an indented tree from its root (edges go to a node's inputs)."""
    lines = [t("Autograd graph of {name}", lang, name=name) + ":"]
    if getattr(graph, "error", None):
        lines.append(t("Cannot draw the graph: {error}", lang, error=graph.error))
        return lines
    nodes = {n.id: n for n in getattr(graph, "nodes", [])}
    if graph.root is None or graph.root not in nodes:
        lines.append(t("(no graph)", lang))
        return lines
    inputs: dict[int, list[int]] = {}
    for src, dst in graph.edges:
        inputs.setdefault(src, []).append(dst)
    seen: set[int] = set()

    def walk(node_id: int, depth: int) -> None:
        node = nodes[node_id]
        kind = GRAPH_KINDS.get(node.kind)
        text = f"{'  ' * depth}- {node.label} ({tr(kind, lang) if kind else node.kind})"
        if node.value:
            text += f": {node.value}"
        if node.grad:
            text += f"; {t('grad', lang)} = {node.grad}"
        if node_id in seen:
            lines.append(f"{'  ' * depth}- {node.label} {t('(shown above)', lang)}")
            return
        seen.add(node_id)
        lines.append(text)
        for child in inputs.get(node_id, []):
            if child in nodes:
                walk(child, depth + 1)

    walk(graph.root, 1)
    return lines


def choice_lines(view: QuestionView) -> list[str]:
    return [f"  {c.number}. {md_line(c.text)}" for c in view.choices]


def explanation_lines(
    view: QuestionView, verdict: Verdict, lang: str | None, *, everything: bool
) -> list[str]:
    """Each choice's verdict and ``why``: every choice (``everything``), or what
    :meth:`~engine.session.views.Verdict.shown` allows (after a wrong answer: the wrong picks
    only, so a retry stays a real question)."""
    lines = []
    for e in verdict.explanations if everything else verdict.shown():
        tags = []
        if e.picked:
            tags.append(t("your answer", lang))
        tags.append(t("right", lang) if e.correct else t("wrong", lang))
        line = f"  {view.number_of(e.index)}. {md_line(e.text)} ({', '.join(tags)})"
        if e.why:
            line += f": {md_line(e.why)}"
        lines.append(line)
    return lines
