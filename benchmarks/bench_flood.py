"""How late the TUI gets while a cell floods its output, against the same cell sleeping.

    python benchmarks/bench_flood.py

In one run, in the real app (``App.run_test``, 120x40) with a real kernel: a cell that prints
1 MB in one go (just under the 1 MiB output cap), a cell that prints 100,000 short lines,
and, for scale, a cell that sleeps for 3 s. A 20 ms timer on the event loop records how late
it fires while the cell runs and for 2 s after it ended: the worst lateness is the longest a
key would have waited to be handled (the target of issue 15: 100 ms). A measurement, not a
test: nothing here asserts a time.
"""

from __future__ import annotations

import asyncio
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
}


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folders = [Path(tmp) / str(i) for i in range(len(CELLS) + 1)]
        for folder in folders:
            folder.mkdir()
        base = asyncio.run(responsiveness(folders[0], after=2.0))
        rows.append(("sleep 3 s (no output)", base))
        for folder, (name, code) in zip(folders[1:], CELLS.items(), strict=True):
            rows.append((name, asyncio.run(responsiveness(folder, code=code, after=2.0))))
    print("event-loop lateness while the cell runs and 2 s after (a key waits this long):")
    for name, (worst, median, duration) in rows:
        print(
            f"  {name:24} worst {worst * 1000:8.1f} ms  median {median * 1000:6.1f} ms"
            f"  (cell {duration:.2f} s)  worst / sleeping {worst / max(base[0], 1e-6):6.1f}x"
        )


if __name__ == "__main__":
    main()
