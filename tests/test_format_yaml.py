"""The safe YAML reader: attacks and odd files become located problems, fast, in bounded memory."""

from __future__ import annotations

import os
import re
import threading
import tracemalloc
from pathlib import Path

import pytest
from narrow import of_type

from engine.format import yamlsafe
from engine.format.loader import parse
from engine.format.models import CodeBlock, Lesson, QuestionBlock
from engine.format.problems import LoadError
from engine.format.yamlsafe import MAX_BYTES, MAX_DEPTH, MAX_NODES, read_yaml

LESSON = b"id: a\ntitle: A\nblocks:\n  - text: hi\n"
HANG_GUARD = 60.0  # seconds: only ever reached by a read that blocks


def problems(data: bytes) -> list[str]:
    with pytest.raises(LoadError) as info:
        parse(data, "f.yaml")
    return [str(p) for p in info.value.problems]


def test_huge_file_is_refused_without_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: object) -> None:
        raise AssertionError("a file over the limit was decoded or parsed")

    monkeypatch.setattr(yamlsafe, "_decode", never)
    monkeypatch.setattr(yamlsafe, "_Loader", never)
    data = LESSON + b"  - text: " + b"x" * MAX_BYTES + b"\n"
    assert problems(data) == [
        f"f.yaml:1:1: the file is {len(data):,} bytes; lesson files are limited to {MAX_BYTES:,}"
    ]


def test_file_just_under_the_limit_loads() -> None:
    body = b"x" * (MAX_BYTES - len(LESSON) - 100)
    lesson = of_type(parse(LESSON + b"  - text: " + body + b"\n", "f.yaml"), Lesson)
    assert len(lesson.blocks) == 2


@pytest.mark.parametrize("levels", [9, 12])
def test_alias_bomb_is_fast_and_small(levels: int) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    data = ("\n".join(lines) + "\n").encode()
    tracemalloc.start()
    found = problems(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(found) == 1
    assert found[0].endswith(
        f"the aliases of this document expand to more than {MAX_NODES:,} values (an alias "
        "bomb?); write it without so many aliases"
    )
    assert re.match(r"f\.yaml:\d+:\d+: ", found[0]) and not found[0].startswith("f.yaml:1:1:")
    assert peak < 100 * 1024 * 1024  # refused by counting, before the expansion is built


def test_node_budget_counts_expanded_values() -> None:
    """Aliases are legal in moderation: a few references are expanded normally."""
    data = LESSON + b"  - text: &t shared\n  - text: *t\n"
    assert len(of_type(parse(data, "f.yaml"), Lesson).blocks) == 3
    assert MAX_NODES >= 10_000


def test_nesting_limit() -> None:
    ok = b"x: " + b"[" * (MAX_DEPTH - 2) + b"]" * (MAX_DEPTH - 2) + b"\n"
    read_yaml(ok, "f.yaml")
    deep = b"x: " + b"[" * 5000 + b"]" * 5000 + b"\n"
    with pytest.raises(LoadError) as info:
        read_yaml(deep, "f.yaml")
    assert "nests more than" in str(info.value) or "YAML syntax" in str(info.value)


def test_every_problem_of_a_file_at_once() -> None:
    data = b"id: a\nid: b\ntitle: !!python/object:os.system x\nblocks:\n  - text: !custom y\n"
    assert problems(data) == [
        "f.yaml:2:1: duplicate key 'id' (first given on line 1)",
        "f.yaml:3:8: the YAML tag !!python/object:os.system would build a Python object; "
        "lesson files may hold only plain text, numbers, lists and mappings",
        "f.yaml:5:11: unsupported YAML tag !custom; remove it",
    ]


def test_no_object_is_ever_constructed(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    marker = f'!!python/object/apply:builtins.exec [\'open("{target}","w")\']'.encode()
    problems(LESSON + b"  - text: " + marker + b"\n")
    assert not target.exists()


def test_utf8_bom_and_crlf_keep_positions() -> None:
    data = "\ufeffid: a\r\ntitle: A\r\nblocks:\r\n  - text: hi\r\n    bad: 1\r\n".encode()
    assert problems(data) == ["f.yaml:5:5: unknown key 'bad' (allowed here: text)"]


def test_crlf_code_cell_has_no_carriage_returns() -> None:
    data = b"id: a\r\ntitle: A\r\nblocks:\r\n  - code: |\r\n      x = 1\r\n      print(x)\r\n"
    lesson = of_type(parse(data, "f.yaml"), Lesson)
    assert of_type(lesson.blocks[0], CodeBlock).code == "x = 1\nprint(x)\n"


def test_invalid_utf8_is_located() -> None:
    assert problems(b"id: a\ntitle: caf\xe9\n") == [
        "f.yaml:2:11: the file is not valid UTF-8 text (byte 0xe9); save it as UTF-8"
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "f.yaml:1:1: the file is empty; a lesson starts with id:, title: and blocks:"),
        (b"   \n\n", "f.yaml:1:1: the file is empty; a lesson starts with id:, title: and blocks:"),
        (
            b"# only\n",
            "f.yaml:1:1: the file holds only comments; a lesson starts with id:, title: "
            "and blocks:",
        ),
        (
            b"- a\n",
            "f.yaml:1:1: a lesson file must be a mapping of keys (such as 'id: ...' and "
            "'title: ...'), found a list",
        ),
        (
            b"42\n",
            "f.yaml:1:1: a lesson file must be a mapping of keys (such as 'id: ...' and "
            "'title: ...'), found a int",
        ),
        (
            b"null\n",
            "f.yaml:1:1: a lesson file must be a mapping of keys (such as 'id: ...' and "
            "'title: ...'), found nothing",
        ),
    ],
)
def test_not_a_mapping(data: bytes, message: str) -> None:
    assert problems(data) == [message]


