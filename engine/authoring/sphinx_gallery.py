"""sphinx-gallery tutorials (``.py``) as notebook cells, their reST prose as Markdown.

The blocks follow sphinx-gallery's documented rules ("Structuring Python scripts"): the file
opens with a docstring in reST (its title is the tutorial's title); after it, a line of 20 or
more ``#`` or a ``# %%`` line starts a text block made of the comment lines that follow (or of
a string literal); everything else is code. ``# sphinx_gallery_...`` configuration comments are
dropped.

The reST is parsed by docutils (Sphinx's own parser) and the tree written as Markdown: math
roles and directives as ``$...$``/``$$``, ``code-block`` and ``::`` literal blocks as fenced
code (listings), admonitions as alert boxes (notes), ``image``/``figure`` as pictures, Sphinx's
cross-reference roles (``:func:``, ``:class:``, ``:ref:``...) as code or text. What docutils
finds wrong in the reST (an underline too short, an unknown directive, a bad indentation) is a
note at its line in the ``.py`` file; a ``.py`` that is not valid Python is an error, located.
"""

from __future__ import annotations

import ast
import io
import re
from collections import defaultdict
from typing import Any

from engine.authoring.notes import Notes

DELIMITER = re.compile(r"^(#{20,}|# ?%%.*)\s*$")
CONFIG = re.compile(r"^#\s*sphinx_gallery_\w+")
CODE_ROLES = (
    "func",
    "meth",
    "class",
    "mod",
    "attr",
    "data",
    "obj",
    "exc",
    "const",
    "py:func",
    "py:meth",
    "py:class",
    "py:mod",
    "py:attr",
    "py:data",
    "py:obj",
    "py:exc",
    "py:const",
    "file",
    "command",
    "program",
    "option",
    "envvar",
    "samp",
    "kbd",
    "makevar",
)
TEXT_ROLES = (
    "ref",
    "doc",
    "term",
    "numref",
    "any",
    "download",
    "abbr",
    "guilabel",
    "menuselection",
    "eq",
    "dfn",
    "cite",
)
NOTE_ALERT = {
    "note": "info",
    "important": "info",
    "seealso": "info",
    "admonition": "info",
    "tip": "success",
    "hint": "success",
    "warning": "warning",
    "caution": "warning",
    "attention": "warning",
    "danger": "danger",
    "error": "danger",
}
DROPPED_DIRECTIVES = (
    "toctree",
    "currentmodule",
    "module",
    "automodule",
    "autoclass",
    "autofunction",
    "automethod",
    "autosummary",
    "autodata",
    "autoattribute",
    "highlight",
    "include",
    "literalinclude",
    "plot",
    "glossary",
    "index",
    "only",
    "customcarditem",
    "galleryitem",
    "minigallery",
    "raw",
    "tabularcolumns",
    "cssclass",
    "include-doc",
    "hlist",
    "centered",
)


class GalleryError(ValueError):
    """The .py file is not valid Python; the message is located."""


def is_sphinx_gallery(text: str) -> bool:
    """Whether ``text`` looks like a sphinx-gallery script: it opens with a docstring, and
    has a ``####...`` or ``# %%`` block line or a reST title in that docstring."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return bool(re.match(r'^(\s*#[^\n]*\n|\s*\n)*\s*[rRuU]?"""', text))
    if not tree.body or not isinstance(tree.body[0], ast.Expr):
        return False
    value = tree.body[0].value
    if not isinstance(value, ast.Constant) or not isinstance(value.value, str):
        return False
    has_blocks = any(DELIMITER.match(line) for line in text.splitlines())
    has_title = re.search(r"^\s*[=\-~^\"'`#*+]{3,}\s*$", value.value, re.M) is not None
    return has_blocks or has_title


