"""Misbehaving cells (tests/data/cells/*.py): each fails alone; the next cell and lesson pass.

Each data file starts with ``# key: value`` lines saying what must happen:
``status`` (ok/error/timeout/crashed), ``timeout`` (seconds), ``error`` (exception class),
``detail`` (text in the detail or error message), ``memory-limit`` (MiB, default 4096),
``kernel`` (survives: the namespace is kept; restarted: a fresh worker), ``truncated``,
``stdout-contains``, ``children: killed`` (the pids it prints after ``children:`` must be gone
once the kernel stops), ``next`` (code, ``\\n`` for newlines, run after the next cell) and
``next-stdout`` (what it must print), ``traceback-contains`` (text in the error's traceback),
``split: true`` (run with stdout and stderr apart, as for ``expect: {stderr}``) with
``stdout-alone`` and ``stderr-alone`` (what each must be, ``\\n`` for newlines), and
``shared: interleaved`` (the shared output holds every line of both, each stream in its own
order: the order between two pipes is the order the relay read them in, not guaranteed).
``status`` may list alternatives: ``ok|timeout``.

No test here asserts a time. A file sets ``timeout`` only where running out of time is what it
tests; the others run under ``HANG_GUARD`` seconds, far above what any cell needs, so that a
loaded machine slows a cell down without failing it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from narrow import present

from engine.execution.forkserver import ForkServer
from engine.execution.kernel import Kernel
from engine.execution.results import CellStatus
from engine.execution.validate import execute_lessons
from engine.format.loader import load_lesson

pytestmark = pytest.mark.slow

CELLS = sorted((Path(__file__).parent / "data" / "cells").glob("*.py"))


def assert_interleaving(shared: str, out: str, err: str) -> None:
    """``shared`` is ``out`` and ``err`` merged line by line, each keeping its own order."""
    lines, outs, errs = shared.splitlines(), out.splitlines(), err.splitlines()
    assert sorted(lines) == sorted(outs + errs), (shared, out, err)
    i = j = 0
    for line in lines:
        if i < len(outs) and line == outs[i]:
            i += 1
        elif j < len(errs) and line == errs[j]:
            j += 1
        else:
            raise AssertionError(f"{line!r} out of its stream's order in {shared!r}")


HANG_GUARD = "120"  # seconds: the cell timeout of cells that are not about timing out


def header(path: Path) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"# ([a-z-]+): (.*)$", line)
        if not match:
            break
        fields[match.group(1)] = match.group(2)
    return fields


@pytest.fixture(scope="module")
def server() -> Iterator[ForkServer]:
    with ForkServer() as fs:
        yield fs


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return True
    return state in {"Z", "X"}


def test_every_cell_file_has_a_status() -> None:
    assert len(CELLS) >= 20
    for path in CELLS:
        statuses = set(header(path).get("status", "").split("|"))
        assert statuses and statuses <= {"ok", "error", "timeout", "crashed"}, path


@pytest.mark.parametrize("path", CELLS, ids=lambda p: p.stem)
def test_misbehaving_cell_fails_alone(
    path: Path, server: ForkServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = header(path)
    monkeypatch.chdir(tmp_path)
    memory = int(spec.get("memory-limit", 4096)) << 20
    kernel = Kernel(forkserver=server, interrupt_grace=1.0, memory_limit=memory)
    pids: list[int] = []
    try:
        assert kernel.execute("a = 41").ok
        generation = kernel.generation
        result = kernel.execute(
            path.read_text(encoding="utf-8"),
            timeout=float(spec.get("timeout", HANG_GUARD)),
            filename="<cell bad>",
            split=spec.get("split") == "true",
        )
        assert result.status.value in spec["status"].split("|"), result
        for key, kept in (("stdout-alone", result.out), ("stderr-alone", result.err)):
            if key in spec:
                assert kept == spec[key].replace("\\n", "\n"), (key, result)
        if "traceback-contains" in spec:
            assert result.error is not None, result
            assert spec["traceback-contains"] in result.error.traceback, result.error.traceback
        if "error" in spec:
            assert result.error is not None and result.error.is_a(spec["error"]), result
        if "detail" in spec:
            said = result.detail + (result.error.message if result.error else "")
            assert spec["detail"] in said, result
        if spec.get("truncated") == "true":
            assert result.truncated
            # bytes that are not UTF-8 become U+FFFD: at most one character per byte kept
            assert len(result.stdout) < kernel.output_limit + 1000
        if spec.get("shared") == "interleaved":
            assert result.out is not None and result.err is not None, result
            assert_interleaving(result.stdout, result.out, result.err)
        if "stdout-contains" in spec:
            wanted = spec["stdout-contains"].replace("\\n", "\n")
            assert wanted in result.stdout, result.stdout[-300:]
        assert "engine/execution" not in result.stdout, result.stdout[-2000:]
        if result.error is not None and result.error.traceback.startswith("Traceback"):
            assert "engine/execution" not in result.error.traceback, result.error.traceback
        for line in result.stdout.splitlines():
            if line.startswith("children:"):
                pids += [int(p) for p in line.split()[1:]]

        after = kernel.execute("print(a + 1)" if spec["kernel"] == "survives" else "print('next')")
        assert after.status is CellStatus.OK, after
        if spec["kernel"] == "survives":
            assert kernel.generation == generation
            assert after.stdout == "42\n"
        else:
            assert kernel.generation > generation
            assert present(kernel.execute("a").error).name == "NameError"
        if "next" in spec:
            extra = kernel.execute(spec["next"].replace("\\n", "\n"))
            assert extra.status is CellStatus.OK, extra
            assert extra.stdout == spec["next-stdout"] + "\n", extra
    finally:
        kernel.shutdown()
    assert list(tmp_path.iterdir()) == [], "a cell wrote into the working folder"
    if spec.get("children") == "killed":
        assert pids
        deadline = time.monotonic() + 60  # a hang guard: they are killed at shutdown
        while not all(_gone(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(_gone(pid) for pid in pids), pids


def _lesson_yaml(cell: Path, timeout: str) -> str:
    code = "\n".join("      " + line for line in cell.read_text(encoding="utf-8").splitlines())
    return (
        f"id: {cell.stem.replace('_', '-')}\ntitle: {cell.stem}\nblocks:\n"
        "  - code: a = 41\n"
        f"  - code: |\n{code}\n    id: bad\n    timeout: {timeout}\n"
        "  - code: print(a + 1)\n    id: next\n    expect: '42'\n"
    )


GOOD_LESSON = """id: good
title: A lesson after the bad ones
blocks:
  - code: |
      import random, builtins, torch
      print(torch.get_default_dtype(), hasattr(builtins, "leaked"), torch.tensor([1.5]).dtype)
    expect: "torch.float32 False torch.float32"
