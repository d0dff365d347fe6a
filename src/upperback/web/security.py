"""Request safety: CSRF tokens, the sign-in token, and checking uploads by their content.

CSRF uses a *signed double-submit* token: a random value signed with the server's key lives in a
``SameSite=Strict`` cookie, and every POST must send the same token back in a form field or in
the ``X-CSRF-Token`` header (htmx adds it to each request). A forged request from another site
can neither read the cookie nor mint a token the key would accept.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

import av

from upperback.errors import UpperbackError

CSRF_COOKIE = "upperback_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_COOKIE = "upperback_session"
SESSION_MAX_AGE_S = 14 * 24 * 3600
"""A sign-in lasts two weeks at most (signing out or a new password ends it sooner)."""

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; frame-src 'self'; "
    "frame-ancestors 'self'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
REPORT_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob: data:; "
    "font-src 'self' data:; frame-ancestors 'self'; form-action 'none'; base-uri 'none'; "
    "object-src 'none'"
)
"""For the self-contained HTML report shown in a sandboxed frame: it carries its own scripts."""

VIDEO_FORMATS = {"mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "avi"}
"""Container formats (PyAV's names) accepted for upload: what phones and webcams record."""


class CsrfError(Exception):
    """A POST without a valid CSRF token."""


# ---------------------------------------------------------------------- signing


def _sign(key: bytes, purpose: str, value: str) -> str:
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def new_csrf_token(key: bytes) -> str:
    nonce = secrets.token_urlsafe(24)
    return f"{nonce}.{_sign(key, 'csrf', nonce)}"


def csrf_token_valid(key: bytes, token: str | None) -> bool:
    """Whether ``token`` was made with ``key`` (not whether it matches a cookie)."""
    if not token or token.count(".") != 1:
        return False
    nonce, signature = token.split(".")
    return hmac.compare_digest(signature, _sign(key, "csrf", nonce))


def check_csrf(key: bytes, cookie: str | None, sent: str | None) -> None:
    """Raise :class:`CsrfError` unless ``sent`` equals the cookie's token and both are signed."""
    if not cookie or not sent or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise CsrfError("missing or mismatched CSRF token")
    if not csrf_token_valid(key, sent):
        raise CsrfError("CSRF token not signed by this server")


def new_session_token() -> str:
    """The random value a signed-in browser's cookie holds (the database keeps only its digest)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the ``sign_ins`` table stores for a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def password_tag(key: bytes, password: str) -> str:
    """A keyed fingerprint of the server's password: sign-ins made with another password stop working."""
    return _sign(key, "password", password)


def password_matches(expected: str, given: str) -> bool:
    """Constant-time comparison of two passwords (hashed first, so lengths do not leak)."""
    return hmac.compare_digest(hashlib.sha256(expected.encode()).digest(), hashlib.sha256(given.encode()).digest())


# ---------------------------------------------------------------------- uploads


@dataclass(frozen=True)
class VideoSniff:
    """What probing the container found."""

    format_name: str
    width: int
    height: int
    duration_s: float


def sniff_video(path: Path, display_name: str) -> VideoSniff:
    """Open ``path`` with PyAV and check that it is a video container with a picture track.

    The decision rests on the bytes only: the server stores uploads without an extension, so
    FFmpeg's probe gets no hint from a name. Raises :class:`UpperbackError` naming
    ``display_name`` (never the server's path).
    """
    try:
        with av.open(str(path), mode="r", options={"probesize": "5000000"}) as container:
            formats = set(container.format.name.split(","))
            streams = [s for s in container.streams.video if s.codec_context.width > 0]
            if not formats & VIDEO_FORMATS:
                raise UpperbackError(
                    f"'{display_name}' is a {container.format.long_name or container.format.name} file, "
                    "not a video upperback reads. Record with your phone or webcam and upload the "
                    "MP4, MOV, WEBM or MKV file."
                )
            if not streams:
                raise UpperbackError(
                    f"'{display_name}' has no picture (audio only or empty). Upload the video of your set."
                )
            stream = streams[0]
            duration = float(container.duration / 1_000_000) if container.duration else 0.0
            return VideoSniff(
                format_name=container.format.name,
                width=stream.codec_context.width,
                height=stream.codec_context.height,
                duration_s=duration,
            )
    except UpperbackError:
        raise
    except (av.FFmpegError, OSError, ValueError):
        raise UpperbackError(
            f"'{display_name}' is not a video file (its content is not a video "
            "container, whatever its name says). Upload the MP4, MOV, WEBM or MKV "
            "file your phone or webcam recorded."
        ) from None
