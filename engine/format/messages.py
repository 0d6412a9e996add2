"""Turn pydantic's validation errors into messages an author understands, at the right line."""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from engine.format import models as m
from engine.format.problems import Problem
from engine.format.spans import Path, SpanMap

_TAGS = {*m.BLOCK_KINDS, "two", "ref", "name", "rule"}
_UNION_LISTS = {"blocks", "questions", "normalize"}
"""Lists whose items are a tagged union: pydantic's error locations name the tag after the index."""


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    return type(value).__name__


def _data_path(data: Any, loc: tuple[str | int, ...], missing: bool) -> Path:
    """Map pydantic's ``loc`` (which includes union tags) onto the document's own path.

    A discriminated union inserts its tag right after the list index (``blocks, 2, code,
    timeout``); such a part is skipped, even though a block also has a key of that name.
    """
    path: list[str | int] = []
    cur = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        in_union = len(path) >= 2 and isinstance(path[-1], int) and path[-2] in _UNION_LISTS
        # a key of the document is never a tag, even one that looks like pydantic's
        # ``function-after[...]`` (a block key such as "x[2]")
        is_key = isinstance(cur, dict) and part in cur
        is_tag = isinstance(part, str) and (
            (in_union and loc[i - 1] == path[-1] and part in _TAGS) or ("[" in part and not is_key)
        )
        if is_tag:
            continue
        if (isinstance(cur, dict) and part in cur) or (
            isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)
        ):
            cur = cur[part]  # type: ignore[index]
            path.append(part)
        elif last and missing:
            path.append(part)
        else:
            break
    return tuple(path)


def _model_at(root: type[BaseModel], data: Any, path: Path) -> type[BaseModel] | None:
    """The model that validates the mapping at ``path`` (for listing its allowed keys)."""
    model: type[BaseModel] | None = root
    cur = data
    pending: str | None = None
    for part in path:
        cur = cur[part] if isinstance(cur, dict | list) else None  # type: ignore[index]
        if isinstance(part, str):
            pending = part
            model = _field_model(model, part, cur)
        elif pending is not None:
            model = _item_model(pending, cur, model)
    return model


_ITEM_MODELS: dict[str, type[BaseModel]] = {
    "choices": m.Choice,
    "sections": m.Section,
    "normalize": m.NormalizeRule,
}


def _item_model(field: str, value: Any, current: type[BaseModel] | None) -> type[BaseModel] | None:
    if field in _ITEM_MODELS:
        return _ITEM_MODELS[field]
    if field == "blocks" and isinstance(value, dict):
        kind = m._block_kind(value)
        models: dict[str, type[BaseModel]] = {
            "text": m.TextBlock,
            "note": m.NoteBlock,
            "code": m.CodeBlock,
            "graph": m.GraphBlock,
            "question": m.QuestionBlock,
            "figure": m.FigureBlock,
        }
        return models.get(kind or "")
    if field == "questions" and isinstance(value, dict):
        return m.QuestionRef if "ref" in value else m.QuestionBlock
    return current


def _field_model(model: type[BaseModel] | None, field: str, value: Any) -> type[BaseModel] | None:
    if field == "expect":
        return m.ExpectSpec
    return model


