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
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar, cast

from rich.cells import cell_len
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
    "interrupt_editing": N_("Interrupt"),
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
    "run_editing": N_("Run"),
    "select": N_("Open"),
}

GROUP_KEYS: dict[str, Msg] = {"Move": N_("Move")}
"""Footer groups (:class:`Binding.Group`, keys shown as one item: ``j/k Move``) by their English
description, as :data:`ACTION_KEYS` translates the descriptions of single bindings."""

MOVE = Binding.Group("Move")
"""j / k: next and previous block, one footer item."""

FOOTER_RANK: dict[str, int] = {
    # what the focused thing is for: kept to the last
    "run": 0,
    "run_editing": 0,
    "done_editing": 0,
    "edit": 0,
    "interrupt": 0,
    "interrupt_editing": 0,
    "check": 0,
    "hint": 0,
    "retry": 0,
    "draw": 0,
    "select": 0,
    "continue": 0,
    "next_question": 0,
    "retake": 0,
    "close": 0,
    # how to move on, and where every key is told
    "next_block": 1,
    "help": 1,
    # the rest of the lesson's and the focused thing's keys
    "show_answer": 2,
    "skip_question": 2,
    "full_output": 2,
    "toggle_menu": 2,
    "next_chapter": 2,
    "back": 2,
    "quit": 2,
}
"""The order in which keys leave a narrowing footer: the highest rank first (unlisted: 3, with
Run all above, Reset, Copy, Ask, Commands), and in a rank the key farthest from the focus (the
screen's after the focused widget's, the app's last). See :func:`fit_footer`."""
LEFT_OUT_RANK = 3


def screen_ranks(**ranks: int) -> dict[str, int]:
    """:data:`FOOTER_RANK` with a screen's own ranks for some actions, for a screen's
    ``FOOTER_RANK`` class attribute (the footer reads it): on the quiz screen, ``back=1``, as
    Escape is the only way back to the course there."""
    return {**FOOTER_RANK, **ranks}


def _translated(binding: Binding, lang: str) -> Binding:
    group = binding.group
    if group is not None and group.description in GROUP_KEYS:
        group = dataclasses.replace(group, description=tr(GROUP_KEYS[group.description], lang))
        binding = dataclasses.replace(binding, group=group)
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


@dataclasses.dataclass(frozen=True)
class FooterItem:
    """One key of the footer: ``display`` (``r``, ``^q``, ``j/k`` for a group) and what it
    does; ``rank`` (:data:`FOOTER_RANK`) and ``position`` (its place in the binding chain,
    the focused widget's first) decide when it leaves a narrow footer."""

    key: str
    display: str
    description: str
    action: str
    enabled: bool
    tooltip: str
    rank: int
    position: int

    @property
    def width(self) -> int:
        """Cells it takes in Textual's footer: `` r `` then ``Run `` (a FooterKey's padding)."""
        return cell_len(self.display) + cell_len(self.description) + 3


def base_action(action: str) -> str:
    """``help('pt')`` and ``app.help('pt')`` are ``help`` (see :func:`per_language`)."""
    return action.split("(", 1)[0].rsplit(".", 1)[-1]


def footer_items(
    active: Iterable[tuple[Binding, bool, str]],
    key_display: Callable[[Binding], str],
    ranks: Mapping[str, int] = FOOTER_RANK,
) -> list[FooterItem]:
    """The footer's keys from a screen's active bindings (``(binding, enabled, tooltip)``, in
    the chain's order), as Textual's footer picks them: shown bindings only, one key per action
    (the first bound), and the bindings of a :class:`Binding.Group` as one item whose keys are
    joined with ``/`` (``j/k Move``). ``ranks``: :data:`FOOTER_RANK`, or a screen's own
    (:func:`screen_ranks`)."""
    items: list[FooterItem] = []
    actions: set[str] = set()
    groups: dict[Binding.Group, int] = {}
    for binding, enabled, tooltip in active:
        if not binding.show or binding.action in actions:
            continue
        actions.add(binding.action)
        group = binding.group
        if group is not None and group in groups:
            n = groups[group]
            joined = f"{items[n].display}/{key_display(binding)}"
            items[n] = dataclasses.replace(items[n], display=joined)
            continue
        action = base_action(binding.action)
        if group is not None:
            groups[group] = len(items)
        items.append(
            FooterItem(
                key=binding.key.split(",")[0],
                display=key_display(binding),
                description=group.description if group is not None else binding.description,
                action=binding.action,
                enabled=enabled,
                tooltip=tooltip or (binding.description if group is not None else ""),
                rank=ranks.get(action, LEFT_OUT_RANK),
                position=len(items),
            )
        )
    return items


def fit_footer(items: Sequence[FooterItem], width: int) -> list[FooterItem]:
    """The items a footer ``width`` cells wide shows, in their order: taken by rank, then
    position, while they fit; the first that does not fit ends it (a lower-ranked key never
    stays when a higher one left), so no key is ever cut mid-word."""
    kept: set[int] = set()
    used = 0
    for item in sorted(items, key=lambda i: (i.rank, i.position)):
        if used + item.width > width:
            break
        used += item.width
        kept.add(item.position)
    return [item for item in items if item.position in kept]
