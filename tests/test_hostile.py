"""Hostile lessons (tests/data/hostile/*.py): validation cannot be fooled or knocked over.

Each data file is one or more cells of a lesson, each introduced by a line
``# --- cell: <status> [<text>]`` saying the verdict of that cell (``passed``, ``failed`` or
``error``, and text its message must contain). Header lines before the first cell describe it;
``# timeout: N`` sets the cells' time limit, ``# plain: skip`` leaves it out of the plain-mode
run (its kernel would be lectio's own child, not a fork server's). The test builds a lesson:
``a = 41``, the hostile cells, then a *battery* of checks whose verdicts are known (right and
wrong ``expect``, ``matches``, ``raises``, ``contains``, a verify whose answer key holds and one
whose key is wrong). Every lesson is validated together with ``zz_after``, a plain lesson after
them all, through ``execute_lessons``, ``lectio validate --junit``, ``pytest --lectio`` and the
plain mode; every check must have its verdict: nothing hostile turns red into green, stops the
other lessons from being checked, or hangs the run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.execution.forkserver import ForkServer
from engine.execution.validate import execute_lessons
from engine.format.loader import load_lesson

pytestmark = pytest.mark.slow

HOSTILE = sorted((Path(__file__).parent / "data" / "hostile").glob("*.py"))
ROOT = Path(__file__).resolve().parent.parent

BATTERY: list[tuple[str, str, str, str]] = [
    # (id, code, expect yaml, verdict)
    ("after", 'print("AFTER", a + 1)', 'expect: "AFTER 42"', "passed"),
    ("after-wrong", 'print("AFTER", a + 1)', 'expect: "AFTER 43"', "failed"),
    ("match-yes", 'print("hello world")', "expect:\n      matches: '^hello w'", "passed"),
    ("match-no", 'print("nope")', "expect:\n      matches: '^yes'", "failed"),
    ("raise-yes", "1 / 0", "expect:\n      raises: ZeroDivisionError", "passed"),
    ("raise-no", "1 / 0", "expect:\n      raises: KeyError", "failed"),
    ("contains-no", 'print("out")', "expect:\n      contains: absent", "failed"),
    ("plain-error", "undefined_name", "", "failed"),
]
VERIFIES = [("key-holds", "assert a == 41", "passed"), ("key-wrong", "assert a == 40", "failed")]

AFTER_LESSON = """id: zz-after
title: A plain lesson validated after the hostile ones
blocks:
  - code: |
      import builtins, json, re, torch
      print(torch.get_default_dtype(), hasattr(builtins, "leaked"), json.dumps([1]))
      print(re.search("b", "abc").group())
    id: fresh
    expect: "torch.float32 False [1]\\nb"
  - code: x = 2
  - question: Is x 3?
    id: wrong-key
    verify: assert x == 3, f"x is {x}"
    choices:
      - text: "yes"
        correct: true
      - text: "no"
