"""A real browser: headless Chromium signs in to ``lectio serve``, runs a cell, answers a question,
and the answer is found in PostgreSQL.

Chromium and ChromeDriver are Debian's (``apt-get install chromium chromium-driver``, as
``.ci/run`` does), driven with Selenium. The terminal is drawn in the page by textual-serve
(xterm.js), so the test clicks where the lesson's widgets are drawn, in a window of fixed size,
and retries each click until the store shows its effect: the store, not the screen, decides.
Skipped where no Chromium is installed, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.execution.process import descendants
from engine.serve import accounts
from engine.store import open_store

ROOT = Path(__file__).resolve().parents[1]
LESSON = Path(__file__).parent / "data" / "serve" / "browser.yaml"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1200,900",
)
# Where browser.yaml's widgets are drawn in that window (rows of 19 px): before the cell ran,
# and after (its output adds a row).
RUN = (50, 123)
ANSWER_42 = (70, 294)
CHECK = (60, 351)
ANSWER_67_UNRUN = (70, 294)  # the layout of a learner who has not run the cell
CHECK_UNRUN = (60, 332)


def _unavailable(why: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the browser test cannot run under CI: {why}")
    pytest.skip(why)


def _chrome() -> Any:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed (pip install -e '.[dev]')")
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        _unavailable("no Chromium (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    for flag in FLAGS:
        options.add_argument(flag)
    options.binary_location = str(CHROMIUM)
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


@pytest.fixture
def browser() -> Iterator[Any]:
    driver = _chrome()
    yield driver
    driver.quit()


@pytest.fixture
def second_browser(browser: Any) -> Iterator[Any]:
    driver = _chrome()
    yield driver
    driver.quit()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("localhost", port), 1).close()
    except OSError:
        return False
    return True


def _click(driver: Any, at: tuple[int, int]) -> None:
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    action = ActionBuilder(driver)
    action.pointer_action.move_to_location(*at)  # type: ignore[no-untyped-call]
    action.pointer_action.click()
    action.perform()


def _until(
    done: Callable[[], bool], act: Callable[[], None], what: str, within: float = 180
) -> None:
    """Repeat ``act`` until ``done`` (the store shows it), for at most ``within`` seconds."""
    deadline = time.monotonic() + within
    while not done():
        assert time.monotonic() < deadline, f"the browser never managed to {what}"
        act()
        for _ in range(20):
            if done():
                return
            time.sleep(0.25)


@pytest.mark.slow
def test_learners_in_chromium_run_a_cell_and_their_answers_reach_postgres(
    browser: Any, second_browser: Any, pg_url: str, tmp_path: Path
) -> None:
    """ana runs the cell and answers right; bob, in a second browser at the same time, answers
    wrong: each answer is recorded for its own learner only."""
    import psycopg
    from selenium.webdriver.common.by import By

    with open_store(url=pg_url) as store:
        code = accounts.add_learner(store, "ana")
        bob_code = accounts.add_learner(store, "bob")
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), LECTIO_STORE=pg_url)
    server = subprocess.Popen(
        [sys.executable, "-m", "engine", "serve", str(LESSON), "--port", str(port),
         "--data-dir", str(tmp_path)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        banner = ""
        while "learners can sign in" not in banner:
            line = server.stdout.readline()
            assert line, f"lectio serve ended: {banner}"
            banner += line
        _until(lambda: _listening(port), lambda: None, "reach lectio serve", within=60)

        def rows(sql: str) -> list[tuple[Any, ...]]:
            with psycopg.connect(pg_url) as conn:
                return conn.execute(sql.encode()).fetchall()

        for driver, secret in ((browser, code), (second_browser, bob_code)):
            driver.get(f"http://localhost:{port}/")
            driver.find_element(By.ID, "code").send_keys(secret)
            driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        _until(
            lambda: bool(rows("SELECT 1 FROM cell_runs WHERE learner = 'ana' AND status = 'ok'")),
            lambda: _click(browser, RUN),
            "run the cell",
        )

        def answered() -> bool:
            return bool(rows("SELECT 1 FROM attempts WHERE learner = 'ana' AND correct"))

        def answer() -> None:
            _click(browser, ANSWER_42)
            time.sleep(0.5)
            _click(browser, CHECK)

        _until(answered, answer, "answer the question")
        attempts = rows("SELECT learner, lesson, question, picks FROM attempts WHERE correct")
        assert attempts[0] == ("ana", "browser", "product-question", "[0]")
        assert rows("SELECT 1 FROM attempts WHERE learner = 'bob'") == []

        def bob_answered() -> bool:
            return bool(rows("SELECT 1 FROM attempts WHERE learner = 'bob'"))

        def bob_answers() -> None:
            _click(second_browser, ANSWER_67_UNRUN)
            time.sleep(0.5)
            _click(second_browser, CHECK_UNRUN)

        _until(bob_answered, bob_answers, "answer as the second learner")
        assert rows("SELECT correct, picks FROM attempts WHERE learner = 'bob'") == [(False, "[1]")]
        assert rows("SELECT learner FROM cell_runs") == [("ana",)]  # bob ran nothing
        assert len(rows("SELECT 1 FROM attempts WHERE learner = 'ana'")) >= 1
    finally:
        for pid in descendants(server.pid):
            with contextlib.suppress(OSError):
                os.kill(pid, 9)
        server.kill()
        server.wait(10)