def split_blocks(text: str, path: str, notes: Notes) -> list[tuple[str, str, int]]:
    """("text"|"code", content, first line) blocks of a sphinx-gallery script."""
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise GalleryError(
            f"{path}:{exc.lineno or 1}:{exc.offset or 1}: not valid Python: {exc.msg}"
        ) from None
    lines = text.splitlines()
    blocks: list[tuple[str, str, int]] = []
    start = 0
    first = tree.body[0] if tree.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        docstring = first.value.value
        if re.search("[\x07\x08\x0b\x0c]", docstring):
            # "\frac" in a docstring that is not raw is a form feed and "rac": take the
            # text as written, which is what the author meant for TeX
            segment = ast.get_source_segment(text, first.value) or ""
            raw = re.match(r'^[rRuUbB]*("""|\'\'\')(.*)\1$', segment, re.DOTALL)
            if raw:
                docstring = raw.group(2)
                notes.add(
                    1,
                    "the docstring is not raw but holds TeX backslashes (\\frac...); "
                    'read as written: make it r"""..."""',
                    line=first.lineno,
                )
        blocks.append(("text", docstring, first.lineno + 1))
        start = first.end_lineno or first.lineno
    strings = {
        node.lineno: node
        for node in tree.body[1:]
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }
    code: list[str] = []
    code_start = start + 1
    i = start
    while i < len(lines):
        line = lines[i]
        if DELIMITER.match(line):
            _flush_code(blocks, code, code_start)
            code = []
            i += 1
            text_lines: list[str] = []
            text_start = i + 1
            while (
                i < len(lines)
                and lines[i].lstrip().startswith("#")
                and not DELIMITER.match(lines[i])
            ):
                body = lines[i].lstrip()[1:]
                text_lines.append(body[1:] if body.startswith(" ") else body)
                i += 1
            if not text_lines and (i + 1) in strings:  # a string literal as the text block
                node = strings[i + 1]
                assert isinstance(node.value, ast.Constant)
                blocks.append(("text", str(node.value.value), i + 2))
                i = node.end_lineno or i + 1
            elif text_lines:
                blocks.append(("text", "\n".join(text_lines) + "\n", text_start))
            code_start = i + 1
            continue
        if not CONFIG.match(line.strip()):
            code.append(line)
        i += 1
    _flush_code(blocks, code, code_start)
    return blocks


def _flush_code(blocks: list[tuple[str, str, int]], code: list[str], start: int) -> None:
    while code and not code[0].strip():
        code.pop(0)
        start += 1
    while code and not code[-1].strip():
        code.pop()
    if code:
        blocks.append(("code", "\n".join(code) + "\n", start))


def read_gallery(path: Any, text: str, notes: Notes) -> list[Any]:
    """The script as nbformat-like cells (dicts), the prose converted to Markdown."""
    try:
        blocks = split_blocks(text, str(path), notes)
    except GalleryError as exc:
        from engine.authoring.notebook_import import SourceError

        raise SourceError(str(exc)) from None
    cells: list[Any] = []
    for number, (kind, content, line) in enumerate(blocks, start=1):
        if kind == "code":
            cells.append({"cell_type": "code", "source": content, "metadata": {}, "outputs": []})
            continue
        # the docstring's title is the tutorial's; later blocks' sections are below it
        depth = 1 if number == 1 else 2
        markdown = rst_to_markdown(content, number, line, notes, depth)
        cells.append({"cell_type": "markdown", "source": markdown, "metadata": {}})
    return cells


def _settings() -> dict[str, Any]:
    return {
        "report_level": 2,
        "halt_level": 5,
        "warning_stream": io.StringIO(),
        "file_insertion_enabled": False,
        "raw_enabled": True,
        "syntax_highlight": "none",
        "doctitle_xform": False,
        "input_encoding": "unicode",
        "_disable_config": True,
    }


_REGISTERED: list[bool] = []


