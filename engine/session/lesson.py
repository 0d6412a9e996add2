"""The headless lesson session: one learner studying one lesson.

Every front end drives this object and nothing else: it walks the blocks, runs cells through the
kernel (via the lesson executor), grades answers, reveals hints, takes feedback, records it all in
the :class:`~engine.store.Store` and knows where the learner is, so a later session resumes there.

Usage (what the plain mode does; the TUI does the same from widgets and worker threads)::

    session = LessonSession(lesson, store=store, learner="ana", course=course)
    for i in range(session.position, len(lesson.blocks)):
        session.visit(i)
        block = lesson.blocks[i]
        if isinstance(block, CodeBlock):
            results = session.run_cell(i, on_output=print_chunk)   # blocking: a worker thread
        elif isinstance(block, QuestionBlock):
            view = session.question(i)            # shuffled choices, hints, attempts so far
            hint = session.reveal_hint(i)         # next hint or None
            verdict = session.answer(i, {view.index_of(2)})   # ORIGINAL choice indexes
    session.finish()                              # reached the chapter end: done
    session.submit_feedback(clear=True, comment="More pictures, please")
    session.close()                               # stops the kernel

Rules:

* ``position`` is a block index, or ``len(lesson.blocks)`` for the chapter end. ``visit`` saves it
  at once; reaching the end marks the lesson done (``complete``). Creating the session is the
  learner opening the chapter: a lesson with no record gets one at once (position 0), so the
  chapter counts as started even if the front end never calls ``visit`` for the first block.
  Done (``complete``) means: the end was reached and every question is settled, answered
  right or its answer shown (``show_answer``); whichever comes last marks it.
  A store that refuses the write raises :class:`~engine.store.base.StoreError` here.
* ``answer`` commits the attempt to the store BEFORE returning the verdict, so whatever the
  learner was told is on disk even if the process is killed right after.
* A learner may answer again after a wrong answer; attempts are numbered from 1. Only a real
  new answer is an attempt (not the same picks again, nothing after a right answer or a
  "Show answer").
  Hints are revealed one at a time, persisted, and survive a resume, as do attempts.
* Cell runs go through the executor (earlier cells not yet run run first, hidden ones included);
  each result is recorded. Edits live only in this session. ``run_cell`` and ``graph`` block:
  call them from a worker thread in a UI. Everything else is quick (one small transaction).
* The kernel starts lazily (or with ``start_kernel``); ``kernel_state`` is ``DEAD`` before.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Sequence
from typing import Any

from engine.execution.results import CellResult, CellStatus, KernelState
from engine.format.models import CodeBlock, Course, GraphBlock, Lesson, QuestionBlock
from engine.i18n import nt, t
from engine.session.content import content_hash as compute_hash
from engine.session.grading import check_picks, choice_order, grade, regrade, reveal
from engine.session.kernel_api import (
    ExecutorFactory,
    ExecutorLike,
    KernelFactory,
    KernelLike,
    OutputCallback,
    StartCallback,
    default_executor_factory,
    default_kernel_factory,
)
from engine.session.views import CellView, ChoiceView, QuestionView, Verdict
from engine.store.base import Store
from engine.store.records import (
    AskedQuestion,
    Attempt,
    CellRun,
    Feedback,
    HintReveal,
    LessonProgress,
)


def unmet_reason(unmet: Sequence[str], lang: str | None) -> str:
    """Why a cell was skipped, from its result's ``extra["unmet"]`` (cuda, network, modules)."""
    reasons = []
    for name in unmet:
        if name == "cuda":
            reasons.append(t("Skipped: needs CUDA (a GPU that torch can use), none here", lang))
        elif name == "network":
            reasons.append(t("Skipped: needs the network", lang))
        else:
            reasons.append(
                t("Skipped: needs the module {module}, which is not installed", lang, module=name)
            )
    return " · ".join(reasons)


