"""The pytest plugin: opt-in collection of lesson and quiz files, one item per cell and question."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data" / "execution"

QUIZ = """id: review
title: Review
questions:
  - ref: demo/basic#read-grad
  - ref: demo/basic#no-such-question
  - question: Which is two?
    id: two
    verify: assert 1 + 1 == 2
    choices:
      - {text: "2", correct: true}
      - {text: "3"}
"""

BROKEN = """id: broken
title: Broken
blocks:
  - code: print(1)
    expect: {stdout: "1", contains: "1"}
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project with a course folder, a quiz, and YAML that is not lectio's."""
    course = pytester.path / "lessons" / "demo"
    course.mkdir(parents=True)
    (course / "course.yaml").write_text(
        "id: demo\ntitle: Demo\nsections:\n  - title: All\n    lessons: [basic, failing, broken]\n"
    )
    for name in ("basic", "failing", "requires"):
        shutil.copy(DATA / f"{name}.yaml", course / f"{name}.yaml")
    (course / "broken.yaml").write_text(BROKEN)
    (pytester.path / "quizzes").mkdir()
    (pytester.path / "quizzes" / "review.yaml").write_text(QUIZ)
    (pytester.path / "settings.yaml").write_text("name: not a lesson\nblocks_of_text: 3\n")
    (pytester.path / "docker-compose.yml").write_text("services: {}\n")
    return pytester


def test_nothing_is_collected_without_opting_in(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("--collect-only", "-q")
    assert "no tests collected" in result.stdout.str() or result.ret == 5


def test_lessons_and_quizzes_become_items_with_located_failures(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("--lectio", "-v", "-rs")
    out = result.stdout.str()
    # basic: 6 cells, 1 graph, 1 question; failing: 7 cells, 1 question; broken: schema;
    # requires: 1 cell, 1 question (skipped: a module is missing); quiz: 3
    result.assert_outcomes(passed=12, failed=7, skipped=2)
    assert "requires.yaml:5: skipped: the lesson requires the module no_such_module" in out
    for node in (
        "basic.yaml::cell[make-y] PASSED",
        "basic.yaml::question[read-grad] PASSED",
        "basic.yaml::graph[y] PASSED",
        "failing.yaml::cell[after] PASSED",
        "failing.yaml::cell[raises] FAILED",
        "failing.yaml::question[wrong-key] FAILED",
        "broken.yaml::schema FAILED",
        "review.yaml::ref[demo/basic#read-grad] PASSED",
        "review.yaml::ref[demo/basic#no-such-question] FAILED",
        "review.yaml::question[two] PASSED",
    ):
        assert node in out, node
    assert "settings.yaml" not in out and "docker-compose" not in out
    assert "failing.yaml:15:7: cell[raises]: NameError" in out
    assert ">   15 | w = undefined_name + 1" in out
    assert "-10.0" in out and "+9.0" in out
    assert "broken.yaml:5:" in out


def test_ini_option_selection_and_stop_at_first_failure(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nlectio_collect = true\n")
    selected = project.runpytest_subprocess("-k", "basic and read-grad and not ref", "-v")
    selected.assert_outcomes(passed=1)  # its cells above ran first, inside the item
    stopped = project.runpytest_subprocess("-x", "lessons/demo/failing.yaml")
    stopped.assert_outcomes(passed=1, failed=1)


NEEDS = """id: needs
title: Needs
blocks:
  - code: print("cpu")
    expect: cpu
  - code: print("gpu")
    id: on-gpu
    requires: [cuda]
  - code: print("online")
    id: online
    requires: [network]
    expect: online
  - code: pip install torch
    run: false
    language: bash
"""


def test_unmet_requires_are_pytest_skips_with_the_reason(pytester: pytest.Pytester) -> None:
    (pytester.path / "needs.yaml").write_text(NEEDS)
    result = pytester.runpytest_subprocess("--lectio", "-v", "-rs", "needs.yaml")
    result.assert_outcomes(passed=1, skipped=2)  # the listing is not an item
    result.stdout.fnmatch_lines(
        ["*needs.yaml:6: *needs CUDA*", "*needs.yaml:9: *needs the network*"]
    )
    online = pytester.runpytest_subprocess("--lectio", "--lectio-network", "needs.yaml")
    online.assert_outcomes(passed=2, skipped=1)
