"""``lectio import``: a notebook (or a jupytext script, a MyST/jupytext Markdown notebook, a
sphinx-gallery tutorial) as a lesson that validates, with a report of what could not be mapped.

Sources are read by their own libraries: ``.ipynb`` by nbformat (a v3 notebook is upgraded by
nbformat, with a note), ``# %%`` scripts and Markdown notebooks by jupytext, sphinx-gallery
``.py`` files by :mod:`engine.authoring.sphinx_gallery` (which follows sphinx-gallery's
documented block rules and converts the reST with docutils). Every source becomes a list of
nbformat cells, and each cell becomes blocks: :mod:`markdown_blocks` for prose,
:mod:`code_cells` for code. A cell exported by ``lectio export`` carries its block in
``metadata.lectio`` and comes back as it was, unless it was edited in the notebook.

Each block is checked by the lesson model as it is made; one that would not load becomes a
``run: false`` listing (code) or stays prose, with a note, so the lesson always validates.
"""

from __future__ import annotations

import ast
import base64
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.authoring.code_cells import code_blocks
from engine.authoring.markdown_blocks import markdown_blocks
from engine.authoring.notebook_export import FORMAT_VERSION, render_markdown, require
from engine.authoring.notes import Notes

Block = dict[str, Any]
NOTEBOOK_SUFFIXES = (".ipynb", ".py", ".md", ".myst", ".mystnb", ".markdown")


class SourceError(ValueError):
    """The source cannot be read at all; ``str()`` is a located message."""


@dataclass
class Imported:
    """The lesson made from one source, as plain data, and what the author should review."""

    source: Path
    data: dict[str, Any]
    notes: Notes = field(default_factory=Notes)
    assets: dict[str, bytes] = field(default_factory=dict)
    """Files to write beside the lesson (pictures): path relative to the lesson -> bytes."""
    copies: dict[str, Path] = field(default_factory=dict)
    """Pictures to copy beside the lesson: path relative to the lesson -> source file."""


def slug(text: str) -> str:
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return value[:80].strip("-") or "lesson"


def read_cells(path: Path, notes: Notes) -> tuple[list[Any], dict[str, Any]]:
    """The cells and notebook metadata of ``path``, whatever its format."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path}:1:1: not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    suffix = path.suffix.lower()
    if suffix == ".ipynb":
        return _read_ipynb(path, text, notes)
    if suffix == ".py":
        from engine.authoring.sphinx_gallery import is_sphinx_gallery, read_gallery

        if is_sphinx_gallery(text):
            require("docutils")
            return read_gallery(path, text, notes), {}
        jupytext = require("jupytext")
        if "# %%" not in text and "#%%" not in text:
            notes.add(None, "no '# %%' cell markers: read with jupytext's light script format")
        nb = jupytext.reads(text, fmt="py:percent" if "%%" in text else "py:light")
        return list(nb.cells), dict(nb.metadata)
    if suffix in (".md", ".myst", ".mystnb", ".markdown"):
        jupytext = require("jupytext")
        try:
            nb = jupytext.reads(text, fmt="md:myst" if suffix != ".md" or _is_myst(text) else "md")
        except Exception as exc:  # jupytext raises many kinds on malformed text
            raise SourceError(f"{path}:1:1: cannot read as a Markdown notebook: {exc}") from None
        return list(nb.cells), dict(nb.metadata)
    raise SourceError(
        f"{path}: not a notebook lectio can import (.ipynb, a .py script with '# %%' cells or a "
        "sphinx-gallery tutorial, a .md Markdown notebook)"
    )


def _is_myst(text: str) -> bool:
    return "format_name: myst" in text[:2000] or "```{code-cell}" in text


def _read_ipynb(path: Path, text: str, notes: Notes) -> tuple[list[Any], dict[str, Any]]:
    nbformat = require("nbformat")
    if not text.strip():
        raise SourceError(f"{path}:1:1: not a Jupyter notebook: the file is empty")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{path}:{exc.lineno}:{exc.colno}: not a Jupyter notebook: the file is not valid "
            f"JSON ({exc.msg})"
        ) from None
    if not isinstance(raw, dict) or "nbformat" not in raw:
        raise SourceError(f"{path}:1:1: not a Jupyter notebook: no 'nbformat' key")
    version = raw.get("nbformat")
    if not isinstance(version, int) or version < 3:
        raise SourceError(
            f"{path}:1:1: nbformat {version!r} notebooks are too old to read; open and save "
            "the notebook in Jupyter first"
        )
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat's readers raise several kinds
        raise SourceError(f"{path}:1:1: not a valid notebook: {exc}") from None
    if version == 3:
        notes.add(None, "an nbformat v3 notebook: upgraded to v4 by nbformat before import")
    try:
        nbformat.validate(nb)
    except Exception as exc:
        message = str(exc).strip().splitlines()[0]
        notes.add(None, f"the notebook does not follow the nbformat schema: {message}")
    return list(nb.cells), dict(nb.metadata)


def _requires(blocks: list[Block], local: set[str]) -> list[str]:
    """Top-level modules the code imports that are not the standard library's."""
    found: list[str] = []
    for block in blocks:
        if "code" not in block or block.get("run") is False:
            continue
        try:
            tree = ast.parse(block["code"])
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in local and top not in found:
                    found.append(top)
    return found


