"""The plain mode of a standalone quiz: one try per question, a score, a review of the misses."""

from __future__ import annotations

from engine.i18n import t
from engine.plain import pacing, render
from engine.plain.console import Console
from engine.plain.lesson import Outcome, _StopError, ask_question
from engine.session.quiz import QuizResult, QuizSession


def run_quiz(session: QuizSession, console: Console, lang: str | None) -> Outcome:
    console.say(t("Quiz: {title}", lang, title=session.quiz.title), "bold")
    start = session.position
    if start > 0:
        console.say(
            t(
                "Resuming attempt {n} at question {k} of {total}.",
                lang,
                n=session.number,
                k=start + 1,
                total=session.count,
            )
        )
    elif session.number > 1:
        console.say(t("Attempt {n}.", lang, n=session.number))
    console.say()
    shown = False  # a question was shown (the title goes with the first one)
    console.pager.more = lambda: _pause(console, lang)  # between the pages of a tall question
    try:
        for k in range(start, session.count):
            if session.answered(k) or session.skipped(k):
                continue  # done earlier in this attempt (a front end may go out of order)
            if shown:  # on a terminal: the last verdict is read before the next question
                _pause(console, lang)
            shown = True
            view = session.question(k)
            console.say(
                t("Question {n} of {total}", lang, n=k + 1, total=session.count) + ":", "bold"
            )
            console.say(render.md(view.prompt, lang, console.width), wrap=False)
            verdict = ask_question(
                console,
                lang,
                view,
                hints=lambda k=k: session.reveal_hint(k),  # type: ignore[misc]
                answer=lambda picks, k=k: session.answer(k, picks),  # type: ignore[misc]
                retry=False,
            )
            if verdict is None:  # skipped: remembered, so resuming goes on after it
                session.skip(k)
            console.say()
        _pause(console, lang)  # before finishing: q here leaves the attempt to resume
        result = session.finish()
    except _StopError as stop:
        return stop.outcome
    finally:
        console.pager.more = None
    _report(result, session, console, lang)
    return "done"


def _pause(console: Console, lang: str | None) -> None:
    """Wait for Enter when paging and a verdict is unread (n, the next question, is Enter
    here: every block of a quiz is a question)."""
    typed = pacing.wait(console, lang)
    if typed.kind in ("quit", "eof"):
        raise _StopError("quit" if typed.kind == "quit" else "eof")


def _report(result: QuizResult, session: QuizSession, console: Console, lang: str | None) -> None:
    console.say(
        t(
            "Score: {correct} of {total} ({percent:.0f}%)",
            lang,
            correct=result.correct,
            total=result.total,
            percent=result.score * 100,
        ),
        "bold",
    )
    console.say(t("Pass mark: {percent:.0f}%", lang, percent=result.pass_mark * 100))
    console.say(
        (t("Passed!", lang) if result.passed else t("Not passed yet", lang)),
        "green" if result.passed else "red",
    )
    if not result.missed:
        console.say(t("No misses. Well done!", lang))
        return
    console.say()
    console.say(t("Review of the misses", lang) + ":", "bold")
    for review in result.missed:
        k = review.number - 1
        view = session.question(k)
        label = t("Question {n}: {prompt}", lang, n=review.number, prompt="")
        width = console.width
        prompt = render.md(review.prompt, lang, None if width is None else width - len(label))
        console.say(t("Question {n}: {prompt}", lang, n=review.number, prompt=prompt), wrap=False)
        if review.verdict is None:
            console.say(t("Your answer: {picks}", lang, picks=t("not answered", lang)))
            right = sorted(view.number_of(i) for i in session.items[k].question.correct_indexes)
            console.say(t("Correct answer: {picks}", lang, picks=", ".join(map(str, right))))
            for choice in view.choices:
                src = session.items[k].question.choices[choice.index]
                if src.correct:
                    console.say(
                        f"  {choice.number}. {render.md_line(choice.text)}"
                        + (f": {render.md_line(src.why)}" if src.why else "")
                    )
        else:
            console.say(
                "\n".join(render.explanation_lines(view, review.verdict, lang, everything=True))
            )
        console.say()
