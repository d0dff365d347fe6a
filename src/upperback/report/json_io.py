"""Write a ``FormReport`` as JSON (schema in docs/report-schema.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from upperback.files import atomic_write_text
from upperback.form.report import FormReport


def write_report_json(report: FormReport, path: str | os.PathLike[str]) -> Path:
    """Write atomically, so an interrupted run never leaves half a report."""
    return atomic_write_text(path, json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
