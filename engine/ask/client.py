"""An OpenAI-compatible chat completions client that streams, stops and fails clearly.

httpx (the optional extra ``lectio[ai]``) is imported only when the first question is sent, so
nothing of it is paid for before. One :class:`Asker` per question: :meth:`Asker.stream` blocks
(a worker thread in a UI) and calls ``on_delta`` with each piece of text as it arrives;
:meth:`Asker.stop`, from any thread, closes the connection and makes ``stream`` return what
came so far with ``stopped=True``. Every failure is an :class:`AskError` with a ``kind`` and a
message in the learner's language: the endpoint refused the connection or could not be found,
an HTTP error status, a rate limit (429, with the server's Retry-After), a stream that is not
server-sent events of JSON chunks, a connection dropped before the end, no answer in time.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.ask.config import AskConfig
from engine.i18n import t

MAX_ANSWER = 100_000  # characters kept of one answer (a runaway stream is cut)


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    model: str
    stopped: bool = False


class AskError(Exception):
    """Why no (complete) answer came; ``partial``: what arrived before."""

    def __init__(self, kind: str, message: str, partial: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.partial = partial


def _missing_httpx(lang: str | None) -> AskError:
    return AskError(
        "missing",
        t("Asking a model needs httpx: pip install 'lectio[ai]'", lang),
    )


class Asker:
    """One question to one endpoint (see the module docstring)."""

    def __init__(self, config: AskConfig, lang: str | None = None) -> None:
        self.config = config
        self.lang = lang
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._response: Any = None

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            response = self._response
        if response is None:
            return
        # Closing a socket does not wake a thread blocked reading it; shutting it down does
        # (the reader then sees the end of the stream at once, even if the server is silent).
        with contextlib.suppress(Exception):
            stream = response.extensions.get("network_stream")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(Exception):  # the reader sees a closed stream
            response.close()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def stream(
        self, messages: list[dict[str, str]], on_delta: Callable[[str], None] | None = None
    ) -> Answer:
        try:
            import httpx
        except ImportError:
            raise _missing_httpx(self.lang) from None
        config, lang = self.config, self.lang
        headers = {"Accept": "text/event-stream"}
        if config.api_key:
            headers["Authorization"] = f"Bearer {config.api_key}"
        body = {"model": config.model, "messages": messages, "stream": True}
        timeout = httpx.Timeout(config.timeout, connect=min(config.timeout, 10.0))
        parts: list[str] = []
        size = 0
        try:
            with (
                httpx.Client(timeout=timeout, headers=headers) as client,
                client.stream("POST", config.endpoint, json=body) as response,
            ):
                with self._lock:
                    self._response = response
                if self._stop.is_set():
                    return Answer("", config.model, stopped=True)
                if response.status_code != 200:
                    response.read()
                    raise self._http_error(response)
                done = False
                for line in response.iter_lines():
                    if self._stop.is_set():
                        break
                    piece, finished = self._parse(line, "".join(parts))
                    if piece:
                        parts.append(piece)
                        size += len(piece)
                        if on_delta is not None:
                            on_delta(piece)
                        if size > MAX_ANSWER:
                            break
                    if finished:
                        done = True
                        break
                if not done and not self._stop.is_set() and size <= MAX_ANSWER:
                    raise AskError(
                        "dropped",
                        t("The connection closed before the answer was complete.", lang),
                        "".join(parts),
                    )
        except AskError:
            raise
        except Exception:
            if self._stop.is_set():  # the connection was closed under the reader: a stop
                return Answer("".join(parts), config.model, stopped=True)
            return self._failed(httpx, parts)
        finally:
            with self._lock:
                self._response = None
        return Answer("".join(parts), config.model, stopped=self._stop.is_set())

    def _failed(self, httpx: Any, parts: list[str]) -> Answer:
        """Turn the exception being handled into an :class:`AskError` (raised)."""
        config, lang = self.config, self.lang
        try:
            raise
        except httpx.TimeoutException:
            raise AskError(
                "timeout",
                t(
                    "No answer from {url} within {seconds} s.",
                    lang,
                    url=config.base_url,
                    seconds=max(1, round(config.timeout)),
                ),
                "".join(parts),
            ) from None
        except httpx.ConnectError as exc:
            raise AskError(
                "refused",
                t(
                    "Could not connect to {url}: {reason}. Is the server running?",
                    lang,
                    url=config.base_url,
                    reason=str(exc) or type(exc).__name__,
                ),
            ) from None
        except Exception as exc:
            raise AskError(
                "dropped",
                t(
                    "The connection broke during the answer: {reason}",
                    lang,
                    reason=str(exc) or type(exc).__name__,
                ),
                "".join(parts),
            ) from None

    def _parse(self, line: str, so_far: str) -> tuple[str, bool]:
        """One server-sent-events line: (text it adds, whether the stream is finished)."""
        line = line.strip()
        if not line or line.startswith(":") or not line.startswith("data:"):
            return "", False  # blank separators, comments, event:/id:/retry: fields
        data = line[5:].strip()
        if data == "[DONE]":
            return "", True
        try:
            chunk = json.loads(data)
        except ValueError:
            chunk = None
        if isinstance(chunk, dict) and "error" in chunk:
            error = chunk["error"]
            reason = error.get("message", "") if isinstance(error, dict) else str(error)
            raise AskError(
                "http",
                t("The model reported an error: {reason}", self.lang, reason=str(reason)[:300]),
                so_far,
            )
        choices = chunk.get("choices") if isinstance(chunk, dict) else None
        choice = choices[0] if isinstance(choices, list) and choices else None
        delta = choice.get("delta") if isinstance(choice, dict) else None
        content = delta.get("content") if isinstance(delta, dict) else None
        if not isinstance(choice, dict) or not isinstance(content, str | None):
            raise AskError(
                "malformed",
                t(
                    "The endpoint sent something that is not a chat completion stream: {line}",
                    self.lang,
                    line=data[:120],
                ),
                so_far,
            )
        content = content or ""
        return content, choice.get("finish_reason") is not None and not content

    def _http_error(self, response: Any) -> AskError:
        status = int(response.status_code)
        try:
            detail = response.json().get("error", {})
            reason = detail.get("message", "") if isinstance(detail, dict) else str(detail)
        except Exception:
            reason = response.text[:200]
        reason = str(reason).strip()[:300] or response.reason_phrase
        if status == 429:
            wait = response.headers.get("retry-after", "")
            if wait.isdigit():
                return AskError(
                    "rate",
                    t(
                        "The endpoint is rate limiting questions; try again in {seconds} s.",
                        self.lang,
                        seconds=int(wait),
                    ),
                )
            return AskError(
                "rate", t("The endpoint is rate limiting questions; try again later.", self.lang)
            )
        return AskError(
            "http",
            t(
                "The endpoint answered HTTP {status}: {reason}",
                self.lang,
                status=status,
                reason=reason,
            ),
        )
