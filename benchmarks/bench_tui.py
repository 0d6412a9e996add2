"""How fast the lectio TUI draws its first screen, how much memory the UI process takes, and
whether it stays responsive while a cell runs, against a bare Textual app started the same way.

Run: ``python benchmarks/bench_tui.py [--runs 3]``. Prints numbers and ratios, asserts nothing.

1. First frame and memory. Each program is started in a pseudo-terminal (120x40) as a learner
   would start it; the time from spawn to the first output that contains a marker word of the
   first screen is the time to first frame (lectio's first frame is its loading screen, naming
   what it opens, or for a course the course map itself, drawn from the course's outline), the
   time to a marker of the screen the learner came for is "content", and
   VmRSS / VmHWM of the UI process (only; the kernel is a separate process) are read from /proc
   once the content is there. On a shared machine the wall times move with the other load, so
   the UI process's CPU time (user + system, from /proc) when each marker appears is printed
   too: it is the work done to draw, which the other load hardly changes. Compared:
   a bare Textual app, the same bare app importing torch in-process (what lectio avoids), lectio
   on the bundled course (course map), and lectio opening a lesson (the kernel starts in the
   background while the screen is drawn).
2. Responsiveness. In-process (Textual's headless pilot), with the real kernel: a cell runs
   ``time.sleep(3)`` while a 20 ms timer on the event loop records how late it fires; the worst
   lateness is the longest the interface could not react to a key.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from _bytecode import compile_engine

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "lessons" / "pytorch-essentials"
BARE_APP = """
import sys
{imports}
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("bare textual benchmark")
        yield Footer()

Bare().run()
"""


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of ``pid`` in MB."""
    values = {"VmRSS": 0.0, "VmHWM": 0.0}
    with Path(f"/proc/{pid}/status").open() as status:
        for line in status:
            key = line.split(":", 1)[0]
            if key in values:
                values[key] = int(line.split()[1]) / 1024
    return values["VmRSS"], values["VmHWM"]


