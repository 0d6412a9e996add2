"""``lectio validate --update``: write a cell's actual output into its ``expect``, in place.

Only the text of the expectation changes: the file is edited as text at the positions the YAML
parser reports for the ``expect`` value, so comments, key order, quoting, blank lines and every
other block stay byte for byte as they were. The rewritten value keeps the author's style where
it can (a ``|`` block stays a block with the same indentation, a quoted string stays quoted, a
trailing newline stays or stays away); a multi-line output given as a one-line string becomes a
``|`` block, and text a block cannot hold (control characters) a double-quoted string.

What is updated:

- ``--update`` (``failing``): a cell whose ``stdout`` (``expect: "..."`` or
  ``expect: {stdout: ...}``) or ``stderr`` expectation failed, when the cell ran to its end
  without raising (with ``stderr``, ``stdout`` is the standard output alone; only the part that
  differs is rewritten). A cell that raised (or timed out, or crashed) is never updated: its
  output is not what the author meant. ``contains``, ``matches``, ``raises`` and ``figures`` say
  something a new output cannot, so they are left alone, with a line saying so.
- ``--update=all``: also cells with no ``expect`` that ran, printed something and are not
  ``hidden``: an ``expect: |`` is added right after their ``code``.

The edited file is read back before it is written: if it does not load, or anything but the
expectations changed, nothing is written and the reason is reported.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from engine.format.loader import parse_document
from engine.format.models import CodeBlock, Lesson
from engine.validation.report import Check

Mode = Literal["failing", "all"]
_HEADER = re.compile(r"[|>][0-9+-]*")
_NOT_IN_BLOCK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


@dataclass
class Edit:
    start: int
    end: int
    text: str
    block: int
    value: str
    name: str = ""
    key: str = "stdout"
    """Which key of ``expect`` the edit writes: stdout, or stderr."""


@dataclass
class FileUpdate:
    """What ``--update`` did to one lesson file."""

    path: str
    old: str
    new: str
    updated: list[str] = field(default_factory=list)
    """Names of the checks whose expectation was written."""
    left: list[tuple[Check, str]] = field(default_factory=list)
    """Failing checks not updated, and why."""
    error: str | None = None
    """Why nothing was written (the edited file would not load...)."""

    @property
    def changed(self) -> bool:
        return self.error is None and self.new != self.old

    def diff(self) -> str:
        relative = not self.path.startswith("/")
        lines = difflib.unified_diff(
            self.old.splitlines(keepends=True),
            self.new.splitlines(keepends=True),
            f"a/{self.path}" if relative else self.path,
            f"b/{self.path}" if relative else self.path,
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def expected_text(shown: str) -> str:
    """The expectation to write for what a cell showed: each line's trailing white space and
    the trailing blank lines dropped (the comparison ignores them), one final newline."""
    lines = [line.rstrip() for line in shown.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def _norm(text: str) -> str:
    """As the comparison of ``expect: {stdout}`` sees a text (engine.execution.expect)."""
    return "\n".join(line.rstrip() for line in text.splitlines()).rstrip()


def _double(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _plain_ok(value: str) -> bool:
    if not value or "\n" in value or value != value.strip():
        return False
    try:
        loaded = yaml.safe_load(f"k: {value}\n")
    except yaml.YAMLError:
        return False
    if not isinstance(loaded, dict) or list(loaded) != ["k"]:
        return False
    got = loaded["k"]
    return got == value or (
        isinstance(got, int | float) and not isinstance(got, bool) and str(got) == value
    )


def _block(value: str, indent: int, key_col: int, rest: str, newline: str) -> str:
    """``value`` as a ``|`` block scalar whose lines are indented by ``indent`` columns."""
    body = value[:-1] if value.endswith("\n") else value
    chomp = "-" if not value.endswith("\n") else ("+" if body.endswith("\n") else "")
    lines = body.split("\n")
    indicator = str(indent - key_col) if lines and lines[0].startswith(" ") else ""
    out = [f"|{indicator}{chomp}{rest}"]
    out.extend((" " * indent + line) if line else "" for line in lines)
    return newline.join(out) + newline


def _line_end(text: str, index: int) -> int:
    """The index just after the line break ending the line that holds ``index``."""
    nl = text.find("\n", index)
    return len(text) if nl < 0 else nl + 1


def _value_edit(
    text: str, node: Any, key_col: int, in_flow: bool, old: str, new: str, newline: str
) -> tuple[int, int, str]:
    """The splice that turns scalar ``node`` (now holding ``old``) into ``new``."""
    start, end = node.start_mark.index, node.end_mark.index
    style = node.style
    if style in ("|", ">"):
        header = _HEADER.match(text, start)
        rest_start = header.end() if header else start + 1
        header_end = _line_end(text, start)
        rest = text[rest_start:header_end].rstrip("\r\n")
        region = text[start:end]
        last = len(region.rstrip())
        stop = start + last
        stop = _line_end(text, stop - 1) if last else header_end
        content = text[header_end:stop]
        indents = [len(ln) - len(ln.lstrip(" ")) for ln in content.splitlines() if ln.strip()]
        indent = min(indents) if indents else key_col + 2
        if not new or _NOT_IN_BLOCK.search(new):
            return start, stop, _double(new) + rest + newline
        replacement = _block(new, indent, key_col, rest, newline)
        if not text[start:stop].endswith("\n"):
            replacement = replacement.rstrip("\r\n")
        return start, stop, replacement
    one_line = new.rstrip("\n")
    if "\n" not in one_line and not _NOT_IN_BLOCK.search(one_line):
        value = one_line + ("\n" if old.endswith("\n") and new.endswith("\n") else "")
        if style is None and _plain_ok(value):
            return start, end, value
        if style == "'" and "\n" not in value:
            return start, end, "'" + value.replace("'", "''") + "'"
        return start, end, _double(value)
    if in_flow or not new or _NOT_IN_BLOCK.search(new):
        return start, end, _double(new)
    # A one-line value becomes a block: it runs to the end of its line (a comment is kept).
    line_end = _line_end(text, end)
    rest = text[end:line_end].rstrip("\r\n")
    return start, line_end, _block(new, key_col + 2, key_col, rest, newline)


def _mapping_get(node: Any, key: str) -> tuple[Any, Any] | None:
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _insert_edit(
    text: str, block_node: Any, value: str, newline: str
) -> tuple[int, int, str] | str:
    """A new ``expect:`` line after the block's ``code`` value, or why it cannot be added."""
    if block_node.flow_style:
        return "the block is written as a {...} mapping; add its expect by hand"
    found = _mapping_get(block_node, "code")
    if found is None:
        return "no code key found"
    key_node, code_node = found
    key_col = key_node.start_mark.column
    end = code_node.end_mark.index
    if code_node.style in ("|", ">"):
        last = len(text[code_node.start_mark.index : end].rstrip())
        at = _line_end(text, code_node.start_mark.index + last - 1)
    else:
        at = _line_end(text, end)
    if not value or _NOT_IN_BLOCK.search(value):
        rendered = _double(value) + newline
    else:
        rendered = _block(value, key_col + 2, key_col, "", newline)
    prefix = "" if at == 0 or text[at - 1] == "\n" else newline
    return at, at, prefix + " " * key_col + "expect: " + rendered


