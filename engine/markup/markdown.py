"""Lesson Markdown through markdown-it-py, headless: one understanding for every front end.

The TUI renders prose with Rich's Markdown, which parses with markdown-it-py (CommonMark, tables,
strikethrough); plain mode renders the same parse, here, as text a screen reader follows: no
markup symbols read aloud, emphasis and links that wrap across lines understood, tables as rows
("Row 2: name: x, shape: (2, 3)"), ordered lists numbered as written, setext and ATX headings,
reference links, autolinks and inline HTML as their text. Both front ends first replace math by
its Unicode rendering (:func:`with_math`), so neither shows raw TeX.

markdown-it is imported on first use, by a text that needs more than plain paragraphs: prose
made of words and punctuation only is answered without it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from engine.i18n import t
from engine.markup.mathspans import MATH_FENCE, find_math, may_hold_math, rewrite

_NEEDS_PARSER = re.compile(r"[*_`\[\]<>#|~\\!&]|^ {0,3}(\d{1,9}[.)]|[-+=]+)(\s|$)|^ {4}", re.M)
"""Anything beyond paragraphs of words: emphasis, code, links, HTML, entities, headings,
lists, setext underlines, tables, indented code. Prose without any of it skips the parser."""


@cache
def parser() -> Any:
    """The CommonMark parser with GitHub tables and strikethrough (as Rich enables them)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _render_tex(tex: str, display: bool) -> str:
    from engine.markup.tex import to_unicode

    return to_unicode(tex, display=display)


def with_math(text: str) -> str:
    """``text`` with its formulas as Unicode: inline ones as (escaped) text, display ones as a
    fenced ``lectio-math`` block. Text without math is returned unchanged, at no cost."""
    if not may_hold_math(text):
        return text
    return rewrite(text, _render_tex)


def math_as_text(text: str) -> str:
    """A short text (a label, an alt text) with its formulas as Unicode, nothing escaped."""
    if not may_hold_math(text):
        return text
    spans = find_math(text)
    if not spans:
        return text
    out, at = [], 0
    for span in spans:
        out.append(text[at : span.start])
        out.append(" ".join(_render_tex(span.tex, False).split()))
        at = span.end
    out.append(text[at:])
    return "".join(out)


def images(text: str) -> list[tuple[str, str]]:
    """(alt text, address) of every image of a Markdown text, in order (inline and
    reference images alike)."""
    found: list[tuple[str, str]] = []
    for token in parser().parse(text):
        for child in token.children or []:
            if child.type == "image":
                found.append((child.content, str(child.attrs.get("src", ""))))
    return found


def to_text(markdown: str, lang: str | None = None, width: int | None = None) -> str:
    """Markdown as plain text for a screen reader (see the module docstring). With ``width``
    (the plain mode on a terminal), prose, headings, list items, quotes and table rows are
    wrapped to that many columns; code blocks and display formulas are left as they are, since
    a re-wrapped line of code means something else."""
    markdown = with_math(markdown)
    if not _NEEDS_PARSER.search(markdown):
        paragraphs = re.split(r"\n[ \t]*\n", markdown.strip())
        return "\n\n".join(_fit(" ".join(p.split()), width) for p in paragraphs if p.strip())
    from markdown_it.tree import SyntaxTreeNode

    tree = SyntaxTreeNode(parser().parse(markdown))
    blocks = _blocks(tree.children, lang, width)
    return "\n\n".join(b for b in blocks if b.strip("\n")).strip("\n")


def to_line(markdown: str, lang: str | None = None) -> str:
    """Short Markdown (a choice, a why, a hint) as one line of text."""
    return " ".join(to_text(markdown, lang).split())


# -- blocks ----------------------------------------------------------------------------------


def _blocks(nodes: list[Any], lang: str | None, width: int | None = None) -> list[str]:
    return [text for node in nodes for text in [_block(node, lang, width)] if text is not None]


