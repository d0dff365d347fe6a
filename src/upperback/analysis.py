"""``analyze()``: the one entry point from a video (or landmark file) to a ``FormReport``.

The CLI, the web app, batch runs and the tests all call it; none re-implements a step.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace

import numpy as np

from upperback.errors import UpperbackError
from upperback.form import CHECKS, form_module, module_name
from upperback.form.common import spans
from upperback.form.movement_result import MovementResult
from upperback.form.recognise import recognise
from upperback.form.report import FormReport, Quality, SourceSummary
from upperback.kinematics.signals import BodySignals, body_signals
from upperback.kinematics.view import VISIBLE
from upperback.library import Movement, Variant, get_library
from upperback.pose.landmarks import Landmark
from upperback.pose.orientation import upright_turn
from upperback.pose.pipeline import DEFAULT_RATE_HZ, ProgressCallback, extract_pose
from upperback.pose.quality import cut_short_note
from upperback.pose.sources import is_video_path
from upperback.pose.track import PoseTrack

AUTO = "auto"
"""``exercise`` value that recognises the movement from the video."""

FORM_MODULES = CHECKS
"""Each movement's offline check by movement id (the form registry, ``upperback.form``)."""


@dataclass(frozen=True)
class Analysis:
    """One analysis with what it was made from, for the writers (report page, annotated video),
    which then find nothing a second time.

    ``signals`` are the body signals the form check read; ``step_times_s`` the times of the
    steps of a movement counted in steps rather than reps (the carry), else None.
    """

    report: FormReport
    track: PoseTrack
    signals: BodySignals
    step_times_s: np.ndarray | None = None

    def shown_as(self, name: str) -> Analysis:
        """The analysis with the video named as the user knows it (an upload's name, not the server's file)."""
        return replace(self, report=replace(self.report, source=replace(self.report.source, name=name)))


@dataclass(frozen=True)
class AnalysisOptions:
    """Settings of one analysis. ``width``/``height`` apply to normalised landmark CSVs."""

    rate_hz: float | None = DEFAULT_RATE_HZ
    workers: int | None = None
    width: int | None = None
    height: int | None = None
    progress: ProgressCallback | None = None
    cancel: threading.Event | None = None


def load_track_from(source: str | os.PathLike[str] | PoseTrack, options: AnalysisOptions) -> PoseTrack:
    """A pose track from a video, a saved ``.npz`` track, a landmark ``.csv`` or an OpenPose
    COCO-18 keypoint array (``.npy``)."""
    if isinstance(source, PoseTrack):
        return source
    from upperback.pose.sources import read_track

    return read_track(
        source,
        rate_hz=options.rate_hz,
        workers=options.workers,
        width=options.width,
        height=options.height,
        progress=options.progress,
        cancel=options.cancel,
    )


def analyze(
    source: str | os.PathLike[str] | PoseTrack, exercise: str, options: AnalysisOptions | None = None
) -> FormReport:
    """Count reps, time their phases and flag form faults for one movement.

    Parameters
    ----------
    source
        A video file, a pose track (``.npz`` or a ``PoseTrack``) or a landmark CSV.
    exercise
        A movement id from the library, e.g. ``bent-over-row``, a variant id, e.g.
        ``barbell-bent-over-row`` (its thresholds apply), or ``"auto"`` to recognise the movement.
    options
        Analysis rate, workers, progress callback, ...
    """
    return full_analysis(source, exercise, options).report


def full_analysis(
    source: str | os.PathLike[str] | PoseTrack, exercise: str, options: AnalysisOptions | None = None
) -> Analysis:
    """``analyze()``, keeping the pose track and signals it read, for the writers that draw on
    them (report page, annotated video)."""
    options = options or AnalysisOptions()
    notes: list[str] = []
    if exercise != AUTO:
        form_module(get_library().analysis_target(exercise)[0].id)  # fail fast, before the video is read
    track = stood_upright(source, load_track_from(source, options), exercise, options)
    _check_long_enough(track, None if exercise == AUTO else get_library().analysis_target(exercise)[0])
    signals = body_signals(track)
    if exercise == AUTO:
        exercise, notes = _recognised(signals)
    movement, variant = get_library().analysis_target(exercise)
    sparse = too_sparse(track)
    if sparse:
        result = MovementResult(
            [],
            [],
            skipped=[f"{f.code}: the video has too few frames to judge it." for f in movement.faults],
            notes=[sparse],
        )
    else:
        result = form_module(movement.id).check(signals, movement)
    report = FormReport(
        exercise=movement.id,
        variant=variant.id if variant else None,
        source=SourceSummary(
            fps=track.source.fps,
            frames=track.source.frames,
            duration_s=track.source.duration_s,
            width=track.source.width,
            height=track.source.height,
            name=track.source.name,
        ),
        view=signals.view.view.value,
        reps=result.reps,
        faults=result.faults,
        metrics=result.metrics,
        quality=Quality(
            pose_detected_fraction=track.detected_fraction,
            warnings=list(track.warnings) + notes + _view_warnings(movement, signals) + result.notes,
            skipped_checks=result.skipped + _variant_skips(variant),
            low_confidence_spans=low_confidence_spans(track),
            shots=result.shots,
        ),
    )
    return Analysis(report, track, signals, result.step_times_s)


