"""A class at once: N simulated learners through full chapters against one PostgreSQL, with
faults (kill -9 of learners' lectio processes, an immediate restart of PostgreSQL) in the middle.

    python benchmarks/bench_class.py [--learners 50] [--chapters 3] [--kills 10] [--kernels 8]

Each learner is an OS process, as each browser session of ``lectio serve`` is: it opens the
bundled course's chapters with the same session API the TUI and plain mode use
(:class:`~engine.session.lesson.LessonSession` on a :class:`~engine.store.postgres.PostgresStore`
of its own, so its own connection pool), visits every block, runs every cell, answers every
question (a wrong pick first where there is one, then the right one), and leaves feedback at the
end. After each answer the store acknowledged, it appends the answer's key and the latency of
``answer()`` to a log file of its own. Cells run in a canned kernel (``--real-kernels`` runs
them in real torch kernels: the CPU then goes to torch, not to the store).

While they work, the driver kills learners' processes with SIGKILL (and starts them again: they
resume from the store, as a reloaded browser tab does) and restarts PostgreSQL with ``pg_ctl
stop -m immediate`` (a crash: recovery from the WAL). At the end it counts the acknowledged
answers missing from the database (must be 0) and duplicated there, and prints the latency
percentiles. ``--kernels K`` then starts K real kernels (torch preloaded, sandboxed if
bubblewrap works here) and measures their memory (PSS) for kernels per GiB.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def learner_main(name: str, url: str, chapters: int, log: str, real: bool) -> None:
    """One learner's lectio process (run as ``bench_class.py --learner NAME ...``)."""
    from engine.session.bundled import bundled_course
    from engine.session.targets import CourseTarget, open_target
    from engine.store.postgres import PostgresStore

    kernel_factory = None
    if not real:
        from session_fakes import KernelFactory

        kernel_factory = KernelFactory()
    target = open_target(bundled_course())
    assert isinstance(target, CourseTarget)
    lessons = list(target.loaded.lessons.values())[:chapters]
    store = PostgresStore(url, max_connections=2)
    with Path(log).open("a", encoding="utf-8") as out:
        _study(name, lessons, target, store, kernel_factory, out)
        out.write("DONE\n")
    store.close()


def _study(name: str, lessons: list[Any], target: Any, store: Any, factory: Any, out: Any) -> None:
    from engine.format.models import CodeBlock, QuestionBlock
    from engine.session.lesson import LessonSession

    kernel_factory = factory
    for lesson in lessons:
        session = LessonSession(
            lesson,
            store=store,
            learner=name,
            course=target.course,
            kernel_factory=kernel_factory,
        )
        for index, block in enumerate(lesson.blocks):
            if index < session.position:
                continue  # resumed: done in an earlier process
            session.visit(index)
            if isinstance(block, CodeBlock) and block.run:
                session.run_cell(index)
            elif isinstance(block, QuestionBlock):
                correct = [i for i, c in enumerate(block.choices) if c.correct]
                wrong = [i for i, c in enumerate(block.choices) if not c.correct]
                for picks in ([wrong[0]], correct) if wrong else (correct,):
                    start = time.perf_counter()
                    verdict = session.answer(index, picks)
                    took = time.perf_counter() - start
                    key = f"{lesson.id}#{block.id}#{verdict.attempt}"
                    out.write(f"{key} {took:.6f}\n")
                    out.flush()  # logged only once acknowledged: these are what must survive
        session.visit(len(lesson.blocks))
        session.submit_feedback(True, f"{name} finished {lesson.id}")
        session.finish()
        session.close()


def _spawn(name: str, url: str, args: argparse.Namespace, logs: Path) -> subprocess.Popen[bytes]:
    argv = [sys.executable, __file__, "--learner", name, "--url", url]
    argv += ["--chapters", str(args.chapters), "--log", str(logs / f"{name}.log")]
    if args.real_kernels:
        argv.append("--real-kernels")
    env = dict(os.environ, PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'tests'}")
    return subprocess.Popen(argv, env=env, stderr=subprocess.PIPE)


def _done(logs: Path, name: str) -> bool:
    path = logs / f"{name}.log"
    return path.exists() and path.read_text().endswith("DONE\n")


