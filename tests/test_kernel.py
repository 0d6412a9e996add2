"""The kernel: lifecycle, streaming, display, tracebacks, interrupts, limits, the fork server."""

from __future__ import annotations

import os
import resource
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from narrow import present

from engine.execution.forkserver import ForkServer
from engine.execution.kernel import Kernel
from engine.execution.results import CellStatus, KernelState

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kernel() -> Iterator[Kernel]:
    """A spawned kernel with torch preloaded, under the default limits."""
    states: list[KernelState] = []
    k = Kernel(on_state=states.append)
    k.start()
    k.states = states  # type: ignore[attr-defined]
    yield k
    k.shutdown()


@pytest.fixture
def light() -> Iterator[Kernel]:
    """A kernel without torch: starts in a few milliseconds, for restart-heavy tests."""
    k = Kernel(preload=(), interrupt_grace=0.5)
    yield k
    k.shutdown()


def test_start_returns_at_once_and_reports_ready(kernel: Kernel) -> None:
    assert kernel.wait_ready()
    states = kernel.states  # type: ignore[attr-defined]
    assert states[0] is KernelState.STARTING
    assert KernelState.READY in states
    assert kernel.state is KernelState.READY


def test_torch_is_imported_once_and_works_under_the_memory_cap(kernel: Kernel) -> None:
    result = kernel.execute(
        "import resource, sys, torch\n"
        "x = torch.randn(500, 500, requires_grad=True)\n"
        "(x @ x).sum().backward()\n"
        "print(resource.getrlimit(resource.RLIMIT_AS)[0], x.grad.shape)"
    )
    assert result.status is CellStatus.OK, result
    assert result.stdout == f"{4 << 30} torch.Size([500, 500])\n"


def test_print_and_last_expression_display(kernel: Kernel) -> None:
    result = kernel.execute("print('hi')\n6 * 7")
    assert (result.stdout, result.display) == ("hi\n", "42")
    assert kernel.execute("6 * 7;").display is None
    assert kernel.execute("None").display is None
    assert kernel.execute("'a' + 'b'").display == "'ab'"


def test_output_streams_while_the_cell_runs(kernel: Kernel, tmp_path: Path) -> None:
    """The cell cannot finish until lectio has received its first line: it waits for the file
    the output callback creates on seeing it. Without streaming it would time out."""
    seen: list[tuple[str, KernelState]] = []
    heard = tmp_path / "heard"

    def on_output(text: str) -> None:
        seen.append((text, kernel.state))
        if "first" in text:
            heard.touch()

    result = kernel.execute(
        "import os, time\nprint('first', flush=True)\n"
        f"while not os.path.exists({str(heard)!r}):\n    time.sleep(0.01)\nprint('second')",
        on_output=on_output,
        timeout=120,  # a hang guard: without streaming the cell waits forever
    )
    assert result.status is CellStatus.OK, result
    assert result.stdout == "first\nsecond\n"
    assert seen[0][0] == "first\n", seen
    assert seen[0][1] is KernelState.BUSY


def test_traceback_is_trimmed_to_cells_with_cell_lines(kernel: Kernel) -> None:
    kernel.execute("def half(v):\n    return v / 0\n", filename="<cell helpers>")
    result = kernel.execute("a = 1\nb = half(a)\n", filename="<cell use>")
    assert result.status is CellStatus.ERROR
    error = result.error
    assert error is not None
    assert (error.name, error.message, error.line) == ("ZeroDivisionError", "division by zero", 2)
    assert '"<cell use>", line 2' in error.traceback
    assert '"<cell helpers>", line 2, in half' in error.traceback
    assert "engine" not in error.traceback
    assert error.is_a("ArithmeticError") and not error.is_a("KeyError")


def test_syntax_error_is_an_error_with_its_line(kernel: Kernel) -> None:
    result = kernel.execute("x = 1\nx = = 2\n")
    assert result.status is CellStatus.ERROR
    assert result.error is not None and result.error.name == "SyntaxError"
    assert result.error.line == 2


def test_namespace_persists_and_reset_starts_fresh_with_seeds(kernel: Kernel) -> None:
    kernel.execute("keep = 5")
    assert kernel.execute("print(keep)").stdout == "5\n"
    draw = "import random, torch\nprint(random.random(), torch.rand(1).item())"
    kernel.reset(0)
    first = kernel.execute(draw).stdout
    kernel.execute(
        "import torch, builtins\ntorch.set_default_dtype(torch.float64)\n"
        "builtins.leaked = 1\ntorch.set_grad_enabled(False)"
    )
    kernel.reset(0)
    assert kernel.execute(draw).stdout == first
    after = kernel.execute(
        "import torch, builtins\n"
        "print(torch.get_default_dtype(), hasattr(builtins, 'leaked'), "
        "torch.is_grad_enabled())"
    )
    assert after.stdout == "torch.float32 False True\n"
    assert present(kernel.execute("keep").error).name == "NameError"


