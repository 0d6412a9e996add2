"""``normalize``: a cell's output rewritten before ``expect`` compares it (the contract).

Rewrites apply in order: the course's, the lesson's, then the cell's (a lesson loaded with its
course carries the course's first). The named ones are lectio's own patterns, linear, run here:
``addresses`` (``0x7f3a...`` becomes ``0x...``) and ``ansi`` (escape codes removed). An
author's ``{pattern, replace}`` is untrusted (a pattern can backtrack for ever), so it runs in
a throwaway interpreter under a deadline (:meth:`Kernel.rewrite`), like ``matches``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from engine.execution.results import CellResult, Normalized
from engine.format.models import NormalizeRule

ADDRESSES = re.compile(r"0x[0-9A-Fa-f]{4,}")
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_NAMED = {"addresses": (ADDRESSES, "0x..."), "ansi": (ANSI, "")}


def describe(rule: str | NormalizeRule) -> str:
    """How a rewrite is named in a message: ``addresses``, ``/took \\d+ s/ -> 'took N s'``."""
    if isinstance(rule, str):
        return rule
    return f"/{rule.pattern}/ -> {rule.replace!r}"


def apply(
    result: CellResult, rules: Sequence[str | NormalizeRule], kernel: Any | None
) -> CellResult:
    """``result`` with :attr:`CellResult.normalized` set (unchanged when there are no rules)."""
    if not rules:
        return result
    texts = [result.shown]
    alone = result.shown_alone
    if alone is not None:
        texts.append(alone)
    if result.err is not None:
        texts.append(result.err)
    error = ""
    pending: list[tuple[str, str]] = []  # author patterns, sent together to the kernel

    def flush() -> None:
        nonlocal texts, error, pending
        if not pending:
            return
        rewrite = getattr(kernel, "rewrite", None)
        if rewrite is None:
            done: list[str] | str = "no kernel to run the pattern in"
        else:
            done = rewrite(pending, texts)
        if isinstance(done, str):
            error = error or f"normalize: the pattern could not be applied: {done}"
        else:
            texts = done
        pending = []

    for rule in rules:
        if isinstance(rule, str):
            flush()
            pattern, replacement = _NAMED[rule]
            texts = [pattern.sub(replacement, text) for text in texts]
        else:
            pending.append((rule.pattern, rule.replace))
    flush()
    shown, rest = texts[0], texts[1:]
    out = rest.pop(0) if alone is not None else None
    err = rest.pop(0) if result.err is not None else None
    normalized = Normalized(shown, out, err, tuple(describe(r) for r in rules), error)
    return replace(result, normalized=normalized)