def test_dates_and_binary_stay_text() -> None:
    data, _ = read_yaml(b"a: 2024-01-02\nb: !!binary aGVsbG8=\n", "f.yaml")
    assert data == {"a": "2024-01-02", "b": "aGVsbG8="}


def test_non_string_keys_become_text() -> None:
    data, _ = read_yaml(b"1: one\ntrue: yes\n", "f.yaml")
    assert data == {"1": "one", "true": True}


def test_a_large_valid_lesson_costs_memory_in_proportion() -> None:
    """About 6,000 blocks (half a megabyte) of real content load, in memory a small multiple of
    the file's size (the models and positions of every value). Its speed is measured in
    benchmarks/bench_schema.py."""
    block = (
        "  - text: |\n      Some prose about tensors, with `code` and **emphasis**.\n"
        "  - code: |\n      x = {i}\n      print(x * 2)\n    id: cell-{i}\n"
        '    expect: "{j}"\n'
    )
    body = "".join(block.format(i=i, j=2 * i) for i in range(3000))
    data = ("id: big\ntitle: Big\nblocks:\n" + body).encode()
    assert 450_000 < len(data) < MAX_BYTES
    lesson = of_type(parse(data, "big.yaml"), Lesson)
    assert len(lesson.blocks) == 6000
    tracemalloc.start()
    parse(data, "big.yaml")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 40 * len(data)


@pytest.mark.parametrize("written", ["0x1F", "0.10", "1e3", ".inf", "1_000", "007", "+1", "0o17"])
def test_a_number_used_as_text_keeps_its_spelling(written: str) -> None:
    """A choice ``text: 0.10`` must show 0.10, not 0.1: the learner sees what the author wrote."""
    data = (
        f"id: a\ntitle: {written}\nblocks:\n  - question: q?\n    id: q\n    choices:\n"
        f"      - text: {written}\n        correct: true\n      - text: other\n"
    ).encode()
    lesson = of_type(parse(data, "f.yaml"), Lesson)
    assert lesson.title == written
    assert of_type(lesson.blocks[0], QuestionBlock).choices[0].text == written


def test_a_number_keeps_its_value_where_a_number_is_meant() -> None:
    data = b"id: a\ntitle: A\ntimeout: 0x10\nblocks:\n  - code: pass\n    timeout: 1.50\n"
    lesson = of_type(parse(data, "f.yaml"), Lesson)
    assert lesson.timeout == 16 and type(lesson.timeout) in (int, float)
    assert of_type(lesson.blocks[0], CodeBlock).timeout == 1.5


