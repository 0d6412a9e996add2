"""What terminal graphics cost when the first picture is drawn: textual-image's own import
against lectio's lazy load of its drawing modules (engine.tui.graphics).

Run: ``python benchmarks/bench_graphics.py [--runs 5]``. Prints numbers, asserts nothing.

Each run is a fresh ``python`` with Textual, Rich and Pillow already imported (the TUI has them
when its first picture is drawn), standard input and output a pseudo-terminal of 100x32 that
never answers (as a terminal without graphics, or one whose answers Textual's input thread
would take):

1. textual-image as its documentation says: ``import textual_image.widget`` (its package files
   query the terminal for Sixel, for Kitty's graphics and for the cell size, each waiting up to
   0.1 s for an answer).
2. lectio: ``engine.tui.graphics._drawing_modules()`` (the same drawing modules, without the
   files that query the terminal; the cell size from the window size).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import termios
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRELUDE = "import textual.app, textual.widget, textual.widgets, PIL.Image, sys, time\n"
WAYS = {
    "textual-image's own import": "import textual_image.widget",
    "lectio's lazy load": "from engine.tui.graphics import _drawing_modules; _drawing_modules()",
}


def once(code: str) -> float:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 32, 100, 0, 0))
    try:
        timed = f"{PRELUDE}t = time.perf_counter()\n{code}\n"
        timed += "print(time.perf_counter() - t, file=sys.stderr)\n"
        done = subprocess.run(
            [sys.executable, "-c", timed],
            stdin=slave,
            stdout=slave,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    finally:
        os.close(master)
        os.close(slave)
    return float(done.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    times: dict[str, list[float]] = {name: [] for name in WAYS}
    for _ in range(runs):  # alternated, so a load on the shared machine hits both
        for name, code in WAYS.items():
            times[name].append(once(code))
    for name, values in times.items():
        print(
            f"{name:28} median {statistics.median(values):.3f} s "
            f"(min {min(values):.3f}, max {max(values):.3f})"
        )
    ratio = statistics.median(times["textual-image's own import"]) / statistics.median(
        times["lectio's lazy load"]
    )
    print(f"textual-image's own import / lectio's lazy load: x{ratio:.2f}")


if __name__ == "__main__":
    main()
