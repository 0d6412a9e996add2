"""Interface strings of the plain mode, in the learner's language.

Kept beside the plain mode (rather than in ``engine/i18n.py``) so both can grow without editing
each other's file; :func:`t` looks here first, then in the shared catalogs, so the plain mode
reuses the TUI's wording ("Select the correct answer", "Was everything clear?", ...).
"""

from __future__ import annotations

from typing import Any

from engine import i18n

EN: dict[str, str] = {
    "plain.chapter": "Chapter: {title}",
    "plain.course": "Course: {title}",
    "plain.quiz": "Quiz: {title}",
    "plain.resuming": "Resuming where you stopped (block {n} of {total}).",
    "plain.again": "You finished this chapter before; starting again from the top.",
    "plain.code_cell": "Code cell {n} of {total}:",
    "plain.code_cell_id": "Code cell {n} of {total} ({id}):",
    "plain.end_code": "End of code.",
    "plain.code": "Code:",
    "plain.running_above": "Running {n} earlier cell(s) first.",
    "plain.output": "Output:",
    "plain.value": "Value:",
    "plain.no_output": "No output.",
    "plain.error": "Error: {name}: {message}",
    "plain.expected_error": "Raised {name}, as this example means to: {message}",
    "plain.error_short": "Error: {name}.",
    "plain.expected_error_short": "Raised {name}, as this example means to.",
    "plain.question": "Question {n} of {total}:",
    "plain.how_one": "Type the number of your answer; h for a hint, s to skip.",
    "plain.how_all": "Type the numbers of every correct answer, separated by commas "
    "(for example 1,3); h for a hint, s to skip.",
    "plain.retry": "Try again (type your answer), h for a hint, or press Enter to see the answer.",
    "plain.bad_number": "{text} is not a choice: type a number from 1 to {n}.",
    "plain.one_only": "This question has one answer: type a single number.",
    "plain.no_hints": "This question has no hint.",
    "plain.your_pick": "your answer",
    "plain.right": "right",
    "plain.wrong": "wrong",
    "plain.answers": "The answers:",
    "plain.solved_before": "You answered this question correctly before.",
    "plain.skipped": "Skipped.",
    "plain.clear_prompt": "Was everything clear? [y/n]",
    "plain.improve_prompt": "How can we improve it? (press Enter to skip)",
    "plain.yes_no": "Please type y or n (or press Enter to skip).",
    "plain.yes_words": "y,yes",
    "plain.no_words": "n,no",
    "plain.saved": "Your progress is saved; run the same command to continue.",
    "plain.course_done": "You finished this course. Open it with --restart to go through it again.",
    "plain.graph_none": "(no graph)",
    "plain.see_above": "(shown above)",
    "plain.resume_quiz": "Resuming attempt {n} at question {k} of {total}.",
    "plain.attempt": "Attempt {n}.",
    "plain.missed_q": "Question {n}: {prompt}",
    "plain.your_answers": "Your answer: {picks}",
    "plain.correct_answers": "Correct answer: {picks}",
    "plain.not_answered": "not answered",
}

PT: dict[str, str] = {
    "plain.chapter": "Capítulo: {title}",
    "plain.course": "Curso: {title}",
    "plain.quiz": "Questionário: {title}",
    "plain.resuming": "Retomando de onde você parou (bloco {n} de {total}).",
    "plain.again": "Você já concluiu este capítulo; recomeçando do início.",
    "plain.code_cell": "Célula de código {n} de {total}:",
    "plain.code_cell_id": "Célula de código {n} de {total} ({id}):",
    "plain.end_code": "Fim do código.",
    "plain.code": "Código:",
    "plain.running_above": "Executando antes {n} célula(s) anterior(es).",
    "plain.output": "Saída:",
    "plain.value": "Valor:",
    "plain.no_output": "Sem saída.",
    "plain.error": "Erro: {name}: {message}",
    "plain.expected_error": "Levantou {name}, como este exemplo pretende: {message}",
    "plain.error_short": "Erro: {name}.",
    "plain.expected_error_short": "Levantou {name}, como este exemplo pretende.",
    "plain.question": "Pergunta {n} de {total}:",
    "plain.how_one": "Digite o número da sua resposta; h para uma dica, p para pular.",
    "plain.how_all": "Digite os números de todas as respostas corretas, separados por vírgulas "
    "(por exemplo 1,3); h para uma dica, p para pular.",
    "plain.retry": "Tente de novo (digite sua resposta), h para uma dica, ou Enter para ver "
    "a resposta.",
    "plain.bad_number": "{text} não é uma opção: digite um número de 1 a {n}.",
    "plain.one_only": "Esta pergunta tem uma só resposta: digite um único número.",
    "plain.no_hints": "Esta pergunta não tem dica.",
    "plain.your_pick": "sua resposta",
    "plain.right": "correta",
    "plain.wrong": "errada",
    "plain.answers": "As respostas:",
    "plain.solved_before": "Você já respondeu esta pergunta corretamente.",
    "plain.skipped": "Pulada.",
    "plain.clear_prompt": "Tudo estava claro? [s/n]",
    "plain.improve_prompt": "Como podemos melhorá-lo? (Enter para pular)",
    "plain.yes_no": "Digite s ou n (ou Enter para pular).",
    "plain.yes_words": "s,sim,y,yes",
    "plain.no_words": "n,não,nao,no",
    "plain.saved": "Seu progresso está salvo; execute o mesmo comando para continuar.",
    "plain.course_done": "Você concluiu este curso. Abra-o com --restart para percorrê-lo de novo.",
    "plain.graph_none": "(sem grafo)",
    "plain.see_above": "(mostrado acima)",
    "plain.resume_quiz": "Retomando a tentativa {n} na pergunta {k} de {total}.",
    "plain.attempt": "Tentativa {n}.",
    "plain.missed_q": "Pergunta {n}: {prompt}",
    "plain.your_answers": "Sua resposta: {picks}",
    "plain.correct_answers": "Resposta correta: {picks}",
    "plain.not_answered": "sem resposta",
}

CATALOGS = {"en": EN, "pt": PT}


def t(key: str, lang: str | None, **fmt: Any) -> str:
    """Plain-mode string ``key`` (falls back to the shared catalogs, then English)."""
    catalog = CATALOGS.get(i18n.resolve(lang), EN)
    text = catalog.get(key) or EN.get(key)
    if text is None:
        return i18n.t(key, lang, **fmt)
    try:
        return text.format(**fmt) if fmt else text
    except (KeyError, IndexError, ValueError):
        return text
