"""Job keys: what a result depends on (the video's bytes and the analysis settings), hashed.

Two runs with the same key produce the same report, so a batch re-run skips keys already done,
whatever the files are called or where they lie.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from upperback import __version__
from upperback.files import atomic_write_text
from upperback.form.report import SCHEMA_VERSION

CHUNK_BYTES = 1 << 20
KEY_HEX_DIGITS = 32
"""128 bits of SHA-256: no collision in any realistic number of videos, and short file names."""


@dataclass(frozen=True)
class AnalysisSettings:
    """The settings that change a report, besides the video itself."""

    exercise: str
    rate_hz: float | None

    def as_dict(self) -> dict[str, object]:
        return {
            "exercise": self.exercise,
            "rate_hz": self.rate_hz or 0.0,
            "report_schema": SCHEMA_VERSION,
            "upperback": __version__,
        }


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's content, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def job_key(video_sha256: str, settings: AnalysisSettings) -> str:
    """The key of one analysis: a hash of the video's hash and the settings."""
    payload = json.dumps({"video_sha256": video_sha256, **settings.as_dict()}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:KEY_HEX_DIGITS]


class DigestCache:
    """Content hashes of videos, remembered by (path, size, modification time) in a JSON file.

    Re-runs then skip re-reading every video, so checking a large batch for finished work
    takes seconds. A file that changed (size or time) is hashed again.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: dict[str, dict[str, object]] = {}
        self._changed = False
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self._entries = loaded
        except (OSError, ValueError):
            pass  # no cache yet, or an unreadable one: hash again

    def sha256(self, video: Path) -> str:
        stat = video.stat()
        name = os.fspath(video)
        entry = self._entries.get(name)
        if (
            isinstance(entry, dict)
            and entry.get("size") == stat.st_size
            and entry.get("mtime_ns") == stat.st_mtime_ns
            and isinstance(entry.get("sha256"), str)
        ):
            return str(entry["sha256"])
        digest = file_sha256(video)
        self._entries[name] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}
        self._changed = True
        return digest

    def save(self) -> None:
        if self._changed:
            atomic_write_text(self.path, json.dumps(self._entries, indent=1, sort_keys=True))
            self._changed = False
