"""The YAML 1.1 ``y``/``n`` trap: a warning for a bare ``y``, ``n`` (any case) as a value.

lectio reads YAML as PyYAML does: ``yes``, ``no``, ``on``, ``off``, ``true``, ``false`` are
booleans (a text field given one is already a located error that says to quote it), but a bare
``y`` or ``n`` is the text "y". Editors and tools in strict YAML 1.1 mode (some language
servers, formatters, other YAML libraries) read ``y``/``n`` as booleans too, so ``graph: y``
could become ``graph: true`` when someone else's tool rewrites the file. Quoting (``'y'``) is
the same to lectio and to every tool. A regular expression finds the candidate lines first, so
files without one (nearly all) cost no second parse.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from engine.format.spans import Span
from engine.validation.report import Check

TRAP = frozenset({"y", "Y", "n", "N"})
_CANDIDATE = re.compile(r"(?::|^\s*-)\s+[yYnN]\s*(?:#.*)?$", re.MULTILINE)
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _message(value: str) -> str:
    meaning = "true" if value in ("y", "Y") else "false"
    return (
        f"a bare {value} is the text '{value}' to lectio, but editors and tools in YAML 1.1 "
        f"mode read it as the boolean {meaning}; write it in quotes: '{value}'"
    )


def warnings(path: str | Path) -> list[Check]:
    """One warning check per bare ``y``/``n`` value of the YAML file at ``path``."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    if not _CANDIDATE.search(text):
        return []
    found: list[Check] = []
    # a stack of [is_mapping, expecting_key] for the collections being read
    stack: list[list[bool]] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            is_key = bool(stack) and stack[-1][0] and stack[-1][1]
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if stack and stack[-1][0]:
                    stack[-1][1] = not stack[-1][1]
                stack.append([isinstance(event, yaml.MappingStartEvent), True])
                continue
            if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
                continue
            if isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                if stack and stack[-1][0]:
                    stack[-1][1] = not stack[-1][1]
                if (
                    isinstance(event, yaml.ScalarEvent)
                    and not is_key
                    and not event.style  # plain: None (pure Python) or "" (libyaml)
                    and event.tag is None
                    and event.value in TRAP
                ):
                    mark = event.start_mark
                    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
                    span = Span(str(path), line, col)
                    found.append(Check("yaml 1.1", "warning", _message(event.value), span))
    except yaml.YAMLError:
        return found
    return found
