"""The web app: ``create_app(settings)`` builds the FastAPI application.

Pages are rendered on the server (Jinja2); htmx (vendored, no build step) swaps small parts of
pages for set logging and analysis progress. One store and one job queue live for the app's
lifetime, opened and closed by its lifespan.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import cache
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import RedirectResponse, Response

from upperback.errors import UnknownNameError, UpperbackError
from upperback.store import open_store, sign_ins
from upperback.web import deps
from upperback.web.analysis_queue import JobQueue, Runner, run_analysis
from upperback.web.routes import analyze, assets, auth, home, library, live, log, profile, programme, today
from upperback.web.security import (
    CONTENT_SECURITY_POLICY,
    CSRF_COOKIE,
    CSRF_FIELD,
    CsrfError,
    csrf_token_valid,
    new_csrf_token,
    password_tag,
)
from upperback.web.settings import WebSettings, secret_key
from upperback.web.sign_in_limits import SignInLimiter
from upperback.web.uploads import UploadTooLarge

logger = logging.getLogger("upperback.web")

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
TEMPLATES_DIR = WEB_DIR / "templates"
OPEN_PATHS = ("/login", "/static/", "/vendor/", "/favicon.ico")
"""Paths reachable without signing in when a password is set."""

RETRY_LINKS = [
    ("/analyze", "Try another video"),
    ("/profile", "Back to your profile"),
    ("/today", "Back to today's session"),
    ("/log", "Back to the log"),
    ("/library", "Back to the library"),
]
"""Where an error page sends the user to try again, by the address that failed."""

NAV = [
    ("/", "Home"),
    ("/library", "Learn"),
    ("/today", "Today"),
    ("/programme", "Plan"),
    ("/log", "Log"),
    ("/progress", "Progress"),
    ("/analyze", "Check form"),
    ("/live", "Live coach"),
]


@cache
def _static_version(name: str) -> str:
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]


def create_app(settings: WebSettings | None = None, runner: Runner = run_analysis) -> FastAPI:
    """The application for ``settings``; ``runner`` does one analysis job (by default in this process)."""
    settings = settings or WebSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(settings.database)
        app.state.store = store
        if settings.password:  # a new password ends every sign-in made with the old one
            sign_ins.remove_other_passwords(store.engine, app.state.password_tag)
        queue = JobQueue(settings, store, runner)
        app.state.jobs = queue
        queue.recover()
        if settings.run_jobs:
            queue.start()
        try:
            yield
        finally:
            queue.stop()
            store.close()

    app = FastAPI(title="upperback", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.secret = secret_key(settings)
    app.state.password_tag = password_tag(app.state.secret, settings.password or "")
    app.state.sign_in_limiter = SignInLimiter()
    app.state.templates = _templates()

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    for module in (assets, home, library, profile, today, programme, log, analyze, auth, live):
        app.include_router(module.router)

    _add_error_pages(app)

    @app.middleware("http")
    async def guard(request: Request, call_next) -> Response:
        token = request.cookies.get(CSRF_COOKIE)
        fresh = not csrf_token_valid(app.state.secret, token)
        request.state.csrf_token = new_csrf_token(app.state.secret) if fresh else token
        if settings.password and not request.url.path.startswith(OPEN_PATHS) and not deps.signed_in(request):
            response = _sign_in_first(request)
        else:
            response = await call_next(request)
        if fresh:
            response.set_cookie(CSRF_COOKIE, request.state.csrf_token, httponly=True, samesite="strict", path="/")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    hosts = ["*"] if settings.password else list(settings.allowed_hosts)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)
    return app


def _sign_in_first(request: Request) -> Response:
    if request.method == "GET" and not deps.is_htmx(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    return Response("Sign in first.", status_code=401, headers={"HX-Redirect": "/login"})


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    env = templates.env
    env.globals["nav"] = NAV
    env.globals["timedelta"] = timedelta
    env.globals["static"] = lambda name: f"/static/{name}?v={_static_version(name)}"
    env.globals["csrf_field"] = lambda request: Markup(
        f'<input type="hidden" name="{CSRF_FIELD}" value="{request.state.csrf_token}">'
    )
    env.globals["fault_summary"] = _fault_summary
    env.filters["duration"] = _duration
    env.filters["number"] = _number
    env.filters["lines"] = _lines
    return templates


def _fault_summary(summary: dict, exercise_id: str | None) -> list[str]:
    """Each kind of fault in a stored analysis summary with the reps it touched, in words."""
    from upperback.library import get_library
    from upperback.report.fault_kinds import summary_kinds

    library = get_library()
    movement = next((m for m in library.movements if m.id == exercise_id), None)
    return summary_kinds(summary, movement)


def _duration(seconds: float | int | None) -> str:
    """``95`` -> ``1:35``; ``42`` -> ``42 s``."""
    if seconds is None:
        return "-"
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds >= 60 else f"{seconds} s"


def _lines(text: str | None) -> Markup:
    """Notes with their line breaks shown; apps like Hevy write a break as the two characters \\n."""
    parts = re.split(r"\\n|\r?\n", text or "")
    return Markup("<br>").join(escape(part) for part in parts)


def _number(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text or "0"


def _add_error_pages(app: FastAPI) -> None:
    """Every failure gets a page that says what happened and what to do."""

    def page(request: Request, status: int, title: str, message: str) -> Response:
        template = "partials/error_inline.html" if deps.is_htmx(request) else "error.html"
        retry = next(((path, label) for path, label in RETRY_LINKS if request.url.path.startswith(path)), None)
        return deps.render(
            request,
            template,
            {"title": title, "message": message, "status": status, "retry": retry},
            status_code=status,
        )

    @app.exception_handler(UnknownNameError)
    async def unknown_name(request: Request, exc: UnknownNameError) -> Response:
        return page(request, 404, "Not in the library", exc.message)

    @app.exception_handler(UploadTooLarge)
    async def too_large(request: Request, exc: UploadTooLarge) -> Response:
        return page(request, 413, "The file is too large", exc.message)

    @app.exception_handler(UpperbackError)
    async def user_error(request: Request, exc: UpperbackError) -> Response:
        return page(request, 400, "That did not work", exc.message)

    @app.exception_handler(CsrfError)
    async def csrf_error(request: Request, exc: CsrfError) -> Response:
        return page(
            request,
            403,
            "This form was not accepted",
            "It could not be checked as coming from this app (it may have come from another "
            "site, or from a page opened before the browser was restarted), so it was not sent. "
            "Go back, reload the page and try again.",
        )

    @app.exception_handler(RequestValidationError)
    async def bad_form(request: Request, exc: RequestValidationError) -> Response:
        fields = ", ".join(sorted({str(e["loc"][-1]).replace("_", " ") for e in exc.errors()}))
        return page(
            request,
            422,
            "Something is missing",
            f"The form could not be read (check the {fields}). Go back, reload the page and fill it in again.",
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404:
            return page(
                request, 404, "Page not found", "There is nothing at this address. Use the menu to find your way."
            )
        if exc.status_code == 405:
            return page(request, 405, "Not allowed", "This address cannot be used that way.")
        return page(request, exc.status_code, "That did not work", str(exc.detail))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        logger.exception("unexpected error on %s", request.url.path)
        return page(
            request,
            500,
            "Something went wrong",
            "The server hit a problem it did not expect. Your saved data is safe; try again, "
            "and if it keeps happening, the server log has the details.",
        )
