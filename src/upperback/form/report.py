"""``FormReport``: what the analysis found in one video, and its versioned JSON form."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

POSSIBLE_BELOW = 0.8
"""Faults with less confidence are possible faults (``upperback.form.evidence.CLEAR``)."""

SCHEMA_VERSION = "1.1"
"""1.1: faults carry ``confidence``; reps carry ``partial``; ``variant``; ``quality.shots``."""


@dataclass(frozen=True)
class FaultEvent:
    """One occurrence of a form fault.

    ``value`` is what was measured and ``threshold`` the limit it crossed, in the unit of the
    threshold's name in the library (``_deg``, ``_s``, ``_ratio``, ...). ``confidence`` (0–1)
    says how surely the evidence shows the fault (:func:`upperback.form.evidence.confidence`):
    from 0.8 it is clear, below that it is a possible fault.
    """

    code: str
    severity: str
    rep: int | None
    start_s: float
    end_s: float
    value: float
    threshold: float
    message: str
    cue: str
    confidence: float = 1.0

    @property
    def possible(self) -> bool:
        """Moderate evidence: reports word the fault as possible (``CLEAR`` in form/evidence.py).

        Returns
        -------
        bool
            True when the confidence is below ``POSSIBLE_BELOW``.
        """
        return self.confidence < POSSIBLE_BELOW


@dataclass(frozen=True)
class Rep:
    """One repetition (or cycle) with its phase timing in seconds: the record of a rep in the
    offline report and in live coaching (``upperback.live``) alike."""

    index: int
    start_s: float
    top_s: float
    end_s: float
    metrics: dict[str, float] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)
    partial: bool = False  # cut by the start or end of the clip (or of a shot): tempo not judged

    @property
    def concentric_s(self) -> float:
        """Time from the rep's start to its top.

        Returns
        -------
        float
            Seconds.
        """
        return self.top_s - self.start_s

    @property
    def eccentric_s(self) -> float:
        """Time from the rep's top to its end.

        Returns
        -------
        float
            Seconds.
        """
        return self.end_s - self.top_s

    def to_dict(self) -> dict[str, Any]:
        """The rep as the report's JSON writes it (before NaN and rounding are handled).

        Returns
        -------
        dict[str, Any]
            The rep's fields by name.
        """
        return {
            "index": self.index,
            "start_s": self.start_s,
            "top_s": self.top_s,
            "end_s": self.end_s,
            "concentric_s": self.concentric_s,
            "eccentric_s": self.eccentric_s,
            "metrics": self.metrics,
            "faults": self.faults,
            "partial": self.partial,
        }


@dataclass(frozen=True)
class SourceSummary:
    """The analysed video: frame rate, frame count, duration, size and name."""

    fps: float
    frames: int
    duration_s: float
    width: int
    height: int
    name: str = ""


@dataclass(frozen=True)
class Quality:
    """How far the analysis can be trusted: pose coverage, warnings, skipped checks, weak spans, shots."""

    pose_detected_fraction: float
    warnings: list[str] = field(default_factory=list)
    skipped_checks: list[str] = field(default_factory=list)
    low_confidence_spans: list[tuple[float, float]] = field(default_factory=list)
    shots: list[tuple[float, float]] = field(default_factory=list)  # (start_s, end_s) between cuts


@dataclass(frozen=True)
class FormReport:
    """The result of ``analyze()`` for one video and one movement."""

    exercise: str
    source: SourceSummary
    view: str
    reps: list[Rep]
    faults: list[FaultEvent]
    metrics: dict[str, float]
    quality: Quality
    schema_version: str = SCHEMA_VERSION
    variant: str | None = None

    @property
    def rep_count(self) -> int:
        """How many reps were counted.

        Returns
        -------
        int
            The number of reps.
        """
        return len(self.reps)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict following the documented schema (NaN becomes null).

        Returns
        -------
        dict[str, Any]
            The report as JSON-ready values.
        """
        out: dict[str, Any] = json_ready(
            {
                "schema_version": self.schema_version,
                "exercise": self.exercise,
                "variant": self.variant,
                "source": asdict(self.source),
                "view": self.view,
                "rep_count": self.rep_count,
                "reps": [r.to_dict() for r in self.reps],
                "faults": [asdict(f) for f in self.faults],
                "metrics": self.metrics,
                "quality": asdict(self.quality),
            }
        )
        return out


def json_ready(value: Any, digits: int = 4) -> Any:
    """``value`` with its floats rounded to ``digits`` and NaN or infinity as None, tuples as lists.

    Parameters
    ----------
    value : Any
        Any JSON-like value (dicts, lists, tuples, floats, ...).
    digits : int
        Decimals kept.

    Returns
    -------
    Any
        The converted value.
    """
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, digits)
    if isinstance(value, dict):
        return {k: json_ready(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v, digits) for v in value]
    return value
