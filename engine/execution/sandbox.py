"""Kernels in a sandbox: a command prefix that runs a worker inside bubblewrap (``bwrap``).

On a server every learner's cell runs on the teacher's machine, so a served kernel must not
reach the network, the store, the server's files, other learners' kernels or their scratch
folders, nor fork without bound. :func:`wrap` turns the worker's argv into one that starts it
in its own sandbox (``$LECTIO_SANDBOX=1``, set by ``--sandbox`` and by ``lectio serve``):

* ``--unshare-net``: no network at all (only a loopback of its own); ``--unshare-pid``: it sees
  only its own processes, so it cannot signal lectio or anything else; ``--unshare-ipc`` and
  ``--unshare-uts`` too; ``--die-with-parent``; no capabilities; a user namespace of its own
  (uid 0 maps to itself under root) in which it may make no other (``--disable-userns``);
  needs bubblewrap 0.8.0 or newer;
* the file system is built from nothing: read-only ``/usr``, a few files of ``/etc``, the Python
  installation, the ``engine`` package folder (not the checkout around it); writable only the
  kernel's scratch folder, a private ``/tmp`` and ``/dev/shm`` (tmpfs: the host's memory, so
  each holds at most ``$LECTIO_KERNEL_TMP``, 256 MiB by default; the sandbox's own ``/`` and
  ``/dev`` are read-only) and the cells' cache
  (:func:`engine.settings.cell_cache_dir`, ``LECTIO_CACHE`` in a cell, ``TORCH_HOME`` below it),
  shared by the kernels of this machine so a download happens once; inside it the read-only
  copies of courses' ``data/`` folders (:mod:`engine.execution.coursedata`) are mounted
  read-only. The data folder, the store's socket, home folders and other scratch folders do not
  exist inside;
* the environment is the worker's, filtered through an allow-list: no ``LECTIO_STORE`` (it may
  hold a password);
* a process-count cap (threads count): a ``pids`` cgroup per kernel with ``pids.max`` when one
  can be made (needed under root, where ``RLIMIT_NPROC`` does not apply), else ``RLIMIT_NPROC``
  set inside the sandbox's user namespace, where it counts only that sandbox's processes.

The memory cap (``RLIMIT_AS``) is the worker's own, as without a sandbox. bwrap does not
forward signals, so interrupts go to the worker inside, found by :func:`inner_pid`. If lectio is
killed, ``--die-with-parent`` takes the whole sandbox with it at once; its scratch folder (a
mount point inside, so the worker cannot remove it) is then removed by the next lectio process
that starts a kernel (:func:`engine.execution.scratch.scratch_folder` sweeps folders of dead
lectio processes), not by the dying worker as without a sandbox.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

SANDBOX_ENV = "LECTIO_SANDBOX"
NPROC_ENV = "LECTIO_KERNEL_NPROC"
DEFAULT_NPROC = 128
"""Processes and threads one kernel may have (torch starts a few threads per core)."""
TMP_ENV = "LECTIO_KERNEL_TMP"
DEFAULT_TMP = 256 << 20
"""Size of a kernel's private ``/tmp``, and of its ``/dev/shm``: memory of the host, which the
kernel's address-space cap does not count."""

_ETC = (
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "localtime",
    "nsswitch.conf",
    "passwd",
    "group",
    "alternatives",
    "fonts",  # fontconfig's: without it importing matplotlib.pyplot prints an error in the cell
)
_KEEP_ENV = (
    "PATH",
    "LANG",
    "LANGUAGE",
    "TERM",
    "TZ",
    "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE",
)
_KEEP_PREFIXES = ("LC_", "OMP_", "MKL_", "OPENBLAS_", "TORCH_", "CUBLAS_")
_KEEP_LECTIO = (
    "LECTIO_MEMORY_LIMIT",
    "LECTIO_OUTPUT_LIMIT",
    "LECTIO_CACHE",
    "MPLBACKEND",
    "TORCH_HOME",
    SANDBOX_ENV,
)
_CGROUP_V1 = Path("/sys/fs/cgroup/pids")