"""


def test_each_bad_cell_fails_alone_in_validation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through ``execute_lessons``: the bad cell fails, the next cell and the next lesson pass."""
    folder = tmp_path / "lessons"
    folder.mkdir()
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    for cell in CELLS:
        (folder / f"{cell.stem}.yaml").write_text(
            _lesson_yaml(cell, header(cell).get("timeout", HANG_GUARD)), encoding="utf-8"
        )
    (folder / "zz-good.yaml").write_text(GOOD_LESSON, encoding="utf-8")
    lessons = [load_lesson(p) for p in sorted(folder.glob("*.yaml"))]
    reports = execute_lessons(lessons, jobs=2, memory_limit=1536 << 20)
    for cell in CELLS:
        checks = {c.name: c for c in reports[str(folder / f"{cell.stem}.yaml")]}
        assert set(checks) == {"cell 1", "cell bad", "cell next"}
        statuses = header(cell)["status"].split("|")
        passed = checks["cell bad"].status == "passed"
        if statuses == ["ok"]:
            assert passed, checks["cell bad"]
        elif "ok" not in statuses:
            assert not passed, checks["cell bad"]
        if not passed:
            assert checks["cell bad"].message
            assert "\n" not in checks["cell bad"].message, checks["cell bad"].message
            assert checks["cell bad"].span is not None
        assert checks["cell next"].status == "passed", (cell.stem, checks["cell next"])
    good = reports[str(folder / "zz-good.yaml")]
    assert [c.status for c in good] == ["passed"], good
    assert list(work.iterdir()) == []
    assert [p.name for p in folder.iterdir() if p.suffix != ".yaml"] == []


def test_a_worker_that_is_done_leaves_at_once(server: ForkServer) -> None:
    """Told to stop, a worker flushes and exits (status 0) without waiting for its threads."""
    kernel = Kernel(forkserver=server)
    try:
        assert kernel.execute(
            "import threading, time\n"
            "threading.Thread(target=time.sleep, args=(1000,)).start()\n"
            "print('bye')"
        ).ok
        live = kernel._live
        assert live is not None
        live.send({"op": "shutdown"})
        deadline = time.monotonic() + 60  # a hang guard: the exit comes at once
        while live.process.returncode() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert live.process.returncode() == 0
    finally:
        kernel.shutdown()


def test_reset_seeds_with_torch_functions_a_cell_replaced(server: ForkServer) -> None:
    """A cell that monkeypatches ``torch.manual_seed`` cannot stop the next lesson's seeding."""
    kernel = Kernel(forkserver=server)
    try:
        first = kernel.execute("import torch\ntorch.rand(1).item()").display
        sabotage = (
            "def broken(*a, **k):\n    raise RuntimeError('sabotaged')\n"
            "torch.manual_seed = broken\ntorch.set_default_dtype = broken\n"
            "torch.rand(5); torch.set_grad_enabled(False)"
        )
        assert kernel.execute(sabotage).ok
        generation = kernel.generation
        kernel.reset(0)
        assert kernel.generation == generation  # the same worker, not a crash and a new one
        again = kernel.execute("import torch\n(torch.rand(1).item(), torch.is_grad_enabled())")
        assert again.ok, again
        assert again.display == f"({first}, True)"
    finally:
        kernel.shutdown()