def _fit(text: str, width: int | None, hang: str | None = None) -> str:
    """Prose wrapped to ``width`` (None: as it is), by the plain mode's one wrapping rule."""
    if width is None:
        return text
    from engine.plain.pacing import wrap_line

    return "\n".join(part for line in text.split("\n") for part in wrap_line(line, width, hang))


def _narrower(width: int | None, by: int) -> int | None:
    """The width left inside an indentation of ``by`` columns (never under a readable 10)."""
    return None if width is None else max(width - by, 10)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in text.split("\n"))


def _block(node: Any, lang: str | None, width: int | None = None) -> str | None:
    kind = node.type
    if kind in {"paragraph", "heading"}:
        return _fit(_inline_of(node, lang), width)
    if kind in {"fence", "code_block"}:
        code = node.content.rstrip("\n")
        info = (node.info or "").strip()
        if info == MATH_FENCE:  # a display formula: its rows, indented, no "Code:" around it
            return _indent(code, "    ")
        return "\n".join([t("Code:", lang), _indent(code, "    "), t("End of code.", lang)])
    if kind in {"bullet_list", "ordered_list"}:
        return _list(node, lang, width)
    if kind == "blockquote":
        return _indent("\n\n".join(_blocks(node.children, lang, _narrower(width, 2))), "  ")
    if kind == "table":
        return _table(node, lang, width)
    if kind == "html_block":
        return _fit(_strip_html(node.content).strip(), width) or None
    if kind == "hr":
        return None
    return "\n\n".join(_blocks(node.children, lang, width)) if node.children else None


def _list(node: Any, lang: str | None, width: int | None = None) -> str:
    ordered = node.type == "ordered_list"
    start = int(node.attrs.get("start", 1)) if ordered else 1
    tight = not any(
        child.type == "paragraph" and not child.hidden
        for item in node.children
        for child in item.children
    )
    items: list[str] = []
    for number, item in enumerate(node.children, start):
        mark = f"{number}. " if ordered else "- "
        body = ("\n" if tight else "\n\n").join(
            _blocks(item.children, lang, _narrower(width, len(mark)))
        )
        first, _, rest = body.partition("\n")
        text = mark + first
        if rest:
            text += "\n" + _indent(rest, " " * len(mark))
        items.append(text)
    return "\n".join(items)


def _table(node: Any, lang: str | None, width: int | None = None) -> str:
    head: list[str] = []
    rows: list[list[str]] = []
    for section in node.children:
        for row in section.children:
            cells = [_inline_of(cell, lang) for cell in row.children]
            if section.type == "thead":
                head = cells
            else:
                rows.append(cells)
    lines = [_fit(t("Table with the columns {columns}:", lang, columns=", ".join(head)), width)]
    for number, cells in enumerate(rows, 1):
        pairs = [
            f"{head[k]}: {value}" if k < len(head) and head[k] else value
            for k, value in enumerate(cells)
        ]
        row = t("Row {n}: {cells}", lang, n=number, cells=", ".join(pairs))
        lines.append(_fit(row, width, hang="    "))  # a row's continuation reads as part of it
    return "\n".join(lines)


# -- inline ----------------------------------------------------------------------------------


def _inline_of(node: Any, lang: str | None) -> str:
    parts: list[str] = []
    for child in node.children:
        if child.type == "inline":
            parts.append(_inline(child.children, lang))
        else:
            parts.append(_inline([child], lang))
    return "".join(parts).strip()


