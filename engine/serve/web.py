"""``lectio serve``: the TUI in browsers, one lectio process per browser session, after sign-in.

Built on textual-serve (``lectio[web]``), whose :class:`~textual_serve.server.Server` starts its
command once per websocket and relays the terminal. What lectio adds:

* **sign-in**: ``/`` shows a form until the browser holds a valid code (typed in, or carried by
  the personal link ``/?code=...`` that ``lectio learners add`` printed); the code is kept in an
  ``HttpOnly``, ``SameSite=Strict`` cookie and checked against the store's digests on every page
  and every websocket, so any host sharing the store accepts it (no sticky sign-in);
* **one learner per process**: the websocket handler looks the learner up from the cookie and
  starts ``lectio open PATH --learner NAME --served`` for them; ``--served`` gives the session a
  :class:`~engine.store.scoped.ScopedStore`, so nothing typed in the browser can reach another
  learner's records. The learner's name reaches the command only after sign-in, and names are
  restricted to ``[A-Za-z0-9._-]`` (:data:`engine.serve.accounts.NAME`) and shell-quoted;
* kernels are sandboxed (``LECTIO_SANDBOX=1`` in the sessions' environment) unless the teacher
  said ``--no-sandbox``.
"""

from __future__ import annotations

import html
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.i18n import t
from engine.serve.accounts import MAX_CODE, check_name

if TYPE_CHECKING:
    from aiohttp import web

COOKIE = "lectio_code"
SignIn = Callable[[str], "str | None"]

