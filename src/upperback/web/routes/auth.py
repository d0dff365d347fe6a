"""Signing in, for a server started with ``--allow-remote --password-file``."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from upperback.web.deps import render, require_csrf, settings
from upperback.web.security import SESSION_COOKIE, SESSION_MAX_AGE_S, new_session_cookie, password_matches

router = APIRouter()

FAILED_SIGN_IN_DELAY_S = 1.0
"""Slows down guessing."""


def _safe_next(target: str | None) -> str:
    """Only paths on this server (``/today``), never another site (``//evil``, ``https://...``)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "error": None,
                                          "needed": bool(settings(request).password)})


@router.post("/login", dependencies=[Depends(require_csrf)])
async def login(request: Request, password: Annotated[str, Form(max_length=1000)],
                next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    expected = settings(request).password
    if not expected:
        return RedirectResponse("/", status_code=303)
    if not password_matches(expected, password):
        await asyncio.sleep(FAILED_SIGN_IN_DELAY_S)
        return render(request, "login.html", {"next": _safe_next(next), "needed": True,
                                              "error": "That password is not right. Try again."},
                      status_code=401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, new_session_cookie(request.app.state.secret), max_age=SESSION_MAX_AGE_S,
                        httponly=True, samesite="lax", path="/")
    return response


@router.post("/logout", dependencies=[Depends(require_csrf)])
def logout(request: Request) -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
