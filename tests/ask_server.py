"""An OpenAI-compatible chat completions stand-in that streams server-sent events, or fails.

Started by the tests on a free port (``StandIn()``), and runnable by hand for trying the Ask
panel (``python tests/ask_server.py 8765``). The model name picks the behaviour:

- anything else: streams ``ANSWER`` in three chunks, then ``[DONE]``
- ``fail-500``, ``fail-429`` (Retry-After: 7): that status, with an OpenAI-style error body
- ``drop``: one chunk, then the connection closes without ``[DONE]``
- ``malformed``: one chunk, then a line that is not JSON
- ``slow``: nothing at all (not even headers) until ``release`` is set
- ``hold``: one chunk, then waits until ``release`` is set before the rest

Every request's path, headers and JSON body are kept in ``requests``.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ANSWER = ["Look at the ", "shapes of both ", "tensors first."]


class StandIn:
    def __init__(self, port: int = 0, hold: float = 120.0) -> None:
        self.hold = hold  # seconds "slow" and "hold" wait for release at most
        self.requests: list[dict[str, Any]] = []
        self.release = threading.Event()
        self.holding = threading.Event()  # set once "hold" sent its first chunk
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                stand_in.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                stand_in.respond(self, str(body.get("model", "")))

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    @staticmethod
    def _chunk(text: str, finish: str | None = None) -> bytes:
        delta = {"content": text} if text else {}
        data = {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return f"data: {json.dumps(data)}\n\n".encode()

    def respond(self, handler: BaseHTTPRequestHandler, model: str) -> None:
        if model.startswith("fail-"):
            status = int(model[5:])
            body = json.dumps({"error": {"message": f"stand-in says {status}"}}).encode()
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            if status == 429:
                handler.send_header("Retry-After", "7")
            handler.end_headers()
            handler.wfile.write(body)
            return
        if model == "slow":
            self.release.wait(self.hold)
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Connection", "close")
        handler.end_headers()
        out = handler.wfile
        out.write(b": a comment line, ignored\n\n")
        out.write(self._chunk(ANSWER[0]))
        out.flush()
        if model == "drop":
            handler.close_connection = True
            return
        if model == "malformed":
            out.write(b"data: {not json\n\n")
            out.flush()
            return
        if model == "hold":
            self.holding.set()
            self.release.wait(self.hold)
        try:
            for piece in ANSWER[1:]:
                out.write(self._chunk(piece))
                out.flush()
            out.write(self._chunk("", "stop"))
            out.write(b"data: [DONE]\n\n")
            out.flush()
        except OSError:
            pass  # the client stopped reading


if __name__ == "__main__":
    with StandIn(int(sys.argv[1]) if len(sys.argv) > 1 else 8765) as server:
        print(f"LECTIO_AI_BASE_URL={server.base_url}", flush=True)
        server.thread.join()
