"""A Markdown cell of a notebook as lesson blocks: prose, notes, pictures and listings.

The prose is kept as the author wrote it (line ranges of the cell, so math ``$...$``, links
and emphasis stay untouched); only what the format has a block for is taken out:

- Jupyter's alert boxes (``<div class="alert alert-info">...</div>``), MyST admonitions
  (```` ```{note} ```` and ``:::{tip}``) and GitHub's ``> [!NOTE]`` / ``> **Note**`` quotes
  become notes (info, tip, warning);
- a paragraph that is only a local picture (``![alt](images/x.png)``, a notebook attachment)
  becomes a figure; a picture on the web stays in the prose, as the contract says;
- a fenced code block becomes a ``run: false`` listing in its language; MyST's
  ```` ```{math} ```` becomes a ``$$`` display formula.

markdown-it-py (Textual's own Markdown parser) finds the blocks and their lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from engine.authoring.notes import Notes

NOTE_KINDS = {
    "note": "info",
    "info": "info",
    "important": "info",
    "seealso": "info",
    "see also": "info",
    "admonition": "info",
    "tip": "tip",
    "hint": "tip",
    "success": "tip",
    "warning": "warning",
    "caution": "warning",
    "attention": "warning",
    "danger": "warning",
    "error": "warning",
    "definition": "definition",
}
_ALERT = re.compile(
    r'<div\s+class\s*=\s*"alert[^"]*\balert-(info|success|warning|danger)\b[^"]*"\s*>(.*?)</div>',
    re.DOTALL | re.IGNORECASE,
)
_COLON_FENCE = re.compile(r"^(:{3,})\{(\w[\w -]*)\}[^\n]*\n(.*?)^\1\s*$", re.DOTALL | re.MULTILINE)
_GH_NOTE = re.compile(r"^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.IGNORECASE)
_BOLD_LABEL = re.compile(r"^\*\*(Note|Tip|Warning|Important|Caution|Hint)s?:?\*\*:?\s*", re.I)
_IMAGE = re.compile(r"^!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"([^\"]*)\")?\s*\)$")

Block = dict[str, Any]
FigureFor = Callable[[str, str, str | None, int], Block | None]
"""(path, alt, title, cell) -> a figure block, or None to leave the picture in the prose."""


def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def _note(kind: str, body: str, title: str | None = None) -> Block:
    block: Block = {"note": body.strip() + "\n"}
    if kind != "info":
        block["kind"] = kind
    if title:
        block["title"] = title
    return block


def _alert_note(kind: str, body: str) -> Block:
    """A Jupyter alert box as a note: its colour gives the kind; a bold first line is its
    title, unless it only names a kind (``**Note**``, ``**Warning:**``), which then wins."""
    text = body.strip()
    title = None
    found = re.match(r"^\s*(?:<b>|\*\*)([^*<\n]{1,80})(?:</b>|\*\*):?\s*\n", text)
    if found:
        title = found.group(1).strip().rstrip(":")
        text = text[found.end() :]
    by_colour = {"info": "info", "success": "tip", "warning": "warning", "danger": "warning"}
    if title and title.lower() in NOTE_KINDS:
        return _note(NOTE_KINDS[title.lower()], text or "(empty)")
    return _note(by_colour[kind.lower()], text or "(empty)", title)


def _split_special(source: str) -> list[tuple[str, str | Block]]:
    """The cell cut into ("md", text) pieces and ("block", note) pieces found by pattern."""
    pieces: list[tuple[str, str | Block]] = []
    pos = 0
    matches = sorted(
        [(m.start(), m.end(), "alert", m) for m in _ALERT.finditer(source)]
        + [(m.start(), m.end(), "colon", m) for m in _COLON_FENCE.finditer(source)]
    )
    for start, end, what, found in matches:
        if start < pos:
            continue
        pieces.append(("md", source[pos:start]))
        if what == "alert":
            pieces.append(("block", _alert_note(found.group(1), found.group(2))))
        else:
            name = found.group(2).strip().lower()
            if name in NOTE_KINDS:
                pieces.append(("block", _note(NOTE_KINDS[name], found.group(3))))
            else:
                pieces.append(("md", source[start:end]))
        pos = end
    pieces.append(("md", source[pos:]))
    return pieces


def _directive_fence(name: str, args: str, body: str, cell: int, notes: Notes) -> Block | None:
    name = name.lower()
    if name in NOTE_KINDS:
        title = args.strip() if name == "admonition" else None
        return _note(NOTE_KINDS[name], _strip_options(body), title or None)
    if name == "math":
        return {"text": "$$\n" + _strip_options(body).strip() + "\n$$\n"}
    if name in {"code-block", "code", "sourcecode", "code-cell"}:
        language = args.strip() or "python"
        if name == "code-cell":
            notes.add(cell, "a MyST {code-cell} inside a Markdown cell is kept as a listing")
        return _listing(_strip_options(body), language)
    return None


def _strip_options(body: str) -> str:
    """MyST directive bodies may start with ``:key: value`` option lines."""
    lines = body.splitlines(keepends=True)
    while lines and re.match(r"^:[\w-]+:", lines[0]):
        lines.pop(0)
    return "".join(lines)


def _listing(code: str, language: str) -> Block:
    language = re.sub(r"[^A-Za-z0-9_+#.-]", "", language.split()[0] if language.split() else "")
    block: Block = {"code": code if code.strip() else "(empty)\n", "run": False}
    if (language or "text") != "python":
        block["language"] = language or "text"
    return block


def markdown_blocks(source: str, cell: int, notes: Notes, figure_for: FigureFor) -> list[Block]:
    """The blocks of one Markdown cell, in order."""
    blocks: list[Block] = []
    for what, piece in _split_special(source):
        if what == "block":
            assert isinstance(piece, dict)
            blocks.append(piece)
        else:
            assert isinstance(piece, str)
            blocks.extend(_plain_markdown(piece, cell, notes, figure_for))
    return _merge_text(blocks)


def _plain_markdown(source: str, cell: int, notes: Notes, figure_for: FigureFor) -> list[Block]:
    lines = source.splitlines(keepends=True)
    tokens = _parser().parse(source)
    blocks: list[Block] = []
    text_from = 0

    def flush(upto: int) -> None:
        nonlocal text_from
        chunk = "".join(lines[text_from:upto])
        if chunk.strip():
            blocks.append({"text": chunk.strip("\n") + "\n"})
        text_from = upto

    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.level != 0 or token.map is None:
            i += 1
            continue
        start, end = token.map
        special: Block | None = None
        if token.type == "fence":
            info = token.info.strip()
            directive = re.match(r"^\{([\w-]+)\}\s*(.*)$", info)
            if directive:
                special = _directive_fence(
                    directive.group(1), directive.group(2), token.content, cell, notes
                )
                if special is None:
                    notes.add(cell, f"the MyST directive {{{directive.group(1)}}} is kept as text")
            else:
                special = _listing(token.content, info or "text")
        elif token.type == "paragraph_open":
            inline = tokens[i + 1]
            found = _IMAGE.match(inline.content.strip())
            if found:
                special = figure_for(found.group(2), found.group(1), found.group(3), cell)
        elif token.type == "blockquote_open":
            special = _quote_note("".join(lines[start:end]))
        if special is not None:
            flush(start)
            blocks.append(special)
            text_from = end
        i += 1
    flush(len(lines))
    return blocks


def _quote_note(quote: str) -> Block | None:
    body = "".join(re.sub(r"^ {0,3}> ?", "", line) for line in quote.splitlines(keepends=True))
    found = _GH_NOTE.match(body) or _BOLD_LABEL.match(body)
    if not found:
        return None
    label = found.group(1).lower()
    return _note(NOTE_KINDS.get(label, "info"), body[found.end() :] or "(empty)")


def _merge_text(blocks: list[Block]) -> list[Block]:
    """Adjacent text pieces (split around a pattern that turned out to be prose) join again."""
    merged: list[Block] = []
    for block in blocks:
        if merged and list(block) == ["text"] and list(merged[-1]) == ["text"]:
            merged[-1] = {"text": merged[-1]["text"].rstrip("\n") + "\n\n" + block["text"]}
        else:
            merged.append(block)
    return merged
