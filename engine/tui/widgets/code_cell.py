"""A code cell: highlighted code with line numbers, run / run all above / edit / reset / copy.

The widget never talks to the kernel: it asks its screen to run (:class:`CodeCell.RunRequested`),
and the screen runs the session in a thread worker and feeds back :meth:`CodeCell.start`,
:meth:`CodeCell.append_output` and :meth:`CodeCell.finish`. Edits go to the session too
(:class:`CodeCell.Edited`), so the code that runs is always the session's idea of the cell.

Read-only code is drawn with Rich's Syntax (Pygments: highlighting everywhere, no extra
dependency); editing swaps in :meth:`TextArea.code_editor` with line numbers, highlighted by
tree-sitter (the ``textual[syntax]`` dependency; without it the editor still works, uncoloured).
Output is rendered with :func:`engine.tui.safe_text.inert_text`: never markup, control characters
shown, not executed. A cell shows only a bounded tail of its output (the last lines, each cut to a
bounded length: :mod:`engine.output_tail`), with a line that says how much is not shown, so a
cell that prints a megabyte costs the event loop no more than one that prints a line; ``f`` opens
the whole output in a view that renders only the rows on screen
(:class:`~engine.tui.screens.output.OutputScreen`).
"""

from __future__ import annotations

import time
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.text import Text
from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Label, Static, TextArea

