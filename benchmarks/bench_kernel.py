"""Round trip of a trivial cell on a warm kernel: lectio's kernel against a Jupyter kernel.

    python benchmarks/bench_kernel.py [--runs 500] [--code "print(1)"]

Both kernels are started, warmed up with a few cells, then timed on the same code: for
lectio, :meth:`Kernel.execute` (request over a pipe, output captured, reply parsed); for
Jupyter, ``jupyter_client`` + ``ipykernel``'s ``execute_interactive`` (request over ZeroMQ,
output on IOPub, until the kernel is idle again). Prints medians and their ratio, from one run.
This is a measurement, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# the checkout this file is in, even if another lectio is installed (or none: a fresh clone)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _time(run: Callable[[], object], runs: int) -> list[float]:
    for _ in range(20):
        run()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return samples


def bench_lectio(code: str, runs: int) -> list[float]:
    from engine.execution.kernel import Kernel

    with Kernel() as kernel:
        kernel.wait_ready()
        result = kernel.execute(code)
        assert result.ok, result
        return _time(lambda: kernel.execute(code), runs)


def bench_jupyter(code: str, runs: int) -> list[float]:
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        client.execute_interactive("import torch", timeout=120)
        return _time(
            lambda: client.execute_interactive(code, timeout=30, output_hook=lambda msg: None), runs
        )
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _p90(samples: list[float]) -> float:
    return sorted(samples)[int(len(samples) * 0.9)] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--code", default="print(1)")
    args = parser.parse_args()
    ours = bench_lectio(args.code, args.runs)
    theirs = bench_jupyter(args.code, args.runs)
    ours_ms = statistics.median(ours) * 1000
    theirs_ms = statistics.median(theirs) * 1000
    print(f"round trip of {args.code!r} on a warm kernel, median of {args.runs}:")
    print(f"  lectio kernel   {ours_ms:8.3f} ms   (p90 {_p90(ours):.3f} ms)")
    print(f"  jupyter kernel  {theirs_ms:8.3f} ms   (p90 {_p90(theirs):.3f} ms)")
    print(f"  ratio           {theirs_ms / ours_ms:8.1f}x faster")


if __name__ == "__main__":
    main()