_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{heading}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}}
input{{font-size:1.1rem;padding:.4rem;width:100%;box-sizing:border-box}}
button{{font-size:1.1rem;margin-top:.8rem;padding:.4rem 1.2rem}}.err{{color:#b00020}}</style>
</head><body><h1>{heading}</h1><p>{prompt}</p>
{error}<form method="post" action="/signin"><label for="code">{code}</label>
<input id="code" name="code" autocomplete="off" autofocus maxlength="{max_code}" required>
<button type="submit">{button}</button></form></body></html>
"""


def session_command(target: str, learner: str, extra: list[str]) -> str:
    """The shell command textual-serve runs for one signed-in learner's browser session."""
    argv = [
        sys.executable,
        "-m",
        "engine",
        "open",
        target,
        "--learner",
        check_name(learner),
        "--served",
    ]
    return " ".join(shlex.quote(a) for a in argv + extra)


def build_server(
    target: str,
    *,
    sign_in: SignIn,
    host: str,
    port: int,
    public_url: str | None = None,
    extra_args: list[str] | None = None,
    lang: str | None = None,
    title: str = "lectio",
) -> Any:
    """The server (a :class:`textual_serve.server.Server`); textual-serve and aiohttp are
    imported here, not with this module (textual-serve brings Rich, the TUI's, along)."""
    from aiohttp import web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    class ClassServer(Server):
        """textual-serve's server with sign-in, and a command per signed-in learner."""

        def __init__(
            self,
            target: str,
            *,
            sign_in: SignIn,
            host: str,
            port: int,
            public_url: str | None = None,
            extra_args: list[str] | None = None,
            title: str = "lectio",
            lang: str | None = None,
        ) -> None:
            super().__init__(
                command="lectio", host=host, port=port, title=title, public_url=public_url
            )
            self.target = target
            self.sign_in = sign_in
            self.extra_args = list(extra_args or [])
            self.page_title = title
            self.lang = lang

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.router.add_post("/signin", self.handle_signin)
            app.router.add_get("/signout", self.handle_signout)
            return app

        async def on_startup(self, app: web.Application) -> None:
            """textual-serve prints a logo here; lectio serve says what it serves itself."""

        def _learner(self, request: web.Request) -> str | None:
            code = request.cookies.get(COOKIE, "")
            return self.sign_in(code) if code else None

        def _form(self, request: web.Request, bad: bool = False) -> web.Response:
            lang = self.lang or _accepted_language(request.headers.get("Accept-Language", ""))
            error = t("That code is not valid.", lang) if bad else ""
            page = _PAGE.format(
                lang=html.escape(lang or "en"),
                heading=html.escape(t("Sign in to {course}", lang, course=self.page_title)),
                prompt=html.escape(t("Enter the code your teacher gave you.", lang)),
                code=html.escape(t("Code", lang)),
                # Translators: the button of the sign-in form of lectio serve
                button=html.escape(t("Sign in", lang)),
                error=f'<p class="err">{html.escape(error)}</p>' if error else "",
                max_code=MAX_CODE,
            )
            status = 401 if bad else 200
            return web.Response(text=page, content_type="text/html", status=status)

        def _signed_in(self, code: str, request: web.Request) -> web.Response:
            response = web.HTTPSeeOther("/")
            response.set_cookie(
                COOKIE,
                code.strip(),
                httponly=True,
                samesite="Strict",
                secure=self.public_url.startswith("https") or request.secure,
                max_age=30 * 24 * 3600,
                path="/",
            )
            return response

        async def handle_index(self, request: web.Request) -> Any:
            code = request.query.get("code")
            if code is not None:  # a personal link: sign in, then drop the code from the address
                if self.sign_in(code):
                    return self._signed_in(code, request)
                return self._form(request, bad=True)
            if self._learner(request) is None:
                return self._form(request)
            return await super().handle_index(request)

        async def handle_signin(self, request: web.Request) -> web.StreamResponse:
            form = await request.post()
            code = str(form.get("code", ""))
            if self.sign_in(code):
                return self._signed_in(code, request)
            return self._form(request, bad=True)

        async def handle_signout(self, request: web.Request) -> web.StreamResponse:
            response = web.HTTPSeeOther("/")
            response.del_cookie(COOKIE, path="/")
            return response

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            """As textual-serve's, with the command of the learner the cookie signs in."""
            learner = self._learner(request)
            if learner is None:
                raise web.HTTPForbidden(text="sign in first")
            websocket = web.WebSocketResponse(heartbeat=15)
            width = _int(request.query.get("width", "80"), 80)
            height = _int(request.query.get("height", "24"), 24)
            app_service: AppService | None = None
            try:
                await websocket.prepare(request)
                app_service = AppService(
                    session_command(self.target, learner, self.extra_args),
                    write_bytes=websocket.send_bytes,
                    write_str=websocket.send_str,
                    close=lambda: _close(websocket),
                    download_manager=self.download_manager,
                    debug=self.debug,
                )
                await app_service.start(width, height)
                await self._process_messages(websocket, app_service)
            finally:
                if app_service is not None:
                    await app_service.stop()
            return websocket

    return ClassServer(
        target,
        sign_in=sign_in,
        host=host,
        port=port,
        public_url=public_url,
        extra_args=extra_args,
        title=title,
        lang=lang,
    )


def _accepted_language(header: str) -> str | None:
    """The browser's first language (``pt-BR,pt;q=0.9`` is ``pt``), for the sign-in page."""
    first = header.split(",")[0].split(";")[0].strip()
    if not first or first == "*":
        return None
    return first.split("-")[0].lower()


async def _close(websocket: web.WebSocketResponse) -> None:
    await websocket.close()


def _int(text: str, default: int) -> int:
    try:
        return max(10, min(1000, int(text)))
    except ValueError:
        return default


def describe_bind(host: str, port: int) -> str:
    """What ``lectio serve`` says about where it listens, and who can reach it."""
    url = f"http://{host}:{port}"
    if host in {"localhost", "127.0.0.1", "::1"}:
        return f"{url} (this machine only; --host 0.0.0.0 lets other machines in)"
    return f"{url} (reachable from other machines: put HTTPS in front, see docs/deploying.md)"


def lessons_path(target: str) -> str:
    return str(Path(target).resolve())
