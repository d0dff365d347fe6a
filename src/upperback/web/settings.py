"""The web app's settings and the folders it owns inside the data directory."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from upperback.errors import UpperbackError
from upperback.pose.rate import DEFAULT_RATE_HZ

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_UPLOAD_MB = 1024
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")
SECRET_FILE = "secret.key"


@dataclass(frozen=True)
class WebSettings:
    """How one server runs.

    ``data_dir`` defaults to the training log's data directory (``UPPERBACK_DATA_DIR`` moves it);
    the web app keeps its uploads, results and cookie key in ``<data_dir>/web``.
    ``allowed_hosts`` guards against DNS rebinding: a page on another site cannot reach the
    local server through a host name of its own.
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    data_dir: Path | None = None
    database_url: str | None = None
    password: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
    analysis_workers: int = 1
    run_jobs: bool = True
    rate_hz: float | None = DEFAULT_RATE_HZ
    pose_workers: int | None = None
    engine: str = "local"
    """Where uploads are analysed: ``local`` (in this server's process) or ``ray`` (a Ray task on
    the cluster at ``ray_address``; the data folder must be on storage the cluster can read)."""
    ray_address: str | None = None
    allowed_hosts: tuple[str, ...] = field(default=LOOPBACK_NAMES)

    @property
    def web_dir(self) -> Path:
        from upperback.store.db import data_dir  # SQLAlchemy only when the server runs

        root = self.data_dir if self.data_dir is not None else data_dir()
        path = Path(root) / "web"
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def uploads_dir(self) -> Path:
        path = self.web_dir / "uploads"
        path.mkdir(exist_ok=True)
        return path

    @property
    def database(self) -> str | None:
        """The URL to open: the one given, else the store's default beside ``data_dir``."""
        if self.database_url:
            return self.database_url
        if self.data_dir is not None and not os.environ.get("UPPERBACK_DATABASE_URL"):
            return f"sqlite:///{Path(self.data_dir) / 'upperback.sqlite3'}"
        return None


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server reachable from this computer only."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_bind(host: str, allow_remote: bool, password: str | None) -> None:
    """Refuse to listen beyond this computer unless explicitly allowed and protected."""
    if is_loopback(host):
        return
    if not allow_remote:
        raise UpperbackError(
            f"Refusing to listen on {host}: other computers could reach your training log. "
            "To allow it on purpose, add --allow-remote --password-file FILE (a file holding the "
            "password people must enter). To use it on this computer only, leave out --host."
        )
    if not password:
        raise UpperbackError(
            f"--allow-remote on {host} needs a password: add --password-file FILE, a file that holds "
            "the password (at least 8 characters) people must enter to open the app."
        )


MIN_PASSWORD_LENGTH = 8


def read_password_file(path: Path) -> str:
    """The password in ``path`` (first line, surrounding spaces removed)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UpperbackError(f"Cannot read the password file {path}: {exc.strerror}.") from None
    password = text.splitlines()[0].strip() if text.strip() else ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UpperbackError(f"The password in {path} is too short; use at least {MIN_PASSWORD_LENGTH} characters.")
    return password


def secret_key(settings: WebSettings) -> bytes:
    """The key that signs cookies, made once per data folder so that sign-ins survive restarts."""
    path = settings.web_dir / SECRET_FILE
    if path.is_file():
        data = path.read_bytes().strip()
        if len(data) >= 32:
            return data
    key = secrets.token_hex(32).encode()
    fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    os.replace(path.with_suffix(".tmp"), path)
    return key
