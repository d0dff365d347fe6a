"""``upperback serve``: the web app on this computer (or, on purpose and with a password, the network)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from upperback.errors import UpperbackError
from upperback.terminal import console
from upperback.web.settings import (
    DEFAULT_HOST,
    DEFAULT_MAX_UPLOAD_MB,
    DEFAULT_PORT,
    LOOPBACK_NAMES,
    WebSettings,
    check_bind,
    is_loopback,
    read_password_file,
)


def serve(
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on. Anything but this computer "
            "(127.0.0.1) needs --allow-remote and --password-file."
        ),
    ] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = DEFAULT_PORT,
    allow_remote: Annotated[
        bool, typer.Option("--allow-remote", help="Allow listening on a network address (other computers can connect).")
    ] = False,
    password_file: Annotated[
        Path | None, typer.Option(help="File holding the password people must enter (required with --allow-remote).")
    ] = None,
    max_upload_mb: Annotated[
        int, typer.Option(min=1, max=4096, help="Largest video accepted, in MB.")
    ] = DEFAULT_MAX_UPLOAD_MB,
    engine: Annotated[
        str,
        typer.Option(
            help="Where uploads are analysed: local (this computer) or ray "
            "(a Ray cluster; the data folder must be on shared storage)."
        ),
    ] = "local",
    ray_address: Annotated[
        str | None,
        typer.Option(
            help="With --engine ray: the cluster to join, e.g. auto "
            "or ray://HEAD:10001 (default: a local Ray instance)."
        ),
    ] = None,
) -> None:
    """Start the web app: learn the movements, follow your plan, log sets and check your form."""
    password = read_password_file(password_file) if password_file is not None else None
    check_bind(host, allow_remote, password)
    if engine not in ("local", "ray"):
        raise UpperbackError(f"Unknown engine '{engine}': use local or ray.")
    if engine == "ray":
        from upperback.batch.ray_engine import import_ray

        import_ray()  # a clear message now if Ray is not installed, not at the first upload
    import uvicorn

    from upperback.web import create_app

    settings = WebSettings(
        host=host,
        port=port,
        password=password,
        max_upload_bytes=max_upload_mb * 1024 * 1024,
        allowed_hosts=_allowed_hosts(host),
        engine=engine,
        ray_address=ray_address,
    )
    console.print(
        f"upperback is running at [bold]{_url(host, port)}[/bold]: open it in your browser. Press Ctrl-C to stop."
    )
    if not is_loopback(host):
        console.print(
            "Other computers can reach it with the password. The connection is not encrypted: "
            "outside a network you trust, put it behind an HTTPS reverse proxy."
        )
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def _url(host: str, port: int) -> str:
    if host in ("0.0.0.0", "::"):  # every address of this computer
        host = "localhost"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _allowed_hosts(host: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*LOOPBACK_NAMES, host)))


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``upperback`` command line."""
    app.command()(serve)
