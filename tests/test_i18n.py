"""The interface strings at run time: languages, fallbacks, plural forms, the decimal mark."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine import i18n
from engine.i18n import N_, NC_, ct, nt, t, tr

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize(
    ("msgid", "pt"),
    [
        ("Select the correct answer", "Selecione a resposta correta"),
        ("Select all that apply", "Selecione todas as corretas"),
        ("Was everything clear?", "Tudo estava claro?"),
        ("How can we improve it?", "Como podemos melhorá-lo?"),
        ("Thanks for your feedback!", "Obrigado pelo seu feedback!"),
    ],
)
def test_portuguese_uses_the_original_wording(msgid: str, pt: str) -> None:
    assert t(msgid, "pt") == pt
    assert t(msgid, "pt-BR") == pt
    assert t(msgid, "en") == msgid


def test_format_and_fallbacks() -> None:
    msgid = "Section {section} · Chapter {chapter}"
    assert t(msgid, "en", section=1, chapter=11) == "Section 1 · Chapter 11"
    assert t(msgid, "pt", section=2, chapter=3) == "Seção 2 · Capítulo 3"
    assert t("Check", "de") == "Check"  # no German catalog: English
    assert t("Check", None) == "Check"
    assert t("A message no catalog has", "pt") == "A message no catalog has"
    assert i18n.resolve("PT_br") == "pt"
    assert i18n.resolve("de-AT") == "en"
    assert {"en", "pt"} <= set(i18n.languages())


@pytest.mark.parametrize("lang", i18n.languages())
def test_sentences_end_with_a_period(lang: str) -> None:
    assert t("No more hints.", lang).endswith(".")


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("en", 1, "1 finished attempt"),
        ("en", 2, "2 finished attempts"),
        ("en", 0, "0 finished attempts"),
        ("pt", 1, "1 tentativa concluída"),
        ("pt", 2, "2 tentativas concluídas"),
        ("pt-BR", 5, "5 tentativas concluídas"),
    ],
)
def test_plural_forms_follow_the_catalog(lang: str, n: int, expected: str) -> None:
    assert nt("{n} finished attempt", "{n} finished attempts", n, lang) == expected


def test_plurals_with_more_placeholders() -> None:
    one = nt(
        "This lesson needs the module {modules}, which is not installed: pip install {packages}",
        "This lesson needs the modules {modules}, which are not installed: pip install {packages}",
        2,
        "pt",
        modules="a, b",
        packages="a b",
    )
    assert one == "Esta lição precisa dos módulos a, b, que não estão instalados: pip install a b"


def test_marked_messages_translate_later() -> None:
    kinds = {"tip": N_("Tip")}
    assert kinds["tip"] == "Tip"
    assert tr(kinds["tip"], "pt") == "Dica"
    assert tr(NC_("decimal separator", "."), "pt") == ","
    assert ct("decimal separator", ".", "en") == "."


def test_numbers_use_the_languages_decimal_separator() -> None:
    assert t("Done in {seconds:.2f} s", "en", seconds=0.0) == "Done in 0.00 s"
    assert t("Done in {seconds:.2f} s", "pt", seconds=0.0) == "Concluído em 0,00 s"
    assert t("Done in {seconds:.2f} s", "pt-BR", seconds=1.234) == "Concluído em 1,23 s"
    error = t("{name} after {seconds:.2f} s", "pt", name="ValueError", seconds=0.5)
    assert error == "ValueError após 0,50 s"
    assert t("Timed out after {seconds:.1f} s", "pt", seconds=30.0) == "Tempo esgotado após 30,0 s"
    assert i18n.decimal(2.5, "pt", 1) == "2,5"
    assert i18n.decimal(2.5, "en", 1) == "2.5"
    assert i18n.decimal(1234.5, "pt", 0) == "1234"  # round-half-even, no grouping


def test_a_broken_translation_degrades_to_text() -> None:
    assert t("Cell {n}", "en", wrong=1) == "Cell {n}"  # a missing field: the raw text, no error


def test_run_time_reads_the_compiled_catalogs_without_babel() -> None:
    """Babel is for extraction and compiling only; start-up reads .mo with stdlib gettext."""
    code = (
        "import sys\n"
        "from engine.i18n import t\n"
        "assert t('Run', 'pt') == 'Executar', t('Run', 'pt')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'babel')\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("done", "total", "lang", "text"),
    [
        (0, 1, "en", "0 of 1 chapter done"),
        (1, 3, "en", "1 of 3 chapters done"),
        (0, 1, "pt", "0 de 1 capítulo concluído"),
        (2, 13, "pt", "2 de 13 capítulos concluídos"),
    ],
)
def test_course_progress_has_plural_forms(done: int, total: int, lang: str, text: str) -> None:
    from engine.session.labels import chapters_done

    assert chapters_done(done, total, lang) == text
