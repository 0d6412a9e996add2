"""`lectio completion bash|zsh|fish`: a shell completion script, written once.

The script is generated from lectio's own argument parser (commands, their options, which
options take a value and what that value is: one of the option's choices, a file, a folder, or
free text), so it never goes stale, and it is static: completing a word runs no Python at all,
so neither completion nor lectio's start gets slower. Each shell gets its own native script
(bash's ``complete -F``, zsh's ``_arguments``, fish's ``complete``); how to install each is in
docs/cli.md ("lectio completion").
"""

from __future__ import annotations

import argparse
import shlex
import sys
from dataclasses import dataclass, field
from typing import Any

from engine.i18n import languages

SHELLS = ("bash", "zsh", "fish")

CHOICES, FILE, DIR, TEXT = "choices", "file", "dir", "text"
"""What a value is: one of a fixed set, a file (or folder) path, a folder path, or free text."""


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "completion",
        help="print a shell completion script (bash, zsh or fish)",
        description="Print a completion script for SHELL, generated from lectio's commands "
        "and options. Static: completing runs no Python, so nothing gets slower.",
    )
    parser.add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash, zsh or fish")
    parser.set_defaults(func=run)


@dataclass
class Value:
    """What an option's value or a positional argument is, as completion offers it."""

    kind: str
    """CHOICES, FILE, DIR or TEXT."""
    name: str
    """What the value is called (its metavar): zsh shows it when it has nothing to offer."""
    choices: list[str] = field(default_factory=list)
    many: bool = False
    """A positional argument that takes any number of words (``nargs`` ``*`` or ``+``)."""
    optional: bool = False


@dataclass
class Option:
    strings: list[str]
    help: str
    value: Value | None
    """None for a flag."""
    value_optional: bool = False
    """``--update[=all]``: the value can only follow ``=`` in the same word."""


@dataclass
class Command:
    """One command (or sub-command) of the parser, as completion needs it."""

    name: str
    help: str = ""
    options: list[Option] = field(default_factory=list)
    subcommands: list[Command] = field(default_factory=list)
    positionals: list[Value] = field(default_factory=list)

    def words(self) -> Value | None:
        """The words after the command, for the shells that do not count positions: its
        choices if an argument has some, else files if an argument is a path."""
        for kind in (CHOICES, FILE, DIR):
            for value in self.positionals:
                if value.kind == kind:
                    return value
        return self.positionals[0] if self.positionals else None


def _value(action: argparse.Action) -> Value:
    name = action.metavar if isinstance(action.metavar, str) else action.dest
    if action.choices:
        return Value(CHOICES, name, [str(c) for c in action.choices])
    # values argparse leaves open (--lang pt-BR, --update PATH) but completion can offer
    choices = languages() if action.dest == "lang" else getattr(action, "completion_choices", ())
    if choices:
        return Value(CHOICES, name, [str(c) for c in choices])
    upper = name.upper()
    if "DIR" in upper:
        return Value(DIR, name)
    if upper in {"FILE", "PATH", "PATHS", "SOURCE", "SOURCES"} or upper.endswith("_FILE"):
        return Value(FILE, name)
    return Value(TEXT, name)


def _describe(parser: argparse.ArgumentParser, name: str, help_text: str = "") -> Command:
    command = Command(name, help_text)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for sub_name, sub_parser in action.choices.items():
                command.subcommands.append(_describe(sub_parser, sub_name, helps.get(sub_name, "")))
        elif action.help == argparse.SUPPRESS:
            continue  # not for people (open --served): not offered
        elif action.option_strings:
            value = None if action.nargs == 0 else _value(action)
            command.options.append(
                Option(list(action.option_strings), action.help or "", value, action.nargs == "?")
            )
        else:
            value = _value(action)
            value.many = action.nargs in ("*", "+", argparse.REMAINDER)
            value.optional = action.nargs in ("?", "*")
            command.positionals.append(value)
    return command


def tree() -> Command:
    from engine.cli import build_parser

    return _describe(build_parser(), "lectio")


def _walk(root: Command) -> list[tuple[Command, str]]:
    found: list[tuple[Command, str]] = [(root, "")]
    for command in root.subcommands:
        found.append((command, command.name))
        for sub in command.subcommands:
            found.append((sub, f"{command.name} {sub.name}"))
    return found


def _words(items: list[str]) -> str:
    return " ".join(items)


