"""The end of a chapter: the feedback form, then previous / next chapter; at the end of a
course's last chapter, that the course ends here and its quizzes."""

from __future__ import annotations

from textual.containers import Vertical


class ChapterEnd(Vertical):
    """The end of the chapter: feedback, then previous / next chapter."""

    DEFAULT_CSS = """
    ChapterEnd { height: auto; margin: 1 0 2 0; }
    ChapterEnd > .chapter-end--title { text-style: bold; color: $text-muted; margin: 0 1; }
    ChapterEnd > .chapter-end--course { margin: 1 1 0 1; width: 1fr; }
    ChapterEnd > QuizList { margin: 1 1 0 1; }
    ChapterEnd > .chapter-end--nav { height: auto; margin: 1 0 0 1; }
    ChapterEnd > .chapter-end--nav > Button { margin: 0 2 0 0; }
    """

    def __init__(self, *, block_index: int) -> None:
        super().__init__(classes="block")
        self.block_index = block_index