def test_cells_run_in_a_scratch_folder(kernel: Kernel) -> None:
    cwd = kernel.execute("import os\nos.getcwd()").display
    assert cwd is not None and "lectio-kernel-" in cwd
    assert Path(cwd.strip("'")) != Path.cwd()


def test_interrupt_from_another_thread_keeps_the_namespace(kernel: Kernel) -> None:
    kernel.execute("survivor = 'still here'")

    def on_output(text: str) -> None:
        if "go" in text:
            threading.Timer(0.05, kernel.interrupt).start()

    result = kernel.execute("import time\nprint('go')\ntime.sleep(30)", on_output=on_output)
    assert result.status is CellStatus.ERROR, result
    assert result.error is not None and result.error.name == "KeyboardInterrupt"
    assert result.detail == "interrupted"
    assert kernel.execute("survivor").display == "'still here'"


def test_pickling_classes_defined_in_cells(kernel: Kernel) -> None:
    result = kernel.execute(
        "import pickle\nclass Point:\n    x = 3\npickle.loads(pickle.dumps(Point())).x"
    )
    assert result.display == "3", result


def test_interrupt_that_is_swallowed_kills_and_restarts(light: Kernel) -> None:
    light.execute("gone = 1")
    generation = light.generation

    def on_output(text: str) -> None:
        threading.Timer(0.05, light.interrupt).start()

    result = light.execute(
        "import time\nprint('go')\nwhile True:\n    try:\n        time.sleep(0.01)\n"
        "    except KeyboardInterrupt:\n        pass",
        on_output=on_output,
    )
    assert result.status is CellStatus.CRASHED, result
    assert "did not stop when interrupted" in result.detail
    assert light.generation == generation + 1
    assert present(light.execute("gone").error).name == "NameError"


def test_restart_and_shutdown(light: Kernel) -> None:
    light.execute("v = 1")
    generation = light.generation
    light.restart()
    assert light.generation == generation + 1
    assert present(light.execute("v").error).name == "NameError"
    scratch = light.execute("import os\nos.getcwd()").display
    light.shutdown()
    assert light.state is KernelState.DEAD
    assert scratch is not None and not Path(scratch.strip("'")).exists()
    assert light.execute("print(2)").stdout == "2\n"  # starts again on demand


def test_shutdown_from_another_thread_ends_a_running_cell(light: Kernel) -> None:
    light.wait_ready()
    threading.Timer(0.3, light.shutdown).start()
    result = light.execute("import time\ntime.sleep(30)")
    assert result.status is CellStatus.CRASHED
    assert "shut down" in result.detail


def test_output_cap_is_configurable() -> None:
    with Kernel(preload=(), output_limit=100) as small:
        result = small.execute("print('y' * 1000)\nprint('end')")
    assert result.status is CellStatus.OK
    assert result.truncated
    assert result.stdout.startswith("y" * 100)
    assert "output truncated" in result.stdout and "end" not in result.stdout


def test_memory_limit_none_means_no_cap() -> None:
    with Kernel(preload=(), memory_limit=None) as free:
        result = free.execute("import resource\nresource.getrlimit(resource.RLIMIT_AS)[0]")
    assert result.display == str(resource.getrlimit(resource.RLIMIT_AS)[0])


def test_a_missing_preload_module_is_not_fatal() -> None:
    with Kernel(preload=("no_such_module_for_lectio",)) as k:
        assert k.execute("print(1)").stdout == "1\n"
        assert k.missing_modules(["json", "no_such_module_for_lectio"]) == [
            "no_such_module_for_lectio"
        ]


def test_many_cells_round_trip(light: Kernel) -> None:
    for i in range(200):
        assert light.execute(f"print({i})").stdout == f"{i}\n"


def test_output_larger_than_a_pipe_arrives_whole_before_the_reply(light: Kernel) -> None:
    """Right after a request lectio waits for the reply only (Kernel's QUIET_WINDOW): a cell
    whose output fills the pipe blocks until lectio reads it, then finishes with all of it."""
    chunks: list[str] = []
    line = "x" * 99
    result = light.execute(f"for i in range(3000):\n    print({line!r})", on_output=chunks.append)
    assert result.status is CellStatus.OK, result
    assert result.stdout == (line + "\n") * 3000
    assert "".join(chunks) == result.stdout


