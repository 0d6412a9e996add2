"""Footer and help texts of key bindings, in the interface language.

Textual binding descriptions are class attributes (English); a learner reading Portuguese should
see "Executar", not "Run", in the footer. :func:`localize_bindings` rewrites the descriptions of
one node's own binding map (a per-instance copy Textual makes in ``DOMNode.__init__``), keyed by
the binding's action so a new binding only needs an entry in :data:`ACTION_KEYS`.
"""

from __future__ import annotations

import dataclasses

from textual.dom import DOMNode

from engine.i18n import N_, Msg, tr

ACTION_KEYS: dict[str, Msg] = {
    "run": N_("Run"),
    "run_above": N_("Run all above"),
    "edit": N_("Edit"),
    "reset": N_("Reset"),
    "copy": N_("Copy"),
    "done_editing": N_("Done editing"),
    "check": N_("Check"),
    "hint": N_("Hint"),
    "retry": N_("Try again"),
    "draw": N_("Draw graph"),
    "toggle_menu": N_("Chapters"),
    "next_chapter": N_("Next chapter"),
    "previous_chapter": N_("Previous chapter"),
    "next_block": N_("Next block"),
    "previous_block": N_("Previous block"),
    "interrupt": N_("Interrupt"),
    "restart_kernel": N_("Restart kernel"),
    "help": N_("Help"),
    "quit": N_("Quit"),
    "toggle_theme": N_("Light/dark"),
    "back": N_("Back"),
    "continue": N_("Continue"),
    "next_question": N_("Next question"),
    "retake": N_("Retake"),
    "close": N_("Close"),
}


def localize_bindings(node: DOMNode, lang: str) -> None:
    """Translate the descriptions of ``node``'s bindings to ``lang``."""
    bindings = node._bindings.key_to_bindings
    for key, items in bindings.items():
        bindings[key] = [
            dataclasses.replace(b, description=tr(ACTION_KEYS[b.action], lang))
            if b.action in ACTION_KEYS and b.description
            else b
            for b in items
        ]
