"""The quizzes of a course (engine.session.course_quizzes): which, in what order, the learner's
standing in each, and what a Study offers (issue 11: the course map and the end of the course
list them, so a learner finds them from ``lectio`` alone)."""

from __future__ import annotations

import shutil
from pathlib import Path

from engine.format.catalog import load_course_dir
from engine.format.models import QuestionBlock
from engine.session.course_quizzes import find_course_quizzes, quiz_standing
from engine.session.labels import quiz_standing_text
from engine.session.study import Study, preview_target
from engine.session.targets import open_target
from engine.store import SqliteStore

ROOT = Path(__file__).parent / "data" / "session" / "root"


def copy_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    shutil.copytree(ROOT, root)
    return root


def test_the_quizzes_that_refer_to_the_course_in_order(tmp_path: Path) -> None:
    root = copy_root(tmp_path)
    quizzes = root / "quizzes"
    (quizzes / "a-exam.yaml").write_text(  # covers both sections: after the reviews
        "id: exam\ntitle: Exam\nquestions:\n  - ref: demo/alpha#vowels\n"
        "  - ref: demo/gamma#last-one\n"
    )
    (quizzes / "inline.yaml").write_text(  # names no course
        "id: inline\ntitle: Inline\nquestions:\n  - question: Yes?\n    id: yes\n"
        "    choices:\n      - {text: 'yes', correct: true}\n      - {text: 'no'}\n"
    )
    (quizzes / "broken-ref.yaml").write_text(  # does not open: left out
        "id: broken-ref\ntitle: Broken\nquestions:\n  - ref: demo/alpha#no-such-question\n"
    )
    (quizzes / "broken.yaml").write_text("id: [\n")
    gamma = (root / "lessons" / "demo" / "gamma.yaml").read_text()
    assert "id: last-one" not in gamma  # the exam's second ref must exist: give gamma one
    (root / "lessons" / "demo" / "gamma.yaml").write_text(
        gamma.rstrip("\n")
        + "\n  - question: Last?\n    id: last-one\n    choices:\n"
        + "      - {text: 'yes', correct: true}\n      - {text: 'no'}\n"
    )
    found = find_course_quizzes(load_course_dir(root / "lessons" / "demo"))
    assert [(path.name, target.quiz.id) for path, target in found] == [
        ("all.yaml", "all"),
        ("review.yaml", "review"),
        ("a-exam.yaml", "exam"),
    ]
    exam = found[2][1]
    assert [item.ref for item in exam.items] == ["demo/alpha#vowels", "demo/gamma#last-one"]


def test_no_quizzes_folder_no_quizzes(tmp_path: Path) -> None:
    root = copy_root(tmp_path)
    shutil.rmtree(root / "quizzes")
    assert find_course_quizzes(load_course_dir(root / "lessons" / "demo")) == []


def test_the_standing_follows_the_finished_attempts(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "lectio.db")
    study = Study(open_target(ROOT / "lessons" / "demo", whole_course=True), store, "ana")
    [first, _] = study.course_quizzes()
    assert first.id == "all" and first.standing.best is None
    assert quiz_standing_text(first.standing, "en") == "Not taken yet"
    session = study.quiz_study(first).quiz_session()
    # opened and left unanswered: not taken yet (issue 11)
    assert quiz_standing_text(quiz_standing(store, "ana", "all"), "en") == "Not taken yet"
    session.skip(1)  # a skip is an answer of sorts: the attempt has begun
    assert quiz_standing_text(quiz_standing(store, "ana", "all"), "en") == "In progress"
    session = study.quiz_study(first).quiz_session()  # resumed
    for k in range(session.count):
        view = session.question(k)
        question = session.items[k].question
        assert isinstance(question, QuestionBlock)
        right = {i for i, choice in enumerate(question.choices) if choice.correct}
        wrong = {next(c.index for c in view.choices if c.index not in right)}
        session.answer(k, right if k == 0 else wrong)
    session.finish()
    [first, _] = study.course_quizzes()
    assert (first.standing.best, first.standing.passed, first.standing.finished) == (0.5, False, 1)
    assert quiz_standing_text(first.standing, "en") == "Best 50% · not passed yet"
    assert quiz_standing_text(first.standing, "pt") == "Melhor 50% · ainda não aprovado"
    store.close()


def test_a_quiz_or_a_preview_offers_no_course_quizzes(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "lectio.db")
    quiz = Study(open_target(ROOT / "quizzes" / "all.yaml"), store)
    assert quiz.course_quizzes() == []
    outline = preview_target(ROOT / "lessons" / "demo")
    assert outline is not None
    assert Study(outline, store).course_quizzes() == []
    store.close()
