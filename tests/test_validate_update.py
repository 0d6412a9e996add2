"""``lectio validate --update``: expectations rewritten in place, nothing else touched.

The planning tests feed :func:`engine.validation.update.plan` a lesson and the checks its run
would give (no kernel); the last tests run real cells through ``lectio validate --update``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.format.loader import parse_document
from engine.format.models import Lesson
from engine.validation.report import Check
from engine.validation.update import FileUpdate, Mode, expected_text, plan

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "lessons" / "pytorch-essentials"


def _plan(text: str, checks: list[Check], mode: Mode = "failing") -> FileUpdate:
    doc, problems = parse_document(text.encode(), "l.yaml")
    assert not problems and isinstance(doc, Lesson)
    return plan(doc, checks, text, mode, "l.yaml")


def _failed(name: str, actual: str | None) -> Check:
    return Check(name, "failed", "output differs", actual=actual)


HEAD = "id: l\ntitle: L\nblocks:\n"


@pytest.mark.parametrize(
    ("before", "actual", "after"),
    [
        # a | block keeps its indentation, its comment and the blank line after it
        (
            "  - code: print(1)\n    expect: |  # what it prints\n        0\n\n  - text: t\n",
            "1\n",
            "  - code: print(1)\n    expect: |  # what it prints\n        1\n\n  - text: t\n",
        ),
        # a plain one-line value stays plain; a number-looking one is written as the author would
        (
            "  - code: print(1)\n    expect: 2 # c\n",
            "1\n",
            "  - code: print(1)\n    expect: 1 # c\n",
        ),
        (
            "  - code: print(1)\n    expect: x\n",
            "a: b\n",
            '  - code: print(1)\n    expect: "a: b"\n',
        ),
        # quoted values keep their quotes and their trailing newline
        (
            '  - code: print(1)\n    expect: "0\\n"\n',
            "1\n",
            '  - code: print(1)\n    expect: "1\\n"\n',
        ),
        (
            "  - code: print(1)\n    expect: '0'\n",
            "it's\n",
            "  - code: print(1)\n    expect: 'it''s'\n",
        ),
        # a one-line value given a multi-line output becomes a block, comment kept
        (
            "  - code: print(1)\n    expect: 0  # c\n  - text: t\n",
            "1\n2\n",
            "  - code: print(1)\n    expect: |  # c\n      1\n      2\n  - text: t\n",
        ),
        # the mapping form: only the stdout value changes
        (
            "  - code: print(1)\n    expect:\n      stdout: |\n        0\n",
            "1\n",
            "  - code: print(1)\n    expect:\n      stdout: |\n        1\n",
        ),
        # inside a flow mapping a block is impossible: a double-quoted string
        (
            "  - code: print(1)\n    expect: {stdout: '0'}\n",
            "1\n2\n",
            '  - code: print(1)\n    expect: {stdout: "1\\n2\\n"}\n',
        ),
        # an output whose first line starts with a space needs an indentation indicator
        (
            "  - code: print(1)\n    expect: |\n      0\n",
            "  1\n2\n",
            "  - code: print(1)\n    expect: |2\n        1\n      2\n",
        ),
        # control characters cannot live in a block: double-quoted, escaped
        (
            "  - code: print(1)\n    expect: |\n      0\n",
            "\x1b[31mred\x1b[0m\n",
            '  - code: print(1)\n    expect: "\\u001b[31mred\\u001b[0m\\n"\n',
        ),
        # trailing spaces and blank lines are dropped (the comparison ignores them)
        (
            "  - code: print(1)\n    expect: |\n      0\n",
            "1   \n\n\n",
            "  - code: print(1)\n    expect: |\n      1\n",
        ),
    ],
)
def test_failing_expect_rewritten_in_the_authors_style(
    before: str, actual: str, after: str
) -> None:
    update = _plan(HEAD + before, [_failed("cell 1", actual)])
    assert update.error is None, update.error
    assert update.new == HEAD + after
    assert update.updated == ["cell 1"]


def test_crlf_files_stay_crlf() -> None:
    text = (HEAD + "  - code: print(1)\n    expect: |\n      0\n  - text: t\n").replace(
        "\n", "\r\n"
    )
    update = _plan(text, [_failed("cell 1", "1\n2\n")])
    assert update.new == text.replace("      0\r\n", "      1\r\n      2\r\n")


def test_only_failing_stdout_expectations_of_cells_that_finished_are_updated() -> None:
    text = HEAD + (
        "  - code: print(1)\n    id: raised\n    expect: '1'\n"
        "  - code: print(2)\n    id: contains\n    expect: {contains: x}\n"
        "  - code: print(3)\n    id: passed\n    expect: '3'\n"
        "  - code: print(4)\n    id: none\n"
    )
    checks = [
        _failed("cell raised", None),  # it raised: never updated
        _failed("cell contains", "2\n"),
        Check("cell passed", "passed", actual="3\n"),
        Check("cell none", "passed", actual="4\n"),
    ]
    update = _plan(text, checks)
    assert update.new == text and not update.changed and update.updated == []
    assert [(c.name, why) for c, why in update.left] == [
        ("cell raised", "the cell raised or did not finish"),
        ("cell contains", "expect: contains is not rewritten by --update; edit it by hand"),
    ]


def test_update_all_adds_missing_expectations_after_the_code() -> None:
    text = HEAD + (
        "  - code: |\n      print(1)\n      print(2)\n\n    id: two  # the id\n"
        "  - code: x = 1\n"  # prints nothing: no expect
        "  - code: print(3)\n    hidden: true\n"  # setup cell: left alone
        "  - {code: print(4)}\n"
        "  - code: print(5)  # five\n"
    )
    checks = [
        Check("cell two", "passed", actual="1\n2\n"),
        Check("cell 2", "passed", actual=""),
        Check("cell 3", "passed", actual="3\n"),
        Check("cell 4", "passed", actual="4\n"),
        Check("cell 5", "passed", actual="5\n"),
    ]
    assert _plan(text, checks).new == text  # failing only: nothing to do
    update = _plan(text, checks, "all")
    assert update.new == HEAD + (
        "  - code: |\n      print(1)\n      print(2)\n    expect: |\n      1\n      2\n\n"
        "    id: two  # the id\n"
        "  - code: x = 1\n"
        "  - code: print(3)\n    hidden: true\n"
        "  - {code: print(4)}\n"
        "  - code: print(5)  # five\n    expect: |\n      5\n"
    )
    assert update.updated == ["cell two", "cell 5"]
    assert [why for _, why in update.left] == [
        "the block is written as a {...} mapping; add its expect by hand"
    ]


def test_expected_text() -> None:
    assert expected_text("a  \nb\n\n") == "a\nb\n"
    assert expected_text("\n\n") == ""
    assert expected_text("x") == "x\n"


def _lectio(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )


@pytest.mark.slow
def test_update_gives_back_the_bundled_lesson_byte_for_byte(tmp_path: Path) -> None:
    original = BUNDLED / "arithmetic-and-broadcasting.yaml"
    copy = tmp_path / "arithmetic-and-broadcasting.yaml"
    text = original.read_text(encoding="utf-8")
    broken = text
    for right, wrong in [
        ("      tensor([11., 22., 33.])\n", "      tensor([11., 22., 34.])\n"),
        ("      tensor([0.0000, 0.5000, 1.0000])\n", "      tensor([0.0000, 0.5000, 1.0001])\n"),
        ("      tensor([-1.,  0.,  1.])\n", "      tensor([-1., 0., 1.])\n"),
    ]:
        assert broken.count(right) == 1
        broken = broken.replace(right, wrong)
    copy.write_text(broken, encoding="utf-8")
    before = _lectio("validate", str(copy))
    assert before.returncode == 1 and before.stdout.count(": output differs") == 3
    done = _lectio("validate", "--update", str(copy))
    assert done.returncode == 0, done.stdout + done.stderr
    assert copy.read_bytes() == original.read_bytes()
    assert "-      tensor([11., 22., 34.])\n+      tensor([11., 22., 33.])\n" in done.stdout
    assert "updated the expect of cell elementwise, cell 2, cell 3" in done.stdout


@pytest.mark.slow
def test_update_never_touches_a_cell_that_raised(tmp_path: Path) -> None:
    lesson = tmp_path / "l.yaml"
    text = HEAD + (
        "  - code: print(1 / 0)\n    expect: '1'\n"
        "  - code: print(2)\n    expect: '3'\n"
        "  - code: print('new')\n"
    )
    lesson.write_text(text)
    done = _lectio("validate", "--update", str(lesson))
    assert done.returncode == 1
    assert f"{lesson}:4:11: cell 1: not updated: the cell raised or did not finish" in done.stderr
    assert lesson.read_text() == text.replace("expect: '3'", "expect: '2'")
    shutil.copy(lesson, tmp_path / "copy.yaml")
    done = _lectio("validate", "--update=all", str(lesson))
    assert lesson.read_text().endswith("  - code: print('new')\n    expect: |\n      new\n")
    assert _lectio("validate", "--update", "--no-exec", str(lesson)).returncode == 2


def test_listings_are_not_cells_when_numbering() -> None:
    text = HEAD + (
        "  - code: pip install torch\n    run: false\n    language: sh\n"
        "  - code: print(1)\n    expect: '0'\n"
    )
    update = _plan(text, [_failed("cell 1", "1\n")])
    assert update.new == text.replace("expect: '0'", "expect: '1'")


@pytest.mark.slow
def test_update_writes_the_output_as_normalize_leaves_it(tmp_path: Path) -> None:
    lesson = tmp_path / "n.yaml"
    lesson.write_text(
        HEAD + "  - code: print(object())\n    normalize: [addresses]\n    expect: 'x'\n"
    )
    done = _lectio("validate", "--update", str(lesson))
    assert done.returncode == 0, done.stdout + done.stderr
    assert lesson.read_text().endswith("    expect: '<object object at 0x...>'\n")
    assert _lectio("validate", str(lesson)).returncode == 0


def test_stdout_and_stderr_are_updated_apart_and_only_where_they_differ() -> None:
    text = HEAD + (
        "  - code: print(1)\n    expect:\n      stdout: |\n        1\n      stderr: |  # warning\n"
        "        old warning\n"
    )
    check = Check(
        "cell 1",
        "failed",
        "differs",
        actual="1\nnew warning\n",
        actual_alone="1\n",
        actual_stderr="new warning\n",
    )
    update = _plan(text, [check])
    assert update.error is None, update.error
    assert update.new == text.replace("        old warning\n", "        new warning\n")
    assert update.updated == ["cell 1"]
    unsplit = Check("cell 1", "failed", "differs", actual="1\n")  # streams not kept apart
    update = _plan(text, [unsplit])
    assert update.new == text
    assert [why for _, why in update.left] == [
        "the cell's standard error was not kept apart; not updated"
    ]


@pytest.mark.slow
def test_update_fixes_a_stale_stderr_expectation(tmp_path: Path) -> None:
    lesson = tmp_path / "e.yaml"
    lesson.write_text(
        HEAD
        + "  - code: |\n      import sys\n      print('out')\n      print('err', file=sys.stderr)\n"
        "    expect:\n      stdout: out\n      stderr: wrong\n"
    )
    assert _lectio("validate", str(lesson)).returncode == 1
    done = _lectio("validate", "--update", str(lesson))
    assert done.returncode == 0, done.stdout + done.stderr
    assert lesson.read_text().endswith("    expect:\n      stdout: out\n      stderr: err\n")