def plan(lesson: Lesson, checks: list[Check], text: str, mode: Mode, path: str) -> FileUpdate:
    """The updated text of ``lesson``'s file (``text``) for the checks its cells produced."""
    result = FileUpdate(path, text, text)
    by_name = {c.name: c for c in checks}
    newline = "\r\n" if "\r\n" in text else "\n"
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        blocks_node = _mapping_get(root, "blocks")
        if blocks_node is None:
            raise ValueError("no blocks")
        block_nodes = blocks_node[1].value
    except (yaml.YAMLError, ValueError, AttributeError, TypeError) as exc:
        result.error = f"cannot locate the blocks in the file: {exc}"
        return result
    edits: list[Edit] = []
    number = 0
    for index, block in enumerate(lesson.blocks):
        if not isinstance(block, CodeBlock) or not block.run:  # listings are not cells
            continue
        number += 1
        check = by_name.get(f"cell {block.id or number}")
        if check is None or index >= len(block_nodes):
            continue
        for edit in _cell_edit(
            text, block, block_nodes[index], check, mode, index, newline, result
        ):
            edit.name = check.name
            edits.append(edit)
    if not edits:
        return result
    new = text
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        new = new[: edit.start] + edit.text + new[edit.end :]
    problem = _read_back(lesson, new, edits, path)
    if problem is not None:
        result.error = problem
        return result
    result.new = new
    result.updated = list(dict.fromkeys(e.name for e in sorted(edits, key=lambda e: e.start)))
    return result