def _short(text: str, width: int = 100) -> str:
    """A help text on one line, cut at a word under ``width`` characters."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: text.rfind(" ", 0, width - 3)].rstrip(",;:(")
    return cut + "..."  # ASCII: shown right whatever the locale


# -- bash ------------------------------------------------------------------------------------


def _bash_values(value: Value | None, *, strict: bool = True) -> str:
    """The call that offers ``value``; files are left to readline (``-o default``), which
    quotes spaces and expands ``~`` as it does for any command."""
    if value is None:
        return "_lectio_offer text"
    if value.kind == CHOICES:
        how = "choices" if strict else "commands"
        return f"_lectio_offer {how} {shlex.quote(_words(value.choices))}"
    return f"_lectio_offer {value.kind}"


def bash(root: Command) -> str:
    commands = _walk(root)
    lines = [
        "# bash completion for lectio (generated by: lectio completion bash)",
        "_lectio_offer() {  # $1: choices, commands (choices, else files), file, dir or text",
        '    case "$1" in',
        '        choices) COMPREPLY=($(compgen -W "$2" -- "$cur"))',
        "            compopt +o default 2>/dev/null ;;",  # no file names if nothing matches
        '        commands) COMPREPLY=($(compgen -W "$2" -- "$cur")) ;;',
        "        file) COMPREPLY=() ;;",
        "        dir) COMPREPLY=(); compopt +o default -o dirnames 2>/dev/null ;;",
        "        text) COMPREPLY=(); compopt +o default 2>/dev/null ;;",
        "    esac",
        "}",
        "_lectio() {",
        '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
        '    local equals=""',  # --format=<TAB> and --format=g: the value of --format
        '    if [[ "$cur" == "=" && "$prev" == -* ]]; then cur="" equals=1',
        '    elif [[ "$prev" == "=" ]]; then prev="${COMP_WORDS[COMP_CWORD-2]}" equals=1; fi',
        '    local path="" word i',
        "    for ((i = 1; i < COMP_CWORD; i++)); do",
        '        word="${COMP_WORDS[i]}"',
        '        [[ "$word" == -* ]] && continue',
        '        case "$path:$word" in',
    ]
    for command in root.subcommands:
        lines.append(f'            ":{command.name}") path="{command.name}" ;;')
        for sub in command.subcommands:
            lines.append(
                f'            "{command.name}:{sub.name}") path="{command.name} {sub.name}" ;;'
            )
    lines += ["        esac", "    done", '    case "$path" in']
    for command, path in commands:
        options = [s for o in command.options for s in o.strings]
        lines.append(f'        "{path}")')
        takers = [o for o in command.options if o.value]
        if takers:  # each command's own values: --format differs between commands
            lines.append('            case "$prev" in')
            for option in takers:
                offer = f"{_bash_values(option.value)}; return"
                if option.value_optional:  # --update=all, but --update PATH
                    offer = f'[[ "$equals" ]] && {{ {offer}; }}'
                lines.append(f"                {'|'.join(option.strings)}) {offer} ;;")
            lines.append("            esac")
        if command.subcommands:
            words: Value | None = Value(CHOICES, "", [s.name for s in command.subcommands])
        else:
            words = command.words()
        lines += [
            '            if [[ "$cur" == -* ]]; then',
            f"                _lectio_offer choices {shlex.quote(_words(options))}",
            "            else",
            f"                {_bash_values(words, strict=bool(path))}",
            "            fi",
            "            ;;",
        ]
    lines += [
        "    esac",
        "}",
        "complete -o default -F _lectio lectio",
        "",
    ]
    return "\n".join(lines)


# -- zsh -------------------------------------------------------------------------------------


def _zsh_text(text: str) -> str:
    """Text inside an ``_arguments`` spec's ``[...]`` or message: its specials escaped."""
    return "".join("\\" + c if c in "[]:\\" else c for c in _short(text))


def _zsh_action(value: Value) -> str:
    if value.kind == CHOICES:
        return f"({' '.join(value.choices)})"
    return {FILE: "_files", DIR: "_path_files -/", TEXT: " "}[value.kind]


def _zsh_option(option: Option) -> list[str]:
    help_text = f"[{_zsh_text(option.help)}]" if option.help else ""
    if option.strings == ["-h", "--help"] or option.strings == ["--version"]:
        exclude = "(- *)"  # nothing else after these
    elif len(option.strings) > 1:
        exclude = f"({' '.join(option.strings)})"
    else:
        exclude = ""
    specs = []
    for string in option.strings:
        spec = f"{exclude}{string}"
        if option.value is not None:
            if option.value_optional:
                spec += "=-" if string.startswith("--") else "-"
            else:
                spec += "=" if string.startswith("--") else "+"
            spec += f"{help_text}:{_zsh_text(option.value.name)}:{_zsh_action(option.value)}"
        else:
            spec += help_text
        specs.append(shlex.quote(spec))
    return specs


def _zsh_function(path: str) -> str:
    return "_lectio" + "".join("_" + p.replace("-", "_") for p in path.split())


