"""What cells show and need, run in real kernels (the contract, "Additions"): pictures in order
with text, IPython-style values, stderr apart, normalize, requires (cuda, network) skipped with
the reason, listings never run, data/ read-only, the persistent cache, IPython lines explained.

The course is tests/data/tutorials/rich: results.yaml must pass, failing.yaml must fail with
the located messages below.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.execution.executor import LessonExecutor
from engine.execution.kernel import Kernel
from engine.execution.results import CellStatus
from engine.format.catalog import load_course_dir

pytestmark = pytest.mark.slow
pytest.importorskip("matplotlib")

COURSE = Path(__file__).parent / "data" / "tutorials" / "rich"


def validate(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine", "validate", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "LECTIO_CACHE": str(cache)},
    )


def test_validate_runs_the_tutorial_course(tmp_path: Path) -> None:
    done = validate("--format", "json", str(COURSE), cache=tmp_path)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    checks = {(Path(f["path"]).name, c["name"]): c for f in report["files"] for c in f["checks"]}
    statuses = {key: c["status"] for key, c in checks.items() if key[1].startswith("cell")}
    assert statuses == {
        ("results.yaml", "cell plot"): "passed",
        ("results.yaml", "cell warn"): "passed",
        ("results.yaml", "cell address"): "passed",
        ("results.yaml", "cell timing"): "passed",
        ("results.yaml", "cell pretty"): "passed",
        ("results.yaml", "cell on-gpu"): "skipped",
        ("results.yaml", "cell uses-gpu"): "passed",
        ("results.yaml", "cell download"): "skipped",
        ("results.yaml", "cell read-data"): "passed",
        ("results.yaml", "cell data-read-only"): "passed",
        ("results.yaml", "cell cache"): "passed",
        ("failing.yaml", "cell no-plot"): "failed",
        ("failing.yaml", "cell diff"): "failed",
        ("failing.yaml", "cell stderr"): "failed",
    }
    assert report["summary"]["cells"] == 14  # the run: false listing is not a cell
    gpu = checks[("results.yaml", "cell on-gpu")]
    assert gpu["message"].startswith("skipped: needs CUDA") and gpu["line"] == 42
    net = checks[("results.yaml", "cell download")]
    assert "needs the network" in net["message"] and "--network" in net["message"]
    no_plot = checks[("failing.yaml", "cell no-plot")]
    assert (no_plot["line"], no_plot["col"]) == (6, 23)
    assert no_plot["message"].startswith("figures: expected 1 figure, the cell made none")
    diff = checks[("failing.yaml", "cell diff")]
    assert "after normalize (ansi, addresses, /took [0-9.]+ s/ -> 'took N s')" in diff["message"]
    assert "+<object object at 0x...> took N s" in diff["detail"]
    stderr = checks[("failing.yaml", "cell stderr")]
    assert (stderr["line"], stderr["col"]) == (18, 37)
    assert "-nothing" in stderr["detail"] and "+oops" in stderr["detail"]


def test_strict_fails_on_skips_and_network_runs_them(tmp_path: Path) -> None:
    results = str(COURSE / "results.yaml")
    assert validate(results, cache=tmp_path).returncode == 0
    strict = validate("--strict", results, cache=tmp_path)
    assert strict.returncode == 1
    lines = [line for line in strict.stdout.splitlines() if "--strict" in line]
    assert len(lines) == 2
    assert "cell on-gpu: skipped, and --strict fails on any skip: needs CUDA" in lines[0]
    online = validate("--network", "-v", results, cache=tmp_path)
    assert online.returncode == 0
    assert "cell download" not in online.stdout and "cell on-gpu" in online.stdout


@pytest.fixture(scope="module")
def executor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LessonExecutor]:
    mp = pytest.MonkeyPatch()
    mp.setenv("LECTIO_CACHE", str(tmp_path_factory.mktemp("cache")))
    lesson = load_course_dir(COURSE).lessons["results"]
    kernel = Kernel(preload=("torch",))
    yield LessonExecutor(lesson, kernel)
    kernel.shutdown()
    mp.undo()


def index(executor: LessonExecutor, cell_id: str) -> int:
    return next(
        i for i, b in enumerate(executor.lesson.blocks) if getattr(b, "id", None) == cell_id
    )


def test_pictures_come_in_order_with_the_text(executor: LessonExecutor) -> None:
    code = (
        "import matplotlib.pyplot as plt\n"
        "print('one')\nplt.plot([1, 2])\nplt.show()\n"
        "print('two')\nplt.figure()\nplt.plot([2, 1])\n"
    )
    result = executor.kernel.execute(code, timeout=60)
    assert result.status is CellStatus.OK and result.stdout == "one\ntwo\n"
    assert [(p.width, p.height, p.at) for p in result.pictures] == [(640, 480, 4), (640, 480, 8)]
    assert result.picture_count == 2 and all(
        p.png and p.png[:4] == b"\x89PNG" for p in result.pictures
    )
    again = executor.kernel.execute(
        "import matplotlib.pyplot as plt\nplt.get_fignums()", timeout=10
    )
    assert again.display == "[]"  # shown and left-open figures are closed


def test_a_kernel_picture_is_checked_before_anyone_draws_it(executor: LessonExecutor) -> None:
    code = (
        "class Bad:\n    def _repr_png_(self):\n"
        "        return b'\\x89PNG\\r\\n\\x1a\\n' + b'x' * 40\n"
        "Bad()"
    )
    result = executor.kernel.execute(code, timeout=10)
    assert result.picture_count == 1 and result.pictures[0].png is None
    assert "not a sound PNG" in result.pictures[0].problem


def test_repr_pretty_without_ipython_and_repr_otherwise(executor: LessonExecutor) -> None:
    code = (
        "class P:\n    def _repr_pretty_(self, p, cycle):\n"
        "        with p.group(1, '<', '>'):\n"
        "            p.text('a'); p.breakable(); p.pretty([1])\n"
        "P()"
    )
    assert executor.kernel.execute(code, timeout=10).display == "<a [1]>"
    assert executor.kernel.execute("{'a': 1}", timeout=10).display == "{'a': 1}"


def test_a_name_from_a_skipped_cell_says_so(executor: LessonExecutor) -> None:
    results = executor.run_cell(index(executor, "uses-gpu"))
    skipped = [r for i, r in results if i == index(executor, "on-gpu")]
    assert not skipped  # the skipped cell is not run again, nor reported as failed
    error = results[-1][1].error
    assert error is not None and error.name == "NameError"
    assert "cell on-gpu defines it, but it was skipped (needs CUDA" in error.message
    gpu = executor.run_cell(index(executor, "on-gpu"))
    assert [r.status for _, r in gpu] == [CellStatus.SKIPPED]
    assert gpu[0][1].extra == {"unmet": "cuda"}


def test_a_listing_is_never_run(executor: LessonExecutor) -> None:
    result = executor.run_cell(0)
    assert [r.status for _, r in result] == [CellStatus.SKIPPED]
    assert not executor.ran(0)


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("%matplotlib inline", "'%matplotlib' is IPython syntax, not Python; it is not needed"),
        (
            "!pip install torch",
            "'!pip' is IPython syntax, not Python; show the command as a listing",
        ),
    ],
)
def test_ipython_lines_typed_by_a_learner(executor: LessonExecutor, code: str, says: str) -> None:
    result = executor.kernel.execute(f"x = 1\n{code}\n", timeout=10)
    assert result.error is not None and result.error.name == "SyntaxError"
    assert result.error.message.startswith(says) and result.error.line == 2


def test_the_autograd_tutorial_validates(tmp_path: Path) -> None:
    """tests/data/tutorials/autograd, written as an author brings PyTorch's autograd tutorial
    over: every cell passes or is skipped with its reason (torchvision and the network, CUDA),
    C-level stderr apart from stdout, a plot counted."""
    done = validate("--format", "json", str(COURSE.parent / "autograd"), cache=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    statuses = {
        c["name"]: c["status"]
        for f in report["files"]
        for c in f["checks"]
        if c["name"][:5] == "cell "
    }
    assert statuses == {
        "cell build": "passed",
        "cell backward": "passed",
        "cell plot": "passed",
        "cell pretrained": "skipped",
        "cell on-gpu": "skipped",
        "cell c-stderr": "passed",
        "cell symbolic": "passed",
    }
