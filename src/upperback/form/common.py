"""Building blocks shared by the movement modules: rep counting, spans, fault events."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from upperback.arrays import AnyArray
from upperback.form.counting import PostureGate, ShotCounting, frame_of
from upperback.form.evidence import MIN_REPORTED, graded, margin_confidence, noise_for
from upperback.form.report import FaultEvent, Rep
from upperback.form.reps import RepTiming
from upperback.kinematics.shots import shot_marks
from upperback.kinematics.signals import BodySignals
from upperback.library.models import Counting, Fault, Movement, View

SIGNAL_WORDS = {
    "elbow_deg": "elbow angle",
    "arm_spread_deg": "spread of the arms",
    "hand_drop_ratio": "height of the hand against the hip–shoulder line",
    "spine_curve_deg": "curve of the spine (head and pelvis together)",
    "head_flexion_deg": "angle of the head against the back",
}
"""How the report names the counting signals."""


@dataclass(frozen=True)
class Counted:
    """Reps found in a set: their timing, which of them the clip's (or a shot's) start or end
    cut, the shots, notes for the report, and the signal each rep was counted on."""

    timings: list[RepTiming]
    partial: frozenset[int]
    notes: list[str]
    shots: list[tuple[float, float]]
    counted_on: list[str]
    fragmented: bool = False
    """The file holds pieces of videos, not one set (``FRAGMENTED_SHOT_S``): nothing counted."""


FRAGMENTED_SHOT_S = 2.0
"""When shots shorter than this fill most of a file's time, it holds pieces of videos (a file of
single frames from many videos, a quick montage), not one set, and no rep is counted: a shot so
short shows a rep from rest to rest only at the briskest pace (about 0.8 s a rep, issue 14's
shortest). On the shared clips and their joined versions (bench/video_edits.py) the longer
shots hold 80 % of the time or more (the 0.87 s one-rep GIF joined to a 4 s fly)."""


def posture_gate(signals: BodySignals, counting: Counting) -> AnyArray:
    """(T,) True where the user is in the working position (e.g. hinged).

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.
    counting : Counting
        The movement's rep-counting settings.

    Returns
    -------
    AnyArray
        (T,) mask.
    """
    values = signals[counting.signal]
    if counting.gate_signal is None or counting.gate_max is None:
        return np.ones(len(values), bool)
    gate = PostureGate(counting)
    return np.array([gate.update(float(v)) for v in signals[counting.gate_signal]], dtype=bool)


def count_reps(signals: BodySignals, counting: Counting, working: AnyArray | None = None) -> Counted:
    """Count the movement's reps within each shot of the video (:mod:`upperback.form.counting`),
    while in the working position (``working``; by default the movement's posture gate), on the
    first of its signals that is seen in that shot.

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.
    counting : Counting
        The movement's rep-counting settings.
    working : AnyArray | None
        (T,) mask of the working frames; None for the movement's posture gate.

    Returns
    -------
    Counted
        The rep timings, which of them a start or end cut, the shots, and notes.
    """
    t = signals.times_s
    gate = posture_gate(signals, counting) if working is None else working
    counter = ShotCounting(counting)
    person, cut = shot_marks(signals.track)
    names = [o.signal for o in counter.options]
    values = {n: signals[n] for n in names}
    raw = {n: signals.raw.get(n, signals[n]) for n in names}
    for index, time_s in enumerate(t):
        frame = frame_of(
            float(time_s),
            {n: float(v[index]) for n, v in values.items()},
            {n: float(v[index]) for n, v in raw.items()},
            counter.options,
            bool(gate[index]),
        )
        counter.update(frame, bool(person[index]), bool(cut[index]))
    counter.close()
    timings: list[RepTiming] = []
    counted_on: list[str] = []
    partial: set[int] = set()
    notes: list[str] = []
    shots = counter.shots
    spans = [(shot.start_s, shot.end_s) for shot in shots]
    if len(shots) > 1 and _fragmented(spans):
        return Counted([], frozenset(), [_fragments_note(spans)], spans, [], fragmented=True)
    if len(shots) > 1:
        notes.append(_cuts_note([shot.start_s for shot in shots[1:]]))
    for shot in shots:
        if shot.signal is not None and shot.signal.signal != counting.signal:
            notes.append(
                f"From {shot.start_s:.1f} s to {shot.end_s:.1f} s the {_words(counting.signal)} could not "
                f"be seen; reps there were counted from the {_words(shot.signal.signal)} instead."
            )
        for rep in shot.timings:
            if shot.cut_short(rep):
                partial.add(len(timings))
            timings.append(rep)
            counted_on.append(shot.signal.signal if shot.signal is not None else counting.signal)
    return Counted(timings, frozenset(partial), notes, spans, counted_on)


LISTED_CUTS = 5
"""Most cut times a report lists; a file of frames from many videos can hold hundreds."""


def _cuts_note(cut_times_s: list[float]) -> str:
    """The note on a video's cuts: when each falls (the first few) and how counting took them."""
    listed = ", ".join(f"{time_s:.1f} s" for time_s in cut_times_s[:LISTED_CUTS])
    if len(cut_times_s) > LISTED_CUTS:
        listed = f"{len(cut_times_s)} times: at {listed} and {len(cut_times_s) - LISTED_CUTS} more"
    else:
        listed = f"at {listed}"
    return f"The video cuts to another shot ({listed}); reps were counted within each shot and none across a cut."


def _fragmented(spans: list[tuple[float, float]]) -> bool:
    """Whether shots shorter than ``FRAGMENTED_SHOT_S`` fill more than half the shots' time."""
    lengths = np.array([end - start for start, end in spans])
    return bool(lengths[lengths < FRAGMENTED_SHOT_S].sum() > lengths.sum() / 2)


def _fragments_note(spans: list[tuple[float, float]]) -> str:
    """The note on a file of pieces: how often it cuts, and that no rep was counted."""
    every_s = (spans[-1][1] - spans[0][0]) / len(spans)
    return (
        f"The file cuts to another shot {len(spans) - 1} times, about every {every_s:.1f} s: it holds pieces "
        "of videos or single pictures, not one set, so no rep was counted. Checks made on single frames "
        "still apply; analyse each video whole to have its reps counted."
    )


def _words(signal: str) -> str:
    return SIGNAL_WORDS.get(signal, signal.removesuffix("_deg").removesuffix("_ratio").replace("_", " "))


def spans(mask: AnyArray, times_s: AnyArray, min_duration_s: float = 0.0) -> list[tuple[int, int]]:
    """Index ranges [start, stop) of the True runs of ``mask`` lasting at least ``min_duration_s``.

    A run's duration is measured from its first to one sample past its last sample, so a run
    of one sample at 10 Hz lasts 0.1 s.

    Parameters
    ----------
    mask : AnyArray
        (T,) mask.
    times_s : AnyArray
        (T,) sample times.
    min_duration_s : float
        Shortest run kept.

    Returns
    -------
    list[tuple[int, int]]
        (start, stop) index pairs, in time order.
    """
    padded = np.concatenate([[False], mask.astype(bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    step = float(np.median(np.diff(times_s))) if len(times_s) > 1 else 0.0
    found = []
    for start, stop in zip(edges[::2], edges[1::2]):
        if times_s[stop - 1] - times_s[start] + step >= min_duration_s - 1e-9:
            found.append((int(start), int(stop)))
    return found


def rep_at(reps: Sequence[Rep | RepTiming], time_s: float) -> int | None:
    """Index of the rep whose time span contains ``time_s``.

    Parameters
    ----------
    reps : Sequence[Rep | RepTiming]
        Reps in time order.
    time_s : float
        The time to look up.

    Returns
    -------
    int | None
        The rep's index, None when no rep contains the time.
    """
    for index, rep in enumerate(reps):
        if rep.start_s - 1e-9 <= time_s <= rep.end_s + 1e-9:
            return index
    return None


def window(times_s: AnyArray, start_s: float, end_s: float) -> AnyArray:
    """Boolean mask of the samples within [start_s, end_s].

    Parameters
    ----------
    times_s : AnyArray
        (T,) sample times.
    start_s : float
        Start of the window.
    end_s : float
        End of the window.

    Returns
    -------
    AnyArray
        (T,) mask.
    """
    return (times_s >= start_s - 1e-9) & (times_s <= end_s + 1e-9)


def fault_event(
    fault: Fault, start_s: float, end_s: float, value: float, threshold: float, rep: int | None, confidence: float = 1.0
) -> FaultEvent:
    """A fault event for ``fault`` over [start_s, end_s], with its measured value and threshold.

    Parameters
    ----------
    fault : Fault
        The library fault.
    start_s : float
        Start of the event.
    end_s : float
        End of the event.
    value : float
        The measured value.
    threshold : float
        The threshold it broke.
    rep : int | None
        Index of the rep, None for a set-level event.
    confidence : float
        Confidence from 0 to 1.

    Returns
    -------
    FaultEvent
        The event.
    """
    return FaultEvent(
        code=fault.code,
        severity=fault.severity.value,
        rep=rep,
        start_s=float(start_s),
        end_s=float(end_s),
        value=float(value),
        threshold=float(threshold),
        message=fault.explanation,
        cue=fault.cue,
        confidence=round(float(confidence), 3),
    )


@dataclass(frozen=True)
class CheckPlan:
    """Which of a movement's faults can be judged in this view, and which are skipped;
    ``view_skipped`` are those skipped only because of the view (another shot may show them)."""

    runnable: frozenset[str]
    skipped: list[str]
    view_skipped: frozenset[str] = frozenset()

    def for_rep(self, movement: Movement, view: View) -> frozenset[str]:
        """The faults one rep filmed from ``view`` can be judged for (a video with camera cuts
        may film each shot from another side).

        Parameters
        ----------
        movement : Movement
            The movement, with its fault thresholds.
        view : View
            The view the rep was filmed from.

        Returns
        -------
        frozenset[str]
            The fault codes.
        """
        candidates = self.runnable | self.view_skipped
        return frozenset(code for code in candidates if view in movement.fault(code).views)

    def skipped_after(self, judged: set[str]) -> list[str]:
        """The skipped notes, less those of faults some rep was judged for after all.

        Parameters
        ----------
        judged : set[str]
            Codes some rep was judged for.

        Returns
        -------
        list[str]
            The notes still true.
        """
        return [note for note in self.skipped if note.split(":", 1)[0] not in judged]


def rep_view(signals: BodySignals, start_s: float, end_s: float) -> View:
    """The view most of a rep's frames were filmed from (the set's view when none is known).

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.
    start_s : float
        Start of the rep.
    end_s : float
        End of the rep.

    Returns
    -------
    View
        The view.
    """
    labels = np.asarray(signals.view.per_frame, dtype=object)[window(signals.times_s, start_s, end_s)]
    labels = labels[labels != ""].astype(str)
    if len(labels) == 0:
        return signals.view.view
    values, counts = np.unique(labels, return_counts=True)
    return View(values[int(np.argmax(counts))])


def plan_checks(movement: Movement, view: View, unavailable: dict[str, str] | None = None) -> CheckPlan:
    """Skip faults the camera view cannot show, and those whose signal is unavailable
    (``unavailable`` maps their codes to the reason).

    Parameters
    ----------
    movement : Movement
        The movement, with its fault thresholds.
    view : View
        The set's camera view.
    unavailable : dict[str, str] | None
        Fault code to the reason its signal is missing, or None.

    Returns
    -------
    CheckPlan
        The faults that can be judged and the notes for those skipped.
    """
    missing = unavailable or {}
    runnable, skipped, by_view = set(), [], set()
    for fault in movement.faults:
        if fault.code in missing:
            skipped.append(f"{fault.code}: {missing[fault.code]}")
        elif view not in fault.views:
            views = " or ".join(v.value for v in fault.views)
            skipped.append(
                f"{fault.code}: cannot be judged from a {view.value} view; film from the {views} to have it checked."
            )
            by_view.add(fault.code)
        else:
            runnable.add(fault.code)
    return CheckPlan(frozenset(runnable), skipped, frozenset(by_view))


def finite_stat(values: AnyArray, how: str) -> float:
    """nanmin / nanmax / nanmedian that return NaN (not a warning) on empty input.

    Parameters
    ----------
    values : AnyArray
        The values, NaN where unknown.
    how : str
        ``"min"``, ``"max"`` or ``"median"``.

    Returns
    -------
    float
        The statistic of the finite values; NaN when there is none.
    """
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return float("nan")
    stats: dict[str, Callable[[AnyArray], Any]] = {"min": np.min, "max": np.max, "median": np.median}
    return float(stats[how](finite))


Limit = tuple[str, str, float, str]
"""(fault code, threshold key, measured value, "max" or "min"): the value may not exceed the
threshold ("max") or fall below it ("min")."""


def rep_limit_faults(
    movement: Movement,
    runnable: frozenset[str],
    timing: RepTiming,
    index: int,
    limits: list[Limit],
    view: View | None = None,
) -> list[FaultEvent]:
    """Fault events for one rep whose measures break their thresholds; one event per code, with
    the confidence its margin beyond the threshold gives (:mod:`upperback.form.evidence`).

    Parameters
    ----------
    movement : Movement
        The movement, with its fault thresholds.
    runnable : frozenset[str]
        The runnable fault codes (:class:`CheckPlan`).
    timing : RepTiming
        The rep.
    index : int
        The rep's index in the set.
    limits : list[Limit]
        (fault code, measured value, threshold key, ``"max"``/``"min"``) to check.
    view : View | None
        The rep's view, for the noise of its measures; None when not known.

    Returns
    -------
    list[FaultEvent]
        The rep's fault events.
    """
    found: dict[str, FaultEvent] = {}
    for code, key, value, kind in limits:
        if code not in runnable or code in found or not np.isfinite(value):
            continue
        threshold = movement.fault(code).thresholds[key]
        if (value > threshold) if kind == "max" else (value < threshold):
            confidence = margin_confidence(value, threshold, noise_for(key, view), kind)
            found[code] = fault_event(
                movement.fault(code), timing.start_s, timing.end_s, value, threshold, index, confidence
            )
    return list(found.values())


def beyond_faults(
    fault: Fault,
    values: AnyArray,
    times_s: AnyArray,
    where: AnyArray,
    threshold: float,
    kind: str = "max",
    reps: list[Rep] | None = None,
    noise: float = 0.0,
    min_duration_s: float | None = None,
) -> list[FaultEvent]:
    """One event per stretch (within ``where``) where ``values`` pass ``threshold`` — above it
    (``kind="max"``) or below it (``"min"``) — for the fault's ``min_duration_s``. The event's
    value is the worst one in the stretch; its rep is the rep the stretch starts in, if any; its
    confidence comes from the stretch's median margin beyond the threshold against ``noise``.

    Parameters
    ----------
    fault : Fault
        The library fault.
    values : AnyArray
        (T,) signal.
    times_s : AnyArray
        (T,) frame times.
    where : AnyArray
        (T,) mask of the frames to judge.
    threshold : float
        The threshold.
    kind : str
        ``"max"`` or ``"min"``.
    reps : list[Rep] | None
        The set's reps, to name the rep of each event; None for none.
    noise : float
        The signal's noise, for the confidence.
    min_duration_s : float | None
        Shortest stretch reported; None for the fault's own.

    Returns
    -------
    list[FaultEvent]
        The events, in time order.
    """
    with np.errstate(invalid="ignore"):
        beyond = where & ((values > threshold) if kind == "max" else (values < threshold))
    found = []
    if min_duration_s is None:
        min_duration_s = fault.thresholds.get("min_duration_s", 0.0)
    for start, stop in spans(beyond, times_s, min_duration_s):
        rep = rep_at(reps, float(times_s[start])) if reps else None
        confidence = margin_confidence(finite_stat(values[start:stop], "median"), threshold, noise, kind)
        found.append(
            graded(
                fault_event(
                    fault, times_s[start], times_s[stop - 1], finite_stat(values[start:stop], kind), threshold, rep
                ),
                confidence,
            )
        )
    return [event for event in found if event.confidence >= MIN_REPORTED]


def sustained_faults(
    signals: BodySignals,
    movement: Movement,
    runnable: frozenset[str],
    reps: list[Rep],
    checks: list[tuple[str, str, str]],
) -> list[FaultEvent]:
    """Faults for stretches within the set (first rep start to last rep end) where a signal
    stays above a threshold for the fault's ``min_duration_s``.

    ``checks`` holds (fault code, signal name, threshold key).

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.
    movement : Movement
        The movement, with its fault thresholds.
    runnable : frozenset[str]
        The runnable fault codes (:class:`CheckPlan`).
    reps : list[Rep]
        The set's reps.
    checks : list[tuple[str, str, str]]
        (fault code, signal name, threshold key) to check.

    Returns
    -------
    list[FaultEvent]
        The events.
    """
    in_set = window(signals.times_s, reps[0].start_s, reps[-1].end_s)
    found = []
    for code, signal, key in checks:
        if code in runnable:
            fault = movement.fault(code)
            found += beyond_faults(
                fault,
                signals[signal],
                signals.times_s,
                in_set,
                fault.thresholds[key],
                "max",
                reps,
                noise_for(key, signals.view.view),
            )
    return found


WORKING_STRETCH_S = 2.0
"""Without counted reps, a posture fault must hold this long in the working position: longer
than one rep of a brisk set, so a passing moment is not judged as the set's posture."""


def posture_without_reps(
    signals: BodySignals, movement: Movement, runnable: frozenset[str], checks: list[tuple[str, str, str]]
) -> list[FaultEvent]:
    """Posture faults over the working stretch (in the working position, e.g. hinged) of a set
    whose reps could not be counted. ``checks`` holds (fault code, signal name, threshold key).

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.
    movement : Movement
        The movement, with its fault thresholds.
    runnable : frozenset[str]
        The runnable fault codes (:class:`CheckPlan`).
    checks : list[tuple[str, str, str]]
        (fault code, signal name, threshold key) to check.

    Returns
    -------
    list[FaultEvent]
        The events.
    """
    assert movement.counting is not None
    working = posture_gate(signals, movement.counting)
    found = []
    for code, signal, key in checks:
        if code in runnable:
            fault = movement.fault(code)
            found += beyond_faults(
                fault,
                signals[signal],
                signals.times_s,
                working,
                fault.thresholds[key],
                "max",
                None,
                noise_for(key, signals.view.view),
                WORKING_STRETCH_S,
            )
    return found


def no_reps_reason(signals: BodySignals, movement: Movement, counted: Counted) -> list[str]:
    """Why a set has no counted rep, in words for the report (empty when reps were counted).

    Parameters
    ----------
    signals : BodySignals
        The cleaned body signals of the video.
    movement : Movement
        The movement, with its fault thresholds.
    counted : Counted
        The result of :func:`count_reps`.

    Returns
    -------
    list[str]
        Sentences for the report.
    """
    counting = movement.counting
    if counted.timings or counting is None or counted.fragmented:
        return []
    working = posture_gate(signals, counting)
    if not working.any():
        return [f"No rep was counted: you were never in the working position for the {movement.name.lower()}."]
    options = [(counting.signal, counting.min_depth), *((o.signal, o.min_depth) for o in counting.alternatives)]
    for name, floor in options:
        values = signals[name][working]
        values = values[np.isfinite(values)]
        if len(values) >= 3:
            low, high = np.percentile(values, [5, 95])
            unit = "°" if name.endswith("_deg") else " torso lengths"
            what = _words(name)
            if high - low < floor:
                return [
                    f"No rep was counted: in the working position the {what} moved by {high - low:.2g}{unit}, "
                    f"less than one rep needs ({floor:g}{unit})."
                ]
            return [
                f"No rep was counted: the {what} moved, but never away from rest and back within "
                f"{counting.min_rep_s:g}–{counting.max_rep_s:g} s as a rep does."
            ]
    return [
        f"No rep was counted: the {_words(counting.signal)} could not be measured in the working position "
        "(the body parts it needs were not seen clearly enough)."
    ]


def make_rep(
    index: int, timing: RepTiming, metrics: dict[str, float], faults: list[FaultEvent], partial: bool = False
) -> Rep:
    """A ``Rep`` with the timing of the counter and the codes of its faults.

    Parameters
    ----------
    index : int
        The rep's index in the set.
    timing : RepTiming
        The counter's timing.
    metrics : dict[str, float]
        The rep's measures.
    faults : list[FaultEvent]
        The rep's fault events.
    partial : bool
        True when the clip or a cut opened or closed the rep.

    Returns
    -------
    Rep
        The rep.
    """
    return Rep(
        index=index,
        start_s=timing.start_s,
        top_s=timing.top_s,
        end_s=timing.end_s,
        metrics=metrics,
        faults=sorted({f.code for f in faults if f.rep == index}),
        partial=partial,
    )


def phase_metrics(timing: RepTiming) -> dict[str, float]:
    """The rep's concentric (start to top) and eccentric (top to end) durations.

    Parameters
    ----------
    timing : RepTiming
        The rep.

    Returns
    -------
    dict[str, float]
        ``concentric_s`` and ``eccentric_s``.
    """
    return {"concentric_s": timing.top_s - timing.start_s, "eccentric_s": timing.end_s - timing.top_s}


def set_summary(reps: list[Rep], keys: Iterable[str]) -> dict[str, float]:
    """Mean of each per-rep measure over the set, plus the set's duration. Times (``_s``) are
    averaged over the reps the clip or a cut did not open or close: a partial rep has no true
    tempo (its phases are not judged either).

    Parameters
    ----------
    reps : list[Rep]
        The set's reps.
    keys : Iterable[str]
        The per-rep measures to average.

    Returns
    -------
    dict[str, float]
        ``mean_<key>`` for each key and the set's duration; empty without reps.
    """
    if not reps:
        return {}
    timed = [r for r in reps if not r.partial]
    summary = {
        f"mean_{key}": _finite_mean([r.metrics[key] for r in (timed if key.endswith("_s") else reps)]) for key in keys
    }
    summary["set_duration_s"] = reps[-1].end_s - reps[0].start_s
    return summary


def _finite_mean(values: list[float]) -> float:
    finite = [v for v in values if np.isfinite(v)]
    return float(np.mean(finite)) if finite else float("nan")


def frame_flags(values: AnyArray, threshold: float, kind: str = "max") -> AnyArray:
    """Per frame: 1.0 where ``values`` break the threshold, 0.0 where not, NaN where unknown.

    Parameters
    ----------
    values : AnyArray
        (T,) signal, NaN where unknown.
    threshold : float
        The threshold.
    kind : str
        ``"max"`` when values above it are faults, ``"min"`` when below.

    Returns
    -------
    AnyArray
        (T,) flags.
    """
    values = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        broken = values > threshold if kind == "max" else values < threshold
    return np.where(np.isnan(values), np.nan, broken.astype(float))
