"""TeX to readable Unicode (engine.markup.tex) and where math is in Markdown (mathspans)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.markup.mathspans import MATH_FENCE, find_math, rewrite
from engine.markup.tex import problems, render, to_unicode

INLINE = [
    (r"\frac{\partial y}{\partial x}", "∂y/∂x"),
    (r"\nabla_w L = \frac{2}{n} X^\top (Xw - y)", "∇_w L = 2/n Xᵀ(Xw − y)"),
    (r"\nabla_x L", "∇ₓ L"),
    (r"x^2 + y_i^{2}", "x² + yᵢ²"),
    (r"\sum_{i=1}^{n} x_i", "∑ᵢ₌₁ⁿ xᵢ"),
    (r"\sqrt{n}", "√n"),
    (r"\sqrt{x+1}", "√(x+1)"),
    (r"\sqrt[3]{x}", "∛x"),
    (r"\mathbf{x} \cdot \mathbf{y}", "𝐱 · 𝐲"),
    (r"{\bf x} + y", "𝐱 + y"),
    (r"a \times b", "a × b"),
    (r"\alpha \beta \gamma \theta \sigma \Sigma", "αβγθσΣ"),
    (r"\left( x + 1 \right)", "(x + 1)"),
    (r"\text{loss} = \frac{1}{n}\sum_i (y_i - \hat{y}_i)^2", "loss = 1/n ∑ᵢ (yᵢ − ŷᵢ)²"),
    (r"\vec{v}", "v\u20d7"),
    (r"\hat{y}", "ŷ"),
    (r"x_1, \ldots, x_n", "x₁, …, xₙ"),
    (r"1 \cdots n", "1 ⋯ n"),
    (r"\ddots", "⋱"),
    (r"e^{-x}", "e⁻ˣ"),
    (r"\frac{a+b}{c}", "(a+b)/c"),
    (r"\frac{1}{1+e^{-x}}", "1/(1+e⁻ˣ)"),
    (r"\mathbb{R}^n", "ℝⁿ"),
    (r"\mathcal{L}(\theta)", "ℒ(θ)"),
    (r"x_{t+1} = x_t - \eta \nabla f(x_t)", "xₜ₊₁ = xₜ − η∇f(xₜ)"),
    (r"e^{z_j}", "e^(zⱼ)"),
    (r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}", "[1, 2; 3, 4]"),
    (r"\begin{pmatrix} a & b \end{pmatrix}", "(a, b)"),
    (r"\operatorname{softmax}(z)_i", "softmax(z)ᵢ"),
    (r"\log(x) \le \infty", "log(x) ≤ ∞"),
    (r"E = mc^2 \tag{1}", "E = mc²   (1)"),
    (r"see \eqref{eq:loss}", "see (eq:loss)"),
    (r"a \equiv b \pmod{n}", "a ≡ b (mod n)"),
    (r"a \bmod b", "a mod b"),
    (r"A \iff B \implies C", "A ⟺ B ⟹ C"),
    # what d2l and the PyTorch tutorials also write
    (r"\varepsilon \sim \mathcal{N}(0, \sigma^2)", "ε ∼ 𝒩(0, σ²)"),
    (r"\eta = 0.5", "η = 0.5"),
    (r"\mathop{\mathrm{argmax}}_{y} p(y)", "argmax_y p(y)"),
    (r"\operatorname*{argmin}_w L(w)", "argmin_w L(w)"),
    (r"\det(A) \Pr(X=1)", "det(A) Pr(X=1)"),
    (r"\mathbf{W}^{(l)} \mathbf{h}^{(l-1)}", "𝐖⁽ˡ⁾ 𝐡⁽ˡ⁻¹⁾"),
    (r"\mathbb{E}_{x \sim p}[f(x)]", "𝔼_(x ∼ p)[f(x)]"),
    (r"\|\mathbf{w}\|_2", "‖𝐰‖₂"),
    (r"\int_0^1 f(x)\,dx", "∫₀¹ f(x) dx"),
    (r"\textcolor{red}{x} + \color{blue}{y}", "x + y"),
    (r"\xrightarrow{f}", "─f→"),
]


@pytest.mark.parametrize(("tex", "text"), INLINE)
def test_inline_math(tex: str, text: str) -> None:
    assert render(tex) == (text, [])


JACOBIAN = (
    r"J = \begin{pmatrix} \frac{\partial y_1}{\partial x_1} & \cdots & "
    r"\frac{\partial y_1}{\partial x_n} \\ \vdots & \ddots & \vdots \\ "
    r"\frac{\partial y_m}{\partial x_1} & \cdots & \frac{\partial y_m}{\partial x_n} "
    r"\end{pmatrix}"
)


def test_display_matrix_is_aligned_rows() -> None:
    assert to_unicode(JACOBIAN, display=True).splitlines() == [
        "    ⎛ ∂y₁/∂x₁  ⋯  ∂y₁/∂xₙ ⎞",
        "J = ⎜    ⋮     ⋱     ⋮    ⎟",
        "    ⎝ ∂yₘ/∂x₁  ⋯  ∂yₘ/∂xₙ ⎠",
    ]
    bmatrix = r"\begin{bmatrix} 1 & 20 \\ 300 & 4 \end{bmatrix}"
    assert to_unicode(bmatrix, display=True).splitlines() == ["⎡  1   20 ⎤", "⎣ 300  4  ⎦"]
    array = r"\begin{array}{cc} a & b \\ c & d \end{array}"
    assert to_unicode(array, display=True).splitlines() == ["a  b", "c  d"]


def test_cases_and_aligned() -> None:
    cases = r"f(x) = \begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}"
    assert to_unicode(cases, display=True).splitlines() == [
        "f(x) = ⎧ x  x > 0",
        "       ⎩ 0  otherwise",
    ]
    assert to_unicode(cases) == "f(x) = {x, x > 0; 0, otherwise}"
    aligned = r"\begin{aligned} a &= b + c \\ &= d \end{aligned}"
    assert to_unicode(aligned, display=True).splitlines() == ["a = b + c", "  = d"]


@pytest.mark.parametrize(
    ("tex", "message", "offset"),
    [
        (r"\frac{a}{b", "expecting '}'", 10),
        (r"\begin{pmatrix} a \end{bmatrix}", "mismatching closing environment", 18),
        (r"x + \foo y", "unknown TeX command \\foo", 4),
        (r"\begin{tabular} a \end{tabular}", "unknown TeX environment tabular", 0),
    ],
)
def test_unrenderable_tex_is_reported_with_its_offset(tex: str, message: str, offset: int) -> None:
    found = problems(tex)
    assert found and message in found[0].message and found[0].offset == offset


def test_unparseable_tex_is_shown_as_written() -> None:
    assert to_unicode(r"\frac{a}{b") == r"\frac{a}{b"


@pytest.mark.parametrize(
    ("text", "formulas"),
    [
        ("It costs $5 and $ 5, not $x$.", [("x", False)]),
        ("between $5 and $10", []),
        (r"a \$ b $x_1$", [("x_1", False)]),
        (r"\$x\$ is literal", []),
        ("code `$x$` and $y$", [("y", False)]),
        ("```\n$x$\n```\nand $y$", [("y", False)]),
        ("x$ y$", []),
        ("a $x\n\ny$ b", []),
        ("one $a$ two $b$", [("a", False), ("b", False)]),
        ("$x$5", []),
        ("Before\n\n$$\n\\frac{1}{2}\n$$\n\nafter", [("\n\\frac{1}{2}\n", True)]),
        ("no math at all", []),
    ],
)
def test_dollar_rules(text: str, formulas: list[tuple[str, bool]]) -> None:
    assert [(m.tex, m.display) for m in find_math(text)] == formulas


def test_rewrite_inline_and_display() -> None:
    text = "The loss $L_i$ is\n\n$$\n\\sum_i (y_i - \\hat{y}_i)^2\n$$\n\ncosts $5."
    out = rewrite(text, lambda tex, display: to_unicode(tex, display=display))
    assert out.startswith("The loss Lᵢ is\n")
    assert f"```{MATH_FENCE}\n∑ᵢ (yᵢ − ŷᵢ)²\n```" in out
    assert out.endswith("costs $5.")
    assert "\\" not in out.replace("\\$", "")
    escaped = rewrite("$x_{a+b}$", lambda tex, display: to_unicode(tex))
    assert escaped == "x\\_(a+b)"  # Markdown would read a bare _ as emphasis


ENVIRONMENTS = yaml.safe_load(
    (Path(__file__).parent / "data" / "markdown" / "math_environments.yaml").read_text("utf-8")
)


@pytest.mark.parametrize("case", ENVIRONMENTS, ids=[case["name"] for case in ENVIRONMENTS])
def test_bare_display_environments_are_math(case: dict[str, Any]) -> None:
    from engine.markup.markdown import to_text

    assert [span.tex for span in find_math(case["text"])] == case["formulas"]
    assert all(span.display for span in find_math(case["text"]))
    assert to_text(case["text"]) == case["plain"]


def test_left_right_around_an_array_are_as_tall_as_it() -> None:
    """PyTorch's autograd tutorial writes its Jacobian as \\left(\\begin{array}...\\right):
    drawn like a pmatrix, not with one-row parentheses beside three rows."""
    array = r"\begin{array}{cc} a & b \\ c & d \end{array}"
    assert to_unicode(rf"J = \left({array}\right)", display=True) == to_unicode(
        r"J = \begin{pmatrix} a & b \\ c & d \end{pmatrix}", display=True
    )
    cases = to_unicode(rf"f = \left\{{ {array} \right.", display=True).splitlines()
    assert [line[4] for line in cases] == ["⎧", "⎩"]  # "f = " is 4 columns


def _formulas(*names: str) -> list[dict[str, Any]]:
    data = Path(__file__).parent / "data" / "markdown"
    return [case for name in names for case in yaml.safe_load((data / name).read_text("utf-8"))]


FORMULAS = _formulas(
    "math_left_right_matrices.yaml",
    "math_binomials.yaml",
    "math_spacing.yaml",
    "math_scripts.yaml",
    "math_multiline.yaml",
    "math_roots.yaml",
)


@pytest.mark.parametrize("case", FORMULAS, ids=[case["name"] for case in FORMULAS])
def test_formulas_read_as_unicode(case: dict[str, Any]) -> None:
    """A matrix inside \\left ... \\right has one pair of brackets; binomials read C(n, k)."""
    text, errors = render(case["tex"], display=case["display"])
    assert (text, errors) == (case["text"], [])


TUTORIAL_CORPUS: list[str] = yaml.safe_load(
    (Path(__file__).parent / "data" / "markdown" / "math_tutorial_corpus.yaml").read_text("utf-8")
)


@pytest.mark.parametrize("display", [False, True], ids=["inline", "display"])
@pytest.mark.parametrize("tex", TUTORIAL_CORPUS)
def test_tutorial_formulas_leave_no_tex(tex: str, display: bool) -> None:
    text, errors = render(tex, display=display)
    assert errors == []
    assert "\\" not in text and text.strip()
    if "\n" not in text:  # one line: no space at its ends or just inside a bracket
        assert text == text.strip()
        assert not re.search(r"[(\[⟨⌊⌈] | [)\]⟩⌋⌉]", text), text