TURN_WORDS = {
    1: ("on its side", "a quarter turn anticlockwise"),
    2: ("upside down", "half a turn"),
    3: ("on its side", "a quarter turn clockwise"),
}
"""How a picture was stored and how it was turned upright, for the report, by ``numpy.rot90``'s ``k``."""
TURNED_UPRIGHT = "the right way up, before it was checked."
"""The end of the note of a report whose picture was turned upright (benchmarks look for it)."""


def stood_upright(
    source: str | os.PathLike[str] | PoseTrack, track: PoseTrack, exercise: str, options: AnalysisOptions
) -> PoseTrack:
    """``track``, read from ``source``; if ``source`` is a video stored on its side
    (:mod:`upperback.pose.orientation`), the video's track read again with the picture turned
    upright, with a note saying so. A movement done lying down is never turned: its limbs lie
    across the picture however it is filmed."""
    if isinstance(source, PoseTrack) or not is_video_path(source):
        return track
    turn = upright_turn(track)
    if turn == 0:
        return track
    if exercise == AUTO:
        recognised = recognise(body_signals(track)).exercise
        movement = get_library().movement(recognised) if recognised else None
    else:
        movement = get_library().analysis_target(exercise)[0]
    if movement is not None and movement.lying:
        if exercise != AUTO:
            return track
        note = (
            f"You look to be lying down, so this was checked as the {movement.name.lower()}. If you were "
            "not, the video is stored on its side: choose the movement and analyse it again to have it turned upright."
        )
        return replace(track, warnings=(*track.warnings, note))
    upright = extract_pose(
        source,
        rate_hz=options.rate_hz,
        workers=options.workers,
        progress=options.progress,
        cancel=options.cancel,
        turn=turn,
    )
    stored, turned = TURN_WORDS[turn]
    note = (
        f"The video is stored {stored} (the file does not say which way up it was filmed), so the picture "
        f"was turned {turned}, {TURNED_UPRIGHT}"
    )
    return replace(upright, warnings=(*upright.warnings, note))


def shortest_rep_s(movement: Movement | None) -> float:
    """The fastest rep of ``movement`` (its library ``counting.min_rep_s``); for a movement that is
    not counted in reps (a carry), or when the movement is not known yet, the fastest of any."""
    if movement is not None and movement.counting is not None:
        return movement.counting.min_rep_s
    return min(m.counting.min_rep_s for m in get_library().movements if m.counting is not None)


def _check_long_enough(track: PoseTrack, movement: Movement | None) -> None:
    """Refuse a video too short to hold one rep (a single frame, a fraction of a second)."""
    shortest_s = shortest_rep_s(movement)
    span_s = float(track.times_s[-1] - track.times_s[0]) if len(track) > 1 else 0.0
    if span_s >= shortest_s:
        return
    cut_short = cut_short_note(track)
    if cut_short:
        raise UpperbackError(f"{track.source.name}: {cut_short} Copy or download it again and analyse the whole file.")
    frames = f"{len(track)} frame{'s' if len(track) != 1 else ''}"
    if movement is not None and movement.counting is not None:
        takes = f"a rep of {movement.name} takes"
    else:
        takes = "the shortest movement it can check takes"
    raise UpperbackError(
        f"{track.source.name} is far too short to check: it holds {frames} ({span_s:.1f} s of video), "
        f"and {takes} at least {shortest_s:g} s. Film the whole set, from the starting position to "
        "the end of the last rep, and analyse that video."
    )


MIN_RATE_HZ = 5.0
"""The fastest reps (explosive pulls, about 0.8 s) need four samples or more to show rest, top
and rest again: below 5 frames a second they cannot be told apart from noise."""
MIN_RATE_SLACK = 0.01
"""A 5 fps video is a 5 fps video: its frame times' rounding must not put it below the limit."""
MIN_FRAMES = 8
"""Fewer analysed frames than this (under a second at 10 Hz) hold no rep one can judge."""