def _inline(nodes: list[Any], lang: str | None) -> str:
    out: list[str] = []
    for node in nodes:
        kind = node.type
        if kind == "text":
            out.append(node.content)
        elif kind == "code_inline":
            out.append(f"`{node.content}`")  # backticks tell ``1.`` the float from a number
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append("\n")
        elif kind in {"em", "strong", "s"}:
            out.append(_inline(node.children, lang))
        elif kind == "link":
            text = _inline(node.children, lang)
            href = str(node.attrs.get("href", ""))
            plain_href = href.removeprefix("mailto:")
            if not href or text in (href, plain_href):
                out.append(text or href)
            else:
                out.append(f"{text} ({href})")
        elif kind == "image":
            alt = _inline(node.children, lang) or node.content
            src = str(node.attrs.get("src", ""))
            web = src.startswith(("https://", "http://"))
            out.append(
                t("Picture: {alt} (on the web, not downloaded: {src})", lang, alt=alt, src=src)
                if web
                else t("Picture: {alt}", lang, alt=alt, src=src)
            )
        elif kind == "html_inline":
            out.append(_html_inline(node.content))
        else:
            out.append(_inline(node.children, lang) if node.children else node.content)
    return "".join(out)


_TAG = re.compile(r"<[^>]*>")


def _html_inline(tag: str) -> str:
    return "\n" if re.match(r"<br\s*/?>", tag, re.I) else ""


def _strip_html(html: str) -> str:
    import html as html_lib

    text = re.sub(r"<br\s*/?>", "\n", html, flags=re.I)
    return html_lib.unescape(_TAG.sub("", text))


def split_pictures(text: str) -> list[tuple[str, str, str]]:
    """A text cut at its pictures that are files (not web addresses): ``("text", markdown,
    "")`` and ``("picture", alt, src)`` parts, in order, so a front end draws each picture in
    its place. A picture in a sentence (or a list item, a quote) is drawn after the block that
    holds it, its alt text staying in the sentence; a paragraph of pictures only is replaced by
    them. Pictures in code are never pictures. One text part when there is none."""
    if "![" not in text:
        return [("text", text, "")]
    lines = text.splitlines(keepends=True)
    parts: list[tuple[str, str, str]] = []
    at = 0  # the first line not yet in a part
    block: list[int] | None = None  # line range of the top-level block being read
    only_pictures = True
    found: list[tuple[str, str]] = []

    def close_block() -> None:
        nonlocal at
        if block is None or not found:
            return
        start, end = block
        kept = "".join(lines[at:start] if only_pictures else lines[at:end])
        if kept.strip():
            parts.append(("text", kept, ""))
        parts.extend(("picture", alt, src) for alt, src in found)
        at = end

    env: dict[str, Any] = {}
    for token in parser().parse(text, env):
        if token.level == 0 and token.map is not None:
            close_block()
            block, only_pictures, found = list(token.map), token.type == "paragraph_open", []
        for child in token.children or []:
            src = str(child.attrs.get("src", "")) if child.type == "image" else ""
            if src and "://" not in src and not src.startswith("data:"):
                found.append((child.content, src))
            elif child.type not in ("softbreak", "hardbreak") and (
                child.type != "text" or child.content.strip()
            ):
                only_pictures = False
    close_block()
    if "".join(lines[at:]).strip() or not parts:
        parts.append(("text", "".join(lines[at:]), ""))
    return _with_references(parts, env.get("references", {}))


def _title(ref: dict[str, Any]) -> str:
    return str(ref["title"]).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _with_references(
    parts: list[tuple[str, str, str]], references: dict[str, Any]
) -> list[tuple[str, str, str]]:
    """Text parts each with the text's reference definitions (a link in one part may be
    defined in another); a part of definitions only, which shows nothing, is left out."""
    if not references:
        return parts
    definitions = "".join(
        f"\n[{label}]: <{ref['href']}>" + (f" ({_title(ref)})" if ref.get("title") else "")
        for label, ref in references.items()
    )
    kept: list[tuple[str, str, str]] = []
    for kind, value, src in parts:
        if kind == "text":
            if not parser().parse(value):
                continue
            value = value.rstrip("\n") + "\n" + definitions + "\n"
        kept.append((kind, value, src))
    return kept or [("text", "", "")]
