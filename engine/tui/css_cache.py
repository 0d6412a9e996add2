"""Textual's parsed CSS, kept on disk between runs, so the first frame does not parse it again.

Textual parses the app's stylesheet and the ``DEFAULT_CSS`` of every widget class it mounts in
every new process (it keeps parsed rules in memory only): for the course map about 25,000
characters, 15 ms of its first frame, half of all the CSS work; more for a lesson. What it
parses never changes between two starts unless the CSS, its variables (the theme) or Textual
itself did, so :class:`KeptStylesheet` keeps each parsed source as one file named by a digest
of exactly those inputs (the CSS text, where it was read from, its kind, scope and tie-breaker,
the theme's variables) in a folder named by the Python version and Textual's CSS code (the
size and modification time of its files): a changed input can only miss, never find stale
rules. A folder of another Textual or Python is removed when a new one is made.

The files are pickles of Textual's ``RuleSet`` objects, read back by an unpickler that builds
only the CSS model's own classes (no other callable, no attribute lookup but an enum's member
and two methods of a dictionary), so a file there can at worst fail to load. A file that cannot
be read is parsed as Textual always does, and kept again; a source with parse errors is never
kept. The in-memory cache works as before.
Used by ``lectio open`` (the folder is beside the outline cache, in the data folder's
``cache``); an app made without a folder parses as Textual does.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import hashlib
import io
import os
import pickle
import shutil
import sys
from pathlib import Path
from typing import Any

from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation

VERSION = 1
"""Bumped when what a file holds changes: the older folder is then dropped."""

_MODULES = frozenset(
    {
        "textual.color",
        "textual.css.model",
        "textual.css.scalar",
        "textual.css.styles",
        "textual.css.transition",
        "textual.css.types",
        "textual.geometry",
        "textual.layouts.grid",
        "textual.layouts.horizontal",
        "textual.layouts.vertical",
        "textual.layouts.stream",
    }
)
"""Where the classes of parsed rules live (the CSS model, its values, the layouts)."""


def _member(owner: object, name: str) -> object:
    """``getattr`` as pickle uses it in parsed rules, and nothing else: an enum's member, or
    the ``get`` or ``__contains__`` of a dictionary (``Styles.get_rule`` and ``has_rule`` are
    those of its rules, the same dictionary once read back)."""
    if isinstance(owner, type) and issubclass(owner, enum.Enum) and name in owner.__members__:
        return owner[name]
    if isinstance(owner, dict) and name in ("get", "__contains__"):
        return getattr(owner, name)
    raise pickle.UnpicklingError(f"not an attribute parsed rules use: {name}")


class _RulesUnpickler(pickle.Unpickler):
    """Builds Textual's CSS model classes only: a file that names anything else is refused."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("builtins", "getattr"):
            return _member
        if (module, name) == ("functools", "partial"):
            return functools.partial  # of the selector checks below, the only functions allowed
        if module in _MODULES and "." not in name:
            found = super().find_class(module, name)
            is_check = module == "textual.css.model" and name.startswith("_check_")
            if (isinstance(found, type) and found.__module__ == module) or is_check:
                return found
        raise pickle.UnpicklingError(f"not part of Textual's CSS model: {module}.{name}")


@functools.cache
def _textual_stamp() -> str:
    """Names what the pickles depend on: the Python version and Textual's CSS code."""
    import textual

    root = Path(textual.__file__).parent
    digest = hashlib.blake2b(f"{VERSION} {sys.version} {root}".encode(), digest_size=8)
    for folder in (root, root / "css", root / "layouts"):
        with contextlib.suppress(OSError):
            for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
                if entry.name.endswith(".py"):
                    status = entry.stat()
                    digest.update(f"{entry.path} {status.st_size} {status.st_mtime_ns}".encode())
    return digest.hexdigest()


class KeptStylesheet(Stylesheet):
    """A Textual ``Stylesheet`` whose parsed sources are kept in ``folder`` between runs."""

    def __init__(self, folder: Path, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self._root = folder
        self._folder = folder / _textual_stamp()
        self._variables_digest: bytes | None = None
        self._prepared = False

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self._variables_digest = None

    def _file(self, key: tuple[str, CSSLocation, bool, int, str]) -> Path:
        if self._variables_digest is None:
            variables = repr(sorted(self._variables.items())).encode()
            self._variables_digest = hashlib.blake2b(variables, digest_size=16).digest()
        digest = hashlib.blake2b(repr(key).encode(), digest_size=16)
        digest.update(self._variables_digest)
        return self._folder / f"{digest.hexdigest()}.pickle"

    def _parse_rules(
        self,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        key = (css, read_from, is_default_rules, tie_breaker, scope)
        try:
            return self._parse_cache[key]
        except KeyError:
            pass
        file = self._file(key)
        rules = _read(file)
        if rules is not None:
            self._parse_cache[key] = rules
            return rules
        rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
        if not any(rule.errors for rule in rules):
            self._keep(file, rules)
        return rules

    def _keep(self, file: Path, rules: list[RuleSet]) -> None:
        """Write ``rules`` to ``file`` (atomically: a reader sees the whole file or none); the
        first write of a run drops the folders of other Textual or Python versions."""
        with contextlib.suppress(OSError, pickle.PicklingError, TypeError, AttributeError):
            if not self._prepared:
                self._prepared = True
                self._folder.mkdir(parents=True, exist_ok=True)
                for other in self._root.iterdir():
                    if other.is_dir() and other != self._folder:
                        shutil.rmtree(other, ignore_errors=True)
            partial = file.with_name(f"{file.name}.{os.getpid()}.tmp")
            partial.write_bytes(pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL))
            partial.replace(file)


def _read(file: Path) -> list[RuleSet] | None:
    """The rules kept in ``file``, or None if there are none (or not readable as such)."""
    try:
        data = file.read_bytes()
    except OSError:
        return None
    try:
        rules = _RulesUnpickler(io.BytesIO(data)).load()
    except Exception:  # a truncated, foreign or outdated file: parse instead
        return None
    if isinstance(rules, list) and all(isinstance(rule, RuleSet) for rule in rules):
        return rules
    return None
