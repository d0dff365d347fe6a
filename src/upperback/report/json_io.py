"""Write a ``FormReport`` as JSON (schema in docs/report-schema.md)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from upperback.form.report import FormReport


def write_report_json(report: FormReport, path: str | os.PathLike[str]) -> Path:
    """Write atomically, so an interrupted run never leaves half a report."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(report.to_dict(), handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