class _Figures:
    """Turns a picture of a Markdown cell into a figure block, copying its file beside the
    lesson (or writing a notebook attachment); a picture that cannot be found stays prose."""

    def __init__(self, imported: Imported, cells: list[Any]) -> None:
        self.imported = imported
        self.cells = cells
        self.base = imported.source.parent

    def __call__(self, path: str, alt: str, title: str | None, cell: int) -> Block | None:
        notes = self.imported.notes
        if "://" in path or path.startswith("data:"):
            return None
        if not alt.strip():
            alt = f"Picture {Path(path).name}"
            notes.add(cell, f"the picture {path} has no alt text; '{alt}' was written: describe it")
        target: str
        if path.startswith("attachment:"):
            name = path[len("attachment:") :]
            attachments = (
                self.cells[cell - 1].get("attachments", {}) if cell <= len(self.cells) else {}
            )
            data = attachments.get(name, {})
            kind = next((k for k in ("image/png", "image/jpeg") if k in data), None)
            if kind is None:
                notes.add(cell, f"the attachment {name} is missing or not PNG/JPEG; left as text")
                return None
            suffix = ".png" if kind == "image/png" else ".jpg"
            stem = f"{slug(self.imported.source.stem)}-{slug(Path(name).stem)}"
            target = f"images/{stem}{suffix}"
            self.imported.assets[target] = base64.b64decode(_join(data[kind]))
        else:
            file = self._find(path)
            if file is None:
                notes.add(
                    cell,
                    f"the picture {path} was not found beside the source; its alt text is "
                    "kept in the prose",
                )
                return {"text": f"*(Picture not found when importing: {alt.strip()}, {path})*\n"}
            try:
                target = file.relative_to(self.base.resolve()).as_posix()
            except ValueError:
                target = f"images/{file.name}"
            self.imported.copies[target] = file
        block: Block = {"figure": target, "alt": alt.strip()}
        if title:
            block["caption"] = title
        return block

    def _find(self, path: str) -> Path | None:
        """The picture's file: relative to the source, or (Sphinx's ``/_static/x.png``)
        relative to a folder above it."""
        relative = path.split("#", 1)[0].split("?", 1)[0]
        candidates = [self.base / relative]
        if relative.startswith("/"):
            candidates = [
                folder / relative.lstrip("/") for folder in [self.base, *self.base.parents]
            ]
        for candidate in candidates:
            if candidate.is_file():
                return candidate.resolve()
        return None