"""
AFTER_VERDICTS = {"cell fresh": "passed", "cell 2": "passed", "verify wrong-key": "failed"}


@dataclass
class Expected:
    status: str
    text: str = ""


def parse(path: Path) -> tuple[dict[str, str], list[tuple[str, Expected]]]:
    """The header options and the cells (code, expected verdict) of a hostile data file."""
    options: dict[str, str] = {}
    cells: list[tuple[str, Expected]] = []
    code: list[str] | None = None
    verdict = Expected("")
    for line in path.read_text(encoding="utf-8").splitlines():
        marker = re.match(r"# --- cell: (passed|failed|error)\s*(.*)$", line)
        if marker:
            if code is not None:
                cells.append(("\n".join(code), verdict))
            code, verdict = [], Expected(marker.group(1), marker.group(2).strip())
        elif code is not None:
            code.append(line)
        else:
            option = re.match(r"# ([a-z-]+): (.*)$", line)
            if option:
                options[option.group(1)] = option.group(2).strip()
    if code is not None:
        cells.append(("\n".join(code), verdict))
    return options, cells


def lesson_yaml(path: Path) -> str:
    options, cells = parse(path)
    timeout = options.get("timeout", "20")
    lines = [f"id: {path.stem.replace('_', '-')}", f"title: {path.stem}", "blocks:"]
    lines += ["  - code: a = 41", "    id: setup"]
    for n, (code, _) in enumerate(cells, start=1):
        lines.append("  - code: |")
        lines += ["      " + line if line else "" for line in code.splitlines()]
        lines += [f"    id: hostile-{n}", f"    timeout: {timeout}"]
    for name, code, expect, _ in BATTERY:
        lines += [f"  - code: {code}", f"    id: {name}"]
        if expect:
            lines.append(f"    {expect}")
    for name, verify, _ in VERIFIES:
        lines += [f"  - question: Does {name} hold?", f"    id: {name}", f"    verify: {verify}"]
        lines += [
            "    choices:",
            '      - text: "yes"',
            "        correct: true",
            '      - text: "no"',
        ]
    return "\n".join(lines) + "\n"


def expected(path: Path) -> dict[str, Expected]:
    _, cells = parse(path)
    verdicts = {"cell setup": Expected("passed")}
    for n, (_, verdict) in enumerate(cells, start=1):
        verdicts[f"cell hostile-{n}"] = verdict
    verdicts.update({f"cell {name}": Expected(v) for name, _, _, v in BATTERY})
    verdicts.update({f"verify {name}": Expected(v) for name, _, v in VERIFIES})
    if verdicts["verify key-wrong"].status == "failed":
        verdicts["verify key-wrong"].text = "does not hold"
    return verdicts


def test_every_hostile_file_says_what_must_happen() -> None:
    assert len(HOSTILE) >= 15
    for path in HOSTILE:
        _, cells = parse(path)
        assert cells and all(verdict.status for _, verdict in cells), path


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lessons = tmp_path_factory.mktemp("hostile") / "lessons"
    lessons.mkdir()
    for path in HOSTILE:
        (lessons / f"{path.stem}.yaml").write_text(lesson_yaml(path), encoding="utf-8")
    (lessons / "zz_after.yaml").write_text(AFTER_LESSON, encoding="utf-8")
    return lessons


def _daemons(log: Path) -> list[int]:
    if not log.exists():
        return []
    return [
        int(line.split()[1]) for line in log.read_text().splitlines() if line.startswith("daemon")
    ]


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return True
    return state in {"Z", "X"}


def _assert_left_nothing(log: Path) -> None:
    """The daemon reached no pipe of another lectio process, and ended with its lesson."""
    text = log.read_text() if log.exists() else ""
    assert "reached" not in text, text
    daemons = _daemons(log)
    assert daemons, "the daemon lesson did not run"
    deadline = time.monotonic() + 10
    while not all(_gone(pid) for pid in daemons) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(_gone(pid) for pid in daemons), daemons


@dataclass
class Run:
    """The verdicts of one way of validating the folder: lesson stem -> check name -> status
    and message."""

    verdicts: dict[str, dict[str, tuple[str, str]]]
    log: Path


def _compare(run: Run, stem: str, want: dict[str, Expected], *, messages: bool = True) -> None:
    got = run.verdicts.get(stem)
    assert got is not None, f"{stem} was not reported at all"
    got = {k: v for k, v in got.items() if k.split(" ")[0] in {"cell", "verify", "execution"}}
    assert set(got) == set(want), (stem, sorted(set(got) ^ set(want)))
    for name, verdict in want.items():
        status, message = got[name]
        assert status == verdict.status, (stem, name, status, message)
        if messages and verdict.text:
            assert verdict.text in message, (stem, name, message)


# -- lectio's own API ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def in_process(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    log = tmp_path_factory.mktemp("log") / "hostile.log"
    os.environ["LECTIO_HOSTILE_LOG"] = str(log)
    try:
        lessons = [load_lesson(p) for p in sorted(folder.glob("*.yaml"))]
        with ForkServer(fork_timeout=5.0) as server:
            reports = execute_lessons(lessons, jobs=2, forkserver=server)
            assert server.replaced >= 2  # killed once, stopped once
    finally:
        os.environ.pop("LECTIO_HOSTILE_LOG", None)
    verdicts: dict[str, dict[str, tuple[str, str]]] = {}
    for lesson_path, checks in reports.items():
        verdicts[Path(lesson_path).stem] = {c.name: (c.status, c.message) for c in checks}
    yield Run(verdicts, log)


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.stem)
def test_execute_lessons(path: Path, in_process: Run) -> None:
    _compare(in_process, path.stem, expected(path))


def test_execute_lessons_after_them_all(in_process: Run) -> None:
    _compare(in_process, "zz_after", {k: Expected(v) for k, v in AFTER_VERDICTS.items()})
    _assert_left_nothing(in_process.log)


# -- lectio validate --junit --------------------------------------------------------------------


def _env(log: Path) -> dict[str, str]:
    env = dict(os.environ, LECTIO_HOSTILE_LOG=str(log), LECTIO_FORK_TIMEOUT="5", NO_COLOR="1")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _junit(path: Path, stem_of: object) -> dict[str, dict[str, tuple[str, str]]]:
    verdicts: dict[str, dict[str, tuple[str, str]]] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        stem, name = stem_of(case)  # type: ignore[operator]
        failure = case.find("failure")
        error = case.find("error")
        skipped = case.find("skipped")
        if failure is not None:
            status, message = "failed", failure.get("message", "")
        elif error is not None:
            status, message = "error", error.get("message", "")
        elif skipped is not None:
            status, message = "skipped", skipped.get("message", "")
        else:
            status, message = "passed", ""
        verdicts.setdefault(stem, {})[name] = (status, message)
    return verdicts


@pytest.fixture(scope="module")
def cli(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    work = tmp_path_factory.mktemp("cli")
    log = work / "hostile.log"
    junit = work / "report.xml"
    command = [sys.executable, "-m", "engine", "validate", str(folder), "--jobs", "2"]
    done = subprocess.run(
        [*command, "--junit", str(junit)],
        capture_output=True,
        text=True,
        timeout=600,
        env=_env(log),
        cwd=work,
    )
    assert done.returncode == 1, done.stderr[-3000:]
    assert "unexpected error" not in done.stderr, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]

    verdicts = _junit(junit, lambda c: (Path(c.get("file", "")).stem, c.get("name", "")))
    text = done.stdout
    for path in HOSTILE:  # the text report names every lesson too
        assert path.stem in text or f"{path.stem}.yaml" in text, path.stem
    return Run(verdicts, log)


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.stem)
def test_lectio_validate_junit(path: Path, cli: Run) -> None:
    _compare(cli, path.stem, expected(path))


def test_lectio_validate_junit_after_them_all(cli: Run) -> None:
    _compare(cli, "zz_after", {k: Expected(v) for k, v in AFTER_VERDICTS.items()})
    _assert_left_nothing(cli.log)


# -- pytest --lectio ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plugin(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    work = tmp_path_factory.mktemp("plugin")
    log = work / "hostile.log"
    junit = work / "report.xml"
    command = [sys.executable, "-m", "pytest", "--lectio", str(folder), f"--junitxml={junit}"]
    done = subprocess.run(
        [*command, "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:xdist"],
        capture_output=True,
        text=True,
        timeout=600,
        env=_env(log),
        cwd=work,
    )
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    assert "INTERNALERROR" not in done.stdout + done.stderr, done.stdout[-3000:]

    def names(case: ET.Element) -> tuple[str, str]:
        item = re.match(r"(cell|question|graph)\[(.*)\]$", case.get("name", ""))
        assert item, case.get("name")
        kind = {"question": "verify"}.get(item.group(1), item.group(1))
        lesson = case.get("classname", "").removesuffix(".yaml").rsplit(".", 1)[-1]
        return lesson, f"{kind} {item.group(2)}"

    return Run(_junit(junit, names), log)


def _as_pytest(want: dict[str, Expected]) -> dict[str, Expected]:
    """pytest has passed and failed (a check in error fails its item too)."""
    return {k: Expected("passed" if v.status == "passed" else "failed") for k, v in want.items()}


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.stem)
def test_pytest_lectio(path: Path, plugin: Run) -> None:
    got = plugin.verdicts.get(path.stem, {})
    plugin.verdicts[path.stem] = {
        k: ("failed" if s == "error" else s, m) for k, (s, m) in got.items()
    }
    _compare(plugin, path.stem, _as_pytest(expected(path)), messages=False)


def test_pytest_lectio_after_them_all(plugin: Run) -> None:
    _compare(plugin, "zz_after", _as_pytest({k: Expected(v) for k, v in AFTER_VERDICTS.items()}))
    _assert_left_nothing(plugin.log)


# -- the plain mode (a learner's kernel, spawned, not forked) ----------------------------------

PLAIN = [p for p in HOSTILE if parse(p)[0].get("plain") != "skip"]


@pytest.mark.parametrize("path", PLAIN, ids=lambda p: p.stem)
def test_plain_mode(path: Path, folder: Path, tmp_path: Path) -> None:
    """``lectio open --plain`` runs every cell of a hostile lesson and says what happened to
    each: the cells after the hostile ones run as if nothing happened, lectio never stops."""
    env = _env(tmp_path / "hostile.log")
    env.update(LECTIO_LEARNER="tester")
    env.pop("LECTIO_DATA_DIR", None)
    command = [sys.executable, "-m", "engine", "open", str(folder / f"{path.stem}.yaml")]
    done = subprocess.run(
        [*command, "--plain", "--data-dir", str(tmp_path / "data")],
        input="",
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "unexpected error" not in done.stderr, done.stderr
    out = done.stdout
    assert out.count("AFTER 42") == 2, out[-3000:]  # printed by 'after' and by 'after-wrong'
    assert "hello world" in out and "NameError" in out, out[-3000:]
    _, cells = parse(path)
    if any(verdict.text == "tampering" for _, verdict in cells):
        assert "tampering:" in out, out[-3000:]


# -- the walls themselves, kernel by kernel -----------------------------------------------------

DAEMON = """
import os, time
r, w = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.write(w, str(os.getpid()).encode())
        time.sleep(120)
        os._exit(0)
    os._exit(0)
