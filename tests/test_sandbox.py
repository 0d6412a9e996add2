"""Sandboxed kernels (``LECTIO_SANDBOX=1``): cells that try to escape are refused.

Each case is a cell that prints ``ESCAPED`` if it got out and ``REFUSED: <why>`` if not; the
same cells run without the sandbox escape (checked by ``test_the_cells_escape_without_it``), so
these tests fail when the sandbox is broken. Under CI a machine that cannot make a sandbox is a
failure, elsewhere a skip.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.execution import sandbox
from engine.execution.kernel import Kernel
from engine.execution.results import CellStatus


@pytest.fixture(scope="module")
def can_sandbox() -> None:
    why = sandbox.problem()
    if why is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the kernel sandbox cannot be made under CI: {why}")
    pytest.skip(f"the kernel sandbox cannot be made here: {why}")


@pytest.fixture
def kernel(can_sandbox: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Kernel]:
    monkeypatch.setenv("LECTIO_SANDBOX", "1")
    monkeypatch.setenv("LECTIO_KERNEL_NPROC", "32")
    monkeypatch.setenv("LECTIO_KERNEL_TMP", "16M")  # /tmp and /dev/shm: RAM, not on disk
    monkeypatch.setenv("LECTIO_STORE", "postgresql://lectio:secret@db/class")
    k = Kernel(preload=())
    yield k
    k.shutdown()


@pytest.fixture
def targets(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Things outside the sandbox: a listening TCP port, a store, another scratch folder."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    store = tmp_path / "data" / "lectio.db"
    store.parent.mkdir()
    sqlite3.connect(store).execute("CREATE TABLE secret (x)").connection.commit()
    other = Path(tempfile.mkdtemp(prefix="lectio-kernel-1-"))
    (other / "answers.txt").write_text("another learner's work")
    yield {
        "port": str(listener.getsockname()[1]),
        "store": str(store),
        "other": str(other / "answers.txt"),
        "outside": str(tmp_path / "written-by-a-cell.txt"),
        "engine": str(Path(sandbox.__file__).parent / "planted.py"),
        "lectio_pid": str(os.getpid()),
    }
    listener.close()
    (other / "answers.txt").unlink()
    other.rmdir()


CELLS = {
    "tcp-to-the-host": """
import socket
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2)
    print("ESCAPED")
except OSError as e:
    print("REFUSED:", e)
""",
    "the-internet": """
import socket
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2)
    print("ESCAPED")
except OSError as e:
    print("REFUSED:", e)
""",
    "read-the-store": """
try:
    open({store!r}, "rb").read()
    print("ESCAPED")
except OSError as e:
    print("REFUSED:", e)
""",
    "store-url-in-the-environment": """
import os
print("ESCAPED" if "LECTIO_STORE" in os.environ else "REFUSED: not in the environment")
""",
    "read-another-scratch-folder": """
try:
    print("ESCAPED", open({other!r}).read())
except OSError as e:
    print("REFUSED:", e)
""",
    "write-outside-scratch": """
import os
try:
    os.makedirs(os.path.dirname({outside!r}), exist_ok=True)
    open({outside!r}, "w").write("x")
except OSError as e:
    pass
try:
    open({engine!r}, "w").write("import os")
    print("ESCAPED")
except OSError as e:
    print("REFUSED:", e)
""",
    "fill-memory-through-tmpfs": """
import os
escaped, why = [], None
for folder in ("/tmp", "/dev/shm", "/", "/dev"):
    path = os.path.join(folder, "lectio-filler")
    try:
        with open(path, "wb") as f:
            for _ in range(64):
                f.write(bytes(1 << 20))
                f.flush()
        escaped.append(folder)
    except OSError as e:
        why = e
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass
print("ESCAPED", escaped) if escaped else print("REFUSED:", why)
""",
    "nested-user-namespace": """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
pid = os.fork()
if pid == 0:  # alone in its process: unshare refuses a user namespace to a threaded one
    os._exit(0 if libc.unshare(0x10000000) == 0 else ctypes.get_errno() or 1)
code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
print("ESCAPED" if code == 0 else "REFUSED: " + os.strerror(code))
""",
    "signal-lectio": """
import os, signal
try:
    os.kill({lectio_pid}, 0)
    print("ESCAPED")
except OSError as e:
    print("REFUSED:", e)
""",
    "fork-many": """
import os, time
made = 0
try:
    for _ in range(300):
        pid = os.fork()
        if pid == 0:
            time.sleep(60)
            os._exit(0)
        made += 1
    print("ESCAPED", made)
except OSError as e:
    print("REFUSED:", made, e)