def _join(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _from_metadata(cell: Any) -> Block | None:
    """The block a ``lectio export`` cell carries, if the cell was not edited since."""
    meta = cell.get("metadata", {}).get("lectio")
    if not isinstance(meta, dict):
        return None
    kind = meta.get("block")
    source = _join(cell.get("source", ""))
    if kind == "text" and cell.get("cell_type") == "markdown":
        return {"text": source}
    if kind == "code" and cell.get("cell_type") == "code":
        rest = {k: v for k, v in meta.items() if k != "block"}
        return {"code": source, **rest}
    data = meta.get("data")
    if not isinstance(data, dict) or cell.get("cell_type") != "markdown":
        return None
    from engine.format.models import Lesson

    try:
        probe = Lesson.model_validate({"id": "x", "title": "x", "blocks": [data]})
    except Exception:
        return None
    if render_markdown(probe.blocks[0]).strip() != source.strip():
        return None
    return data


_BADGE = re.compile(r"^\s*(\[?!\[[^\]]*\]\([^)]*\)\]?(\([^)]*\))?\s*)+$")
_ATX = re.compile(r"^\s{0,3}#\s+(.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}=+\s*$")


def _title(source: str) -> tuple[str | None, str]:
    """The first H1 of a Markdown cell, when only blank lines or badges (``[![Open in
    Colab](...)](...)``) come before it, and the cell without it."""
    lines = source.split("\n")
    for i, line in enumerate(lines):
        if not line.strip() or _BADGE.match(line):
            continue
        found = _ATX.match(line)
        if found:
            return found.group(1), "\n".join(lines[:i] + lines[i + 1 :])
        if i + 1 < len(lines) and _SETEXT.match(lines[i + 1]):
            return line.strip(), "\n".join(lines[:i] + lines[i + 2 :])
        break
    return None, source


def _kernel_language(metadata: dict[str, Any]) -> str:
    """The notebook's language (``python`` when it does not say): lectio runs Python only."""
    info = metadata.get("language_info") or {}
    spec = metadata.get("kernelspec") or {}
    name = str(info.get("name") or spec.get("language") or "python").lower()
    name = re.sub(r"[^a-z0-9_+#.-]", "", name) or "python"
    return "python" if name in ("python", "python3", "ipython", "ipython3") else name


def _renderable_math(block: Block, cell: int, notes: Notes) -> Block:
    """Math lectio cannot render (``$\\LaTeX$``, an ``align`` with a lone backslash) would be
    a ``lectio validate`` problem: it is kept as code (TeX, as written), with a note."""
    key = "text" if "text" in block else "note" if "note" in block else None
    from engine.markup.mathspans import find_math, may_hold_math

    if key is None or not may_hold_math(block[key]):
        return block
    from engine.markup.tex import render

    text = block[key]
    out: list[str] = []
    pos = 0
    for span in find_math(text):
        _, errors = render(span.tex, display=span.display)
        if not errors:
            continue
        shown = " ".join(span.tex.split())
        notes.add(
            cell,
            f"math lectio cannot render (${shown[:50]}$: {errors[0].message}); kept as TeX code",
        )
        out.append(text[pos : span.start])
        if span.display:
            out.append("```latex\n" + span.tex.strip("\n") + "\n```")
        else:
            tick = "``" if "`" in span.tex else "`"
            out.append(f"{tick}{span.tex}{tick}")
        pos = span.end
    if not out:
        return block
    out.append(text[pos:])
    return {**block, key: "".join(out)}


def _valid(block: Block) -> str | None:
    """None when the lesson model accepts the block, else its first problem."""
    from pydantic import ValidationError

    from engine.format.models import Lesson

    try:
        Lesson.model_validate({"id": "x", "title": "x", "blocks": [block]})
    except ValidationError as exc:
        error = exc.errors()[0]
        return str(error.get("msg", "invalid"))
    return None


def import_source(path: Path) -> Imported:
    """The lesson made from ``path``; raises :class:`SourceError` when it cannot be read."""
    notes = Notes()
    cells, metadata = read_cells(path, notes)
    imported = Imported(path, {}, notes)
    lectio_meta = metadata.get("lectio") if isinstance(metadata.get("lectio"), dict) else None
    if lectio_meta is not None and lectio_meta.get("format", FORMAT_VERSION) > FORMAT_VERSION:
        notes.add(None, "exported by a newer lectio; its lectio metadata may be partly ignored")
    figures = _Figures(imported, cells)
    language = _kernel_language(metadata)
    if language != "python":
        notes.add(
            None, f"a notebook in {language}: its code cells are listings (lectio runs Python)"
        )
    blocks: list[Block] = []
    title: str | None = lectio_meta.get("title") if lectio_meta else None
    for number, cell in enumerate(cells, start=1):
        kind = cell.get("cell_type")
        source = _join(cell.get("source", ""))
        meta = cell.get("metadata", {})
        if isinstance(meta.get("lectio"), dict) and meta["lectio"].get("block") == "title":
            title = title or source.lstrip("# ").strip()
            continue
        kept = _from_metadata(cell) if lectio_meta is not None else None
        if kept is not None and _valid(kept) is None:
            blocks.append(kept)
            continue
        if isinstance(meta.get("lectio"), dict):
            notes.add(number, "edited since lectio exported it: read as an ordinary cell")
        if kind == "markdown":
            if title is None:
                title, source = _title(source)
            new = markdown_blocks(source, number, notes, figures)
        elif kind == "code" and language != "python":
            new = [{"code": source, "run": False, "language": language}] if source.strip() else []
        elif kind == "code":
            tags = list(meta.get("tags", []))
            hidden = bool(meta.get("jupyter", {}).get("source_hidden"))
            new = code_blocks(source, tags, list(cell.get("outputs", [])), number, notes, hidden)
        elif kind == "raw":
            if source.strip():
                notes.add(number, "a raw cell is shown as a text listing")
                new = [{"code": source, "run": False, "language": "text"}]
            else:
                new = []
        else:
            notes.add(number, f"unknown cell type {kind!r} dropped")
            new = []
        for block in new:
            block = _renderable_math(block, number, notes)
            problem = _valid(block)
            if problem is not None and "code" in block and block.get("run", True):
                notes.add(number, f"{problem}; kept as a run: false listing")
                block = {"code": block["code"], "run": False}
                problem = _valid(block)
            if problem is not None:
                notes.add(number, f"dropped a block lectio cannot hold: {problem}")
                continue
            blocks.append(block)
    if not blocks:
        blocks = [{"text": "(This source held no content.)\n"}]
        notes.add(None, "the source has no cells with content")
    data: dict[str, Any] = {
        "id": (lectio_meta or {}).get("id") or slug(path.stem),
        "title": title or path.stem.replace("_", " ").replace("-", " ").strip().capitalize(),
    }
    if lectio_meta is not None:
        for key in ("language", "requires", "timeout", "normalize"):
            if key in lectio_meta:
                data[key] = lectio_meta[key]
    else:
        local = {p.stem for p in path.parent.glob("*.py")}
        requires = _requires(blocks, local)
        if requires:
            data["requires"] = requires
    data["blocks"] = blocks
    imported.data = json.loads(json.dumps(data))  # plain dicts and lists (no NotebookNode)
    return imported
