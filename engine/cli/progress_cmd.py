"""`lectio progress [PATH]`: the learner's progress per course (and lessons and quizzes alone).

Without PATH: every course the learner has records for, plus the bundled course; titles come
from the course files when they can be found (the bundled ``lessons/`` folder, or PATH).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.cli.common import add_store_arguments, learner_store
from engine.i18n import N_, Msg, nt, t, tr

if TYPE_CHECKING:
    from engine.format.catalog import LoadedCourse
    from engine.store.base import Store

_STATUS: dict[str, Msg] = {
    "done": N_("Done"),
    "started": N_("Started"),
    "not started": N_("Not started"),
}


def _done_key(done: bool) -> Msg:
    """The status label of a lesson known only from its record (done, else started)."""
    return N_("Done") if done else N_("Started")


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "progress",
        help="show your progress per course",
        description="Your progress per course: chapters done, started, and where to continue.",
    )
    parser.add_argument(
        "path",
        nargs="?",
        help="a course folder, or a folder of courses "
        "(default: every course you studied, and the bundled one)",
    )
    parser.add_argument(
        "--lang",
        help="language of the labels (default: each course's own "
        "for its chapters, English for the rest)",
    )
    add_store_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from engine.format.catalog import course_file, load_course_dir
    from engine.session.bundled import bundled_lessons
    from engine.session.course import course_progress
    from engine.session.labels import chapters_done
    from engine.settings import learner_name

    learner = learner_name(args.learner)
    courses: dict[str, LoadedCourse] = {}
    roots: list[Path] = []
    if args.path:
        root = Path(args.path)
        if root.is_file():
            root = root.parent
        if not root.is_dir():
            print(f"{args.path}:1:1: no such folder", file=sys.stderr)
            return 1
        roots.append(root)
    else:
        bundled = bundled_lessons()
        if bundled is not None:
            roots.append(bundled)
    for root in roots:
        folders = (
            [root]
            if course_file(root)
            else sorted(p for p in root.iterdir() if p.is_dir() and course_file(p))
        )
        for folder in folders:
            loaded = load_course_dir(folder)
            if loaded.course is not None:
                courses.setdefault(loaded.course.id, loaded)
    if args.path and not courses:
        print(f"{args.path}:1:1: no course here (a folder with course.yaml)", file=sys.stderr)
        return 1
    with learner_store(args.data_dir, args.store, read_only=True) as store:
        saved = store.all_progress(learner)
        runs = store.quiz_attempts(learner)
        rest = args.lang  # lines outside a course block: --lang, else English
        out: list[str] = [t("Progress of {learner}", rest, learner=learner)]
        for course_id, loaded in courses.items():
            assert loaded.course is not None
            lang = args.lang or loaded.course.language
            p = course_progress(loaded.course, store, learner, loaded.lessons)
            out += [
                "",
                f"{p.title} ({course_id}): " + chapters_done(p.done, p.total, lang),
            ]
            for c in p.chapters:
                title = c.title or c.lesson_id
                status = tr(_STATUS[c.status.value], lang)
                if c.status.value == "started" and c.blocks:
                    status += f" ({min(c.position + 1, c.blocks)}/{c.blocks})"
                label = t(
                    "Section {section} · Chapter {chapter}",
                    lang,
                    section=c.section,
                    chapter=c.chapter,
                )
                out.append(f"  {label}: {title}: {status}")
            if p.resume is None:
                out.append(f"  {t('You finished the course!', lang)}")
            else:
                chapter = p.chapter(p.resume)
                name = chapter.title if chapter and chapter.title else p.resume
                out.append(f"  {(t('Continue', lang) if p.started else t('Start', lang))}: {name}")
            out += _course_quiz_lines(loaded, store, learner, lang)
        if not args.path:
            other = sorted({s.course for s in saved if s.course and s.course not in courses})
            for course_id in other:
                mine = [s for s in saved if s.course == course_id]
                done = sum(s.done for s in mine)
                out += [
                    "",
                    t(
                        "{course} (course files not found): {done}, {started}",
                        rest,
                        course=course_id,
                        done=nt("{n} chapter done", "{n} chapters done", done, rest),
                        started=nt("{n} started", "{n} started", len(mine) - done, rest),
                    ),
                ]
                out += [f"  {s.lesson}: {tr(_done_key(s.done), rest)}" for s in mine]
            alone = [s for s in saved if not s.course]
            if alone:
                out += ["", t("Lessons on their own:", rest)]
                out += [f"  {s.lesson}: {tr(_done_key(s.done), rest)}" for s in alone]
            from engine.session.course_quizzes import attempt_begun

            # an attempt opened and left with nothing answered or skipped is not taken yet
            runs = [r for r in runs if r.finished is not None or attempt_begun(store, r)]
            quizzes = sorted({r.quiz for r in runs})
            if quizzes:
                out += ["", t("Quizzes:", rest)]
            for quiz in quizzes:
                mine_runs = [r for r in runs if r.quiz == quiz and r.finished is not None]
                best = max(((r.correct or 0) / (r.total or 1) for r in mine_runs), default=None)
                passed = any(r.passed for r in mine_runs)
                finished = nt("{n} finished attempt", "{n} finished attempts", len(mine_runs), rest)
                text = f"  {quiz}: {finished}"
                if best is not None:
                    verdict = t("passed", rest) if passed else t("not passed", rest)
                    text += f", {t('best {percent:.0f}%', rest, percent=best * 100)}, {verdict}"
                current = [r for r in runs if r.quiz == quiz and r.finished is None]
                if current:  # opening the quiz again resumes it
                    text += f"; {t('attempt {n} in progress', rest, n=current[-1].number)}"
                out.append(text)
        sys.stdout.write("\n".join(out) + "\n")
    return 0


def _course_quiz_lines(
    loaded: LoadedCourse, store: Store, learner: str, lang: str | None
) -> list[str]:
    """The course's quizzes (as the course map lists them) and how the learner stands in each:
    taken or not, so a learner finds them from ``lectio progress`` too."""
    from engine.plain.render import md_line
    from engine.session.course_quizzes import find_course_quizzes, quiz_standing
    from engine.session.labels import quiz_standing_text

    quizzes = find_course_quizzes(loaded)
    if not quizzes:
        return []
    lines = [f"  {t('Quizzes:', lang)}"]
    for _path, quiz in quizzes:
        standing = quiz_standing(store, learner, quiz.quiz.id)
        lines.append(f"    {md_line(quiz.quiz.title, lang)}: {quiz_standing_text(standing, lang)}")
    return lines
