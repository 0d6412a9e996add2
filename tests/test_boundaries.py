"""Architecture rules: the headless core never imports textual; lectio's own process never
imports torch (cells run in kernel subprocesses). Checked in fresh interpreters, because a test
process has imported everything by the time it runs."""

from __future__ import annotations

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


@pytest.mark.parametrize("module", _core_modules())
def test_core_module_does_not_import_textual(module: str) -> None:
    result = _run(
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')\n"
        "assert not bad, bad\n"
    )
    assert result.returncode == 0, result.stderr[-2000:]
