"""Link a saved form report (``upperback analyze --json``) to a logged set or session."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from upperback.errors import UpperbackError
from upperback.store import FormAnalysisRecord, Store

REPORT_KEYS = ("schema_version", "exercise", "rep_count", "reps", "faults")


def summarise_report(report: dict) -> dict:
    """What progress and History need from a report: reps, how many kinds of fault, the reps
    showing each kind, and fault events per code."""
    faulty_reps: Counter[str] = Counter()
    for rep in report["reps"]:
        faulty_reps.update(
            set(rep.get("faults", [])) | {f["code"] for f in report["faults"] if f.get("rep") == rep["index"]}
        )
    events = Counter(fault["code"] for fault in report["faults"])
    return {
        "schema_version": report["schema_version"],
        "rep_count": int(report["rep_count"]),
        "fault_kinds": len(set(faulty_reps) | set(events)),
        "faulty_reps": dict(faulty_reps),
        "fault_events": dict(events),
    }


def read_report(path: Path) -> tuple[dict, str]:
    """The report document and the SHA-256 of its file; raise if it is not a form report."""
    try:
        data = path.read_bytes()
        report = json.loads(data)
    except OSError as exc:
        raise UpperbackError(f"Cannot read the report {path}: {exc.strerror}.") from None
    except json.JSONDecodeError as exc:
        raise UpperbackError(
            f"{path} is not JSON ({exc.msg}, line {exc.lineno}); pass the file written by 'upperback analyze --json'."
        ) from None
    missing = [key for key in REPORT_KEYS if not isinstance(report, dict) or key not in report]
    if missing:
        raise UpperbackError(
            f"{path} is not a form report (missing {', '.join(missing)}); pass the file "
            "written by 'upperback analyze --json'."
        )
    return report, hashlib.sha256(data).hexdigest()


def link_report(
    store: Store,
    path: Path,
    *,
    set_id: int | None = None,
    session_id: int | None = None,
    analyzed_at: datetime | None = None,
) -> int:
    """Store the link and summary of the report at ``path``; returns the analysis id."""
    report, digest = read_report(path)
    record = FormAnalysisRecord(
        exercise_id=report["exercise"],
        analyzed_at=analyzed_at or datetime.now(UTC),
        report_path=str(path.resolve()),
        report_sha256=digest,
        summary=summarise_report(report),
        set_id=set_id,
        session_id=session_id,
    )
    return store.link_form_analysis(record)
