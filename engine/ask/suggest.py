"""Suggested questions for what the learner is looking at ("Why did this fail?", ...).

Each suggestion is a message of the catalog (so it is in the learner's language) and the text
the learner would have typed: picking one asks it like any other question.
"""

from __future__ import annotations

import keyword
import re

from engine.ask.context import AskContext
from engine.i18n import t

CALL_RE = re.compile(r"(?<![\w.])([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\(")
NAME_RE = re.compile(r"`([A-Za-z_][A-Za-z0-9_.]*)`|([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_]\w*)+)")
COMMON = {"print", "len", "range", "str", "int", "float", "list", "dict", "tuple", "set"}


def called_names(code: str, limit: int = 2) -> list[str]:
    """The names a cell calls, most specific first (``torch.nn.Linear``, ``loss.backward``),
    without Python's own everyday builtins; at most ``limit``."""
    seen: dict[str, None] = {}
    for match in CALL_RE.finditer(code):
        name = match.group(1)
        if name in COMMON or keyword.iskeyword(name):
            continue
        seen.setdefault(name, None)
    dotted = [n for n in seen if "." in n]
    plain = [n for n in seen if "." not in n]
    return (dotted + plain)[:limit]


def names_in(question: str, code: str = "") -> list[str]:
    """Names a question is about: in backticks, dotted names, or words that are names the
    cell's code uses."""
    found: dict[str, None] = {}
    for match in NAME_RE.finditer(question):
        found.setdefault((match.group(1) or match.group(2)).strip("."), None)
    if not found and code:
        used = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", code)) - COMMON
        for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", question):
            if word in used and not keyword.iskeyword(word) and len(word) > 2:
                found.setdefault(word, None)
    return list(found)[:3]


def suggestions(ctx: AskContext, lang: str | None) -> list[str]:
    """Questions worth asking about this block, the most useful first."""
    found: list[str] = []
    if ctx.kind == "code":
        if ctx.failed:
            found.append(t("Why did this fail?", lang))
        for name in called_names(ctx.code):
            found.append(t("What does `{name}` do?", lang, name=name))
        found.append(t("Explain this step", lang))
    elif ctx.kind == "question":
        found.append(t("What is this question asking?", lang))
        if not ctx.solved:
            found.append(t("Give me a hint without the answer", lang))
        else:
            found.append(t("Why is this the right answer?", lang))
    elif ctx.kind in ("text", "note", "figure", "graph"):
        found.append(t("Explain this in simpler words", lang))
        found.append(t("Give me an example", lang))
    else:
        found.append(t("What did this chapter teach?", lang))
    return found
