"""`lectio completion bash|zsh|fish`, and a --help text for every option of every command."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from engine.cli import main
from engine.cli.completion_cmd import _walk, tree


def _script(capsys: pytest.CaptureFixture[str], shell: str) -> str:
    assert main(["completion", shell]) == 0
    return capsys.readouterr().out


def _complete(script: Path, *words: str) -> list[str]:
    """What bash's completion offers after ``lectio WORDS...`` (the last word being typed)."""
    line = " ".join(["lectio", *words])
    program = (
        f"source {script}\n"
        f"COMP_WORDS=(lectio {' '.join(repr(w) for w in words)})\n"
        f"COMP_CWORD={len(words)}\nCOMP_LINE={line!r}\n_lectio\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        ["bash", "-c", program], capture_output=True, text=True, timeout=30, check=True
    )
    return [w for w in done.stdout.splitlines() if w]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_options_and_their_choices(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    script = tmp_path / "lectio.bash"
    script.write_text(_script(capsys, "bash"))
    subprocess.run(["bash", "-n", str(script)], check=True, timeout=30)
    assert _complete(script, "va") == ["validate"]
    assert _complete(script, "new", "") == ["course", "lesson"]
    assert set(_complete(script, "validate", "--ju")) == {"--junit", "--junit-family"}
    assert _complete(script, "validate", "--format", "g") == ["github", "gitlab"]
    assert _complete(script, "report", "--format", "") == ["text", "json"]  # its own choices
    assert _complete(script, "feedback", "export", "--format", "") == ["json", "csv"]
    assert _complete(script, "completion", "") == ["bash", "zsh", "fish"]


def test_zsh_and_fish_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    zsh = _script(capsys, "zsh")
    assert zsh.startswith("#compdef lectio\n") and "bashcompinit" in zsh and "_lectio()" in zsh
    fish = _script(capsys, "fish")
    assert "complete -c lectio -n '__fish_use_subcommand' -a validate" in fish
    assert (
        "complete -c lectio -n '__fish_seen_subcommand_from validate' -l format -x -a "
        "'text json github gitlab'" in fish
    )
    assert "complete -c lectio -n '__fish_seen_subcommand_from validate' -l jobs -s j" in fish
    if shutil.which("fish"):
        subprocess.run(["fish", "--no-execute", "-c", fish], check=True, timeout=30)


def test_every_command_and_option_has_help() -> None:
    missing = []
    for command, path in _walk(tree()):
        if path and not command.help and not command.subcommands:
            missing.append(f"lectio {path}")
        for strings, help_text, _ in command.options:
            if not help_text:
                missing.append(f"lectio {path} {'/'.join(strings)}")
    assert missing == []
