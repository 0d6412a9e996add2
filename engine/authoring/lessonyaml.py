"""Write a lesson (as plain data) to YAML the way a person would: keys in the contract's order,
multi-line text as ``|`` blocks, a blank line between blocks, the schema modeline on top.

The data is what :func:`block_data` gives (a model dump without defaults), so writing a loaded
lesson and loading it again gives back an equal lesson. PyYAML quotes what must be quoted
(``"yes"``, ``"0x1F"``, a text starting with ``*``...) and falls back to a double-quoted string
when a ``|`` block cannot hold the text (trailing spaces, control characters).
"""

from __future__ import annotations

from typing import Any

import yaml

from engine.format.models import Node

LESSON_KEYS = ("id", "title", "language", "requires", "timeout", "normalize", "blocks")


class _Dumper(yaml.SafeDumper):
    """Indents lists inside mappings (``blocks:\\n  - text:``), as the bundled lessons do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value.rstrip("\n") or (value.endswith("\n") and len(value) > 1) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def block_data(node: Node) -> dict[str, Any]:
    """A block (or any node) as the plain data its YAML would hold: defaults left out."""
    data: dict[str, Any] = node.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    expect = data.get("expect")
    if isinstance(expect, dict) and list(expect) == ["stdout"]:
        data["expect"] = expect["stdout"]  # the short form authors write
    return data


def lesson_data(lesson: Any) -> dict[str, Any]:
    """A loaded lesson as plain data, keys in the contract's order."""
    data = lesson.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    data["blocks"] = [block_data(block) for block in lesson.blocks]
    return {key: data[key] for key in LESSON_KEYS if key in data}


def _dump(value: Any) -> str:
    return yaml.dump(
        value,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def _flow_lists(data: dict[str, Any]) -> str:
    """Top-level keys; a short list of words (``requires: [torch]``) on one line."""
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and all(isinstance(v, str) and " " not in v for v in value):
            lines.append(f"{key}: [{', '.join(value)}]\n")
        else:
            lines.append(_dump({key: value}))
    return "".join(lines)


def dump_lesson(data: dict[str, Any], *, header: str = "") -> str:
    """The YAML text of a lesson given as plain data (``header``: comment lines on top)."""
    head = {key: value for key, value in data.items() if key != "blocks"}
    parts = [header, _flow_lists(head), "blocks:\n"]
    blocks = []
    for block in data.get("blocks", []):
        text = _dump([block])
        blocks.append(
            "".join("  " + line if line.strip() else line for line in text.splitlines(True))
        )
    parts.append("\n".join(blocks))
    return "".join(parts)
