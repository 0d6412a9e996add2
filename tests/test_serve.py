"""Serving a class: learner codes, one learner's view of the store, and ``lectio serve`` itself
(sign-in over HTTP, one lectio process per signed-in browser, refusal without a sandbox)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engine.cli import main
from engine.execution.process import descendants
from engine.serve import accounts
from engine.store import (
    Attempt,
    CellRun,
    Feedback,
    HintReveal,
    LessonProgress,
    SqliteStore,
    Store,
    StoreError,
    open_store,
)
from engine.store.scoped import ScopedStore

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "lessons" / "pytorch-essentials" / "gradients.yaml"


# codes -----------------------------------------------------------------------------------------


def test_codes_sign_in_only_their_learner(store_url: str) -> None:
    with open_store(url=store_url) as store:
        ana = accounts.add_learner(store, "ana")
        bob = accounts.add_learner(store, "bob")
        assert ana != bob
        assert accounts.sign_in(store, ana) == "ana"
        assert accounts.sign_in(store, f"  {bob}\n") == "bob"
        for wrong in ("", "x" * 1000, ana[:-1], ana.upper() if ana.upper() != ana else "Z", "'--"):
            assert accounts.sign_in(store, wrong) is None
        with pytest.raises(StoreError, match="already a learner"):
            accounts.add_learner(store, "ana")
        with pytest.raises(StoreError, match="a learner name is"):
            accounts.add_learner(store, "--learner=bob")
        new = accounts.reset_learner(store, "ana")
        assert accounts.sign_in(store, ana) is None  # the old code stops working
        assert accounts.sign_in(store, new) == "ana"
        with pytest.raises(StoreError, match="no such learner"):
            accounts.reset_learner(store, "carl")
        assert accounts.accounts(store).learners() == ["ana", "bob"]


def test_only_a_digest_of_the_code_is_kept(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "lectio.db") as store:
        code = accounts.add_learner(store, "ana")
        stored = store._select("SELECT secret FROM learners")[0]["secret"]
    assert code not in stored and stored == accounts.digest(code)


def test_learners_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(tmp_path)]
    url = ["--url", "https://class.example"]
    assert main(["learners", "add", "ana", *data, *url]) == 0
    out = capsys.readouterr().out
    code = out.split("code ", 1)[1].split()[0]
    assert f"https://class.example/?code={code}" in out
    assert main(["learners", "add", "ana", *data]) == 1
    assert "already a learner" in capsys.readouterr().err
    assert main(["learners", "list", *data]) == 0
    assert capsys.readouterr().out == "ana\n"
    assert main(["learners", "reset", "ana", *data]) == 0
    assert code not in capsys.readouterr().out


# one learner's view --------------------------------------------------------------------------


def _fill(store: Store, who: str) -> int:
    ts = time.time()
    store.save_progress(LessonProgress(who, "c", "l", position=2))
    store.add_attempt(Attempt(who, "c", "l", "q", (1,), True, 1, ts))
    store.add_hint(HintReveal(who, "c", "l", "q", 0, ts))
    store.add_cell_run(CellRun(who, "c", "l", 0, "ok", 0.1, ts))
    store.add_feedback(Feedback(who, "c", "l", 3, True, f"{who}'s comment", ts))
    return store.start_quiz_attempt(who, "qz", ["#a"]).id


def test_a_scoped_store_never_reads_or_writes_another_learner(store_url: str) -> None:
    with open_store(url=store_url) as shared:
        _fill(shared, "ana")
        bobs_attempt = _fill(shared, "bob")
        mine = ScopedStore(shared, "ana")
        # reads without a learner are narrowed to ana's
        assert {p.learner for p in mine.all_progress()} == {"ana"}
        assert {a.learner for a in mine.attempts()} == {"ana"}
        assert {a.learner for a in mine.attempts(course="c", lesson="l")} == {"ana"}
        assert {r.learner for r in mine.cell_runs()} == {"ana"}
        assert [f.comment for f in mine.feedback()] == ["ana's comment"]
        assert {q.learner for q in mine.quiz_attempts()} == {"ana"}
        assert mine.attempts(quiz_attempt=bobs_attempt) == []
        # naming bob is refused, for every read
        reads: list[Callable[[], object]] = [
            lambda: mine.load_progress("bob", "c", "l"),
            lambda: mine.all_progress("bob"),
            lambda: mine.attempts(learner="bob"),
            lambda: mine.hints(learner="bob", course="c", lesson="l"),
            lambda: mine.cell_runs(learner="bob"),
            lambda: mine.feedback(learner="bob"),
            lambda: mine.quiz_attempts("bob"),
        ]
        for read in reads:
            with pytest.raises(StoreError, match="another learner"):
                read()
        # and every write of a bob record, or to bob's quiz attempt
        ts = time.time()
        writes: list[Callable[[], object]] = [
            lambda: mine.save_progress(LessonProgress("bob", "c", "l", position=9)),
            lambda: mine.add_attempt(Attempt("bob", "c", "l", "q", (0,), False, 2, ts)),
            lambda: mine.add_attempt(
                Attempt("ana", "c", "l", "q", (0,), False, 2, ts, quiz_attempt=bobs_attempt)
            ),
            lambda: mine.add_hint(HintReveal("bob", "c", "l", "q", 1, ts)),
            lambda: mine.add_cell_run(CellRun("bob", "c", "l", 0, "ok", 0.1, ts)),
            lambda: mine.add_feedback(Feedback("bob", "c", "l", 3, False, "spoof", ts)),
            lambda: mine.start_quiz_attempt("bob", "qz", ["#a"]),
            lambda: mine.finish_quiz_attempt(bobs_attempt, correct=1, total=1, passed=True),
            lambda: mine.skip_quiz_question(bobs_attempt, "#a"),
        ]
        for write in writes:
            with pytest.raises(StoreError):
                write()
        # bob's records are as they were
        assert len(shared.attempts(learner="bob")) == 1
        assert shared.load_progress("bob", "c", "l").position == 2  # type: ignore[union-attr]
        bob_quiz = shared.quiz_attempts("bob")[0]
        assert (bob_quiz.finished, bob_quiz.skipped) == (None, ())
        # while ana's own writes go through
        mine.add_attempt(Attempt("ana", "c", "l", "q", (0,), False, 2, ts))
        assert len(shared.attempts(learner="ana")) == 2


# lectio serve --------------------------------------------------------------------------------


def test_serve_refuses_without_a_sandbox(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from engine.execution import sandbox

    monkeypatch.setattr(sandbox, "problem", lambda: "bubblewrap is not installed")
    assert main(["serve", str(LESSON), "--data-dir", str(tmp_path), "--port", "1"]) == 1
    err = capsys.readouterr().err
    assert "cannot sandbox learners' kernels: bubblewrap is not installed" in err
    assert "refusing to run them unconfined (--no-sandbox" in err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    def __init__(self, proc: subprocess.Popen[str], port: int, codes: dict[str, str]) -> None:
        self.proc = proc
        self.url = f"http://localhost:{port}"
        self.codes = codes
        self.banner = ""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with SqliteStore(tmp_path / "lectio.db") as store:
        codes = {who: accounts.add_learner(store, who) for who in ("ana", "bob")}
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), LECTIO_PLAIN="0")
    proc = subprocess.Popen(
        [sys.executable, "-m", "engine", "serve", str(LESSON), "--data-dir", str(tmp_path),
         "--port", str(port), "--no-sandbox"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    server = Served(proc, port, codes)
    assert proc.stdout is not None
    while "learners can sign in" not in server.banner:
        line = proc.stdout.readline()
        assert line, f"lectio serve ended: {server.banner}"
        server.banner += line
    deadline = time.monotonic() + 60
    while True:  # the banner comes just before aiohttp binds
        with contextlib.suppress(OSError), socket.create_connection(("localhost", port)):
            break
        assert time.monotonic() < deadline, "lectio serve did not listen"
        time.sleep(0.05)
    yield server
    for pid in descendants(proc.pid):
        with contextlib.suppress(OSError):
            os.kill(pid, 9)
    proc.kill()
    proc.wait(10)


def test_serve_says_it_binds_to_localhost(served: Served) -> None:
    assert "(this machine only; --host 0.0.0.0 lets other machines in)" in served.banner
    assert "2 learners can sign in" in served.banner


async def _http(served: Served) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as anon:
        page = await anon.get(served.url + "/")
        text = await page.text()
        assert page.status == 200 and 'action="/signin"' in text
        assert "<h1>Sign in to " in text and "Enter the code your teacher gave you." in text
        pt = await anon.get(served.url + "/", headers={"Accept-Language": "pt-BR,pt;q=0.9"})
        assert ">Entrar</button>" in await pt.text()
        wrong = await anon.post(served.url + "/signin", data={"code": "guess"})
        assert wrong.status == 401 and "not valid" in await wrong.text()
        bad_link = await anon.get(served.url + "/?code=guess")
        assert bad_link.status == 401
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await anon.ws_connect(served.url + "/ws")
        assert refused.value.status == 403
    # a forged cookie is no better than none
    forged = aiohttp.ClientSession(cookies={"lectio_code": "ana"})
    async with forged:
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await forged.ws_connect(served.url + "/ws")
        assert 'action="/signin"' in await (await forged.get(served.url + "/")).text()

    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as ana:
        link = await ana.get(served.url + f"/?code={served.codes['ana']}", allow_redirects=False)
        assert link.status == 303 and link.headers["Location"] == "/"
        cookie = link.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        app_page = await (await ana.get(served.url + "/")).text()
        assert "data-session-websocket-url" in app_page
    async with aiohttp.ClientSession() as bob:
        signed = await bob.post(
            served.url + "/signin", data={"code": served.codes["bob"]}, allow_redirects=False
        )
        assert signed.status == 303


def test_sign_in_by_link_and_by_form(served: Served) -> None:
    asyncio.run(_http(served))


async def _session(served: Served, who: str) -> str:
    """Open a browser session as ``who``; the command line of the lectio process it got."""
    import aiohttp

    async with aiohttp.ClientSession(cookies={"lectio_code": served.codes[who]}) as browser:
        ws = await browser.ws_connect(served.url + "/ws?width=100&height=30")
        received = b""
        while len(received) < 200:  # the TUI's first frames
            message = await ws.receive(timeout=120)
            assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message
            data = message.data
            received += data if isinstance(data, bytes) else data.encode()
        commands = []
        for pid in descendants(served.proc.pid):
            with contextlib.suppress(OSError):
                args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                if b"--served" in args:
                    commands.append(b" ".join(args).decode())
        await ws.close()
        return "\n".join(commands)


@pytest.mark.slow
def test_each_signed_in_browser_gets_a_lectio_process_for_its_learner(served: Served) -> None:
    ana = asyncio.run(_session(served, "ana"))
    assert "--learner ana --served" in ana and "--learner bob" not in ana
    bob = asyncio.run(_session(served, "bob"))
    assert "--learner bob --served" in bob
