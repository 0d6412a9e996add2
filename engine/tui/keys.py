"""Footer and help texts of key bindings, in the interface language, with Textual's public API.

Textual binding descriptions are class attributes (English); a learner reading Portuguese should
see "Executar", not "Run", in the footer. Each description is the message of its action in
:data:`ACTION_KEYS`, so a new binding only needs an entry there. Two public ways, by when the
language is known:

* a screen or widget knows its language when it is made: it is made from
  :func:`in_language`, a subclass of its class (made once per class and language, same name, so
  CSS type selectors, queries and message handlers see the class) whose ``BINDINGS`` are the
  class's with translated descriptions;
* the app learns its language only when the target is loaded: it declares its bindings once per
  language (:func:`per_language`, the language as the action's parameter, ``help('pt')``) and
  offers the current language's ones through ``check_action`` (:func:`language_check`), as
  Textual's "dynamic actions" do; ``refresh_bindings`` redraws the footer when it changes.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar, cast

from textual.binding import Binding, BindingType
from textual.dom import DOMNode

from engine.i18n import N_, Msg, languages, tr

N = TypeVar("N", bound=DOMNode)

ACTION_KEYS: dict[str, Msg] = {
    "run": N_("Run"),
    "run_above": N_("Run all above"),
    "edit": N_("Edit"),
    "reset": N_("Reset"),
    "copy": N_("Copy"),
    "full_output": N_("Whole output"),
    "done_editing": N_("Done editing"),
    "check": N_("Check"),
    "hint": N_("Hint"),
    "retry": N_("Try again"),
    "show_answer": N_("Show answer"),
    "skip_question": N_("Skip question"),
    "draw": N_("Draw graph"),
    "toggle_menu": N_("Chapters"),
    "next_chapter": N_("Next chapter"),
    "previous_chapter": N_("Previous chapter"),
    "next_block": N_("Next block"),
    "previous_block": N_("Previous block"),
    "ask": N_("Ask"),
    "interrupt": N_("Interrupt"),
    "restart_kernel": N_("Restart kernel"),
    "help": N_("Help"),
    "palette": N_("Commands"),
    "quit": N_("Quit"),
    "toggle_theme": N_("Light/dark"),
    "back": N_("Back"),
    "continue": N_("Continue"),
    "next_question": N_("Next question"),
    "retake": N_("Retake"),
    "close": N_("Close"),
}


def _translated(binding: Binding, lang: str) -> Binding:
    if binding.action not in ACTION_KEYS or not binding.description:
        return binding
    return dataclasses.replace(binding, description=tr(ACTION_KEYS[binding.action], lang))


_IN_LANGUAGE: dict[tuple[type[DOMNode], str], type[DOMNode]] = {}


def in_language(cls: type[N], lang: str) -> type[N]:
    """``cls`` whose own ``BINDINGS`` are described in ``lang`` (see the module docstring)."""
    made = _IN_LANGUAGE.get((cls, lang))
    if made is None:
        bindings = [_translated(b, lang) for b in Binding.make_bindings(cls.BINDINGS)]
        namespace = {
            "BINDINGS": bindings,
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,
            "__doc__": cls.__doc__,
        }
        made = _IN_LANGUAGE[(cls, lang)] = type(cls.__name__, (cls,), namespace)
    return cast("type[N]", made)


def per_language(bindings: list[Binding]) -> list[BindingType]:
    """``bindings`` once per interface language, described in it, the language as the action's
    parameter (Textual passes an action method only the parameters it takes, so
    ``action_help(self)`` still answers ``help('pt')``); bindings without a message stay once."""
    made: list[BindingType] = []
    for n, lang in enumerate(languages()):
        for binding in bindings:
            if binding.action in ACTION_KEYS and binding.description:
                action = f"{binding.action}({lang!r})"
                made.append(dataclasses.replace(_translated(binding, lang), action=action))
            elif n == 0:
                made.append(binding)
    return made


def language_check(action: str, parameters: tuple[object, ...], lang: str) -> bool:
    """For ``check_action``: False for a binding of :func:`per_language` in another language
    than ``lang`` (neither shown nor run: the key goes to the one in ``lang``)."""
    if action in ACTION_KEYS and len(parameters) == 1 and parameters[0] in languages():
        return parameters[0] == lang
    return True
