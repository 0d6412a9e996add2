"""Byte-compile the checkout's ``engine`` before measuring it, as an installed lectio is.

pip compiles a wheel's modules when it installs them, and Python writes the bytecode of an
editable checkout on its first import; but with ``PYTHONDONTWRITEBYTECODE`` set (as on the
development machines) nothing is written, so every start of lectio compiled each of its modules
from source again, while the bare Textual app it is compared with read Textual's compiled files:
25 to 40 ms of ``lectio open``'s first frame that no installed lectio pays. ``compileall`` writes
the files whatever that variable says; an unchanged module is not compiled again.
"""

from __future__ import annotations

import compileall
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def compile_engine() -> None:
    """Write the bytecode of every module of this checkout's ``engine`` that lacks it."""
    compileall.compile_dir(ROOT / "engine", quiet=1)