def missing_reason(modules: Sequence[str], lang: str | None) -> str:
    """What a learner reads once per lesson when its ``requires`` are not installed."""
    packages = " ".join(dict.fromkeys(m.split(".", 1)[0] for m in modules))
    return nt(
        "This lesson needs the module {modules}, which is not installed: pip install {packages}",
        "This lesson needs the modules {modules}, which are not installed: pip install {packages}",
        len(modules),
        lang,
        modules=", ".join(modules),
        packages=packages,
    )


class LessonSession:
    """One learner in one lesson; see the module docstring."""

    def __init__(
        self,
        lesson: Lesson,
        *,
        store: Store,
        learner: str = "default",
        course: Course | None = None,
        kernel_factory: KernelFactory | None = None,
        executor_factory: ExecutorFactory | None = None,
        content_hash: str | None = None,
    ) -> None:
        self.lesson = lesson
        self.course = course
        self.store = store
        self.learner = learner
        self.course_id = course.id if course is not None else ""
        self.owner = f"{self.course_id}/{lesson.id}"
        """Seeds the choice shuffle: the same in a lesson and in a quiz that refs it."""
        self.content_hash = content_hash or compute_hash(lesson)
        self._kernel_factory = kernel_factory or default_kernel_factory
        self._executor_factory = executor_factory or default_executor_factory
        self._kernel: KernelLike | None = None
        self._executor: ExecutorLike | None = None
        self._exec_lock = threading.Lock()
        self._state = KernelState.DEAD
        self._state_listeners: list[Callable[[KernelState], None]] = []
        self._edits: dict[int, str] = {}
        self._results: dict[int, CellResult] = {}
        self._running: set[int] = set()
        self._missing: list[str] | None = None  # lesson.requires the kernel cannot import
        self._closed = False

        saved = store.load_progress(learner, self.course_id, lesson.id)
        self._progress = saved or LessonProgress(
            learner=learner, course=self.course_id, lesson=lesson.id, content_hash=self.content_hash
        )
        self._saved = saved is not None
        self._reached_end = self._progress.done or (
            saved is not None and saved.position >= len(lesson.blocks)
        )
        self.position = min(max(self._progress.position, 0), len(lesson.blocks))
        if not self._saved:  # opening a chapter starts it (the course map, "Continue")
            self._save(done=False)
        self._attempts: dict[str, list[Attempt]] = {}
        for attempt in store.attempts(learner=learner, course=self.course_id, lesson=lesson.id):
            if attempt.quiz_attempt is None:
                self._attempts.setdefault(attempt.question, []).append(attempt)
        self._hints: dict[str, int] = {}
        for hint in store.hints(learner=learner, course=self.course_id, lesson=lesson.id):
            self._hints[hint.question] = max(self._hints.get(hint.question, 0), hint.hint + 1)
        self._feedback = store.feedback(learner=learner, course=self.course_id, lesson=lesson.id)

    # where the learner is -------------------------------------------------------------------
    @property
    def complete(self) -> bool:
        """The learner reached the end of the chapter (now or in an earlier session)."""
        return self._progress.done

    @property
    def started(self) -> bool:
        """The learner opened this lesson (in this session or an earlier one)."""
        return self._saved

    @property
    def at_end(self) -> bool:
        return self.position >= len(self.lesson.blocks)

    @property
    def resume_at(self) -> int:
        """The block a front end opens the chapter at: where the learner stopped, or the top
        when they had reached its end (a finished chapter is read again from its start, not
        reopened on its feedback form). Nothing is saved until the learner moves."""
        return 0 if self.at_end else self.position

    @property
    def feedback_given(self) -> bool:
        """Feedback was recorded for this version of the lesson (same content hash)."""
        return any(f.content_hash == self.content_hash for f in self._feedback)

    def visit(self, block_index: int) -> None:
        """Move to ``block_index`` (``len(blocks)`` = the chapter end) and save it."""
        end = len(self.lesson.blocks)
        if not 0 <= block_index <= end:
            raise IndexError(f"block {block_index} is not in 0..{end}")
        self.position = block_index
        if block_index >= end:
            self._reached_end = True
        self._save(done=self._progress.done or (self._reached_end and not self.open_questions()))

    def finish(self) -> None:
        """The learner reached the end of the chapter: the lesson is done if every question
        is settled (see :meth:`open_questions`)."""
        self.visit(len(self.lesson.blocks))

    def restart(self) -> None:
        """Start the lesson again from the top (history and ``done`` are kept)."""
        self.visit(0)

    def _save(self, *, done: bool) -> None:
        self._progress = self.store.save_progress(
            LessonProgress(
                learner=self.learner,
                course=self.course_id,
                lesson=self.lesson.id,
                position=self.position,
                done=done,
                content_hash=self.content_hash,
                started=self._progress.started,
                updated=time.time(),
            )
        )
        self._saved = True

    # code cells -----------------------------------------------------------------------------
    def _code_block(self, block_index: int) -> CodeBlock:
        block = self.lesson.blocks[block_index]
        if not isinstance(block, CodeBlock):
            raise TypeError(f"block {block_index} is not a code cell")
        return block

    def cell(self, block_index: int) -> CellView:
        block = self._code_block(block_index)
        code = self._edits.get(block_index, block.code)
        return CellView(
            block_index=block_index,
            code=code,
            original=block.code,
            edited=code != block.code,
            hidden=block.hidden,
            result=self._results.get(block_index),
            running=block_index in self._running,
            id=block.id,
        )

    def edit_cell(self, block_index: int, code: str) -> None:
        """The learner's version of a cell; it is what runs from now on."""
        original = self._code_block(block_index).code
        if code == original:
            self.reset_cell(block_index)
            return
        self._edits[block_index] = code
        if self._executor is not None:
            self._executor.set_code(block_index, code)

    def reset_cell(self, block_index: int) -> None:
        """Back to the author's code."""
        self._code_block(block_index)
        self._edits.pop(block_index, None)
        if self._executor is not None:
            self._executor.set_code(block_index, None)

    def _ensure_executor(self) -> ExecutorLike:
        if self._closed:
            raise RuntimeError("the session is closed")
        if self._executor is None:
            self._kernel = self._kernel_factory(on_state=self._state_changed)
            executor = self._executor_factory(self.lesson, self._kernel)
            for index, code in self._edits.items():
                executor.set_code(index, code)
            self._executor = executor
        return self._executor

    def start_kernel(self) -> None:
        """Start the kernel now (non-blocking), so the first run does not wait for imports."""
        self._ensure_executor()
        assert self._kernel is not None
        self._kernel.start()

    def missing_modules(self) -> list[str]:
        """The modules of the lesson's ``requires`` that the kernel cannot import; blocking
        (asks the kernel once, then remembers). While any is missing, cells are not run: each
        comes back SKIPPED, and a front end says once what to install (``missing_reason``)."""
        with self._exec_lock:
            return self._check_requires()

    @property
    def missing_known(self) -> list[str] | None:
        """What :meth:`missing_modules` found, or None if it has not asked yet (not blocking)."""
        return self._missing

    def _check_requires(self) -> list[str]:
        """Under ``_exec_lock``. A kernel without ``missing_modules`` (a test fake) has all."""
        if self._missing is None:
            found: list[str] = []
            if self.lesson.required_modules:
                self._ensure_executor()
                check = getattr(self._kernel, "missing_modules", None)
                found = list(check(self.lesson.required_modules)) if check is not None else []
            self._missing = found
        return self._missing

    def _skip_missing(self, block_index: int, missing: list[str]) -> list[tuple[int, CellResult]]:
        """SKIPPED results for ``block_index`` and the code cells above it not reported yet."""
        # No English ``detail``: front ends would show it on every cell; they say the reason
        # once, localized (``missing_reason``); ``extra`` names the modules for anyone else.
        skipped = CellResult(CellStatus.SKIPPED, extra={"missing": ",".join(missing)})
        return [
            (i, skipped)
            for i, b in enumerate(self.lesson.blocks[: block_index + 1])
            if isinstance(b, CodeBlock) and b.run and (i == block_index or i not in self._results)
        ]

    def run_cell(
        self,
        block_index: int,
        on_output: OutputCallback | None = None,
        on_start: StartCallback | None = None,
        *,
        keep_going: bool = False,
    ) -> list[tuple[int, CellResult]]:
        """Run cell ``block_index`` (earlier cells not yet run first); blocking; recorded.

        An earlier cell that fails makes the rest SKIPPED (the learner fixes it first), unless
        ``keep_going``: a front end where cells cannot be edited (plain mode) leaves a failed
        cell out, so its error is shown once and the cells below still run."""
        self._code_block(block_index)
        with self._exec_lock:
            executor = self._ensure_executor()

            def started(index: int) -> None:
                self._running.clear()
                self._running.add(index)
                if on_start is not None:
                    on_start(index)

            missing = self._check_requires()
            if missing:
                results = self._skip_missing(block_index, missing)
            else:
                try:
                    results = executor.run_cell(
                        block_index, on_output=on_output, on_start=started, keep_going=keep_going
                    )
                finally:
                    self._running.clear()
            for index, result in results:
                self._record_run(index, result)
            return results

    def run_all_above(
        self,
        block_index: int,
        on_output: OutputCallback | None = None,
        on_start: StartCallback | None = None,
        *,
        keep_going: bool = False,
    ) -> list[tuple[int, CellResult]]:
        """Run every code cell above ``block_index`` that has not run yet (``keep_going``: but
        not one that failed; see :meth:`run_cell`)."""
        pending = [
            i
            for i, b in enumerate(self.lesson.blocks[:block_index])
            if isinstance(b, CodeBlock)
            and b.run
            and not self.ran(i)
            and not (keep_going and self._failed(i))
        ]
        if not pending:
            return []
        return self.run_cell(
            pending[-1], on_output=on_output, on_start=on_start, keep_going=keep_going
        )

    def _failed(self, block_index: int) -> bool:
        result = self._results.get(block_index)
        return result is not None and not result.ok

    def ran(self, block_index: int) -> bool:
        """The cell ran in the current kernel namespace."""
        return self._executor is not None and self._executor.ran(block_index)

    def _record_run(self, index: int, result: CellResult) -> None:
        self._results[index] = result
        block = self.lesson.blocks[index]
        self.store.add_cell_run(
            CellRun(
                learner=self.learner,
                course=self.course_id,
                lesson=self.lesson.id,
                cell=index,
                status=result.status.value,
                duration=result.duration,
                ts=time.time(),
                cell_id=getattr(block, "id", None),
                edited=index in self._edits,
                content_hash=self.content_hash,
            )
        )

    def graph(self, block_index: int, *, keep_going: bool = False) -> Any:
        """The :class:`~engine.execution.graph.AutogradGraph` of a graph block (runs the cells
        above first, recording them; ``keep_going`` as in :meth:`run_cell`); blocking."""
        block = self.lesson.blocks[block_index]
        if not isinstance(block, GraphBlock):
            raise TypeError(f"block {block_index} is not a graph")
        self.run_all_above(block_index, keep_going=keep_going)
        with self._exec_lock:
            missing = self._check_requires()
            if missing:
                from engine.execution.graph import AutogradGraph  # dataclasses only, no torch

                return AutogradGraph(
                    nodes=[],
                    edges=[],
                    root=None,
                    error=missing_reason(missing, self.lesson.language),
                )
            return self._ensure_executor().graph(block_index, keep_going=keep_going)

    def inspect(self, name: str) -> dict[str, str] | None:
        """The signature and documentation of ``name`` in the lesson's namespace, from the live
        kernel (blocking: a worker thread; starts the kernel). None when it is not found, or the
        kernel cannot tell (a test fake without ``inspect``)."""
        self._ensure_executor()
        probe = getattr(self._kernel, "inspect", None)
        return probe(name) if probe is not None else None

    def interrupt(self) -> None:
        """Stop the running cell (thread-safe)."""
        if self._kernel is not None:
            self._kernel.interrupt()

    def restart_kernel(self) -> None:
        """A fresh namespace: nothing has run; results shown so far are cleared."""
        if self._executor is not None:
            self._executor.restart()
        self._results.clear()
        self._missing = None  # the learner may have installed it meanwhile

    @property
    def kernel_state(self) -> KernelState:
        return self._state

    @property
    def kernel_note(self) -> str:
        """Why the kernel was spawned rather than forked from the warm zygote (so it starts
        slowly); empty when it was forked, or has not started."""
        return str(getattr(self._kernel, "start_note", "") or "")

    def on_kernel_state(self, callback: Callable[[KernelState], None]) -> None:
        """Call ``callback(state)`` on every kernel state change (from a kernel thread)."""
        self._state_listeners.append(callback)

    def _state_changed(self, state: KernelState) -> None:
        self._state = state
        for listener in list(self._state_listeners):
            listener(state)

    # questions ------------------------------------------------------------------------------
    def _question_block(self, block_index: int) -> QuestionBlock:
        block = self.lesson.blocks[block_index]
        if not isinstance(block, QuestionBlock):
            raise TypeError(f"block {block_index} is not a question")
        return block

    def choice_order(self, block_index: int) -> tuple[int, ...]:
        return choice_order(
            self._question_block(block_index), learner=self.learner, owner=self.owner
        )

    def question(self, block_index: int) -> QuestionView:
        block = self._question_block(block_index)
        order = self.choice_order(block_index)
        attempts = self._attempts.get(block.id, [])
        shown = min(self._hints.get(block.id, 0), len(block.hints))
        last = None
        if attempts:
            before = next((a.picks for a in reversed(attempts) if a.picks), ())
            last = regrade(
                block,
                attempts[-1].picks,
                order=order,
                attempt=attempts[-1].attempt,
                before=[i for i in before if 0 <= i < len(block.choices)],
            )
        return QuestionView(
            block_index=block_index,
            id=block.id,
            prompt=block.question,
            multiple=block.multiple,
            choices=tuple(
                ChoiceView(index=i, number=n, text=block.choices[i].text)
                for n, i in enumerate(order, 1)
            ),
            hints_shown=tuple(block.hints[:shown]),
            hints_left=len(block.hints) - shown,
            attempts=len(attempts),
            last=last,
            solved=any(a.correct for a in attempts),
            span=block.span,
        )

    def reveal_hint(self, block_index: int) -> str | None:
        """The next hint (recorded), or None when every hint is already shown."""
        block = self._question_block(block_index)
        shown = self._hints.get(block.id, 0)
        if shown >= len(block.hints):
            return None
        self.store.add_hint(
            HintReveal(
                learner=self.learner,
                course=self.course_id,
                lesson=self.lesson.id,
                question=block.id,
                hint=shown,
                ts=time.time(),
            )
        )
        self._hints[block.id] = shown + 1
        return block.hints[shown]

    def answer(self, block_index: int, picks: Collection[int]) -> Verdict:
        """Grade ``picks`` (ORIGINAL choice indexes), record the attempt, return the verdict.

        Only a real new answer is an attempt: once the question is settled (answered right,
        or its answer shown), or when ``picks`` are those of the last attempt, the last
        verdict comes back and nothing is recorded.

        Raises :class:`~engine.session.grading.InvalidAnswerError` (nothing recorded) when the
        picks cannot be graded. The attempt is committed before this returns."""
        block = self._question_block(block_index)
        picked = check_picks(block, picks)
        previous = self._attempts.get(block.id, [])
        view = self.question(block_index)
        if view.last is not None and (view.settled or view.last.picked == picked):
            return view.last
        verdict = grade(
            block, picked, order=self.choice_order(block_index), attempt=len(previous) + 1
        )
        self._record_attempt(block, tuple(sorted(picked)), verdict.correct, verdict.attempt)
        return verdict

    def show_answer(self, block_index: int) -> Verdict:
        """The learner gives up: the answer and every ``why`` are shown, and recorded as such
        (an attempt with no picks; exported with ``gave_up``). A question already settled
        gives back its last verdict and records nothing."""
        block = self._question_block(block_index)
        view = self.question(block_index)
        if view.last is not None and view.settled:
            return view.last
        attempt = len(self._attempts.get(block.id, [])) + 1
        self._record_attempt(block, (), False, attempt)
        before = view.last.picked if view.last is not None else ()
        return reveal(block, order=self.choice_order(block_index), attempt=attempt, before=before)

    def _record_attempt(
        self, block: QuestionBlock, picks: tuple[int, ...], correct: bool, attempt: int
    ) -> None:
        stored = self.store.add_attempt(
            Attempt(
                learner=self.learner,
                course=self.course_id,
                lesson=self.lesson.id,
                question=block.id,
                picks=picks,
                correct=correct,
                attempt=attempt,
                ts=time.time(),
                content_hash=self.content_hash,
            )
        )
        self._attempts.setdefault(block.id, []).append(stored)
        if self._reached_end and not self.open_questions():
            self._save(done=True)

    def open_questions(self) -> list[int]:
        """The block indexes of the questions not settled yet (not answered right, answer
        not shown): the chapter is done once there are none and its end was reached."""
        return [
            i
            for i, b in enumerate(self.lesson.blocks)
            if isinstance(b, QuestionBlock) and not self.question(i).settled
        ]

    # chapter end ----------------------------------------------------------------------------
    def submit_feedback(
        self, clear: bool | None, comment: str | None, block_index: int | None = None
    ) -> None:
        """Record "Was everything clear?" / "How can we improve it?" (either may be None).

        Tied to the block the learner is at (default: the current position; the chapter end
        is ``len(blocks)``) and to this version of the lesson. Nothing is recorded if both are
        empty."""
        comment = comment.strip() if comment else None
        if clear is None and not comment:
            return
        index = self.position if block_index is None else block_index
        blocks = self.lesson.blocks
        line = blocks[index].span.line if 0 <= index < len(blocks) else self.lesson.span.line
        stored = self.store.add_feedback(
            Feedback(
                learner=self.learner,
                course=self.course_id,
                lesson=self.lesson.id,
                block=index,
                clear=clear,
                comment=comment or None,
                ts=time.time(),
                line=line,
                content_hash=self.content_hash,
            )
        )
        self._feedback.append(stored)

    def record_question(
        self, block_index: int, text: str, *, source: str, answer_chars: int, error: str = ""
    ) -> AskedQuestion:
        """A question asked about a block (the Ask panel) and where its answer came from
        (``offline`` or ``model:<name>``), for the author's report. Committed at once."""
        return self.store.add_question(
            AskedQuestion(
                learner=self.learner,
                course=self.course_id,
                lesson=self.lesson.id,
                block=block_index,
                text=text,
                source=source,
                answer_chars=answer_chars,
                error=error,
                ts=time.time(),
                content_hash=self.content_hash,
            )
        )

    def close(self) -> None:
        """Stop the kernel. Progress is already saved; the session cannot run cells anymore."""
        self._closed = True
        kernel, self._kernel, self._executor = self._kernel, None, None
        if kernel is not None:
            kernel.shutdown()

    def __enter__(self) -> LessonSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
