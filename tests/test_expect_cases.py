"""``expect`` against what cells did: the cases in tests/data/expect/cases.yaml.

Each case says whether a result passes; the ones that must fail are the results a plausible
wrong comparison (a substring for ``stdout``, stripping leading white space, a case-insensitive
``contains``, a base class for ``raises``...) would let through. No kernel: results are built
as the kernel reports them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.execution import normalize
from engine.execution.expect import check_expect, raised_as_expected
from engine.execution.results import CellError, CellResult, CellStatus
from engine.format.models import ExpectSpec

CASES_FILE = Path(__file__).parent / "data" / "expect" / "cases.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))


def result_of(spec: dict[str, Any]) -> CellResult:
    """The CellResult a case describes."""
    error = spec.get("error")
    return CellResult(
        CellStatus(spec.get("status", "ok")),
        stdout=spec.get("stdout", ""),
        display=spec.get("display"),
        out=spec.get("out"),
        err=spec.get("err"),
        picture_count=spec.get("pictures", 0),
        error=(
            None
            if error is None
            else CellError(error["name"], "the message", "", 1, tuple(error["bases"]))
        ),
    )


def test_the_cases_are_well_formed() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)), "repeated ids"
    for case in CASES:
        assert {"id", "why", "expect", "result", "passes"} <= set(case), case["id"]
        assert set(case) <= {"id", "why", "expect", "result", "normalize", "passes"}, case["id"]
        assert isinstance(case["passes"], bool), case["id"]
    keys = {"stdout", "contains", "matches", "raises", "stderr", "figures", "normalize"}
    for key in keys:  # each key has cases that pass and cases that fail
        verdicts = {c["passes"] for c in CASES if key in c["expect"] or key in c}
        assert verdicts == {True, False}, key


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_expect_case(case: dict[str, Any]) -> None:
    expect = ExpectSpec(**case["expect"])
    # named rewrites only: they run here; an author's pattern needs a kernel (test_execution)
    result = normalize.apply(result_of(case["result"]), case.get("normalize", []), None)
    message = check_expect(expect, result)
    assert (message is None) is case["passes"], f"{case['why']}: {message}"
    if message is not None:
        assert message.strip(), "a failure says why"
    # the decision every front end shares agrees: only a passing ``raises`` is an expected error
    expected_error = case["passes"] and expect.mode == "raises"
    assert raised_as_expected(expect, result) is expected_error