class SandboxError(Exception):
    """A sandbox cannot be made here; the message says why and what to install."""


def enabled() -> bool:
    return os.environ.get(SANDBOX_ENV, "") == "1"


def nproc_limit() -> int:
    try:
        return max(8, int(os.environ.get(NPROC_ENV, "") or DEFAULT_NPROC))
    except ValueError:
        return DEFAULT_NPROC


def tmp_size() -> int | None:
    """Bytes a kernel may keep in its ``/tmp``, and in its ``/dev/shm`` (None: no cap)."""
    from engine.execution.limits import size_from_env

    return size_from_env(TMP_ENV, DEFAULT_TMP)


MIN_BWRAP = (0, 8, 0)


@functools.cache
def _version(bwrap: str) -> tuple[int, ...]:
    """``bwrap --version`` as numbers (``bubblewrap 0.8.0``); (0,) if it says none."""
    try:
        said = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=30)
        words = said.stdout.split()
        return tuple(int(part) for part in words[-1].split(".")[:3])
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError):
        return (0,)


def _engine_root() -> Path:
    return Path(__file__).resolve().parent.parent.parent


def _read_only_paths() -> list[Path]:
    """What a worker needs to read: the system's libraries, Python, and the engine."""
    paths = [Path("/usr")]
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix}:
        real = Path(prefix).resolve()
        if not real.is_relative_to("/usr"):
            paths.append(real)
            paths.append(Path(prefix).absolute())
    executable = Path(sys.executable).resolve().parent
    if not any(executable.is_relative_to(p) for p in paths):
        paths.append(executable)
    paths.append(_engine_root() / "engine")
    paths += [Path("/etc") / name for name in _ETC]
    return [p for p in dict.fromkeys(paths) if p.exists()]


def _environment(base: Mapping[str, str], scratch: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in base.items()
        if k in _KEEP_ENV or k.startswith(_KEEP_PREFIXES) or k in _KEEP_LECTIO
    }
    env.update(
        PYTHONPATH=str(_engine_root()),
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
        HOME=scratch,
        TMPDIR="/tmp",
    )
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    return env


def _cgroup_parent() -> Path | None:
    """A folder where this process may make ``pids`` cgroups (cgroup v1 as root), else None."""
    parent = _CGROUP_V1 / "lectio"
    with contextlib.suppress(OSError):
        parent.mkdir(exist_ok=True)
        if os.access(parent / "cgroup.procs", os.W_OK):
            return parent
    return None


def _new_cgroup(scratch: str, limit: int) -> Path | None:
    parent = _cgroup_parent()
    if parent is None:
        return None
    # Cgroups of ended kernels: named after scratch folders, which go when their kernel does
    # (a cgroup just made for a kernel still starting has its folder; a live one refuses EBUSY).
    folders = Path(scratch).parent
    for old in parent.iterdir():
        if old.is_dir() and not (folders / old.name).exists():
            with contextlib.suppress(OSError):
                old.rmdir()
    group = parent / Path(scratch).name
    try:
        group.mkdir(exist_ok=True)
        (group / "pids.max").write_text(str(limit))
    except OSError:
        return None
    return group


def _writable_caches(env: Mapping[str, str]) -> list[Path]:
    from engine.settings import cell_cache_dir

    caches = [Path(env.get("LECTIO_CACHE") or cell_cache_dir())]
    if env.get("TORCH_HOME"):
        caches.append(Path(env["TORCH_HOME"]))
    found: list[Path] = []
    for cache in caches:
        with contextlib.suppress(OSError):
            cache.mkdir(parents=True, exist_ok=True)
            if not any(cache.resolve().is_relative_to(c.resolve()) for c in found):
                found.append(cache)
    return found


