"""Ask about the lesson: help beside every cell, offline first, an AI endpoint when configured.

Headless (no Textual): front ends build an :class:`~engine.ask.context.AskContext` of what the
learner is looking at, show :func:`~engine.ask.suggest.suggestions`, answer offline with
:func:`~engine.ask.offline.offline_answer` (error explanations kept as data in
``explanations/<lang>.yaml``, names inspected in the live kernel, where the course explains a
name), and, only once the learner configured an endpoint, stream a model's answer
(:mod:`engine.ask.client`, httpx imported at first use).
"""
