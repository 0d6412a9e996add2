"""Process-level walls between a lesson's code and every other process of lectio (Linux).

A process left behind by one lesson (a daemon, a thread's child) runs as the same user as
lectio, so by default it could open ``/proc/<pid>/fd/N`` of a later lesson's kernel, of the fork
server or of lectio itself and write into their pipes (or read their memory). Linux allows that
only if the target is *dumpable* or the caller has ``CAP_SYS_PTRACE``; so:

- every lectio process that holds a kernel's pipes (lectio, the fork server, each kernel)
  makes itself non-dumpable (``PR_SET_DUMPABLE 0``) before any cell can run;
- a kernel drops ``CAP_SYS_PTRACE`` (from its bounding, effective, permitted and inheritable
  sets: its cells and their children can never regain it), which matters when lectio runs as
  root, as it often does in a CI container;
- a kernel is the *child subreaper* of everything its cells start: a double-forked daemon is
  re-parented to the kernel instead of init, so lectio finds it by parent id and kills it
  when the lesson ends (:meth:`engine.execution.process.WorkerProcess.kill`).

Everything is best effort: elsewhere than Linux these calls do nothing.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

PR_CAPBSET_DROP = 24
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
CAP_SYS_PTRACE = 19
_CAP_VERSION_3 = 0x20080522

_LIBC: list[Any] = []


def _libc() -> Any:
    if not _LIBC:
        import ctypes

        _LIBC.append(ctypes.CDLL(None, use_errno=True))
    return _LIBC[0]


def _prctl(option: int, arg: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return bool(_libc().prctl(option, arg, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def make_undumpable() -> bool:
    """No other process of this user may open this one's ``/proc/<pid>/fd`` or memory."""
    return _prctl(PR_SET_DUMPABLE, 0)


def is_dumpable() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    try:
        return bool(_libc().prctl(3, 0, 0, 0, 0))  # PR_GET_DUMPABLE
    except (OSError, AttributeError):
        return True


_CAP_TYPES: list[Any] = []


def _cap_types() -> tuple[Any, Any]:
    """The ``capget`` header and data structures, made once (a fork server makes them before
    it forks: a class costs a kernel a tenth of a millisecond)."""
    if not _CAP_TYPES:
        import ctypes

        class Header(ctypes.Structure):
            _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

        class Data(ctypes.Structure):
            _fields_ = [
                ("effective", ctypes.c_uint32),
                ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32),
            ]

        _CAP_TYPES[:] = [Header, Data]
    return _CAP_TYPES[0], _CAP_TYPES[1]


def drop_ptrace_capability() -> None:
    """Drop ``CAP_SYS_PTRACE`` for good (no-op for a process that does not have it)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    Header, Data = _cap_types()  # noqa: N806 (classes)
    with contextlib.suppress(OSError, AttributeError):
        libc = _libc()
        libc.prctl(PR_CAPBSET_DROP, CAP_SYS_PTRACE, 0, 0, 0)  # EPERM without CAP_SETPCAP: fine
        libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
        header = Header(_CAP_VERSION_3, 0)
        data = (Data * 2)()
        if libc.capget(ctypes.byref(header), data) != 0:
            return
        mask = ~(1 << CAP_SYS_PTRACE) & 0xFFFFFFFF
        if not (data[0].effective | data[0].permitted | data[0].inheritable) & ~mask:
            return
        data[0].effective &= mask
        data[0].permitted &= mask
        data[0].inheritable &= mask
        libc.capset(ctypes.byref(header), data)


def become_subreaper() -> bool:
    """Orphans among this process's descendants are re-parented to it, not to init."""
    return _prctl(PR_SET_CHILD_SUBREAPER, 1)


def harden_kernel() -> None:
    """What a kernel process does before it runs any cell."""
    make_undumpable()
    drop_ptrace_capability()
    become_subreaper()


def harden_lectio() -> None:
    """What lectio (and its fork server) do before they start a kernel: their pipes to the
    kernels are out of reach of a cell's processes."""
    make_undumpable()
    _cap_types()  # the fork server's children inherit them made
