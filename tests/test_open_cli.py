"""`lectio open` without --plain: the store problems any front end can hit become one clear line
and exit status 1 before the full-screen interface starts; unexpected errors never show a
traceback unless LECTIO_DEBUG is set."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest

from engine.cli import main
from engine.store import Store, StoreError

BASICS = Path(__file__).parent / "data" / "session" / "basics.yaml"


@pytest.fixture
def fake_tui(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace ``engine.tui.app`` with a recorder (Textual is never started)."""
    calls: list[dict[str, Any]] = []
    module = types.ModuleType("engine.tui.app")

    def run_app(target: Path | None, **kw: Any) -> int:
        calls.append({"target": target, **kw})
        raiser = kw.get("raise_")
        if raiser is not None:
            raise raiser
        return 0

    module.run_app = run_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "engine.tui.app", module)
    monkeypatch.delenv("LECTIO_PLAIN", raising=False)
    return calls


@pytest.mark.parametrize("data_dir", ["/proc/nowhere/deeper", str(BASICS)])
def test_an_unusable_data_folder_is_one_line_and_status_1(
    fake_tui: list[dict[str, Any]], capsys: pytest.CaptureFixture[str], data_dir: str
) -> None:
    status = main(["open", str(BASICS), "--data-dir", data_dir])
    out, err = capsys.readouterr()
    assert status == 1
    assert err.startswith("lectio: ") and "cannot create the data folder" in err
    assert ("a file has that name" in err) == (data_dir == str(BASICS))
    assert "Traceback" not in out + err and len(err.strip().splitlines()) == 1
    assert fake_tui == []  # the full-screen interface never started


def test_the_interface_gets_the_store_already_open(
    fake_tui: list[dict[str, Any]], tmp_path: Path
) -> None:
    assert main(["open", str(BASICS), "--data-dir", str(tmp_path)]) == 0
    assert isinstance(fake_tui[0]["store"], Store)
    assert (tmp_path / "lectio.db").exists()


def test_a_store_error_from_the_interface_is_one_line(
    fake_tui: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    fake: Any = sys.modules["engine.tui.app"]

    real = fake.run_app

    def failing(target: Path | None, **kw: Any) -> int:
        real(target, **kw)
        raise StoreError("x.db: cannot write: disk I/O error; this was not saved")

    monkeypatch.setattr(fake, "run_app", failing)
    status = main(["open", str(BASICS), "--data-dir", str(tmp_path)])
    _, err = capsys.readouterr()
    assert status == 1 and err == "lectio: x.db: cannot write: disk I/O error; this was not saved\n"


def test_an_unexpected_error_is_one_line_unless_debugging(
    fake_tui: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    fake: Any = sys.modules["engine.tui.app"]

    def broken(target: Path | None, **kw: Any) -> int:
        raise RuntimeError("something odd")

    monkeypatch.setattr(fake, "run_app", broken)
    monkeypatch.delenv("LECTIO_DEBUG", raising=False)
    status = main(["open", str(BASICS), "--data-dir", str(tmp_path)])
    _, err = capsys.readouterr()
    assert status == 1 and "Traceback" not in err
    assert "RuntimeError: something odd" in err and "LECTIO_DEBUG=1" in err
    monkeypatch.setenv("LECTIO_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["open", str(BASICS), "--data-dir", str(tmp_path)])


def test_a_path_without_the_open_command_opens_it(
    fake_tui: list[dict[str, Any]], tmp_path: Path
) -> None:
    """``lectio [open] PATH`` (docs/cli.md): the command word may be left out."""
    assert main([str(BASICS), "--data-dir", str(tmp_path)]) == 0
    assert fake_tui[0]["target"] == BASICS


def test_a_mistyped_command_is_still_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["valdate", "lessons"])
    assert info.value.code == 2 and "invalid choice: 'valdate'" in capsys.readouterr().err


def test_a_terminal_that_cannot_show_a_character_does_not_stop_the_lesson(tmp_path: Path) -> None:
    """An ASCII-only terminal (PYTHONIOENCODING=ascii, old consoles): "·" and "␛" become "?"."""
    import os
    import subprocess

    course = Path(__file__).parent / "data" / "session" / "root" / "lessons" / "demo"
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "NO_COLOR": "1"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "engine",
            "open",
            str(course),
            "--plain",
            "--data-dir",
            str(tmp_path),
        ],
        input="",
        capture_output=True,
        text=True,
        encoding="ascii",
        errors="strict",
        env=env,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "Section 1 ? Chapter 1" in run.stdout


def test_open_alone_is_parsed_and_helped_as_among_every_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`lectio open` builds only its own parser (a first-frame cost, issue 15): its help, its
    errors and what it parses are those of the parser of every command."""
    from engine.cli import build_parser

    outputs: list[object] = []
    for parser in (build_parser(), build_parser(("open",))):
        for argv in (["open", "--help"], ["open", "--bogus"]):
            with pytest.raises(SystemExit):
                parser.parse_args(argv)
            outputs.append(capsys.readouterr())
        args = parser.parse_args(["open", "x.yaml", "--plain", "--lang", "pt"])
        outputs.append((args.path, args.plain, args.lang, args.func))
    assert outputs[:3] == outputs[3:]
    assert "usage: lectio open" in str(outputs[0])
