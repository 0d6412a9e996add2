"""From what happened to a request to the :class:`CellResult` a front end shows.

The kernel records what happened while it waited (a reply, a timeout, an interrupt, a death
and why); this module turns that into a result with a status and a detail in plain words, and
keeps the kernel's own frames out of a crash dump (faulthandler lists them too).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.execution.process import describe_exit
from engine.execution.protocol import Message
from engine.execution.results import TAMPERING, CellError, CellResult, CellStatus, Picture


@dataclass
class Outcome:
    """What happened to one request, as the kernel saw it."""

    reply: Message | None
    duration: float
    timed_out: bool = False
    user_interrupt: bool = False
    died: bool = False
    returncode: int | None = None
    killed_because: str = ""


def to_result(
    outcome: Outcome,
    stdout: str,
    timeout: float,
    *,
    truncated: bool = False,
    place: Callable[[int], int] = lambda at: at,
) -> CellResult:
    """The :class:`CellResult` of an execution request, in words a learner can read
    (``truncated``: the output passed the cap; the cell's own text cannot fake it)."""
    if outcome.died:
        if outcome.killed_because.startswith(TAMPERING):  # whatever else happened: void
            return CellResult(
                CellStatus.CRASHED,
                stdout,
                duration=outcome.duration,
                truncated=truncated,
                detail=outcome.killed_because,
            )
        if outcome.timed_out:
            detail = (
                f"the cell ran past its time limit of {timeout:g} s and did not stop when "
                "interrupted, so its kernel was stopped and restarted (variables are lost)"
            )
            return CellResult(
                CellStatus.TIMEOUT,
                stdout,
                duration=outcome.duration,
                truncated=truncated,
                detail=detail,
            )
        if outcome.killed_because and outcome.user_interrupt:
            detail = (
                "the cell did not stop when interrupted, so its kernel was stopped and "
                "restarted (variables are lost)"
            )
        elif outcome.killed_because:
            detail = outcome.killed_because
        else:
            detail = (
                f"the kernel died while running this cell: "
                f"{describe_exit(outcome.returncode)}; it was restarted (variables are lost)"
            )
        return CellResult(
            CellStatus.CRASHED,
            without_kernel_frames(stdout),
            duration=outcome.duration,
            truncated=truncated,
            detail=detail,
        )
    reply = outcome.reply or {}
    error = error_from(reply.get("error"))
    extras = _extras(reply, place)
    if reply.get("status") == "ok":
        return CellResult(
            CellStatus.OK,
            stdout,
            display=reply.get("display"),
            duration=outcome.duration,
            truncated=truncated,
            **extras,
        )
    if outcome.timed_out and error is not None and error.name == "KeyboardInterrupt":
        return CellResult(
            CellStatus.TIMEOUT,
            stdout,
            error=error,
            duration=outcome.duration,
            truncated=truncated,
            detail=f"interrupted: the cell ran past its time limit of {timeout:g} s",
            **extras,
        )
    detail = "interrupted" if outcome.user_interrupt else ""
    return CellResult(
        CellStatus.ERROR,
        stdout,
        error=error,
        duration=outcome.duration,
        truncated=truncated,
        detail=detail,
        **extras,
    )


MAX_PICTURES_BYTES = 64 * 1024 * 1024
"""Bytes of pictures one cell's result may hold in lectio's memory, all of them together."""


def _extras(reply: Message, place: Callable[[int], int]) -> dict[str, Any]:
    """The pictures and the separate streams of a reply, checked: a picture must be a sound
    PNG of a sane size (:func:`engine.pictures.inspect`) or it is kept as a problem, never
    drawn; ``place`` turns the worker's byte offset into a character offset of the output."""
    extras: dict[str, Any] = {}
    items = reply.get("figures")
    if isinstance(items, list) and items:
        pictures: list[Picture] = []
        total = 0
        for item in items[:MAX_SENT]:
            if not isinstance(item, dict):
                continue
            at = item.get("at")
            at = place(at) if isinstance(at, int) and at >= 0 else 0
            pictures.append(_picture(item, at, total))
            total += len(pictures[-1].png or b"")
        extras["pictures"] = tuple(pictures)
        count = reply.get("figure_count")
        extras["picture_count"] = max(count if isinstance(count, int) else 0, len(pictures))
    for key in ("out", "err"):
        if isinstance(reply.get(key), str):
            extras[key] = reply[key]
    return extras


MAX_SENT = 100
"""Pictures of one reply that are looked at (the worker sends at most 50)."""


def _picture(item: dict[str, Any], at: int, total: int) -> Picture:
    from engine.pictures import PictureError, inspect

    problem = str(item.get("problem") or "")[:300]
    data = item.get("png")
    if not isinstance(data, str):
        return Picture(None, at=at, problem=problem or "the kernel sent no picture data")
    if len(data) > MAX_PICTURES_BYTES * 4 // 3 or total + len(data) * 3 // 4 > MAX_PICTURES_BYTES:
        return Picture(None, at=at, problem="the cell's pictures are too large to keep")
    try:
        png = base64.b64decode(data, validate=True)
        info = inspect(png)
    except (ValueError, PictureError) as exc:
        return Picture(None, at=at, problem=f"the picture is not a sound PNG: {exc}")
    if info.format != "PNG":
        return Picture(None, at=at, problem="the picture is not a PNG")
    return Picture(png, info.width, info.height, at=at)


def _is_kernel_frame(line: str) -> bool:
    """``  File ".../engine/execution/worker.py", line 3`` (a frame of the kernel's own code).

    Plain string tests, no regular expression: the output is the cell's, and a pattern with
    two ``[^"]*`` around a literal backtracks quadratically on a megabyte line made to look
    like a frame."""
    text = line.lstrip()
    if not text.startswith('File "') or len(text) > 2000:
        return False
    name = text[6:].partition('"')[0]
    return "/engine/execution/" in name or name == "<frozen runpy>"


def without_kernel_frames(output: str) -> str:
    """A crash dump (faulthandler) lists the kernel's own frames too: keep the learner's."""
    if "Fatal Python error" not in output:
        return output
    return "".join(
        line
        for line in output.splitlines(keepends=True)
        if not _is_kernel_frame(line) and not line.startswith("Extension modules:")
    )


def error_from(data: Message | None) -> CellError | None:
    if not data:
        return None
    return CellError(
        name=str(data.get("name", "Exception")),
        message=str(data.get("message", "")),
        traceback=str(data.get("traceback", "")),
        line=data.get("line"),
        bases=tuple(data.get("bases", ())),
    )
