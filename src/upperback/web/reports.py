"""A saved JSON report made ready for the report page.

The JSON file (versioned schema, ``FormReport.to_dict``) is read back into a ``FormReport`` so
the page reuses the HTML report's own summaries (``upperback.report.html``): the big numbers,
the faults grouped with the library's cues, and the filming advice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from upperback.form.report import FaultEvent, FormReport, Quality, Rep, SourceSummary
from upperback.library import Library, Movement
from upperback.library.models import View
from upperback.report.fault_kinds import fault_kinds, headline, is_partial, rep_fault_codes
from upperback.report.html import FaultGroup, fault_groups, filming_advice, metric_text, summary_stats
from upperback.report.timeline import DEFAULT_PHASE_WORDS, PHASE_WORDS, fault_title


def _float(value: Any) -> float:
    """JSON null (a NaN when written) back to NaN."""
    return float("nan") if value is None else float(value)


def _floats(values: dict[str, Any]) -> dict[str, float]:
    return {key: _float(value) for key, value in values.items()}


def report_from_dict(document: dict[str, Any]) -> FormReport:
    """The ``FormReport`` a JSON report was written from (numbers rounded as stored)."""
    quality = document["quality"]
    return FormReport(
        exercise=document["exercise"],
        source=SourceSummary(
            **{k: v for k, v in document["source"].items() if k in SourceSummary.__dataclass_fields__}
        ),
        view=document["view"],
        reps=[
            Rep(
                index=r["index"],
                start_s=_float(r["start_s"]),
                top_s=_float(r["top_s"]),
                end_s=_float(r["end_s"]),
                metrics=_floats(r.get("metrics", {})),
                faults=list(r.get("faults", [])),
                partial=bool(r.get("partial", False)),
            )
            for r in document["reps"]
        ],
        faults=[
            FaultEvent(
                code=f["code"],
                severity=f["severity"],
                rep=f.get("rep"),
                start_s=_float(f["start_s"]),
                end_s=_float(f["end_s"]),
                value=_float(f.get("value")),
                threshold=_float(f.get("threshold")),
                message=f.get("message", ""),
                cue=f.get("cue", ""),
                confidence=_float(f.get("confidence", 1.0)),
            )
            for f in document["faults"]
        ],
        metrics=_floats(document.get("metrics", {})),
        quality=Quality(
            pose_detected_fraction=_float(quality.get("pose_detected_fraction")),
            warnings=list(quality.get("warnings", [])),
            skipped_checks=list(quality.get("skipped_checks", [])),
            low_confidence_spans=[tuple(span) for span in quality.get("low_confidence_spans", [])],
            shots=[tuple(span) for span in quality.get("shots", [])],
        ),
        schema_version=document.get("schema_version", "1.0"),
        variant=document.get("variant"),
    )


@dataclass(frozen=True)
class RepRow:
    number: int
    start_s: float
    up_s: float
    down_s: float
    faults: list[str]
    partial: bool


@dataclass(frozen=True)
class ReportView:
    report: FormReport
    movement: Movement
    stats: list[dict[str, str]]
    headline: str
    groups: list[FaultGroup]
    metrics: list[dict[str, str]]
    reps: list[RepRow]
    phase_words: tuple[str, str, str]
    filming: dict | None
    title: str
    """The movement's name, or the variant's when one was analysed."""
    view_words: str
    """Where the camera stood: "the side", "a diagonal (oblique)"."""
    preferred_words: str
    """Where the movement is best filmed from, in the same words."""


def report_view(document: dict[str, Any], library: Library) -> ReportView:
    report = report_from_dict(document)
    movement = library.movement(report.exercise)
    reps = [
        RepRow(
            number=r.index + 1,
            start_s=r.start_s,
            up_s=r.concentric_s,
            down_s=r.eccentric_s,
            faults=[fault_title(movement, code) for code in rep_fault_codes(report, r)],
            partial=is_partial(r),
        )
        for r in report.reps
    ]
    metrics = [metric_text(name, value) for name, value in report.metrics.items() if math.isfinite(value)]
    return ReportView(
        report=report,
        movement=movement,
        stats=summary_stats(report, movement),
        headline=headline(fault_kinds(report, movement), report.rep_count),
        groups=fault_groups(report, movement),
        metrics=metrics,
        reps=reps,
        phase_words=PHASE_WORDS.get(movement.id, DEFAULT_PHASE_WORDS),
        filming=filming_advice(report, movement),
        title=movement.name_for(report.variant),
        view_words=View(report.view).words,
        preferred_words=movement.camera.preferred_view.words,
    )
