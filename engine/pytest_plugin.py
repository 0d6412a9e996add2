"""pytest plugin (entry point ``pytest11: lectio``): lesson and quiz files as test items.

``pytest --lectio lessons/`` (or ``lectio_collect = true`` in the ini file) collects every lesson
file as one test item per code cell (``cell[make-x]`` or ``cell[3]``) and per question
(``question[read-grad]``, which runs the question's ``verify`` code) and per graph block
(``graph[y]``: it must name a tensor with an autograd graph), and every quiz file as one
item per question (a ``ref`` must resolve; inline ``verify`` code runs). Authors get pytest's
selection (``-k make-x``), ``-x``, ``--lf`` and pytest-xdist for free (use ``--dist loadfile`` so
a lesson's items share one kernel).

Opt-in, so pytest never collects unrelated YAML, and only files that look like lectio files
(a mapping with ``blocks:`` or ``questions:``, or a YAML file in a course folder or ``quizzes/``)
are collected. It follows pytest's "non-Python test collection" example: ``pytest_collect_file``
returns a :class:`pytest.File` whose ``collect()`` yields :class:`pytest.Item` subclasses.

Nothing is re-implemented here: cells run through :class:`LessonExecutor` in a kernel forked from
one fork server per pytest process, and pass or fail by the same checks as ``lectio validate``
(:func:`engine.execution.validate.cell_check`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from engine.execution.executor import LessonExecutor
    from engine.execution.forkserver import ForkServer
    from engine.execution.kernel import Kernel
    from engine.format.models import Lesson, Quiz
    from engine.validation.report import Check

_SERVER_KEY = pytest.StashKey["ForkServer"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("lectio", "lectio lessons")
    group.addoption(
        "--lectio",
        action="store_true",
        default=False,
        help="collect lectio lesson and quiz files (*.yaml) as tests: "
        "one per code cell and per question",
    )
    group.addoption(
        "--lectio-network",
        action="store_true",
        default=False,
        help="run lesson cells that require the network (otherwise they are skipped)",
    )
    parser.addini(
        "lectio_collect",
        type="bool",
        default=False,
        help="collect lectio lesson and quiz files as tests (like --lectio)",
    )


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("lectio", False) or config.getini("lectio_collect"))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix not in {".yaml", ".yml"} or not _enabled(parent.config):
        return None
    kind = _kind(file_path)
    if kind == "lesson":
        return LessonFile.from_parent(parent, path=file_path)
    if kind == "quiz":
        return QuizFile.from_parent(parent, path=file_path)
    return None


def _kind(path: Path) -> str | None:
    """ "lesson", "quiz", or None for a course file or YAML that is not lectio's."""
    from engine.format.yamlsafe import read_yaml

    if path.name in {"course.yaml", "course.yml"}:
        return None
    try:
        data, _ = read_yaml(path.read_bytes(), str(path))
    except Exception:
        data = None  # broken YAML: collect it only where a lectio file is expected
    if isinstance(data, dict):
        if "blocks" in data:
            return "lesson"
        if "questions" in data:
            return "quiz"
        return None
    if "quizzes" in path.parts:
        return "quiz"
    if (path.parent / "course.yaml").exists():
        return "lesson"
    return None


def pytest_unconfigure(config: pytest.Config) -> None:
    server = config.stash.get(_SERVER_KEY, None)
    if server is not None:
        server.close()


def _server(config: pytest.Config) -> ForkServer:
    """One fork server per pytest process (each xdist worker has its own), started lazily."""
    server = config.stash.get(_SERVER_KEY, None)
    if server is None:
        from engine.execution.forkserver import ForkServer

        server = ForkServer()
        server.start()
        config.stash[_SERVER_KEY] = server
    return server


class LectioCheckFailedError(Exception):
    """A check that did not pass, carried to :meth:`LectioItem.repr_failure`."""

    def __init__(self, check: Check, source: str = "", first_line: int = 0) -> None:
        super().__init__(check.message)
        self.check = check
        self.source = source
        self.first_line = first_line