def _cell_edit(
    text: str,
    block: CodeBlock,
    node: Any,
    check: Check,
    mode: Mode,
    index: int,
    newline: str,
    result: FileUpdate,
) -> list[Edit]:
    expect = block.expect
    if expect is None:
        if mode != "all" or block.hidden or check.status != "passed" or check.actual is None:
            return []
        value = expected_text(check.actual)
        if not value:
            return []
        insert = _insert_edit(text, node, value, newline)
        if isinstance(insert, str):
            result.left.append((check, insert))
            return []
        return [Edit(*insert, block=index, value=value)]
    if check.status != "failed":
        return []
    if check.actual is None:
        result.left.append((check, "the cell raised or did not finish"))
        return []
    if expect.mode not in ("stdout", None) or expect.figures is not None:
        what = expect.mode if expect.mode not in ("stdout", None) else "figures"
        result.left.append((check, f"expect: {what} is not rewritten by --update; edit it by hand"))
        return []
    if expect.stderr is None:
        wanted = {"stdout": check.actual}
    elif check.actual_alone is None or check.actual_stderr is None:
        result.left.append((check, "the cell's standard error was not kept apart; not updated"))
        return []
    else:  # with stderr, stdout is the standard output alone (the contract)
        wanted = {"stderr": check.actual_stderr}
        if expect.stdout is not None:
            wanted["stdout"] = check.actual_alone
    found = _mapping_get(node, "expect") if isinstance(node, yaml.MappingNode) else None
    if found is None:
        result.left.append((check, "cannot find the expect key in the file"))
        return []
    key_node, value_node = found
    in_flow = bool(node.flow_style)
    edits: list[Edit] = []
    for key, actual in wanted.items():
        value = expected_text(actual)
        old = str(getattr(expect, key))
        target_key, target = key_node, value_node
        flow = in_flow
        if isinstance(value_node, yaml.MappingNode):
            inner = _mapping_get(value_node, key)
            if inner is None:
                result.left.append((check, f"cannot find expect's {key} key in the file"))
                return []
            flow = in_flow or bool(value_node.flow_style)
            target_key, target = inner
        elif key != "stdout":
            return []
        if not isinstance(target, yaml.ScalarNode):
            result.left.append((check, "expect is not written as text"))
            return []
        if _norm(old) == _norm(value):
            continue  # this part of the expectation holds: leave its bytes alone
        start, stop, replacement = _value_edit(
            text, target, target_key.start_mark.column, flow, old, value, newline
        )
        edits.append(Edit(start, stop, replacement, block=index, value=value, key=key))
    return edits


def _read_back(lesson: Lesson, new: str, edits: list[Edit], path: str) -> str | None:
    """None when ``new`` loads and differs from the lesson in the edited expectations only."""
    try:
        doc, problems = parse_document(new.encode("utf-8"), path)
    except Exception as exc:  # a LoadError, whatever its problems
        return f"the updated file would not load ({exc}); nothing was written"
    if problems or not isinstance(doc, Lesson):
        return "the updated file would not load; nothing was written"
    before = lesson.model_dump()
    after = doc.model_dump()
    for edit in edits:
        index, value = edit.block, edit.value
        got = after["blocks"][index].get("expect") or {}
        if _norm(str(got.get(edit.key))) != _norm(value):
            return (
                f"block {index + 1}: the written expect reads back differently; nothing was written"
            )
        before["blocks"][index]["expect"] = after["blocks"][index]["expect"]
    if before != after:
        return "the update would change more than the expectations; nothing was written"
    return None
