"""TeX math as readable Unicode text: ``\\frac{\\partial y}{\\partial x}`` becomes ``∂y/∂x``.

The TeX is parsed by pylatexenc's :class:`LatexWalker` (a kept library, imported only when a
text holds math: about 25 ms), and its symbol table (``latex2text``'s macro specs: Greek,
operators, arrows, ``\\mathbb``...) names what each command stands for. What pylatexenc's own
``LatexNodes2Text`` does not do well for reading is done here, on its parse tree: sub- and
superscripts (below), fractions with the parentheses their precedence needs (``(a+b)/c``, not
``a+b/c``), ``\\sqrt`` with brackets unless its radicand is a number or one letter (``√n``,
``√dₖ``, ``√(2πσ²)``), ``\\left``/``\\right``, ``\\text``, font switches (``\\mathbf``,
``{\\bf x}``) as Unicode math letters, accents as combining marks, and matrices (``pmatrix``,
``bmatrix``, ``array``, ``cases``...) as aligned rows of text between drawn brackets in a
display formula, or as ``[a, b; c, d]`` inline. The script and letter tables are computed from
the Unicode character names (``SUPERSCRIPT TWO``, ``MATHEMATICAL BOLD SMALL X``), not typed by
hand.

Scripts. A sub- or superscript is set in Unicode script characters when every character of it
has one and it holds no word (``x²``, ``xᵢ``, ``hₜ₋₁``, ``𝐖⁽ˡ⁾``, ``Xᵀ``); otherwise it is
written after ``_`` or ``^``, in parentheses when it is longer than one character (``x_q``,
``p_θ``, ``e^(−x/2)``, ``W_(out)``). A word is text of two or more letters from ``\\text``,
``\\mathrm``, ``\\operatorname`` or an operator (``\\max``): ``W_{\\text{out}}`` reads
``W_(out)``, not ``Wₒᵤₜ``. A script is never part Unicode, part plain, and neither is a base's
pair of them: ``a_{i,j}^{(k)}`` is ``a_(i,j)^(k)`` and ``\\sum_{k=0}^{\\infty}`` is ``∑_(k=0)^∞``
(``a_(i,j)⁽ᵏ⁾`` would read as a script of the subscript). Within one formula the scripts of two
or more letters are either all in Unicode or all written out: PyTorch's LSTM gates
``W_{ii}``... ``W_{if}`` (no subscript f) read ``W_(ii)``... ``W_(if)``, not ``Wᵢᵢ`` beside
``W_(if)``. Letters with no script form include the subscripts b c d f g q w y z and all
capitals, the superscript q and capitals C F Q S X Y Z, and most Greek letters.

Spacing. Spaces written in TeX math mean nothing to TeX; here one written space between two
terms is kept as one cell (``a + b``), and none at a formula's ends or just inside a bracket
or a pair of bars (``\\left| x \\right|`` is ``|x|``, ``| x - y |`` is ``|x − y|``; a lone bar,
``p(x | y)``, keeps its spaces). A spacing command is as wide as TeX makes it, at about half an
em a cell (:data:`MU_PER_CELL`): ``\\,`` ``\\:`` ``\\;`` ``\\ `` ``~`` ``\\enspace`` and the
named thin, medium and thick spaces are one cell, ``\\quad`` two, ``\\qquad`` four, ``\\!`` and
the other negative spaces none; ``\\hspace``, ``\\kern``, ``\\hskip``, ``\\mskip``,
``\\mspace`` and ``\\phantom`` by their width (at most :data:`MAX_GAP` cells). The spaces written
beside a spacing command add nothing: ``a \\quad b`` is two cells, ``\\int f \\, dx`` one.

Rows. A display's ``\\\\`` rows (``aligned``, ``align``, ``gather``..., or bare) line up at
their ``&``: columns right, left, right, left..., with four cells between equations set side by
side; ``gather`` rows and bare rows without ``&`` are centred. Inline the rows read
``a = b; c = d``, and equations side by side ``x = 1, y = 2``.

:func:`to_unicode` never raises for a formula it can parse; :func:`problems` lists what it
could not render (a syntax error, an unknown command), with the offset in the TeX, for
``lectio validate``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

MAX_TEX = 20_000
"""Characters of one formula that are parsed; beyond that it is shown as written."""


class TexError(ValueError):
    """TeX that cannot be rendered, at ``offset`` (0-based) within the formula."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Box:
    """Rendered math: one or more rows of text, ``base`` the row that lines up with the text
    around it (the middle row of a matrix)."""

    lines: tuple[str, ...]
    base: int = 0

    @property
    def width(self) -> int:
        return max((text_width(line) for line in self.lines), default=0)

    @property
    def flat(self) -> bool:
        return len(self.lines) == 1

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines)


def text_width(text: str) -> int:
    """Columns a line takes: combining marks (the hat of ``ŷ``) take none."""
    return sum(0 if unicodedata.combining(c) else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - text_width(text))


def hcat(boxes: list[Box]) -> Box:
    """Boxes side by side, their base rows on one line."""
    boxes = [b for b in boxes if b.lines != ("",)]
    if not boxes:
        return Box(("",))
    if all(b.flat for b in boxes):
        return Box(("".join(b.lines[0] for b in boxes),))
    above = max(b.base for b in boxes)
    below = max(len(b.lines) - 1 - b.base for b in boxes)
    rows = ["" for _ in range(above + below + 1)]
    for b in boxes:
        width = b.width
        top = above - b.base
        for i in range(len(rows)):
            j = i - top
            rows[i] += _pad(b.lines[j] if 0 <= j < len(b.lines) else "", width)
    return Box(tuple(rows), above)


def flat(text: str) -> Box:
    return Box((text,))


MU_PER_CELL = 9
"""TeX's math units (18 to the em) a terminal cell stands for: a cell is about half an em."""
MAX_GAP = 8
"""The most cells one space takes, however wide the TeX asks (``\\hspace{10cm}``)."""


@dataclass(frozen=True)
class Gap(Box):
    """A space between atoms: ``written`` in the source (TeX ignores it; kept as one cell
    between terms, dropped where a spacing command or a delimiter decides), or asked for by a
    spacing command, ``mu`` math units wide (negative for ``\\!``). Consecutive gaps become one
    space when a list of atoms is done (:func:`_settle`)."""

    mu: int = 0
    written: bool = True


def _gap(mu: int = 0, *, written: bool = False) -> Gap:
    return Gap((" " * (1 if written else _cells(mu)),), 0, mu, written)


def _written() -> Gap:
    return _gap(written=True)


