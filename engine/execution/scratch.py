"""Scratch folders: the working folder of each kernel, never left behind.

Each kernel runs in a folder of its own under the temporary directory, named after the lectio
process that made it (``lectio-kernel-<pid>-*``), so a folder whose lectio was killed before it
could tidy up can be recognised and removed by the next lectio that starts a kernel.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile

_SWEPT: list[bool] = []


def scratch_folder() -> str:
    """A new scratch folder, named after this process; the first call also removes folders
    left by lectio processes that were killed before they could tidy up."""
    if not _SWEPT:
        _SWEPT.append(True)
        with contextlib.suppress(OSError):
            for entry in os.scandir(tempfile.gettempdir()):
                match = _SCRATCH_NAME.match(entry.name)
                if match and entry.is_dir() and not _alive(int(match.group(1))):
                    shutil.rmtree(entry.path, ignore_errors=True)
    return tempfile.mkdtemp(prefix=f"lectio-kernel-{os.getpid()}-")


_SCRATCH_NAME = re.compile(r"^lectio-kernel-(\d+)-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
