"""TeX math as readable Unicode text: ``\\frac{\\partial y}{\\partial x}`` becomes ``∂y/∂x``.

The TeX is parsed by pylatexenc's :class:`LatexWalker` (a kept library, imported only when a
text holds math: about 25 ms), and its symbol table (``latex2text``'s macro specs: Greek,
operators, arrows, ``\\mathbb``...) names what each command stands for. What pylatexenc's own
``LatexNodes2Text`` does not do well for reading is done here, on its parse tree: sub- and
superscripts as Unicode scripts where every character has one (``x²``, ``Σᵢ``, else ``x_(i+1)``),
fractions with the parentheses their precedence needs (``(a+b)/c``, not ``a+b/c``), ``\\sqrt``,
``\\left``/``\\right``, ``\\text``, font switches (``\\mathbf``, ``{\\bf x}``) as Unicode math
letters, accents as combining marks, and matrices (``pmatrix``, ``bmatrix``, ``array``,
``cases``, ``aligned``...) as aligned rows of text between drawn brackets in a display formula,
or as ``[a, b; c, d]`` inline. The script and letter tables are computed from the Unicode
character names (``SUPERSCRIPT TWO``, ``MATHEMATICAL BOLD SMALL X``), not typed by hand.

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
            "operatorname",
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
        )
    ]
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
    "phantom",
    "qquad",
}
_SPACES = {",": " ", ":": " ", ";": " ", ">": " ", "!": "", " ": " ", "quad": "  ", "qquad": "   "}
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
    "lVert": "‖",
    "rVert": "‖",
    "|": "‖",
    "iff": "⟺",
    "implies": "⟹",
    "impliedby": "⟸",
    "bmod": "mod",
}
_CLOSING = set(")]}.,;:!?|")
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
    return any(c in _OPERATORS for c in text)


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


def _wrap(text: str) -> str:
    return f"({text})" if _needs_parens(text) else text


@dataclass
class _Renderer:
    display: bool
    lib: _Lib
    problems: list[TexError] = field(default_factory=list)
    # a drawn matrix's id -> (it, it without brackets); holding it keeps the id from being reused
    bare: dict[int, tuple[Box, Box]] = field(default_factory=dict)

    # -- a list of nodes --------------------------------------------------------------------
    def nodes(self, nodelist: list[Any], style: str | None = None, text_mode: bool = False) -> Box:
        atoms = self._atoms(nodelist)
        out: list[Box] = []
        lefts: list[int] = []  # where each open \left's delimiter is in ``out``
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
                    out.append(flat(char))
                    continue
                if char.isspace():
                    if out and out[-1].lines != (" ",):
                        out.append(flat(" "))
                    continue
                if char in "^_":
                    i, script = self._script_argument(atoms, i, pos, style)
                    base = out.pop() if out and out[-1].lines != (" ",) else flat("")
                    out.append(self._attach(base, script, sup=char == "^"))
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
                    out.append(rest)
                    break
                if name in _DELIMITER_SIZES:
                    if name == "left":
                        lefts.append(len(out))  # the delimiter comes next, as its own box
                    if name == "right" and lefts:
                        i = self._tall_pair(atoms, i, out, lefts.pop(), style)
                        continue
                    if i < len(atoms) and isinstance(atoms[i], tuple) and atoms[i][0] == ".":
                        i += 1  # \left. : no delimiter
                        if name == "left":
                            out.append(flat(""))
                    continue
                if name == "choose":  # {n \choose k}: the group's two halves, read as \binom
                    while out and out[-1].lines == (" ",):
                        out.pop()
                    top = hcat(out).text.replace("\n", " ")
                    bottom = self.nodes_from(atoms[i:], style, text_mode).text.replace("\n", " ")
                    return flat(f"C({top.strip()}, {bottom.strip()})")
                if name == "not" and i < len(atoms):
                    nxt = self.atom(atoms[i], style, text_mode)
                    i += 1
                    out.append(flat(nxt.text + "\u0338"))
                    continue
                box = self.macro(atom, style)
                if ate_space and _spaced(box.text) and out and out[-1].lines != (" ",):
                    out.append(flat(" "))  # \\varepsilon \\sim x: the space before the relation
                out.append(box)
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
                        out.append(flat(" "))
                continue
            out.append(self.atom(atom, style, text_mode))
        while out and out[-1].lines == (" ",):
            out.pop()
        while out and out[0].lines == (" ",):
            out.pop(0)
        return hcat(out)

    def _tall_pair(
        self, atoms: list[Any], i: int, out: list[Box], left: int, style: str | None
    ) -> int:
        """At ``\\right``: its delimiter and the ``\\left`` one at ``out[left]`` as tall as
        what they enclose (``\\left(\\begin{array}...\\end{array}\\right)`` draws like a
        ``pmatrix``); returns the index after the right delimiter."""
        if i < len(atoms) and isinstance(atoms[i], tuple) and atoms[i][0] == ".":
            right = flat("")
        elif i < len(atoms):
            atom = atoms[i]
            right = flat(atom[0]) if isinstance(atom, tuple) else self.atom(atom, style, False)
        else:
            return i
        enclosed = [box for box in out[left + 1 :] if box.lines != (" ",)]
        drawn, bare = (
            self.bare.get(id(enclosed[0]), (None, None)) if len(enclosed) == 1 else (None, None)
        )
        if drawn is enclosed[0] and bare is not None:
            # \left( \begin{pmatrix}...\end{pmatrix} \right): one pair of brackets, not two
            out[left + 1 :] = [bare]
        inner = hcat(out[left + 1 :]) if left + 1 <= len(out) else flat("")
        if len(inner.lines) > 1 and left < len(out):
            tall_left, tall_right = _tall(out[left].text, inner), _tall(right.text, inner)
            out[left] = Box(tuple(f"{row} " for row in tall_left.lines), inner.base)
            right = Box(tuple(f" {row}" for row in tall_right.lines), inner.base)
        out.append(right)
        return i + 1

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

    def _attach(self, base: Box, script: Box, *, sup: bool) -> Box:
        text = " ".join(line.strip() for line in script.lines).strip()
        sups, subs = _scripts()
        table = sups if sup else subs
        if text and all(c in table for c in text):
            mark = "".join(table[c] for c in text)
        elif text:
            mark = ("^" if sup else "_") + (f"({text})" if len(text) > 1 else text)
        else:
            mark = ""
        return hcat([base, flat(mark)])

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
        if kind == "LatexSpecialsNode":
            chars = node.specials_chars
            return flat({"~": " ", "&": " "}.get(chars, chars))
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
            inner = body if len(body) <= 1 or body.isalnum() else f"({body})"
            return flat(root + inner)
        if name in _TEXT:
            font = _FONTS.get(name)
            box = self._arg(node, 0, None, text_mode=True)
            return flat(styled(font, box.text)) if font not in (None, "roman", "italic") else box
        if name in _FONTS:
            return self._arg(node, 0, _FONTS[name])
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
            return flat(name)
        if name == "colon":
            return flat(":")
        if name in {"tag", "eqref"}:  # an equation's number, a reference to one: (1)
            return flat(f"{'  ' if name == 'tag' else ''}({self._arg(node, 0, None).text})")
        if name == "ref":
            return self._arg(node, 0, None)
        if name == "pmod":
            return flat(f"(mod {self._arg(node, 0, style).text})")
        if name in {"overset", "underset"}:
            over, base = self._arg(node, 0, style).text, self._arg(node, 1, style).text
            return flat(f"{base}^({over})" if name == "overset" else f"{base}_({over})")
        if name == "\\":
            return flat(" ")
        if name in _SPACES:
            return flat(_SPACES[name])
        if name in _IGNORED:
            return flat("")
        if name in _KNOWN_EXTRA:
            return flat(_KNOWN_EXTRA[name])
        spec = self.lib.specs.get_macro_spec(name)
        if spec is None:
            self.problems.append(TexError(f"unknown TeX command \\{name}", node.pos))
            return flat(name)
        text = self.lib.l2t.macro_node_to_text(node)
        return flat(styled(style, text) if style else text)

    # -- environments -----------------------------------------------------------------------
    def environment(self, node: Any, style: str | None) -> Box:
        name = node.environmentname
        rows = self._rows(node.nodelist, style)
        if name in _MATRICES or name in {"cases", "dcases"}:
            return self._matrix(name, rows)
        if name in _ALIGNED:
            return self._aligned(rows)
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

    def _aligned(self, rows: list[list[Box]]) -> Box:
        if not self.display:
            return flat("; ".join(" ".join(c.text for c in r) for r in rows))
        columns = max((len(r) for r in rows), default=0)
        widths = [max((r[k].width for r in rows if k < len(r)), default=0) for k in range(columns)]
        lines = []
        for r in rows:  # rows may be ragged (a last row without its right-hand side)
            texts = [r[k].text.replace("\n", " ") if k < len(r) else "" for k in range(columns)]
            cells = [
                text.rjust(widths[k]) if k % 2 == 0 else _pad(text, widths[k])
                for k, text in enumerate(texts)
            ]
            lines.append(" ".join(cells).rstrip())
        return Box(tuple(lines) or ("",), 0)


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
    renderer = _Renderer(display, lib)
    try:
        rows = renderer._rows(nodes, None) if display and _has_rows(nodes) else None
        box = renderer._aligned(rows) if rows is not None else renderer.nodes(nodes)
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