def test_a_number_in_a_message_is_shown_as_written() -> None:
    with pytest.raises(LoadError) as info:
        parse(b"id: 0x1F\ntitle: t\nblocks:\n  - text: hi\n", "f.yaml")
    assert "0x1F is not a valid id" in str(info.value.problems[0])


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "true"])
def test_a_yes_or_no_word_where_text_is_meant_says_to_quote_it(word: str) -> None:
    """YAML 1.1 reads ``title: on`` as a boolean; an author needs to know to write "on"."""
    with pytest.raises(LoadError) as info:
        parse(f"id: a\ntitle: {word}\nblocks:\n  - text: hi\n".encode(), "f.yaml")
    message = str(info.value.problems[0])
    assert message.startswith("f.yaml:2:8: title:") and "quotes" in message


def load_without_blocking(path: Path) -> BaseException | None:
    """What ``load(path)`` raised (None if nothing), from a daemon thread: a read that blocks
    fails the test after HANG_GUARD seconds and is left behind instead of hanging the suite."""
    from engine.format.loader import load

    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            load(path)
        except BaseException as exc:
            outcome.append(exc)
        else:
            outcome.append(None)

    reader = threading.Thread(target=attempt, daemon=True)
    reader.start()
    reader.join(HANG_GUARD)
    assert not reader.is_alive(), f"reading {path} blocked"
    return outcome[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_or_device_named_like_a_lesson_is_refused_without_blocking(tmp_path: Path) -> None:
    """Reading a FIFO would wait for a writer forever, /dev/zero would never end."""
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    for path in (pipe, zero):
        error = load_without_blocking(path)
        assert isinstance(error, LoadError), error
        assert (
            str(error.problems[0]) == f"{path}:1:1: not a regular file (a pipe or a "
            "device?); lectio reads lesson files only"
        )


def test_a_huge_file_on_disk_is_refused_with_its_real_size(tmp_path: Path) -> None:
    from engine.format.loader import load

    big = tmp_path / "big.yaml"
    big.write_bytes(LESSON + b"#" * (3 * MAX_BYTES))
    with pytest.raises(LoadError) as info:
        load(big)
    size = big.stat().st_size
    assert str(info.value.problems[0]) == (
        f"{big}:1:1: the file is {size:,} bytes; lesson files are limited to {MAX_BYTES:,}"
    )


def test_a_value_reached_through_an_alias_is_located_at_the_alias() -> None:
    """``- *q`` repeating a question: the repeated id is reported where the alias is."""
    data = (
        b"id: a\ntitle: A\nblocks:\n  - &q\n    question: Q?\n    id: q\n    choices:\n"
        b"      - {text: a, correct: true}\n      - {text: b}\n  - *q\n"
    )
    with pytest.raises(LoadError) as info:
        parse(data, "f.yaml")
    assert [str(p) for p in info.value.problems] == [
        "f.yaml:10:5: id 'q' is used twice (first on line 6)"
    ]


def test_a_file_of_100000_blocks_without_aliases_is_not_an_alias_bomb() -> None:
    """What is written out is bounded by the file size: many blocks are a large file, not a
    bomb (aliases are what may make a small file expand)."""
    data = LESSON + b"  - text: a\n" * 100_000
    assert len(data) < MAX_BYTES
    lesson = parse(data, "f.yaml")
    assert len(lesson.blocks) == 100_001  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("prefix", "col"),
    [("", 1), ("id: a\ntitle: t\nblocks:\n  - code: x = 1\n    ", 5), ("- ", 3)],
    ids=["top-level", "in-a-block", "in-a-list"],
)
def test_a_200000_character_key_is_located_and_called_too_long(prefix: str, col: int) -> None:
    data = (prefix + "k" * 200_000 + ": 1\n").encode()
    found = problems(data)
    line = prefix.count("\n") + 1
    assert found == [
        f"f.yaml:{line}:{col}: YAML syntax: this key is 200,000 characters long; YAML allows "
        "keys of at most 1,024 characters (a key is a short name, the text goes in its value)"
    ]
