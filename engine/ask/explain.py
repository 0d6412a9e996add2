"""Offline explanations of errors, read from ``explanations/<lang>.yaml`` (data, not code).

``en.yaml`` is the base: every entry has an ``id``, the exception ``type`` it explains (or
``warning``: matched in the cell's output), a regular expression ``pattern`` searched in the
message, a ``title`` and a ``text``. Another language's file gives ``title`` and ``text`` for the
same ids (an id it lacks falls back to English), so translators never touch the patterns. A
group named ``name`` in a pattern fills ``{name}`` in the title and text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.execution.results import CellResult

FOLDER = Path(__file__).parent / "explanations"
MAX_MESSAGE = 4000  # characters of a message searched (messages are capped by the kernel too)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    type: str
    pattern: re.Pattern[str]
    title: dict[str, str]
    text: dict[str, str]


@dataclass(frozen=True, slots=True)
class ErrorExplanation:
    """One rule applied to one error, in one language."""

    id: str
    title: str
    text: str


def _read(lang: str) -> list[dict[str, Any]]:
    import yaml

    path = FOLDER / f"{lang}.yaml"
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise ValueError(f"{path}: a list of explanations expected")
    return [entry for entry in data if isinstance(entry, dict)]


@functools.cache
def rules() -> tuple[Rule, ...]:
    """Every rule, with its title and text in every language that has a file."""
    langs = sorted(p.stem for p in FOLDER.glob("*.yaml"))
    found: list[Rule] = []
    by_lang = {lang: {str(e.get("id")): e for e in _read(lang)} for lang in langs}
    for entry in _read("en"):
        rule_id = str(entry["id"])
        titles = {
            lang: str(by_lang[lang][rule_id]["title"]) for lang in langs if rule_id in by_lang[lang]
        }
        texts = {
            lang: str(by_lang[lang][rule_id]["text"]) for lang in langs if rule_id in by_lang[lang]
        }
        found.append(
            Rule(rule_id, str(entry["type"]), re.compile(str(entry["pattern"])), titles, texts)
        )
    return tuple(found)


def _fill(template: str, groups: dict[str, str]) -> str:
    return template.replace("{name}", groups.get("name", "")).strip()


def _apply(rule: Rule, match: re.Match[str], lang: str | None) -> ErrorExplanation:
    code = (lang or "en").split("-")[0].split("_")[0].lower()
    use = code if code in rule.text else "en"
    groups = {k: v for k, v in match.groupdict().items() if v is not None}
    return ErrorExplanation(rule.id, _fill(rule.title[use], groups), _fill(rule.text[use], groups))


def explain(result: CellResult | None, lang: str | None) -> list[ErrorExplanation]:
    """The explanations that fit a cell's last result: its error first, then warnings seen
    in its output. Empty when nothing matches (or the cell has not run)."""
    if result is None:
        return []
    found: list[ErrorExplanation] = []
    error = result.error
    if error is not None:
        message = error.message[:MAX_MESSAGE]
        for rule in rules():
            if rule.type != "warning" and error.is_a(rule.type):
                match = rule.pattern.search(message)
                if match:
                    found.append(_apply(rule, match, lang))
                    break
    output = result.stdout[-MAX_MESSAGE:]
    for rule in rules():
        if rule.type == "warning":
            match = rule.pattern.search(output)
            if match:
                found.append(_apply(rule, match, lang))
    return found
