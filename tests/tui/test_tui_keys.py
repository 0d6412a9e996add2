"""Key bindings in the interface language, through Textual's public binding API only."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding
from tui_support import COURSE, SIZE, FakeKernelFactory, until

from engine.i18n import languages
from engine.session.study import Study
from engine.session.targets import open_target
from engine.store import SqliteStore
from engine.tui.app import LectioApp
from engine.tui.keys import in_language, language_check, per_language
from engine.tui.screens.help import HelpScreen
from engine.tui.widgets.code_cell import CodeCell


def test_in_language_is_the_class_with_translated_descriptions() -> None:
    portuguese = in_language(CodeCell, "pt")
    assert portuguese is in_language(CodeCell, "pt")  # made once
    assert issubclass(portuguese, CodeCell) and portuguese.__name__ == "CodeCell"
    described = {b.action: b.description for b in Binding.make_bindings(portuguese.BINDINGS)}
    assert described["run"] == "Executar" and described["edit"] == "Editar"
    assert {b.action: b.description for b in Binding.make_bindings(CodeCell.BINDINGS)}[
        "run"
    ] == "Run"  # the class itself is left alone


def test_per_language_offers_one_binding_per_key_in_each_language() -> None:
    bindings = per_language([Binding("f1", "help", "Help"), Binding("x", "other", "Other")])
    made = list(Binding.make_bindings(bindings))
    assert [b.action for b in made if b.key == "x"] == ["other"]  # no message: once
    for lang in languages():
        offered = [
            b for b in made if b.key == "f1" and language_check("help", (b.action[6:-2],), lang)
        ]
        assert len(offered) == 1 and offered[0].action == f"help({lang!r})"
    assert language_check("run", (), "pt") is True  # a binding of in_language: always


async def test_the_app_speaks_the_language_of_what_it_loaded(tmp_path: Path) -> None:
    """Opened without a preview, the app starts in English and learns the language when the
    target is loaded: its own bindings (Help, Quit) follow, and still work."""
    store = SqliteStore(tmp_path / "db")

    def opener() -> Study:
        target = open_target(COURSE / "gradients.yaml", whole_course=True)
        kernels = FakeKernelFactory()
        return Study(target, store, learner="tester", lang_override="pt", kernel_factory=kernels)

    app = LectioApp(opener=opener, what="gradients")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: not app.loading and app.lang == "pt", "the load")
            await pilot.pause()
            described = {k: b.binding.description for k, b in app.screen.active_bindings.items()}
            assert described["f1"] == "Ajuda" and described["ctrl+q"] == "Sair"
            assert "Help" not in described.values() and "Quit" not in described.values()
            await pilot.press("f1")
            await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
            described = {k: b.binding.description for k, b in app.screen.active_bindings.items()}
            assert described["escape"] == "Fechar"
    finally:
        for session in app.sessions:
            session.close()
        store.close()
