"""The catalogs against the code: every message extracted, translated in every language with the
same placeholders, compiled; no message unused; no message id built at run time.

Uses Babel (the ``dev`` extra) the way ``python -m tools.i18n`` does."""

from __future__ import annotations

import io
import string
from pathlib import Path

import pytest

pytest.importorskip("babel", reason="the catalog checks need Babel (pip install -e '.[dev]')")

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tools import i18n as tool

LANGS = tool.catalog_languages()

Key = tuple[str | None, str]  # (msgctxt, msgid)


def _po(lang: str) -> Catalog:
    with tool.po_path(lang).open("rb") as f:
        return read_po(f, locale=lang, domain=tool.DOMAIN)


def _messages(catalog: Catalog) -> dict[Key, Message]:
    return {(m.context, _text(m.id)): m for m in catalog if m.id}


def _forms(value: object) -> tuple[str, ...]:
    """A message's id or string as a tuple of forms (one, or one per plural form)."""
    if isinstance(value, str):
        return (value,)
    assert isinstance(value, tuple | list), value
    return tuple(str(x) for x in value)


def _text(value: object) -> str:
    return _forms(value)[0]


def _fields(text: str) -> set[tuple[str, str]]:
    """The ``{name:spec}`` fields of a message: a translation must keep both."""
    return {(name, spec or "") for _, name, spec, _ in string.Formatter().parse(text) if name}


def test_there_is_a_portuguese_catalog() -> None:
    assert "pt" in LANGS
    assert _po("pt").plural_forms == "nplurals=2; plural=(n > 1);"


def test_no_message_id_is_built_at_run_time() -> None:
    problems = [f"{f.path}:{f.line}: {f.problem}" for f in tool.scan_tree() if f.problem]
    assert problems == []


@pytest.mark.parametrize(
    "call",
    ["t(key, lang)", 't(f"note.{kind}", lang)', 't("note." + kind, lang)', "nt(a, 'b', 2)"],
)
def test_the_scan_flags_a_message_it_cannot_see(call: str) -> None:
    source = f"from engine.i18n import nt, t\n\n{call}\n"
    (found,) = tool.scan(Path("engine/example.py"), source)
    assert found.problem is not None and found.line == 3


def test_the_scan_sees_messages_in_f_strings_and_translator_comments() -> None:
    source = (
        "from engine.i18n import ct, t\n"
        "# Translators: a verb\n"
        "x = f\"{t('Run', lang)}: {ct('kernel', 'ready', lang)}\"\n"
    )
    found = tool.scan(Path("engine/example.py"), source)
    assert {(f.context, f.msgid) for f in found} == {(None, "Run"), ("kernel", "ready")}
    assert all(f.comments == ("a verb",) for f in found)


@pytest.mark.parametrize("lang", LANGS)
def test_the_catalog_has_exactly_the_messages_of_the_code(lang: str) -> None:
    """No message missing (it would show in English), none unused (dead strings)."""
    code = _messages(tool.extract())
    po = _messages(_po(lang))
    assert sorted(set(code) - set(po), key=str) == [], "missing: run python -m tools.i18n"
    assert sorted(set(po) - set(code), key=str) == [], "unused: run python -m tools.i18n"
    plural = {k for k, m in code.items() if m.pluralizable}
    assert plural == {k for k, m in po.items() if m.pluralizable}


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_is_translated(lang: str) -> None:
    catalog = _po(lang)
    bad = []
    for key, m in _messages(catalog).items():
        forms = _forms(m.string or "")
        if (
            m.fuzzy
            or not all(forms)
            or len(forms) != (catalog.num_plurals if m.pluralizable else 1)
        ):
            bad.append(key)
    assert bad == []


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_agree(lang: str) -> None:
    bad = []
    for key, m in _messages(_po(lang)).items():
        ids, strings = _forms(m.id), _forms(m.string or "")
        if m.pluralizable:
            wanted = _fields(ids[1])
            for form in filter(None, strings):  # untranslated: the test above says so
                got = _fields(form)
                # a singular form may spell the number out ("uma tentativa"): {n} may go
                if not (wanted - {("n", "")} <= got <= wanted):
                    bad.append((key, form))
            if _fields(ids[0]) != wanted:
                bad.append((key, ids[0]))
        elif strings[0] and _fields(strings[0]) != _fields(ids[0]):
            bad.append((key, strings[0]))
    assert bad == []


def _compiled(catalog: Catalog) -> dict[tuple[str | None, object], object]:
    def frozen(x: object) -> object:
        return tuple(x) if isinstance(x, list | tuple) else x

    return {(m.context, frozen(m.id)): frozen(m.string) for m in catalog if m.id}


@pytest.mark.parametrize("lang", LANGS)
def test_the_compiled_catalog_matches_its_source(lang: str) -> None:
    """The shipped .mo is the .po compiled (else: run python -m tools.i18n)."""
    with tool.po_path(lang).with_suffix(".mo").open("rb") as f:
        shipped = read_mo(f)
    compiled = read_mo(io.BytesIO(tool.mo_bytes(_po(lang))))
    assert _compiled(shipped) == _compiled(compiled)
    assert shipped.plural_forms == compiled.plural_forms
