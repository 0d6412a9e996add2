"""`lectio export --to qti|gift`: question banks for Canvas and Moodle."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from engine.authoring.lms import gift, gift_escape, qti_package
from engine.cli import main
from engine.format.loader import parse_document
from engine.format.models import Lesson

ROOT = Path(__file__).resolve().parents[1]
QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
LESSON = """\
id: l
title: "L: a lesson"
blocks:
  - question: "Which is {right}?"
    id: one
    choices:
      - text: "a = b # c"
        correct: true
        why: "Because: it is."
      - text: "~tilde"
        why: "Not\\nthis"
  - question: Select the even numbers.
    id: many
    multiple: true
    shuffle: false
    choices:
      - {text: "2", correct: true, why: two is even}
      - {text: "4", correct: true}
      - {text: "5", why: five is odd}
"""


def _lesson() -> Lesson:
    doc, problems = parse_document(LESSON.encode(), "l.yaml")
    assert not problems and isinstance(doc, Lesson)
    return doc


def test_gift_escapes_and_weights() -> None:
    assert gift_escape("a = b # {c} ~d: e\\f\nnext") == "a \\= b \\# \\{c\\} \\~d\\: e\\\\f\\nnext"
    text = gift(_lesson(), _lesson().questions)
    assert "::l-one::[markdown]Which is \\{right\\}?{\n" in text
    assert "\t=a \\= b \\# c#Because\\: it is.\n" in text
    assert "\t~\\~tilde#Not\\nthis\n" in text
    assert "\t~%50%2#two is even\n\t~%50%4\n\t~%-100%5#five is odd\n}" in text


def test_qti_package_items_manifest_and_feedback() -> None:
    data = qti_package(_lesson(), _lesson().questions)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        assert names == {"imsmanifest.xml", "assessment.xml", "items/l-one.xml", "items/l-many.xml"}
        manifest = ET.fromstring(zf.read("imsmanifest.xml"))
        hrefs = {r.get("href") for r in manifest.iter(f"{CP}resource")}
        assert hrefs == {"assessment.xml", "items/l-one.xml", "items/l-many.xml"}
        one = ET.fromstring(zf.read("items/l-one.xml"))
        many = ET.fromstring(zf.read("items/l-many.xml"))
    declaration = one.find(f"{QTI}responseDeclaration")
    assert declaration is not None and declaration.get("cardinality") == "single"
    interaction = one.find(f".//{QTI}choiceInteraction")
    assert interaction is not None and interaction.get("maxChoices") == "1"
    feedback = one.find(f".//{QTI}simpleChoice[@identifier='A']/{QTI}feedbackInline")
    assert feedback is not None and feedback.text == "Because: it is."
    declaration = many.find(f"{QTI}responseDeclaration")
    assert declaration is not None and declaration.get("cardinality") == "multiple"
    values = [v.text for v in many.iter(f"{QTI}value") if (v.text or "") in ("A", "B", "C")]
    assert values == ["A", "B"]
    interaction = many.find(f".//{QTI}choiceInteraction")
    assert interaction is not None
    assert (interaction.get("maxChoices"), interaction.get("shuffle")) == ("0", "false")


def test_export_a_quiz_resolves_its_refs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    quiz = ROOT / "quizzes" / "final-exam.yaml"
    out = tmp_path / "exam.zip"
    assert main(["export", str(quiz), "--to", "qti", "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        test = ET.fromstring(zf.read("assessment.xml"))
    selection = test.find(f".//{QTI}selection")
    assert selection is not None and selection.get("select") == "12"  # the quiz's pick
    assert len(test.findall(f".//{QTI}assessmentItemRef")) == 23
    capsys.readouterr()
    assert main(["export", str(quiz), "--to", "gift", "-o", "-"]) == 0
    assert capsys.readouterr().out.count("\n::final-exam-") == 23
    assert main(["export", str(quiz), "--to", "qti", "-o", "-"]) == 2
    assert "a QTI package is a zip" in capsys.readouterr().err
    lonely = tmp_path / "q.yaml"
    lonely.write_text("id: q\ntitle: Q\nquestions:\n  - ref: c/l#q\n")
    assert main(["export", str(lonely), "--to", "gift", "-o", "-"]) == 1
    assert "ref:" in capsys.readouterr().err
