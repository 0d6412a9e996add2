"""The plain mode's pacing and wrapping (engine/plain/pacing.py), in process: the wrapping rule,
when it applies, what a pause accepts, and Markdown prose wrapped around code it leaves alone."""

from __future__ import annotations

import io

import pytest

from engine.markup.markdown import to_text
from engine.plain.console import Console
from engine.plain.pacing import Flow, Pager, cell_width, wait, wanted, wrap, wrap_line

PARAGRAPH = (
    "A tensor is PyTorch's basic object: a grid of numbers that all have the same type, "
    "and everything a network reads, computes and learns is one."
)


def test_a_long_line_is_cut_at_spaces_and_keeps_every_word() -> None:
    lines = wrap_line(PARAGRAPH, 30)
    assert len(lines) > 1
    assert all(cell_width(line) <= 30 for line in lines)
    assert " ".join(lines) == PARAGRAPH  # nothing lost, nothing cut inside a word


def test_a_line_that_fits_is_left_exactly_as_it_is() -> None:
    line = "  two  spaces   kept  "
    assert wrap_line(line, 40) == [line]
    assert wrap("a\n\n  b", 40) == "a\n\n  b"


def test_no_width_is_no_change() -> None:
    assert wrap(PARAGRAPH, None) == PARAGRAPH


def test_a_choice_and_a_list_item_continue_under_their_text() -> None:
    choice = "  2. the fourth (your answer, right): " + PARAGRAPH
    lines = wrap_line(choice, 40)
    assert lines[0].startswith("  2. the fourth")
    assert all(line.startswith("     ") and line[5] != " " for line in lines[1:])
    item = wrap_line("- " + PARAGRAPH, 30)
    assert all(line.startswith("  ") and line[2] != " " for line in item[1:])


def test_an_explicit_hang() -> None:
    lines = wrap_line("Row 1: " + PARAGRAPH, 30, hang="    ")
    assert all(line.startswith("    ") for line in lines[1:])


def test_a_word_wider_than_the_line_stays_whole() -> None:
    path = "/home/learner/.local/share/lectio/figures/course/lesson/cell-1-figure-1.png"
    lines = wrap_line(f"Figure 1: 640x480 pixels, saved to {path}", 30)
    assert path in lines  # on a line of its own, not cut
    assert all(cell_width(line) <= 30 for line in lines if line != path)


def test_inline_code_is_never_cut() -> None:
    line = "  3. a plain tuple (wrong): but it prints as `torch.Size([3, 2])` and compares equal."
    for width in range(20, len(line)):
        lines = wrap_line(line, width)
        assert any("`torch.Size([3, 2])`" in part for part in lines), (width, lines)
        assert " ".join(part.strip() for part in lines) == " ".join(line.split())
    assert wrap_line("an `unclosed span of code", 12) == ["an `unclosed", "span of code"]


def test_columns_are_counted_as_a_terminal_does() -> None:
    assert cell_width("ação") == 4
    assert cell_width("x\u0302") == 1  # a combining circumflex takes no column
    assert cell_width("表") == 2
    lines = wrap_line("表 " * 20, 10)
    assert all(cell_width(line) <= 10 for line in lines)


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stdin_tty", "stdout_tty", "choice", "env", "expected"),
    [
        (True, True, None, None, True),
        (True, False, None, None, False),  # output piped: the transcript of old
        (False, True, None, None, False),  # input scripted
        (False, False, True, None, True),  # --pager
        (True, True, False, None, False),  # --no-pager
        (True, True, None, "0", False),
        (False, False, None, "1", True),
        (True, True, True, "0", True),  # the option wins over the environment
    ],
)
def test_when_it_paces(
    monkeypatch: pytest.MonkeyPatch,
    stdin_tty: bool,
    stdout_tty: bool,
    choice: bool | None,
    env: str | None,
    expected: bool,
) -> None:
    if env is None:
        monkeypatch.delenv("LECTIO_PAGER", raising=False)
    else:
        monkeypatch.setenv("LECTIO_PAGER", env)
    stdin = Tty() if stdin_tty else io.StringIO()
    stdout = Tty() if stdout_tty else io.StringIO()
    assert wanted(stdin, stdout, choice) is expected