def _register() -> None:
    """Sphinx's roles and directives, so docutils reads tutorials written for Sphinx."""
    if _REGISTERED:
        return
    from docutils import nodes
    from docutils.parsers.rst import Directive, directives, roles

    def role(kind: str) -> Any:
        def fn(
            name: str,
            rawtext: str,
            text: str,
            lineno: int,
            inliner: Any,
            options: Any = None,
            content: Any = None,
        ) -> tuple[list[Any], list[Any]]:
            shown = re.sub(r"\s*<[^>]*>$", "", text).lstrip("~!") or text
            if kind == "code":
                return [
                    nodes.literal(
                        rawtext, shown.rsplit(".", 1)[-1] if text.startswith("~") else shown
                    )
                ], []
            return [nodes.Text(shown)], []

        return fn

    for name in CODE_ROLES:
        roles.register_local_role(name, role("code"))
    for name in TEXT_ROLES:
        roles.register_local_role(name, role("text"))

    any_options: defaultdict[str, Any] = defaultdict(lambda: directives.unchanged)

    class CodeBlock(Directive):
        optional_arguments = 1
        has_content = True
        option_spec = any_options

        def run(self) -> list[Any]:
            node = nodes.literal_block("\n".join(self.content), "\n".join(self.content))
            node["language"] = self.arguments[0] if self.arguments else "python"
            return [node]

    class SeeAlso(Directive):
        optional_arguments = 1
        final_argument_whitespace = True
        has_content = True
        option_spec = any_options

        def run(self) -> list[Any]:
            node = nodes.admonition()
            node["classes"].append("seealso")
            node += nodes.title("", "See also")
            if self.arguments:
                node += nodes.paragraph("", self.arguments[0])
            self.state.nested_parse(self.content, self.content_offset, node)
            return [node]

    class Version(Directive):
        required_arguments = 1
        final_argument_whitespace = True
        has_content = True
        option_spec = any_options

        def run(self) -> list[Any]:
            label = {
                "versionadded": "New in version",
                "versionchanged": "Changed in version",
                "deprecated": "Deprecated since version",
            }[self.name]
            para = nodes.paragraph()
            para += nodes.emphasis("", f"{label} {self.arguments[0]}")
            result: list[Any] = [para]
            if self.content:
                box = nodes.container()
                self.state.nested_parse(self.content, self.content_offset, box)
                result.extend(box.children)
            return result

    class Dropped(Directive):
        optional_arguments = 10
        final_argument_whitespace = True
        has_content = True
        option_spec = any_options

        def run(self) -> list[Any]:
            node = nodes.comment()
            node["dropped"] = self.name
            node.line = self.lineno
            return [node]

    for name in ("code-block", "sourcecode", "testcode", "doctest"):
        directives.register_directive(name, CodeBlock)
    directives.register_directive("seealso", SeeAlso)
    for name in ("versionadded", "versionchanged", "deprecated"):
        directives.register_directive(name, Version)
    for name in DROPPED_DIRECTIVES:
        directives.register_directive(name, Dropped)
    _REGISTERED.append(True)


_MESSAGE = re.compile(r"^<rst>:(\d+): \((\w+)/(\d)\) (.*)$")


def rst_to_markdown(rst: str, cell: int, first_line: int, notes: Notes, depth: int = 1) -> str:
    """``rst`` (which starts at ``first_line`` of the file) as Markdown; docutils' complaints
    become notes at their file lines."""
    from docutils.core import publish_doctree

    _register()
    settings = _settings()
    doctree = publish_doctree(rst, source_path="<rst>", settings_overrides=settings)
    for line in settings["warning_stream"].getvalue().splitlines():
        found = _MESSAGE.match(line)
        if found:
            at = first_line + int(found.group(1)) - 1
            notes.add(cell, f"reST {found.group(2).lower()}: {found.group(4)}", line=at)
    writer = _Markdown(cell, first_line, notes)
    body = writer.blocks(doctree.children, depth).strip("\n") + "\n"
    return f"# {writer.title}\n\n{body}" if writer.title else body