def _empty(box: Box) -> bool:
    """A box that shows nothing and is no space (a gap of no width still joins its run)."""
    return box.lines == ("",) and not isinstance(box, Gap)


def _is_written(box: Box) -> bool:
    return isinstance(box, Gap) and box.written


def _cells(mu: int) -> int:
    """Cells for ``mu`` math units: none for a negative or no space, else at least one."""
    return 0 if mu <= 0 else min(MAX_GAP, max(1, int(mu / MU_PER_CELL + 0.5)))


def _settle(out: list[Box]) -> list[Box]:
    """``out`` with each run of gaps made one space: the spacing commands' width if the run
    has any (the written spaces beside them add nothing, as in TeX), else one cell; a run of
    written spaces only at either end goes (TeX ignores them)."""
    out = [box for box in out if not _empty(box)]
    settled: list[Box] = []
    k = 0
    while k < len(out):
        if not isinstance(out[k], Gap):
            settled.append(out[k])
            k += 1
            continue
        run: list[Gap] = []
        while k < len(out) and isinstance(box := out[k], Gap):
            run.append(box)
            k += 1
        asked = [gap.mu for gap in run if not gap.written]
        if not asked and (not settled or k == len(out)):
            continue
        cells = _cells(sum(asked)) if asked else 1
        if cells:
            settled.append(flat(" " * cells))
    return settled


@dataclass(frozen=True)
class Bar(Box):
    """An ordinary bar (``|``, ``\\vert``, ``\\|``): ``side`` says whether it opens or closes
    a pair (``\\lvert``, ``\\rvert``) or may do either (a pair is found by :func:`_pair_bars`)."""

    side: str = "either"


def _pair_bars(out: list[Box]) -> list[Box]:
    """``out`` without the written spaces just inside each pair of bars (``| x |`` is |x|).
    Two bars pair when what is between them is balanced (``|a| + |b|``); a bar left alone,
    or bars around an unbalanced part (``P(A | B) = P(B | A)``), keep their spaces."""
    if sum(isinstance(b, Bar) for b in out) < 2:
        return out
    open_bars: list[tuple[int, int]] = []  # (index of a bar that may open a pair, its depth)
    depth = 0
    drop: set[int] = set()
    for k, box in enumerate(out):
        if isinstance(box, Bar):
            top = open_bars[-1] if open_bars else None
            if (
                box.side != "open"
                and top is not None
                and top[1] == depth
                and out[top[0]].lines == box.lines
            ):
                open_bars.pop()
                j = top[0] + 1
                while j < k and _is_written(out[j]):
                    drop.add(j)
                    j += 1
                j = k - 1
                while j > top[0] and _is_written(out[j]):
                    drop.add(j)
                    j -= 1
            elif box.side != "close":
                open_bars.append((k, depth))
            continue
        text = box.lines[0] if box.flat else ""
        if text in _OPENERS:
            depth += 1
        elif text in _CLOSERS:
            depth -= 1
            open_bars = [bar for bar in open_bars if bar[1] <= depth]
    return [box for k, box in enumerate(out) if k not in drop]


# -- tables computed from Unicode names ------------------------------------------------------


def _names(start: int, stop: int) -> list[tuple[str, str]]:
    return [(chr(cp), unicodedata.name(chr(cp), "")) for cp in range(start, stop)]


def _lookup(*names: str) -> str | None:
    for name in names:
        try:
            return unicodedata.lookup(name)
        except KeyError:
            continue
    return None


@cache
def _scripts() -> tuple[dict[str, str], dict[str, str]]:
    """Superscript and subscript forms of the characters that have one."""
    sup: dict[str, str] = {}
    sub: dict[str, str] = {}
    ranges = [
        (0x00A0, 0x00C0),
        (0x02B0, 0x0300),
        (0x1D00, 0x1DC0),
        (0x2070, 0x20A0),
        (0x2C7C, 0x2C7E),
    ]
    for start, stop in ranges:
        for char, name in _names(start, stop):
            for marker, table in (
                ("SUPERSCRIPT ", sup),
                ("MODIFIER LETTER ", sup),
                ("SUBSCRIPT ", sub),
                ("LATIN SUBSCRIPT ", sub),
                ("GREEK SUBSCRIPT ", sub),
            ):
                if not name.startswith(marker):
                    continue
                rest = name.removeprefix(marker)
                if marker == "MODIFIER LETTER ":
                    if not rest.startswith(("SMALL ", "CAPITAL ")):
                        break
                    case, _, letter = rest.partition(" ")
                    letter = letter.removeprefix("GREEK ")
                    base = _lookup(f"LATIN {case} LETTER {letter}", f"GREEK {case} LETTER {letter}")
                else:
                    base = _lookup(
                        rest,
                        f"DIGIT {rest}",
                        f"LATIN {rest}",
                        f"GREEK {rest}",
                        f"{rest} SIGN",
                        rest.replace("SMALL LETTER", "SMALL LETTER"),
                    )
                if base is not None and len(base) == 1 and base not in table:
                    table[base] = char
                break
    for table in (sup, sub):
        if "−" in table:
            table["-"] = table["−"]
    sup.setdefault("⊤", "ᵀ")  # X^\top: the transpose, as it is usually printed
    sup["'"] = "′"
    sup["′"] = "′"
    sup["∗"] = sup["*"] = "*"
    return sup, sub


_STYLES = {
    "bold": ("MATHEMATICAL BOLD",),
    "blackboard": ("MATHEMATICAL DOUBLE-STRUCK", "DOUBLE-STRUCK"),
    "script": ("MATHEMATICAL SCRIPT", "SCRIPT"),
    "fraktur": ("MATHEMATICAL FRAKTUR", "BLACK-LETTER"),
    "sans": ("MATHEMATICAL SANS-SERIF",),
    "mono": ("MATHEMATICAL MONOSPACE",),
    "italic": (),
    "roman": (),
}


@cache
def _styled(style: str, char: str) -> str:
    """``char`` in a math alphabet (``𝐱`` for bold x), or itself when Unicode has none."""
    prefixes = _STYLES.get(style, ())
    name = unicodedata.name(char, "")
    for kind in ("LATIN ", "GREEK "):
        if name.startswith(kind) and " LETTER " in name:
            case, _, letter = name.removeprefix(kind).partition(" LETTER ")
            found = _lookup(*(f"{p} {case} {letter}" for p in prefixes))
            return found or char
    if name.startswith("DIGIT "):
        found = _lookup(*(f"{p} {name}" for p in prefixes))
        return found or char
    if name in {"NABLA", "PARTIAL DIFFERENTIAL"}:
        return _lookup(*(f"{p} {name}" for p in prefixes)) or char
    return char


