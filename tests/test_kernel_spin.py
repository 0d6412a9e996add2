"""The bounded spin of a round trip (engine.execution.spin, issue 15): while lectio polls for a
reply, and while the worker polls for the next request, everything a blocking wait saw is
still seen (an interrupt, a deadline, a death, a forged reply), and an idle kernel stops
spinning by itself. The spin windows are made long here so that each event surely lands in
one; nothing is timed."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from narrow import present

from engine.execution import kernel as kernel_module
from engine.execution import spin as spinning
from engine.execution.kernel import Kernel
from engine.execution.protocol import Message
from engine.execution.results import TAMPERING, CellStatus

pytestmark = pytest.mark.slow


class Spins:
    """What lectio's side of the round trips did: each spin, how far ahead it was allowed to
    go, from which poll set, and what it saw."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, float, list[tuple[int, int]]]] = []
        self.requests: list[Message] = []

    @property
    def caught(self) -> int:
        return sum(bool(events) for _, _, events in self.calls)


@pytest.fixture
def spins(monkeypatch: pytest.MonkeyPatch) -> Spins:
    """Long spins, on both sides, whatever CPUs the two run on (-1: not known, so spin)."""
    record = Spins()
    real = spinning.spin

    def counting(poll: Any, until: float) -> list[tuple[int, int]]:
        span = until - time.monotonic()
        events = real(poll, until)
        record.calls.append((poll.__self__, span, events))
        return events

    monkeypatch.setattr(spinning, "SPIN", 5.0)
    monkeypatch.setattr(spinning, "spin", counting)
    monkeypatch.setattr(kernel_module, "_cpu", lambda: -1)
    return record


@pytest.fixture
def light() -> Iterator[Kernel]:
    k = Kernel(preload=(), interrupt_grace=0.5)
    yield k
    k.shutdown()


def _recording(kernel: Kernel, record: Spins) -> None:
    """Keep a copy of every request sent to the current worker."""
    live = present(kernel._live)
    send = live.send

    def sending(message: Message) -> None:
        record.requests.append(dict(message))
        send(message)

    live.send = sending


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_worth_spinning_only_on_two_cpus_or_when_not_known() -> None:
    assert not spinning.worth_spinning(0, 0)
    assert spinning.worth_spinning(0, 1)
    assert spinning.worth_spinning(-1, -1)
    assert spinning.worth_spinning(1, -1)
    assert spinning.worth_spinning(1, None)
    assert spinning.worth_spinning(1, True)  # a bool is not a CPU number


def test_the_worker_is_asked_to_spin_only_when_alone_and_on_another_cpu(
    light: Kernel, spins: Spins, monkeypatch: pytest.MonkeyPatch
) -> None:
    light.wait_ready()
    _recording(light, spins)
    assert light.execute("1 + 1").display == "2"
    live = present(light._live)
    assert type(live.cpu) is int and live.cpu >= 0  # the CPU of the worker's reply
    monkeypatch.setattr(kernel_module, "_cpu", lambda: live.cpu)  # as if on the same CPU
    assert light.execute("2 + 2").display == "4"
    monkeypatch.setattr(kernel_module, "_cpu", lambda: -1)
    with kernel_module._IN_FLIGHT.lock:
        kernel_module._IN_FLIGHT.count += 1  # another kernel's round trip is under way
    try:
        assert light.execute("3 + 3").display == "6"
    finally:
        with kernel_module._IN_FLIGHT.lock:
            kernel_module._IN_FLIGHT.count -= 1
    assert [r["spin"] for r in spins.requests] == [5.0, 0.0, 0.0]
    assert len(spins.calls) == 1  # lectio spun for the first reply only
    assert kernel_module._IN_FLIGHT.count == 0


def test_a_reply_during_the_spin_is_read_and_a_run_of_cells_answered(
    light: Kernel, spins: Spins
) -> None:
    light.wait_ready()
    results = [light.execute(f"x = {n}\nprint(x)") for n in range(20)]
    assert [r.stdout for r in results] == [f"{n}\n" for n in range(20)]
    assert spins.caught >= 10  # lectio spun for them (5 s each at most: never blocked)


def test_an_interrupt_during_the_spin_is_seen_and_output_streams(
    light: Kernel, spins: Spins
) -> None:
    light.execute("survivor = 'still here'")
    seen: list[str] = []

    def on_output(text: str) -> None:
        seen.append(text)
        if "go" in text:
            threading.Thread(target=light.interrupt).start()

    result = light.execute(
        "import time\nprint('go', flush=True)\ntime.sleep(60)", on_output=on_output
    )
    assert result.status is CellStatus.ERROR, result
    assert present(result.error).name == "KeyboardInterrupt"
    assert "go" in "".join(seen)  # read while the cell ran, not only after its reply
    quiet = present(light._live).quiet
    # the spin without the output pipe ends with the quiet window; then the output is read
    assert all(span <= kernel_module.QUIET_WINDOW for p, span, _ in spins.calls if p is quiet)
    assert any(p is not quiet for p, _, _ in spins.calls)
    assert light.execute("survivor").display == "'still here'"


def test_a_deadline_during_the_spin_is_kept(light: Kernel, spins: Spins) -> None:
    light.wait_ready()
    result = light.execute("while True:\n    pass", timeout=0.3)
    assert result.status is CellStatus.TIMEOUT, result
    # each spin ends at the limit of its wait: the deadline, then the interrupt's grace
    assert spins.calls and all(span <= 0.3 + light.interrupt_grace for _, span, _ in spins.calls)
    assert light.execute("print('after')").stdout == "after\n"


def test_a_death_during_the_spin_is_seen(light: Kernel, spins: Spins) -> None:
    light.wait_ready()
    generation = light.generation
    result = light.execute("import os\nos._exit(3)")
    assert result.status is CellStatus.CRASHED, result
    assert spins.calls[0][2]  # seen during the first spin (its pidfd, its pipes' ends)
    assert "3" in result.detail
    assert light.execute("print('fresh')").stdout == "fresh\n"
    assert light.generation == generation + 1


def test_a_forged_reply_during_the_spin_is_refused(light: Kernel, spins: Spins) -> None:
    """A cell writes a reply to its own request on the kernel's reply pipe while lectio spins
    for the real one: not sealed with the key, so the cell's result is void."""
    light.wait_ready()
    ctrl_out = present(light._live).process.ctrl_out
    forged = (Path(__file__).parent / "data" / "hostile" / "forge_inherited_fds.py").read_text()
    assert ctrl_out  # lectio's end; the worker's end is among the descriptors the cell tries
    result = light.execute(forged)
    assert result.status is CellStatus.CRASHED, result
    assert result.detail.startswith(TAMPERING), result.detail
    assert light.execute("print('fresh')").stdout == "fresh\n"


def test_an_idle_worker_stops_spinning_and_an_interrupt_between_cells_is_harmless(
    light: Kernel, spins: Spins, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spinning, "SPIN", 0.5)
    light.execute("kept = 7")
    pid = present(light.pid)
    os.kill(pid, signal.SIGINT)  # lands while the worker polls for the next request
    deadline = time.monotonic() + 30
    while _state(pid) != "S" and time.monotonic() < deadline:  # blocked in its read again
        time.sleep(0.05)
    assert _state(pid) == "S"
    result = light.execute("kept")
    assert result.status is CellStatus.OK, result
    assert result.display == "7"
    assert light.pid == pid
