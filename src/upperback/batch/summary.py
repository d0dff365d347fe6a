"""The batch summary: one row per input video, written as CSV and as typed Parquet."""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from upperback.batch.inputs import BatchInput
from upperback.batch.layout import OutputLayout
from upperback.files import atomic_target, atomic_write_text
from upperback.library import get_library

DONE = "done"
FAILED = "failed"

LEADING_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("client_id", pa.string()),
    ("file", pa.string()),
    ("exercise", pa.string()),
    ("variant", pa.string()),
    ("status", pa.string()),
    ("reps", pa.int64()),
    ("mean_concentric_s", pa.float64()),
    ("mean_eccentric_s", pa.float64()),
    ("faults", pa.int64()),
]
TRAILING_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("pose_detected_fraction", pa.float64()),
    ("view", pa.string()),
    ("duration_s", pa.float64()),
    ("warnings", pa.int64()),
    ("error", pa.string()),
    ("key", pa.string()),
]


@cache
def fault_codes() -> tuple[str, ...]:
    """Every fault code in the library, so the table has the same columns in every run."""
    return tuple(sorted({fault.code for movement in get_library().movements for fault in movement.faults}))


def fault_column(code: str) -> str:
    return f"fault_{code}"


def summary_schema() -> pa.Schema:
    faults = [(fault_column(code), pa.int64()) for code in fault_codes()]
    return pa.schema(LEADING_COLUMNS + faults + TRAILING_COLUMNS)


def summary_row(item: BatchInput, key: str, layout: OutputLayout) -> dict[str, Any]:
    """The row of one input: from its report, or from its error record if it failed."""
    row: dict[str, Any] = dict.fromkeys(summary_schema().names)
    row.update(client_id=item.client_id, file=str(item.path), exercise=item.exercise, key=key)
    error = layout.read_error(key)
    if error is not None or not layout.result_json(key).is_file():
        row.update(status=FAILED, error=(error or {}).get("error", "No result was recorded."))
        return row
    report = layout.read_report(key)
    reps = report.get("reps", [])
    timed = [rep for rep in reps if not rep.get("partial")]  # a rep the clip cut has no true tempo
    counts = Counter(fault["code"] for fault in report.get("faults", []))
    row.update(
        status=DONE,
        exercise=report["exercise"],
        variant=report.get("variant"),
        reps=report["rep_count"],
        mean_concentric_s=_mean(rep.get("concentric_s") for rep in timed),
        mean_eccentric_s=_mean(rep.get("eccentric_s") for rep in timed),
        faults=sum(counts.values()),
        pose_detected_fraction=report["quality"]["pose_detected_fraction"],
        view=report["view"],
        duration_s=report["source"]["duration_s"],
        warnings=len(report["quality"].get("warnings", [])),
    )
    row.update({fault_column(code): counts.get(code, 0) for code in fault_codes()})
    return row


def write_summary(rows: list[dict[str, Any]], layout: OutputLayout) -> None:
    """Write ``summary.csv`` and ``summary.parquet``, each atomically."""
    schema = summary_schema()
    table = pa.Table.from_pylist(rows, schema=schema)
    with atomic_target(layout.summary_parquet) as partial:
        pq.write_table(table, partial)
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=schema.names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(layout.summary_csv, text.getvalue())


def _mean(values: Iterable[float | None]) -> float | None:
    numbers = [v for v in values if v is not None]
    return round(statistics.fmean(numbers), 4) if numbers else None
