"""The interface catalogs: same keys and placeholders everywhere, the original wording."""

from __future__ import annotations

import pytest

from engine import i18n
from engine.i18n import t


@pytest.mark.parametrize("lang", [lang for lang in i18n.languages() if lang != "en"])
def test_catalogs_have_the_same_keys(lang: str) -> None:
    assert set(i18n.CATALOGS[lang]) == set(i18n.EN)


@pytest.mark.parametrize("key", sorted(i18n.EN))
def test_placeholders_agree(key: str) -> None:
    for lang, catalog in i18n.CATALOGS.items():
        assert i18n.placeholders(catalog[key]) == i18n.placeholders(i18n.EN[key]), (lang, key)


@pytest.mark.parametrize(
    ("key", "pt"),
    [
        ("question.select_one", "Selecione a resposta correta"),
        ("question.select_all", "Selecione todas as corretas"),
        ("feedback.clear", "Tudo estava claro?"),
        ("feedback.improve", "Como podemos melhorá-lo?"),
        ("feedback.thanks", "Obrigado pelo seu feedback!"),
    ],
)
def test_portuguese_uses_the_original_wording(key: str, pt: str) -> None:
    assert t(key, "pt") == pt
    assert t(key, "pt-BR") == pt
    assert t(key, "en") != pt


def test_format_and_fallbacks() -> None:
    assert t("course.section_chapter", "en", section=1, chapter=11) == "Section 1 · Chapter 11"
    assert t("course.section_chapter", "pt", section=2, chapter=3) == "Seção 2 · Capítulo 3"
    assert t("question.check", "de") == t("question.check", "en")
    assert t("question.check", None) == "Check"
    assert t("no.such.key", "pt") == "no.such.key"
    assert i18n.resolve("PT_br") == "pt"


@pytest.mark.parametrize("lang", i18n.languages())
def test_sentences_end_with_a_period(lang: str) -> None:
    assert t("question.no_more_hints", lang).endswith(".")


def test_numbers_use_the_languages_decimal_separator() -> None:
    assert t("cell.ok", "en", seconds=0.0) == "Done in 0.00 s"
    assert t("cell.ok", "pt", seconds=0.0) == "Concluído em 0,00 s"
    assert t("cell.ok", "pt-BR", seconds=1.234) == "Concluído em 1,23 s"
    assert t("cell.error", "pt", name="ValueError", seconds=0.5) == "ValueError após 0,50 s"
    assert t("cell.timeout", "pt", seconds=30.0) == "Tempo esgotado após 30,0 s"
    assert i18n.decimal(2.5, "pt", 1) == "2,5"
    assert i18n.decimal(2.5, "en", 1) == "2.5"
    assert i18n.decimal(1234.5, "pt", 0) == "1234"  # round-half-even, no grouping
