"""A lesson's execution semantics over one kernel (the contract, "Execution").

One namespace per lesson, top to bottom: running a cell first runs every earlier code cell that
has not run yet (hidden ones too), with the learner's edits. A lesson starts from a fresh
namespace with seeds set. When the kernel process is replaced (a crash, a timeout that needed a
kill, a restart), the namespace is gone, so nothing counts as run any more; the executor notices
through :attr:`Kernel.generation` and starts the namespace afresh.

Front ends (the session, the TUI, plain mode, the validator, the pytest plugin) all go through
this class; none of them decides on its own what "run this cell" means.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from engine.execution import normalize
from engine.execution.coursedata import course_data, readonly_copy
from engine.execution.expect import compared_output, raised_as_expected
from engine.execution.graph import AutogradGraph
from engine.execution.kernel import DEFAULT_TIMEOUT, Kernel
from engine.execution.requirements import (
    Requirements,
    capabilities,
    defined_names,
    missing_name,
    reason,
)
from engine.execution.results import CellResult, CellStatus
from engine.format.models import CodeBlock, GraphBlock, Lesson, QuestionBlock

OnOutput = Callable[[int, str], None]
OnStart = Callable[[int], None]


class LessonExecutor:
    """Runs one lesson's cells in one kernel, in the contract's order."""

    def __init__(
        self, lesson: Lesson, kernel: Kernel, *, seed: int = 0, network: bool = True
    ) -> None:
        self.lesson = lesson
        self.kernel = kernel
        self.seed = seed
        self.requirements = Requirements(kernel, network=network)
        """``requires`` of cells (modules, cuda, network): met or not, asked once."""
        self._unmet: dict[int, list[str]] = {}
        self._edits: dict[int, str] = {}
        self._ran: set[int] = set()
        self._failed: set[int] = set()  # cells that failed (kept across kernel restarts)
        self._generation: int | None = None
        # run: false listings are shown, never run: they are not cells
        self._cells = [i for i, b in enumerate(lesson.blocks) if isinstance(b, CodeBlock) and b.run]
        self._numbers = {index: n for n, index in enumerate(self._cells, start=1)}
        prepare = getattr(kernel, "prepare_for", None)  # test doubles may not have it
        if prepare is not None:
            code = [self._code(i).code for i in self._cells]
            prepare(code + [q.verify for q in lesson.questions if q.verify])
        self._mount_data()

    def _mount_data(self) -> None:
        """The course's ``data/`` folder, read-only, as ``data/`` in the cells' folder."""
        mount = getattr(self.kernel, "mount_data", None)
        folder = course_data(self.lesson.path) if mount is not None else None
        if mount is None or folder is None:
            return
        try:
            mount(readonly_copy(folder))
        except OSError:  # a read-only cache: the cells will not find data/, and say so
            return

    # -- what the front ends ask --------------------------------------------------------------

    def cell_label(self, cell_index: int) -> str:
        """``make-x`` (the cell's id) or ``3`` (its 1-based number among code cells)."""
        block = self._code(cell_index)
        return block.id or str(self._numbers.get(cell_index, "listing"))

    def code(self, cell_index: int) -> str:
        """The code that will run: the learner's edit, or the author's."""
        return self._edits.get(cell_index, self._code(cell_index).code)

    def set_code(self, cell_index: int, code: str | None) -> None:
        """The learner's edit (None restores the original); the cell must run again."""
        self._code(cell_index)
        if code is None or code == self._code(cell_index).code:
            self._edits.pop(cell_index, None)
        else:
            self._edits[cell_index] = code

    def ran(self, cell_index: int) -> bool:
        """Whether the cell ran successfully in the current namespace."""
        self._sync()
        return cell_index in self._ran

    def restart(self) -> None:
        """A fresh kernel and namespace: nothing has run."""
        self.kernel.restart()
        self._ran.clear()
        self._failed.clear()
        self._generation = None

    # -- running ----------------------------------------------------------------------------

    def run_cell(
        self,
        cell_index: int,
        *,
        code: str | None = None,
        on_output: OnOutput | None = None,
        on_start: OnStart | None = None,
        keep_going: bool = False,
    ) -> list[tuple[int, CellResult]]:
        """Run the earlier cells that have not run, then this one; every result, in order.

        If an earlier cell fails, the rest are SKIPPED (the learner fixes that cell first),
        unless ``keep_going`` (validation): then failed cells are left out and the others run,
        so one broken cell is reported alone.
        """
        if not self._code(cell_index).run:
            return [(cell_index, CellResult(CellStatus.SKIPPED, detail="a listing: never run"))]
        unmet = self.unmet(cell_index)
        if unmet:  # skipped with the reason; the cells after it still run
            return [(cell_index, self._skipped_unmet(unmet))]
        results, failure = self._run_above(cell_index, on_output, on_start, keep_going)
        if failure is not None:
            return [*results, (cell_index, self._skipped(failure))]
        result = self._run_one(cell_index, code, on_output, on_start)
        results.append((cell_index, result))
        return results

    def run_verify(self, question_index: int, *, keep_going: bool = False) -> CellResult:
        """Run the cells above a question, then its ``verify`` code in the same namespace."""
        block = self.lesson.blocks[question_index]
        if not isinstance(block, QuestionBlock):
            raise IndexError(f"block {question_index} is not a question")
        if block.verify is None:
            return CellResult(CellStatus.SKIPPED, detail="the question has no verify code")
        _, failure = self._run_above(question_index, None, None, keep_going)
        if failure is not None:
            return self._skipped(failure)
        self._sync()
        timeout = self.lesson.timeout or DEFAULT_TIMEOUT
        return self.kernel.execute(block.verify, timeout=timeout, filename=f"<verify {block.id}>")

    def graph(self, graph_index: int, *, keep_going: bool = False) -> AutogradGraph:
        """The autograd graph a ``graph:`` block names, as the cells above it left it."""
        block = self.lesson.blocks[graph_index]
        if not isinstance(block, GraphBlock):
            raise IndexError(f"block {graph_index} is not a graph")
        _, failure = self._run_above(graph_index, None, None, keep_going)
        if failure is not None:
            return AutogradGraph(error=self._skipped(failure).detail)
        return self.kernel.autograd_graph(block.graph)

    def unmet(self, cell_index: int) -> list[str]:
        """The cell's requirements (its own and its lesson's capabilities) not met here."""
        if cell_index not in self._unmet:
            block = self._code(cell_index)
            names = [*capabilities(self.lesson.requires), *block.requires]
            self._unmet[cell_index] = self.requirements.unmet(names) if names else []
        return self._unmet[cell_index]

    @staticmethod
    def _skipped_unmet(unmet: list[str]) -> CellResult:
        return CellResult(
            CellStatus.SKIPPED, detail=reason(unmet), extra={"unmet": ",".join(unmet)}
        )

    # -- internals ----------------------------------------------------------------------------

    def _code(self, cell_index: int) -> CodeBlock:
        block = self.lesson.blocks[cell_index]
        if not isinstance(block, CodeBlock):
            raise IndexError(f"block {cell_index} is not a code cell")
        return block

    def _sync(self) -> None:
        """If the kernel process changed, the namespace is gone: start it afresh, seeded."""
        if self._generation is None or self._generation != self.kernel.generation:
            self.kernel.reset(self.seed)
            self._generation = self.kernel.generation
            self._ran.clear()

    def _run_above(
        self, index: int, on_output: OnOutput | None, on_start: OnStart | None, keep_going: bool
    ) -> tuple[list[tuple[int, CellResult]], tuple[int, CellResult] | None]:
        results: list[tuple[int, CellResult]] = []
        while True:
            self._sync()
            pending = [
                i
                for i in self._cells
                if i < index
                and i not in self._ran
                and not (keep_going and i in self._failed)
                and not self.unmet(i)
            ]
            if not pending:
                return results, None
            result = self._run_one(pending[0], None, on_output, on_start)
            results.append((pending[0], result))
            if pending[0] not in self._ran and not keep_going:
                skipped = self._skipped((pending[0], result))
                results.extend((i, skipped) for i in pending[1:])
                return results, (pending[0], result)

    def _run_one(
        self, index: int, code: str | None, on_output: OnOutput | None, on_start: OnStart | None
    ) -> CellResult:
        self._sync()
        block = self._code(index)
        if on_start is not None:
            on_start(index)
        sink = None if on_output is None else (lambda text: on_output(index, text))
        split = block.expect is not None and block.expect.stderr is not None
        result = self.kernel.execute(
            code if code is not None else self.code(index),
            timeout=self.lesson.cell_timeout(block, DEFAULT_TIMEOUT),
            on_output=sink,
            filename=f"<cell {self.cell_label(index)}>",
            **({"split": True} if split else {}),
        )
        rules = [*self.lesson.normalize, *block.normalize]
        if rules and result.status in (CellStatus.OK, CellStatus.ERROR):
            result = normalize.apply(result, rules, self.kernel)
        search = getattr(self.kernel, "search", None)  # test doubles may not have it
        if (
            block.expect is not None
            and block.expect.mode == "matches"
            and result.status is CellStatus.OK
            and search is not None
        ):
            # the author's regex runs in the kernel, under a deadline, never here
            text = compared_output(block.expect, result)
            result = replace(result, matched=search(block.expect.value, text))
        result = self._explain_name_error(index, result)
        if self._succeeded(block, result) and self.kernel.generation == self._generation:
            self._ran.add(index)
            self._failed.discard(index)
        else:
            self._ran.discard(index)
            self._failed.add(index)
        return result

    @staticmethod
    def _succeeded(block: CodeBlock, result: CellResult) -> bool:
        """The namespace is as the author meant: the cell finished, or raised as expected."""
        return result.status is CellStatus.OK or raised_as_expected(block.expect, result)

    def _explain_name_error(self, index: int, result: CellResult) -> CellResult:
        """A NameError for a name that a skipped cell above would have defined says so."""
        error = result.error
        if error is None or error.name != "NameError":
            return result
        name = missing_name(error.message)
        for i in reversed([c for c in self._cells if c < index and self._unmet.get(c)]):
            if name is not None and name in defined_names(self.code(i)):
                why = reason(self._unmet[i]).removeprefix("skipped: ")
                message = (
                    f"{error.message}: cell {self.cell_label(i)} defines it, but it was "
                    f"skipped ({why})"
                )
                return replace(result, error=replace(error, message=message))
        return result

    def _skipped(self, failure: tuple[int, CellResult]) -> CellResult:
        index, result = failure
        why = result.error.name if result.error is not None else result.status.value
        return CellResult(
            CellStatus.SKIPPED,
            detail=f"not run: cell {self.cell_label(index)} above failed ({why})",
        )