def wrap(command: Sequence[str], *, cwd: str, env: Mapping[str, str] | None = None) -> list[str]:
    """``command`` (a worker's argv, to run with ``env``: the worker's environment) in a
    sandbox whose writable folders are ``cwd`` and the cells' cache."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxError("bubblewrap is not installed (apt-get install bubblewrap)")
    version = _version(bwrap)
    if version < MIN_BWRAP:
        raise SandboxError(
            f"bubblewrap {'.'.join(map(str, version))} is too old: the sandbox needs "
            f"{'.'.join(map(str, MIN_BWRAP))} or newer (--size, --disable-userns)"
        )
    base = os.environ if env is None else env
    caches = _writable_caches(base)
    limit = nproc_limit()
    argv = [
        bwrap,
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--die-with-parent",
        "--cap-drop",
        "ALL",
        "--clearenv",
    ]
    root = os.geteuid() == 0
    group = _new_cgroup(cwd, limit) if root else None
    if root and group is None:
        raise SandboxError(
            "running as root, and no pids cgroup can be made for the process cap "
            f"({_CGROUP_V1} is not writable); run lectio as an ordinary user"
        )
    # A user namespace of its own even under root (uid 0 maps to itself), so that it can make
    # none: a namespace a cell made would give it the capabilities to mount a tmpfs of any size
    argv += ["--unshare-user", "--disable-userns"]
    for name in ("bin", "lib", "lib64", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            argv += ["--symlink", str(path.readlink()), str(path)]
        elif path.is_dir():
            argv += ["--ro-bind", str(path), str(path)]
    # Files in a tmpfs are the host's memory, outside the kernel's address-space cap: the two a
    # cell may write (/tmp, and /dev/shm for multiprocessing) have a size, and the sandbox's own
    # root and /dev (tmpfs that bwrap makes) are made read-only once everything is mounted.
    size = tmp_size()
    sized = ["--size", str(size)] if size else []
    # The private /tmp first: bwrap mounts in order, so Python or the engine living under /tmp
    # (a checkout and its venv in /tmp, as in CI) is bound on top of it, not hidden by it.
    argv += [*sized, "--tmpfs", "/tmp"]
    for path in _read_only_paths():
        argv += ["--ro-bind", str(path), str(path)]
    argv += ["--dev", "/dev", *sized, "--tmpfs", "/dev/shm", "--remount-ro", "/dev"]
    argv += ["--proc", "/proc", "--bind", cwd, cwd]
    for cache in caches:
        argv += ["--bind", str(cache), str(cache)]
        course_data = cache / "course-data"  # read-only copies of courses' data/ folders
        if course_data.is_dir():
            argv += ["--ro-bind", str(course_data), str(course_data)]
    argv += ["--remount-ro", "/"]
    for key, value in _environment(base, cwd).items():
        argv += ["--setenv", key, value]
    argv += ["--chdir", cwd, "--"]
    if group is None:  # RLIMIT_NPROC, set inside the user namespace: it counts only the sandbox
        prlimit = shutil.which("prlimit") or "/usr/bin/prlimit"
        argv += [prlimit, f"--nproc={limit}:{limit}", "--"]
    argv += list(command)
    if group is not None:  # join the cgroup before bwrap starts: all it starts is counted
        script = 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"'
        argv = ["/bin/sh", "-c", script, "lectio-sandbox", str(group), *argv]
    return argv


def inner_pid(outer: int) -> int | None:
    """The worker inside the sandbox started as ``outer`` (bwrap), to send it signals."""
    from engine.execution.process import descendants

    for pid in descendants(outer):
        with contextlib.suppress(OSError, ValueError, IndexError):
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            # bwrap's own cmdline holds the worker's argv too: the worker is the one running it
            if (
                b"bwrap" not in args[0]
                and args[args.index(b"-m") + 1] == b"engine.execution.worker"
            ):
                return pid
    return None


@functools.cache
def problem() -> str | None:
    """Why a sandbox cannot be made here (None: it can): tried once, with ``true`` inside."""
    import tempfile

    scratch = tempfile.mkdtemp(prefix="lectio-sandbox-probe-")
    try:
        argv = wrap(["/bin/true"], cwd=scratch)
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except SandboxError as exc:
        return str(exc)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not be started: {exc}"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if done.returncode != 0:
        return f"bubblewrap failed: {(done.stderr or done.stdout).strip() or done.returncode}"
    return None
