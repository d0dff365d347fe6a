"""Signing in and out, for a server started with ``--allow-remote --password-file``.

A sign-in is a row in the database (:mod:`upperback.store.sign_ins`) found by the random token
in the browser's cookie: signing out deletes it, so a copied cookie stops working too.
"""

from __future__ import annotations

import asyncio
import math
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from upperback.store import sign_ins
from upperback.store.tables import utc_now
from upperback.web.deps import render, require_csrf, settings, store
from upperback.web.security import (
    SESSION_COOKIE,
    SESSION_MAX_AGE_S,
    new_session_token,
    password_matches,
    token_digest,
)
from upperback.web.sign_in_limits import SignInLimiter, wait_words

router = APIRouter()

FAILED_SIGN_IN_DELAY_S = 1.0
"""Every wrong password is answered this much later."""


def _safe_next(target: str | None) -> str:
    """Only paths on this server (``/today``), never another site (``//evil``, ``https://...``)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return render(
        request, "login.html", {"next": _safe_next(next), "error": None, "needed": bool(settings(request).password)}
    )


@router.post("/login", dependencies=[Depends(require_csrf)])
async def login(
    request: Request, password: Annotated[str, Form(max_length=1000)], next: Annotated[str, Form(max_length=2000)] = "/"
) -> Response:
    expected = settings(request).password
    if not expected:
        return RedirectResponse("/", status_code=303)
    limiter: SignInLimiter = request.app.state.sign_in_limiter
    client = client_address(request)
    wait_s = limiter.begin(client)
    if wait_s > 0:  # the password is not even looked at
        return render(
            request,
            "login.html",
            {
                "next": _safe_next(next),
                "needed": True,
                "error": f"Too many sign-in attempts. Try again in {wait_words(wait_s)}.",
            },
            status_code=429,
            headers={"Retry-After": str(max(1, math.ceil(wait_s)))},
        )
    if not password_matches(expected, password):
        await asyncio.sleep(FAILED_SIGN_IN_DELAY_S)
        return render(
            request,
            "login.html",
            {"next": _safe_next(next), "needed": True, "error": "That password is not right. Try again."},
            status_code=401,
        )
    limiter.succeeded(client)
    token = new_session_token()
    sign_ins.add(
        store(request).engine,
        token_digest(token),
        request.app.state.password_tag,
        expires_at=utc_now() + timedelta(seconds=SESSION_MAX_AGE_S),
    )
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_MAX_AGE_S, httponly=True, samesite="lax", path="/")
    return response


@router.post("/logout", dependencies=[Depends(require_csrf)])
def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        sign_ins.remove(store(request).engine, token_digest(token))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
