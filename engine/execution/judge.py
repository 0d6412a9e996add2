"""Checks judged where no cell can reach them: an author's ``matches`` and ``normalize``.

A regular expression from a lesson is untrusted input that may backtrack for ever, so it never
runs in lectio's own process (a ReDoS there would hang the run); and it does not run in the
kernel either, where a cell may have replaced ``re.search`` or the ``re`` module's internals
(a mocking lesson does exactly that, and a ``normalize`` rewritten there could turn any output
into the expected one). It runs in a throwaway interpreter started with ``-I -S`` (no site, no
user paths, nothing a lesson can have changed) and killed at the deadline.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence

from engine.execution.results import MATCH_TIMEOUT, MatchVerdict

_SEARCH = (
    "import json, re, sys\n"
    "data = json.load(sys.stdin)\n"
    "print('found' if re.search(data['pattern'], data['text']) else 'not found')\n"
)


def search_bounded(pattern: str, text: str, timeout: float = MATCH_TIMEOUT) -> MatchVerdict:
    """``re.search`` of an untrusted pattern in a throwaway interpreter that is killed at
    ``timeout``: a backtracking pattern must never hang lectio."""
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _SEARCH],
            input=json.dumps({"pattern": pattern, "text": text}),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return MatchVerdict.TOO_SLOW
    return MatchVerdict.FOUND if done.stdout.strip() == "found" else MatchVerdict.NOT_FOUND


_REWRITE = (
    "import json, re, sys\n"
    "data = json.load(sys.stdin)\n"
    "texts = data['texts']\n"
    "try:\n"
    "    for pattern, replace in data['rules']:\n"
    "        rule = re.compile(pattern)\n"
    "        texts = [rule.sub(replace, text) for text in texts]\n"
    "except (re.error, IndexError, RecursionError, MemoryError) as exc:\n"
    "    texts = f'{type(exc).__name__}: {exc}'\n"
    "json.dump({'texts': texts}, sys.stdout)\n"
)


def rewrite_bounded(
    rules: Sequence[tuple[str, str]], texts: Sequence[str], timeout: float = MATCH_TIMEOUT
) -> list[str] | str:
    """``texts`` with each ``(pattern, replacement)`` applied in order (``re.sub``) in a
    throwaway interpreter killed at ``timeout``; the reason as a string when it could not be
    done (too slow, a bad pattern or group reference)."""
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _REWRITE],
            input=json.dumps({"rules": [list(rule) for rule in rules], "texts": list(texts)}),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "too slow"
    try:
        result = json.loads(done.stdout)["texts"]
    except (ValueError, KeyError, TypeError):
        return "the pattern could not be applied"
    if isinstance(result, str):
        return result
    if not isinstance(result, list) or len(result) != len(texts):
        return "the pattern could not be applied"
    return [str(text) for text in result]
