"""``lectio export --to qti|gift``: a lesson's or a quiz's questions as an LMS question bank.

- **QTI 2.1** (``--to qti``): a content package (zip) with ``imsmanifest.xml``, one
  ``assessmentItem`` per question (``choiceInteraction``; a select-all question has
  ``cardinality="multiple"`` and no choice limit) and an ``assessmentTest`` listing them (a
  quiz's ``pick`` becomes the section's ``selection``). Each choice's ``why`` is its
  ``feedbackInline``, shown for the choices the learner picked (response processing copies the
  response into ``FEEDBACK``). Markdown becomes XHTML (markdown-it-py); math stays ``$...$``.
- **GIFT** (``--to gift``): Moodle's text format, ``::id::[markdown]prompt{=right#why ~wrong#why}``;
  a select-all question gives each right choice an equal share of 100% and each wrong one an
  equal negative share, from the weights Moodle accepts. ``~ = # { } :`` and backslashes are
  escaped, newlines written ``\\n``.

A quiz's refs are resolved in its lessons folder, as ``lectio validate`` does. Hints and
``verify`` code have no place in either format and are left out.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from engine.format.models import Lesson, QuestionBlock, QuestionRef, Quiz

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MOODLE_WEIGHTS = (
    100,
    90,
    83.33333,
    80,
    75,
    70,
    66.66667,
    60,
    50,
    40,
    33.33333,
    30,
    25,
    20,
    16.66667,
    14.28571,
    12.5,
    11.11111,
    10,
    5,
)


class LmsError(ValueError):
    """The questions cannot be exported (a ref that does not resolve, no questions)."""


def questions_of(doc: Lesson | Quiz, path: Path, lessons: str | None = None) -> list[QuestionBlock]:
    if isinstance(doc, Lesson):
        found = doc.questions
    else:
        from engine.format.catalog import Catalog, default_lessons_root

        root = Path(lessons) if lessons else default_lessons_root(path)
        catalog = Catalog(root) if root is not None else None
        found = []
        for item in doc.questions:
            if isinstance(item, QuestionRef):
                if catalog is None:
                    raise LmsError(f"{item.span}: ref: no lessons/ folder found; pass --lessons")
                try:
                    found.append(catalog.find_question(item)[1])
                except LookupError as exc:
                    raise LmsError(f"{item.span_of('ref')}: {exc}") from None
            else:
                found.append(item)
    if not found:
        raise LmsError(f"{path}: the lesson has no questions to export")
    return found


def _html(markdown: str) -> str:
    """Markdown as an XHTML fragment for QTI; plain escaped text if it is not well formed."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"xhtmlOut": True, "html": False})
    html = str(md.render(markdown)).strip()
    try:
        ET.fromstring(f"<div>{html}</div>")
    except ET.ParseError:
        return f"<p>{escape(markdown.strip())}</p>"
    return html


def _inline(markdown: str) -> str:
    """A choice's text: one paragraph's content, without the <p>."""
    html = _html(markdown)
    found = re.fullmatch(r"<p>(.*)</p>", html, re.DOTALL)
    return str(found.group(1)) if found else html


def qti_item(question: QuestionBlock, identifier: str, title: str) -> str:
    multiple = question.multiple
    cardinality = "multiple" if multiple else "single"
    correct = "".join(f"<value>{LETTERS[i]}</value>" for i in sorted(question.correct_indexes))
    choices = []
    for i, choice in enumerate(question.choices):
        feedback = (
            f'<feedbackInline outcomeIdentifier="FEEDBACK" identifier="{LETTERS[i]}" '
            f'showHide="show">{_inline(choice.why)}</feedbackInline>'
            if choice.why
            else ""
        )
        text = _inline(choice.text)
        choices.append(f'<simpleChoice identifier="{LETTERS[i]}">{text}{feedback}</simpleChoice>')
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<assessmentItem xmlns="{QTI_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{QTI_NS} {QTI_XSD}" identifier={quoteattr(identifier)} '
        f'title={quoteattr(title)} adaptive="false" timeDependent="false">\n'
        f'<responseDeclaration identifier="RESPONSE" cardinality="{cardinality}" '
        f'baseType="identifier"><correctResponse>{correct}</correctResponse>'
        "</responseDeclaration>\n"
        '<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float">'
        "<defaultValue><value>0</value></defaultValue></outcomeDeclaration>\n"
        f'<outcomeDeclaration identifier="FEEDBACK" cardinality="{cardinality}" '
        'baseType="identifier"/>\n'
        f"<itemBody>\n<div>{_html(question.question)}</div>\n"
        f'<choiceInteraction responseIdentifier="RESPONSE" '
        f'shuffle="{"true" if question.shuffle else "false"}" '
        f'maxChoices="{0 if multiple else 1}">\n' + "\n".join(choices) + "\n"
        "</choiceInteraction>\n</itemBody>\n"
        "<responseProcessing><responseCondition><responseIf><match>"
        '<variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></match>'
        '<setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue>'
        "</setOutcomeValue></responseIf><responseElse>"
        '<setOutcomeValue identifier="SCORE"><baseValue baseType="float">0</baseValue>'
        "</setOutcomeValue></responseElse></responseCondition>"
        '<setOutcomeValue identifier="FEEDBACK"><variable identifier="RESPONSE"/>'
        "</setOutcomeValue></responseProcessing>\n"
        "</assessmentItem>\n"
    )
    ET.fromstring(text)  # well formed, or a bug here
    return text