class _Markdown:
    """A docutils tree written as Markdown (only what tutorials use)."""

    def __init__(self, cell: int, first_line: int, notes: Notes) -> None:
        self.cell = cell
        self.first_line = first_line
        self.notes = notes
        self.title: str | None = None

    def note(self, node: Any, message: str) -> None:
        line = getattr(node, "line", None)
        self.notes.add(self.cell, message, self.first_line + line - 1 if line else None)

    def blocks(self, children: Any, depth: int) -> str:
        parts = [self.block(child, depth) for child in children]
        return "\n\n".join(p for p in parts if p.strip())

    def block(self, node: Any, depth: int) -> str:
        from docutils import nodes

        name = type(node).__name__
        if isinstance(node, nodes.section):
            title = node.next_node(nodes.title)
            if depth == 1 and self.title is None and title is not None:
                # the docstring's first title is the tutorial's (pytorch's put links above it)
                self.title = self.inline(title)
                rest = [c for c in node.children if not isinstance(c, nodes.title)]
                return self.blocks(rest, depth + 1)
            head = "#" * min(depth, 6) + " " + self.inline(title) if title is not None else ""
            rest = [c for c in node.children if not isinstance(c, nodes.title)]
            return head + "\n\n" + self.blocks(rest, depth + 1)
        if isinstance(node, nodes.title):
            return "#" * min(depth, 6) + " " + self.inline(node)
        if isinstance(node, nodes.paragraph):
            return _line_starts(self.inline(node))
        if isinstance(node, nodes.bullet_list | nodes.enumerated_list):
            ordered = isinstance(node, nodes.enumerated_list)
            items = []
            for n, item in enumerate(node.children, start=1):
                mark = f"{n}. " if ordered else "- "
                body = self.blocks(item.children, depth)
                pad = " " * len(mark)
                items.append(mark + body.replace("\n", "\n" + pad).replace(pad + "\n", "\n"))
            return "\n".join(items)
        if isinstance(node, nodes.definition_list):
            out = []
            for item in node.children:
                term = item.next_node(nodes.term)
                definition = item.next_node(nodes.definition)
                out.append(
                    f"**{self.inline(term) if term else ''}**\n\n"
                    + (self.blocks(definition.children, depth) if definition else "")
                )
            return "\n\n".join(out)
        if isinstance(node, nodes.field_list):
            out = []
            for field in node.children:
                fname, fbody = field.children[0], field.children[1]
                out.append(f"**{self.inline(fname)}**: {self.blocks(fbody.children, depth)}")
            return "\n\n".join(out)
        if isinstance(node, nodes.literal_block | nodes.doctest_block):
            language = node.get("language") or next(
                (c for c in node.get("classes", []) if c != "code"), ""
            )
            if isinstance(node, nodes.doctest_block):
                language = "pycon"
            text = node.astext()
            fence = "````" if "```" in text else "```"
            return f"{fence}{language or 'python'}\n{text}\n{fence}"
        if isinstance(node, nodes.math_block):
            return "$$\n" + str(node.astext()).strip() + "\n$$"
        if isinstance(node, nodes.image):
            return f"![{node.get('alt', '')}]({node.get('uri', '')})"
        if isinstance(node, nodes.figure):
            image = node.next_node(nodes.image)
            caption = node.next_node(nodes.caption)
            title = f' "{self.inline(caption).replace(chr(34), chr(39))}"' if caption else ""
            if image is None:
                return ""
            return f"![{image.get('alt', '')}]({image.get('uri', '')}{title})"
        if isinstance(node, nodes.Admonition | nodes.admonition):
            kind = name if name in NOTE_ALERT else "admonition"
            if "seealso" in node.get("classes", []):
                kind = "seealso"
            title_node = node.next_node(nodes.title) if isinstance(node, nodes.admonition) else None
            label = self.inline(title_node) if title_node is not None else kind.capitalize()
            body = self.blocks([c for c in node.children if not isinstance(c, nodes.title)], depth)
            return (
                f'<div class="alert alert-block alert-{NOTE_ALERT[kind]}">\n\n**{label}**\n\n'
                f"{body}\n\n</div>"
            )
        if isinstance(node, nodes.block_quote):
            inner = self.blocks(node.children, depth)
            return "\n".join(("> " + line) if line else ">" for line in inner.splitlines())
        if isinstance(node, nodes.transition):
            return "---"
        if isinstance(node, nodes.rubric):
            return f"**{self.inline(node)}**"
        if isinstance(node, nodes.line_block):
            return "\\\n".join(self.inline(line) for line in node.children)
        if isinstance(node, nodes.table):
            return self.table(node)
        if isinstance(node, nodes.comment):
            dropped = node.get("dropped")
            if dropped:
                self.note(node, f"the Sphinx directive {dropped} has no lectio equivalent; dropped")
            return ""
        if isinstance(node, nodes.raw):
            self.note(node, f"raw {node.get('format', '')} content dropped")
            return ""
        if isinstance(node, nodes.target | nodes.substitution_definition | nodes.system_message):
            return ""
        if isinstance(node, nodes.topic | nodes.sidebar | nodes.container | nodes.compound):
            return self.blocks(node.children, depth)
        if isinstance(node, nodes.footnote | nodes.citation):
            label = node.next_node(nodes.label)
            rest = [c for c in node.children if not isinstance(c, nodes.label)]
            return f"[^{label.astext() if label else '?'}]: {self.blocks(rest, depth)}"
        if (
            isinstance(node, nodes.Element)
            and node.children
            and all(isinstance(c, nodes.Body | nodes.Structural) for c in node.children)
        ):
            return self.blocks(node.children, depth)
        self.note(node, f"reST {name} kept as plain text")
        return str(node.astext())

    def table(self, node: Any) -> str:
        from docutils import nodes

        rows = []
        for row in node.traverse(nodes.row):
            rows.append([self.inline_all(entry).replace("|", "\\|") for entry in row.children])
        if not rows:
            return ""
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)

    def inline_all(self, node: Any) -> str:
        return " ".join(self.inline(c) for c in node.children).replace("\n", " ")

    def inline(self, node: Any) -> str:
        from docutils import nodes

        out = []
        for child in node.children:
            if isinstance(child, nodes.Text):
                out.append(_escape(child.astext()))
            elif isinstance(child, nodes.emphasis):
                out.append(f"*{self.inline(child)}*")
            elif isinstance(child, nodes.strong):
                out.append(f"**{self.inline(child)}**")
            elif isinstance(child, nodes.literal | nodes.title_reference):
                text = child.astext()
                tick = "``" if "`" in text else "`"
                out.append(f"{tick}{text}{tick}")
            elif isinstance(child, nodes.math):
                out.append(f"${child.astext().strip()}$")
            elif isinstance(child, nodes.reference):
                uri = child.get("refuri")
                text = self.inline(child)
                out.append(f"[{text}]({uri})" if uri and text != uri else (uri or text))
            elif isinstance(child, nodes.image):
                out.append(f"![{child.get('alt', '')}]({child.get('uri', '')})")
            elif isinstance(child, nodes.footnote_reference):
                out.append(f"[^{child.astext()}]")
            elif isinstance(child, nodes.target | nodes.system_message | nodes.raw):
                continue
            elif isinstance(child, nodes.Element):
                out.append(self.inline(child))
        return "".join(out)


_BLOCK_START = re.compile(r"^(\s*)([#>~=+-]|\d+[.)](\s|$))", re.M)


def _line_starts(text: str) -> str:
    """A paragraph's lines that Markdown would read as a heading, quote, list or fence (reST
    text such as an underline too short to be a title) start with a backslash."""
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def _escape(text: str) -> str:
    """Plain reST text that Markdown would read as markup: ``*`` and backticks."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("`", "\\`")