""",
}


def _run(kernel: Kernel, name: str, targets: dict[str, str]) -> str:
    result = kernel.execute(CELLS[name].format(**targets), timeout=60)
    assert result.status is CellStatus.OK, (result.status, result.stdout, result.detail)
    return result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CELLS))
def test_an_escape_is_refused(kernel: Kernel, targets: dict[str, str], name: str) -> None:
    out = _run(kernel, name, targets)
    assert out.startswith("REFUSED"), out
    assert not Path(targets["outside"]).exists()
    assert not Path(targets["engine"]).exists()
    if name == "fork-many":
        assert int(out.split()[1]) < 32  # the cap, not the loop's end


@pytest.mark.slow
def test_the_cells_escape_without_it(
    targets: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cells are real attempts: unconfined, the ones that need no root do get out."""
    monkeypatch.setenv("LECTIO_SANDBOX", "0")
    monkeypatch.setenv("LECTIO_STORE", "postgresql://lectio:secret@db/class")
    k = Kernel(preload=())
    try:
        escapes = ("tcp-to-the-host", "read-the-store", "read-another-scratch-folder")
        for name in (*escapes, "nested-user-namespace"):
            assert _run(k, name, targets).startswith("ESCAPED"), name
        assert _run(k, "store-url-in-the-environment", targets).startswith("ESCAPED")
    finally:
        k.shutdown()


@pytest.mark.slow
def test_a_sandboxed_kernel_still_works_and_is_interrupted(kernel: Kernel) -> None:
    ok = kernel.execute("x = 6 * 7\nprint(x, open('here.txt', 'w').write('scratch is writable'))")
    assert (ok.status, ok.stdout.split()[0]) == (CellStatus.OK, "42")
    generation = kernel.generation
    stuck = kernel.execute("while True:\n    pass", timeout=1.0)
    assert stuck.status is CellStatus.TIMEOUT
    assert kernel.generation == generation  # interrupted inside the sandbox, not killed
    after = kernel.execute("print(x)")
    assert after.stdout.strip() == "42"


@pytest.mark.slow
def test_matplotlib_imports_quietly_in_a_sandbox(kernel: Kernel) -> None:
    """Its font list asks fontconfig, whose configuration lives in /etc/fonts: missing, every
    sandboxed lesson that imported pyplot showed 'Fontconfig error' under the cell."""
    pytest.importorskip("matplotlib")
    done = kernel.execute("import matplotlib.pyplot as plt", timeout=60)
    assert (done.status, done.stdout, done.err) == (CellStatus.OK, "", None), done


def test_a_bubblewrap_too_old_for_the_sandbox_is_refused_saying_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before 0.8.0 bwrap knows neither --size nor --disable-userns (Ubuntu 22.04 has 0.6.1)."""
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho bubblewrap 0.6.1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(sandbox.SandboxError, match=r"0\.6\.1 is too old: .* 0\.8\.0 or newer"):
        sandbox.wrap(["/bin/true"], cwd=str(tmp_path))


def test_sandbox_flag_refuses_when_no_sandbox_can_be_made(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from engine.cli import main

    monkeypatch.setattr(sandbox, "problem", lambda: "bubblewrap is not installed")
    lesson = str(Path(__file__).parents[1] / "lessons" / "pytorch-essentials" / "gradients.yaml")
    assert main(["validate", "--sandbox", lesson]) == 1
    assert "cannot make a kernel sandbox: bubblewrap is not installed" in capsys.readouterr().err
    code = main(["open", "--plain", "--sandbox", "--data-dir", str(tmp_path), lesson])
    assert code == 1
    assert "cannot make a kernel sandbox" in capsys.readouterr().err


@pytest.mark.slow
def test_validate_sandbox_runs_a_lesson(
    can_sandbox: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from engine.cli import main

    monkeypatch.setenv("LECTIO_SANDBOX", "0")  # restored (unset) after the test
    lesson = str(Path(__file__).parents[1] / "lessons" / "pytorch-essentials" / "gradients.yaml")
    assert main(["validate", "--sandbox", lesson]) == 0
    assert os.environ.get("LECTIO_SANDBOX") == "1"
    assert "no problems" in capsys.readouterr().out


@pytest.mark.slow
def test_a_sandboxed_kernel_reads_the_course_data_and_shares_the_cells_cache(
    kernel: Kernel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.execution.coursedata import readonly_copy

    monkeypatch.setenv("LECTIO_CACHE", str(tmp_path / "cache"))
    data = Path(__file__).parent / "data" / "tutorials" / "regression" / "data"
    kernel.mount_data(readonly_copy(data))
    code = """
import os
print(sorted(os.listdir("data")) == {names!r})
try:
    open("data/planted.txt", "w").write("x")
    print("ESCAPED")
except OSError as e:
    print("REFUSED:", e.strerror)
cache = os.environ["LECTIO_CACHE"]
open(os.path.join(cache, "downloaded.bin"), "w").write("kept for the next run")
print(os.environ.get("MPLBACKEND", "no backend"))
"""
    names = sorted(p.name for p in data.iterdir())
    out = kernel.execute(code.format(names=names)).stdout.splitlines()
    assert out[0] == "True"  # the course's data/ is there
    assert out[1].startswith("REFUSED")  # and read-only
    assert (tmp_path / "cache" / "downloaded.bin").read_text() == "kept for the next run"
    assert out[2] == "module://engine.execution.mpl_backend"  # figures still reach the output
