"""pytest plugin (entry point ``pytest11: lectio``): lesson files as test items (opt-in).

Being written; for now it only registers its options, so pytest starts.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("lectio", "lectio lessons")
    group.addoption("--lectio", action="store_true", default=False,
                    help="collect lectio lesson files (*.yaml) as tests: one per cell and verify")
    parser.addini("lectio_collect", type="bool", default=False,
                  help="collect lectio lesson files as tests (like --lectio)")
