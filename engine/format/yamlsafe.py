"""Read YAML safely into plain Python data, keeping where every value came from.

libyaml (PyYAML's C parser) turns the text into events; this module builds dicts, lists and
scalars from the events itself, because the stock composer and constructors silently accept
what a lesson file must refuse (duplicate keys, tags that build objects, alias bombs, absurd
nesting) and are slower: building yaml.Node objects first costs as much as everything else.
Every problem is collected with its position instead of raised at the first one.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

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
"""Values aliases may expand to; bounds the work a small file can cause (what is written out is
bounded by :data:`MAX_BYTES` already: a file of 100,000 short blocks is large, not a bomb)."""
MAX_KEY = 1024
"""Characters of a key: YAML's limit for a plain key; a key is a short name."""

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
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_MERGE = "tag:yaml.org,2002:merge"
_KEEP_TEXT = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"}
_constructor = SafeConstructor()
_resolver = Resolver()
_resolved: dict[str, str] = {}
"""Implicit tags of plain scalars already seen (keys and small words repeat a lot)."""


class _WrittenInt(int):
    """An integer that remembers how it was written (``0x1F``, ``007``, ``1_000``), so a field
    that wants text shows the author's spelling: pydantic turns numbers into text with str()."""

    written: str

    def __str__(self) -> str:
        return self.written

    __repr__ = __str__  # messages quote values with !r


class _WrittenFloat(float):
    """A float that remembers how it was written (``0.10``, ``.inf``); see :class:`_WrittenInt`."""

    written: str

    def __str__(self) -> str:
        return self.written

    __repr__ = __str__  # messages quote values with !r


def _keep_spelling(number: Any, written: str) -> Any:
    """``number`` as is when str() gives back what was written (the usual case), else a
    subclass that does."""
    cls = type(number)
    if (cls is not int and cls is not float) or str(number) == written:
        return number
    kept: _WrittenInt | _WrittenFloat = (_WrittenInt if cls is int else _WrittenFloat)(number)
    kept.written = written
    return kept


class _TooLargeError(Exception):
    """Alias expansion passed :data:`MAX_NODES`, or nesting passed :data:`MAX_DEPTH`; stop."""


def _plain_tag(value: str) -> str:
    tag = _resolved.get(value)
    if tag is None:
        resolve = _resolver.resolve
        tag = str(resolve(yaml.ScalarNode, value, (True, False)))  # type: ignore[no-untyped-call]
        if len(_resolved) < 50_000 and len(value) < 64:
            _resolved[value] = tag
    return tag


