"""Add a lesson to a course file as text, so its comments, order and quoting stay as written.

The course file is parsed (for positions only) and the new id spliced in where the author would
type it: ``lessons: [a, b]`` becomes ``lessons: [a, b, new]``; a block list gains a ``- new``
line under its last item, with the same indentation; a section that does not exist yet is
appended after the last one, indented like the others. The result is read back by the loader
before anyone writes it.
"""

from __future__ import annotations

from typing import Any

import yaml

from engine.format.loader import parse_document
from engine.format.models import Course


class CourseEditError(ValueError):
    """The course file cannot be edited safely; the message says why."""


def _get(node: Any, key: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value
    return None


def _line_end(text: str, index: int) -> int:
    nl = text.find("\n", index)
    return len(text) if nl < 0 else nl + 1


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _append_to_list(text: str, seq: Any, lesson_id: str) -> str:
    if seq.flow_style:
        close = text.rfind("]", seq.start_mark.index, seq.end_mark.index)
        if close < 0:
            raise CourseEditError("cannot find the ']' closing the lessons list")
        sep = ", " if seq.value else ""
        return text[:close] + sep + lesson_id + text[close:]
    if not seq.value:
        raise CourseEditError("the lessons list is empty")
    last = seq.value[-1]
    first = seq.value[0]
    line_start = text.rfind("\n", 0, first.start_mark.index) + 1
    dash_col = text.index("-", line_start) - line_start
    at = _line_end(text, max(last.end_mark.index - 1, last.start_mark.index))
    prefix = "" if text[at - 1 : at] == "\n" else _newline(text)
    return text[:at] + prefix + " " * dash_col + "- " + lesson_id + _newline(text) + text[at:]


def _append_section(text: str, sections: Any, title: str, lesson_id: str) -> str:
    if sections.flow_style or not sections.value:
        raise CourseEditError("sections is written as a [...] list; add the section by hand")
    last = sections.value[-1]
    first_key = last.value[0][0] if isinstance(last, yaml.MappingNode) and last.value else None
    if first_key is None:
        raise CourseEditError("cannot read the last section")
    key_col = first_key.start_mark.column
    line_start = text.rfind("\n", 0, first_key.start_mark.index) + 1
    dash_col = text.index("-", line_start) - line_start
    nl = _newline(text)
    end = last.end_mark.index
    # the end of the last section is the start of whatever follows it; back up to its last line
    stop = len(text[:end].rstrip())
    at = _line_end(text, stop - 1) if stop else end
    quoted = title if _plain_title(title) else '"' + title.replace('"', '\\"') + '"'
    block = (
        " " * dash_col
        + "- "
        + " " * (key_col - dash_col - 2)
        + f"title: {quoted}{nl}"
        + " " * key_col
        + f"lessons: [{lesson_id}]{nl}"
    )
    prefix = "" if text[at - 1 : at] == "\n" else nl
    return str(text[:at] + prefix + block + text[at:])


def _plain_title(title: str) -> bool:
    try:
        return bool(yaml.safe_load(f"t: {title}\n") == {"t": title})
    except yaml.YAMLError:
        return False


def add_lesson(text: str, lesson_id: str, path: str, section: str | None = None) -> str:
    """``text`` (a course file) with ``lesson_id`` listed: in the section titled ``section``
    (created at the end when there is none), else at the end of the last section."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise CourseEditError(f"the course file is not valid YAML: {exc}") from None
    sections = _get(root, "sections")
    if not isinstance(sections, yaml.SequenceNode) or not sections.value:
        raise CourseEditError("the course file has no sections list")
    listed = [
        item.value
        for s in sections.value
        if isinstance(_get(s, "lessons"), yaml.SequenceNode)
        for item in _get(s, "lessons").value
        if isinstance(item, yaml.ScalarNode)
    ]
    if lesson_id in listed:
        raise CourseEditError(f"the course already lists a lesson {lesson_id!r}")
    target = sections.value[-1]
    if section is not None:
        matching = [
            s for s in sections.value if getattr(_get(s, "title"), "value", None) == section
        ]
        if not matching:
            new = _append_section(text, sections, section, lesson_id)
            return _checked(new, lesson_id, path)
        target = matching[0]
    lessons = _get(target, "lessons")
    if not isinstance(lessons, yaml.SequenceNode):
        raise CourseEditError("the section has no lessons list")
    return _checked(_append_to_list(text, lessons, lesson_id), lesson_id, path)


def _checked(new: str, lesson_id: str, path: str) -> str:
    try:
        doc, problems = parse_document(new.encode("utf-8"), path, "course")
    except Exception as exc:  # a LoadError: the edit broke the file
        raise CourseEditError(f"the edited course file would not load: {exc}") from None
    if problems or not isinstance(doc, Course) or lesson_id not in doc.lesson_ids:
        raise CourseEditError("the edited course file does not list the lesson; add it by hand")
    return new