# -- the fork server ---------------------------------------------------------------------------


PARALLEL_OP = (
    "import torch\n"
    "x = torch.randn(1000, 1000)\n"
    "for _ in range(5):\n"
    "    x = torch.tanh(x @ x)\n"
    "print(torch.get_num_threads())"
)


def test_forked_kernels_restore_threads_and_are_isolated() -> None:
    with ForkServer() as server:
        info = server.wait_ready()
        assert info["preloaded"] == ["torch"]
        first = Kernel(forkserver=server)
        result = first.execute(PARALLEL_OP + "\ntorch.set_default_dtype(torch.float64)", timeout=60)
        assert result.status is CellStatus.OK, result
        assert result.stdout == f"{info['threads']}\n"
        first.shutdown()
        second = Kernel(forkserver=server)
        dtype = second.execute("import torch\ntorch.get_default_dtype()").display
        second.shutdown()
    assert dtype == "torch.float32"


def test_a_reply_longer_than_one_read_of_the_control_pipe_arrives_whole(kernel: Kernel) -> None:
    """The control pipes are read 64 KiB at a time: a long reply (a message of 30,000 escaped
    characters: about 180 KB on the pipe) is put together from several reads, and checked."""
    result = kernel.execute("raise ValueError('\u00e9' * 30000)")
    assert result.status is CellStatus.ERROR, result
    assert result.error is not None
    assert result.error.message == "\u00e9" * 30000
    assert kernel.execute("print('next')").stdout == "next\n"


FRESH_LESSON = """\
import ctypes, random, sys, resource, torch
hidden = not any(name.startswith("engine.execution") and name != "engine.execution.richdisplay"
                 for name in sys.modules)
first_torch, first_random = torch.rand(1).item(), random.random()
torch.manual_seed(0); random.seed(0)
seeded = first_torch == torch.rand(1).item() and first_random == random.random()
dumpable = ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)
names = sorted(n for n in globals() if not n.startswith("_"))
print(hidden, seeded, dumpable, resource.getrlimit(resource.RLIMIT_AS)[0], "leak" in names)
leak = torch.manual_seed(7)
"""


def test_every_forked_kernel_starts_as_a_fresh_walled_off_lesson() -> None:
    """What a forked child does ahead of the lesson that takes it (the server hides lectio's
    modules and warms its caches before forking) leaves each lesson a fresh kernel: seeded,
    lectio's modules hidden, non-dumpable, under its memory cap, nothing of the last lesson."""
    with ForkServer(warm=()) as server:
        outputs = []
        for _ in range(3):
            kernel = Kernel(forkserver=server, memory_limit=3 << 30)
            outputs.append(kernel.execute(FRESH_LESSON, timeout=60).stdout)
            kernel.shutdown()
    assert outputs == [f"True True 0 {3 << 30} False\n"] * 3


def test_fork_after_a_multithreaded_op_still_meets_its_deadline() -> None:
    """The known trap, set on purpose: the child may hang in OpenMP; the deadline still kills it."""
    if (os.cpu_count() or 1) < 2:
        pytest.skip("needs two cores for a multi-threaded torch operation")
    with ForkServer(unsafe_warmup=True) as server:
        info = server.wait_ready()
        kernel = Kernel(forkserver=server, interrupt_grace=0.5)
        result = kernel.execute(PARALLEL_OP, timeout=2)
        after = kernel.execute("print('fresh')")
        kernel.shutdown()
    assert info["threads"] > 1
    assert result.status is CellStatus.TIMEOUT, result
    assert "did not stop when interrupted" in result.detail
    assert after.stdout == "fresh\n"


def test_a_kernel_that_cannot_start_says_why() -> None:
    """Under an absurd memory cap the worker dies while starting: a located reason, no hang."""
    with Kernel(preload=("torch",), memory_limit=30 << 20) as starved:
        result = starved.execute("print(1)")
        assert result.status is CellStatus.CRASHED
        assert result.detail.startswith("the kernel could not start: ")  # exit status or signal
        assert result.stdout  # what the worker printed before dying (the import error)
        assert starved.state is KernelState.DEAD


ORPHAN = """
import os
from engine.execution.kernel import Kernel
kernel = Kernel(preload=())
print(kernel.execute("import os; print(os.getcwd())").stdout.strip(), flush=True)
os.kill(os.getpid(), 9)  # lectio dies without tidying up
"""


