"""`lectio validate PATH...`: check lesson, course and quiz files, as an author or CI would.

Exit status: 0 when every file is clean, 1 when any file has a problem, 2 for a usage error
(a path that does not exist, nothing to check under the paths given, code execution asked for
but not available). A missing path is a usage error, not a file problem: it is a mistake in
the command, and reporting it as a file problem would make a typo in a CI script look like a
broken lesson. Every path is checked for existence before anything is validated.
"""

from __future__ import annotations

import argparse
import atexit
import importlib.util
import sys
from pathlib import Path
from typing import Any

from engine.cli.common import add_sandbox_argument, enable_sandbox

EXEC_MODULE = "engine.execution.validate"
FORMATS = ("text", "json", "github", "gitlab")


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "validate",
        help="check lesson, course and quiz files (and run their code cells)",
        description="Check lesson files, course folders, quiz files, or any folder holding them "
        "(recursively; a project root checks its lessons/ and quizzes/). Prints "
        "path:line:col: message for each problem and a summary line. Exit status: 0 clean, "
        "1 problems found, 2 usage error.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="lesson or quiz files, course folders, or folders holding them",
    )
    parser.add_argument(
        "--no-exec", action="store_true", help="check the files only; do not run code cells"
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=_positive,
        default=None,
        metavar="N",
        help="run the cells of N lessons at a time (default: the number of cores)",
    )
    parser.add_argument(
        "--lessons",
        metavar="DIR",
        help="resolve quiz refs against this lessons folder "
        "(default: the lessons/ folder beside the quiz's quizzes/)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="report format on standard output (default text): text, json, github (workflow "
        "command annotations for GitHub Actions), gitlab (Code Quality JSON)",
    )
    parser.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report to FILE")
    parser.add_argument(
        "--junit-family",
        choices=("xunit1", "xunit2"),
        default="xunit1",
        help="JUnit flavour (default xunit1: file and line on every test case, as GitHub and "
        "GitLab reporters read them; xunit2: valid against Jenkins' strict junit-10.xsd)",
    )
    parser.add_argument(
        "-k",
        dest="keyword",
        metavar="EXPR",
        help="only the checks whose names match EXPR, as pytest -k: words matched as "
        "substrings of lesson, file, cell and question names, joined by and, or, not, "
        "parentheses (e.g. -k 'gradients and not verify')",
    )
    parser.add_argument(
        "--update",
        nargs="?",
        const="failing",
        default=None,
        action=_UpdateAction,
        metavar="all",
        help="rewrite the expect of each cell whose output expectation failed with what it "
        "printed, in place, and print the diff; --update=all also adds an expect to cells "
        "that have none (cells that raise are never updated)",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="keep running: check everything, then re-check each lesson, course or quiz file "
        "when it is saved (needs watchfiles: pip install 'lectio[watch]'); Ctrl+C stops",
    )
    parser.add_argument(
        "--network",
        action="store_true",
        help="run the cells that require the network (requires: [network]); without it they "
        "are skipped, so a check never depends on a download",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail on any skipped check (a missing module, no CUDA, no --network), "
        "saying what was skipped and why",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="also list skipped checks")
    add_sandbox_argument(parser)
    parser.set_defaults(func=run)


class _UpdateAction(argparse.Action):
    """``--update`` or ``--update=all``; ``--update PATH`` (a path right after it) is the
    plain form followed by a path, not a value argparse should refuse."""

    completion_choices = ("all",)
    """What ``lectio completion`` offers after ``--update=``."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if values in (None, "failing", "all"):
            setattr(namespace, self.dest, values or "failing")
            return
        setattr(namespace, self.dest, "failing")
        namespace.update_path = values


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


class _Progress:
    """``running cells: 3/13 lessons`` on a terminal's standard error, rewritten in place, so
    a long run shows it is alive; nothing when standard error is a file or a pipe (CI logs)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.shown = sys.stderr.isatty() and total > 0

    def __call__(self, lesson: Any, checks: Any) -> None:
        self.done += 1
        if self.shown:
            sys.stderr.write(f"\rrunning cells: {self.done}/{self.total} lessons")
            sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _usage(message: str) -> int:
    print(f"lectio validate: error: {message}", file=sys.stderr)
    return 2


def execution_available() -> bool:
    try:
        return importlib.util.find_spec(EXEC_MODULE) is not None
    except ImportError:
        return False


def run(args: argparse.Namespace) -> int:
    early = _early_forkserver(args)  # before the checker's modules: 0.13 s of imports
    from engine.validation.discover import discover

    paths = [*([args.update_path] if getattr(args, "update_path", None) else []), *args.paths]
    if not paths:
        raise SystemExit(_usage("give at least one PATH (a lesson or quiz file, or a folder)"))
    if args.update and args.no_exec:
        return _usage("--update needs the cells' output; it cannot be used with --no-exec")
    if not args.no_exec and not execution_available():
        return _usage(
            "running code cells is not available yet in this version of lectio; "
            "use --no-exec to check the files without running them"
        )
    if args.lessons is not None and not Path(args.lessons).is_dir():
        return _usage(f"--lessons {args.lessons}: no such folder")
    targets = discover(paths)
    if targets.missing:
        for path in targets.missing:
            print(f"lectio validate: error: {path}: no such file or folder", file=sys.stderr)
        return 2
    if targets.empty:
        return _usage("no lesson, course or quiz files found under " + ", ".join(paths))
    expression = None
    if args.keyword is not None:
        from engine.validation.select import ExpressionError, parse

        try:
            expression = parse(args.keyword)
        except ExpressionError as exc:
            return _usage(f"-k {args.keyword!r}: {exc}")
    why = None if args.no_exec else enable_sandbox(args)
    if why is not None:
        print(f"lectio validate: --sandbox: cannot make a kernel sandbox: {why}", file=sys.stderr)
        return 1
    execution = None if args.no_exec else importlib.import_module(EXEC_MODULE)
    if args.watch:
        return _watch(args, paths, expression, execution)
    prestart = getattr(execution, "prestart", None)
    if prestart is not None:  # torch imports in the fork server while the files are checked
        prestart(early)
    return one_run(args, targets, expression, execution)


def _early_forkserver(args: argparse.Namespace) -> Any:
    """The fork server, started before the checker's and the validator's modules are imported
    (the models, the executor: about 0.25 s), so its ``import torch`` starts that much sooner;
    None when nothing will run (``--no-exec``), for ``--watch`` (it starts its own) and when
    kernels are sandboxed (each is spawned in a sandbox of its own). Stopped at exit if the
    run ends before it is handed over (a usage error)."""
    if args.no_exec or args.watch or getattr(args, "sandbox", False):
        return None
    if not execution_available():
        return None
    from engine.execution import sandbox

    if sandbox.enabled():
        return None
    from engine.execution.forkserver import ForkServer

    server = ForkServer()
    server.start()
    atexit.register(server.close)
    return server


def one_run(
    args: argparse.Namespace,
    targets: Any,
    expression: Any,
    execution: Any,
    forkserver: Any = None,
) -> int:
    """Check ``targets`` once and print the report: the whole of a run, and one watch round."""
    from engine.validation.schema import check_schema

    result = check_schema(targets, lessons_root=args.lessons)
    report = result.report
    lessons = result.lessons
    if expression is not None:
        from engine.validation.select import runs_anything

        lessons = [lesson for lesson in lessons if runs_anything(expression, lesson)]
    if execution is not None:  # always called, even with no lessons: it closes the prestart
        execute = execution.execute_lessons
        progress = _Progress(len(lessons))
        extra = {"forkserver": forkserver} if forkserver is not None else {}
        try:
            if args.network:
                extra["network"] = True
            checks_by_path = execute(lessons, jobs=args.jobs, on_report=progress, **extra)
        finally:
            progress.close()
        for path, checks in checks_by_path.items():
            report.file(str(path), "lesson").checks.extend(checks)
        report.executed = True
    if args.strict:
        from engine.validation.report import strict

        for file in report.files:
            file.checks = strict(file.checks)
    if expression is not None:
        from engine.validation.select import apply

        apply(expression, report, {lesson.path: lesson.id for lesson in result.lessons})
    if args.update:
        _update(
            result.lessons, report, args.update, sys.stdout if args.format == "text" else sys.stderr
        )

    if args.junit:
        from engine.validation import junit

        try:
            junit.write(report, args.junit, args.junit_family)
        except OSError as exc:
            return _usage(f"--junit {args.junit}: {exc.strerror or exc}")
    sys.stdout.write(render(report, args.format, verbose=args.verbose))
    sys.stdout.flush()
    return 0 if report.ok else 1


def _watch(args: argparse.Namespace, paths: list[str], expression: Any, execution: Any) -> int:
    """``--watch``: a full run, then a run of what changed after every save, until Ctrl+C."""
    from engine.validation.watch import WatchUnavailableError, changes, round_line

    server = None
    if execution is not None:  # one fork server (torch imported once) for every round
        from engine.execution.forkserver import ForkServer

        server = ForkServer()
        server.start()
    try:
        from engine.validation.discover import discover

        status = one_run(args, discover(paths), expression, execution, server)
        print(round_line(1, [], status), flush=True)
        number = 1
        for changed in changes(paths):
            number += 1
            existing = [p for p in changed if Path(p).exists()]
            targets = discover(existing) if existing else None
            checked: int | None = None
            if targets is not None and not targets.empty:
                checked = one_run(args, targets, expression, execution, server)
            print(round_line(number, changed, checked), flush=True)
    except WatchUnavailableError as exc:
        return _usage(str(exc))
    except KeyboardInterrupt:
        print("lectio validate: stopped watching", file=sys.stderr)
        return 0
    finally:
        if server is not None:
            server.close()
    return 0


def _update(lessons: Any, report: Any, mode: str, out: Any) -> None:
    """``--update``: rewrite expectations file by file, print the diffs, and mark what was
    updated as passed (the report then tells the state of the files as they now are)."""
    from engine.safe_text import inert
    from engine.validation.update import plan

    for lesson in lessons:
        file = next((f for f in report.files if f.path == lesson.path), None)
        if file is None:
            continue
        path = Path(lesson.path)
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{path}:1:1: --update: cannot read the file: {exc}", file=sys.stderr)
            continue
        update = plan(lesson, file.checks, text, "all" if mode == "all" else "failing", str(path))
        for check, why in update.left:
            where = check.span or f"{path}:1:1"
            print(f"{where}: {check.name}: not updated: {why}", file=sys.stderr)
        if update.error is not None:
            print(f"{path}:1:1: --update: {update.error}", file=sys.stderr)
            continue
        if not update.changed:
            continue
        try:
            path.write_bytes(update.new.encode("utf-8"))
        except OSError as exc:
            print(
                f"{path}:1:1: --update: cannot write the file: {exc.strerror or exc}",
                file=sys.stderr,
            )
            continue
        out.write(inert(update.diff()))
        for check in file.checks:
            if check.name in update.updated:
                check.status = "passed"
                check.message = "expect updated"
                check.detail = ""
        names = ", ".join(update.updated)
        print(f"{path}: updated the expect of {names}", file=out)


def render(report: Any, fmt: str, *, verbose: bool = False) -> str:
    """The report on standard output in the format asked for."""
    if fmt == "json":
        from engine.validation import jsonout

        return jsonout.render(report)
    if fmt == "github":
        from engine.validation import ci

        return ci.render_github(report, verbose=verbose)
    if fmt == "gitlab":
        from engine.validation import ci

        return ci.render_gitlab(report, verbose=verbose)
    from engine.validation import text

    return text.render(report, verbose=verbose)
