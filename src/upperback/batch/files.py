"""Atomic file writing: a file appears complete under its name, or not at all."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PARTIAL_MARK = ".partial-"
"""In the names of files being written; leftovers of a killed worker are removed at the next run."""


@contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed to ``path`` when the block succeeds.

    The temporary name keeps the suffix, for writers that choose a format by it (``.mp4``).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}{PARTIAL_MARK}{secrets.token_hex(4)}{path.suffix}")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> Path:
    """Write a UTF-8 text file atomically."""
    with atomic_target(path) as partial:
        partial.write_text(text, encoding="utf-8")
    return path
