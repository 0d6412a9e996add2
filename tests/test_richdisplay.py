"""A cell's last value reads as IPython prints it in plain text (the contract, "What a cell
shows"), compared with IPython's own printer on the values of tests/data/display/values.py,
with IPython installed and with lectio's own printer when it is not; a display hook a cell
installs (``sympy.init_printing()``) shows the value as it prints it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.execution.richdisplay import display_text

pretty = pytest.importorskip("IPython.lib.pretty")


def _load_values() -> Any:
    spec = importlib.util.spec_from_file_location(
        "display_values", Path(__file__).parent / "data" / "display" / "values.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module


_DATA = _load_values()
VALUES: list[tuple[str, Any]] = _DATA.VALUES
IPYTHON_ONLY: set[str] = _DATA.IPYTHON_ONLY


@pytest.mark.parametrize(("name", "value"), VALUES, ids=[name for name, _ in VALUES])
def test_value_reads_as_ipython_prints_it(name: str, value: Any) -> None:
    assert display_text(value) == pretty.pretty(value)


@pytest.mark.parametrize(("name", "value"), VALUES, ids=[name for name, _ in VALUES])
def test_without_ipython_the_value_reads_as_ipython_on_one_line(
    name: str, value: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec

    def no_ipython(module: str, *args: Any) -> Any:
        return None if module.split(".")[0] == "IPython" else real(module, *args)

    if name in IPYTHON_ONLY:
        pytest.skip("printed its own way by IPython's printer only")
    monkeypatch.setattr(importlib.util, "find_spec", no_ipython)
    one_line = pretty.pretty(value, max_width=10**9)
    assert display_text(value) == one_line


def test_a_value_with_its_own_repr_does_not_import_ipython() -> None:
    for module in [m for m in sys.modules if m.split(".")[0] == "IPython"]:
        sys.modules.pop(module)
    numpy = pytest.importorskip("numpy")
    display_text(numpy.zeros(3))
    display_text(7)
    assert "IPython.lib.pretty" not in sys.modules


def test_sympy_init_printing_shows_its_pretty_printer(monkeypatch: pytest.MonkeyPatch) -> None:
    sympy = pytest.importorskip("sympy")
    monkeypatch.setattr(sys, "displayhook", sys.__displayhook__)
    sympy.init_printing(use_unicode=True)  # outside IPython: installs sys.displayhook
    x = sympy.Symbol("x")
    integral = sympy.Integral(sympy.sqrt(1 / x), x)
    assert display_text(integral) == sympy.pretty(integral, use_unicode=True)


def test_a_short_container_of_plain_values_does_not_import_ipython() -> None:
    """(0.0, 0.0) is what signal.setitimer returns: a cell ending in it must not spend the
    import of IPython inside the cell's time (a profiling timer it left fires in there)."""
    for module in [m for m in sys.modules if m.split(".")[0] == "IPython"]:
        sys.modules.pop(module)
    assert display_text((0.0, 0.0)) == "(0.0, 0.0)"
    assert display_text([1, (2.5, "x"), {"k": None}]) == "[1, (2.5, 'x'), {'k': None}]"
    assert "IPython.lib.pretty" not in sys.modules