def drive(args: argparse.Namespace) -> None:
    from pg_server import PgServer

    from engine.store.postgres import PostgresStore

    server = PgServer(max_connections=max(100, 3 * args.learners + 20))
    server.start()
    url = server.url()
    PostgresStore(url).close()  # migrate once, as `lectio store migrate` would
    logs = Path(tempfile.mkdtemp(prefix="lectio-bench-class-"))
    names = [f"learner{i:03d}" for i in range(args.learners)]
    rng = random.Random(1)
    started = time.monotonic()
    procs = {n: _spawn(n, url, args, logs) for n in names}
    kills = restarts = 0
    pg_restart_at = started + args.pg_restart_after
    pg_restarted = False
    next_kill = started + args.kill_every
    failures: dict[str, str] = {}
    sampler = Sampler(url)
    while procs:
        time.sleep(0.1)
        now = time.monotonic()
        sampler.tick(now)
        for name, proc in list(procs.items()):
            if proc.poll() is None:
                continue
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            del procs[name]
            if _done(logs, name):
                continue
            if proc.returncode == -signal.SIGKILL:
                procs[name] = _spawn(name, url, args, logs)  # a reloaded browser tab
                restarts += 1
            else:
                failures[name] = err.strip().splitlines()[-1] if err.strip() else "?"
        if kills < args.kills and now >= next_kill and procs:
            victim = rng.choice(sorted(procs))
            with contextlib.suppress(ProcessLookupError):
                os.kill(procs[victim].pid, signal.SIGKILL)
            kills += 1
            next_kill = now + args.kill_every
        if not pg_restarted and now >= pg_restart_at:
            t0 = time.monotonic()
            server.stop("immediate")
            server.start()
            pg_restarted = True
            print(f"PostgreSQL crash-restarted at {now - started:.1f} s "
                  f"(down {time.monotonic() - t0:.2f} s)", flush=True)  # fmt: skip
    elapsed = time.monotonic() - started

    acked: dict[str, list[str]] = {}
    latencies: list[float] = []
    for name in names:
        log = logs / f"{name}.log"
        for line in log.read_text().splitlines() if log.exists() else []:
            if line != "DONE":
                key, took = line.split()
                acked.setdefault(name, []).append(key)
                latencies.append(float(took))
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT learner, lesson, question, attempt FROM attempts").fetchall()
        connections = conn.execute("SHOW max_connections").fetchone()
    stored: dict[str, list[str]] = {}
    for learner, lesson, question, attempt in rows:
        stored.setdefault(learner, []).append(f"{lesson}#{question}#{attempt}")
    lost = sum(len(set(keys) - set(stored.get(n, []))) for n, keys in acked.items())
    duplicated = sum(len(keys) - len(set(keys)) for keys in stored.values())
    total = sum(len(k) for k in acked.values())
    q = (
        statistics.quantiles(latencies, n=100, method="inclusive")
        if len(latencies) > 1
        else [0.0] * 99
    )
    print(json.dumps({
        "learners": args.learners,
        "chapters_each": args.chapters,
        "answers_acknowledged": total,
        "answers_in_database": len(rows),
        "answers_lost": lost,
        "answers_duplicated": duplicated,
        "learner_kills": kills,
        "learner_restarts": restarts,
        "postgres_crash_restarts": int(pg_restarted),
        "learners_failed": failures,
        "ack_latency_ms": {"p50": q[49] * 1000, "p95": q[94] * 1000, "p99": q[98] * 1000,
                           "max": max(latencies) * 1000 if latencies else 0},
        "wall_s": round(elapsed, 1),
        "answers_per_s": round(total / elapsed, 1),
        "max_connections": connections[0] if connections else None,
        "machine": sampler.summary(),
        "cores": os.cpu_count(),
    }, indent=2))  # fmt: skip
    server.destroy()
    if args.kernels:
        kernels_per_gib(args.kernels)


def _cpu_busy() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def _mem_used_mib() -> float:
    info = dict(
        line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines() if ":" in line
    )
    total = int(info["MemTotal"].split()[0])
    available = int(info["MemAvailable"].split()[0])
    return (total - available) / 1024


class Sampler:
    """Once a second: the machine's CPU busy share, memory in use, PostgreSQL connections."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.cpu: list[float] = []
        self.mem: list[float] = []
        self.conns: list[int] = []
        self._last = _cpu_busy()
        self._at = 0.0

    def tick(self, now: float) -> None:
        if now - self._at < 1.0:
            return
        self._at = now
        busy, total = _cpu_busy()
        if total > self._last[1]:
            self.cpu.append((busy - self._last[0]) / (total - self._last[1]))
        self._last = (busy, total)
        self.mem.append(_mem_used_mib())
        with contextlib.suppress(Exception):
            import psycopg

            with psycopg.connect(self.url, connect_timeout=1) as conn:
                row = conn.execute("SELECT count(*) FROM pg_stat_activity").fetchone()
                self.conns.append(int(row[0]) if row else 0)

    def summary(self) -> dict[str, float]:
        return {
            "cpu_busy_mean": round(statistics.mean(self.cpu), 2) if self.cpu else 0.0,
            "cpu_busy_max": round(max(self.cpu), 2) if self.cpu else 0.0,
            "mem_used_mib_max": round(max(self.mem)) if self.mem else 0.0,
            "mem_used_mib_start": round(self.mem[0]) if self.mem else 0.0,
            "pg_connections_max": max(self.conns) if self.conns else 0,
        }


def _pss(pid: int) -> int:
    """Proportional set size of a process and its descendants, in bytes."""
    from engine.execution.process import descendants

    total = 0
    for p in [pid, *descendants(pid)]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
    return total


def kernels_per_gib(count: int) -> None:
    from engine.execution import sandbox
    from engine.execution.kernel import Kernel

    sandboxed = sandbox.problem() is None
    if sandboxed:
        os.environ[sandbox.SANDBOX_ENV] = "1"
    kernels = [Kernel() for _ in range(count)]
    for k in kernels:
        k.start()
    for k in kernels:
        k.wait_ready()
        k.execute(
            "import torch\nx = torch.randn(256, 256, requires_grad=True)\n(x @ x).sum().backward()"
        )
    pss = [_pss(k.pid or 0) for k in kernels]
    for k in kernels:
        k.shutdown()
    mean = statistics.mean(pss)
    print(json.dumps({
        "kernels": count,
        "sandboxed": sandboxed,
        "pss_mib_mean": round(mean / 2**20, 1),
        "pss_mib_max": round(max(pss) / 2**20, 1),
        "kernels_per_gib": round(2**30 / mean, 2),
    }, indent=2))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--chapters", type=int, default=3, help="chapters each learner studies")
    parser.add_argument("--kills", type=int, default=10, help="learner processes killed (-9)")
    parser.add_argument("--kill-every", type=float, default=2.0, help="seconds between kills")
    parser.add_argument("--pg-restart-after", type=float, default=8.0, help="seconds")
    parser.add_argument("--kernels", type=int, default=8, help="real kernels for kernels/GiB")
    parser.add_argument("--real-kernels", action="store_true")
    parser.add_argument("--learner", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--log", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.learner:
        learner_main(args.learner, args.url, args.chapters, args.log, args.real_kernels)
    else:
        drive(args)


if __name__ == "__main__":
    main()
