"""`lectio export --to ipynb|md` and `lectio import`: round trips, real notebook habits (stored
outputs, nbval markers and tags, magics, pictures), bad input with located messages."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.authoring.lessonyaml import dump_lesson, lesson_data
from engine.authoring.notebook_export import export_notebook
from engine.authoring.notebook_import import SourceError, import_source
from engine.cli import main
from engine.format.loader import parse_document, read_bytes
from engine.format.models import Lesson

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("jupytext")
v4 = nbformat.v4
ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted(p for p in (ROOT / "lessons").rglob("*.yaml") if p.name != "course.yaml")
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def _load(path: Path) -> Lesson:
    doc, problems = parse_document(read_bytes(path), str(path))
    assert not problems and isinstance(doc, Lesson)
    return doc


def _reimport(path: Path) -> tuple[Lesson, Any]:
    imported = import_source(path)
    text = dump_lesson(imported.data)
    doc, problems = parse_document(text.encode("utf-8"), str(path))
    assert not problems and isinstance(doc, Lesson), text
    return doc, imported


@pytest.mark.parametrize("to", ["ipynb", "md"])
@pytest.mark.parametrize("lesson", BUNDLED, ids=lambda p: p.stem)
def test_bundled_lesson_round_trips(lesson: Path, to: str, tmp_path: Path) -> None:
    original = _load(lesson)
    out = tmp_path / f"{lesson.stem}.{to}"
    out.write_text(export_notebook(original, to))
    if to == "ipynb":
        nbformat.validate(nbformat.read(out, as_version=4))
    back, imported = _reimport(out)
    assert lesson_data(back) == lesson_data(original)
    assert imported.notes.items == []


def test_exported_notebook_shows_the_lesson_to_a_jupyter_user(tmp_path: Path) -> None:
    lesson = _load(ROOT / "lessons" / "pytorch-essentials" / "gradients.yaml")
    nb = json.loads(export_notebook(lesson, "ipynb"))
    assert nb["nbformat"] == 4 and nb["metadata"]["lectio"]["id"] == "gradients"
    cells = nb["cells"]
    assert "".join(cells[0]["source"]) == "# Gradients with autograd"
    code = next(c for c in cells if c["cell_type"] == "code")
    assert code["outputs"][0]["name"] == "stdout"  # the expected output, shown
    assert "".join(code["outputs"][0]["text"]) == "tensor(2., requires_grad=True)\n"
    question = next(c for c in cells if c["metadata"]["lectio"]["block"] == "question")
    text = "".join(question["source"])
    assert text.startswith("**Question** (Choose one answer.)") and "<details>" in text
    note = next(c for c in cells if c["metadata"]["lectio"]["block"] == "note")
    assert "".join(note["source"]).startswith('<div class="alert alert-block alert-info">')


def test_an_edited_cell_is_read_again_not_taken_from_stale_metadata(tmp_path: Path) -> None:
    lesson = _load(ROOT / "lessons" / "pytorch-essentials" / "gradients.yaml")
    nb = nbformat.reads(export_notebook(lesson, "ipynb"), as_version=4)
    note = next(c for c in nb.cells if c.metadata["lectio"]["block"] == "note")
    note.source = note.source.replace("partial derivatives", "PARTIAL DERIVATIVES")
    out = tmp_path / "edited.ipynb"
    nbformat.write(nb, out)
    back, imported = _reimport(out)
    notes = [b for b in back.blocks if hasattr(b, "note")]
    assert "PARTIAL DERIVATIVES" in notes[0].note
    assert any("edited since lectio exported it" in n.message for n in imported.notes.items)


def _notebook(cells: list[Any], path: Path, **meta: Any) -> Path:
    nb = v4.new_notebook(cells=cells, metadata=meta)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    nbformat.write(nb, path)
    return path


def _stream(text: str, name: str = "stdout") -> Any:
    return v4.new_output("stream", name=name, text=text)


def _result(text: str) -> Any:
    return v4.new_output("execute_result", data={"text/plain": text}, execution_count=1)


def _real_notebook(tmp_path: Path) -> Path:
    """A notebook as people write them: title heading, prose with math and a picture, stored
    outputs, nbval markers and tags, magics, an alert box, a fenced shell listing."""
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "dot.png").write_bytes(PNG)
    cells = [
        v4.new_markdown_cell("# Squares and sums\n\nThe sum is $\\sum_i x_i^2$.\n"),
        v4.new_markdown_cell("![A single dot](img/dot.png)"),
        v4.new_code_cell(
            "%matplotlib inline\nxs = [1, 2, 3]\nprint(sum(x * x for x in xs))",
            outputs=[_stream("14\n")],
        ),
        v4.new_code_cell("xs[-1] * 10", outputs=[_result("30")]),
        v4.new_code_cell(
            "# NBVAL_IGNORE_OUTPUT\nimport random\nprint(random.random())",
            outputs=[_stream("0.123\n")],
        ),
        v4.new_code_cell("# NBVAL_SKIP\nwhile True:\n    pass"),
        v4.new_code_cell(
            "1 / 0",
            metadata={"tags": ["raises-exception"]},
            outputs=[
                v4.new_output(
                    "error", ename="ZeroDivisionError", evalue="division by zero", traceback=[]
                )
            ],
        ),
        v4.new_code_cell("!pip install numpy\nprint('after')", outputs=[_stream("after\n")]),
        v4.new_markdown_cell(
            '<div class="alert alert-block alert-warning">\n\n**Careful**\n\nSquares grow fast.'
            "\n\n</div>"
        ),
        v4.new_markdown_cell("Install it with:\n\n```bash\npip install lectio\n```\n\nThen go on."),
        v4.new_code_cell(
            "import sys\nprint('out')\nprint('err', file=sys.stderr)",
            outputs=[_stream("out\n"), _stream("err\n", "stderr")],
        ),
        v4.new_code_cell(
            "print(object())",
            outputs=[_stream("<object object at 0x7f3a2b1c4d50>\n")],
        ),
        v4.new_code_cell(
            "show()",
            outputs=[v4.new_output("display_data", data={"text/html": "<b>x</b>"})],
        ),
    ]
    return _notebook(cells, tmp_path / "squares_and_sums.ipynb")


def test_a_real_notebook_maps_onto_lesson_keys(tmp_path: Path) -> None:
    source = _real_notebook(tmp_path)
    back, imported = _reimport(source)
    data = imported.data
    assert (data["id"], data["title"]) == ("squares-and-sums", "Squares and sums")
    blocks = data["blocks"]
    assert blocks[0] == {"text": "The sum is $\\sum_i x_i^2$.\n"}
    assert blocks[1] == {"figure": "img/dot.png", "alt": "A single dot"}
    assert blocks[2] == {
        "code": "xs = [1, 2, 3]\nprint(sum(x * x for x in xs))\n",
        "expect": "14\n",
    }
    assert blocks[3] == {"code": "xs[-1] * 10\n", "expect": "30\n"}
    assert blocks[4] == {"code": "import random\nprint(random.random())\n"}
    assert blocks[5] == {"code": "while True:\n    pass", "run": False}
    assert blocks[6] == {"code": "1 / 0\n", "expect": {"raises": "ZeroDivisionError"}}
    assert blocks[7] == {"code": "pip install numpy\n", "run": False, "language": "bash"}
    assert blocks[8] == {"code": "print('after')\n", "expect": "after\n"}
    assert blocks[9] == {"note": "Squares grow fast.\n", "kind": "warning", "title": "Careful"}
    assert blocks[10] == {"text": "Install it with:\n"}
    assert blocks[11] == {"code": "pip install lectio\n", "run": False, "language": "bash"}
    assert blocks[12] == {"text": "Then go on.\n"}
    assert blocks[13]["expect"] == {"stdout": "out\n", "stderr": "err\n"}
    assert blocks[14]["expect"] == "<object object at 0x...>\n"
    assert blocks[14]["normalize"] == ["addresses"]
    assert "expect" not in blocks[15]
    report = [n.located("nb.ipynb") for n in imported.notes.items]
    assert report == [
        "nb.ipynb: cell 3: the line %matplotlib was dropped (not needed in lectio)",
        "nb.ipynb: cell 6: skipped by nbval (NBVAL_SKIP or a tag): a run: false listing",
        "nb.ipynb: cell 8: shell commands (!cmd, %pip) are shown as a listing before the cell, "
        "not run",
        "nb.ipynb: cell 13: outputs lectio cannot express were left out of expect: text/html",
    ]
    assert back.requires == []  # only the standard library is imported


def test_pictures_and_rich_values_in_stored_outputs(tmp_path: Path) -> None:
    png = base64.b64encode(PNG).decode()
    cells = [
        v4.new_code_cell(
            "plt.plot([1, 2])\nplt.show()",
            outputs=[
                v4.new_output(
                    "display_data", data={"image/png": png, "text/plain": "<Figure size 640x480>"}
                )
            ],
        ),
        v4.new_code_cell(
            "x**2",
            outputs=[
                v4.new_output(
                    "execute_result",
                    data={"image/png": png, "text/plain": "x**2"},
                    execution_count=1,
                )
            ],
        ),
    ]
    imported = import_source(_notebook(cells, tmp_path / "rich.ipynb"))
    assert [b.get("expect") for b in imported.data["blocks"]] == [{"figures": 1}, "x**2\n"]


def test_cells_that_download_or_need_cuda_get_requires(tmp_path: Path) -> None:
    cells = [
        v4.new_code_cell("data = datasets.MNIST('data', download=True)"),
        v4.new_code_cell("x = torch.ones(2).cuda()"),
        v4.new_code_cell("device = 'cuda' if torch.cuda.is_available() else 'cpu'"),
    ]
    imported = import_source(_notebook(cells, tmp_path / "needs.ipynb"))
    assert [b.get("requires") for b in imported.data["blocks"]] == [["network"], ["cuda"], None]
    assert imported.notes.items[0].message.startswith(
        "the cell seems to need network: requires: [network]"
    )


def test_time_magics_drop_their_timings_and_unrenderable_math_becomes_code(
    tmp_path: Path,
) -> None:
    cells = [
        v4.new_code_cell(
            "%%time\nprint('asdf')",
            outputs=[
                _stream(
                    "asdf\nCPU times: user 132 µs, sys: 57 µs, total: 189 µs\nWall time: 188 µs\n"
                )
            ],
        ),
        v4.new_markdown_cell("Typeset by $\\LaTeX$, and $x^2$ is fine.\n\n$$\n\\foo{x}\n$$"),
    ]
    imported = import_source(_notebook(cells, tmp_path / "t.ipynb"))
    assert imported.data["blocks"] == [
        {"code": "print('asdf')\n", "expect": "asdf\n"},
        {"text": "Typeset by `\\LaTeX`, and $x^2$ is fine.\n\n```latex\n\\foo{x}\n```\n"},
    ]
    located = [n.located("t.ipynb") for n in imported.notes.items]
    assert located[1] == (
        "t.ipynb: cell 2: math lectio cannot render ($\\LaTeX$: unknown TeX command \\LaTeX); "
        "kept as TeX code"
    )
    assert all("\n" not in line for line in located)


def test_titles_below_badges_other_languages_and_progress_bars(tmp_path: Path) -> None:
    cells = [
        v4.new_markdown_cell(
            "[![Open In Colab](https://colab.example/badge.svg)](https://colab.example/nb)\n\n"
            "Training a model\n================\n\nSome prose."
        ),
        v4.new_code_cell("train()", outputs=[_stream("epoch 1\r epoch 2\r done\n")]),
    ]
    imported = import_source(_notebook(cells, tmp_path / "colab.ipynb"))
    assert imported.data["title"] == "Training a model"
    assert imported.data["blocks"][0]["text"].startswith("[![Open In Colab]")
    assert imported.data["blocks"][1] == {"code": "train()\n"}
    assert "the output holds a progress bar" in imported.notes.items[0].message
    r_cells = [v4.new_markdown_cell("# In R"), v4.new_code_cell("x <- c(1, 2)\nprint(x)")]
    r_nb = _notebook(r_cells, tmp_path / "r.ipynb", language_info={"name": "R"})
    imported = import_source(r_nb)
    assert imported.data["blocks"] == [
        {"code": "x <- c(1, 2)\nprint(x)", "run": False, "language": "r"}
    ]
    assert imported.notes.items[0].message == (
        "a notebook in r: its code cells are listings (lectio runs Python)"
    )


def test_import_into_a_course_folder_lists_the_lesson(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    course = tmp_path / "course"
    course.mkdir()
    (course / "course.yaml").write_text(
        "id: course\ntitle: C\nsections:\n  - title: One  # the first\n    lessons: [intro]\n"
    )
    (course / "intro.yaml").write_text("id: intro\ntitle: I\nblocks:\n  - text: hi\n")
    source = _notebook(
        [v4.new_code_cell("print(1)", outputs=[_stream("1\n")])], tmp_path / "Next Step.ipynb"
    )
    assert main(["import", str(source), "-o", str(course)]) == 0
    assert f"listed next-step in {course / 'course.yaml'}" in capsys.readouterr().out
    assert "    lessons: [intro, next-step]\n" in (course / "course.yaml").read_text()
    assert "# the first" in (course / "course.yaml").read_text()
    assert main(["validate", "--no-exec", str(course)]) == 0
    capsys.readouterr()


def test_import_command_writes_a_lesson_that_validates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = _real_notebook(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    assert main(["import", str(source), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"{source}: cell 3: the line %matplotlib was dropped" in printed
    lesson = out / "squares-and-sums.yaml"
    text = lesson.read_text()
    assert text.startswith("# Imported from squares_and_sums.ipynb by lectio import.\n")
    assert "#   squares_and_sums.ipynb: cell 13: outputs lectio cannot express" in text
    assert (out / "img" / "dot.png").read_bytes() == PNG
    assert main(["validate", "--no-exec", str(lesson)]) == 0
    capsys.readouterr()
    assert main(["import", str(source), "-o", str(out)]) == 1  # it exists: no overwrite
    assert "already exists (give --force" in capsys.readouterr().err


@pytest.mark.slow
def test_stored_outputs_give_a_lesson_that_validates_green(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cells = [
        v4.new_markdown_cell("# Green"),
        v4.new_code_cell("x = 6\nprint(x * 7)", outputs=[_stream("42\n")]),
        v4.new_code_cell("[x, x + 1]", outputs=[_result("[6, 7]")]),
        v4.new_code_cell(
            "# NBVAL_RAISES_EXCEPTION\nint('six')",
            outputs=[v4.new_output("error", ename="ValueError", evalue="", traceback=[])],
        ),
        v4.new_code_cell("%time y = x + 1\nprint(y)", outputs=[_stream("7\n")]),
        v4.new_code_cell(
            "import sys\nprint('out')\nprint('err', file=sys.stderr)",
            outputs=[_stream("out\n"), _stream("err\n", "stderr")],
        ),
        v4.new_code_cell(
            "print(object())", outputs=[_stream("<object object at 0x7f3a2b1c4d50>\n")]
        ),
    ]
    source = _notebook(cells, tmp_path / "green.ipynb")
    out = tmp_path / "out"
    out.mkdir()
    assert main(["import", str(source), "-o", str(out)]) == 0
    capsys.readouterr()
    done = subprocess.run(
        [sys.executable, "-m", "engine", "validate", str(out / "green.yaml")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 cells" in done.stdout and "no problems" in done.stdout


def test_percent_script_and_myst_markdown(tmp_path: Path) -> None:
    script = tmp_path / "walk.py"
    script.write_text(
        "# %% [markdown]\n# # A walk\n#\n# Some *prose*.\n\n# %%\nprint('step')\n\n"
        "# %% tags=['raises-exception']\nraise KeyError('k')\n"
    )
    imported = import_source(script)
    assert imported.data["title"] == "A walk"
    assert imported.data["blocks"] == [
        {"text": "Some *prose*.\n"},
        {"code": "print('step')\n"},
        {"code": "raise KeyError('k')\n", "expect": {"raises": "Exception"}},
    ]
    myst = tmp_path / "walk.md"
    myst.write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n"
        "  name: python3\n  display_name: Python 3\n---\n\n# MyST walk\n\n"
        "```{note}\nA MyST note.\n```\n\n```{code-cell} ipython3\nprint(2)\n```\n"
    )
    imported = import_source(myst)
    assert imported.data["title"] == "MyST walk"
    assert imported.data["blocks"] == [{"note": "A MyST note.\n"}, {"code": "print(2)\n"}]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "broken.ipynb",
            '{"cells": [\n  {"cell_type": }',
            "broken.ipynb:2:17: not a Jupyter notebook: the file is not valid JSON",
        ),
        (
            "old.ipynb",
            '{"nbformat": 2, "worksheets": []}',
            "old.ipynb:1:1: nbformat 2 notebooks are too old",
        ),
        ("list.ipynb", "[1, 2]", "list.ipynb:1:1: not a Jupyter notebook: no 'nbformat' key"),
        ("notes.txt", "hello", "notes.txt: not a notebook lectio can import"),
        ("latin.ipynb", b"\xe9t\xe9", "latin.ipynb:1:1: not UTF-8 text"),
        ("empty.ipynb", "", "empty.ipynb:1:1: not a Jupyter notebook: the file is empty"),
    ],
)
def test_bad_sources_get_located_messages(
    name: str,
    content: str | bytes,
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / name
    if isinstance(content, bytes):
        source.write_bytes(content)
    else:
        source.write_text(content)
    with pytest.raises(SourceError) as info:
        import_source(source)
    assert str(info.value).startswith(f"{tmp_path}/{message}"), str(info.value)
    assert main(["import", str(source), "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and message.split(": ", 1)[1] in err


def test_an_nbformat_v3_notebook_is_upgraded_with_a_note(tmp_path: Path) -> None:
    v3 = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": "old"},
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "heading", "level": 1, "metadata": {}, "source": "Old times"},
                    {
                        "cell_type": "code",
                        "language": "python",
                        "input": "print(1)",
                        "metadata": {},
                        "collapsed": False,
                        "prompt_number": 1,
                        "outputs": [{"output_type": "stream", "stream": "stdout", "text": "1\n"}],
                    },
                ],
                "metadata": {},
            }
        ],
    }
    source = tmp_path / "old.ipynb"
    source.write_text(json.dumps(v3))
    back, imported = _reimport(source)
    assert back.title == "Old times"
    assert imported.data["blocks"] == [{"code": "print(1)\n", "expect": "1\n"}]
    assert [n.message for n in imported.notes.items] == [
        "an nbformat v3 notebook: upgraded to v4 by nbformat before import"
    ]


def test_export_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lesson = ROOT / "lessons" / "pytorch-essentials" / "gradients.yaml"
    out = tmp_path / "g.ipynb"
    assert main(["export", str(lesson), "--to", "ipynb", "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    nbformat.validate(nbformat.read(out, as_version=4))
    assert main(["export", str(lesson), "--to", "md", "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith("---\njupyter:\n")
    quiz = ROOT / "quizzes" / "final-exam.yaml"
    assert main(["export", str(quiz), "--to", "ipynb", "-o", str(out)]) == 2
    assert "--to ipynb exports a lesson; this file is a quiz" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: X\nblocks: []\n")
    assert main(["export", str(bad), "--to", "ipynb"]) == 1
    assert f"{bad}:3:9: blocks: needs at least 1 block" in capsys.readouterr().err


@pytest.mark.slow
def test_exported_notebooks_run_in_jupyter_give_the_expected_outputs(tmp_path: Path) -> None:
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    for name in ("creating-tensors", "gradients"):
        lesson = _load(ROOT / "lessons" / "pytorch-essentials" / f"{name}.yaml")
        nb = nbformat.reads(export_notebook(lesson, "ipynb"), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
        nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
        checked = 0
        for cell in nb.cells:
            expect = (
                cell.metadata.get("lectio", {}).get("expect") if cell.cell_type == "code" else None
            )
            if expect is None:
                continue
            want = expect if isinstance(expect, str) else expect.get("stdout")
            if want is None:
                continue
            got = "".join(
                o.get("text", "")
                if o.output_type == "stream"
                else o.data.get("text/plain", "") + "\n"
                for o in cell.outputs
                if o.output_type in ("stream", "execute_result")
            )
            assert got.rstrip() == want.rstrip(), cell.source
            checked += 1
        assert checked >= 3


def test_import_makes_its_output_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``-o`` names a folder to write in, made if missing (with its parents), as nbconvert's
    ``--output-dir`` does; one that is a file, or missing sources, are refused first."""
    source = _real_notebook(tmp_path)
    out = tmp_path / "new" / "lessons"
    assert main(["import", str(tmp_path / "nowhere.ipynb"), "-o", str(out)]) == 2
    assert "nowhere.ipynb: no such file" in capsys.readouterr().err
    assert not out.exists()  # nothing made for an import that did not run
    assert main(["import", str(source), "-o", str(out)]) == 0
    assert (out / "squares-and-sums.yaml").is_file()
    capsys.readouterr()
    assert main(["import", str(source), "-o", str(source)]) == 2
    assert f"-o {source}: not a folder" in capsys.readouterr().err
