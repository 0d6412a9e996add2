"""IPython-only lines in a cell (``%matplotlib inline``, ``!pip install``), explained.

Notebooks accept magics and shell escapes; Python does not. A lesson file with one gets a syntax
error at load that says it is IPython syntax and what to write instead, and so does a learner who
types one into a cell (the kernel uses this module too: standard library only, no pydantic).
"""

from __future__ import annotations

_SHELL_ADVICE = (
    "show the command as a listing (run: false, language: bash) instead, or run it from Python "
    "with subprocess.run([...])"
)


def ipython_hint(code: str, line: int) -> str | None:
    """When line ``line`` (1-based) of ``code`` is IPython syntax (``%magic``, ``!shell``),
    a sentence saying so and what to write instead; None for an ordinary syntax error."""
    lines = code.splitlines()
    if not 1 <= line <= len(lines):
        return None
    text = lines[line - 1].strip()
    if not text.startswith(("%", "!")):
        return None
    command = text.split()[0]
    name = command.lstrip("%!")
    if name == "matplotlib":
        advice = "it is not needed: figures a cell shows or leaves open are drawn in its output"
    elif name in {"pip", "conda"} or command.startswith("!"):
        advice = _SHELL_ADVICE
    elif name in {"time", "timeit"}:
        advice = "time it in Python (time.perf_counter() or the timeit module)"
    else:
        advice = "write the Python it stands for"
    return f"'{command}' is IPython syntax, not Python; {advice}"