def styled(style: str, text: str) -> str:
    return "".join(_styled(style, c) for c in text)


# -- pylatexenc, loaded on first use -------------------------------------------------------


@dataclass
class _Lib:
    walker: Any
    error: type[Exception]
    context: Any
    specs: Any
    l2t: Any
    nodes: Any


@cache
def _lib() -> _Lib:
    from pylatexenc import latex2text, latexwalker, macrospec

    context = latexwalker.get_default_latex_context_db()
    extra = [
        macrospec.MacroSpec(name, "{{")
        for name in (
            "tfrac",
            "dfrac",
            "cfrac",
            "binom",
            "tbinom",
            "dbinom",
            "overset",
            "underset",
            "stackrel",
            "textcolor",
        )
    ]
    extra += [
        macrospec.MacroSpec(name, "{")
        for name in (
            "mathop",
            "color",
            "xrightarrow",
            "underbrace",
            "overbrace",
            "boldsymbol",
            "bm",
            "mathsf",
            "mathtt",
            "mathfrak",
            "mathscr",
            "textbf",
            "textit",
            "texttt",
            "textrm",
            "mathrm",
            "mathit",
            "overline",
            "underline",
            "widehat",
            "widetilde",
            "overrightarrow",
            "boxed",
            "mbox",
            "tag",
            "eqref",
            "ref",
            "pmod",
            "cases",  # plain TeX's \cases{1 & x > 0 \cr 0 & x \le 0}
            "pmatrix",  # plain TeX's \pmatrix{a & b \cr c & d}
            "mspace",
            "phantom",
            "hphantom",
            "vphantom",
        )
    ]
    extra.append(macrospec.MacroSpec("operatorname", "*{"))  # \\operatorname*{argmin}
    context.add_context_category("lectio-math", macros=extra, prepend=True)
    environments = [
        macrospec.EnvironmentSpec(name, "")
        for name in (*_MATRICES, *_ALIGNED, "cases", "dcases", "smallmatrix")
    ]
    environments.append(macrospec.EnvironmentSpec("array", "{"))
    context.add_context_category("lectio-envs", environments=environments, prepend=True)
    specs = latex2text.get_default_latex_context_db()
    l2t = latex2text.LatexNodes2Text(math_mode="text", strict_latex_spaces=False)
    return _Lib(
        latexwalker.LatexWalker,
        latexwalker.LatexWalkerParseError,
        context,
        specs,
        l2t,
        latexwalker,
    )


_MATRICES = {
    "pmatrix": ("(", ")", "⎛⎜⎝", "⎞⎟⎠"),
    "bmatrix": ("[", "]", "⎡⎢⎣", "⎤⎥⎦"),
    "Bmatrix": ("{", "}", "⎧⎨⎩", "⎫⎬⎭"),
    "vmatrix": ("|", "|", "│││", "│││"),
    "Vmatrix": ("‖", "‖", "‖‖‖", "‖‖‖"),
    "matrix": ("", "", "", ""),
    "smallmatrix": ("", "", "", ""),
    "array": ("", "", "", ""),
}
_ALIGNED = (
    "aligned",
    "align",
    "align*",
    "split",
    "gather",
    "gather*",
    "gathered",
    "eqnarray",
    "eqnarray*",
    "equation",
    "equation*",
    "multline",
    "alignat",
)
_FRACTIONS = {"frac", "tfrac", "dfrac", "cfrac"}
_BINOMS = {"binom", "tbinom", "dbinom"}
_TEXT = {"text", "textrm", "textit", "textbf", "texttt", "mbox", "textnormal", "mathrm"}
_FONTS = {
    "mathbf": "bold",
    "boldsymbol": "bold",
    "bm": "bold",
    "textbf": "bold",
    "mathbb": "blackboard",
    "mathcal": "script",
    "mathscr": "script",
    "mathfrak": "fraktur",
    "mathsf": "sans",
    "mathtt": "mono",
    "texttt": "mono",
    "mathit": "italic",
    "textit": "italic",
    "mathrm": "roman",
    "operatorname": "roman",
}
_SWITCHES = {
    "bf": "bold",
    "bfseries": "bold",
    "boldmath": "bold",
    "it": "italic",
    "rm": "roman",
    "cal": "script",
    "sf": "sans",
    "tt": "mono",
}
_ACCENTS = {
    "hat": "\u0302",
    "widehat": "\u0302",
    "vec": "\u20d7",
    "overrightarrow": "\u20d7",
    "bar": "\u0305",
    "overline": "\u0305",
    "underline": "\u0332",
    "tilde": "\u0303",
    "widetilde": "\u0303",
    "dot": "\u0307",
    "ddot": "\u0308",
    "check": "\u030c",
    "breve": "\u0306",
    "acute": "\u0301",
    "grave": "\u0300",
}
_WIDE_ACCENTS = {"widehat": "hat", "widetilde": "tilde", "overrightarrow": "vec"}
"""Over several letters an accent is written as a function of them, by its short name."""
_DELIMITER_SIZES = {
    "left",
    "right",
    "middle",
    *(f"{size}{side}" for size in ("big", "Big", "bigg", "Bigg") for side in ("", "l", "r", "m")),
}
_IGNORED = {
    "vphantom",
    "displaystyle",
    "textstyle",
    "scriptstyle",
    "scriptscriptstyle",
    "limits",
    "nolimits",
    "nonumber",
    "notag",
    "hline",
    "label",
    "mathstrut",
    "strut",
}
_SPACES = {
    ",": 3,
    "thinspace": 3,
    ":": 4,
    ">": 4,
    "medspace": 4,
    ";": 5,
    "thickspace": 5,
    "!": -3,
    "negthinspace": -3,
    "negmedspace": -4,
    "negthickspace": -5,
    " ": 6,
    "space": 6,
    "nobreakspace": 6,
    "enspace": 9,
    "enskip": 9,
    "quad": 18,
    "qquad": 36,
}
"""Spacing commands and their width in math units (18 to the em): ``\\,`` is 3."""
_SKIPS = {"kern", "mkern", "hskip", "mskip"}
"""Spacing commands whose width follows unbraced (``\\kern 3pt``, ``\\hskip 1em plus 1fil``)."""
_MU_PER = {
    "mu": 1.0,
    "em": 18.0,
    "ex": 7.75,
    "pt": 1.8,
    "bp": 1.8,
    "px": 1.8,
    "dd": 1.92,
    "pc": 21.6,
    "mm": 5.12,
    "cc": 23.1,
    "cm": 51.2,
    "in": 130.1,
    "sp": 0.0,
}
"""Math units in one of each TeX unit, at 10 pt to the em."""
_DIMENSION = re.compile(
    r"\s*([+-]?)\s*(\d*\.?\d+)\s*(" + "|".join(_MU_PER) + r")"
    r"(?:\s*plus\s*[+-]?\d*\.?\d+\s*(?:fil+|[a-z]{2}))?"
    r"(?:\s*minus\s*[+-]?\d*\.?\d+\s*(?:fil+|[a-z]{2}))?"
)