class _Reader:
    """Consumes the events of one document, building its value and recording positions."""

    def __init__(self, parser: Any, spans: SpanMap, lines: list[str]) -> None:
        self.next_event = parser.get_event
        self.spans = spans
        self.values = spans._values  # written directly: this loop is the hot path
        self.keys = spans._keys
        self.lines = lines
        self.file = spans.file
        self.problems: list[Problem] = []
        self.count = 0
        """Values read so far, those aliases expanded to included (anchors' sizes use it)."""
        self.expanded = 0
        """Values that aliases expanded to."""
        self.anchors: dict[str, tuple[Any, int] | None] = {}
        """anchor -> (value, values it expands to); None while its collection is still open."""

    def problem(self, event: Any, message: str) -> None:
        mark = event.start_mark
        self.problems.append(
            Problem(Span(self.file, mark.line + 1, mark.column + 1), message, "yaml")
        )

    def read(self, event: Any, path: Path | None, depth: int) -> Any:
        """The value starting with ``event``; ``path`` is None where positions are not kept
        (inside keys and rejected values)."""
        cls = type(event)
        if cls is yaml.AliasEvent:
            if path is not None:  # what lies inside falls back to here: the alias's own line
                mark = event.start_mark
                self.values[path] = (mark.line + 1, mark.column + 1)
            return self.alias(event)
        self.count += 1
        if depth > MAX_DEPTH:
            self.problem(event, f"the document nests more than {MAX_DEPTH} levels deep")
            raise _TooLargeError
        if cls is yaml.ScalarEvent:
            if path is not None:
                mark = event.start_mark
                line = mark.line
                if event.style in ("|", ">") and line + 1 < len(self.lines):
                    # A block scalar starts on its first content line, so line N of a code
                    # cell is at span.line + N - 1.
                    content = self.lines[line + 1]
                    self.values[path] = (line + 2, len(content) - len(content.lstrip(" ")) + 1)
                else:
                    self.values[path] = (line + 1, mark.column + 1)
            if event.tag is None and not event.implicit[0]:
                value: Any = event.value  # quoted or block: always text
            else:
                value = self.scalar(event)
            if event.anchor is not None:
                self.anchors[event.anchor] = (value, 1)
            return value
        if path is not None:
            mark = event.start_mark
            self.values[path] = (mark.line + 1, mark.column + 1)
        tag = event.tag
        ok = tag is None or tag == "!" or tag in _STANDARD_TAGS
        if not ok:
            self.bad_tag(event, tag)
        before = self.count
        if event.anchor is not None:
            self.anchors[event.anchor] = None
        if cls is yaml.SequenceStartEvent:
            value = []
            i = 0
            while True:
                item = self.next_event()
                if type(item) is yaml.SequenceEndEvent:
                    break
                value.append(self.read(item, None if path is None else (*path, i), depth + 1))
                i += 1
        elif cls is yaml.MappingStartEvent:
            value = self.mapping(path, depth)
        else:  # pragma: no cover - the parser emits nodes only here
            raise AssertionError(f"unexpected YAML event {event}")
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, self.count - before + 1)
        return value if ok else None

    def alias(self, event: Any) -> Any:
        if event.anchor not in self.anchors:
            self.problem(
                event, f"the alias *{event.anchor} refers to no anchor &{event.anchor} above it"
            )
            return None
        anchored = self.anchors[event.anchor]
        if anchored is None:
            self.problem(event, f"the alias *{event.anchor} is inside the value it refers to")
            return None
        value, size = anchored
        self.count += size
        self.expanded += size
        if self.expanded > MAX_NODES:
            self.problem(
                event,
                f"the aliases of this document expand to more than {MAX_NODES:,} values (an "
                "alias bomb?); write it without so many aliases",
            )
            raise _TooLargeError
        return value

    def bad_tag(self, event: Any, tag: str) -> None:
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        if tag.startswith("tag:yaml.org,2002:python/"):
            self.problem(
                event,
                f"the YAML tag {shown} would build a Python object; lesson "
                "files may hold only plain text, numbers, lists and mappings",
            )
        else:
            self.problem(event, f"unsupported YAML tag {shown}; remove it")

    def scalar(self, event: Any) -> Any:
        value: str = event.value
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return value  # quoted or block: always text
            tag = _plain_tag(value)
            if tag == _STR:
                return value
            if tag == _NULL:
                return None
        elif tag == _STR:
            return value
        elif tag not in _STANDARD_TAGS:
            self.bad_tag(event, tag)
            return None
        if tag in _KEEP_TEXT:
            return value  # a date, or base64, is kept as the text the author wrote
        if tag == _BOOL:
            return _constructor.bool_values.get(value.lower(), value)
        try:
            number = _constructor.construct_object(yaml.ScalarNode(tag, value), deep=False)
        except (yaml.YAMLError, ValueError, TypeError):
            self.problem(event, f"cannot read {value!r} as {tag.rsplit(':', 1)[-1]}")
            return None
        return _keep_spelling(number, value)

    def mapping(self, path: Path | None, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_line: dict[str, int] = {}
        next_event = self.next_event
        while True:
            key_event = next_event()
            key_cls = type(key_event)
            if key_cls is yaml.MappingEndEvent:
                return result
            if key_cls is yaml.ScalarEvent and key_event.tag is None and (key_event.anchor is None):
                # The usual key: a plain word. Resolve it like any scalar, but skip the rest.
                key = key_event.value
                if key_event.implicit[0] and (_resolved.get(key) or _plain_tag(key)) != _STR:
                    if key == "<<":
                        self.problem(
                            key_event, "merge keys (<<) are not supported; write the keys out"
                        )
                        self.read(next_event(), None, depth + 1)
                        continue
                    key = str(key_event.value)
                self.count += 1
                mark = key_event.start_mark
                if key in first_line:
                    self.problem(
                        key_event, f"duplicate key {key!r} (first given on line {first_line[key]})"
                    )
                    self.read(next_event(), None, depth + 1)
                    continue
                first_line[key] = mark.line + 1
                if path is None:
                    result[key] = self.read(next_event(), None, depth + 1)
                else:
                    child = (*path, key)
                    self.keys[child] = (mark.line + 1, mark.column + 1)
                    result[key] = self.read(next_event(), child, depth + 1)
                continue
            if key_cls is not yaml.ScalarEvent:
                if key_cls is yaml.AliasEvent:
                    self.problem(key_event, "a key cannot be an alias (*name); write it out")
                else:
                    self.problem(key_event, "a key must be a plain word, not a list or a mapping")
                    self.read(key_event, None, depth + 1)
                self.read(self.next_event(), None, depth + 1)
                continue
            if key_event.implicit[0] and key_event.value == "<<" and key_event.tag is None:
                self.problem(key_event, "merge keys (<<) are not supported; write the keys out")
                self.read(self.next_event(), None, depth + 1)
                continue
            key = self.read(key_event, None, depth + 1)
            if not isinstance(key, str):
                key = str(key_event.value)
            mark = key_event.start_mark
            if key in first_line:
                self.problem(
                    key_event, f"duplicate key {key!r} (first given on line {first_line[key]})"
                )
                self.read(self.next_event(), None, depth + 1)
                continue
            first_line[key] = mark.line + 1
            if path is not None:
                self.keys[(*path, key)] = (mark.line + 1, mark.column + 1)
                result[key] = self.read(self.next_event(), (*path, key), depth + 1)
            else:
                result[key] = self.read(self.next_event(), None, depth + 1)


def _decode(data: bytes, file: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Windows editors' "Unicode"
        raise LoadError(
            [Problem(Span(file, 1, 1), "the file is UTF-16 text; save it as UTF-8", "yaml")]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise LoadError(
            [
                Problem(
                    Span(file, line, col),
                    f"the file is not valid UTF-8 text (byte "
                    f"0x{data[exc.start]:02x}); save it as UTF-8",
                    "yaml",
                )
            ]
        ) from None
    return text.removeprefix("\ufeff")


def read_yaml(data: bytes, file: str) -> tuple[Any, SpanMap]:
    """Parse one YAML document from ``data``; raise :class:`LoadError` with located problems."""
    if len(data) > MAX_BYTES:
        raise LoadError(
            [
                Problem(
                    Span(file, 1, 1),
                    f"the file is {len(data):,} bytes; lesson files are limited to {MAX_BYTES:,}",
                    "yaml",
                )
            ]
        )
    text = _decode(data, file)
    if "\x00" in text:
        raise LoadError(
            [
                Problem(
                    Span(file, 1, 1), "the file holds NUL characters; it is not a text file", "yaml"
                )
            ]
        )
    spans = SpanMap(file)
    parser = _Loader(text)
    reader = _Reader(parser, spans, text.splitlines())
    try:
        value = _read_document(parser, reader, file)
    except yaml.MarkedYAMLError as exc:
        raise LoadError([_syntax_problem(exc, file, text)]) from None
    except yaml.reader.ReaderError as exc:
        raise LoadError([_reader_problem(exc, file, text)]) from None
    except yaml.YAMLError as exc:
        raise LoadError([Problem(Span(file, 1, 1), f"YAML error: {exc}", "yaml")]) from None
    except _TooLargeError:  # the reason was recorded where it happened
        raise LoadError(reader.problems) from None
    finally:
        parser.dispose()
    if reader.problems:
        raise LoadError(reader.problems)
    return value, spans


def _read_document(parser: Any, reader: _Reader, file: str) -> Any:
    parser.get_event()  # StreamStart
    event = parser.get_event()
    if type(event) is yaml.StreamEndEvent:
        what = (
            "the file is empty"
            if not "".join(reader.lines).strip()
            else ("the file holds only comments")
        )
        raise LoadError(
            [
                Problem(
                    Span(file, 1, 1),
                    f"{what}; a lesson starts with id:, title: and blocks:",
                    "yaml",
                )
            ]
        )
    value = reader.read(parser.get_event(), (), 0)  # event was DocumentStart
    parser.get_event()  # DocumentEnd
    event = parser.get_event()
    if type(event) is yaml.DocumentStartEvent:
        mark = event.start_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise LoadError(
            [
                Problem(
                    Span(file, line, col),
                    "YAML syntax: the "
                    "file holds more than one YAML document (a second '---'); "
                    "keep one",
                    "yaml",
                )
            ]
        )
    return value


def _reader_problem(exc: yaml.reader.ReaderError, file: str, text: str) -> Problem:
    """A character YAML refuses (a control character pasted from a terminal, say)."""
    before = text[: max(exc.position, 0)]
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return Problem(
        Span(file, line, col),
        f"the file holds the control character U+{char:04X}, which YAML does not allow; remove it",
        "yaml",
    )


def _long_key(line: str) -> tuple[int, int] | None:
    """Where a key longer than :data:`MAX_KEY` starts on ``line`` (libyaml only says it found
    no ':'), and its length; None if the line has no such key."""
    if len(line) <= MAX_KEY:
        return None
    body = line.lstrip(" ")
    start = len(line) - len(body)
    if body.startswith("- "):
        rest = body[2:].lstrip(" ")
        start += len(body) - len(rest)
        body = rest
    if body[:1] in ("'", '"'):
        end = body.find(body[0], 1)
        length = end - 1 if end > 0 else -1
    else:
        end = body.find(": ")
        end = end if end >= 0 else (len(body) - 1 if body.endswith(":") else -1)
        length = end
    if length <= MAX_KEY or " #" in body[: max(length, 0)]:
        return None
    return start + 1, length


def _syntax_problem(exc: yaml.MarkedYAMLError, file: str, text: str) -> Problem:
    """libyaml's messages describe the parser's state; say what the author should change."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = exc.problem or "invalid YAML"
    context = exc.context or ""
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    long_key = _long_key(here)
    if long_key is not None:
        col, length = long_key
        message = (
            f"this key is {length:,} characters long; YAML allows keys of at most "
            f"{MAX_KEY:,} characters (a key is a short name, the text goes in its value)"
        )
    elif "expected a single document" in context + problem:
        message = "the file holds more than one YAML document (a second '---'); keep one"
    elif "tab" in problem or "\t" in here[: max(col, 1)]:
        message = "a tab character cannot indent YAML; use spaces"
    elif "end of stream" in problem and "quoted scalar" in context and exc.context_mark:
        start = exc.context_mark
        line, col = start.line + 1, start.column + 1
        message = "this quoted text is never closed; add the closing quote"
    elif "mapping values are not allowed" in problem:
        message = (
            "unexpected ':' here; a text that contains ': ' must be put in quotes "
            "(or written as a block with |)"
        )
    elif "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        closing = "]" if "]" in problem else "}"
        if exc.context_mark is not None:
            line, col = exc.context_mark.line + 1, exc.context_mark.column + 1
        message = f"this list or mapping is never closed with '{closing}'"
    elif "expected '-' indicator" in problem:
        message = (
            "this line does not fit the indentation of the list above it; check its indentation"
        )
    elif "did not find expected" in problem or "could not find expected ':'" in problem:
        message = (
            "unexpected text here; check this line's indentation, and put a text "
            "holding quotes, ': ' or ' #' in quotes"
        )
    elif "cannot start any token" in problem:
        char = here[col - 1] if 0 < col <= len(here) else "?"
        message = f"a value cannot start with {char!r}; put the text in quotes"
    else:
        message = f"{problem}" + (f" ({context})" if context else "")
    return Problem(Span(file, line, col), f"YAML syntax: {message}", "yaml")
