"""Key frames of the HTML report: the best and the worst rep, with the skeleton drawn."""

from __future__ import annotations

import base64
import dataclasses
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np
from PIL import Image

from upperback.form.report import FormReport, Rep
from upperback.kinematics.signals import BodySignals
from upperback.kinematics.view import VISIBLE
from upperback.library.models import Movement
from upperback.pose.decode import iter_frames
from upperback.pose.track import PoseTrack
from upperback.report.fault_kinds import rep_fault_codes
from upperback.report.key_signals import key_signal, signal_values
from upperback.report.overlay import FrameOverlay
from upperback.report.timeline import SEVERITY_RANK, fault_severity, fault_title

if TYPE_CHECKING:
    from upperback.analysis import Analysis

SEVERITY_WEIGHT = {"info": 1, "warning": 3, "error": 9}
"""How much a fault of each severity counts against a rep when picking the best and worst."""
KEY_FRAME_WIDTH = 960
"""Key frames wider than this are scaled down (pixels)."""
KEY_FRAME_MIN_SIDE = 720
"""Smaller videos are enlarged to this (shorter side, pixels) before the skeleton is drawn,
so the drawing stays sharp."""


@dataclass(frozen=True)
class RankedReps:
    """Indices of the best and the worst rep (equal with one rep; None with none). In a set
    without faults (``clean``) the "worst" is only the rep with the smallest range."""

    best: int | None
    worst: int | None
    scores: dict[int, float]
    clean: bool = False


def rank_reps(report: FormReport, signals: BodySignals, movement: Movement) -> RankedReps:
    """Best and worst rep: the best has the mildest worst fault, then the fewest faults, then the
    least fault weight (:data:`SEVERITY_WEIGHT`); the worst the reverse. Ties go to the rep that
    moved through the larger (best) or smaller (worst) range of the key signal."""
    if not report.reps:
        return RankedReps(None, None, {})
    key = key_signal(movement, report.view)
    values = signal_values(signals, key)
    order: dict[int, tuple[int, int, float]] = {}
    ranges: dict[int, float] = {}
    for rep in report.reps:
        severities = {f.code: f.severity for f in report.faults if f.rep == rep.index}
        weights = [
            SEVERITY_WEIGHT.get(severities.get(c) or fault_severity(movement, c), 1)
            for c in rep_fault_codes(report, rep)
        ]
        order[rep.index] = (max(weights, default=0), len(weights), float(sum(weights)))
        inside = values[(signals.times_s >= rep.start_s) & (signals.times_s <= rep.end_s)]
        finite = inside[np.isfinite(inside)]
        ranges[rep.index] = float(np.ptp(finite)) if len(finite) else 0.0
    best = min(order, key=lambda i: (order[i], -ranges[i], i))
    worst = max(order, key=lambda i: (order[i], -ranges[i], -i))
    clean = all(count == 0 for _, count, _ in order.values())
    return RankedReps(best, worst, {i: o[2] for i, o in order.items()}, clean)


def key_frames(analysis: Analysis, movement: Movement, ranked: RankedReps, video: Path) -> list[dict]:
    """The best and the worst rep at their turning point, with the skeleton and the gauge of the
    annotated video, cropped to the body (JPEG, base64). Without reps: the most serious fault's
    moment and a moment without one."""
    report, track = analysis.report, analysis.track
    moments = []
    if ranked.best is not None and ranked.worst is not None:  # both set, or neither
        reps = {rep.index: rep for rep in report.reps}
        if ranked.best == ranked.worst:
            moments.append(("Your rep", reps[ranked.best]))
        else:
            worst = "Smallest rep" if ranked.clean else "Worst rep"  # no rep of a clean set is bad
            moments += [("Best rep", reps[ranked.best]), (worst, reps[ranked.worst])]
        chosen = [(title, rep.top_s, _rep_caption(report, movement, rep)) for title, rep in moments]
    else:
        chosen = _moments_without_reps(report, track, movement)
    scale = max(1.0, KEY_FRAME_MIN_SIDE / max(min(track.source.width, track.source.height), 1))
    overlay = FrameOverlay(dataclasses.replace(analysis, track=_scaled(track, scale)), movement)
    frames = []
    for title, time_s, caption in chosen:
        rgb = _frame_at(video, time_s, track.source.turn)
        if rgb is None:
            continue
        if scale > 1:
            rgb = cv2.resize(
                rgb, (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale)), interpolation=cv2.INTER_CUBIC
            )
        box = overlay.focus_box(rgb, time_s)
        overlay.draw(rgb, time_s, panels=False)
        if box is not None:
            x0, y0, x1, y1 = box
            rgb = rgb[y0:y1, x0:x1]
        frames.append({"title": title, "caption": caption, "time": f"{time_s:.1f} s", "src": _jpeg_data_uri(rgb)})
    return frames


