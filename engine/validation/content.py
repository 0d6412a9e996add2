"""What ``lectio validate`` checks in a lesson's content without running it: pictures and math.

* Every local picture (a ``figure`` block, a Markdown ``![alt](path)`` in any Markdown field)
  must exist, stay inside the course folder (after following symbolic links) and be a readable
  PNG or JPEG (:mod:`engine.pictures`); a Markdown image needs alt text; a picture on the web
  must be an ``https://`` address (it is never fetched: front ends show its alt text and
  address).
* Every formula (``$...$``, ``$$...$$``) must be TeX that :mod:`engine.markup.tex` can render.

Each problem is located at the ``file:line:col`` of what is wrong: a formula or an image
inside a multi-line text points at its own line, not at the start of the block.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from engine.format.files import course_root
from engine.format.models import (
    Course,
    FigureBlock,
    Lesson,
    Node,
    NoteBlock,
    QuestionBlock,
    Quiz,
    TextBlock,
)
from engine.format.problems import Problem
from engine.format.spans import Span
from engine.pictures import PictureError, inspect_file

Field = tuple[Node, tuple[str | int, ...], str]
"""A Markdown field: the node holding it, its key path under the node, its text."""


def markdown_fields(doc: Lesson | Course | Quiz) -> Iterator[Field]:
    """Every Markdown text of a document, with where it is written."""
    yield doc, ("title",), doc.title
    if isinstance(doc, Course):
        if doc.description:
            yield doc, ("description",), doc.description
        return
    blocks: list[Any] = list(doc.blocks) if isinstance(doc, Lesson) else list(doc.questions)
    for block in blocks:
        if isinstance(block, TextBlock):
            yield block, ("text",), block.text
        elif isinstance(block, NoteBlock):
            yield block, ("note",), block.note
            if block.title:
                yield block, ("title",), block.title
        elif isinstance(block, FigureBlock):
            if block.caption:
                yield block, ("caption",), block.caption
        elif isinstance(block, QuestionBlock):
            yield block, ("question",), block.question
            for i, hint in enumerate(block.hint):
                yield block, ("hint", i) if len(block.hint) > 1 else ("hint",), hint
            for choice in block.choices:
                yield choice, ("text",), choice.text
                if choice.why:
                    yield choice, ("why",), choice.why


def check_content(doc: Lesson | Course | Quiz, root: Path | None = None) -> list[Problem]:
    """Problems with the pictures and math of a document (``root``: its course folder)."""
    problems: list[Problem] = []
    base = Path(doc.span.file).parent
    root = root if root is not None else course_root(Path(doc.span.file))
    if isinstance(doc, Lesson):
        for block in doc.blocks:
            if isinstance(block, FigureBlock):
                message = picture_problem(block.figure, base, root)
                if message:
                    problems.append(
                        Problem(block.span_of("figure"), f"figure: {message}", "figure")
                    )
    for node, key, text in markdown_fields(doc):
        if "$" in text or "\\begin{" in text:  # math (mathspans.may_hold_math)
            problems.extend(_math_problems(node, key, text))
        if "![" in text:
            problems.extend(_image_problems(node, key, text, base, root))
    return problems


def picture_problem(src: str, base: Path, root: Path) -> str | None:
    """What is wrong with a local picture ``src`` (relative to ``base``), or None."""
    path = base / src
    try:
        resolved = path.resolve()
        inside = resolved.is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symbolic link loop
        return f"{src}: cannot follow the path"
    if not inside:
        return (
            f"{src} is outside the course folder {root.name}/; a course's pictures must be "
            "inside its folder (it is copied and shared as one)"
        )
    if not resolved.exists():
        return f"{src}: no such file (looked for {path})"
    if not resolved.is_file():
        return f"{src} is a folder, not a picture file"
    try:
        inspect_file(resolved)
    except PictureError as exc:
        return f"{src} {exc}"
    except OSError as exc:
        return f"{src}: cannot read the file: {exc.strerror or exc}"
    return None


def _math_problems(node: Node, key: tuple[str | int, ...], text: str) -> list[Problem]:
    from engine.markup.mathspans import digit_dollar_formulas, find_math

    problems: list[Problem] = []
    not_math = digit_dollar_formulas(text)
    for start, end in not_math:
        shown = " ".join(text[start:end].split())
        shown = shown if len(shown) <= 50 else shown[:47] + "...$"
        problems.append(
            Problem(
                text_position(node, key, text, start),
                f"math: {shown} is not math: a $ before a digit is a dollar sign (the dollar "
                f"rules), so it shows as written, dollars and all; start the formula with a "
                f"brace: ${{{text[start + 1 : start + 2]}...}}$",
                "math",
            )
        )
    for match in _DOLLAR_CONTROL.finditer(text):  # "$\frac" in double quotes: "$", form feed
        at = text_position(node, key, text, match.start() + 1)
        problems.append(Problem(at, _control_message(match.group(1)), "math"))
    spans = find_math(text)
    if not spans:
        return problems
    from engine.markup.tex import render

    for span in spans:
        if any(start < span.start < end for start, end in not_math):
            continue  # opened by the closing $ of a formula said above not to be math
        control = next((c for c in span.tex if c in _CONTROL), None)
        if control is not None:
            at = text_position(node, key, text, span.tex_start + span.tex.index(control))
            problems.append(Problem(at, _control_message(control), "math"))
            continue
        _, errors = render(span.tex, display=span.display)
        for error in errors:
            at = text_position(node, key, text, span.tex_start + error.offset)
            shown = " ".join(span.tex.split())
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            if text[span.start : span.start + 1] == "$":  # as written: $...$, or \begin{...}
                shown = f"${shown}$"
            problems.append(Problem(at, f"math: cannot render {shown}: {error.message}", "math"))
    return problems


_CONTROL = {"\a": "a", "\b": "b", "\f": "f", "\v": "v", "\x1b": "e", "\t": "t", "\r": "r"}
"""Control characters a double-quoted YAML string makes of ``\\a``, ``\\frac``, ``\\vec``,
``\\beta``, ``\\times``... (``"\\frac"`` is a form feed and ``rac``)."""


_DOLLAR_CONTROL = re.compile("\\$([\a\b\f\v\x1b\t\r])")


def _control_message(char: str) -> str:
    letter = _CONTROL[char]
    return (
        f"math: the formula holds a control character (U+{ord(char):04X}): in a double-quoted "
        f"YAML string \\{letter} is an escape, so \\{letter}... is not a TeX command; write "
        f"\\\\{letter}..., or use single quotes or a | block"
    )


def _image_problems(
    node: Node, key: tuple[str | int, ...], text: str, base: Path, root: Path
) -> list[Problem]:
    from engine.markup.markdown import images

    problems: list[Problem] = []
    searched = 0
    for alt, src in images(text):
        found = text.find(src, searched) if src else -1
        offset = found if found >= 0 else max(text.find("![", searched), 0)
        searched = max(searched, offset + 1)
        at = text_position(node, key, text, offset)
        message = None
        if not alt.strip():
            message = f"image {src}: the alt text is empty; say in words what the picture shows"
        elif src.startswith("https://"):
            continue  # never fetched; shown as its alt text and address
        elif "://" in src or src.startswith(("data:", "//", "mailto:")):
            message = (
                f"image {src[:60]}: a picture is a file in the course folder or an https:// address"
            )
        elif src.startswith("/"):
            message = f"image {src}: write the path relative to the lesson file"
        else:
            problem = picture_problem(src, base, root)
            message = f"image {problem}" if problem else None
        if message:
            problems.append(Problem(at, message, "image"))
    return problems


def text_position(node: Node, key: tuple[str | int, ...], text: str, offset: int) -> Span:
    """Where character ``offset`` of a Markdown field is in its file: a block scalar's lines
    are the file's lines, at the block's indentation; a one-line value is on its key's line
    (one column further when it is quoted)."""
    start = node.span_of(*key)
    before = text[:offset]
    line = before.count("\n")
    col = offset - (before.rfind("\n") + 1)
    if line == 0 and _quoted(start):
        col += 1
    return Span(start.file, start.line + line, start.col + col)


def _quoted(span: Span) -> bool:
    lines = _source_lines(span.file)
    if not 1 <= span.line <= len(lines):
        return False
    text = lines[span.line - 1]
    return 1 <= span.col <= len(text) and text[span.col - 1] in "\"'"


@cache
def _source_lines(file: str) -> list[str]:
    try:
        return Path(file).read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return []
