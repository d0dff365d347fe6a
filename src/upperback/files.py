"""Atomic file writing: a file appears complete under its name, or not at all.

Every writer of user-visible files (reports, videos, tracks, exports, batch results) goes through
here, so an interrupted run never leaves half a file and an older file survives a failed write.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PARTIAL_MARK = ".partial-"
"""In the names of files being written; batch runs remove leftovers of a killed worker."""


@contextmanager
def atomic_target(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed to ``path`` when the block succeeds
    and removed when it fails.

    The temporary name keeps the suffix, for writers that choose a format by it (``.mp4``,
    ``.npz``). Files get the usual permissions (the umask applies), like any other file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}{PARTIAL_MARK}{secrets.token_hex(4)}{path.suffix}")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_target(path) as partial:
        partial.write_bytes(data)
    return Path(path)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` as UTF-8, exactly as given (no newline translation), atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))