def test_the_width_is_read_again_each_time() -> None:
    sizes = iter([59, 39])
    pager = Pager(True, columns=lambda: next(sizes))
    assert pager.width == 59
    assert pager.width == 39  # the window was resized
    assert Pager(False, columns=lambda: 59).width is None


def paged(typed: str) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    console = Console(io.StringIO(typed), out, colour=False, pager=True)
    console.pager.columns = lambda: 59
    return console, out


@pytest.mark.parametrize(
    ("typed", "kind"),
    [("\n", "go"), ("n\n", "next"), ("q\n", "quit"), ("sair\n", "quit"), ("", "eof")],
)
def test_what_a_pause_accepts(typed: str, kind: str) -> None:
    console, out = paged(typed)
    console.say("A block.")
    assert wait(console, "en", question_ahead=True).kind == kind
    assert "Press Enter to go on, n for the next question, q to stop." in out.getvalue()


def test_a_pause_repeats_its_prompt_for_anything_else_and_passes_ask_on() -> None:
    console, out = paged("2\nask what is a tensor\n")
    console.say("A block.")
    typed = wait(console, "en", ask=True)
    assert (typed.kind, typed.text) == ("ask", "what is a tensor")
    assert out.getvalue().count("Press Enter to go on, q to stop.") == 2


def test_no_pause_when_nothing_is_unread_or_when_off() -> None:
    console, _ = paged("2\n")
    assert wait(console, "en").kind == "go"  # nothing shown yet
    console.say("A block.")
    console.say()
    assert console.ask() == "2"  # the learner typed: what was shown is read
    console.say()  # a blank line is nothing to read
    assert wait(console, "en").kind == "go"
    off = Console(io.StringIO(""), io.StringIO(), pager=False)
    off.say("A block.")
    assert wait(off, "en").kind == "go"


def test_the_pause_prompt_speaks_portuguese() -> None:
    console, out = paged("\n")
    console.say("Um bloco.")
    wait(console, "pt", question_ahead=True)
    assert "Pressione Enter para continuar" in out.getvalue()


def test_say_wraps_when_paging_unless_told_not_to() -> None:
    console, out = paged("")
    console.say(PARAGRAPH)
    console.say("    " + "code_that_is_long = 1" * 5, wrap=False)
    lines = out.getvalue().splitlines()
    assert all(cell_width(line) <= 59 for line in lines[:-1])
    assert lines[-1] == "    " + "code_that_is_long = 1" * 5
    console, out = Console(io.StringIO(), io.StringIO(), pager=False), io.StringIO()
    console.stdout = out
    console.say(PARAGRAPH)
    assert out.getvalue() == PARAGRAPH + "\n"


MARKDOWN = f"""{PARAGRAPH}

```python
very_long_name_of_a_variable = compute(the_first_argument, the_second_argument, third=3)
```

- {PARAGRAPH}
  1. {PARAGRAPH}

> {PARAGRAPH}

| name | meaning |
|------|---------|
| x | {PARAGRAPH} |

$$
\\frac{{a_1 + a_2 + a_3 + a_4 + a_5 + a_6 + a_7 + a_8 + a_9 + a_{{10}} + a_{{11}}}}{{n}}
$$
"""


def test_markdown_prose_is_wrapped_and_its_code_and_formulas_are_not() -> None:
    plain = to_text(MARKDOWN)
    fitted = to_text(MARKDOWN, width=40)
    code = (
        "    very_long_name_of_a_variable = "
        "compute(the_first_argument, the_second_argument, third=3)"
    )
    assert code in plain.split("\n") and code in fitted.split("\n")
    formula = [line for line in plain.split("\n") if "a₁₀" in line or "a₁" in line]
    assert formula and all(line in fitted.split("\n") for line in formula)
    wide = [line for line in fitted.split("\n") if cell_width(line) > 40]
    assert wide and all(line == code or line in formula for line in wide)
    # the same words, in the same order: only the line breaks differ
    assert fitted.split() == plain.split()
    rows = fitted.split("\n")
    item = rows.index(next(r for r in rows if r.startswith("- ")))
    assert rows[item + 1].startswith("  ") and rows[item + 1][2] != " "
    quote = rows.index("  A tensor is PyTorch's basic object: a")  # the quote, narrower
    assert all(r.startswith("  ") and cell_width(r) <= 40 for r in rows[quote : quote + 4])
    row = rows.index(next(r for r in rows if r.startswith("Row 1:")))
    assert rows[row + 1].startswith("    ")