def zsh(root: Command) -> str:
    lines = [
        "#compdef lectio",
        "# zsh completion for lectio (generated by: lectio completion zsh)",
    ]
    for command, path in reversed(_walk(root)):
        specs = [s for option in command.options for s in _zsh_option(option)]
        lines.append(f"{_zsh_function(path)}() {{")
        if command.subcommands:
            lines.append('    local curcontext="$curcontext" state line')
            specs += ["': :->command'", "'*:: :->argument'"]
            lines.append("    _arguments -C -S : \\")
        else:
            for position, value in enumerate(command.positionals, 1):
                where = "*" if value.many else str(position)
                colons = ":" if value.optional and not value.many else ""
                action = _zsh_action(value)
                specs.append(shlex.quote(f"{where}:{colons}{_zsh_text(value.name)}:{action}"))
            lines.append("    _arguments -S : \\")
        lines += [f"        {spec} \\" for spec in specs[:-1]] + [f"        {specs[-1]}"]
        if command.subcommands:
            lines[-1] += " && return 0"
            items = " ".join(
                shlex.quote(f"{s.name}:{' '.join(_short(s.help).split())}")
                for s in command.subcommands
            )
            title = f"lectio {path} command".replace("  ", " ")
            lines += [
                '    case "$state" in',
                f"        command) local -a commands=({items})",
                f"            _describe -t commands {shlex.quote(title)} commands"
                + (" || _files ;;" if not path else " ;;"),  # lectio PATH opens PATH
                '        argument) curcontext="${curcontext%:*:*}:lectio-$line[1]:"',
                '            case "$line[1]" in',
            ]
            for sub in command.subcommands:
                sub_path = f"{path} {sub.name}".strip()
                lines.append(f"                {sub.name}) {_zsh_function(sub_path)} ;;")
            lines += ["            esac ;;", "    esac"]
        lines.append("}")
    lines += [
        "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then",  # autoloaded from $fpath
        '    _lectio "$@"',
        "else",  # sourced, after compinit
        "    compdef _lectio lectio",
        "fi",
        "",
    ]
    return "\n".join(lines)


# -- fish ------------------------------------------------------------------------------------


def _fish_text(text: str) -> str:
    return shlex.quote(_short(text))


def _fish_value(value: Value) -> str:
    if value.kind == CHOICES:  # "word\t": no description, rather than the option's repeated
        return "-a " + shlex.quote(" ".join(f"{choice}\\t" for choice in value.choices))
    if value.kind == FILE:
        return "-F"
    if value.kind == DIR:
        return "-a '(__fish_complete_directories (commandline -ct))'"
    return ""


def _fish_option(condition: str, option: Option) -> str:
    """The ``complete`` line of ``option``; with an optional value (``--update[=all]``), a
    second line offers the value only in the ``--update=`` word: ``--update PATH`` is a path."""
    names = [f"-l {s[2:]}" if s.startswith("--") else f"-s {s[1:]}" for s in option.strings]
    parts = [f"complete -c lectio -n {shlex.quote(condition)}", *names]
    equals = ""
    if option.value is not None and not option.value_optional:
        parts.append("-r" if option.value.kind == FILE else "-x")
        parts.append(_fish_value(option.value))
    elif option.value is not None and option.value.kind == CHOICES:
        typed = f'string match -q -- "{option.strings[0]}=*" (commandline -ct)'
        equals = (
            f"complete -c lectio -n {shlex.quote(f'{condition}; and {typed}')} "
            f"{' '.join(names)} -x {_fish_value(option.value)}\n"
        )
    if option.help:
        parts.append(f"-d {_fish_text(option.help)}")
    return equals + " ".join(p for p in parts if p)


def _fish_words(condition: str, command: Command) -> list[str]:
    value = command.words()
    if value is None or value.kind == TEXT:
        return []
    return [f"complete -c lectio -n {shlex.quote(condition)} {_fish_value(value)}"]


def fish(root: Command) -> str:
    lines = [
        "# fish completion for lectio (generated by: lectio completion fish)",
        "complete -c lectio -f",  # no file names unless a command or an option takes one
    ]
    for command in root.subcommands:
        lines.append(
            f"complete -c lectio -n __fish_use_subcommand -a {command.name} "
            f"-d {_fish_text(command.help)}"
        )
    names = " ".join(command.name for command in root.subcommands)
    lines.append(  # lectio PATH opens PATH: files, when no command starts with the word
        "complete -c lectio -n "
        + shlex.quote(
            f'__fish_use_subcommand; and not string match -q -- (commandline -ct)"*" {names}'
        )
        + " -F"
    )
    for option in root.options:
        lines.append(_fish_option("__fish_use_subcommand", option))
    for command in root.subcommands:
        condition = f"__fish_seen_subcommand_from {command.name}"
        for sub in command.subcommands:
            others = " ".join(s.name for s in command.subcommands)
            lines.append(
                f"complete -c lectio -n '{condition}; and not __fish_seen_subcommand_from "
                f"{others}' -a {sub.name} -d {_fish_text(sub.help)}"
            )
            sub_condition = f"{condition}; and __fish_seen_subcommand_from {sub.name}"
            lines += [_fish_option(sub_condition, option) for option in sub.options]
            lines += _fish_words(sub_condition, sub)
        lines += [_fish_option(condition, option) for option in command.options]
        if not command.subcommands:
            lines += _fish_words(condition, command)
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    root = tree()
    sys.stdout.write({"bash": bash, "zsh": zsh, "fish": fish}[args.shell](root))
    return 0
