"""The app factory: the pages, the API, the stylesheet, and the headers every reply carries.

No asset comes from the internet: FastAPI's Swagger and ReDoc pages load theirs from a CDN
and run inline scripts, so they are off; `/api` lists the endpoints instead, and the
OpenAPI description is at `/api/openapi.json`. Static files are a fixed set read from the
package (`STATIC`), looked up by name: no request path ever reaches the file system.
"""

from __future__ import annotations

import logging
import os
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsweave import __version__
from newsweave.store import open_store
from newsweave.web import api, pages
from newsweave.web.context import Web, render
from newsweave.web.security import HEADERS, SecurityHeaders
from newsweave.web.upload import MAX_UPLOAD_BYTES

STATIC = {
    "style.css": "text/css; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
"""The static files served under /static/ (from `newsweave/web/static/`), with their types."""
LOOPBACK_HOSTS = ["127.0.0.1", "localhost"]

log = logging.getLogger(__name__)


def _static_files() -> dict[str, bytes]:
    folder = files("newsweave.web") / "static"
    return {name: (folder / name).read_bytes() for name in STATIC}


class HeadAsGet:
    """Answers HEAD as GET without the body (RFC 9110, 9.3.2). FastAPI's GET routes answer
    HEAD with 405, and uptime checkers and link checkers ask with HEAD. The headers, including
    Content-Length, are those of the GET."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


def create_app(
    store_path: str | Path,
    token: str | None = None,
    *,
    analyse: bool = True,
    max_upload: int = MAX_UPLOAD_BYTES,
    allowed_hosts: list[str] | None = None,
) -> FastAPI:
    """The web app over the store at `store_path` (created if missing, opened once here so a
    bad file fails now, not on the first request).

    `token` enables `POST /api/articles` for requests carrying it; `analyse` runs the full
    analysis (spaCy) on stories uploads change; `allowed_hosts` restricts the Host header
    (the CLI passes the loopback names when bound to loopback, against DNS rebinding).
    """
    store_path = Path(store_path)
    open_store(store_path).close()
    app = FastAPI(
        title="newsweave",
        version=__version__,
        description="Sourced stories from many outlets: browse and search them, add articles.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.web = Web(store_path, token=token or None, analyse=analyse, max_upload=max_upload)
    app.include_router(pages.router)
    app.include_router(api.router)
    static = _static_files()

    @app.get("/static/{name}", include_in_schema=False)
    def static_file(name: str) -> Response:
        if name not in static:
            raise HTTPException(404, "no such file")
        return Response(
            static[name],
            media_type=STATIC[name],
            headers={"Cache-Control": "public, max-age=3600"},
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        """The icon browsers ask for at this fixed path: the SVG the pages link to."""
        return static_file("favicon.svg")

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_index() -> str:
        routes = [
            (method.upper(), path, op.get("description", op.get("summary", "")).split("\n\n")[0])
            for path, ops in app.openapi()["paths"].items()
            for method, op in ops.items()
        ]
        return render("api.html.j2", routes=routes, title="API")

    _error_handlers(app)
    app.add_middleware(HeadAsGet)
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    app.add_middleware(SecurityHeaders)  # outermost: every reply has them, a refused Host's too
    return app


ENVIRONMENT = ("NEWSWEAVE_DB", "NEWSWEAVE_TOKEN", "NEWSWEAVE_ALLOWED_HOSTS")


def worker_environment(
    store_path: str | Path, token: str | None, allowed_hosts: list[str] | None
) -> dict[str, str]:
    """The `ENVIRONMENT` that makes `app_from_environment` build `create_app`'s app with these
    settings."""
    return dict(
        zip(ENVIRONMENT, (str(store_path), token or "", ",".join(allowed_hosts or [])), strict=True)
    )


def app_from_environment() -> FastAPI:
    """`create_app` with its settings from the environment (`ENVIRONMENT`): how each worker
    process of `newsweave serve --workers N` builds its app, since uvicorn starts them by
    import string."""
    hosts = os.environ.get("NEWSWEAVE_ALLOWED_HOSTS", "")
    return create_app(
        os.environ["NEWSWEAVE_DB"],
        os.environ.get("NEWSWEAVE_TOKEN") or None,
        allowed_hosts=[h for h in hosts.split(",") if h] or None,
    )


def _wants_json(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str, **extra: object) -> Response:
    """A JSON error under /api/, an HTML page elsewhere."""
    if _wants_json(request):
        return JSONResponse({"detail": message, **extra}, status_code=status)
    page = render("error.html.j2", status=status, message=message, title=f"Error {status}")
    return HTMLResponse(page, status_code=status)


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        response = _error(request, exc.status_code, str(exc.detail))
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        return _error(request, 422, problems or "invalid request")

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        # Starlette sends this one from outside every middleware: the headers are added here.
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        response = _error(request, 500, "internal error")
        response.headers.update(HEADERS)
        return response