def test_markdown_without_a_width_is_what_it_always_was() -> None:
    assert to_text(MARKDOWN, width=None) == to_text(MARKDOWN)
    assert "\n" not in to_text(PARAGRAPH)


def test_a_stream_wraps_the_same_wherever_its_chunks_are_cut() -> None:
    text = "Look at the shapes first:\n  - `w` has three elements, `modle` none at all.\nDone."
    whole: list[str] = []
    flow = Flow(whole.append, lambda: 20)
    flow(text)
    assert flow.end()  # "Done." is on a line the caller ends
    lines = "".join(whole).split("\n")
    assert all(cell_width(line) <= 20 for line in lines)
    assert "".join(whole).split() == text.split()
    assert lines[2].startswith("  - ") and lines[3].startswith("    ") and lines[3][4] != " "
    for cut in range(1, len(text)):
        for second in range(cut, len(text)):
            pieces: list[str] = []
            flow = Flow(pieces.append, lambda: 20)
            for chunk in (text[:cut], text[cut:second], text[second:]):
                flow(chunk)
            flow.end()
            assert "".join(pieces) == "".join(whole), (cut, second)


def test_a_stream_is_made_inert_and_unwrapped_without_a_width() -> None:
    out: list[str] = []
    flow = Flow(out.append, lambda: None)
    flow("a \x1b[31mred\x1b[0m word that is long enough to be wrapped somewhere")
    assert flow.end()
    assert "".join(out) == "a ␛[31mred␛[0m word that is long enough to be wrapped somewhere"


def test_a_text_taller_than_the_window_is_cut_into_pages() -> None:
    console, out = paged("\n\n\n")
    console.echo = False  # as on a terminal, which echoes what is typed itself
    console.pager.rows = lambda: 10  # pages of 6 rows, the prompt under them
    console.pager.more = lambda: None if wait(console, "en").kind == "go" else pytest.fail()
    console.say("Heading")
    rows = [f"row {n}" for n in range(1, 15)]
    rows[3] = "x" * 150  # folded by a 60-column terminal into three rows: it counts as three
    console.say("\n".join(rows), wrap=False)
    pages = out.getvalue().split("Press Enter to go on, q to stop.\n> ")
    assert pages == [
        "Heading\nrow 1\nrow 2\nrow 3\n",  # 4 rows: the long line does not fit under them
        "x" * 150 + "\nrow 5\nrow 6\nrow 7\n",  # 3 + 3 rows
        "row 8\nrow 9\nrow 10\nrow 11\nrow 12\nrow 13\n",
        "row 14\n",
    ]


def test_no_pages_without_a_pause_to_give_or_on_a_pipe() -> None:
    console, out = paged("")
    console.pager.rows = lambda: 10
    console.say("\n".join(f"row {n}" for n in range(30)))
    assert "Press Enter" not in out.getvalue()  # no more: nothing to wait with
    out = io.StringIO()
    pipe = Console(io.StringIO(""), out, colour=False, pager=False)
    pipe.pager.more = lambda: pytest.fail("a pipe never pauses")
    pipe.say("\n".join(f"row {n}" for n in range(30)))
    assert out.getvalue() == "\n".join(f"row {n}" for n in range(30)) + "\n"


def test_the_rows_count_from_what_the_learner_last_typed_and_include_streamed_output() -> None:
    console, out = paged("\n\n")
    console.pager.rows = lambda: 10
    pauses: list[str] = []
    console.pager.more = lambda: pauses.append(out.getvalue())
    console.write("one\ntwo\nthree\nfour\nfive\n")  # streamed output is counted
    console.say("six\nseven")
    assert len(pauses) == 1 and pauses[0].endswith("five\nsix\n")
    console.ask()  # the learner typed: a new screen
    console.say("\n".join(["line"] * 6))
    assert len(pauses) == 1
