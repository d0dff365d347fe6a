"""Where a batch keeps its outputs, and how it tells finished work from unfinished.

::

    OUT_DIR/
      results/<key>.json     the form report (docs/report-schema.md); written last, so it marks
      results/<key>.html     a finished job, with the optional HTML report
      results/<key>.mp4      and annotated video beside it
      errors/<key>.json      why the job failed (removed when a retry succeeds)
      summary.csv            one row per input of the latest run
      summary.parquet        the same table, typed
      digests.json           content hashes of the inputs, so re-runs need not read them again
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from upperback.errors import UpperbackError
from upperback.files import PARTIAL_MARK, atomic_write_text


class OutputLayout:
    """Paths of one batch output folder."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).expanduser().resolve()
        self.results = self.root / "results"
        self.errors = self.root / "errors"
        self.summary_csv = self.root / "summary.csv"
        self.summary_parquet = self.root / "summary.parquet"
        self.digests = self.root / "digests.json"
        self._lock_path = self.root / ".batch.lock"

    def result_json(self, key: str) -> Path:
        return self.results / f"{key}.json"

    def result_html(self, key: str) -> Path:
        return self.results / f"{key}.html"

    def result_video(self, key: str) -> Path:
        return self.results / f"{key}.mp4"

    def error_json(self, key: str) -> Path:
        return self.errors / f"{key}.json"

    def is_done(self, key: str, html: bool = False, video: bool = False) -> bool:
        """Whether the report, and every extra output asked for, exist."""
        return (
            self.result_json(key).is_file()
            and (not html or self.result_html(key).is_file())
            and (not video or self.result_video(key).is_file())
        )

    def read_report(self, key: str) -> dict[str, Any]:
        return json.loads(self.result_json(key).read_text(encoding="utf-8"))

    def read_error(self, key: str) -> dict[str, Any] | None:
        try:
            return json.loads(self.error_json(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def write_error(self, key: str, record: dict[str, Any]) -> None:
        atomic_write_text(self.error_json(key), json.dumps(record, indent=2, ensure_ascii=False) + "\n")

    def clear_error(self, key: str) -> None:
        self.error_json(key).unlink(missing_ok=True)

    def remove_partials(self) -> int:
        """Delete files a stopped or killed run left half-written; return how many."""
        removed = 0
        if self.results.is_dir():
            for path in self.results.iterdir():
                if path.name.startswith(".") and (PARTIAL_MARK in path.name or path.suffix == ".tmp"):
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the folder for one batch run; a second run on the same folder is refused."""
        self.root.mkdir(parents=True, exist_ok=True)
        with self._lock_path.open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UpperbackError(
                    f"{self.root}: another batch run is writing to this folder. Wait for it to "
                    "finish, or choose another output folder with -o."
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
