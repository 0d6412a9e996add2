"""Read YAML safely into plain Python data, keeping where every value came from.

PyYAML's C parser (libyaml) builds the node graph; this module turns nodes into dicts,
lists and scalars itself, because the stock constructors silently accept what a lesson
file must refuse: duplicate keys, tags that build objects, alias bombs, absurd nesting.
Every problem is collected with its position instead of raised at the first one.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from engine.format.problems import LoadError, Problem
from engine.format.spans import Path, Span, SpanMap

try:  # libyaml is much faster; fall back to pure Python where it was not compiled in.
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_BYTES = 2 * 1024 * 1024
"""A lesson is text written by a person; anything larger is a mistake or an attack."""
MAX_DEPTH = 40
"""The format nests a few levels deep; more is never meant."""
MAX_NODES = 200_000
"""Values produced after aliases are expanded; bounds the work a small file can cause."""

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:binary",
}
_STR = "tag:yaml.org,2002:str"
_constructor = SafeConstructor()


class _TooLargeError(Exception):
    """Expansion passed :data:`MAX_NODES`; stop at once rather than keep expanding."""


class _Reader:
    def __init__(self, spans: SpanMap, lines: list[str]) -> None:
        self.spans = spans
        self.lines = lines
        self.problems: list[Problem] = []
        self.count = 0

    def span(self, node: yaml.Node) -> Span:
        mark = node.start_mark
        return Span(self.spans.file, mark.line + 1, mark.column + 1)

    def problem(self, node: yaml.Node, message: str, check: str = "yaml") -> None:
        self.problems.append(Problem(self.span(node), message, check))

    def read(self, node: yaml.Node, path: Path | None, depth: int) -> Any:
        """Convert ``node``; ``path`` is None below an alias (positions not recorded)."""
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLargeError
        if depth > MAX_DEPTH:
            self.problem(node, f"the document nests more than {MAX_DEPTH} levels deep")
            raise _TooLargeError
        if path is not None:
            self.spans.add_value(path, *self.position(node))
        if not self.tag_ok(node):
            return None
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return [
                self.read(item, None if path is None else (*path, i), depth + 1)
                for i, item in enumerate(node.value)
            ]
        assert isinstance(node, yaml.MappingNode)
        return self.mapping(node, path, depth)

    def position(self, node: yaml.Node) -> tuple[int, int]:
        """1-based line and column; a block scalar (``|``, ``>``) starts on its first content line,
        so line N of a code cell is at ``span.line + N - 1``."""
        mark = node.start_mark
        block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
        if block and mark.line + 1 < len(self.lines):
            content = self.lines[mark.line + 1]
            return mark.line + 2, len(content) - len(content.lstrip(" ")) + 1
        return mark.line + 1, mark.column + 1

    def tag_ok(self, node: yaml.Node) -> bool:
        tag = node.tag
        if tag in _STANDARD_TAGS:
            return True
        if tag.startswith("tag:yaml.org,2002:python/"):
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self.problem(node, f"the YAML tag {shown} would build a Python "
                         "object; lesson files may hold only plain text, numbers, lists and "
                         "mappings")
        else:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self.problem(node, f"unsupported YAML tag {shown}; remove it")
        return False

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == "tag:yaml.org,2002:timestamp":
            return node.value  # a date is kept as the text the author wrote
        try:
            if tag == "tag:yaml.org,2002:binary":
                return node.value
            return _constructor.construct_object(node, deep=False)
        except (yaml.YAMLError, ValueError, TypeError):
            self.problem(node, f"cannot read {node.value!r} as {tag.rsplit(':', 1)[-1]}")
            return None

    def mapping(self, node: yaml.MappingNode, path: Path | None, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_seen: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problem(key_node, "merge keys (<<) are not supported; write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, "a key must be a plain word, not a list or a mapping")
                continue
            key = self.read(key_node, None, depth + 1)
            if not isinstance(key, str):
                key = str(key_node.value)
            if key in first_seen:
                line = first_seen[key].start_mark.line + 1
                self.problem(key_node, f"duplicate key {key!r} (first given on line {line})")
                continue
            first_seen[key] = key_node
            child = None if path is None else (*path, key)
            if child is not None:
                mark = key_node.start_mark
                self.spans.add_key(child, mark.line + 1, mark.column + 1)
            result[key] = self.read(value_node, child, depth + 1)
        return result


def _expanded_size(node: yaml.Node, depth: int, memo: dict[int, int]) -> int:
    """How many values ``node`` becomes once aliases are expanded, counted on the node graph
    (each distinct node once), so an alias bomb is refused before anything is built. A node
    that contains itself (``&a [*a]``) counts as too large. Capped just above MAX_NODES."""
    key = id(node)
    if key in memo:
        return memo[key]
    if depth > MAX_DEPTH or isinstance(node, yaml.ScalarNode):
        return 1  # too deep: the reader reports the nesting itself, with its position
    memo[key] = MAX_NODES + 1  # in progress: meeting it again means it contains itself
    children: list[yaml.Node] = (
        node.value if isinstance(node, yaml.SequenceNode)
        else [n for pair in node.value for n in pair]
    )
    total = 1
    for child in children:
        total += _expanded_size(child, depth + 1, memo)
        if total > MAX_NODES:
            break
    memo[key] = min(total, MAX_NODES + 1)
    return memo[key]


def _decode(data: bytes, file: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise LoadError([Problem(Span(file, line, col),
                                 f"the file is not valid UTF-8 text (byte "
                                 f"0x{data[exc.start]:02x}); save it as UTF-8", "yaml")]) from None
    return text.removeprefix("\ufeff")


def read_yaml(data: bytes, file: str) -> tuple[Any, SpanMap]:
    """Parse one YAML document from ``data``; raise :class:`LoadError` with located problems."""
    if len(data) > MAX_BYTES:
        raise LoadError([Problem(Span(file, 1, 1), f"the file is {len(data):,} bytes; lesson files "
                                 f"are limited to {MAX_BYTES:,}", "yaml")])
    text = _decode(data, file)
    if "\x00" in text:
        raise LoadError([Problem(Span(file, 1, 1), "the file holds NUL characters; it is not "
                                 "a text file", "yaml")])
    spans = SpanMap(file)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise LoadError([_syntax_problem(exc, file, text)]) from None
    except yaml.reader.ReaderError as exc:
        raise LoadError([_reader_problem(exc, file, text)]) from None
    except yaml.YAMLError as exc:
        raise LoadError([Problem(Span(file, 1, 1), f"YAML error: {exc}", "yaml")]) from None
    finally:
        loader.dispose()
    if node is None:
        what = "the file is empty" if not text.strip() else "the file holds only comments"
        raise LoadError([Problem(Span(file, 1, 1), f"{what}; a lesson starts with id:, title: "
                                 "and blocks:", "yaml")])
    reader = _Reader(spans, text.splitlines())
    try:
        if _expanded_size(node, 0, {}) > MAX_NODES:
            raise _TooLargeError
        value = reader.read(node, (), 0)
    except _TooLargeError:
        if not reader.problems:
            reader.problem(node, "the document expands to too many values (an alias bomb?); "
                           "write it without so many aliases")
        raise LoadError(reader.problems) from None
    if reader.problems:
        raise LoadError(reader.problems)
    return value, spans


def _reader_problem(exc: yaml.reader.ReaderError, file: str, text: str) -> Problem:
    """A character YAML refuses (a control character pasted from a terminal, say)."""
    before = text[: max(exc.position, 0)]
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return Problem(Span(file, line, col), f"the file holds the control character U+{char:04X}, "
                   "which YAML does not allow; remove it", "yaml")


def _syntax_problem(exc: yaml.MarkedYAMLError, file: str, text: str) -> Problem:
    """libyaml's messages describe the parser's state; say what the author should change."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = exc.problem or "invalid YAML"
    context = exc.context or ""
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if "expected a single document" in context + problem:
        message = "the file holds more than one YAML document (a second '---'); keep one"
    elif "tab" in problem or "\t" in here[: max(col, 1)]:
        message = "a tab character cannot indent YAML; use spaces"
    elif "end of stream" in problem and "quoted scalar" in context and exc.context_mark:
        start = exc.context_mark
        line, col = start.line + 1, start.column + 1
        message = "this quoted text is never closed; add the closing quote"
    elif "mapping values are not allowed" in problem:
        message = ("unexpected ':' here; a text that contains ': ' must be put in quotes "
                   "(or written as a block with |)")
    elif "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        closing = "]" if "]" in problem else "}"
        if exc.context_mark is not None:
            line, col = exc.context_mark.line + 1, exc.context_mark.column + 1
        message = f"this list or mapping is never closed with '{closing}'"
    elif "expected '-' indicator" in problem:
        message = ("this line does not fit the indentation of the list above it; "
                   "check its indentation")
    elif "did not find expected" in problem or "could not find expected ':'" in problem:
        message = ("unexpected text here; check this line's indentation, and put a text "
                   "holding quotes, ': ' or ' #' in quotes")
    elif "cannot start any token" in problem:
        char = here[col - 1] if 0 < col <= len(here) else "?"
        message = f"a value cannot start with {char!r}; put the text in quotes"
    else:
        message = f"{problem}" + (f" ({context})" if context else "")
    return Problem(Span(file, line, col), f"YAML syntax: {message}", "yaml")