class _KernelFile(pytest.File):
    """A file whose items share one kernel, started at the first item, stopped after the last."""

    _kernel: Kernel | None = None

    def kernel(self) -> Kernel:
        if self._kernel is None:
            from engine.execution.kernel import Kernel

            self._kernel = Kernel(forkserver=_server(self.config))
        return self._kernel

    def teardown(self) -> None:
        if self._kernel is not None:
            self._kernel.shutdown()
            self._kernel = None

    def _load(self) -> Lesson | Quiz | None:
        from engine.format.loader import load
        from engine.format.problems import LoadError

        try:
            return load(self.path, "quiz" if isinstance(self, QuizFile) else "lesson")  # type: ignore[return-value]
        except LoadError as exc:
            self._problems = [str(p) for p in exc.problems]
            return None


class LessonFile(_KernelFile):
    """A lesson: one item per code cell and per question, run top to bottom in one kernel."""

    _executor: LessonExecutor | None = None
    _missing: list[str] | None = None

    def collect(self) -> Iterator[pytest.Item]:
        from engine.format.models import CodeBlock, GraphBlock, QuestionBlock

        lesson = self._load()
        if lesson is None:
            yield SchemaItem.from_parent(self, name="schema", problems=self._problems)
            return
        assert not isinstance(lesson, type(None))
        self.lesson: Lesson = lesson  # type: ignore[assignment]
        number = 0
        for index, block in enumerate(self.lesson.blocks):
            if isinstance(block, CodeBlock) and block.run:  # run: false listings are not cells
                number += 1
                yield CellItem.from_parent(self, name=f"cell[{block.id or number}]", index=index)
            elif isinstance(block, QuestionBlock):
                yield QuestionItem.from_parent(self, name=f"question[{block.id}]", index=index)
            elif isinstance(block, GraphBlock):
                yield GraphItem.from_parent(self, name=f"graph[{block.graph}]", index=index)

    def executor(self) -> LessonExecutor:
        if self._executor is None:
            from engine.execution.executor import LessonExecutor

            network = bool(self.config.getoption("lectio_network", False))
            self._executor = LessonExecutor(self.lesson, self.kernel(), network=network)
        return self._executor

    def missing(self) -> list[str]:
        if self._missing is None:
            self._missing = self.kernel().missing_modules(self.lesson.required_modules)
        return self._missing

    def teardown(self) -> None:
        super().teardown()
        self._executor = None


class QuizFile(_KernelFile):
    """A quiz: one item per question; refs must resolve, inline ``verify`` code must pass."""

    def collect(self) -> Iterator[pytest.Item]:
        from engine.format.models import QuestionBlock

        quiz = self._load()
        if quiz is None:
            yield SchemaItem.from_parent(self, name="schema", problems=self._problems)
            return
        self.quiz: Quiz = quiz  # type: ignore[assignment]
        for index, item in enumerate(self.quiz.questions):
            if isinstance(item, QuestionBlock):
                yield QuizQuestionItem.from_parent(self, name=f"question[{item.id}]", index=index)
            else:
                yield RefItem.from_parent(self, name=f"ref[{item.ref}]", index=index)


class LectioItem(pytest.Item):
    """Common reporting: ``file:line: name: message``, the code with line numbers, the detail."""

    line = 0

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, max(self.line - 1, 0), self.name

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if not isinstance(excinfo.value, LectioCheckFailedError):
            return str(super().repr_failure(excinfo))
        failure = excinfo.value
        check = failure.check
        where = f"{check.span}: " if check.span is not None else ""
        parts = [f"{where}{self.name}: {check.message}"]
        if failure.source:
            marked = check.span.line if check.span is not None else -1
            lines = failure.source.rstrip("\n").splitlines()
            numbered = []
            for i, text in enumerate(lines):
                number = failure.first_line + i
                numbered.append(f"{'>' if number == marked else ' '} {number:4d} | {text}")
            parts.append("\n".join(numbered))
        if check.detail:
            parts.append(check.detail)
        return "\n\n".join(parts)

    def _report(self, check: Check, source: str = "", first_line: int = 0) -> None:
        if check.status == "skipped":  # reported at the lesson's line, not the plugin's
            raise pytest.skip.Exception(check.message, _use_item_location=True)
        if check.status != "passed":
            raise LectioCheckFailedError(check, source, first_line)


