"""The plain mode's ``ask``, driven through a pipe: a real lectio process and kernel, the
offline explanation, the kernel's help, and a stand-in endpoint (tests/ask_server.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ask_server import ANSWER, StandIn

DATA = Path(__file__).parent / "data" / "ask"
LESSON = DATA / "failing.yaml"


def lectio(tmp_path: Path, stdin: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "LECTIO_LEARNER": "ana", "NO_COLOR": "1", **env}
    full["LECTIO_CONFIG_DIR"] = str(tmp_path / "config")
    for name in ("LECTIO_DATA_DIR", "LECTIO_AI_BASE_URL", "LECTIO_AI_MODEL", "LECTIO_ASK_RECORD"):
        if name not in env:
            full.pop(name, None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "engine",
            "open",
            str(LESSON),
            "--plain",
            "--data-dir",
            str(tmp_path / "data"),
            *args,
        ],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=240,
        env=full,
    )


def exported(tmp_path: Path) -> list[dict[str, object]]:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "engine",
            "feedback",
            "export",
            "--data-dir",
            str(tmp_path / "data"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    asked: list[dict[str, object]] = json.loads(run.stdout)["asked"]
    return asked


def test_ask_offline_through_a_pipe(tmp_path: Path) -> None:
    script = ["ask", "ask 1", "ask What does `w.backward` do?", "ask Tell me a story", "s", "y", ""]
    run = lectio(tmp_path, "\n".join(script) + "\n")
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "NameError" in out  # the cell failed, then the question's prompt
    assert "Suggested questions:\n  1. Why did this fail?\n  2. Explain this step" in out
    # for ask 1 and the free question, not for the question about w.backward
    assert out.count("The name modle is not defined (yet)") == 2
    assert "(gradient=None, retain_graph=None, create_graph=False, inputs=None)" in out
    assert "Explained in chapter 1 (Ask when a cell fails), block 1" in out
    assert out.count("LECTIO_AI_BASE_URL") == 1  # how to configure a model, once
    asked = exported(tmp_path)
    assert [(q["block"], q["text"], q["source"], q["error"]) for q in asked] == [
        (2, "Why did this fail?", "offline", "NameError"),
        (2, "What does `w.backward` do?", "offline", "NameError"),
        (2, "Tell me a story", "offline", "NameError"),
    ]


def test_ask_a_model_in_portuguese_after_showing_what_is_sent(tmp_path: Path) -> None:
    with StandIn() as server:
        script = ["perguntar 1", "y", "ask Por que?", "s", "n", ""]
        run = lectio(
            tmp_path,
            "\n".join(script) + "\n",
            "--lang",
            "pt",
            LECTIO_AI_BASE_URL=server.base_url,
            LECTIO_AI_MODEL="tutor",
        )
        requests = list(server.requests)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "Isto é exatamente o que será enviado para" in out  # once, the first time
    assert out.count("Isto é exatamente o que será enviado") == 1
    assert out.count("Resposta de tutor:\n" + "".join(ANSWER)) == 2
    assert len(requests) == 2
    sent = requests[0]["body"]["messages"][1]["content"]
    assert "loss = (modle * 2).sum()" in sent and "NameError" in sent
    assert "SECRET" not in json.dumps(requests)
    assert [q["source"] for q in exported(tmp_path)] == [
        "offline",
        "model:tutor",
        "offline",
        "model:tutor",
    ]
