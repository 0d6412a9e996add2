"""The footer of every screen: Textual's :class:`Footer`, fitted to its width by what matters.

Textual's footer lays the keys out in the binding chain's order and lets the last ones run off
the right edge, cut mid-word ("i Interrup"): on a code cell at 100 columns Interrupt was the one
lost, at 60 columns everything after "^p Co". This footer keeps the same keys, looks and
mouse clicks (Textual's ``FooterKey``), but shows only the keys that fit whole, chosen by
:func:`engine.tui.keys.fit_footer`: the focused thing's main keys stay to the last, the
rarely needed ones leave first. The bindings stay where Textual wants them (declared on the
widgets and screens, offered or not by ``check_action``, redrawn by ``refresh_bindings``);
only the choice of what is drawn is lectio's. A screen may rank some keys its own way (a
``FOOTER_RANK`` class attribute, made with :func:`engine.tui.keys.screen_ranks`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from engine.tui.keys import FOOTER_RANK, FooterItem, fit_footer, footer_items

if TYPE_CHECKING:
    from textual.screen import Screen


class LectioFooter(Footer):
    """The screen's active bindings that fit, ranked (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(show_command_palette=False)
        self._drawn: tuple[FooterItem, ...] = ()
        """The keys drawn at the last compose: a resize or a change of bindings that keeps
        them redraws nothing."""

    def shown(self, width: int | None = None) -> list[FooterItem]:
        """The keys drawn at ``width`` (this footer's width by default)."""
        active = [(b.binding, b.enabled, b.tooltip) for b in self.screen.active_bindings.values()]
        ranks: Mapping[str, int] = getattr(self.screen, "FOOTER_RANK", FOOTER_RANK)
        items = footer_items(active, self.app.get_key_display, ranks)
        return fit_footer(items, self.size.width if width is None else width)

    def compose(self) -> ComposeResult:
        if not self.is_attached or not self.size.width:
            return  # not laid out yet: composed again when the screen's bindings are known
        items = self.shown()
        self._drawn = tuple(items)
        for item in items:
            yield FooterKey(
                item.key,
                item.display,
                item.description,
                item.action,
                disabled=not item.enabled,
                tooltip=item.tooltip,
            ).data_bind(compact=Footer.compact)

    async def on_resize(self, event: events.Resize) -> None:
        await self._redraw_if_changed(event.size.width)

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Textual's footer composes itself again at every change of the screen's bindings
        (each focus move, each ``refresh_bindings``): at start-up the course map's was rebuilt
        five times in a row, a layout of the screen each. This one does only when the keys it
        would draw differ from the ones it shows."""
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self._redraw_if_changed)

    async def _redraw_if_changed(self, width: int | None = None) -> None:
        if self.is_attached and tuple(self.shown(width)) != self._drawn:
            await self.recompose()