def test_scratch_folders_do_not_outlive_a_killed_lectio(tmp_path: Path) -> None:
    import subprocess
    import sys

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    stale = tmp_path / f"lectio-kernel-{dead}-stale"
    stale.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", ORPHAN],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    scratch = Path(done.stdout.strip())
    assert scratch.parent == tmp_path, done
    assert not stale.exists()  # swept by the next lectio process that started a kernel
    deadline = time.monotonic() + 60  # a hang guard, not a bound: the worker removes it at once
    while scratch.exists() and time.monotonic() < deadline:  # removed by the orphaned worker
        time.sleep(0.02)
    assert not scratch.exists()


ORPHAN_BUSY = """
import os, threading
from engine.execution.kernel import Kernel
kernel = Kernel(preload=())
kernel.wait_ready()
print(kernel.pid, kernel.execute("import os; print(os.getcwd())").stdout.strip(), flush=True)
looping = threading.Event()
cell = "print('looping', flush=True)\\nwhile True: pass"
threading.Thread(
    target=kernel.execute, args=(cell,), kwargs={"on_output": lambda _: looping.set()}, daemon=True
).start()
assert looping.wait(60)  # a hang guard: the cell says at once that it runs
os.kill(os.getpid(), 9)  # lectio dies while a cell loops forever
"""


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except FileNotFoundError:
        return True
    return state in {"Z", "X"}


def test_a_cell_never_outlives_a_killed_lectio() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", ORPHAN_BUSY], capture_output=True, text=True, timeout=60, check=False
    )
    pid, scratch = done.stdout.split()
    deadline = time.monotonic() + 60  # a hang guard, not a bound
    while not _gone(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(int(pid))
    assert not Path(scratch).exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8G", 8 << 30),
        ("512M", 512 << 20),
        ("2GiB", 2 << 30),
        ("1.5g", 3 << 29),
        ("1048576", 1 << 20),
        ("none", None),
        ("0", None),
        ("lots", 7),
        ("", 7),
        ("-1G", 7),
    ],
)
def test_limits_from_the_environment(
    text: str, expected: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.execution.kernel import size_from_env

    monkeypatch.setenv("LECTIO_TEST_SIZE", text)
    assert size_from_env("LECTIO_TEST_SIZE", 7) == expected


FRAME_FILTER = r"""
from engine.execution.kernel import without_kernel_frames
hostile = '  File "' + "/engine/execution/" * 60000 + "\n"
dump = (
    "Fatal Python error: Segmentation fault\n"
    + hostile
    + '  File "/x/engine/execution/worker.py", line 3 in serve\n'
    + '  File "<cell a>", line 2 in <module>\n'
)
kept = without_kernel_frames(dump)
assert "worker.py" not in kept, "the kernel's frame was kept"
assert '"<cell a>", line 2' in kept, "the cell's frame was dropped"
assert hostile in kept, "the hostile line was dropped"
print("filtered")
"""


def test_crash_dump_filter_is_linear_on_a_hostile_line() -> None:
    """A cell can print a megabyte line shaped like a frame before it crashes: the filter of
    the kernel's own frames must not backtrack on it (a regex did: minutes). It runs in a child
    process so that a backtracking filter (which holds the GIL) fails the hang guard instead of
    hanging the suite; the guard is minutes above the milliseconds a linear filter takes."""
    import subprocess
    import sys

    try:
        done = subprocess.run(
            [sys.executable, "-c", FRAME_FILTER], capture_output=True, text=True, timeout=120
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the frame filter hung (backtracking) on a hostile line")
    assert done.returncode == 0 and done.stdout == "filtered\n", done.stderr[-2000:]


@pytest.mark.slow
def test_a_lesson_with_an_optimizer_gets_a_kernel_that_imported_dynamo() -> None:
    """The first ``opt.step()`` imports ``torch._dynamo`` (a second or more): a kernel for a
    lesson that uses ``optim`` does it before it says ready; one for other lessons does not."""
    from engine.execution.executor import LessonExecutor
    from engine.format.models import Lesson

    probe = "import sys\nprint('torch._dynamo' in sys.modules)"
    for code, warmed in (("import torch\nopt = torch.optim.SGD", True), ("x = 1", False)):
        lesson = Lesson.model_validate({"id": "l", "title": "t", "blocks": [{"code": code}]})
        kernel = Kernel()
        try:
            LessonExecutor(lesson, kernel)
            assert kernel.warm == ({"optim"} if warmed else set())
            assert kernel.execute(probe).stdout == f"{warmed}\n"
        finally:
            kernel.shutdown()
