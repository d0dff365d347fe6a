"""Building blocks shared by the movement modules: rep counting, spans, fault events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from upperback.form.report import FaultEvent, Rep
from upperback.form.reps import RepCounter, RepRules, RepTiming
from upperback.kinematics.signals import BodySignals
from upperback.library.models import Counting, Fault, Movement, View


def count_reps(signals: BodySignals, counting: Counting) -> list[RepTiming]:
    """Run the movement's rep counter over its signal, gated on its posture signal."""
    counter = RepCounter(RepRules(direction=counting.direction, min_depth=counting.min_depth,
                                  min_rep_s=counting.min_rep_s, max_rep_s=counting.max_rep_s))
    values = signals[counting.signal]
    gate = np.ones(len(values), bool)
    if counting.gate_signal is not None and counting.gate_max is not None:
        with np.errstate(invalid="ignore"):
            gate = signals[counting.gate_signal] < counting.gate_max
    reps = []
    for time_s, value, active in zip(signals.times_s, values, gate):
        rep = counter.update(float(time_s), float(value), bool(active))
        if rep is not None:
            reps.append(rep)
    last = counter.finish()
    return reps + [last] if last is not None else reps


def spans(mask: np.ndarray, times_s: np.ndarray, min_duration_s: float = 0.0) -> list[tuple[int, int]]:
    """Index ranges [start, stop) of the True runs of ``mask`` lasting at least ``min_duration_s``.

    A run's duration is measured from its first to one sample past its last sample, so a run
    of one sample at 10 Hz lasts 0.1 s.
    """
    padded = np.concatenate([[False], mask.astype(bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    step = float(np.median(np.diff(times_s))) if len(times_s) > 1 else 0.0
    found = []
    for start, stop in zip(edges[::2], edges[1::2]):
        if times_s[stop - 1] - times_s[start] + step >= min_duration_s - 1e-9:
            found.append((int(start), int(stop)))
    return found


def rep_at(reps: list[Rep] | list[RepTiming], time_s: float) -> int | None:
    """Index of the rep whose time span contains ``time_s``."""
    for index, rep in enumerate(reps):
        if rep.start_s - 1e-9 <= time_s <= rep.end_s + 1e-9:
            return index
    return None


def window(times_s: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    """Boolean mask of the samples within [start_s, end_s]."""
    return (times_s >= start_s - 1e-9) & (times_s <= end_s + 1e-9)


def fault_event(fault: Fault, start_s: float, end_s: float, value: float, threshold: float,
                rep: int | None) -> FaultEvent:
    return FaultEvent(code=fault.code, severity=fault.severity.value, rep=rep,
                      start_s=float(start_s), end_s=float(end_s), value=float(value),
                      threshold=float(threshold), message=fault.explanation, cue=fault.cue)


@dataclass(frozen=True)
class CheckPlan:
    """Which of a movement's faults can be judged in this view, and which are skipped."""

    runnable: frozenset[str]
    skipped: list[str]


def plan_checks(movement: Movement, view: View, unavailable: dict[str, str] | None = None) -> CheckPlan:
    """Skip faults the camera view cannot show, and those whose signal is unavailable
    (``unavailable`` maps their codes to the reason)."""
    missing = unavailable or {}
    runnable, skipped = set(), []
    for fault in movement.faults:
        if fault.code in missing:
            skipped.append(f"{fault.code}: {missing[fault.code]}")
        elif view not in fault.views:
            views = " or ".join(v.value for v in fault.views)
            skipped.append(f"{fault.code}: cannot be judged from a {view.value} view; "
                           f"film from the {views} to have it checked.")
        else:
            runnable.add(fault.code)
    return CheckPlan(frozenset(runnable), skipped)


def finite_stat(values: np.ndarray, how: str) -> float:
    """nanmin / nanmax / nanmedian that return NaN (not a warning) on empty input."""
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return float("nan")
    return float({"min": np.min, "max": np.max, "median": np.median}[how](finite))


Limit = tuple[str, str, float, str]
"""(fault code, threshold key, measured value, "max" or "min"): the value may not exceed the
threshold ("max") or fall below it ("min")."""


def rep_limit_faults(movement: Movement, runnable: frozenset[str], timing: RepTiming, index: int,
                     limits: list[Limit]) -> list[FaultEvent]:
    """Fault events for one rep whose measures break their thresholds; one event per code."""
    found: dict[str, FaultEvent] = {}
    for code, key, value, kind in limits:
        if code not in runnable or code in found or not np.isfinite(value):
            continue
        threshold = movement.fault(code).thresholds[key]
        if (value > threshold) if kind == "max" else (value < threshold):
            found[code] = fault_event(movement.fault(code), timing.start_s, timing.end_s, value,
                                      threshold, index)
    return list(found.values())


def beyond_faults(fault: Fault, values: np.ndarray, times_s: np.ndarray, where: np.ndarray,
                  threshold: float, kind: str = "max", reps: list[Rep] | None = None) -> list[FaultEvent]:
    """One event per stretch (within ``where``) where ``values`` pass ``threshold`` — above it
    (``kind="max"``) or below it (``"min"``) — for the fault's ``min_duration_s``. The event's
    value is the worst one in the stretch; its rep is the rep the stretch starts in, if any."""
    with np.errstate(invalid="ignore"):
        beyond = where & ((values > threshold) if kind == "max" else (values < threshold))
    found = []
    for start, stop in spans(beyond, times_s, fault.thresholds.get("min_duration_s", 0.0)):
        rep = rep_at(reps, float(times_s[start])) if reps else None
        found.append(fault_event(fault, times_s[start], times_s[stop - 1],
                                 finite_stat(values[start:stop], kind), threshold, rep))
    return found


def sustained_faults(signals: BodySignals, movement: Movement, runnable: frozenset[str],
                     reps: list[Rep], checks: list[tuple[str, str, str]]) -> list[FaultEvent]:
    """Faults for stretches within the set (first rep start to last rep end) where a signal
    stays above a threshold for the fault's ``min_duration_s``.

    ``checks`` holds (fault code, signal name, threshold key).
    """
    in_set = window(signals.times_s, reps[0].start_s, reps[-1].end_s)
    found = []
    for code, signal, key in checks:
        if code in runnable:
            fault = movement.fault(code)
            found += beyond_faults(fault, signals[signal], signals.times_s, in_set,
                                   fault.thresholds[key], "max", reps)
    return found


def make_rep(index: int, timing: RepTiming, metrics: dict[str, float], faults: list[FaultEvent]) -> Rep:
    """A ``Rep`` with the timing of the counter and the codes of its faults."""
    return Rep(index=index, start_s=timing.start_s, top_s=timing.top_s, end_s=timing.end_s,
               metrics=metrics, faults=sorted({f.code for f in faults}))


def phase_metrics(timing: RepTiming) -> dict[str, float]:
    return {"concentric_s": timing.top_s - timing.start_s, "eccentric_s": timing.end_s - timing.top_s}


def set_summary(reps: list[Rep], keys: Iterable[str]) -> dict[str, float]:
    """Mean of each per-rep measure over the set, plus the set's duration."""
    if not reps:
        return {}
    summary = {f"mean_{key}": float(np.nanmean([r.metrics[key] for r in reps])) for key in keys}
    summary["set_duration_s"] = reps[-1].end_s - reps[0].start_s
    return summary


def frame_flags(values: np.ndarray, threshold: float, kind: str = "max") -> np.ndarray:
    """Per frame: 1.0 where ``values`` break the threshold, 0.0 where not, NaN where unknown."""
    values = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        broken = values > threshold if kind == "max" else values < threshold
    return np.where(np.isnan(values), np.nan, broken.astype(float))
