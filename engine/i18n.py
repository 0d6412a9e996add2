"""Interface strings in the learner's language, for every front end (TUI, plain mode, CLI).

The messages are gettext catalogs: the English text in the code is the message id, and each
language has ``engine/locale/<lang>/LC_MESSAGES/lectio.po`` (the source translators edit) compiled
to ``lectio.mo`` (what is shipped and read here, with the standard library's :mod:`gettext`, so
start-up pays for no third-party import). ``python -m tools.i18n`` extracts, updates and compiles
them with Babel; docs/translating.md says how to add a string or a language.

Headless on purpose: no textual, no terminal. The original lesson page is Brazilian Portuguese,
so ``pt`` uses its exact wording ("Selecione a resposta correta", "Tudo estava claro?", ...).

Usage (the message id is always a string literal, so extraction sees every message)::

    t("Select the correct answer", "pt")                -> "Selecione a resposta correta"
    t("Section {section} · Chapter {chapter}", "en", section=1, chapter=11)
    nt("{n} finished attempt", "{n} finished attempts", 2, "pt") -> "2 tentativas concluídas"
    ct("kernel state", "ready", lang)                   # msgctxt: one English word, two meanings
    KINDS = {"tip": N_("Tip")}; tr(KINDS[kind], lang)   # a message chosen at run time

A language tag is reduced to its primary subtag ("pt-BR" -> "pt"); unknown languages and
untranslated messages fall back to the English text, so a front end never shows a raw id.

Numbers: a float placeholder such as ``{seconds:.2f}`` is written with the language's decimal
separator ("Concluído em 0,00 s"), itself a message of the catalog (context "decimal separator"),
by the one formatter the functions here use; code that writes a number outside a message calls
:func:`decimal` so the rule lives in one place.
"""

from __future__ import annotations

import gettext
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NewType

DEFAULT_LANG = "en"
DOMAIN = "lectio"
LOCALE_DIR = Path(__file__).parent / "locale"
"""``<lang>/LC_MESSAGES/lectio.mo`` for every language but English (the message ids)."""

Msg = NewType("Msg", str)
"""A message id marked with :func:`N_` (for tables that pick a message at run time)."""

_CONTEXT_GLUE = "\x04"  # how gettext stores msgctxt in a .mo: "context\x04msgid"


def N_(msgid: str) -> Msg:  # noqa: N802 (the gettext convention extraction tools know)
    """Mark ``msgid`` for extraction without translating it; :func:`tr` translates it later."""
    return Msg(msgid)


def NC_(context: str, msgid: str) -> Msg:  # noqa: N802
    """:func:`N_` with a message context (``msgctxt``)."""
    return Msg(f"{context}{_CONTEXT_GLUE}{msgid}")


_languages: list[str] | None = None
_translations: dict[str, gettext.NullTranslations] = {}


def languages() -> list[str]:
    """The languages the interface speaks: English and every compiled catalog."""
    global _languages
    if _languages is None:
        found = {path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")}
        _languages = sorted(found | {DEFAULT_LANG})
    return _languages


def resolve(lang: str | None) -> str:
    """The catalog to use for a BCP 47 tag: "pt-BR" -> "pt", unknown or None -> "en"."""
    if not lang:
        return DEFAULT_LANG
    primary = lang.replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in languages() else DEFAULT_LANG


def system_language(environ: Mapping[str, str]) -> str | None:
    """The first language of the learner's system that the interface speaks, read as gettext
    reads it: ``LANGUAGE`` (a colon-separated list, used only when a locale is set), else the
    first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set; None for none, "C" or "POSIX"."""
    locale = next(
        (environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(name)), ""
    )
    tag = locale.split(".", 1)[0].split("@", 1)[0]
    if not tag or tag in ("C", "POSIX"):
        return None
    wanted = [*environ.get("LANGUAGE", "").split(":"), tag]
    for each in wanted:
        code = each.split(".", 1)[0].replace("_", "-").split("-", 1)[0].lower()
        if code and code in languages():
            return code
    return None


def translations(lang: str | None) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (read once); English is the message ids themselves."""
    code = resolve(lang)
    found = _translations.get(code)
    if found is None:
        if code == DEFAULT_LANG:
            found = gettext.NullTranslations()
        else:
            with (LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as mo:
                found = gettext.GNUTranslations(mo)
        _translations[code] = found
    return found


class _Formatter(string.Formatter):
    """``str.format`` that writes floats with the language's decimal mark."""

    def __init__(self, mark: str) -> None:
        super().__init__()
        self.mark = mark

    def format_field(self, value: Any, format_spec: str) -> str:
        text = str(super().format_field(value, format_spec))
        if self.mark != "." and isinstance(value, float):
            text = text.replace(".", self.mark)
        return text


def _mark(lang: str | None) -> str:
    # Translators: the decimal separator of your language ("," in Portuguese: 0,25).
    return ct("decimal separator", ".", lang)


def _format(text: str, lang: str | None, fmt: dict[str, Any]) -> str:
    if not fmt:
        return text
    try:
        return _Formatter(_mark(lang)).format(text, **fmt)
    except (KeyError, IndexError, ValueError):
        return text  # a broken translation degrades to its raw text, never to an exception


def t(msgid: str, lang: str | None = DEFAULT_LANG, /, **fmt: Any) -> str:
    """``msgid`` (English, a string literal) in ``lang``, formatted with ``fmt``."""
    return _format(translations(lang).gettext(msgid), lang, fmt)


def nt(singular: str, plural: str, n: int, lang: str | None = DEFAULT_LANG, /, **fmt: Any) -> str:
    """The form of a message for the count ``n`` (the catalog's Plural-Forms); ``{n}`` is ``n``."""
    return _format(translations(lang).ngettext(singular, plural, n), lang, {"n": n, **fmt})


def ct(context: str, msgid: str, lang: str | None = DEFAULT_LANG, /, **fmt: Any) -> str:
    """``msgid`` in ``context`` (``msgctxt``): when one English text needs two translations."""
    return _format(translations(lang).pgettext(context, msgid), lang, fmt)


def tr(message: Msg, lang: str | None = DEFAULT_LANG, /, **fmt: Any) -> str:
    """A message marked with :func:`N_` or :func:`NC_`, translated now."""
    context, glue, msgid = message.rpartition(_CONTEXT_GLUE)
    if glue:
        return ct(context, msgid, lang, **fmt)
    return t(msgid, lang, **fmt)


def decimal(value: float, lang: str | None, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals and the decimal mark of ``lang`` ("0,25" in pt)."""
    return _Formatter(_mark(lang)).format_field(float(value), f".{digits}f")


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a message (used to check that translations agree)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