from engine.execution.results import CellResult, CellStatus
from engine.format.models import CodeBlock
from engine.i18n import decimal, nt, t
from engine.output_tail import OutputTail
from engine.session.lesson import unmet_reason
from engine.tui.keys import in_language
from engine.tui.safe_text import inert_text
from engine.tui.themes import code_style, editor_theme

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class CellEditor(TextArea):
    """The in-place code editor; Escape hands control back to the cell instead of moving focus."""

    class Leave(Message):
        """The learner pressed Escape in the editor."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            event.stop()
            event.prevent_default()
            self.post_message(self.Leave())
            return
        await super()._on_key(event)


class ActionLinks(Static):
    """A row of clickable actions; a click runs the action on the cell it belongs to."""

    def action_cell(self, name: str) -> None:
        cell = next((a for a in self.ancestors if isinstance(a, CodeCell)), None)
        if cell is not None:
            getattr(cell, f"action_{name}")()


class CodeCell(Vertical, can_focus=True):
    """A runnable Python cell of a lesson.

    Focus it (Tab, arrows, click) and press ``r`` to run, ``a`` to run every cell above first,
    ``e`` to edit in place (Escape leaves the editor), ``o`` to restore the original code and
    ``y`` to copy the code, ``f`` to see the whole output when it shows only its end.
    """

    DEFAULT_CSS = """
    CodeCell {
        height: auto;
        margin: 1 0;
        border: round $border-blurred;
        border-title-color: $text-muted;
        border-subtitle-color: $text-muted;
        &:focus-within { border: round $border; border-title-color: $text-accent; }
        &.-running { border: round $warning; }
        &.-error { border: round $error; }
        & > .code-cell--view { height: auto; padding: 0 1 0 0; }
        & > TextArea { height: auto; max-height: 30; display: none; }
        &.-editing > TextArea { display: block; }
        &.-editing > .code-cell--view { display: none; }
        & > .code-cell--buttons { height: auto; margin: 0 0 0 1; color: $text-muted; }
        &:focus-within > .code-cell--buttons { color: $text; }
        & > .code-cell--status { color: $text-muted; margin: 0 1; height: auto; }
        &.-error > .code-cell--status { color: $text-error; }
        &.-ok > .code-cell--status { color: $text-success; }
        & > .code-cell--output {
            height: auto;
            margin: 0 1;
            padding: 0 1;
            background: $background;
            display: none;
        }
        &.-has-output > .code-cell--output { display: block; }
        & > .code-cell--sequence {
            height: auto;
            margin: 0 1;
            padding: 0 1;
            background: $background;
            display: none;
        }
        &.-has-sequence > .code-cell--sequence { display: block; }
        & > .code-cell--sequence > .code-cell--part { height: auto; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "run", "Run"),
        Binding("a", "run_above", "Run all above"),
        Binding("e", "edit", "Edit"),
        Binding("o", "reset", "Reset"),
        Binding("y", "copy", "Copy"),
        Binding("f", "full_output", "Whole output"),
        Binding("ctrl+r", "run_editing", "Run"),
        Binding("escape", "done_editing", "Done editing"),
        Binding("ctrl+g", "interrupt_editing", "Interrupt"),
    ]
    """While editing, the editor takes the letters: Ctrl+R runs the edited code, Escape
    leaves the editor and Ctrl+G interrupts the kernel while it is busy, where ``i`` would be
    typed (offered then only, see :meth:`check_action`; elsewhere Ctrl+R is the screen's
    Restart kernel and Escape its Back). Ctrl+C stays the editor's Copy."""

    running: reactive[bool] = reactive(False)
    """True while the kernel runs this cell (set by the screen)."""
    edited: reactive[bool] = reactive(False)
    """True when the learner's edit differs from the original code."""
    editing: reactive[bool] = reactive(False)
    """True while the in-place editor is shown."""

    class RunRequested(Message):
        """The learner asked to run this cell (``above``: only the cells before it)."""

        def __init__(self, cell: CodeCell, *, above: bool = False) -> None:
            super().__init__()
            self.cell = cell
            self.above = above

        @property
        def control(self) -> CodeCell:
            return self.cell

    class Edited(Message):
        """The learner changed the code (``code`` None: restore the original)."""

        def __init__(self, cell: CodeCell, code: str | None) -> None:
            super().__init__()
            self.cell = cell
            self.code = code

        @property
        def control(self) -> CodeCell:
            return self.cell

    def __init__(
        self,
        block: CodeBlock,
        *,
        block_index: int,
        number: int,
        lang: str,
        code: str | None = None,
        result: CellResult | None = None,
    ) -> None:
        super().__init__(classes="block")
        self.block = block
        self.block_index = block_index
        self.number = number
        self.lang = lang
        self.code = block.code if code is None else code
        self._stream: OutputTail | None = None
        """The output of the run under way (None once it finished)."""
        self._hides = False
        """The output shown leaves lines or characters out (``f`` shows them)."""
        self._spin = 0
        self._started = 0.0
        self._last_result = result
        self._timer: Timer | None = None
        label = t("Cell {n}", lang, n=number)
        self.border_title = f"{label} · {block.id}" if block.id else label
        self.set_reactive(CodeCell.edited, self.code != block.code)

    def compose(self) -> ComposeResult:
        yield Static(self._syntax(), classes="code-cell--view")
        yield ActionLinks(self._links(), classes="code-cell--buttons")
        yield Label(t("Not run yet", self.lang), classes="code-cell--status")
        yield Static(classes="code-cell--output")
        yield Vertical(classes="code-cell--sequence")

    def _links(self) -> Content:
        """The cell's actions as clickable links (one widget; keys do the same)."""
        names = [
            ("run", "▶ " + t("Run", self.lang)),
            ("run_above", "⇈ " + t("Run all above", self.lang)),
            (
                "edit",
                "✎ " + (t("Done editing", self.lang) if self.editing else t("Edit", self.lang)),
            ),
            ("reset", "↺ " + t("Reset", self.lang)),
            ("copy", "⧉ " + t("Copy", self.lang)),
        ]
        parts: list[Content] = []
        for action, label in names:
            if self.running and action in ("run", "run_above", "reset"):
                parts.append(Content.styled(label, "dim"))
            else:
                parts.append(
                    Content.from_markup(f"[@click=cell('{action}')]$label[/]", label=label)
                )
        return Content("   ").join(parts)

    def _refresh_links(self) -> None:
        if self.is_mounted:
            self.query_one(ActionLinks).update(self._links())

    def _editor(self) -> CellEditor:
        """The in-place editor, created on first use (a TextArea per cell is costly)."""
        found = self.query(CellEditor)
        if found:
            return found.first()
        editor = CellEditor.code_editor(self.code, language="python", soft_wrap=False)
        assert isinstance(editor, CellEditor)  # code_editor builds an instance of its class
        for dark in (True, False):  # readable colours in both themes (engine/tui/themes.py)
            editor.register_theme(editor_theme(dark))
        editor.theme = self._editor_theme()
        self.mount(editor, after=self.query_one(".code-cell--view"))
        return editor

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._refresh_code())
        self._update_subtitle()
        if self._last_result is not None:
            self.finish(self._last_result)

    # ---- rendering ---------------------------------------------------------------------------

    def _dark(self) -> bool:
        try:
            return self.app.current_theme.dark
        except Exception:  # no app yet (constructed outside one)
            return True

    def _editor_theme(self) -> str:
        return editor_theme(self._dark()).name

    def _syntax(self) -> Syntax:
        return Syntax(
            self.code.rstrip("\n"),
            "python",
            line_numbers=True,
            theme=code_style(self._dark()),
            background_color="default",
            word_wrap=True,
            indent_guides=False,
        )

    def _refresh_code(self) -> None:
        self.query_one(".code-cell--view", Static).update(self._syntax())
        for editor in self.query(CellEditor):
            editor.theme = self._editor_theme()

    def _update_subtitle(self) -> None:
        self.border_subtitle = t("edited", self.lang) if self.edited else ""

    def watch_edited(self) -> None:
        if self.is_mounted:
            self._update_subtitle()

    def watch_editing(self, editing: bool) -> None:
        self.set_class(editing, "-editing")
        self._refresh_links()
        self.refresh_bindings()
        if editing:
            editor = self._editor()
            if editor.text != self.code:
                editor.load_text(self.code)
            editor.focus()

    def watch_running(self, running: bool) -> None:
        self.set_class(running, "-running")
        self._refresh_links()

    def _set_status(self, text: str | Text) -> None:
        self.query_one(".code-cell--status", Label).update(text)

    def _set_output(self, renderable: Text | Group, hides: bool = False) -> None:
        shown = bool(renderable.plain) if isinstance(renderable, Text) else True
        self.set_class(shown, "-has-output")
        self.query_one(".code-cell--output", Static).update(renderable)
        if self.has_class("-has-sequence"):
            self.remove_class("-has-sequence")
            self.query_one(".code-cell--sequence").remove_children()
        if hides != self._hides:
            self._hides = hides
            self.refresh_bindings()

    def _bounded(self, text: str, style: str = "") -> tuple[Text, bool]:
        """The tail of ``text`` as shown (and whether it leaves something out)."""
        return self._tail_text(OutputTail.of(text), style)

    def _tail_text(self, output: OutputTail, style: str = "") -> tuple[Text, bool]:
        tail = output.tail()
        shown = Text()
        if tail.hidden:
            notice = nt(
                "… {n} earlier line not shown (f: the whole output)",
                "… {n} earlier lines not shown (f: the whole output)",
                tail.hidden,
                self.lang,
                n=tail.hidden,
            )
            shown.append(notice + "\n", style="italic")
        cut = False
        for n, line in enumerate(tail.lines):
            if n:
                shown.append("\n")
            shown.append_text(inert_text(line.text, style))
            if line.cut:
                cut = True
                more = nt(
                    "… {n} more character", "… {n} more characters", line.cut, self.lang, n=line.cut
                )
                shown.append(" " + more, style="italic")
        return shown, cut or tail.hidden > 0

    # ---- driven by the screen ----------------------------------------------------------------

    @property
    def has_run(self) -> bool:
        """A result is shown (the cell ran, or was skipped, in this kernel)."""
        return self._last_result is not None

    def clear(self) -> None:
        """Forget the last run (the kernel restarted: nothing has run in the new namespace)."""
        self._last_result = None
        self._stream = None
        self.remove_class("-ok", "-error")
        self._set_output(Text())
        self._set_status(t("Not run yet", self.lang))

    def queue(self) -> None:
        """Waiting for the kernel (another cell is running)."""
        self.remove_class("-ok", "-error")
        self._set_status(t("Waiting…", self.lang))

    def start(self) -> None:
        """The kernel began running this cell: clear the output, show the running indicator."""
        self.running = True
        self._stream = OutputTail()
        self.remove_class("-ok", "-error")
        self._set_output(Text())
        self._started = time.monotonic()
        self._spin = 0
        self._tick()
        self._timer = self.set_interval(0.1, self._tick)

    def _tick(self) -> None:
        self._spin += 1
        frame = SPINNER[self._spin % len(SPINNER)]
        elapsed = time.monotonic() - self._started
        seconds = decimal(elapsed, self.lang, 1)
        self._set_status(f"{frame} {t('Running…', self.lang)} {seconds} s")

    def append_output(self, text: str) -> None:
        """Streamed output while the cell runs (shown inert, its tail only)."""
        if self._stream is None:
            self._stream = OutputTail()
        self._stream.feed(text)
        self._set_output(*self._tail_text(self._stream))

    def whole_output(self) -> str:
        """Everything the cell printed (so far, while it runs), its value and its error, as
        plain text: what ``f`` shows. At most the kernel's output cap per cell
        (``LECTIO_OUTPUT_LIMIT``, 1 MiB) and the result's value and traceback."""
        if self._stream is not None:
            return self._stream.text()
        result = self._last_result
        if result is None:
            return ""
        parts = [result.stdout.rstrip("\n")] if result.stdout else []
        if result.display is not None:
            parts.append(result.display)
        if result.truncated:
            parts.append(t("… output truncated", self.lang))
        if result.error is not None:
            trace = result.error.traceback or f"{result.error.name}: {result.error.message}"
            parts.append(trace.rstrip("\n"))
        elif result.detail:
            parts.append(result.detail)
        return "\n".join(parts)

    def finish(self, result: CellResult) -> None:
        """Show the result: output, the value of the last expression, the error, the duration."""
        self.running = False
        self._last_result = result
        self._stream = None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        pictures = result.pictures or ()
        # text and pictures in the order the cell made them: the text after the last picture
        stdout = result.stdout[pictures[-1].at :] if pictures else result.stdout
        body, hides = self._bounded(stdout.rstrip("\n"))
        if result.display is not None:
            if body.plain and not body.plain.endswith("\n"):
                body.append("\n")
            shown, cut = self._bounded(result.display)
            body.append_text(shown)
            hides = hides or cut
        if result.truncated:
            body.append("\n" + t("… output truncated", self.lang), style="italic")
        ok = result.status is CellStatus.OK or self._raised_as_expected(result)
        if result.error is not None:
            if body.plain and not body.plain.endswith("\n"):
                body.append("\n")
            trace = result.error.traceback or f"{result.error.name}: {result.error.message}"
            shown, cut = self._bounded(trace.rstrip("\n"), style="red")
            body.append_text(shown)
            hides = hides or cut
        elif result.detail and not ok and not result.extra.get("unmet"):  # said in the status
            if body.plain and not body.plain.endswith("\n"):
                body.append("\n")
            shown, cut = self._bounded(result.detail, style="red")
            body.append_text(shown)
            hides = hides or cut
        if pictures and self._pictures_need_widgets():
            self._set_output(Text(), hides)
            parts, cut = self._output_parts(result, body)
            self._set_sequence(parts, hides or cut)
        elif pictures:
            group, cut = self._with_pictures(result, body)
            self._set_output(group, hides or cut)
        else:
            self._set_output(body, hides)
        self.set_class(ok, "-ok")
        failed = not ok and result.status in (
            CellStatus.ERROR,
            CellStatus.TIMEOUT,
            CellStatus.CRASHED,
        )
        self.set_class(failed, "-error")
        self._set_status(self.status_text(result))

    @staticmethod
    def _pictures_need_widgets() -> bool:
        """Sixel pictures are widgets of their own, not part of a text (Kitty's and half
        blocks are)."""
        from engine.terminal_graphics import SIXEL, protocol

        return protocol() == SIXEL

    def _output_parts(
        self, result: CellResult, tail: Text
    ) -> tuple[list[Text | tuple[bytes, tuple[int, int], str]], bool]:
        """The output as text and pictures (PNG, size, alt text) in the order the cell made
        them (``tail``: what came after the last), and whether the text leaves something out."""
        parts: list[Text | tuple[bytes, tuple[int, int], str]] = []
        at = 0
        hides = False
        for n, picture in enumerate(result.pictures, 1):
            before = result.stdout[at : picture.at].rstrip("\n")
            if before:
                shown, cut = self._bounded(before)
                parts.append(shown)
                hides = hides or cut
            at = picture.at
            alt = t("Figure {n}", self.lang, n=n)
            if picture.png is None:
                problem = t(
                    "{figure}: not shown: {problem}", self.lang, figure=alt, problem=picture.problem
                )
                parts.append(Text(problem, style="italic"))
            else:
                parts.append((picture.png, (picture.width, picture.height), alt))
        if tail.plain:
            parts.append(tail)
        return parts, hides

    def _set_sequence(
        self, parts: list[Text | tuple[bytes, tuple[int, int], str]], hides: bool
    ) -> None:
        """Show the output as a column of widgets: texts, and pictures drawn after the frame
        with terminal graphics (:func:`~engine.tui.widgets.picture.picture_widget`)."""
        from engine.tui.widgets.picture import picture_widget

        sequence = self.query_one(".code-cell--sequence")
        sequence.remove_children()
        widgets: list[Widget] = []
        for part in parts:
            if isinstance(part, Text):
                widgets.append(Static(part, classes="code-cell--part"))
            else:
                data, size, alt = part
                widgets.append(picture_widget(data, size, alt=alt, lang=self.lang))
        sequence.mount_all(widgets)
        self.add_class("-has-sequence")
        if hides != self._hides:
            self._hides = hides
            self.refresh_bindings()

    def _with_pictures(self, result: CellResult, tail: Text) -> tuple[Group, bool]:
        """The output as one renderable of text and pictures in order (Kitty's graphics or half
        blocks), and whether the text leaves something out."""
        from engine.tui.widgets.picture import picture_renderable

        parts, hides = self._output_parts(result, tail)
        drawn: list[RenderableType] = [
            part
            if isinstance(part, Text)
            else picture_renderable(part[0], part[1], alt=part[2], lang=self.lang)
            for part in parts
        ]
        return Group(*drawn), hides

    def _raised_as_expected(self, result: CellResult) -> bool:
        """The cell demonstrates an error (``expect: {raises: ...}``) and raised it."""
        from engine.execution.expect import raised_as_expected

        return raised_as_expected(self.block.expect, result)

    def status_text(self, result: CellResult) -> str:
        """One line: done in N s, the exception's name, timeout, crash or skip."""
        seconds = result.duration
        if self._raised_as_expected(result) and result.error is not None:
            return "✓ " + t(
                "{name} raised, as the lesson expects", self.lang, name=result.error.name
            )
        if result.status is CellStatus.OK:
            return "✓ " + t("Done in {seconds:.2f} s", self.lang, seconds=seconds)
        if result.status is CellStatus.ERROR:
            name = result.error.name if result.error else "Error"
            return "✗ " + t("{name} after {seconds:.2f} s", self.lang, name=name, seconds=seconds)
        if result.status is CellStatus.TIMEOUT:
            return "✗ " + t("Timed out after {seconds:.1f} s", self.lang, seconds=seconds)
        if result.status is CellStatus.CRASHED:
            return "✗ " + t(
                "The kernel crashed while running this cell; it is restarting", self.lang
            )
        unmet = result.extra.get("unmet")
        if unmet:  # cuda, network, a module this cell requires: shown, not run
            return "– " + unmet_reason(unmet.split(","), self.lang)
        missing = result.extra.get("missing")
        if missing:  # the lesson's requires are not installed (said once, in full, on opening)
            return "– " + t(
                "Skipped: {modules} not installed", self.lang, modules=missing.replace(",", ", ")
            )
        return "– " + t("Skipped", self.lang)

    def set_code(self, code: str, *, edited: bool) -> None:
        """Show ``code`` (after an edit or a reset)."""
        self.code = code
        self.edited = edited
        self._refresh_code()
        for editor in self.query(CellEditor):
            if editor.text != code:
                editor.load_text(code)

    # ---- actions -----------------------------------------------------------------------------

    def _commit_edit(self) -> None:
        text = self._editor().text
        if text != self.code:
            self.post_message(self.Edited(self, text))
            self.set_code(text, edited=text != self.block.code)

    def action_run(self) -> None:
        if self.editing:
            self._commit_edit()
        if not self.running:
            self.post_message(self.RunRequested(self))

    def action_run_above(self) -> None:
        if self.editing:
            self._commit_edit()
        self.post_message(self.RunRequested(self, above=True))

    def action_edit(self) -> None:
        if self.editing:
            self.action_done_editing()
        else:
            self.editing = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape and Ctrl+R are the cell's only while editing; otherwise they are the
        screen's (Back, Restart kernel), in the footer and when pressed."""
        if action in ("done_editing", "run_editing"):
            return self.editing
        if action == "interrupt_editing":  # when the screen offers its own Interrupt
            return self.editing and bool(self.screen.check_action("interrupt", ()))
        if action == "full_output":  # offered when the cell shows only part of its output
            return self._hides
        return True

    def action_run_editing(self) -> None:
        """Ctrl+R in the editor: the edit is kept and runs (the editor stays open)."""
        self.action_run()

    async def action_interrupt_editing(self) -> None:
        """Ctrl+G in the editor: the screen's Interrupt (the editor stays open)."""
        await self.run_action("screen.interrupt")

    def action_done_editing(self) -> None:
        if not self.editing:
            # Escape on a cell that is not being edited is the screen's: back to the course.
            raise SkipAction()
        self._commit_edit()
        self.editing = False
        self.focus()

    def action_reset(self) -> None:
        """Back to the author's code; the output of the learner's version goes with it."""
        self.post_message(self.Edited(self, None))
        self.set_code(self.block.code, edited=False)
        if not self.running:
            self.clear()

    def action_full_output(self) -> None:
        """The whole output in a scrollable view (the cell shows only its end)."""
        from engine.tui.screens.output import OutputScreen

        screen = in_language(OutputScreen, self.lang)
        self.app.push_screen(
            screen(self.whole_output(), title=self.border_title or "", lang=self.lang)
        )

    def action_copy(self) -> None:
        code = self._editor().text if self.editing else self.code
        self.app.copy_to_clipboard(code)
        self.notify(t("Code copied to the clipboard", self.lang), timeout=2)

    @on(CellEditor.Leave)
    def _leave_editor(self, event: CellEditor.Leave) -> None:
        event.stop()
        self.action_done_editing()
