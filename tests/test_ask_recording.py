"""Questions asked are recorded (both stores), exported and summed up per block by the report;
the learner can turn recording off. Answers come from the offline help and from a real HTTP
stand-in (tests/ask_server.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from ask_server import ANSWER, StandIn
from session_fakes import KernelFactory, error

from engine.ask.client import AskError
from engine.ask.config import AskConfig
from engine.ask.service import AskService
from engine.format.loader import load_lesson
from engine.session import LessonSession
from engine.session.report import asked_about
from engine.settings import db_path
from engine.store import SqliteStore, Store, open_store
from engine.store.export import export_csv, export_json

DATA = Path(__file__).parent / "data" / "ask"
GRAD, QUESTION = 2, 3


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = open_store(url=store_url)
    yield s
    s.close()


def failing_session(store: Store, learner: str) -> LessonSession:
    lesson = load_lesson(DATA / "lesson.yaml")
    kernels = KernelFactory(canned={"loss": error("NameError", "name 'w' is not defined")})
    s = LessonSession(lesson, store=store, learner=learner, kernel_factory=kernels)
    s.run_cell(GRAD)
    return s


def test_questions_are_stored_with_their_source_on_both_stores(store: Store) -> None:
    with StandIn() as server:
        config = AskConfig(base_url=server.base_url, model="tutor")
        ana = AskService(failing_session(store, "ana"), lang="en", config=config)
        shown = ana.offline("Why did this fail?", GRAD)
        answer = ana.ask_model("Why did this fail?", GRAD, ana.asker())
        assert answer.text == "".join(ANSWER)
        broken = AskService(
            failing_session(store, "bob"),
            lang="pt",
            config=AskConfig(base_url=server.base_url, model="fail-429"),
        )
        with pytest.raises(AskError):
            broken.ask_model("Por que falhou?", GRAD, broken.asker())
        broken.offline("O que é `w`?", QUESTION)
    asked = store.asked_questions(course="", lesson="ask-basics")
    assert [(a.learner, a.block, a.text, a.source, a.error) for a in asked] == [
        ("ana", GRAD, "Why did this fail?", "offline", "NameError"),
        ("ana", GRAD, "Why did this fail?", "model:tutor", "NameError"),
        ("bob", GRAD, "Por que falhou?", "model:fail-429:rate", "NameError"),
        ("bob", QUESTION, "O que é `w`?", "offline", ""),
    ]
    assert asked[0].answer_chars == len(shown) and asked[1].answer_chars == len(answer.text)
    assert asked[0].content_hash == ana.session.content_hash != ""
    assert store.asked_questions(learner="bob", lesson="ask-basics")[0].text == "Por que falhou?"
    lesson = ana.session.lesson
    summary = asked_about(lesson, asked, ana.session.content_hash)
    assert [(s.label, s.learners, s.questions, s.top_error) for s in summary] == [
        ("cell 2", 2, 3, "NameError"),
        ("block 4", 1, 1, ""),
    ]
    exported = json.loads(export_json(store))
    assert [q["source"] for q in exported["asked"]][:2] == ["offline", "model:tutor"]
    rows = export_csv(store).splitlines()
    assert sum(r.startswith("asked,") for r in rows) == 4
    assert "text,source,answer_chars,error" in rows[0]


def test_recording_can_be_turned_off(store: Store) -> None:
    service = AskService(failing_session(store, "ana"), lang="en", config=AskConfig(record=False))
    assert "defined in block 2 above" in service.offline("Why did this fail?", GRAD)
    assert store.asked_questions() == []


def test_lectio_report_sums_questions_per_block(tmp_path: Path) -> None:
    course = tmp_path / "lessons"
    course.mkdir()
    (course / "lesson.yaml").write_text((DATA / "lesson.yaml").read_text())
    data = tmp_path / "data"
    store = SqliteStore(db_path(data))
    for who in ("ana", "bob", "eve"):
        session = failing_session(store, who)
        session.lesson = load_lesson(course / "lesson.yaml")
        AskService(session, lang="en", config=AskConfig()).offline("Why?", GRAD)
    store.close()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "engine",
            "report",
            str(course / "lesson.yaml"),
            "--data-dir",
            str(data),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "3 learners asked about cell 2 (3 questions), most about NameError" in run.stdout
