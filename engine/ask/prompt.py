"""The chat messages sent to a model: a tutor's instructions, the context, the question.

The context is :func:`engine.ask.context.render` (the same text the learner is shown before
anything is sent), so what the model gets is exactly what the learner saw in the preview.
"""

from __future__ import annotations

from engine.ask.context import AskContext, render

LANGUAGES = {"en": "English", "pt": "Brazilian Portuguese"}

SYSTEM = """You are a patient tutor inside lectio, a terminal course on Python and PyTorch.
Answer in {language}. Be short (a few sentences, a small code fragment at most).
Guide the learner rather than giving answers away: for an error, explain what it means and
where to look, and let the learner write the fix; for a question the learner has not yet
answered correctly, never say which choice is correct: help them reason about it.
Use only the lesson context below; if it is not enough, say what you would need."""


def build_messages(ctx: AskContext, question: str) -> list[dict[str, str]]:
    language = LANGUAGES.get(ctx.language.split("-")[0].lower(), ctx.language)
    return [
        {"role": "system", "content": SYSTEM.format(language=language)},
        {
            "role": "user",
            "content": f"{render(ctx)}\n\nThe learner asks: {question.strip()}",
        },
    ]


def preview(ctx: AskContext, question: str) -> str:
    """Everything that would be sent, as text (shown once before the first question goes)."""
    return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in build_messages(ctx, question))
