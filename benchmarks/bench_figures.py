"""What a cell's first figure costs in lectio, against matplotlib's own import and one Agg render.

Run: ``python benchmarks/bench_figures.py [--runs 5]``. Prints numbers, asserts nothing.

1. matplotlib alone: a fresh ``python`` imports ``matplotlib.pyplot`` (Agg), plots three points
   and renders the figure to PNG bytes once; the time of those steps, measured inside it.
2. lectio: a fresh kernel (no torch preloaded, like 1.) runs the same cell ending in
   ``plt.show()``; the cell's own duration as the kernel measures it (import, plot, the backend's
   capture: one Agg render to PNG, base64), and the wall time of ``Kernel.execute`` in lectio's
   process (adds the reply over the pipe and lectio's check of the PNG: decode, CRCs, inflate).
3. A second figure in the same kernel (matplotlib already imported): one render.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CELL = "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [3, 1, 2])\nplt.show()\n"
ALONE = (
    "import io, time\n"
    "t = time.perf_counter()\n"
    "import matplotlib\n"
    "matplotlib.use('Agg')\n"
    "import matplotlib.pyplot as plt\n"
    "plt.plot([1, 2, 3], [3, 1, 2])\n"
    "buffer = io.BytesIO()\n"
    "plt.gcf().savefig(buffer, format='png')\n"
    "print(time.perf_counter() - t)\n"
)


def alone() -> float:
    done = subprocess.run(
        [sys.executable, "-c", ALONE], capture_output=True, text=True, check=True, timeout=120
    )
    return float(done.stdout.strip())


def in_lectio() -> tuple[float, float, float]:
    from engine.execution.kernel import Kernel

    kernel = Kernel(preload=())
    try:
        kernel.wait_ready()
        start = time.perf_counter()
        first = kernel.execute(CELL, timeout=120)
        wall = time.perf_counter() - start
        assert first.picture_count == 1 and first.pictures[0].png, first
        second = kernel.execute(CELL.replace("import matplotlib.pyplot as plt\n", ""), timeout=60)
        assert second.picture_count == 1, second
        return first.duration, wall, second.duration
    finally:
        kernel.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base: list[float] = []
    cell: list[float] = []
    wall: list[float] = []
    again: list[float] = []
    for _ in range(args.runs):  # alternated, so the machine's load hits both alike
        base.append(alone())
        duration, total, second = in_lectio()
        cell.append(duration)
        wall.append(total)
        again.append(second)

    def show(name: str, values: list[float]) -> None:
        print(
            f"{name:<52} median {statistics.median(values):.3f} s "
            f"(min {min(values):.3f}, max {max(values):.3f})"
        )

    print(f"{args.runs} runs, alternated\n")
    show("matplotlib alone: import + plot + one Agg render", base)
    show("lectio: first figure, the cell's duration in the kernel", cell)
    show("lectio: first figure, Kernel.execute wall time", wall)
    show("lectio: a second figure in the same kernel", again)
    ratio = statistics.median(cell) / statistics.median(base)
    print(f"\nfirst figure in a cell / matplotlib alone: x{ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
