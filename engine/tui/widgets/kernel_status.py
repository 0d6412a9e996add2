"""The kernel's state, always visible: starting, ready, busy, restarting, dead."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from engine.execution.results import KernelState
from engine.i18n import N_, Msg, t, tr

STYLES = {
    KernelState.STARTING: ("◌", "yellow"),
    KernelState.READY: ("●", "green"),
    KernelState.BUSY: ("◉", "bold yellow"),
    KernelState.RESTARTING: ("◌", "yellow"),
    KernelState.DEAD: ("✗", "bold red"),
}
STATES: dict[KernelState, Msg] = {
    KernelState.STARTING: N_("starting"),
    KernelState.READY: N_("ready"),
    KernelState.BUSY: N_("busy"),
    KernelState.RESTARTING: N_("restarting"),
    KernelState.DEAD: N_("dead"),
}


class KernelStatus(Static):
    """``Kernel ● ready``; ``state`` None means no kernel was started (nothing has run yet)."""

    DEFAULT_CSS = """
    KernelStatus { width: auto; height: 1; padding: 0 1; }
    """

    state: reactive[KernelState | None] = reactive(None, layout=True)  # width follows the text
    note: reactive[str] = reactive("", layout=True)
    """Why the kernel was spawned rather than forked from the warm zygote (its tooltip)."""

    def __init__(self, *, lang: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lang = lang

    def render(self) -> Text:
        label = Text()  # "dim" on the label only: the state's colour stays at full contrast
        label.append(t("Kernel", self.lang) + " ", style="dim")
        if self.state is None:
            label.append("○ " + t("not started", self.lang), style="dim")
            return label
        glyph, style = STYLES[self.state]
        label.append(f"{glyph} {tr(STATES[self.state], self.lang)}", style=style)
        if self.note:
            # Translators: beside the kernel's state: kernels start slowly (no warm zygote)
            label.append(" · " + t("slow start", self.lang), style="dim")
        return label

    def watch_note(self, note: str) -> None:
        self.tooltip = note or None