os.close(w)
print(int(os.read(r, 32)))
"""


PROBE = """
import os
try:
    fds = os.listdir("/proc/{pid}/fd")  # root may list them; opening one is what matters
except PermissionError:
    fds = []
reached = 0
for fd in fds:
    try:
        os.close(os.open(f"/proc/{pid}/fd/{{fd}}", os.O_RDONLY | os.O_NONBLOCK))
        reached += 1
    except PermissionError:
        pass
    except OSError:
        pass
print("reached", reached)
"""


def test_a_kernel_cannot_open_the_descriptors_of_another_kernel_or_of_lectio() -> None:
    """Non-dumpable processes, and no CAP_SYS_PTRACE in kernels (lectio often runs as root)."""
    from engine.execution.kernel import Kernel

    with Kernel(preload=()) as first, Kernel(preload=()) as second:
        assert first.execute("1").ok and second.execute("1").ok
        for pid in (second.pid, os.getpid()):
            probe = first.execute(PROBE.format(pid=pid))
            assert probe.stdout == "reached 0\n", (pid, probe)
        mine = first.execute("import os\nprint(len(os.listdir('/proc/self/fd')) > 3)")
        assert mine.stdout == "True\n", mine  # its own, of course


def test_a_new_lesson_in_the_same_kernel_ends_what_the_last_one_started() -> None:
    """A double-forked daemon is still the kernel's descendant (subreaper): a reset ends it."""
    from engine.execution.kernel import Kernel

    with Kernel(preload=()) as kernel:
        started = kernel.execute(DAEMON)
        assert started.ok, started
        daemon = int(started.stdout)
        assert not _gone(daemon)
        generation = kernel.generation
        kernel.reset(0)
        assert kernel.generation == generation  # the same process, a new lesson
        deadline = time.monotonic() + 10
        while not _gone(daemon) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _gone(daemon)


def test_a_cell_class_cannot_pass_for_a_builtin_exception() -> None:
    """``raises: builtins.ArithmeticError`` compares module and name: a cell's class that sets
    ``__module__ = "builtins"`` is reported as the cell's, not as the builtin one."""
    from engine.execution.kernel import Kernel

    with Kernel(preload=()) as kernel:
        fake = kernel.execute(
            "class E(Exception):\n    pass\n"
            "E.__module__ = 'builtins'\nE.__qualname__ = 'ArithmeticError'\nraise E()"
        )
        real = kernel.execute("1 / 0")
    assert fake.error is not None and real.error is not None
    assert not fake.error.is_a("builtins.ArithmeticError")
    assert fake.error.bases[0] == "__main__.ArithmeticError"
    assert real.error.is_a("builtins.ArithmeticError")
