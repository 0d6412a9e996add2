"""`lectio completion bash|zsh|fish`, tried in the real shells, and a --help text for every
option of every command.

Each shell is run as a user's would be: bash calls the completion function with COMP_WORDS set,
zsh types the line and a Tab into an interactive zsh on a pseudo-terminal (zpty) and records
what the completion system would offer, fish answers ``complete -C``. A shell that is not
installed skips its tests (.ci/run installs all three)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from engine.cli import main
from engine.cli.completion_cmd import SHELLS, _walk, tree
from engine.cli.schema_cmd import KINDS
from engine.cli.validate_cmd import FORMATS
from engine.i18n import languages

COMMANDS = [command.name for command in tree().subcommands]


def _needs(shell: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        shutil.which(shell) is None,
        reason=f"{shell} is not installed (apt-get install {shell}); .ci/run installs it",
    )


def _script(capsys: pytest.CaptureFixture[str], shell: str) -> str:
    assert main(["completion", shell]) == 0
    return capsys.readouterr().out


def _written(capsys: pytest.CaptureFixture[str], path: Path, *syntax_check: str) -> Path:
    """The script for ``syntax_check[0]`` (the shell) in ``path``, read by the shell without
    running it (``bash -n``...)."""
    path.write_text(_script(capsys, syntax_check[0]))
    subprocess.run([*syntax_check, str(path)], check=True, timeout=30)
    return path


@pytest.fixture
def here(tmp_path: Path) -> Path:
    """A folder to complete in: a course folder, a folder with a space, a file."""
    root = tmp_path / "here"
    (root / "lessons").mkdir(parents=True)
    (root / "lessons" / "intro.yaml").write_text("")
    (root / "my notes").mkdir()
    (root / "my notes" / "a lesson.yaml").write_text("")
    (root / "notes.txt").write_text("")
    return root


def _env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TERM": "dumb"}


# -- bash ------------------------------------------------------------------------------------


def _bash(script: Path, here: Path, *words: str) -> tuple[list[str], list[str]]:
    """What bash's completion offers after ``lectio WORDS...`` (the last word being typed, split
    as bash splits it: ``--format=g`` is ``--format`` ``=`` ``g``), and its ``compopt`` calls
    (no COMPREPLY and no compopt: readline completes file names itself)."""
    line = " ".join(["lectio", *words])
    program = (
        f"source {script}\n"
        'compopt() { _compopts+=("compopt $*"); }\n'
        f"COMP_WORDS=(lectio {' '.join(repr(w) for w in words)})\n"
        f"COMP_CWORD={len(words)}\nCOMP_LINE={line!r}\n_lectio\n"
        'printf "%s\\n" "${COMPREPLY[@]}"; printf "%s\\n" "${_compopts[@]}" >&2\n'
    )
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
        cwd=here,
    )
    return [w for w in done.stdout.splitlines() if w], [w for w in done.stderr.splitlines() if w]


@pytest.fixture
def bash_script(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    return _written(capsys, tmp_path / "lectio.bash", "bash", "-n")


@_needs("bash")
def test_bash_completes_commands_options_and_their_choices(bash_script: Path, here: Path) -> None:
    def offered(*words: str) -> list[str]:
        return _bash(bash_script, here, *words)[0]

    assert offered("va") == ["validate"]
    assert offered("new", "") == ["course", "lesson"]
    assert set(offered("validate", "--ju")) == {"--junit", "--junit-family"}
    assert offered("validate", "--format", "g") == ["github", "gitlab"]
    assert offered("report", "--format", "") == ["text", "json"]  # its own choices
    assert offered("feedback", "export", "--format", "") == ["json", "csv"]
    assert offered("completion", "") == list(SHELLS)
    assert offered("schema", "") == list(KINDS)


@_needs("bash")
def test_bash_completes_a_value_after_an_equals_sign(bash_script: Path, here: Path) -> None:
    assert _bash(bash_script, here, "validate", "--format", "=")[0] == list(FORMATS)
    assert _bash(bash_script, here, "validate", "--format", "=", "g")[0] == ["github", "gitlab"]
    assert _bash(bash_script, here, "validate", "--update", "=")[0] == ["all"]
    assert _bash(bash_script, here, "validate", "--update", "") == ([], [])  # --update PATH


@_needs("bash")
def test_bash_offers_each_kind_of_value_as_such(bash_script: Path, here: Path) -> None:
    assert _bash(bash_script, here, "open", "--lang", "") == (languages(), ["compopt +o default"])
    # a path: readline's own file names, which quote "my notes" as one word
    assert _bash(bash_script, here, "open", "") == ([], [])
    assert _bash(bash_script, here, "open", "my") == ([], [])
    # a folder: folders only; free text (a number, a name): nothing, not file names
    assert _bash(bash_script, here, "new", "course", "--dir", "") == (
        [],
        ["compopt +o default -o dirnames"],
    )
    assert _bash(bash_script, here, "validate", "-j", "") == ([], ["compopt +o default"])
    assert _bash(bash_script, here, "learners", "add", "") == ([], ["compopt +o default"])
    # lectio PATH opens PATH: commands first, else readline's file names
    assert _bash(bash_script, here, "no") == ([], [])


@_needs("bash")
def test_bash_does_not_offer_hidden_options(bash_script: Path, here: Path) -> None:
    offered = _bash(bash_script, here, "open", "--")[0]
    assert "--plain" in offered and "--served" not in offered


# -- zsh -------------------------------------------------------------------------------------

ZSH_SETUP = r"""
PROMPT='' RPROMPT=''
autoload -Uz compinit && compinit -u -D
bindkey '^I' complete-word
zstyle ':completion:*' list-grouped false
compadd() {  # record what would be offered (after matching), instead of offering it
    if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
    local -a __hits
    builtin compadd -A __hits "$@"
    local __hit
    for __hit in $__hits; do print -rn -- $'\x1f'"$__hit"$'\x1e'; done
    (( $#__hits ))  # as compadd: status 1 when nothing matched
}
_lectio_test_done() { print -rn -- $'\x1d'; }
comppostfuncs=(_lectio_test_done)
"""

ZSH_DRIVE = r"""
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "source ${(q)1}; print -r -- READY\:"
zpty -r z line '*READY:*' || exit 3
zpty -w -n z "$2"$'\t'
zpty -r z out $'*\x1d*' || exit 4
print -rn -- "$out"
zpty -d z
"""


@pytest.fixture(params=["fpath", "source"])
def zsh_setup(
    request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Path:
    """A ~/.zshrc loading the script either way docs/cli.md says: as ``_lectio`` in a folder of
    ``$fpath`` before compinit, or sourced after it."""
    functions = tmp_path / "zfunc"
    functions.mkdir()
    script = _written(capsys, functions / "_lectio", "zsh", "-n")
    setup = tmp_path / "zshrc"
    if request.param == "fpath":
        setup.write_text(f"fpath=({functions} $fpath)\n{ZSH_SETUP}")
    else:
        setup.write_text(f"{ZSH_SETUP}\nsource {script}\n")
    (tmp_path / "drive.zsh").write_text(ZSH_DRIVE)
    return setup


def _zsh(setup: Path, here: Path, line: str) -> list[str]:
    """What zsh offers when Tab is pressed after ``line`` (shell-quoted, as zsh inserts it)."""
    done = subprocess.run(
        ["zsh", "-f", str(setup.parent / "drive.zsh"), str(setup), line],
        capture_output=True,
        timeout=60,
        check=True,
        cwd=here,
        env=_env(setup.parent),
    )
    return re.findall("\x1f([^\x1e]*)\x1e", done.stdout.decode())


@_needs("zsh")
def test_zsh_completes_commands_options_and_their_choices(zsh_setup: Path, here: Path) -> None:
    assert _zsh(zsh_setup, here, "lectio ") == COMMANDS
    assert "--junit-family" in _zsh(zsh_setup, here, "lectio validate --")
    assert _zsh(zsh_setup, here, "lectio validate --format ") == list(FORMATS)
    assert _zsh(zsh_setup, here, "lectio validate --format=") == list(FORMATS)
    assert _zsh(zsh_setup, here, "lectio validate --update=") == ["all"]
    assert _zsh(zsh_setup, here, "lectio report --format ") == ["text", "json"]
    assert _zsh(zsh_setup, here, "lectio new ") == ["course", "lesson"]
    assert _zsh(zsh_setup, here, "lectio schema ") == list(KINDS)
    assert _zsh(zsh_setup, here, "lectio open --lang ") == languages()


@_needs("zsh")
def test_zsh_offers_each_kind_of_value_as_such(zsh_setup: Path, here: Path) -> None:
    assert sorted(_zsh(zsh_setup, here, "lectio open ")) == ["lessons", r"my\ notes", "notes.txt"]
    assert _zsh(zsh_setup, here, "lectio open my") == [r"my\ notes"]  # one word, not two
    assert _zsh(zsh_setup, here, "lectio open lessons/") == ["intro.yaml"]
    assert sorted(_zsh(zsh_setup, here, "lectio new course --dir ")) == ["lessons", r"my\ notes"]
    assert _zsh(zsh_setup, here, "lectio validate -j ") == []
    assert _zsh(zsh_setup, here, "lectio no") == ["notes.txt"]  # lectio PATH opens PATH


# -- fish ------------------------------------------------------------------------------------


def _fish(script: Path, here: Path, line: str) -> list[str]:
    """What fish offers after ``line`` (``complete -C``), without the descriptions."""
    return [w.split("\t")[0] for w in _fish_described(script, here, line)]


def _fish_described(script: Path, here: Path, line: str) -> list[str]:
    """What fish offers after ``line``: ``word<TAB>description`` lines."""
    done = subprocess.run(
        ["fish", "--no-config", "-c", f"source {script}; complete -C {line!r}"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
        cwd=here,
        env=_env(script.parent),
    )
    return [w for w in done.stdout.splitlines() if w]


@pytest.fixture
def fish_script(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    return _written(capsys, tmp_path / "lectio.fish", "fish", "--no-execute")


@_needs("fish")
def test_fish_completes_commands_options_and_their_choices(fish_script: Path, here: Path) -> None:
    assert _fish(fish_script, here, "lectio ") == sorted(COMMANDS)
    assert {"--junit", "--junit-family"} <= set(_fish(fish_script, here, "lectio validate --ju"))
    assert _fish(fish_script, here, "lectio validate --format ") == sorted(FORMATS)
    assert _fish(fish_script, here, "lectio report --format ") == ["json", "text"]
    assert _fish(fish_script, here, "lectio feedback export --format ") == ["csv", "json"]
    assert _fish(fish_script, here, "lectio schema ") == sorted(KINDS)
    assert _fish(fish_script, here, "lectio completion ") == sorted(SHELLS)
    assert _fish(fish_script, here, "lectio open --lang ") == languages()


@_needs("fish")
def test_fish_offers_each_kind_of_value_as_such(fish_script: Path, here: Path) -> None:
    assert _fish(fish_script, here, "lectio open ") == ["lessons/", "my notes/", "notes.txt"]
    assert _fish(fish_script, here, "lectio open lessons/") == ["lessons/intro.yaml"]
    assert _fish(fish_script, here, "lectio store copy ") == ["lessons/", "my notes/", "notes.txt"]
    assert _fish(fish_script, here, "lectio new course --dir ") == ["lessons/", "my notes/"]
    assert _fish(fish_script, here, "lectio validate --junit ") == [
        "lessons/",
        "my notes/",
        "notes.txt",
    ]
    assert _fish(fish_script, here, "lectio validate -j ") == []
    assert _fish(fish_script, here, "lectio validate --update=") == ["--update=all"]
    assert "notes.txt" in _fish(fish_script, here, "lectio validate --update ")  # PATH
    assert "--served" not in _fish(fish_script, here, "lectio open --")
    assert _fish(fish_script, here, "lectio no") == ["notes.txt"]  # lectio PATH opens PATH
    assert _fish(fish_script, here, "lectio le") == ["learners"]  # a command: no file names


@_needs("fish")
def test_fish_describes_an_option_not_each_of_its_values(fish_script: Path, here: Path) -> None:
    (option,) = _fish_described(fish_script, here, "lectio report --for")
    assert option.startswith("--format\t") and "json" in option
    assert _fish_described(fish_script, here, "lectio report --format ") == ["json", "text"]


def test_every_command_and_option_has_help() -> None:
    missing = []
    for command, path in _walk(tree()):
        if path and not command.help and not command.subcommands:
            missing.append(f"lectio {path}")
        for option in command.options:
            if not option.help:
                missing.append(f"lectio {path} {'/'.join(option.strings)}")
    assert missing == []
