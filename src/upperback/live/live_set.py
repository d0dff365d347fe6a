"""``LiveSet``: one set coached live, one frame in and the updated state out.

Per frame: the offline signal definitions on that frame, the causal filter, the shared rep
counter. When the counter completes a rep, the movement's own offline check (``form/``) runs on
the frames seen so far, with the library's thresholds: the rep's faults come from the rep's
frames, set-level references (resting shoulder height before the rep, the first rep's back
shape) from the frames before it. The most important new fault becomes the rep's cue, if the
cue rules allow one. The set ends when the user stands up, stops moving or leaves the picture;
its summary is the same check over the whole set (so a fault only the first rep seemed to
show, and no later rep confirmed, is cued at most once but left out of the summary).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from upperback.analysis import FORM_MODULES
from upperback.errors import UpperbackError
from upperback.form.movement_result import MovementResult
from upperback.form.report import FaultEvent, Rep, json_ready
from upperback.form.reps import RepTiming
from upperback.kinematics.shots import ShotWatch, shot_marks
from upperback.kinematics.sides import Sides
from upperback.kinematics.view import ViewEstimate
from upperback.library import get_library
from upperback.live.camera_check import CameraCheck, CameraReadiness, check_camera, mean_luma
from upperback.live.counting import LiveCounter, Phase
from upperback.live.cues import MIN_CUE_GAP_S, Cue, CuePicker
from upperback.live.history import FrameHistory
from upperback.live.set_end import (
    END_MESSAGES,
    GONE_S,
    STAND_S,
    STILL_FRACTION,
    STILL_S,
    EndReason,
    SetEndDetector,
)
from upperback.live.signals import LiveSignals, judge, one_frame
from upperback.pose.pipeline import DEFAULT_RATE_HZ
from upperback.pose.track import SourceInfo

if TYPE_CHECKING:
    from upperback.pose.estimator import BlazePose

RATE_TOLERANCE = 0.5
"""A frame is analysed once this share of the analysis period has passed since the last one: a
faster camera is thinned toward the analysis rate, while every frame the offline decoder samples
(the first in each period, from videos of 20 fps or more) is analysed."""
MAX_WIDTH_PX = 640
"""``process_frame`` shrinks wider pictures to this width before BlazePose (docs/live.md)."""
CHECK_EVERY_S = 3.0
"""Movements without reps (the carry) are checked this often."""


@dataclass(frozen=True)
class SetSummary:
    """What a finished set showed: reps with tempo, its faults, and why it ended."""

    exercise: str
    reps: tuple[Rep, ...]
    faults: tuple[FaultEvent, ...]
    metrics: dict[str, float]
    reason: EndReason

    @property
    def fault_codes(self) -> list[str]:
        return sorted({f.code for f in self.faults})

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "rep_count": len(self.reps),
            "reps": [json_ready(r.to_dict(), 2) for r in self.reps],
            "faults": [
                {"code": f.code, "severity": f.severity, "rep": f.rep, "cue": f.cue, "message": f.message}
                for f in self.faults
            ],
            "metrics": {k: round(v, 3) for k, v in self.metrics.items() if math.isfinite(v)},
            "reason": self.reason.value,
            "message": END_MESSAGES[self.reason],
        }


@dataclass(frozen=True)
class LiveState:
    """The coach's view after one frame; ``to_dict`` is what the live page receives."""

    time_s: float
    exercise: str
    analyzed: bool
    found: bool
    reps: int
    phase: Phase
    phase_label: str
    last_rep: Rep | None
    cue: Cue | None
    fault_codes: tuple[str, ...]
    set_finished: bool
    end_reason: EndReason | None
    skeleton: np.ndarray | None = field(repr=False)  # (33, 3): x, y in pixels, visibility
    frame_size: tuple[int, int] | None
    camera: CameraCheck | None
    camera_ready: bool
    summary: SetSummary | None

    def to_dict(self) -> dict[str, Any]:
        skeleton = None
        if self.skeleton is not None:
            skeleton = np.round(np.nan_to_num(self.skeleton, nan=-1.0), 3).tolist()
        cue = self.cue
        return {
            "time_s": round(self.time_s, 3),
            "exercise": self.exercise,
            "analyzed": self.analyzed,
            "found": self.found,
            "reps": self.reps,
            "phase": self.phase.value,
            "phase_label": self.phase_label,
            "last_rep": json_ready(self.last_rep.to_dict(), 2) if self.last_rep else None,
            "cue": None
            if cue is None
            else {"number": cue.number, "code": cue.code, "text": cue.text, "severity": cue.severity, "rep": cue.rep},
            "fault_codes": list(self.fault_codes),
            "set_finished": self.set_finished,
            "end_reason": self.end_reason.value if self.end_reason else None,
            "skeleton": skeleton,
            "frame_size": list(self.frame_size) if self.frame_size else None,
            "camera": None
            if self.camera is None
            else {"ok": self.camera.ok, "message": self.camera.message, "problem": self.camera.problem},
            "camera_ready": self.camera_ready,
            "summary": self.summary.to_dict() if self.summary else None,
        }


