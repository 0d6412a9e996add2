"""Interface strings in the learner's language, for every front end (TUI, plain mode, CLI).

Headless on purpose: no textual, no terminal. The front ends speak the lesson's language (or the
course's, or ``--lang``); the original lesson page is Brazilian Portuguese, so ``pt`` uses its exact
wording ("Selecione a resposta correta", "Tudo estava claro?", ...).

Usage::

    t("question.select_one", "pt")                     -> "Selecione a resposta correta"
    t("course.section_chapter", "en", section=1, chapter=11) -> "Section 1 · Chapter 11"

A language tag is reduced to its primary subtag ("pt-BR" -> "pt"); unknown languages fall back to
English, and a key missing from a catalog falls back to the English string, so a front end never
shows a raw key because a translation lags behind. Anyone may add keys: add them to BOTH catalogs
(a test checks that the catalogs have the same keys and the same ``{placeholders}``).

Numbers: a float placeholder such as ``{seconds:.2f}`` is written with the language's decimal
separator ("Concluído em 0,00 s"), by the one formatter that ``t`` uses; code that writes a
number outside a catalog string calls ``decimal`` so the rule lives in one place.
"""

from __future__ import annotations

import string
from typing import Any

DEFAULT_LANG = "en"

EN: dict[str, str] = {
    # application
    "app.title": "lectio",
    "app.quit": "Quit",
    "app.help": "Help",
    "app.back": "Back",
    "app.theme": "Light/dark",
    "app.theme_dark": "Dark theme",
    "app.theme_light": "Light theme",
    "app.language": "Language",
    "app.error": "Error",
    "app.not_saved": "Not saved",
    "app.failed": "Something went wrong (this is a bug in lectio)",
    "app.cannot_open": "Cannot open {path}",
    "app.nothing_to_open": "No course found. Pass a course folder, a lesson or a quiz file.",
    # course map
    "course.section": "Section {n}",
    "course.chapter": "Chapter {n}",
    "course.section_chapter": "Section {section} · Chapter {chapter}",
    "course.continue": "Continue",
    "course.start": "Start",
    "course.progress": "{done} of {total} chapters done",
    "course.done": "Done",
    "course.started": "Started",
    "course.not_started": "Not started",
    "course.missing": "Missing",
    "course.unavailable": "Unavailable",
    "course.cannot_open": "This chapter cannot be opened: its file has problems",
    "course.open_chapter": "Open chapter",
    "course.map": "Course map",
    "course.quizzes": "Quizzes",
    # lesson screen
    "lesson.menu": "Chapters",
    "lesson.progress": "{percent:.0f}% read",
    "lesson.previous": "Previous chapter",
    "lesson.next": "Next chapter",
    "lesson.end": "End of the chapter",
    "lesson.course_done": "You finished the course!",
    "lesson.missing_module": "This lesson needs the module {modules}, which is not installed: "
    "pip install {packages}",
    "lesson.missing_modules": "This lesson needs the modules {modules}, which are not "
    "installed: pip install {packages}",
    "lesson.next_block": "Next block",
    "lesson.previous_block": "Previous block",
    # notes
    "note.definition": "Definition",
    "note.tip": "Tip",
    "note.info": "Info",
    "note.warning": "Warning",
    # code cells
    "cell.run": "Run",
    "cell.run_above": "Run all above",
    "cell.edit": "Edit",
    "cell.done_editing": "Done editing",
    "cell.reset": "Reset",
    "cell.copy": "Copy",
    "cell.copied": "Code copied to the clipboard",
    "cell.running": "Running…",
    "cell.queued": "Waiting…",
    "cell.edited": "edited",
    "cell.ok": "Done in {seconds:.2f} s",
    "cell.error": "{name} after {seconds:.2f} s",
    "cell.timeout": "Timed out after {seconds:.1f} s",
    "cell.crashed": "The kernel crashed while running this cell; it is restarting",
    "cell.skipped": "Skipped",
    "cell.skipped_missing": "Skipped: {modules} not installed",
    "cell.raised_as_expected": "{name} raised, as the lesson expects",
    "cell.truncated": "… output truncated",
    "cell.not_run": "Not run yet",
    "cell.number": "Cell {n}",
    "cell.lines": "{n} lines",
    # graph blocks
    "graph.title": "Autograd graph of {name}",
    "graph.draw": "Draw graph",
    "graph.drawing": "Drawing the graph…",
    "graph.not_drawn": "Press Draw to run the cells above and draw the graph of {name}",
    "graph.error": "Cannot draw the graph: {error}",
    "graph.empty": "{name} has no autograd graph (it does not require grad)",
    "graph.grad": "grad",
    # questions
    "question.select_one": "Select the correct answer",
    "question.select_all": "Select all that apply",
    "question.check": "Check",
    "question.correct": "Correct!",
    "question.incorrect": "Not quite.",
    "question.partly": "Not quite: {wrong} wrong, {missed} missed.",
    "question.hint": "Hint",
    "question.hint_n": "Hint {n} of {total}",
    "question.no_more_hints": "No more hints.",
    "question.retry": "Try again",
    "question.attempt": "Attempt {n}",
    "question.pick_first": "Pick an answer first",
    "question.your_answer": "your answer",
    "question.correct_answer": "correct answer",
    "question.solved": "Solved",
    "question.title": "Question",
    # chapter feedback
    "feedback.clear": "Was everything clear?",
    "feedback.yes": "Yes",
    "feedback.no": "No",
    "feedback.improve": "How can we improve it?",
    "feedback.placeholder": "Your comment (optional)",
    "feedback.send": "Send",
    "feedback.thanks": "Thanks for your feedback!",
    # standalone quizzes
    "quiz.question_n": "Question {n} of {total}",
    "quiz.next": "Next question",
    "quiz.finish": "See the result",
    "quiz.score": "Score: {correct} of {total} ({percent:.0f}%)",
    "quiz.pass_mark": "Pass mark: {percent:.0f}%",
    "quiz.passed": "Passed!",
    "quiz.failed": "Not passed yet",
    "quiz.review": "Review of the misses",
    "quiz.no_misses": "No misses. Well done!",
    "quiz.retake": "Retake",
    # kernel
    "kernel.label": "Kernel",
    "kernel.starting": "starting",
    "kernel.ready": "ready",
    "kernel.busy": "busy",
    "kernel.restarting": "restarting",
    "kernel.dead": "dead",
    "kernel.off": "not started",
    "kernel.interrupt": "Interrupt",
    "kernel.restart": "Restart kernel",
    "kernel.restarted": "Kernel restarted: cells will run again from the top",
    "kernel.interrupted": "Interrupt sent",
    # help
    "help.title": "Help",
    "help.keys": "Keys",
    "help.intro": "Move with Tab / Shift+Tab or the arrow keys, press Enter to activate. "
    "Every action has a key, shown in the footer. Ctrl+P opens the command palette.",
    "help.close": "Close",
    "help.key.focus": "Move between blocks, buttons and choices",
    "help.key.activate": "Press a button, pick a choice",
    "help.key.chapters": "Next / previous chapter",
    "help.key.palette": "Command palette: every command by name",
    "help.key.blocks": "Next / previous block",
    "help.key.edit": "Edit the code in place / leave the editor",
    "help.section.everywhere": "Everywhere",
    "help.section.lesson": "Lesson",
    "help.section.cell": "Code cells and graphs",
    "help.section.question": "Questions and quizzes",
    # `lectio progress`
    "progress.of": "Progress of {learner}",
    "progress.not_found": "{course} (course files not found): {done} chapter(s) done, "
    "{started} started",
    "progress.alone": "Lessons on their own:",
    "progress.quizzes": "Quizzes:",
    "progress.attempts": "{n} finished attempt(s)",
    "progress.best": "best {percent:.0f}%",
    "progress.passed": "passed",
    "progress.not_passed": "not passed",
    "progress.in_progress": "attempt {n} in progress",
    # plain mode (engine/plain): the line-by-line interface
    "plain.chapter": "Chapter: {title}",
    "plain.course": "Course: {title}",
    "plain.quiz": "Quiz: {title}",
    "plain.resuming": "Resuming where you stopped (block {n} of {total}).",
    "plain.again": "You finished this chapter before; starting again from the top.",
    "plain.code_cell": "Code cell {n} of {total}:",
    "plain.code_cell_id": "Code cell {n} of {total} ({id}):",
    "plain.end_code": "End of code.",
    "plain.code": "Code:",
    "plain.table": "Table with the columns {columns}:",
    "plain.table_row": "Row {n}: {cells}",
    "plain.picture": "Picture: {alt}",
    "plain.picture_web": "Picture: {alt} (on the web, not downloaded: {src})",
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
    "plain.chapter_unavailable": "{chapter} ({id}) is skipped: its file has problems:",
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
    # application
    "app.title": "lectio",
    "app.quit": "Sair",
    "app.help": "Ajuda",
    "app.back": "Voltar",
    "app.theme": "Claro/escuro",
    "app.theme_dark": "Tema escuro",
    "app.theme_light": "Tema claro",
    "app.language": "Idioma",
    "app.error": "Erro",
    "app.not_saved": "Não foi salvo",
    "app.failed": "Algo deu errado (é um erro do lectio)",
    "app.cannot_open": "Não foi possível abrir {path}",
    "app.nothing_to_open": "Nenhum curso encontrado. Indique uma pasta de curso, uma lição "
    "ou um questionário.",
    # course map
    "course.section": "Seção {n}",
    "course.chapter": "Capítulo {n}",
    "course.section_chapter": "Seção {section} · Capítulo {chapter}",
    "course.continue": "Continuar",
    "course.start": "Começar",
    "course.progress": "{done} de {total} capítulos concluídos",
    "course.done": "Concluído",
    "course.started": "Iniciado",
    "course.not_started": "Não iniciado",
    "course.missing": "Ausente",
    "course.unavailable": "Indisponível",
    "course.cannot_open": "Não é possível abrir este capítulo: o arquivo dele tem problemas",
    "course.open_chapter": "Abrir capítulo",
    "course.map": "Mapa do curso",
    "course.quizzes": "Questionários",
    # lesson screen
    "lesson.menu": "Capítulos",
    "lesson.progress": "{percent:.0f}% lido",
    "lesson.previous": "Capítulo anterior",
    "lesson.next": "Próximo capítulo",
    "lesson.end": "Fim do capítulo",
    "lesson.course_done": "Você concluiu o curso!",
    "lesson.missing_module": "Esta lição precisa do módulo {modules}, que não está instalado: "
    "pip install {packages}",
    "lesson.missing_modules": "Esta lição precisa dos módulos {modules}, que não estão "
    "instalados: pip install {packages}",
    "lesson.next_block": "Próximo bloco",
    "lesson.previous_block": "Bloco anterior",
    # notes
    "note.definition": "Definição",
    "note.tip": "Dica",
    "note.info": "Informação",
    "note.warning": "Atenção",
    # code cells
    "cell.run": "Executar",
    "cell.run_above": "Executar tudo acima",
    "cell.edit": "Editar",
    "cell.done_editing": "Concluir edição",
    "cell.reset": "Restaurar",
    "cell.copy": "Copiar",
    "cell.copied": "Código copiado para a área de transferência",
    "cell.running": "Executando…",
    "cell.queued": "Aguardando…",
    "cell.edited": "editado",
    "cell.ok": "Concluído em {seconds:.2f} s",
    "cell.error": "{name} após {seconds:.2f} s",
    "cell.timeout": "Tempo esgotado após {seconds:.1f} s",
    "cell.crashed": "O kernel travou ao executar esta célula; ele está reiniciando",
    "cell.skipped": "Ignorada",
    "cell.skipped_missing": "Ignorada: falta instalar {modules}",
    "cell.raised_as_expected": "{name} lançada, como a lição espera",
    "cell.truncated": "… saída truncada",
    "cell.not_run": "Ainda não executada",
    "cell.number": "Célula {n}",
    "cell.lines": "{n} linhas",
    # graph blocks
    "graph.title": "Grafo de autograd de {name}",
    "graph.draw": "Desenhar grafo",
    "graph.drawing": "Desenhando o grafo…",
    "graph.not_drawn": "Pressione Desenhar para executar as células acima e desenhar o grafo "
    "de {name}",
    "graph.error": "Não foi possível desenhar o grafo: {error}",
    "graph.empty": "{name} não tem grafo de autograd (não requer gradiente)",
    "graph.grad": "grad",
    # questions
    "question.select_one": "Selecione a resposta correta",
    "question.select_all": "Selecione todas as corretas",
    "question.check": "Verificar",
    "question.correct": "Correto!",
    "question.incorrect": "Não é bem isso.",
    "question.partly": "Não é bem isso: {wrong} errada(s), {missed} faltando.",
    "question.hint": "Dica",
    "question.hint_n": "Dica {n} de {total}",
    "question.no_more_hints": "Não há mais dicas.",
    "question.retry": "Tentar novamente",
    "question.attempt": "Tentativa {n}",
    "question.pick_first": "Escolha uma resposta primeiro",
    "question.your_answer": "sua resposta",
    "question.correct_answer": "resposta correta",
    "question.solved": "Resolvida",
    "question.title": "Pergunta",
    # chapter feedback
    "feedback.clear": "Tudo estava claro?",
    "feedback.yes": "Sim",
    "feedback.no": "Não",
    "feedback.improve": "Como podemos melhorá-lo?",
    "feedback.placeholder": "Seu comentário (opcional)",
    "feedback.send": "Enviar",
    "feedback.thanks": "Obrigado pelo seu feedback!",
    # standalone quizzes
    "quiz.question_n": "Pergunta {n} de {total}",
    "quiz.next": "Próxima pergunta",
    "quiz.finish": "Ver o resultado",
    "quiz.score": "Pontuação: {correct} de {total} ({percent:.0f}%)",
    "quiz.pass_mark": "Nota mínima: {percent:.0f}%",
    "quiz.passed": "Aprovado!",
    "quiz.failed": "Ainda não aprovado",
    "quiz.review": "Revisão dos erros",
    "quiz.no_misses": "Nenhum erro. Muito bem!",
    "quiz.retake": "Refazer",
    # kernel
    "kernel.label": "Kernel",
    "kernel.starting": "iniciando",
    "kernel.ready": "pronto",
    "kernel.busy": "ocupado",
    "kernel.restarting": "reiniciando",
    "kernel.dead": "parado",
    "kernel.off": "não iniciado",
    "kernel.interrupt": "Interromper",
    "kernel.restart": "Reiniciar kernel",
    "kernel.restarted": "Kernel reiniciado: as células serão executadas de novo desde o início",
    "kernel.interrupted": "Interrupção enviada",
    # help
    "help.title": "Ajuda",
    "help.keys": "Teclas",
    "help.intro": "Navegue com Tab / Shift+Tab ou as setas e pressione Enter para ativar. "
    "Toda ação tem uma tecla, mostrada no rodapé. Ctrl+P abre a paleta de comandos.",
    "help.close": "Fechar",
    "help.key.focus": "Navegar entre blocos, botões e alternativas",
    "help.key.activate": "Pressionar um botão, escolher uma alternativa",
    "help.key.chapters": "Próximo / capítulo anterior",
    "help.key.palette": "Paleta de comandos: todos os comandos pelo nome",
    "help.key.blocks": "Próximo / bloco anterior",
    "help.key.edit": "Editar o código no lugar / sair do editor",
    "help.section.everywhere": "Em qualquer lugar",
    "help.section.lesson": "Lição",
    "help.section.cell": "Células de código e grafos",
    "help.section.question": "Perguntas e questionários",
    # `lectio progress`
    "progress.of": "Progresso de {learner}",
    "progress.not_found": "{course} (arquivos do curso não encontrados): {done} capítulo(s) "
    "concluído(s), {started} iniciado(s)",
    "progress.alone": "Lições avulsas:",
    "progress.quizzes": "Questionários:",
    "progress.attempts": "{n} tentativa(s) concluída(s)",
    "progress.best": "melhor {percent:.0f}%",
    "progress.passed": "aprovado",
    "progress.not_passed": "não aprovado",
    "progress.in_progress": "tentativa {n} em andamento",
    # plain mode (engine/plain): the line-by-line interface
    "plain.chapter": "Capítulo: {title}",
    "plain.course": "Curso: {title}",
    "plain.quiz": "Questionário: {title}",
    "plain.resuming": "Retomando de onde você parou (bloco {n} de {total}).",
    "plain.again": "Você já concluiu este capítulo; recomeçando do início.",
    "plain.code_cell": "Célula de código {n} de {total}:",
    "plain.code_cell_id": "Célula de código {n} de {total} ({id}):",
    "plain.end_code": "Fim do código.",
    "plain.code": "Código:",
    "plain.table": "Tabela com as colunas {columns}:",
    "plain.table_row": "Linha {n}: {cells}",
    "plain.picture": "Imagem: {alt}",
    "plain.picture_web": "Imagem: {alt} (na web, não baixada: {src})",
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
    "plain.chapter_unavailable": "{chapter} ({id}) foi pulado: o arquivo dele tem problemas:",
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

CATALOGS: dict[str, dict[str, str]] = {"en": EN, "pt": PT}
"""Catalogs by primary language subtag."""

DECIMAL_SEPARATORS: dict[str, str] = {"en": ".", "pt": ","}
"""The decimal mark of each catalog's language (Brazilian Portuguese writes 0,25)."""


class _Formatter(string.Formatter):
    """``str.format`` that writes floats with the language's decimal mark."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.mark = DECIMAL_SEPARATORS.get(lang, ".")

    def format_field(self, value: Any, format_spec: str) -> str:
        text = str(super().format_field(value, format_spec))
        if self.mark != "." and isinstance(value, float):
            text = text.replace(".", self.mark)
        return text


def resolve(lang: str | None) -> str:
    """The catalog to use for a BCP 47 tag: "pt-BR" -> "pt", unknown or None -> "en"."""
    if not lang:
        return DEFAULT_LANG
    primary = lang.replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in CATALOGS else DEFAULT_LANG


def languages() -> list[str]:
    """The languages the interface speaks."""
    return sorted(CATALOGS)


def t(key: str, lang: str | None = DEFAULT_LANG, **fmt: Any) -> str:
    """The string ``key`` in ``lang``, formatted with ``fmt``.

    Falls back to English, then to the key itself, so a missing translation degrades to readable
    text rather than an exception in the middle of a lesson.
    """
    text = CATALOGS[resolve(lang)].get(key)
    if text is None:
        text = EN.get(key, key)
    if not fmt:
        return text
    try:
        return _Formatter(resolve(lang)).format(text, **fmt)
    except (KeyError, IndexError, ValueError):
        return text


def decimal(value: float, lang: str | None, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals and the decimal mark of ``lang`` ("0,25" in pt)."""
    return _Formatter(resolve(lang)).format_field(float(value), f".{digits}f")


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a catalog string (used to check catalogs agree)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
