"""Every malformed file in tests/data/broken/ gets exactly the messages in its ``.expected``.

A case is a file ``X.yaml`` (or a folder ``X/``, for cross-reference cases) beside ``X.expected``
holding the exact output lines of ``lectio validate --no-exec X`` (without the summary line),
run from tests/data/broken. To add a case, add the file, run that command, read every line as an
author would (is the message clear? is the line right?), then save it as the ``.expected``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.cli import main

BROKEN = Path(__file__).parent / "data" / "broken"
VALID = Path(__file__).parent / "data" / "valid"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.suffix == ".yaml" or p.is_dir())
LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): \S")


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    for case in CASES:
        assert (BROKEN / f"{Path(case).stem}.expected").is_file(), case


@pytest.mark.parametrize("case", CASES)
def test_broken_case(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BROKEN)
    expected = (BROKEN / f"{Path(case).stem}.expected").read_text(encoding="utf-8").splitlines()
    status = main(["validate", "--no-exec", case])
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert status == 1
    assert err == ""
    assert "Traceback" not in out
    assert lines[:-1] == expected
    assert re.search(r"\d+ problems? in \d+ files?", lines[-1])
    for line in expected:
        match = LOCATED.match(line)
        assert match, line
        assert int(match["line"]) >= 1 and int(match["col"]) >= 1


@pytest.mark.parametrize("case", CASES)
def test_reported_line_exists(case: str) -> None:
    """Every position points inside its file (or at 1:1 of an empty one)."""
    for line in (BROKEN / f"{Path(case).stem}.expected").read_text("utf-8").splitlines():
        match = LOCATED.match(line)
        assert match
        source = (BROKEN / match["file"]).read_bytes()
        count = len(source.splitlines()) or 1
        assert int(match["line"]) <= count, line


def test_whole_corpus_at_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Validating the folder reports the union of every case: nothing is lost or doubled."""
    monkeypatch.chdir(BROKEN)
    assert main(["validate", "--no-exec", "."]) == 1
    out = capsys.readouterr().out.splitlines()
    expected: list[str] = []
    for case in CASES:
        expected += (BROKEN / f"{Path(case).stem}.expected").read_text("utf-8").splitlines()
    assert sorted(line.removeprefix("./") for line in out[:-1]) == sorted(expected)


def test_valid_corpus_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--no-exec", str(VALID)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith(
        "9 files, 6 lessons, 10 cells, 6 questions, 1 verification: no problems"
    )
