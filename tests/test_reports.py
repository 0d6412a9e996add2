"""Reports for authors: per lesson and question aggregates pointing at file:line, and exports."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.format.catalog import load_course_dir, resolve_quiz
from engine.format.loader import load_quiz
from engine.format.models import Quiz
from engine.session import LessonSession, QuizSession
from engine.session.report import build_report
from engine.store import SqliteStore
from engine.store.export import export_csv, export_json

ROOT = Path(__file__).parent / "data" / "session" / "root"
COURSE = ROOT / "lessons" / "demo"
FIRST, VOWELS = 1, 2  # block indexes in alpha.yaml


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "lectio.db")
    yield s
    s.close()


def study(store: SqliteStore) -> None:
    """Three learners on alpha: ana wrong then right, bob right, cy wrong twice on vowels; ana
    and bob then show the answer of vowels (so their chapter is done when they finish it)."""
    loaded = load_course_dir(COURSE)
    alpha = loaded.lessons["alpha"]
    sessions = {
        who: LessonSession(alpha, store=store, learner=who, course=loaded.course)
        for who in ("ana", "bob", "cy")
    }
    sessions["ana"].answer(FIRST, {1})
    sessions["ana"].answer(FIRST, {0})
    sessions["bob"].answer(FIRST, {0})
    sessions["cy"].answer(VOWELS, {0, 1})
    sessions["cy"].answer(VOWELS, {1})
    sessions["cy"].answer(VOWELS, {0, 2})
    sessions["ana"].show_answer(VOWELS)
    sessions["bob"].show_answer(VOWELS)
    sessions["ana"].finish()
    sessions["ana"].submit_feedback(True, None)
    sessions["bob"].finish()
    sessions["bob"].submit_feedback(False, "What is a vowel?")
    sessions["cy"].submit_feedback(None, "Typo in the first question", block_index=FIRST)


def test_lesson_aggregates(store: SqliteStore) -> None:
    study(store)
    report = build_report(COURSE, store)
    assert [r.lesson.id for r in report.lessons] == ["alpha", "beta", "gamma"]
    alpha = report.lessons[0]
    assert (alpha.learners, alpha.done, alpha.clear, alpha.unclear) == (3, 2, 1, 1)
    first, vowels = alpha.questions
    assert (first.attempts, first.learners, first.first_tries, first.first_try_right) == (
        3,
        2,
        2,
        1,
    )
    assert first.first_try_rate == 0.5
    assert first.most_wrong is not None and first.most_wrong.text == "b"
    assert first.span.line == 5 and first.span.file.endswith("alpha.yaml")
    assert first.most_wrong.span.line == 11  # the "- text: b" choice
    assert (vowels.attempts, vowels.first_try_rate, vowels.gave_up) == (5, 0.0, 2)
    assert vowels.most_wrong is not None and vowels.most_wrong.count == 2  # "b" picked twice
    comments = {c.text: c for c in alpha.comments if c.text}
    assert set(comments) == {"What is a vowel?", "Typo in the first question"}
    assert comments["Typo in the first question"].span.line == 5  # the block it is about
    assert not any(c.earlier_version for c in alpha.comments)
    assert report.lessons[1].questions[0].attempts == 0
    assert report.lessons[1].questions[0].first_try_rate is None


def test_records_on_an_earlier_version_are_flagged(tmp_path: Path, store: SqliteStore) -> None:
    lesson_file = tmp_path / "one.yaml"
    lesson_file.write_text((COURSE / "beta.yaml").read_text())
    from engine.format.loader import load_lesson

    s = LessonSession(load_lesson(lesson_file), store=store, learner="ana")
    s.answer(1, {1})
    s.finish()
    s.submit_feedback(False, "unclear")
    lesson_file.write_text(lesson_file.read_text().replace("Two plus two?", "2 + 2?"))
    (r,) = build_report(lesson_file, store).lessons
    assert r.questions[0].earlier_version == 1
    assert r.comments[0].earlier_version


def test_quiz_report(store: SqliteStore) -> None:
    quiz = load_quiz(ROOT / "quizzes" / "all.yaml")
    for who, right in (("ana", True), ("bob", False)):
        s = QuizSession(quiz, resolve_quiz(quiz, ROOT / "lessons"), store=store, learner=who)
        s.answer(0, {0, 2} if right else {1})
        s.answer(1, {0})
        s.finish()
    (qr,) = build_report(ROOT / "quizzes" / "all.yaml", store).quizzes
    assert (qr.attempts, qr.finished, qr.passed) == (2, 2, 1)
    assert qr.mean_score == pytest.approx(0.75)
    vowels, inline = qr.questions
    assert (vowels.attempts, vowels.first_try_right) == (2, 1)
    assert vowels.span.file.endswith("all.yaml")  # the ref line in the quiz
    assert (inline.attempts, inline.first_try_rate) == (2, 1.0)


def test_exports_hold_every_feedback_and_attempt(store: SqliteStore) -> None:
    study(store)
    data = json.loads(export_json(store))
    assert len(data["attempts"]) == 8 and len(data["feedback"]) == 3
    assert data["attempts"][0]["picks"] == [1] and data["attempts"][0]["time"].endswith("Z")
    rows = list(csv.DictReader(io.StringIO(export_csv(store))))
    assert [r["record"] for r in rows].count("feedback") == 3
    assert [r["record"] for r in rows].count("attempt") == 8
    gave_up = [r for r in rows if r["record"] == "attempt" and r["gave_up"] == "true"]
    assert [(r["learner"], r["question"], r["picks"]) for r in gave_up] == [
        ("ana", "vowels", ""),
        ("bob", "vowels", ""),
    ]
    fb = next(r for r in rows if r["comment"] == "What is a vowel?")
    assert (fb["learner"], fb["clear"], fb["course"], fb["lesson"]) == (
        "bob",
        "false",
        "demo",
        "alpha",
    )
    vowel_rows = [r for r in rows if r["question"] == "vowels"]
    assert vowel_rows[0]["picks"] == "0 1"


def test_report_command_points_at_lines(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "lectio.db") as store:
        study(store)
    run = subprocess.run(
        [sys.executable, "-m", "engine", "report", str(COURSE), "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    alpha = str(COURSE / "alpha.yaml")
    assert any(
        x.startswith(f"{alpha}:1:1: lesson alpha") and "clear: 1 yes, 1 no" in x for x in lines
    )
    assert any(
        f"{alpha}:5:5: question first-letter" in x and "first try right 50% (1 of 2)" in x
        for x in lines
    )
    assert any(f"{alpha}:11:9: most picked wrong choice of first-letter: 'b'" in x for x in lines)
    assert any(f"{alpha}:5:5: feedback" in x and "Typo in the first question" in x for x in lines)
    as_json = subprocess.run(
        [
            sys.executable,
            "-m",
            "engine",
            "report",
            str(COURSE),
            "--format",
            "json",
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    data = json.loads(as_json.stdout)
    assert data["lessons"][0]["questions"][0]["location"]["line"] == 5
    bad = subprocess.run(
        [sys.executable, "-m", "engine", "report", "nowhere", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1 and "nowhere:1:1: no such file or folder" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_progress_command_per_course(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "lectio.db") as store:
        loaded = load_course_dir(COURSE)
        s = LessonSession(loaded.lessons["alpha"], store=store, learner="ana", course=loaded.course)
        s.finish()
        for index in s.open_questions():  # done: the end reached and every question settled
            s.show_answer(index)
        LessonSession(
            loaded.lessons["beta"], store=store, learner="ana", course=loaded.course
        ).visit(1)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "engine",
            "progress",
            str(COURSE),
            "--learner",
            "ana",
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "Demo course (demo): 1 of 3 chapters done" in lines
    assert "  Section 1 · Chapter 1: Alpha: Done" in lines
    assert "  Section 1 · Chapter 2: Beta: Started (2/2)" in lines
    assert "  Section 2 · Chapter 3: Gamma: Not started" in lines
    assert "  Continue: Beta" in lines
    bad = subprocess.run(
        [sys.executable, "-m", "engine", "progress", "nowhere", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1 and "nowhere:1:1" in bad.stderr


def test_text_report_says_not_studied_instead_of_rows_of_zeros(store: SqliteStore) -> None:
    """Lessons and quizzes with no record at all take one line each, not a row per question."""
    from engine.cli.report_cmd import to_text

    study(store)  # only alpha has records
    lines = to_text(build_report(COURSE, store))
    beta = str(COURSE / "beta.yaml")
    assert f"{beta}:1:1: lesson beta (Beta): not studied yet" in lines
    assert not any(x.strip().startswith(beta) and "question" in x for x in lines)
    assert any("alpha" in x and "question first-letter" in x for x in lines)
    quiz = ROOT / "quizzes" / "review.yaml"
    lines = to_text(build_report(quiz, store))
    assert len(lines) == 1 and lines[0].endswith("not taken yet"), lines


def test_a_quiz_whose_ref_broke_since_still_reports_its_other_questions(
    tmp_path: Path, store: SqliteStore
) -> None:
    """A lesson question was renamed after learners took the quiz: the report warns about the
    ref and still counts the questions that resolve (records are never hidden by a typo)."""
    import shutil

    root = tmp_path / "root"
    shutil.copytree(ROOT, root)
    quiz_file = root / "quizzes" / "all.yaml"
    quiz = load_quiz(quiz_file)
    s = QuizSession(quiz, resolve_quiz(quiz, root / "lessons"), store=store, learner="ana")
    s.answer(0, {0, 2})
    s.answer(1, {0})
    s.finish()
    quiz_file.write_text(
        quiz_file.read_text(encoding="utf-8").replace("demo/alpha#vowels", "demo/alpha#vowelz"),
        encoding="utf-8",
    )
    report = build_report(quiz_file, store)
    (qr,) = report.quizzes
    assert [q.id for q in qr.questions] == [s.items[1].question.id]
    assert qr.questions[0].attempts == 1 and qr.attempts == 1
    assert any("vowelz" in str(p) for p in report.problems)


def take_all_right(quiz: Quiz, store: SqliteStore) -> None:
    """Ana takes the ``all`` quiz and answers both questions right."""
    s = QuizSession(quiz, resolve_quiz(quiz, ROOT / "lessons"), store=store, learner="ana")
    s.answer(0, {0, 2})
    s.answer(1, {0})
    s.finish()


def test_progress_lists_a_quiz_attempt_in_progress(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from engine.cli import main

    quiz = load_quiz(ROOT / "quizzes" / "all.yaml")
    with SqliteStore(tmp_path / "lectio.db") as store:
        take_all_right(quiz, store)
        again = QuizSession(quiz, resolve_quiz(quiz, ROOT / "lessons"), store=store, learner="ana")
        assert main(["progress", "--learner", "ana", "--data-dir", str(tmp_path)]) == 0
        out = capsys.readouterr().out.splitlines()
        assert "  all: 1 finished attempt, best 100%, passed" in out  # opened, nothing answered
        again.skip(0)
        assert main(["progress", "--learner", "ana", "--data-dir", str(tmp_path)]) == 0
        out = capsys.readouterr().out.splitlines()
        assert "  all: 1 finished attempt, best 100%, passed; attempt 2 in progress" in out


def test_progress_leaves_out_a_quiz_only_opened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from engine.cli import main

    quiz = load_quiz(ROOT / "quizzes" / "all.yaml")
    with SqliteStore(tmp_path / "lectio.db") as store:
        QuizSession(quiz, resolve_quiz(quiz, ROOT / "lessons"), store=store, learner="ana")
    assert main(["progress", "--learner", "ana", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "Quizzes:" not in out and not [line for line in out if line.startswith("  all:")]


def test_progress_speaks_the_asked_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every line of ``lectio progress --lang pt`` is Portuguese, not only the course blocks."""
    from engine.cli import main
    from engine.store.records import LessonProgress

    quiz = load_quiz(ROOT / "quizzes" / "all.yaml")
    with SqliteStore(tmp_path / "lectio.db") as store:
        take_all_right(quiz, store)
        again = QuizSession(quiz, resolve_quiz(quiz, ROOT / "lessons"), store=store, learner="ana")
        again.skip(0)
        store.save_progress(LessonProgress("ana", "", "basics", 3, True, updated=1.0))
        store.save_progress(LessonProgress("ana", "ghost", "intro", 1, False, updated=2.0))
    assert main(["progress", "--lang", "pt", "--learner", "ana", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Progresso de ana"
    assert ("ghost (arquivos do curso não encontrados): 0 capítulo concluído, 1 iniciado") in out
    assert "  intro: Iniciado" in out
    assert "Lições avulsas:" in out and "  basics: Concluído" in out
    assert "Questionários:" in out
    assert ("  all: 1 tentativa concluída, melhor 100%, aprovado; tentativa 2 em andamento") in out
    for english in (
        "Progress of",
        "Quizzes",
        "on their own",
        "finished attempt",
        "best",
        "passed",
        "not found",
        "done",
        "started",
        "in progress",
    ):
        assert not any(english in line for line in out), english


def test_export_refuses_to_overwrite_the_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``-o`` naming the learners' own database would destroy every record."""
    from engine.cli import main

    with SqliteStore(tmp_path / "lectio.db") as store:
        study(store)
    before = (tmp_path / "lectio.db").read_bytes()
    for target in ("lectio.db", "lectio.db-wal"):
        status = main(
            ["feedback", "export", "--data-dir", str(tmp_path), "-o", str(tmp_path / target)]
        )
        assert status == 1 and "database" in capsys.readouterr().err
    assert (tmp_path / "lectio.db").read_bytes() == before


def test_report_text_uses_plural_forms(store: SqliteStore) -> None:
    """``1 time`` and ``2 times``, never ``time(s)`` (issue 11)."""
    from engine.cli.report_cmd import to_text

    study(store)
    text = "\n".join(to_text(build_report(COURSE, store)))
    assert "(s)" not in text
    assert ": 3 learners, 2 done;" in text
    assert ": 3 attempts by 2 learners;" in text  # the first question
    assert ": 5 attempts by 3 learners;" in text  # vowels: cy, and two "Show answer"
    assert "answer shown 2 times" in text
    assert "'b' (1 time)" in text and "(2 times)" in text


def test_learner_option_narrows_reports_and_exports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from engine.cli import main

    with SqliteStore(tmp_path / "lectio.db") as store:
        study(store)
        only_cy = build_report(COURSE, store, "cy").lessons[0]
        assert only_cy.learners == 1 and only_cy.questions[1].attempts == 3
        assert only_cy.questions[0].attempts == 0
        data = json.loads(export_json(store, "bob"))
        assert {a["learner"] for a in data["attempts"]} == {"bob"} and len(data["feedback"]) == 1
        rows = list(csv.DictReader(io.StringIO(export_csv(store, "ana"))))
        assert {r["learner"] for r in rows} == {"ana"} and len(rows) == 4  # 3 answers, 1 shown
    args = ["--data-dir", str(tmp_path)]
    assert main(["report", str(COURSE), "--format", "json", "--learner", "bob", *args]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["lessons"][0]["learners"] == 1
    assert main(["report", str(COURSE), "--learner", "nobody", *args]) == 1
    assert "no records of a learner named 'nobody'" in capsys.readouterr().err
    assert main(["feedback", "export", "--learner", "cy", *args]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert {f["learner"] for f in exported["feedback"]} == {"cy"}
    assert main(["feedback", "export", "--learner", "nobody", *args]) == 1
    assert "no records of a learner named 'nobody'" in capsys.readouterr().err
    assert main(["feedback", "export", *args]) == 0  # everyone's, $LECTIO_LEARNER or not
    assert len(json.loads(capsys.readouterr().out)["attempts"]) == 8


def test_quiz_answers_to_a_chapter_question_are_on_its_current_version(
    store: SqliteStore,
) -> None:
    """Issue 11: a reused question's quiz answers carry the lesson's version, not the quiz's."""
    quiz = load_quiz(ROOT / "quizzes" / "all.yaml")
    s = QuizSession(quiz, resolve_quiz(quiz, ROOT / "lessons"), store=store, learner="ana")
    s.answer(0, {0, 2})
    s.finish()
    (qr,) = build_report(ROOT / "quizzes" / "all.yaml", store).quizzes
    assert qr.questions[0].attempts == 1 and qr.questions[0].earlier_version == 0
    lesson = next(r for r in build_report(COURSE, store).lessons if r.lesson.id == "alpha")
    vowels = next(q for q in lesson.questions if q.id == "vowels")
    assert vowels.attempts == 1 and vowels.earlier_version == 0


def test_hints_opened_are_exported_and_reported(store: SqliteStore) -> None:
    """Issue 11: which hint, when, for which question, in JSON, CSV and the report."""
    from engine.cli.report_cmd import to_json, to_text
    from engine.format.loader import load_lesson

    basics = Path(__file__).parent / "data" / "session" / "basics.yaml"
    s = LessonSession(load_lesson(basics), store=store, learner="ana")
    evens = 5  # the question with two hints
    assert s.reveal_hint(evens) is not None
    data = json.loads(export_json(store))
    assert [(h["learner"], h["question"], h["hint"]) for h in data["hints"]] == [
        ("ana", "evens", 0)
    ]
    assert data["hints"][0]["time"].endswith("Z")
    rows = [r for r in csv.DictReader(io.StringIO(export_csv(store))) if r["record"] == "hint"]
    assert [(r["question"], r["hint"], r["lesson"]) for r in rows] == [("evens", "0", "basics")]
    report = build_report(basics, store)
    assert "hint 1 of evens opened by ana, " in "\n".join(to_text(report))
    questions = to_json(report)["lessons"][0]["questions"]
    (evens_json,) = [q for q in questions if q["id"] == "evens"]
    assert [(h["hint"], h["learner"]) for h in evens_json["hints"]] == [(0, "ana")]


def test_progress_lists_the_course_quizzes_taken_or_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11: the course's quizzes (as the course map lists them) are under the course,
    with how the learner stands in each, before any is taken too."""
    from engine.cli import main

    course = str(ROOT / "lessons" / "demo")
    argv = ["progress", course, "--learner", "ana", "--data-dir", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    start = out.index("  Quizzes:")
    assert out[start + 1 : start + 3] == [
        "    Everything: Not taken yet",
        "    Review: Not taken yet",
    ]
    quiz = load_quiz(ROOT / "quizzes" / "all.yaml")
    with SqliteStore(tmp_path / "lectio.db") as store:
        take_all_right(quiz, store)
    assert main([*argv, "--lang", "pt"]) == 0
    out = capsys.readouterr().out.splitlines()
    start = out.index("  Questionários:")
    assert out[start + 1].startswith("    Everything: Melhor 100%")