def too_sparse(track: PoseTrack) -> str | None:
    """Why the track has too few frames, or too low a frame rate, to judge; None when it is fine."""
    if len(track) < 2:
        rate = 0.0
    else:
        rate = 1.0 / float(np.median(np.diff(track.times_s)))
    if len(track) < MIN_FRAMES or rate < MIN_RATE_HZ * (1 - MIN_RATE_SLACK):
        return (
            f"The video gives only {len(track)} frames at {rate:.1f} frames per second: too few to "
            "count reps or judge form, so nothing was judged. Film at 10 frames per second or more "
            "(any phone video) and send the whole set."
        )
    return None


LOW_CONFIDENCE_MIN_S = 0.5
"""Unreliable stretches shorter than this are bridged by gap filling and not reported."""


def low_confidence_spans(track: PoseTrack) -> list[tuple[float, float]]:
    """(start_s, end_s) stretches where nobody was found or the torso (shoulders and hips) was
    not clearly visible: the analysis does not judge them."""
    torso = [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP]
    with np.errstate(invalid="ignore"):
        seen = np.nan_to_num(np.max(track.visibility[:, torso[:2]], axis=1)) > VISIBLE
        seen &= np.nan_to_num(np.max(track.visibility[:, torso[2:]], axis=1)) > VISIBLE
    return [
        (float(track.times_s[a]), float(track.times_s[b - 1]))
        for a, b in spans(~seen, track.times_s, LOW_CONFIDENCE_MIN_S)
    ]


def _variant_skips(variant: Variant | None) -> list[str]:
    """The faults a variant does not judge, with the reason, for the report."""
    if variant is None or variant.analysis is None:
        return []
    return [f"{code}: {reason}" for code, reason in variant.analysis.not_judged.items()]


def frame_faults(track: PoseTrack, exercise: str, signals: BodySignals | None = None) -> dict[str, np.ndarray]:
    """Per frame of ``track``, each fault the library marks ``single_frame`` as 1.0 / 0.0, or NaN
    where it cannot be judged. ``exercise`` is a movement or variant id (a variant's thresholds
    apply, and the faults it does not judge are left out); ``signals`` the track's body signals
    when already computed (an analysis of it)."""
    movement = get_library().analysis_target(exercise)[0]
    wanted = [fault.code for fault in movement.faults if fault.single_frame]
    if not wanted:
        return {}
    module = form_module(movement.id)
    if signals is None:
        signals = body_signals(track)
    flags = module.frame_faults(signals, movement) if module.frame_faults else {}
    missing = [code for code in wanted if code not in flags]
    if missing:
        raise UpperbackError(
            f"The library marks {', '.join(missing)} of '{movement.id}' as judged on single frames, but its "
            f"form module ({module_name(movement.id)}) flags no frame for them: give its frame_faults "
            "those faults, or set single_frame: false in the movement's YAML."
        )
    return {code: values for code, values in flags.items() if code in wanted}


def _recognised(signals: BodySignals) -> tuple[str, list[str]]:
    """The movement ``--exercise auto`` settles on, with a note when it was not clear-cut."""
    found = recognise(signals)
    if found.exercise is None:
        ranked = sorted(found.scores.items(), key=lambda kv: kv[1], reverse=True)
        best = [name for name, score in ranked[:2] if score > 0]
        likely = " or ".join(get_library().movement(name).name.lower() for name in best)
        closest = f" (closest: the {likely})" if best else ": it looks like none of the movements upperback checks"
        raise UpperbackError(
            f"Could not tell which movement the video shows{closest}. "
            "Choose the movement yourself and analyse it again."
        )
    name = get_library().movement(found.exercise).name
    if found.clear:
        return found.exercise, [f"Recognised the movement as the {name.lower()}."]
    return found.exercise, [
        f"The movement was not clear-cut; it was analysed as the {name.lower()} "
        "because you were hinged forward. Choose the movement yourself if that is wrong."
    ]


def _view_warnings(movement: Movement, signals: BodySignals) -> list[str]:
    view = signals.view.view
    if view is movement.camera.preferred_view or view in movement.camera.acceptable_views:
        return []
    return [
        f"The video was filmed from {view.words}; for the {movement.name.lower()} some "
        f"checks need another view. {movement.camera.advice}"
    ]
