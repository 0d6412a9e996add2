"""How late the TUI gets while a cell floods its output, against the same cell sleeping.

    python benchmarks/bench_flood.py

In one run, in the real app (``App.run_test``, 120x40) with a real kernel: a cell that prints
1 MB in one go (just under the 1 MiB output cap), a cell that prints 100,000 short lines, the
same flushing each line (thousands of small chunks: what coalescing is for), and, for scale, a
cell that sleeps for 3 s. A 20 ms timer on the event loop records how late it fires while the
cell runs and for 2 s after it ended: the worst lateness is the longest a key would have waited
to be handled (the target of issue 15: 100 ms). Each app starts as ``lectio open`` starts it:
the cyclic garbage collector off until the first content is drawn, then the start-up's objects
frozen (``engine.tui.app.end_startup_gc``); with the collector on from the start, as a bare
``run_test`` has it, full collections over them paused the loop for 50 to 250 ms during a flood,
which the real app does not do. A measurement, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import tempfile
from pathlib import Path

# the checkout this file is in, even if another lectio is installed (or none: a fresh clone)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_tui import responsiveness

CELLS = {
    "1 MB in one print": "print('x' * 1_000_000)\nprint('done')",
    "100,000 short lines": "for i in range(100_000):\n    print(i)\nprint('done')",
    "100,000 lines, each flushed": (
        "for i in range(100_000):\n    print(i, flush=True)\nprint('done')"
    ),
}


def measure(folder: Path, code: str | None = None) -> tuple[float, float, float]:
    """:func:`responsiveness` of an app started as ``lectio open`` starts it (the collector off
    until its first content: ``engine.cli.open_cmd._run_tui``)."""
    gc.collect()
    gc.unfreeze()  # what the previous app froze is garbage now
    gc.disable()
    try:
        return asyncio.run(responsiveness(folder, code=code, after=2.0))
    finally:
        gc.enable()


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folders = [Path(tmp) / str(i) for i in range(len(CELLS) + 1)]
        for folder in folders:
            folder.mkdir()
        base = measure(folders[0])
        rows.append(("sleep 3 s (no output)", base))
        for folder, (name, code) in zip(folders[1:], CELLS.items(), strict=True):
            rows.append((name, measure(folder, code)))
    print("event-loop lateness while the cell runs and 2 s after (a key waits this long):")
    for name, (worst, median, duration) in rows:
        print(
            f"  {name:28} worst {worst * 1000:8.1f} ms  median {median * 1000:6.1f} ms"
            f"  (cell {duration:.2f} s)  worst / sleeping {worst / max(base[0], 1e-6):6.1f}x"
        )


if __name__ == "__main__":
    main()
