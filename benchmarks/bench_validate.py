"""Validating N copies of a realistic torch lesson: ``lectio validate`` against ``pytest --nbval``.

    python benchmarks/bench_validate.py [--copies 50] [--lesson LESSON.yaml]

The lesson is copied N times (each copy its own id), and each copy is converted to a notebook
with nbformat: a first cell that seeds torch and random as lectio does, Markdown cells for the
prose, code cells carrying the outputs lectio's kernel produced (so ``--nbval`` compares real
outputs, as a CI job would). Then both tools are run on their folder as a CI job would run them
(a fresh command, wall-clock time): ``lectio validate DIR`` (fork server, lessons in parallel,
``--jobs`` = the cores) and ``pytest --nbval DIR`` (one Jupyter kernel per notebook). It also
measures lectio's per-lesson overhead on N lessons holding one trivial cell. Prints the ratio
from one run; this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _bytecode import compile_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's engine, installed or not (a fresh clone)
DEFAULT_LESSON = ROOT / "lessons" / "pytorch-essentials" / "gradients.yaml"


def copies(lesson_path: Path, folder: Path, n: int) -> list[Path]:
    """N copies of the lesson, each with its own id, in a course folder."""
    text = lesson_path.read_text(encoding="utf-8")
    original = next(line for line in text.splitlines() if line.startswith("id:"))
    images = lesson_path.parent / "images"  # the figures a lesson shows, checked by validate
    if images.is_dir() and not (folder / "images").exists():
        shutil.copytree(images, folder / "images")
    paths = []
    for i in range(n):
        path = folder / f"copy-{i:03d}.yaml"
        path.write_text(text.replace(original, f"id: copy-{i:03d}", 1), encoding="utf-8")
        paths.append(path)
    return paths


def notebook(lesson_path: Path, out: Path) -> None:
    """The lesson as a notebook whose code cells carry lectio's outputs."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from engine.execution.executor import LessonExecutor
    from engine.execution.kernel import Kernel
    from engine.format.loader import load_lesson
    from engine.format.models import CodeBlock, NoteBlock, TextBlock

    lesson = load_lesson(lesson_path)
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells.append(new_code_cell("import random, torch\nrandom.seed(0)\ntorch.manual_seed(0);"))
    count = 1
    with Kernel() as kernel:
        executor = LessonExecutor(lesson, kernel)
        for index, block in enumerate(lesson.blocks):
            if isinstance(block, TextBlock | NoteBlock):
                prose = block.text if isinstance(block, TextBlock) else block.note
                nb.cells.append(new_markdown_cell(prose))
            elif isinstance(block, CodeBlock):
                result = executor.run_cell(index)[-1][1]
                count += 1
                outputs = []
                if result.stdout:
                    outputs.append(new_output("stream", name="stdout", text=result.stdout))
                if result.display is not None:
                    outputs.append(
                        new_output(
                            "execute_result",
                            data={"text/plain": result.display},
                            execution_count=count,
                        )
                    )
                cell = new_code_cell(
                    block.code.rstrip("\n"), outputs=outputs, execution_count=count
                )
                if block.expect is not None and block.expect.mode == "raises":
                    cell.metadata["tags"] = ["raises-exception"]  # nbval: expected to raise
                    if result.error is not None:
                        cell.outputs.append(
                            new_output(
                                "error",
                                ename=result.error.name,
                                evalue=result.error.message,
                                traceback=[],
                            )
                        )
                nb.cells.append(cell)
    nbformat.write(nb, out)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    wall, done, _ = run_cpu(command, cwd)
    return wall, done


def run_cpu(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str], float]:
    """Wall time, the result, and the CPU time (user + system) of the command and every process
    it waited for: the fork server and, through it, the kernels. CPU time moves much less than
    wall time with what else the machine runs."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done, _children_cpu() - cpu


def best_of(
    n: int, command: list[str], cwd: Path
) -> tuple[float, subprocess.CompletedProcess[str], float]:
    """The fastest of n runs: the machine's noise only ever adds time (nbval, at 100 s and more,
    is run once: its noise averages out within the run)."""
    return min((run_cpu(command, cwd) for _ in range(n)), key=lambda timed: timed[0])


def tail(done: subprocess.CompletedProcess[str]) -> str:
    return (done.stdout.strip().splitlines() or [""])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--lesson", type=Path, default=DEFAULT_LESSON)
    args = parser.parse_args()
    compile_engine()  # as installed: see benchmarks/_bytecode.py
    python = Path(sys.executable)
    lectio = [str(python), "-m", "engine"]
    work = Path(tempfile.mkdtemp(prefix="lectio-bench-"))
    try:
        lessons = work / "lessons" / "bench"
        lessons.mkdir(parents=True)
        paths = copies(args.lesson, lessons, args.copies)
        notebooks = work / "notebooks"
        notebooks.mkdir()
        notebook(args.lesson, notebooks / "copy-000.ipynb")
        for i in range(1, args.copies):
            shutil.copy(notebooks / "copy-000.ipynb", notebooks / f"copy-{i:03d}.ipynb")

        ours, ours_done, _ = best_of(3, [*lectio, "validate", str(lessons)], ROOT)
        theirs, theirs_done = run(
            [
                str(python),
                "-m",
                "pytest",
                "--nbval",
                "-q",
                "-p",
                "no:lectio",
                "-p",
                "no:cacheprovider",
                str(notebooks),
            ],
            work,
        )

        trivial = work / "trivial" / "bench"
        trivial.mkdir(parents=True)
        for i in range(args.copies):
            (trivial / f"t-{i:03d}.yaml").write_text(
                f"id: t-{i:03d}\ntitle: Trivial\nblocks:\n  - code: x = 1\n", encoding="utf-8"
            )
        one, _, one_cpu = best_of(3, [*lectio, "validate", str(trivial / "t-000.yaml")], ROOT)
        many, _, many_cpu = best_of(3, [*lectio, "validate", str(trivial)], ROOT)

        lines = args.lesson.read_text().splitlines()
        cells = sum(1 for line in lines if line.strip().startswith("- code:"))
        print(
            f"validating {len(paths)} copies of {args.lesson.name} ({cells} code cells each), "
            f"{os.cpu_count()} cores, one run:"
        )
        print(f"  lectio validate   {ours:7.2f} s   (best of 3) {tail(ours_done)}")
        print(f"  pytest --nbval    {theirs:7.2f} s   {tail(theirs_done)}")
        if theirs_done.returncode != 0 or ours_done.returncode != 0:  # a ratio of failures lies
            print("  WARNING: a run failed; the ratio means nothing:")
            print((theirs_done.stdout + theirs_done.stderr)[-800:])
        print(f"  ratio             {theirs / ours:7.1f}x faster")
        print(
            f"per-lesson overhead ({args.copies} lessons of one trivial cell, "
            f"minus a run with one): {(many - one) / (args.copies - 1) * 1000:.1f} ms"
            f" (CPU, lectio + fork server + kernels: "
            f"{(many_cpu - one_cpu) / (args.copies - 1) * 1000:.1f} ms)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