def first_frame(
    argv: list[str],
    marker: bytes,
    *,
    content: bytes | None = None,
    settle: float = 1.0,
    timeout: float = 30.0,
) -> tuple[float, float, float, float, float, float]:
    """Spawn ``argv`` in a pty: seconds to the first output containing ``marker`` (the first
    frame), seconds to ``content`` (the screen the learner came for), then the UI process's RSS
    and peak RSS (MB) ``settle`` seconds after that, and its CPU seconds at the first frame
    and at the content."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40")
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, cwd=ROOT
    )
    os.close(slave)
    seen = b""
    elapsed = shown = cpu_first = cpu_shown = float("nan")
    content = content or marker
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.02)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                seen += chunk
                now = time.perf_counter() - start
                # NaN: not seen yet. The first frame may already be the content (the course
                # map is drawn from the course's outline, without a loading screen).
                if elapsed != elapsed and (marker in seen or content in seen):
                    elapsed, cpu_first = now, _cpu(proc.pid)
                if content in seen:
                    shown, cpu_shown = now, _cpu(proc.pid)
                    break
        end = time.perf_counter() + settle
        while time.perf_counter() < end:  # keep draining so the app never blocks on output
            if select.select([master], [], [], 0.05)[0]:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
        rss, peak = _rss(proc.pid)
    finally:
        os.write(master, b"\x11")  # ctrl+q
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(master)
    return elapsed, shown, rss, peak, cpu_first, cpu_shown


def measure(
    name: str, argv: list[str], marker: bytes, runs: int, content: bytes | None = None
) -> dict[str, float]:
    rows = [first_frame(argv, marker, content=content) for _ in range(runs)]
    result = {
        key: statistics.median(row[i] for row in rows)
        for i, key in enumerate(("time", "shown", "rss", "peak", "cpu", "cpu_shown"))
    }
    print(
        f"{name:<34} first frame {result['time']:6.3f} s   content {result['shown']:6.3f} s"
        f"   RSS {result['rss']:6.1f} MB   peak {result['peak']:6.1f} MB"
        f"   CPU {result['cpu']:5.2f} / {result['cpu_shown']:5.2f} s"
    )
    return result


async def responsiveness(
    data_dir: Path, seconds: float = 3.0, code: str | None = None, after: float = 0.0
) -> tuple[float, float, float]:
    """(worst timer lateness, median lateness, cell duration) while a cell sleeps (or runs
    ``code``, which must print ``done`` last), and for ``after`` seconds once it ended."""
    from textual.widgets import Static

    from engine.session.study import Study
    from engine.session.targets import open_target
    from engine.store import SqliteStore
    from engine.tui.app import LectioApp
    from engine.tui.screens.lesson import LessonScreen
    from engine.tui.widgets.code_cell import CodeCell

    lesson = data_dir / "sleepy.yaml"
    code = code or f"import time\ntime.sleep({seconds})\nprint('done')"
    body = "".join(f"      {line}\n" for line in code.splitlines())
    lesson.write_text("id: sleepy\ntitle: Sleepy\nblocks:\n  - code: |\n" + body)
    store = SqliteStore(data_dir / "bench.db")
    app = LectioApp(Study(open_target(lesson, whole_course=True), store, learner="bench"))
    late: list[float] = []
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            assert isinstance(screen, LessonScreen)
            cell = screen.query_one(CodeCell)
            for _ in range(300):  # wait for the kernel to be ready (torch imported there)
                await pilot.pause(0.1)
                if screen.session.kernel_state.value == "ready":
                    break
            last = time.perf_counter()
            interval = 0.02

            def tick() -> None:
                nonlocal last
                now = time.perf_counter()
                late.append(max(0.0, now - last - interval))
                last = now

            timer = app.set_interval(interval, tick)
            cell.focus()
            started = time.perf_counter()
            await pilot.press("r")
            while not (cell.has_class("-ok") or cell.has_class("-error")):
                await pilot.pause(0.05)
                if time.perf_counter() - started > 120:
                    break
            duration = time.perf_counter() - started
            await pilot.pause(after)
            timer.stop()
            output = str(cell.query_one(".code-cell--output", Static).content)
            assert "done" in output, output[-300:]
    finally:
        for session in app.sessions:
            session.close()
        store.close()
    return max(late), statistics.median(late), duration


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    compile_engine()  # as installed: see benchmarks/_bytecode.py
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        bare = data / "bare.py"
        bare.write_text(BARE_APP.format(imports=""))
        bare_torch = data / "bare_torch.py"
        bare_torch.write_text(BARE_APP.format(imports="import torch"))
        lectio = [
            sys.executable,
            "-m",
            "engine",
            "open",
            "--data-dir",
            str(data / "store"),
            "--learner",
            "bench",
        ]
        print(f"median of {args.runs} runs, 120x40 pseudo-terminal\n")
        base = measure("bare Textual app", [sys.executable, str(bare)], b"benchmark", args.runs)
        torch_app = measure(
            "bare app importing torch", [sys.executable, str(bare_torch)], b"benchmark", args.runs
        )
        # lectio's first frame shows the path being opened; the content is the course map's
        # progress line, or the first words of the lesson's opening text (the header and the
        # first blocks are drawn; until issue 15 this was the header's kernel status, which
        # came in the same frame).
        course = measure(
            "lectio (course map)",
            [*lectio, str(COURSE)],
            b"pytorch-essentials",
            args.runs,
            content=b"chapters done",
        )
        lesson = measure(
            "lectio (lesson, kernel starting)",
            [*lectio, str(COURSE / "gradients.yaml")],
            b"gradients.yaml",
            args.runs,
            content=b"Training a neural network",
        )
        print()
        for name, result in (
            ("bare + torch", torch_app),
            ("lectio course map", course),
            ("lectio lesson", lesson),
        ):
            print(
                f"{name:<20} / bare: first frame x{result['time'] / base['time']:.2f}, "
                f"content x{result['shown'] / base['shown']:.2f}, "
                f"RSS x{result['rss'] / base['rss']:.2f}; CPU: first frame "
                f"x{result['cpu'] / base['cpu']:.2f}, "
                f"content x{result['cpu_shown'] / base['cpu']:.2f}"
            )
        print()
        worst, median, duration = asyncio.run(responsiveness(data))
        print(
            f"while a cell sleeps 3 s (ran {duration:.2f} s): event loop lateness "
            f"median {median * 1000:.1f} ms, worst {worst * 1000:.1f} ms"
        )
        limit_ok = course["rss"] < 100 and lesson["rss"] < 100
        print(
            f"UI process under 100 MB: {'yes' if limit_ok else 'NO'}; "
            f"first frame under 0.5 s: {'yes' if course['time'] < 0.5 else 'NO'}; "
            f"course map under 0.5 s: {'yes' if course['shown'] < 0.5 else 'NO'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
