"""Where the math is in a Markdown text: ``$...$`` inline, ``$$...$$`` on lines of its own,
and LaTeX display environments written bare (``\\begin{align}...\\end{align}``, as Jupyter's
MathJax renders them and notebooks converted from sphinx-gallery write them).

The contract's dollar rules: a ``$`` followed by a space or a digit does not open math (so
"$5" and "$ 5" stay text), ``\\$`` is a literal dollar sign, and nothing inside code (a code
span or a fenced block) is math. An inline formula closes at the next ``$`` that follows a
non-space character and is not followed by a digit, within the same paragraph; a ``$`` that
finds no such partner is text. This module only finds spans (cheap, no TeX parsing): a text
with no ``$`` and no ``\\begin{`` at all is answered at once (:func:`may_hold_math`), so prose
without math never imports the TeX renderer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True, slots=True)
class MathSpan:
    """A formula in a Markdown text: ``text[start:end]`` is the whole, dollars included;
    ``tex`` is what is between them, starting at offset ``tex_start``."""

    start: int
    end: int
    tex: str
    tex_start: int
    display: bool


DISPLAY_ENVIRONMENTS = (
    "align",
    "alignat",
    "aligned",
    "displaymath",
    "eqnarray",
    "equation",
    "flalign",
    "gather",
    "multline",
)
"""LaTeX environments that are display math on their own (starred forms too), outside dollars."""

_BARE_BEGIN = re.compile(r"\\begin\{(" + "|".join(DISPLAY_ENVIRONMENTS) + r")(\*?)\}")


def may_hold_math(text: str) -> bool:
    """The cheap test before :func:`find_math`: a ``$`` or a ``\\begin{``."""
    return "$" in text or "\\begin{" in text


def has_math(text: str) -> bool:
    """Quick test: could this text hold math at all?"""
    return may_hold_math(text) and bool(find_math(text))


def find_math(text: str) -> list[MathSpan]:
    """Every formula of ``text``, in order."""
    if not may_hold_math(text):
        return []
    code = _code_ranges(text)
    spans = _dollar_spans(text, code) if "$" in text else []
    if "\\begin{" in text:
        spans = sorted([*spans, *_bare_environments(text, code, spans)], key=lambda s: s.start)
    return spans


def digit_dollar_formulas(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds ``$5 \\cdot 8$`` or ``$60 + 12 = 72$``: TeX or a sum between two
    dollars whose first is followed by a digit. The dollar rules make that first ``$`` a dollar
    sign, so it is not math and shows as written; ``lectio validate`` says how to write it
    (``${5 \\cdot 8}$``). (start, end) of each, the dollars included."""
    if not re.search(r"\$\d", text):
        return []
    code = _code_ranges(text)
    found: list[tuple[int, int]] = []
    masked, at = text, 0
    while (hit := _digit_dollar_formula(masked, at, code)) is not None:
        # the formula's closing $ would open a formula of its own ("$1 + 2 = 3$, $4^2$"):
        # the rest of the line is read again with this one blanked out
        found.append(hit)
        masked = masked[: hit[0]] + "x" * (hit[1] - hit[0]) + masked[hit[1] :]
        at = hit[1]
    return found


def _digit_dollar_formula(
    text: str, at: int, code: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The first of :func:`digit_dollar_formulas` from ``at`` on."""
    taken = sorted([(s.start, s.end) for s in find_math(text)] + code)
    for match in re.compile(r"\$(?=\d)").finditer(text, at):
        j = match.start()
        if _inside(taken, j) is not None or _escaped(text, j) or text.startswith("$$", j - 1):
            continue
        close = _inline_close(text, j + 1, code)
        if close is None:
            continue
        body = text[j + 1 : close]
        arithmetic = re.fullmatch(r"[\d\s+\-*/=().,^_{}]+", body) and re.search(r"[=^_]", body)
        if arithmetic or re.search(r"\\[A-Za-z]+", body):
            return (j, close + 1)
    return None


def _bare_environments(
    text: str, code: list[tuple[int, int]], dollars: list[MathSpan]
) -> list[MathSpan]:
    """``\\begin{align}...\\end{align}`` and the like outside code and outside dollars: the
    whole environment is the formula (its TeX keeps the environment, which aligns rows)."""
    taken = sorted([(s.start, s.end) for s in dollars] + code)
    found: list[MathSpan] = []
    at = 0
    while True:
        match = _BARE_BEGIN.search(text, at)
        if match is None:
            return found
        if _inside(taken, match.start()) is not None or _escaped(text, match.start()):
            at = match.end()
            continue
        end_tag = f"\\end{{{match.group(1)}{match.group(2)}}}"
        close = text.find(end_tag, match.end())
        if close < 0:
            return found
        end = close + len(end_tag)
        found.append(MathSpan(match.start(), end, text[match.start() : end], match.start(), True))
        at = end


def _dollar_spans(text: str, code: list[tuple[int, int]]) -> list[MathSpan]:
    spans: list[MathSpan] = []
    i, n = 0, len(text)
    while i < n:
        j = text.find("$", i)
        if j < 0:
            break
        skip = _inside(code, j)
        if skip is not None:
            i = skip
            continue
        if _escaped(text, j):
            i = j + 1
            continue
        if text.startswith("$$", j):
            close = _find_unescaped(text, "$$", j + 2, code)
            if close is None:
                i = j + 2
                continue
            spans.append(MathSpan(j, close + 2, text[j + 2 : close], j + 2, True))
            i = close + 2
            continue
        nxt = text[j + 1 : j + 2]
        if not nxt or nxt.isspace() or nxt.isdigit():
            i = j + 1
            continue
        close = _inline_close(text, j + 1, code)
        if close is None:
            i = j + 1
            continue
        spans.append(MathSpan(j, close + 1, text[j + 1 : close], j + 1, False))
        i = close + 1
    return spans


def _escaped(text: str, at: int) -> bool:
    backslashes = 0
    k = at - 1
    while k >= 0 and text[k] == "\\":
        backslashes += 1
        k -= 1
    return backslashes % 2 == 1


def _find_unescaped(text: str, what: str, start: int, code: list[tuple[int, int]]) -> int | None:
    k = start
    while True:
        k = text.find(what, k)
        if k < 0:
            return None
        if _inside(code, k) is None and not _escaped(text, k):
            return k
        k += 1


def _inline_close(text: str, start: int, code: list[tuple[int, int]]) -> int | None:
    k = start
    while True:
        k = text.find("$", k)
        if k < 0:
            return None
        if "\n\n" in text[start:k] or re.search(r"\n[ \t]*\n", text[start:k]):
            return None  # a formula does not cross a paragraph
        if _inside(code, k) is not None:
            return None
        if _escaped(text, k):
            k += 1
            continue
        if text.startswith("$$", k):
            return None
        before, after = text[k - 1], text[k + 1 : k + 2]
        if not before.isspace() and not after.isdigit():
            return k
        k += 1


def _code_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of fenced code blocks and inline code spans (never math)."""
    ranges: list[tuple[int, int]] = []
    offset = 0
    fence: str | None = None
    fence_start = 0
    for line in text.splitlines(keepends=True):
        match = _FENCE.match(line)
        if fence is None and match:
            fence, fence_start = match.group(1), offset
        elif (
            fence is not None
            and match
            and match.group(1)[0] == fence[0]
            and len(match.group(1)) >= len(fence)
            and not line[match.end() :].strip()
        ):
            ranges.append((fence_start, offset + len(line)))
            fence = None
        offset += len(line)
    if fence is not None:
        ranges.append((fence_start, len(text)))
    for match in re.finditer(r"(?<!`)(`+)(?!`)", text):
        if _inside(ranges, match.start()) is not None:
            continue
        ticks = match.group(1)
        close = re.compile(rf"(?<!`){ticks}(?!`)").search(text, match.end())
        if close is not None and _inside(ranges, close.start()) is None:
            ranges.append((match.start(), close.end()))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for start, end in ranges:  # a backtick inside a span found first is not a new span
        if merged and start < merged[-1][1]:
            continue
        merged.append((start, end))
    return merged


def _inside(ranges: list[tuple[int, int]], at: int) -> int | None:
    """The end of the code range holding ``at``, if any."""
    for start, end in ranges:
        if start <= at < end:
            return end
        if start > at:
            break
    return None


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>|#~])")


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that shows exactly these characters."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


MATH_FENCE = "lectio-math"
"""The info string of the fenced block a display formula becomes in rewritten Markdown."""


def rewrite(text: str, render: Callable[[str, bool], str]) -> str:
    """``text`` with every formula replaced by ``render(tex, display)``: inline formulas as
    escaped text, display formulas as a fenced block of their own (``lectio-math``) so that
    aligned rows keep their columns. Text without math is returned as it is."""
    spans = find_math(text)
    if not spans:
        return text
    out: list[str] = []
    at = 0
    for span in spans:
        out.append(text[at : span.start])
        rendered = render(span.tex, span.display)
        if span.display:
            line_start = text.rfind("\n", 0, span.start) + 1
            indent = text[line_start : span.start]
            indent = indent if not indent.strip() else ""
            lead = "" if not out[-1] or out[-1].endswith("\n") else "\n"
            body = "\n".join(indent + line for line in rendered.splitlines() or [""])
            out.append(f"{lead}\n{indent}```{MATH_FENCE}\n{body}\n{indent}```\n")
            at = span.end
            if text[at : at + 1] == "\n":
                at += 1
        else:
            out.append(escape_markdown(rendered))
            at = span.end
    out.append(text[at:])
    return "".join(out)
