"""Footer and help texts of key bindings, in the interface language.

Textual binding descriptions are class attributes (English); a learner reading Portuguese should
see "Executar", not "Run", in the footer. :func:`localize_bindings` rewrites the descriptions of
one node's own binding map (a per-instance copy Textual makes in ``DOMNode.__init__``), keyed by
the binding's action so a new binding only needs an entry in :data:`ACTION_KEYS`.
"""

from __future__ import annotations

import dataclasses

from textual.dom import DOMNode

from engine.i18n import t

ACTION_KEYS: dict[str, str] = {
    "run": "cell.run",
    "run_above": "cell.run_above",
    "edit": "cell.edit",
    "reset": "cell.reset",
    "copy": "cell.copy",
    "done_editing": "cell.done_editing",
    "check": "question.check",
    "hint": "question.hint",
    "retry": "question.retry",
    "draw": "graph.draw",
    "toggle_menu": "lesson.menu",
    "next_chapter": "lesson.next",
    "previous_chapter": "lesson.previous",
    "next_block": "lesson.next_block",
    "previous_block": "lesson.previous_block",
    "interrupt": "kernel.interrupt",
    "restart_kernel": "kernel.restart",
    "help": "app.help",
    "quit": "app.quit",
    "toggle_theme": "app.theme",
    "back": "app.back",
    "continue": "course.continue",
    "next_question": "quiz.next",
    "retake": "quiz.retake",
    "close": "help.close",
}


def localize_bindings(node: DOMNode, lang: str) -> None:
    """Translate the descriptions of ``node``'s bindings to ``lang``."""
    bindings = node._bindings.key_to_bindings
    for key, items in bindings.items():
        bindings[key] = [
            dataclasses.replace(b, description=t(ACTION_KEYS[b.action], lang))
            if b.action in ACTION_KEYS and b.description
            else b
            for b in items
        ]
