"""What every route needs: the store, the settings, page rendering, the sign-in and CSRF checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.requests import HTTPConnection
from starlette.responses import Response

from upperback.store import Store, sign_ins
from upperback.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    check_csrf,
    token_digest,
)
from upperback.web.settings import WebSettings

MAX_TOKEN_CHARS = 200
"""Longer cookies are not tokens this server made (they are 43 characters)."""


def store(request: Request) -> Store:
    return request.app.state.store


def settings(request: Request) -> WebSettings:
    return request.app.state.settings


def signed_in(connection: HTTPConnection) -> bool:
    """Whether the cookie names a live sign-in made with the server's current password."""
    token = connection.cookies.get(SESSION_COOKIE)
    if not token or len(token) > MAX_TOKEN_CHARS:
        return False
    engine = connection.app.state.store.engine
    return sign_ins.is_valid(engine, token_digest(token), connection.app.state.password_tag)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """A page (or an htmx fragment) from ``templates/``."""
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, template, context or {}, status_code=status_code, headers=headers)


async def require_csrf(request: Request) -> None:
    """Router dependency for POST routes: the token from the header or the form must match the cookie.

    Raises :class:`~upperback.web.security.CsrfError` (answered with a 403 page).
    """
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    check_csrf(request.app.state.secret, request.cookies.get(CSRF_COOKIE), sent)


def upload_token_check(request: Request) -> Callable[[str | None], None]:
    """The CSRF check of a streamed upload: the header's token, else the form field's once it arrives."""
    header_token = request.headers.get(CSRF_HEADER)

    def check_token(field_token: str | None) -> None:
        check_csrf(request.app.state.secret, request.cookies.get(CSRF_COOKIE), header_token or field_token)

    return check_token