def _mu(match: re.Match[str]) -> int:
    """Math units of a matched :data:`_DIMENSION` (its stretch ignored)."""
    sign, number, unit = match.group(1), match.group(2), match.group(3)
    return round((-1 if sign == "-" else 1) * float(number) * _MU_PER[unit])


_BARS = {"vert": ("|", "either"), "lvert": ("|", "open"), "rvert": ("|", "close")}
_BARS |= {"|": ("‖", "either"), "Vert": ("‖", "either")}
_BARS |= {"lVert": ("‖", "open"), "rVert": ("‖", "close")}
"""Bars set as ordinary symbols (``\\mid`` is the relation, spaced), and the side they take."""
_OPENERS = set("([{⟨⌊⌈")
_CLOSERS = set(")]}⟩⌋⌉")
_OPERATOR_NAMES = {
    "Pr",
    "det",
    "arg",
    "deg",
    "gcd",
    "hom",
    "ker",
    "dim",
    "sup",
    "inf",
    "liminf",
    "limsup",
    "lg",
    "sgn",
    "tr",
    "rank",
    "diag",
    "argmax",
    "argmin",
    "erf",
    "Var",
    "Cov",
}
"""Operator names set upright, as written, that pylatexenc's table lacks."""
_KNOWN_EXTRA = {
    "Re": "ℜ",
    "Im": "ℑ",
    "prime": "′",
    "iff": "⟺",
    "implies": "⟹",
    "impliedby": "⟸",
    "bmod": "mod",
}
_CLOSING = set(")]}.,;:!?")
_OPERATORS = set(" +-−=<>≤≥≠≈±∓·×÷/,;:∈∉⊂⊆→←↔⇒⇔∧∨∘")


_PREFIX = set("∂∇∑∏∫∮√∛∜¬∀∃∄∞′")


def _spaced(text: str) -> bool:
    """Whether a command's output keeps the space written after it: an operator name
    (``\\log x``) or a binary or relation symbol (``a \\times b``), not an ordinary symbol
    (``\\partial y`` is ∂y, ``\\alpha x`` is αx, as TeX sets them)."""
    if len(text) > 1:
        return text.isalpha()
    if text in _PREFIX:
        return False
    return text in "·∙•⋅" or (bool(text) and unicodedata.category(text) == "Sm")


def _needs_parens(text: str) -> bool:
    """Whether ``text`` must be bracketed as a fraction's numerator or a script."""
    if len(text) <= 1:
        return False
    if text[0] in "([{" and _balanced_whole(text):
        return False
    depth = 0
    for c in text:  # an operator inside brackets binds inside them: (x−μ)²/2σ²
        depth += (c in _OPENERS) - (c in _CLOSERS)
        if depth == 0 and c in _OPERATORS:
            return True
    return False


def _balanced_whole(text: str) -> bool:
    pairs = {"(": ")", "[": "]", "{": "}"}
    opener, closer = text[0], pairs.get(text[0], "")
    if not text.endswith(closer):
        return False
    depth = 0
    for i, c in enumerate(text):
        depth += (c == opener) - (c == closer)
        if depth == 0 and i < len(text) - 1:
            return False
    return depth == 0


def _bare_radicand(body: str) -> bool:
    """Whether a root's radicand reads right without brackets: a number, or one letter with
    only subscripts, accents or primes after it (√n, √dₖ, √10). √2x, √x² and √2πσ² would read
    as (√2)x, (√x)², (√2)πσ²."""
    if re.fullmatch(r"\d+(\.\d+)?", body):
        return True
    subs = set(_scripts()[1].values())
    return (
        len(body) >= 1
        and body[0].isalpha()
        and all(c in subs or c in "′'" or unicodedata.combining(c) for c in body[1:])
    )


def _mapped(text: str, sup: bool) -> str:
    sups, subs = _scripts()
    table = sups if sup else subs
    return "".join(table[c] for c in text)


def _wrap(text: str) -> str:
    return f"({text})" if _needs_parens(text) else text