def _scaled(track: PoseTrack, scale: float) -> PoseTrack:
    """The track with its picture (size and image landmarks) enlarged ``scale`` times."""
    if scale == 1:
        return track
    image = track.image.copy()
    image[..., :2] *= scale
    source = dataclasses.replace(
        track.source, width=round(track.source.width * scale), height=round(track.source.height * scale)
    )
    return dataclasses.replace(track, image=image, source=source)


def _rep_caption(report: FormReport, movement: Movement, rep: Rep) -> str:
    titles = ", ".join(fault_title(movement, c) for c in rep_fault_codes(report, rep))
    return f"Rep {rep.index + 1}: " + (titles if titles else "no faults found")


def _moments_without_reps(report: FormReport, track: PoseTrack, movement: Movement) -> list[tuple[str, float, str]]:
    if report.faults:
        worst = min(report.faults, key=lambda f: (SEVERITY_RANK.get(f.severity, 9), -(f.end_s - f.start_s)))
        middle = (worst.start_s + worst.end_s) / 2
        found = [("Fault", middle, fault_title(movement, worst.code))]
        calm = _calm_time(report, report.source.duration_s)
        if calm is not None:
            found.append(("No fault", calm, "A moment with nothing flagged"))
        return found
    return [("A clear view", _clearest_time(track), "The moment the whole body was seen best")]


def _clearest_time(track: PoseTrack) -> float:
    """Time of the analysed frame with the most landmarks clearly seen (the middle-most of ties)."""
    if not len(track):
        return 0.0
    with np.errstate(invalid="ignore"):
        seen = (np.nan_to_num(track.visibility) > VISIBLE).sum(axis=1)
    middle = track.times_s[len(track) // 2]
    best = np.flatnonzero(seen == seen.max())
    return float(track.times_s[best[np.argmin(np.abs(track.times_s[best] - middle))]])


def _calm_time(report: FormReport, duration: float) -> float | None:
    """The middle of the longest stretch with no fault under way."""
    edges = sorted([(0.0, 0.0)] + [(f.start_s, f.end_s) for f in report.faults] + [(duration, duration)])
    best, best_length, reached = None, 0.0, 0.0
    for start, end in edges:
        if start - reached > best_length:
            best, best_length = (reached + start) / 2, start - reached
        reached = max(reached, end)
    return best


def _frame_at(video: Path, time_s: float, turn: int) -> np.ndarray | None:
    for frame in iter_frames(video, start_s=max(time_s, 0.0), end_s=time_s + 1.0, turn=turn):
        return frame.rgb.copy() if not frame.rgb.flags.writeable else frame.rgb
    return None


def _jpeg_data_uri(rgb: np.ndarray) -> str:
    image = Image.fromarray(rgb)
    if image.width > KEY_FRAME_WIDTH:
        image = image.resize(
            (KEY_FRAME_WIDTH, round(image.height * KEY_FRAME_WIDTH / image.width)), Image.Resampling.LANCZOS
        )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=84, optimize=True)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