class LiveSet:
    """One set of one movement, coached frame by frame.

    Parameters
    ----------
    exercise
        Movement id from the library, e.g. ``bent-over-row``.
    frame_size
        (width, height) of the pictures the landmarks are measured in, if known (for the
        camera check's edge test; ``process_frame`` sets it from the pictures).
    rate_hz
        Analysis rate: a frame closer than ``RATE_TOLERANCE`` of its period to the last analysed
        one is not analysed (the thresholds and filters are set for the offline default, 10 Hz).
    max_width_px
        ``process_frame`` shrinks wider pictures to this width before BlazePose; None keeps them.
    min_cue_gap_s, still_s, stand_s, gone_s
        Cue rate limit and the set-end timings (:mod:`upperback.live.set_end`).
    estimator
        A BlazePose (with segmentation) for ``process_frame`` to use, e.g. one kept across the
        sets of a camera session; the session then leaves closing it to the caller. Without
        one, ``process_frame`` loads its own and :meth:`close` releases it.
    """

    def __init__(
        self,
        exercise: str,
        *,
        frame_size: tuple[int, int] | None = None,
        rate_hz: float = DEFAULT_RATE_HZ,
        max_width_px: int | None = MAX_WIDTH_PX,
        min_cue_gap_s: float = MIN_CUE_GAP_S,
        still_s: float = STILL_S,
        stand_s: float = STAND_S,
        gone_s: float = GONE_S,
        estimator: BlazePose | None = None,
    ) -> None:
        self.movement = get_library().movement(exercise)
        if self.movement.id not in FORM_MODULES:
            raise UpperbackError(f"Live coaching for '{self.movement.id}' is not available.")
        self.exercise = self.movement.id
        self.frame_size = frame_size
        self.rate_hz = rate_hz
        self.max_width_px = max_width_px
        self.history = FrameHistory(
            SourceInfo(
                name="live camera",
                width=frame_size[0] if frame_size else 0,
                height=frame_size[1] if frame_size else 0,
                fps=rate_hz,
                frames=0,
                duration_s=0.0,
            )
        )
        self._signals = LiveSignals(self.movement)
        counting = self.movement.counting
        self._counter = LiveCounter(self.movement) if counting is not None else None
        standing = counting.stood_up_torso_deg if counting is not None else math.inf  # no reps: no set end
        still_band = STILL_FRACTION if counting is not None else math.inf  # in rep minimum depths
        self._set_end = SetEndDetector(standing, still_band, stand_s=stand_s, still_s=still_s, gone_s=gone_s)
        self._cues = CuePicker([f.code for f in self.movement.faults], min_gap_s=min_cue_gap_s)
        self._camera = CameraReadiness()
        self._shots = ShotWatch()  # cuts and jumps of the person, on the analysed frames
        self._shot_starts: list[int] = []  # the history's frames that began a new shot
        self.reps: list[RepTiming] = []
        self.faults: list[FaultEvent] = []
        self._fault_keys: set[tuple[str, int | None]] = set()
        self._rep_faults: dict[int, set[str]] = {}
        self._last_rep: Rep | None = None
        self._cue: Cue | None = None
        self._last_time_s = -math.inf
        self._last_analyzed_s = -math.inf
        self._last_check_s = -math.inf
        self._skeleton: np.ndarray | None = None
        self._camera_check: CameraCheck | None = None
        self._end: EndReason | None = None
        self._summary: SetSummary | None = None
        self._pose = estimator
        self._owns_pose = estimator is None
        self.side_changes = 0  # times the measured body side changed and the history was redone

    # ------------------------------------------------------------------ frames in

    def push(
        self,
        time_s: float,
        image: np.ndarray | None,
        world: np.ndarray | None,
        visibility: np.ndarray | None,
        back_profile: np.ndarray | None = None,
        luma: float | None = None,
    ) -> LiveState:
        """Feed one frame's landmarks (``None``: nobody found) and get the updated state.

        ``image`` is (33, 3) in pixels, ``world`` (33, 3) in metres, ``visibility`` (33,);
        ``back_profile`` the frame's back outline (:func:`upperback.pose.outline.back_profile`)
        and ``luma`` its mean brightness, when known.
        """
        if time_s <= self._last_time_s:
            raise UpperbackError(
                f"Frames must come in time order: {time_s:.3f} s came after "
                f"{self._last_time_s:.3f} s. Restart the live session."
            )
        if image is not None and visibility is None:
            raise UpperbackError("A frame's landmarks came without their visibility; pass both, or neither.")
        self._last_time_s = time_s
        found = image is not None
        self._skeleton = None if image is None or visibility is None else np.column_stack([image[:, :2], visibility])
        self._camera_check = check_camera(self.movement, image, world, visibility, self.frame_size, luma)
        self._camera.update(time_s, self._camera_check)
        if self._end is not None or not self._due(time_s):
            return self.state(time_s, analyzed=False)
        self._last_analyzed_s = time_s
        self.history.append(time_s, image, world, visibility, back_profile)
        track = self.history.track(copy=False)
        person, cut = self._shots.update(time_s, image)
        if cut:
            self._shot_starts.append(len(track) - 1)
        view, sides = judge(track, self._shot_starts)
        if self._signals.sides is not None and not sides.same_as(self._signals.sides):
            self._rebuild(view, sides)
        else:
            values = self._signals.add(one_frame(track, len(track) - 1), view, sides, new_shot=cut)
            if self._counter is not None:
                self._counter.update(time_s, values, self._signals.latest(raw=True), person, cut)
                self._count(time_s)
            elif found and time_s - self._last_check_s >= CHECK_EVERY_S:
                self._last_check_s = time_s
                self._offer(self._judge(), time_s, None)
        self._watch_set_end(time_s, found)
        return self.state(time_s, analyzed=True)

    def process_frame(self, rgb: np.ndarray, time_s: float) -> LiveState:
        """Run BlazePose (with segmentation, for the back outline) on an RGB uint8 picture and
        feed the result; frames not due on the analysis clock skip the pose model."""
        from upperback.pose.outline import back_profile

        height, width = rgb.shape[:2]
        self.frame_size = (width, height)
        if self._end is not None or not self._due(time_s):
            if time_s <= self._last_time_s:
                raise UpperbackError("Frames must come in time order. Restart the live session.")
            self._last_time_s = time_s
            return self.state(time_s, analyzed=False)
        small = shrink(rgb, self.max_width_px)
        detection = self._estimator().process(small)
        luma = mean_luma(small)
        if detection is None:
            return self.push(time_s, None, None, None, None, luma)
        profile = back_profile(detection.mask, detection.image) if detection.mask is not None else None
        image = detection.image * np.array(
            [width / small.shape[1], height / small.shape[0], width / small.shape[1]], np.float32
        )  # full-size pixels
        return self.push(time_s, image, detection.world, detection.visibility, profile, luma)

    def finish(self, reason: EndReason = EndReason.STOPPED) -> LiveState:
        """End the set now (a button, or the end of a replayed stream); returns the final state."""
        if self._end is None:
            self._finish(reason, self._last_time_s)
        return self.state(self._last_time_s, analyzed=False)

    # ------------------------------------------------------------------ state out

    def state(self, time_s: float, analyzed: bool = False) -> LiveState:
        counter = self._counter
        phase = Phase.WAITING if counter is None or self._end is not None else counter.phase
        label = (
            counter.phase_label()
            if counter is not None and self._end is None
            else ("done" if self._end is not None else "walk")
        )
        return LiveState(
            time_s=time_s,
            exercise=self.exercise,
            analyzed=analyzed,
            found=self._skeleton is not None,
            reps=len(self.reps),
            phase=phase,
            phase_label=label,
            last_rep=self._last_rep,
            cue=self._cue,
            fault_codes=tuple(sorted({f.code for f in self.faults})),
            set_finished=self._end is not None,
            end_reason=self._end,
            skeleton=self._skeleton,
            frame_size=self.frame_size,
            camera=self._camera_check,
            camera_ready=self._camera.ready,
            summary=self._summary,
        )

    @property
    def cues(self) -> list[Cue]:
        """Every cue given in this set, in order."""
        return list(self._cues.cues)

    @property
    def summary(self) -> SetSummary | None:
        return self._summary

    # ------------------------------------------------------------------ inside

    def _due(self, time_s: float) -> bool:
        return time_s - self._last_analyzed_s >= RATE_TOLERANCE / self.rate_hz

    def _judge(self) -> MovementResult:
        """The movement's offline check over the frames so far, on the causally filtered signals."""
        signals = self._signals.body_signals(self.history.track())
        return FORM_MODULES[self.exercise](signals, self.movement)

    def _rep_done(self, timing: RepTiming, time_s: float) -> None:
        self.reps.append(timing)
        index = len(self.reps) - 1
        self._offer(self._judge(), time_s, index)
        codes = self._rep_faults.get(index, set())
        self._last_rep = rep_record(index, timing, codes)

    def _offer(self, result: MovementResult, time_s: float, rep: int | None, cue: bool = True) -> list[FaultEvent]:
        """Keep the faults not seen before (one per code and rep; for a rep, only those of reps
        up to it) and, if ``cue``, cue the most important of them."""
        new = []
        for fault in result.faults:
            key = (fault.code, fault.rep)
            if key in self._fault_keys or (rep is not None and fault.rep is not None and fault.rep > rep):
                continue
            self._fault_keys.add(key)
            new.append(fault)
            if fault.rep is not None:
                self._rep_faults.setdefault(fault.rep, set()).add(fault.code)
        self.faults.extend(new)
        said = self._cues.offer(time_s, new, rep) if cue else None
        if said is not None:
            self._cue = said
        return new

    def _rebuild(self, view: ViewEstimate, sides: Sides) -> None:
        """The measured sides changed: recompute the signals, recount the reps and re-judge the
        faults of the history (cues already said stay said)."""
        self.side_changes += 1
        track = self.history.track()
        person, cut = shot_marks(track)
        self._signals.rebuild(track, view, sides, self._shot_starts)
        if self._counter is not None:
            self._counter = LiveCounter(self.movement)
            filtered, raw = self._signals.filtered, self._signals.raw
            for index, time_s in enumerate(track.times_s):
                self._counter.update(
                    float(time_s),
                    {name: values[index] for name, values in filtered.items()},
                    {name: values[index] for name, values in raw.items()},
                    bool(person[index]),
                    bool(cut[index]),
                )
            self.reps = list(self._counter.timings)
        self._rejudge(float(track.times_s[-1]))

    def _count(self, time_s: float) -> None:
        """Take up the reps the counter has now: judge each new one; if a shot was recounted
        on another signal (its reps changed), take the new count and judge the set again."""
        counted = self._counter.timings if self._counter is not None else []
        if counted[: len(self.reps)] == self.reps:
            for timing in counted[len(self.reps) :]:
                self._rep_done(timing, time_s)
        else:
            self.reps = list(counted)
            self._rejudge(time_s)

    def _rejudge(self, time_s: float) -> None:
        """Judge the faults of the history afresh (cues already said stay said)."""
        self.faults, self._fault_keys, self._rep_faults = [], set(), {}
        last = len(self.reps) - 1
        self._offer(self._judge(), time_s, last if last >= 0 else None, cue=False)
        self._last_rep = None if last < 0 else rep_record(last, self.reps[last], self._rep_faults.get(last, set()))

    def _watch_set_end(self, time_s: float, found: bool) -> None:
        latest = self._signals.latest()
        value = self._counter.reading_depths if self._counter is not None else math.nan
        last_end = self.reps[-1].end_s if self.reps else math.nan
        reason = self._set_end.update(time_s, found, latest.get("torso_deg", math.nan), value, len(self.reps), last_end)
        if reason is not None:
            self._finish(reason, time_s)

    def _finish(self, reason: EndReason, time_s: float) -> None:
        if self._counter is not None:
            self._counter.finish()
            self._count(time_s)
        result = self._judge() if len(self.history) else MovementResult([], [])
        self._offer(result, time_s, None, cue=False)  # the set is over: shown, not said
        # The summary is the check over the whole set, as offline: a fault one early rep seemed
        # to show, and no later rep confirmed, is not in it (it may have been cued already).
        codes: dict[int, set[str]] = {}
        for fault in result.faults:
            if fault.rep is not None:
                codes.setdefault(fault.rep, set()).add(fault.code)
        reps = tuple(rep_record(i, r, codes.get(i, set())) for i, r in enumerate(self.reps))
        self._summary = SetSummary(self.exercise, reps, tuple(result.faults), result.metrics, reason)
        self._end = reason

    def warm_up(self) -> None:
        """Load the pose model and run it once on a blank picture, so the first real frame is
        not slowed down by the model's start-up."""
        self._estimator().process(np.zeros((256, 256, 3), np.uint8))
        self._estimator().reset()

    def _estimator(self) -> BlazePose:
        if self._pose is None:
            from upperback.pose.estimator import BlazePose

            self._pose = BlazePose(segmentation=True)
        return self._pose

    def close(self) -> None:
        """Release the pose model, if this session loaded it."""
        if self._pose is not None and self._owns_pose:
            self._pose.close()
        self._pose = None

    def __enter__(self) -> LiveSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def rep_record(index: int, timing: RepTiming, codes: set[str]) -> Rep:
    """The report's rep record for a rep the live counter timed, with its fault codes."""
    return Rep(index=index, start_s=timing.start_s, top_s=timing.top_s, end_s=timing.end_s, faults=sorted(codes))


def shrink(rgb: np.ndarray, max_width_px: int | None) -> np.ndarray:
    """The picture at most ``max_width_px`` wide (area-averaged, same aspect)."""
    height, width = rgb.shape[:2]
    if max_width_px is None or width <= max_width_px:
        return rgb
    import cv2

    size = (max_width_px, max(1, round(height * max_width_px / width)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
