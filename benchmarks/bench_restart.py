"""Chapter switch, kernel restart and restart after a crash, as the TUI does them, against Jupyter.

    python benchmarks/bench_restart.py [--repeat 5]

Through :class:`engine.session.lesson.LessonSession` with the default kernel factory, the path
the TUI's lesson screen (and the plain mode) drives, on the bundled course:

* **chapter switch**: close chapter 1's session, open chapter 2's, start its kernel and run its
  first code cell (a small torch cell) until the result is back;
* **restart**: Restart kernel, then run the cell again;
* **crash**: a cell that kills its kernel (``os._exit``), then the cell again on the kernel that
  replaced it.

Each is timed with the warm zygote (``engine.execution.zygote``, the default) and without it
(``LECTIO_ZYGOTE=0``: a spawned worker that imports torch, as before issue 15), and compared with
a Jupyter kernel restart through ``jupyter_client`` (``restart_kernel(now=True)``, wait until
ready, run the same cell). Medians of ``--repeat``, from one run; it also prints the zygote's
resident memory and a forked kernel's (RSS, and PSS, its share of the pages it shares with the
zygote). A measurement, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# the checkout this file is in, even if another lectio is installed (or none: a fresh clone)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CELL = "import torch\nprint(torch.ones(3).sum().item())"
CRASH = "import os\nos._exit(3)"


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:  # noqa: PTH123
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _first_code(session: object) -> int:
    from engine.format.models import CodeBlock

    blocks = session.lesson.blocks  # type: ignore[attr-defined]
    return next(i for i, b in enumerate(blocks) if isinstance(b, CodeBlock) and b.run)


def _open(lesson: object, store: object) -> tuple[object, int]:
    from engine.session.lesson import LessonSession

    session = LessonSession(lesson, store=store, learner="bench")  # type: ignore[arg-type]
    index = _first_code(session)
    session.edit_cell(index, CELL)
    session.start_kernel()
    return session, index


def _run(session: object, index: int, expect_ok: bool = True) -> None:
    results = session.run_cell(index)  # type: ignore[attr-defined]
    status = results[-1][1].status.value
    if expect_ok and status != "ok":
        raise SystemExit(f"bench_restart: the cell did not run: {results[-1][1]}")


def _median_ms(run: Callable[[], None], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def bench_lectio(repeat: int, zygote_on: bool, store: object) -> dict[str, float]:
    from engine.execution import zygote
    from engine.session.targets import CourseTarget, open_target

    os.environ[zygote.ZYGOTE_ENV] = "1" if zygote_on else "0"
    target = open_target(None)
    assert isinstance(target, CourseTarget)
    first, second = list(target.loaded.lessons.values())[:2]
    if zygote_on:  # the app started it at its start; the learner read the course map meanwhile
        server = zygote.current()
        assert server is not None
        server.wait_ready()
    session, index = _open(first, store)
    _run(session, index)  # chapter 1 open, a cell run
    times: dict[str, float] = {}
    current = [session]

    def switch() -> None:
        current[0].close()  # type: ignore[attr-defined]
        nxt, i = _open(second if current[0].lesson is first else first, store)  # type: ignore[attr-defined]
        current[0] = nxt
        _run(nxt, i)

    times["chapter switch"] = _median_ms(switch, repeat)

    def restart() -> None:
        current[0].restart_kernel()  # type: ignore[attr-defined]
        _run(current[0], _first_code(current[0]))

    times["restart"] = _median_ms(restart, repeat)

    def crash() -> None:
        i = _first_code(current[0])
        current[0].edit_cell(i, CRASH)  # type: ignore[attr-defined]
        _run(current[0], i, expect_ok=False)
        current[0].edit_cell(i, CELL)  # type: ignore[attr-defined]
        _run(current[0], i)

    times["crash"] = _median_ms(crash, repeat)
    kernel = current[0]._kernel  # type: ignore[attr-defined]
    if zygote_on:
        server = zygote.current()
        assert server is not None and server.pid is not None
        times["zygote rss"] = zygote.rss_bytes(server.pid) / 2**20
        times["kernel rss"] = zygote.rss_bytes(kernel.pid) / 2**20
        times["kernel pss"] = _pss(kernel.pid) / 2**20
    else:
        times["kernel rss"] = zygote.rss_bytes(kernel.pid) / 2**20
        times["kernel pss"] = _pss(kernel.pid) / 2**20
    current[0].close()  # type: ignore[attr-defined]
    return times


def bench_jupyter(repeat: int) -> float:
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        client.execute_interactive(CELL, timeout=120, output_hook=lambda msg: None)

        def restart() -> None:
            manager.restart_kernel(now=True)
            client.wait_for_ready(timeout=120)
            client.execute_interactive(CELL, timeout=120, output_hook=lambda msg: None)

        return _median_ms(restart, repeat)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from engine.store.sqlite import SqliteStore

    with tempfile.TemporaryDirectory() as folder:
        store = SqliteStore(Path(folder) / "bench.db")
        spawned = bench_lectio(args.repeat, False, store)
        forked = bench_lectio(args.repeat, True, store)
        store.close()
    jupyter = bench_jupyter(args.repeat)
    print(f"TUI path (LessonSession, bundled course), median of {args.repeat}, ms:")
    print(f"  {'':34} {'zygote':>9} {'spawn':>9} {'ratio':>7}")
    for name in ("chapter switch", "restart", "crash"):
        what = {
            "chapter switch": "chapter switch + first cell",
            "restart": "restart + cell",
            "crash": "crashing cell + cell again",
        }[name]
        ratio = spawned[name] / forked[name]
        print(f"  {what:34} {forked[name]:9.1f} {spawned[name]:9.1f} {ratio:6.1f}x")
    print(f"  {'jupyter_client restart + cell':34} {jupyter:9.1f}")
    print(f"  jupyter restart / lectio restart (zygote): {jupyter / forked['restart']:.1f}x")
    print(f"  jupyter restart / lectio restart (spawn):  {jupyter / spawned['restart']:.1f}x")
    print("memory, MiB:")
    print(f"  zygote RSS {forked['zygote rss']:.0f}")
    print(f"  forked kernel RSS {forked['kernel rss']:.0f} (PSS {forked['kernel pss']:.0f})")
    print(f"  spawned kernel RSS {spawned['kernel rss']:.0f} (PSS {spawned['kernel pss']:.0f})")


if __name__ == "__main__":
    main()
