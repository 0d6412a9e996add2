"""The first frame: drawn before the course is loaded, while a worker thread loads it.

Importing the models (pydantic) and loading a course takes a few tenths of a second; the learner
sees the app at once, with what is being opened, instead of a blank terminal.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Label, LoadingIndicator


class LoadingScreen(Screen[None]):
    """``lectio`` and the path being opened, with a loading indicator."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Label("lectio", classes="loading--title")
        with Center():
            yield Label(self.what, classes="loading--path", markup=False)
        with Center():
            yield LoadingIndicator()
