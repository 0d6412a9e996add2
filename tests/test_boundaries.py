"""Architecture rules: the headless core imports neither Textual (nor Rich, its renderer) nor
torch, and code with neither Textual nor Rich in it does not live in ``engine/tui``; lectio's
own process never imports torch (cells run in kernel subprocesses). The imports are checked in
fresh interpreters, because a test process has imported everything by the time it runs."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import engine

ROOT = Path(__file__).parent.parent


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_validator_imports_neither_textual_nor_torch() -> None:
    code = (
        "import engine.cli, engine.cli.validate_cmd, engine.cli.schema_cmd\n"
        "import engine.format.loader, engine.format.catalog, engine.format.schema_json\n"
        "import engine.validation.discover, engine.validation.schema, engine.validation.report\n"
        "import engine.validation.text, engine.validation.jsonout, engine.validation.junit\n"
        "import engine.execution.validate  # what validate imports to run cells\n"
        "from engine.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['validate', '--no-exec', 'tests/data/valid', 'tests/data/broken'])\n"
        "    main(['schema'])\n"
        "import sys\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'torch'})\n"
        "assert not bad, bad\n"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr


def _core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(engine.__path__, "engine."):
        if info.name == "engine.tui" or info.name.startswith("engine.tui."):
            continue
        if info.name.endswith(".__main__"):  # importing it runs the program
            continue
        names.append(info.name)
    return sorted(names)


FORBIDDEN_IN_CORE = frozenset({"textual", "rich", "torch"})
"""Top-level packages no core module may import: the TUI's (Textual, and Rich that draws for it)
and torch (only the kernel subprocesses import it)."""


@pytest.mark.parametrize("module", _core_modules())
def test_core_module_imports_neither_textual_nor_torch(module: str) -> None:
    forbidden = sorted(FORBIDDEN_IN_CORE)
    result = _run(
        f"import sys, {module}\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r})\n"
        "assert not bad, bad\n"
    )
    assert result.returncode == 0, result.stderr[-2000:]


TUI = Path(engine.__file__).parent / "tui"


def _tui_files() -> list[Path]:
    return sorted(p for p in TUI.rglob("*.py") if p.name != "__init__.py")


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", _tui_files(), ids=lambda p: str(p.relative_to(TUI)))
def test_tui_module_is_textual_code(path: Path) -> None:
    """A module of engine/tui with no Textual (or Rich) in it belongs in the core."""
    assert _imported_roots(path) & {"textual", "rich"}, f"{path}: imports neither textual nor rich"


def test_the_tui_check_sees_a_headless_module(tmp_path: Path) -> None:
    headless = tmp_path / "chapters.py"
    headless.write_text("from engine.session.course import numbered_chapters\nimport re\n")
    assert not _imported_roots(headless) & {"textual", "rich"}
    drawn = tmp_path / "drawn.py"
    drawn.write_text("def f() -> None:\n    from textual.widgets import Label\n")
    assert "textual" in _imported_roots(drawn)