def _test(doc_id: str, title: str, refs: list[tuple[str, str]], pick: int | None) -> str:
    selection = f'<selection select="{pick}"/>' if pick else ""
    items = "".join(
        f"<assessmentItemRef identifier={quoteattr(ident)} href={quoteattr(href)}/>"
        for ident, href in refs
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<assessmentTest xmlns="{QTI_NS}" identifier={quoteattr(doc_id)} title={quoteattr(title)}>'
        '<testPart identifier="part-1" navigationMode="nonlinear" submissionMode="simultaneous">'
        f'<assessmentSection identifier="section-1" title={quoteattr(title)} visible="true">'
        f"{selection}{items}</assessmentSection></testPart></assessmentTest>\n"
    )


def _manifest(doc_id: str, refs: list[tuple[str, str]]) -> str:
    resources = "".join(
        f'<resource identifier={quoteattr("res-" + ident)} type="imsqti_item_xmlv2p1" '
        f"href={quoteattr(href)}><file href={quoteattr(href)}/></resource>"
        for ident, href in refs
    )
    deps = "".join(f"<dependency identifierref={quoteattr('res-' + i)}/>" for i, _ in refs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest xmlns="{CP_NS}" identifier={quoteattr("manifest-" + doc_id)}>'
        "<metadata><schema>QTIv2.1 Package</schema><schemaversion>1.0.0</schemaversion>"
        "</metadata><organizations/><resources>"
        f'<resource identifier="res-test" type="imsqti_test_xmlv2p1" href="assessment.xml">'
        f'<file href="assessment.xml"/>{deps}</resource>{resources}</resources></manifest>\n'
    )


def qti_package(doc: Lesson | Quiz, questions: list[QuestionBlock]) -> bytes:
    refs: list[tuple[str, str]] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for question in questions:
            ident = f"{doc.id}-{question.id}"
            ident = ident if ident[0].isalpha() else f"q-{ident}"  # an XML name
            href = f"items/{ident}.xml"
            zf.writestr(href, qti_item(question, ident, question.id))
            refs.append((ident, href))
        pick = doc.pick if isinstance(doc, Quiz) else None
        zf.writestr("assessment.xml", _test(doc.id, doc.title, refs, pick))
        zf.writestr("imsmanifest.xml", _manifest(doc.id, refs))
    return buffer.getvalue()


def gift_escape(text: str) -> str:
    text = text.strip()
    for char in "\\~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _weight(n: int) -> str:
    share = 100 / n
    nearest = min(MOODLE_WEIGHTS, key=lambda w: abs(w - share))
    return f"{nearest:g}"


def gift_question(question: QuestionBlock, prefix: str) -> str:
    lines = [
        f"// {prefix}{question.id}",
        f"::{gift_escape(prefix + question.id)}::[markdown]{gift_escape(question.question)}{{",
    ]
    right = len(question.correct_indexes)
    wrong = len(question.choices) - right
    for choice in question.choices:
        why = f"#{gift_escape(choice.why)}" if choice.why else ""
        text = gift_escape(choice.text)
        if not question.multiple:
            lines.append(f"\t{'=' if choice.correct else '~'}{text}{why}")
        elif choice.correct:
            lines.append(f"\t~%{_weight(right)}%{text}{why}")
        else:
            lines.append(f"\t~%-{_weight(max(wrong, 1))}%{text}{why}")
    lines.append("}")
    return "\n".join(lines)


def gift(doc: Lesson | Quiz, questions: list[QuestionBlock]) -> str:
    header = f"// {doc.title} ({doc.id}), exported by lectio\n$CATEGORY: {doc.id}\n\n"
    return header + "\n\n".join(gift_question(q, f"{doc.id}-") for q in questions) + "\n"


def export_questions(doc: Any, to: str, path: Path, *, lessons: str | None = None) -> bytes:
    questions = questions_of(doc, path, lessons)
    if to == "qti":
        return qti_package(doc, questions)
    return gift(doc, questions).encode("utf-8")