@dataclass
class _Renderer:
    display: bool
    lib: _Lib
    problems: list[TexError] = field(default_factory=list)
    # a drawn matrix's id -> (it, it without brackets); holding it keeps the id from being reused
    bare: dict[int, tuple[Box, Box]] = field(default_factory=dict)
    spell_letters: bool = False  # write out every script of two or more letters
    words: int = 0  # words so far (\\text{out}, \\max): a script holding one is written out
    letters_unicode: bool = False  # a script of two or more letters was set in Unicode
    letters_spelled: bool = False  # ... or written out

    def draw(self, nodes: list[Any]) -> Box:
        """A whole formula: its rows if a bare ``\\\\`` splits it (centred in a display
        unless they hold ``&``), else its one line."""
        if not _has_rows(nodes):
            return self.nodes(nodes)
        rows = self._rows(nodes, None)
        return self._aligned(rows, center=all(len(r) <= 1 for r in rows))

    # -- a list of nodes --------------------------------------------------------------------
    def nodes(self, nodelist: list[Any], style: str | None = None, text_mode: bool = False) -> Box:
        atoms = self._atoms(nodelist)
        out: list[Box] = []
        lefts: list[int] = []  # where each open \\left's delimiter is in ``out``
        i = 0
        ate_space = False  # the last command's written space was dropped (an ordinary symbol)
        while i < len(atoms):
            atom = atoms[i]
            i += 1
            is_space = isinstance(atom, tuple) and atom[0].isspace()
            if not is_space and type(atom).__name__ != "LatexMacroNode":
                ate_space = False
            if isinstance(atom, tuple):  # a character of a chars node, with its position
                char, pos = atom
                if text_mode:
                    # a space in text is the author's (\\text{if } x): one cell, kept
                    out.append(_gap(MU_PER_CELL) if char.isspace() else flat(char))
                    continue
                if char.isspace():
                    out.append(_written())
                    continue
                if char in "^_":
                    i = self._scripts_at(atoms, i, char, pos, out, style)
                    continue
                if char == "|":
                    out.append(Bar(("|",)))
                    continue
                if char == "-":
                    char = "−"  # the minus sign: read as "minus", not "hyphen"
                out.append(flat(styled(style, char) if style else char))
                continue
            kind = type(atom).__name__
            if kind == "LatexMacroNode":
                name = atom.macroname
                if name in _SWITCHES:
                    rest = self.nodes_from(atoms[i:], _SWITCHES[name], text_mode)
                    self._push(out, rest)
                    break
                if name in _SKIPS:  # \\kern 3pt: the width is the characters that follow
                    i = self._skip(atoms, i, out)
                    continue
                if name in _DELIMITER_SIZES:
                    if name in {"left", "right"}:
                        i = self._delimiter(atoms, i, name, out, lefts, style)
                    elif i < len(atoms) and isinstance(atoms[i], tuple) and atoms[i][0] == ".":
                        i += 1  # \\bigl. : no delimiter
                    continue
                if name == "choose":  # {n \\choose k}: the group's two halves, read as \\binom
                    top = hcat(_settle(out)).text.replace("\n", " ")
                    bottom = self.nodes_from(atoms[i:], style, text_mode).text.replace("\n", " ")
                    return flat(f"C({top.strip()}, {bottom.strip()})")
                if name == "not" and i < len(atoms):
                    nxt = self.atom(atoms[i], style, text_mode)
                    i += 1
                    out.append(flat(nxt.text + "\u0338"))
                    continue
                box = self.macro(atom, style)
                if isinstance(box, (Gap, Bar)):  # a space, or a bar: no space of its own
                    out.append(box)
                    if isinstance(box, Bar) and bool(getattr(atom, "macro_post_space", "")):
                        out.append(_written())  # \\rvert + 1: the space written after it
                    ate_space = False
                    continue
                if ate_space and _spaced(box.text) and out and not isinstance(out[-1], Gap):
                    out.append(_written())  # \\varepsilon \\sim x: the space before the relation
                self._push(out, box)
                post = bool(getattr(atom, "macro_post_space", ""))
                nxt_char = atoms[i][0] if i < len(atoms) and isinstance(atoms[i], tuple) else ""
                spaced = (
                    name in _FRACTIONS
                    or (post and _spaced(box.text))
                    or (post and nxt_char in _OPERATORS and nxt_char not in " ,;:")
                )
                ate_space = post and not spaced
                if spaced and not text_mode and i < len(atoms):
                    nxt = atoms[i]
                    if not (isinstance(nxt, tuple) and (nxt[0] in "^_" or nxt[0] in _CLOSING)):
                        out.append(_written())
                        symbol = len(box.text) == 1 and name not in _FRACTIONS
                        if symbol and len(out) > 2 and not isinstance(out[-3], Gap):
                            out.insert(len(out) - 2, _written())  # J^T\\cdot v: J · v
                continue
            if kind == "LatexGroupNode":
                self._push(out, self.atom(atom, style, text_mode))
                continue
            out.append(self.atom(atom, style, text_mode))
        return hcat(_settle(_pair_bars([box for box in out if not _empty(box)])))

    def _push(self, out: list[Box], box: Box) -> None:
        """Append ``box``, the spaces at its ends (a group's ``\\quad``, ``\\text{ if }``) as gaps
        that merge with the spaces beside it. An empty box stays: ``{}_n`` is a script's base."""
        line = box.lines[0]
        core = line.strip(" ")
        if not box.flat or core == line:
            out.append(box)
            return
        lead = len(line) - len(line.lstrip(" "))
        trail = len(line) - len(line.rstrip(" ")) if core else 0
        if lead:
            out.append(_gap(lead * MU_PER_CELL))
        if core:
            out.append(flat(core))
        if trail:
            out.append(_gap(trail * MU_PER_CELL))

    def _skip(self, atoms: list[Any], i: int, out: list[Box]) -> int:
        """At the width after ``\\kern``, ``\\hskip``...: the gap it asks for appended; returns
        the index after the width (nothing is taken when no width follows)."""
        chars = ""
        for atom in atoms[i : i + 40]:
            if not isinstance(atom, tuple):
                break
            chars += atom[0]
        match = _DIMENSION.match(chars)
        if match is None:
            return i
        out.append(_gap(_mu(match)))
        return i + match.end()

    def _delimiter(
        self,
        atoms: list[Any],
        i: int,
        name: str,
        out: list[Box],
        lefts: list[int],
        style: str | None,
    ) -> int:
        """At the delimiter after ``\\left`` or ``\\right`` (``.`` for none): it appended, the
        one of ``\\right`` with its ``\\left`` one as tall as what they enclose; returns the
        index after it."""
        while i < len(atoms) and isinstance(atoms[i], tuple) and atoms[i][0].isspace():
            i += 1
        if i >= len(atoms):
            return i
        atom = atoms[i]
        if isinstance(atom, tuple):
            delimiter = flat("" if atom[0] == "." else atom[0])
        else:
            delimiter = flat(self.atom(atom, style, False).text)
        if name == "left":
            lefts.append(len(out))
            out.append(delimiter)
        elif lefts:
            self._tall_pair(out, lefts.pop(), delimiter)
        else:
            out.append(delimiter)
        return i + 1

    def _tall_pair(self, out: list[Box], left: int, right: Box) -> None:
        """At ``\\right``: its delimiter appended, and it and the ``\\left`` one at ``out[left]``
        as tall as what they enclose (``\\left(\\begin{array}...\\end{array}\\right)`` draws
        like a ``pmatrix``), with no written space just inside them."""
        while len(out) > left + 1 and _is_written(out[-1]):
            out.pop()
        while len(out) > left + 1 and _is_written(out[left + 1]):
            del out[left + 1]
        enclosed = [box for box in out[left + 1 :] if not isinstance(box, Gap)]
        drawn, bare = (
            self.bare.get(id(enclosed[0]), (None, None)) if len(enclosed) == 1 else (None, None)
        )
        if drawn is enclosed[0] and bare is not None:
            # \\left( \\begin{pmatrix}...\\end{pmatrix} \\right): one pair of brackets, not two
            out[left + 1 :] = [bare]
        inner = hcat(out[left + 1 :]) if left + 1 <= len(out) else flat("")
        if len(inner.lines) > 1 and left < len(out):
            tall_left, tall_right = _tall(out[left].text, inner), _tall(right.text, inner)
            out[left] = Box(tuple(f"{row} " for row in tall_left.lines), inner.base)
            right = Box(tuple(f" {row}" for row in tall_right.lines), inner.base)
        out.append(right)

    def nodes_from(self, atoms: list[Any], style: str | None, text_mode: bool) -> Box:
        """Render already split atoms (after a font switch such as ``\\bf``)."""
        return self.nodes([_AtomList(atoms)], style, text_mode)

    def _atoms(self, nodelist: list[Any]) -> list[Any]:
        atoms: list[Any] = []
        for node in nodelist or []:
            if isinstance(node, _AtomList):
                atoms.extend(node.atoms)
            elif node is None:
                continue
            elif type(node).__name__ == "LatexCharsNode":
                atoms.extend((c, node.pos + k) for k, c in enumerate(node.chars))
            elif type(node).__name__ == "LatexCommentNode":
                continue
            else:
                atoms.append(node)
        return atoms

    def _script_argument(
        self, atoms: list[Any], i: int, pos: int, style: str | None
    ) -> tuple[int, Box]:
        while i < len(atoms) and isinstance(atoms[i], tuple) and atoms[i][0].isspace():
            i += 1
        if i >= len(atoms):
            self.problems.append(TexError("nothing after ^ or _", pos))
            return i, flat("")
        atom = atoms[i]
        if isinstance(atom, tuple):
            return i + 1, flat(atom[0])
        return i + 1, self.atom(atom, style, False)

    def _scripts_at(
        self, atoms: list[Any], i: int, char: str, pos: int, out: list[Box], style: str | None
    ) -> int:
        """At the argument of ``^`` or ``_``: the base before it (``out``'s last box) with its
        script, and the other script if one follows (``x_i^2``), written alike; returns the
        index after them."""
        scripts: list[tuple[bool, str, bool]] = []  # (superscript?, text, holds a word?)
        while True:
            words = self.words
            i, box = self._script_argument(atoms, i, pos, style)
            text = " ".join(line.strip() for line in box.lines).strip()
            scripts.append((char == "^", text, self.words > words))
            j = i
            while j < len(atoms) and isinstance(atoms[j], tuple) and atoms[j][0].isspace():
                j += 1
            nxt = atoms[j] if j < len(atoms) else None
            if len(scripts) == 1 and isinstance(nxt, tuple) and nxt[0] in "^_" and nxt[0] != char:
                char, pos = nxt
                i = j + 1
                continue
            break
        while out and _is_written(out[-1]):  # x ^2 is x²: TeX ignores the space
            out.pop()
        marks, unicode = self._marks(scripts)
        mark = flat(marks)
        if out and not isinstance(out[-1], (Gap, Bar)):
            out.append(hcat([out.pop(), mark]))
        else:  # a bar keeps its place, to pair with its partner (|z|²)
            out.append(mark)
        last = atoms[i - 1] if 0 < i <= len(atoms) else None
        if not unicode and bool(getattr(last, "macro_post_space", "")):
            out.append(_written())  # \\nabla_\\theta L is ∇_θ L, not ∇_θL
        return i

    def _marks(self, scripts: list[tuple[bool, str, bool]]) -> tuple[str, bool]:
        """One base's scripts: all in Unicode script characters if each of their characters has
        one and none is a word, else all written after ``^`` and ``_`` (see the module's notes);
        and whether they are in Unicode."""
        sups, subs = _scripts()
        scripts = [script for script in scripts if script[1]]
        unicode = all(
            not word and all(c in (sups if sup else subs) for c in text)
            for sup, text, word in scripts
        )
        letters = any(not word and sum(c.isalpha() for c in text) >= 2 for _, text, word in scripts)
        if letters:  # a formula writes all its scripts of two or more letters one way
            unicode = unicode and not self.spell_letters
            self.letters_unicode |= unicode
            self.letters_spelled |= not unicode
        if unicode:
            return "".join(_mapped(text, sup) for sup, text, _ in scripts), True
        marks = []
        for sup, text, _ in scripts:
            whole = text_width(text) <= 1 or (text[0] == "(" and _balanced_whole(text))
            marks.append(("^" if sup else "_") + (text if whole else f"({text})"))
        return "".join(marks), False

    # -- one node ---------------------------------------------------------------------------
    def atom(self, node: Any, style: str | None, text_mode: bool) -> Box:
        if isinstance(node, tuple):
            return flat(node[0])
        kind = type(node).__name__
        if kind == "LatexGroupNode":
            return self.nodes(node.nodelist, style, text_mode)
        if kind == "LatexMacroNode":
            return self.macro(node, style)
        if kind == "LatexEnvironmentNode":
            return self.environment(node, style)
        if kind == "LatexCharsNode":  # \\hat y: an argument without braces
            return self.nodes([node], style, text_mode)
        if kind == "LatexSpecialsNode":
            chars = node.specials_chars
            return {"~": _gap(_SPACES[" "]), "&": _written()}.get(chars) or flat(chars)
        if kind == "LatexMathNode":
            return self.nodes(node.nodelist, style)
        return flat("")

    def _arg(self, node: Any, k: int, style: str | None = None, text_mode: bool = False) -> Box:
        args = node.nodeargd.argnlist if node.nodeargd is not None else []
        if k >= len(args) or args[k] is None:
            self.problems.append(TexError(f"\\{node.macroname} needs an argument", node.pos))
            return flat("")
        return self.atom(args[k], style, text_mode)

    def macro(self, node: Any, style: str | None) -> Box:
        name = node.macroname
        if name in _BARS:
            bar, side = _BARS[name]
            return Bar((bar,), 0, side)
        if name in _SPACES:
            return _gap(_SPACES[name])
        if name in {"hspace", "mspace"}:
            width = self._arg(node, 1 if name == "hspace" else 0, None, text_mode=True)
            match = _DIMENSION.fullmatch(width.text.strip())
            return _gap(_mu(match) if match else MU_PER_CELL)
        if name in {"phantom", "hphantom"}:
            return _gap(self._arg(node, 0, style).width * MU_PER_CELL)
        if name in _FRACTIONS:
            num, den = self._arg(node, 0, style), self._arg(node, 1, style)
            return flat(f"{_wrap(num.text)}/{_wrap(den.text)}")
        if name in {"cases", "pmatrix"}:  # plain TeX: \cases{... \cr ...}, rows ended by \cr
            args = node.nodeargd.argnlist if node.nodeargd is not None else []
            body = args[0].nodelist if args and args[0] is not None else []
            return self._matrix(name, self._rows(body, style))
        if name in _BINOMS:
            top, bottom = self._arg(node, 0, style), self._arg(node, 1, style)
            return flat(f"C({top.text}, {bottom.text})")
        if name == "sqrt":
            args = node.nodeargd.argnlist if node.nodeargd is not None else []
            body = self._arg(node, 1, style).text
            index = self.atom(args[0], style, False).text if args and args[0] else ""
            root = {"": "√", "2": "√", "3": "∛", "4": "∜"}.get(index)
            if root is None:
                sups = _scripts()[0]
                root = "".join(sups.get(c, c) for c in index) + "√"
            inner = body if _bare_radicand(body) else f"({body})"
            return flat(root + inner)
        if name in _TEXT:
            font = _FONTS.get(name)
            box = self._arg(node, 0, None, text_mode=True)
            line = box.lines[0] if box.flat else box.text.replace("\n", " ")
            self.words += sum(c.isalpha() for c in line) >= 2
            return flat(styled(font, line) if font not in (None, "roman", "italic") else line)
        if name in _FONTS:
            box = self._arg(node, 1 if name == "operatorname" else 0, _FONTS[name])
            self.words += name == "operatorname" and sum(c.isalpha() for c in box.text) >= 2
            return box
        if name in _ACCENTS:
            body = self._arg(node, 0, style).text
            mark = _ACCENTS[name]
            if len(body) == 1 or name in {"overline", "underline", "bar"}:
                return flat("".join(c + mark for c in body))
            return flat(f"{_WIDE_ACCENTS.get(name, name)}({body})")
        if name in {"underbrace", "overbrace"}:  # its label (_{n}, ^{n}) is the whole group's
            body = self._arg(node, 0, style).text
            whole = len(body) <= 1 or (body[0] in "([{" and _balanced_whole(body))
            return flat(body if whole else f"({body})")
        if name in {"mathop", "boxed"}:
            return self._arg(node, 0, style)
        if name in {"color", "textcolor"}:  # the colour is dropped, the text kept
            return self._arg(node, 1, style) if name == "textcolor" else flat("")
        if name == "xrightarrow":
            return flat(f"─{self._arg(node, 0, style).text}→")
        if name == "stackrel":
            over, base = self._arg(node, 0, style).text, self._arg(node, 1, style).text
            return flat(f"{base}^({over})")
        if name in _OPERATOR_NAMES:
            self.words += 1
            return flat(name)
        if name == "colon":
            return flat(":")
        if name in {"tag", "eqref"}:  # an equation's number, a reference to one: (1)
            return flat(f"{'   ' if name == 'tag' else ''}({self._arg(node, 0, None).text})")
        if name == "ref":
            return self._arg(node, 0, None)
        if name == "pmod":
            return flat(f"(mod {self._arg(node, 0, style).text})")
        if name in {"overset", "underset"}:
            over, base = self._arg(node, 0, style).text, self._arg(node, 1, style).text
            return flat(f"{base}^({over})" if name == "overset" else f"{base}_({over})")
        if name == "\\":
            return _written()
        if name in _IGNORED:
            return flat("")
        if name in _KNOWN_EXTRA:
            return flat(_KNOWN_EXTRA[name])
        spec = self.lib.specs.get_macro_spec(name)
        if spec is None:
            self.problems.append(TexError(f"unknown TeX command \\{name}", node.pos))
            return flat(name)
        text = self.lib.l2t.macro_node_to_text(node)
        self.words += len(text) > 1 and text.isalpha()  # \\max, \\log: an operator's name
        return flat(styled(style, text) if style else text)

    # -- environments -----------------------------------------------------------------------
    def environment(self, node: Any, style: str | None) -> Box:
        name = node.environmentname
        rows = self._rows(node.nodelist, style)
        if name in _MATRICES or name in {"cases", "dcases"}:
            return self._matrix(name, rows)
        if name in _ALIGNED:
            return self._aligned(rows, center=name.startswith(("gather", "multline")))
        self.problems.append(TexError(f"unknown TeX environment {name}", node.pos))
        return self._aligned(rows)

    def _rows(self, nodelist: list[Any], style: str | None) -> list[list[Box]]:
        """Split an environment's body at ``\\\\`` (rows) and ``&`` (cells)."""
        rows: list[list[Box]] = []
        row: list[Box] = []
        cell: list[Any] = []
        for node in nodelist or []:
            kind = type(node).__name__
            if kind == "LatexMacroNode" and node.macroname in {"\\", "cr"}:
                row.append(self.nodes(cell, style))
                rows.append(row)
                row, cell = [], []
            elif kind == "LatexSpecialsNode" and node.specials_chars == "&":
                row.append(self.nodes(cell, style))
                cell = []
            elif kind == "LatexMacroNode" and node.macroname == "hline":
                continue
            else:
                cell.append(node)
        last = self.nodes(cell, style)
        if row or last.text.strip():
            row.append(last)
            rows.append(row)
        return rows

    def _matrix(self, name: str, rows: list[list[Box]]) -> Box:
        box = self._draw_matrix(name, rows, bare=False)
        if name not in {"cases", "dcases"}:  # its brackets give way to \left ... \right ones
            self.bare[id(box)] = (box, self._draw_matrix(name, rows, bare=True))
        return box

    def _draw_matrix(self, name: str, rows: list[list[Box]], bare: bool) -> Box:
        if bare:
            left, right, tall_left, tall_right = "", "", "", ""
        elif name in {"cases", "dcases"}:
            left, right, tall_left, tall_right = "{", "", "⎧⎨⎩", ""
        else:
            left, right, tall_left, tall_right = _MATRICES[name]
        if not self.display:
            inner = "; ".join(", ".join(c.text.replace("\n", " ") for c in r) for r in rows)
            if name in {"cases", "dcases"}:
                return flat(f"{{{inner}}}")
            if bare:
                return flat(inner)
            return flat(f"{left or '['}{inner}{right or ']'}")
        columns = max((len(r) for r in rows), default=0)
        widths = [max((r[k].width for r in rows if k < len(r)), default=0) for k in range(columns)]
        cases = name in {"cases", "dcases"}
        lines: list[str] = []
        for r in rows:
            cells = []
            for k in range(columns):
                text = r[k].text.replace("\n", " ") if k < len(r) else ""
                cells.append(_pad(text, widths[k]) if cases else _center(text, widths[k]))
            lines.append("  ".join(cells).rstrip())
        width = max((text_width(line) for line in lines), default=0)
        lines = [_pad(line, width) for line in lines]
        height = len(lines)
        if height == 1:
            body = [f"{left}{' ' if left else ''}{lines[0]}{' ' if right else ''}{right}"]
        else:
            body = []
            for k, line in enumerate(lines):
                edge = 0 if k == 0 else 2 if k == height - 1 else 1
                lhs = tall_left[edge] if tall_left else ""
                if cases and tall_left and 0 < k < height - 1:
                    lhs = "⎨" if k == height // 2 else "⎪"
                rhs = tall_right[edge] if tall_right else ""
                body.append(f"{lhs}{' ' if lhs else ''}{line}{' ' if rhs else ''}{rhs}")
        return Box(tuple(body), (height - 1) // 2)

    def _aligned(self, rows: list[list[Box]], *, center: bool = False) -> Box:
        """Rows split at ``&``: its columns right, left, right, left... aligned, with a wider gap
        before each pair but the first (``align``'s equations side by side); with ``center``,
        rows of one column are centred (``gather``, rows split by a bare ``\\\\``). Inline,
        the rows are joined by "; "."""
        if not self.display:  # a row's equations side by side are parted by commas
            texts = [_inline_row([c.text.replace("\n", " ").strip() for c in r]) for r in rows]
            return flat("; ".join(text for text in texts if text))
        columns = max((len(r) for r in rows), default=0)
        widths = [max((r[k].width for r in rows if k < len(r)), default=0) for k in range(columns)]
        lines = []
        for r in rows:  # rows may be ragged (a last row without its right-hand side)
            texts = [r[k].text.replace("\n", " ") if k < len(r) else "" for k in range(columns)]
            if center and columns == 1:
                lines.append(_center(texts[0], widths[0]).rstrip())
                continue
            line = ""
            for k, text in enumerate(texts):
                line += "" if k == 0 else " " if k % 2 else " " * 4
                line += text.rjust(widths[k]) if k % 2 == 0 else _pad(text, widths[k])
            lines.append(line.rstrip())
        return Box(tuple(lines) or ("",), 0)


def _inline_row(cells: list[str]) -> str:
    pairs = [" ".join(c for c in cells[k : k + 2] if c) for k in range(0, len(cells), 2)]
    return ", ".join(pair for pair in pairs if pair)


_TALL = {
    "(": "⎛⎜⎝",
    ")": "⎞⎟⎠",
    "[": "⎡⎢⎣",
    "]": "⎤⎥⎦",
    "{": "⎧⎪⎩",
    "}": "⎫⎪⎭",
    "|": "│││",
    "‖": "‖‖‖",
}
"""A delimiter drawn over several rows: its top, middle and bottom pieces."""


def _tall(delimiter: str, inner: Box) -> Box:
    """``delimiter`` as tall as ``inner``, on the same base row (``{`` has its point there)."""
    pieces = _TALL.get(delimiter.strip())
    height = len(inner.lines)
    if pieces is None:
        return Box(
            tuple(delimiter if k == inner.base else " " * len(delimiter) for k in range(height)),
            inner.base,
        )
    rows = [
        pieces[0] if k == 0 else pieces[2] if k == height - 1 else pieces[1] for k in range(height)
    ]
    if delimiter.strip() in "{}" and 0 < inner.base < height - 1:
        rows[inner.base] = "⎨" if delimiter.strip() == "{" else "⎬"
    return Box(tuple(rows), inner.base)


def _center(text: str, width: int) -> str:
    gap = width - text_width(text)
    left = gap // 2
    return " " * left + text + " " * (gap - left)


@dataclass
class _AtomList:
    """Atoms already split out of their nodes (what follows a font switch)."""

    atoms: list[Any]


def _parse(tex: str, lib: _Lib) -> list[Any]:
    walker = lib.walker(tex, latex_context=lib.context, tolerant_parsing=False)
    nodes, _, _ = walker.get_latex_nodes(
        pos=0, parsing_state=walker.make_parsing_state(in_math_mode=True)
    )
    return list(nodes)


def render(tex: str, *, display: bool = False) -> tuple[str, list[TexError]]:
    """The formula as Unicode text (several lines for a display matrix), and what could not
    be rendered. Unparseable TeX comes back as written, with the parse error."""
    if len(tex) > MAX_TEX:
        return tex, [TexError(f"the formula is longer than {MAX_TEX:,} characters", 0)]
    lib = _lib()
    try:
        nodes = _parse(tex, lib)
    except lib.error as exc:
        message = str(getattr(exc, "msg", "") or exc).strip() or "cannot be parsed"
        return tex, [TexError(_tidy_parse_message(message), int(getattr(exc, "pos", 0) or 0))]
    except (RecursionError, ValueError, IndexError, TypeError) as exc:
        return tex, [TexError(f"cannot be parsed: {exc}", 0)]
    try:
        renderer = _Renderer(display, lib)
        box = renderer.draw(nodes)
        if renderer.letters_unicode and renderer.letters_spelled:
            renderer = _Renderer(display, lib, spell_letters=True)
            box = renderer.draw(nodes)
    except RecursionError:
        return tex, [TexError("the formula is nested too deeply", 0)]
    # precomposed where Unicode has it (ŷ, not y and a combining hat): read and measured alike
    text = unicodedata.normalize("NFC", box.text)
    return (_tidy(text) if "\n" not in text else text), renderer.problems


_INSIDE_OPENING = re.compile(r"([(\[{⟨⌊⌈]) +")
_INSIDE_CLOSING = re.compile(r" +([)\]}⟩⌋⌉])")
_INSIDE_NORM = re.compile(r"‖ *([^‖]*?) *‖")


def _tidy(line: str) -> str:
    """A one-line formula without the source's spaces just inside its delimiters or at its
    ends (``\\left( x \\right)``, ``\\lVert x \\rVert``, ``\\displaystyle \\sum``: TeX ignores
    them) — the spaces between terms, which the renderer keeps as written, stay."""
    line = _INSIDE_CLOSING.sub(r"\1", _INSIDE_OPENING.sub(r"\1", line))
    return _INSIDE_NORM.sub(r"‖\1‖", line).strip()


def _has_rows(nodes: list[Any]) -> bool:
    return any(type(n).__name__ == "LatexMacroNode" and n.macroname == "\\" for n in nodes)


def _tidy_parse_message(message: str) -> str:
    return message.replace("Unexpected ", "unexpected ").rstrip(".")


def to_unicode(tex: str, *, display: bool = False) -> str:
    """The formula as readable Unicode text; see :func:`render`."""
    return render(tex, display=display)[0]


def problems(tex: str, *, display: bool = False) -> list[TexError]:
    """What in ``tex`` cannot be rendered (empty when all of it can)."""
    return render(tex, display=display)[1]
