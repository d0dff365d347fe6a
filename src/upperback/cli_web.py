"""``upperback serve``: the web app on this computer (or, on purpose and with a password, the network)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from upperback.terminal import console
from upperback.web.settings import (
    DEFAULT_HOST,
    DEFAULT_MAX_UPLOAD_MB,
    DEFAULT_PORT,
    WebSettings,
    check_bind,
    read_password_file,
)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on. Anything but this computer "
                                      "(127.0.0.1) needs --allow-remote and --password-file.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = DEFAULT_PORT,
    allow_remote: Annotated[bool, typer.Option("--allow-remote", help="Allow listening on a network "
                                               "address (other computers can connect).")] = False,
    password_file: Annotated[Path | None, typer.Option(help="File holding the password people must "
                                                       "enter (required with --allow-remote).")] = None,
    max_upload_mb: Annotated[int, typer.Option(min=1, max=4096, help="Largest video accepted, in MB.")] = DEFAULT_MAX_UPLOAD_MB,
) -> None:
    """Start the web app: learn the movements, follow your plan, log sets and check your form."""
    password = read_password_file(password_file) if password_file is not None else None
    check_bind(host, allow_remote, password)
    import uvicorn

    from upperback.web import create_app

    settings = WebSettings(host=host, port=port, password=password, max_upload_bytes=max_upload_mb * 1024 * 1024,
                           allowed_hosts=_allowed_hosts(host))
    shown = f"[{host}]" if ":" in host else host
    console.print(f"upperback is running at [bold]http://{shown if host != '0.0.0.0' else 'localhost'}:{port}[/bold] "
                  "— open it in your browser. Press Ctrl-C to stop.")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def _allowed_hosts(host: str) -> tuple[str, ...]:
    from upperback.web.settings import LOOPBACK_NAMES

    return tuple(dict.fromkeys((*LOOPBACK_NAMES, host)))


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``upperback`` command line."""
    app.command()(serve)