def _allowed_keys(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _field_name(path: Path) -> str | None:
    return next((p for p in reversed(path) if isinstance(p, str)), None)


def _message(err: ErrorDetails, path: Path, data: Any, root: type[BaseModel]) -> str:
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    field = _field_name(path)
    prefix = f"{field}: " if field else ""
    if kind == "missing":
        key = path[-1]
        return f"missing required key {key!r}" + _what_for(path[:-1], data)
    if kind == "extra_forbidden":
        key = str(path[-1])
        allowed = _allowed_keys(_model_at(root, data, path[:-1]))
        hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        msg = f"unknown key {key!r}"
        if hint:
            msg += f"; did you mean {hint[0]!r}?"
        elif allowed:
            msg += f" (allowed here: {', '.join(allowed)})"
        return msg
    if kind in {"string_type"}:
        msg = f"{prefix}expected text, found {_kind_of(value)}"
        if isinstance(value, bool):  # `title: on` — YAML 1.1 reads yes/no/on/off as booleans
            msg += (
                "; YAML reads a bare yes, no, on, off, true or false as true/false: "
                "to mean the word, put it in quotes"
            )
        return msg
    if kind in {"string_too_short"}:
        return f"{prefix}must not be empty"
    if kind in {"bool_type", "bool_parsing"}:
        return f"{prefix}expected true or false, found {_kind_of(value)}"
    if kind in {"float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"}:
        whole = "a whole number" if kind.startswith("int") else "a number"
        return f"{prefix}expected {whole}, found {_kind_of(value)}"
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        words = {
            "greater_than": "greater than {gt}",
            "greater_than_equal": "at least {ge}",
            "less_than": "less than {lt}",
            "less_than_equal": "at most {le}",
        }[kind]
        bounds = {k: f"{v:g}" if isinstance(v, float) else v for k, v in ctx.items()}
        msg = f"{prefix}must be {words.format(**bounds)}, found {value}"
        if field == "pass" and isinstance(value, int | float) and 1 < value <= 100:
            msg += f"; pass is a fraction of the questions: write {value / 100:g} for {value:g}%"
        return msg
    if kind == "list_type":
        if field == "hint":
            return f"hint: expected a text or a list of texts, found {_kind_of(value)}"
        msg = f"{prefix}expected a list, found {_kind_of(value)}"
        plain = isinstance(value, str) and not any(c in value for c in "\n[]{},:#")
        if field in {"lessons", "requires"} and plain and len(value) <= 60:
            msg += f"; write [{value}]"
        return msg
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        if field == "expect":
            return (
                "expect: expected a text (the whole output) or a mapping with one of "
                f"stdout, contains, matches, raises; found {_kind_of(value)}"
            )
        if field == "choices" and path and isinstance(path[-1], int):
            return _item_message("a choice", "text", value)
        if field == "sections" and path and isinstance(path[-1], int):
            return (
                "a section must be a mapping with the keys title and lessons, found "
                f"{_kind_of(value)}"
            )
        return f"{prefix}expected a mapping (key: value lines), found {_kind_of(value)}"
    if kind == "too_short":
        need = ctx.get("min_length", 1)
        what = {
            "blocks": "block",
            "choices": "choice",
            "sections": "section",
            "lessons": "lesson",
            "questions": "question",
        }.get(field or "", "item")
        plural = "s" if need != 1 else ""
        return f"{prefix}needs at least {need} {what}{plural}, found {ctx.get('actual_length', 0)}"
    if kind == "too_long":
        return f"{prefix}at most {ctx.get('max_length')} items, found {ctx.get('actual_length')}"
    if kind == "string_pattern_mismatch":
        return prefix + _pattern_message(field, value)
    if kind == "string_too_long":
        return f"{prefix}too long (at most {ctx.get('max_length')} characters)"
    if kind == "literal_error":
        return f"{prefix}must be one of {ctx.get('expected')}, found {_kind_of(value)}"
    if kind == "block_kind":
        return _kindless(value, m.BLOCK_KINDS, "a block", "text")
    if kind == "quiz_item":
        return _kindless(value, ("ref", "question"), "a quiz question", "question")
    if kind.startswith("value_error") or kind == "assertion_error":
        return f"{prefix}{err['msg']}"
    if kind == "number_not_bool":
        return f"{prefix}{err['msg']}"
    if kind in _CUSTOM:
        return str(err["msg"])
    return f"{prefix}{err['msg'][:1].lower()}{err['msg'][1:]}"


_CUSTOM = {
    "expect_keys",
    "bad_regex",
    "bad_exception",
    "empty_code",
    "code_syntax",
    "graph_name",
    "correct_count",
    "block_kinds",
    "module_name",
    "pick_count",
    "duplicate_id",
    "duplicate_ref",
    "duplicate_choice",
    "number_not_bool",
    "normalize_name",
    "normalize_item",
    "figure_path",
    "empty_alt",
    "listing_language",
}
_MOVE_TO = {
    "correct_count": "choices",
    "pick_count": "pick",
    "code_syntax": "code",  # checked on the whole block (run: false listings are not Python)
    "listing_language": "language",
}


def _pattern_message(field: str | None, value: Any) -> str:
    if field == "ref":
        return (
            "expected course/lesson#question (for example "
            f"pytorch-essentials/gradients#read-grad), found {value!r}"
        )
    if field == "language":
        msg = f"{value!r} is not a language tag such as en, pt or pt-BR"
        fixed = str(value).replace("_", "-")
        if fixed != value and re.fullmatch(m.LANGUAGE_RE, fixed):
            msg += f"; write {fixed!r}"
        return msg
    return (
        f"{value!r} is not a valid id: use lowercase letters, digits and dashes, "
        "starting with a letter or a digit"
    )


def _what_for(path: Path, data: Any) -> str:
    """Which kind of mapping lacks a key: "in this question block", "in this choice"..."""
    if len(path) < 2 or not isinstance(path[-1], int):
        return ""
    if path[-2] in {"blocks", "questions"}:
        cur = data
        for part in path:
            cur = cur[part]
        kind = m._block_kind(cur) if isinstance(cur, dict) else None
        return f" in this {kind} block" if kind in m.BLOCK_KINDS else ""
    return {"choices": " in this choice", "sections": " in this section"}.get(str(path[-2]), "")


def _item_message(what: str, key: str, value: Any) -> str:
    msg = f"{what} must be a mapping such as '- {key}: ...', found {_kind_of(value)}"
    if isinstance(value, str) and "\n" not in value and len(value) <= 60:
        msg += f"; write '- {key}: {value}'"
    return msg


def _kindless(value: Any, kinds: tuple[str, ...], what: str, usual: str) -> str:
    """A block (or quiz item) naming none of its kinds: say which keys it has, guess a typo."""
    listed = ", ".join(kinds[:-1]) + " or " + kinds[-1]
    if not isinstance(value, dict):
        return _item_message(what, usual, value)
    keys = [str(k) for k in value]
    for key in keys:
        close = difflib.get_close_matches(key, kinds, n=1, cutoff=0.6)
        if close:
            return (
                f"{what} needs one of the keys {listed}; did you mean {close[0]!r} "
                f"instead of {key!r}?"
            )
    found = ", ".join(repr(k) for k in keys) or "no keys"
    return f"{what} needs one of the keys {listed}; this one has only {found}"


def translate(
    exc: ValidationError, data: Any, spans: SpanMap, root: type[BaseModel]
) -> list[Problem]:
    """Located, author-friendly problems for every error pydantic found."""
    problems: list[Problem] = []
    found: list[tuple[ErrorDetails, Path, str]] = []
    seen: set[tuple[int, int, str]] = set()
    for err in exc.errors(include_url=False):
        missing = err["type"] == "missing"
        path = _data_path(data, tuple(err["loc"]), missing)
        if missing:
            span = spans.value(path[:-1])
        elif err["type"] == "extra_forbidden":
            span = spans.key(path)
        else:
            if err["type"] in _MOVE_TO:
                target = (*path, _MOVE_TO[err["type"]])
                if spans.has_value(target):
                    path = target
            if err["type"] == "duplicate_choice":  # point at the second of the two
                target = (*path, "choices", int((err.get("ctx") or {}).get("b", 1)) - 1)
                if spans.has_value(target):
                    path = target
            span = spans.key(path) if err["type"] == "correct_count" else spans.value(path)
            if err["type"] == "code_syntax":
                ctx = err.get("ctx") or {}
                offset = int(ctx.get("line", 1)) - 1
                span = span._replace(
                    line=span.line + offset, col=span.col + max(int(ctx.get("col", 1)) - 1, 0)
                )
        message = _message(err, path, data, root)
        key = (span.line, span.col, message)
        if key not in seen:
            seen.add(key)
            problems.append(Problem(span, message))
            found.append((err, path, message))
    return _drop_explained(problems, found)


def _drop_explained(
    problems: list[Problem], found: list[tuple[ErrorDetails, Path, str]]
) -> list[Problem]:
    """A misspelt key causes two errors: "unknown key 'titel'; did you mean 'title'?" and
    "missing required key 'title'". The first says it all; drop the second."""
    meant = {
        (path[:-1], message.rsplit("did you mean ", 1)[1].strip("'?"))
        for err, path, message in found
        if err["type"] == "extra_forbidden" and "did you mean" in message
    }
    keep: list[Problem] = []
    for problem, (err, path, _) in zip(problems, found, strict=True):
        if err["type"] == "missing" and (path[:-1], str(path[-1])) in meant:
            continue
        keep.append(problem)
    return keep
