"""What a run reports from its worker thread (a cell started, output came), taken in batches.

The kernel calls back once per chunk it reads: up to 64 KiB, and a line at a time when a cell
flushes every ``print``. A message per chunk, each one laying out the cell again, kept the event
loop busy for as long as the flood lasted (issue 15). The worker puts its reports here instead;
the event loop is woken by one message when the queue goes from empty to not, and takes
everything that came, at most once per ``interval``: however fast a cell prints, its output
costs at most one update of the cell per interval. A cell's start goes through the same queue,
so a batch is applied in the order things happened (a cell's output never before its start).

Headless and thread-safe; the clock can be replaced (tests).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

OUTPUT_INTERVAL = 0.05
"""Seconds between two takes at least: 20 updates a second while a cell prints."""


@dataclass(frozen=True)
class Started:
    """The kernel began running cell ``block_index``."""

    block_index: int


@dataclass(frozen=True)
class Output:
    """Cell ``block_index`` printed ``text`` (every chunk since the last take, joined)."""

    block_index: int
    text: str


Report = Started | Output


class ReportQueue:
    """Reports put by a worker thread, taken by the event loop (see the module docstring)."""

    def __init__(
        self, interval: float = OUTPUT_INTERVAL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._items: list[Started | tuple[int, list[str]]] = []
        self._waiting = False
        self._last = float("-inf")
        self.puts = 0
        """Reports put so far (a count for tests and benchmarks)."""
        self.wakes = 0
        """Times the event loop had to be woken (a ``Progress`` message each)."""
        self.takes = 0
        """Takes that found something (each one an update of the cells)."""

    def _put(self, item: Started | tuple[int, list[str]] | None, block: int, text: str) -> bool:
        with self._lock:
            self.puts += 1
            if item is not None:
                self._items.append(item)
            elif self._items and isinstance(last := self._items[-1], tuple) and last[0] == block:
                last[1].append(text)
            else:
                self._items.append((block, [text]))
            wake = not self._waiting
            self._waiting = True
            self.wakes += wake
            return wake

    def started(self, block_index: int) -> bool:
        """Put a start; True if the event loop must be woken (nothing was waiting)."""
        return self._put(Started(block_index), block_index, "")

    def output(self, block_index: int, text: str) -> bool:
        """Put output; True if the event loop must be woken (nothing was waiting)."""
        return self._put(None, block_index, text)

    def due_in(self) -> float:
        """Seconds until the next take is due (0: now)."""
        return max(0.0, self._last + self.interval - self._clock())

    def take(self) -> list[Report]:
        """Everything put since the last take, in order, output of one cell joined."""
        with self._lock:
            items, self._items = self._items, []
            self._waiting = False
            if items:
                self._last = self._clock()
                self.takes += 1
        return [
            item if isinstance(item, Started) else Output(item[0], "".join(item[1]))
            for item in items
        ]