class SchemaItem(LectioItem):
    """A file that does not load: every problem, located."""

    def __init__(self, *, problems: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problems = problems

    def runtest(self) -> None:
        raise LectioCheckFailedError(_check("schema", "failed", "\n".join(self.problems)))


class _LessonBlockItem(LectioItem):
    """An item for one block of a lesson (by its index in ``blocks``), located at its line."""

    def __init__(self, *, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.file: LessonFile = self.parent  # type: ignore[assignment]
        self.line = self.file.lesson.blocks[index].span.line


class _QuizEntryItem(LectioItem):
    """An item for one entry of a quiz's ``questions``, located at its line."""

    def __init__(self, *, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.file: QuizFile = self.parent  # type: ignore[assignment]
        self.line = self.file.quiz.questions[index].span.line


class CellItem(_LessonBlockItem):
    def runtest(self) -> None:
        from engine.execution.validate import _missing, cell_check
        from engine.format.models import CodeBlock

        block = self.file.lesson.blocks[self.index]
        assert isinstance(block, CodeBlock)
        name = self.name.replace("[", " ").rstrip("]")
        if self.file.missing():
            self._report(_missing(name, block.span, self.file.missing()))
        result = self.file.executor().run_cell(self.index, keep_going=True)[-1][1]
        check = cell_check(name, block, result)
        self._report(check, block.code, block.code_span.line)


class QuestionItem(_LessonBlockItem):
    def runtest(self) -> None:
        from engine.execution.validate import _missing, verify_check
        from engine.format.models import QuestionBlock

        block = self.file.lesson.blocks[self.index]
        assert isinstance(block, QuestionBlock)
        if block.verify is None:
            return  # well-formed by the schema; nothing to execute
        name = f"verify {block.id}"
        if self.file.missing():
            self._report(_missing(name, block.span, self.file.missing()))
        result = self.file.executor().run_verify(self.index, keep_going=True)
        self._report(verify_check(name, block, result), block.verify, block.span_of("verify").line)


class GraphItem(_LessonBlockItem):
    def runtest(self) -> None:
        from engine.execution.validate import _missing, graph_check
        from engine.format.models import GraphBlock

        block = self.file.lesson.blocks[self.index]
        assert isinstance(block, GraphBlock)
        name = f"graph {block.graph}"
        if self.file.missing():
            self._report(_missing(name, block.span, self.file.missing()))
        self._report(
            graph_check(name, block, self.file.executor().graph(self.index, keep_going=True))
        )


class QuizQuestionItem(_QuizEntryItem):
    def runtest(self) -> None:
        from engine.execution.kernel import DEFAULT_TIMEOUT
        from engine.execution.validate import verify_check
        from engine.format.models import QuestionBlock

        block = self.file.quiz.questions[self.index]
        assert isinstance(block, QuestionBlock)
        if block.verify is None:
            return
        kernel = self.file.kernel()
        kernel.reset(0)  # a quiz question has no cells above it: a fresh, seeded namespace
        result = kernel.execute(
            block.verify, timeout=DEFAULT_TIMEOUT, filename=f"<verify {block.id}>"
        )
        self._report(
            verify_check(f"verify {block.id}", block, result),
            block.verify,
            block.span_of("verify").line,
        )


class RefItem(_QuizEntryItem):
    def runtest(self) -> None:
        from engine.format.catalog import RefError, default_lessons_root, find_question
        from engine.format.models import QuestionRef

        ref = self.file.quiz.questions[self.index]
        assert isinstance(ref, QuestionRef)
        root = default_lessons_root(self.path)
        if root is None:
            self._report(
                _check(
                    self.name,
                    "failed",
                    "no lessons/ folder beside this quiz's "
                    "quizzes/ folder to resolve the ref against",
                    ref.span,
                )
            )
            return
        try:
            find_question(root, ref)
        except RefError as exc:
            self._report(_check(self.name, "failed", str(exc), ref.span))


def _check(name: str, status: str, message: str, span: Any = None) -> Check:
    from engine.validation.report import Check

    return Check(name, status, message, span)  # type: ignore[arg-type]
