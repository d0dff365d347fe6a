"""Where the person mask is read, and at what size, against BlazePose's own tracking noise.

For each clip, the frames at the analysis rate go through trackers side by side:

- **full-size mask**: MediaPipe's stock Pose solution, whose mask is warped onto a picture as
  large as the frame (what ``upperback pose`` read before the crop mask);
- **crop mask**: :class:`upperback.pose.estimator.BlazePose` as ``upperback pose`` runs it now,
  the mask kept on BlazePose's 256 x 256 crop and read through the crop's map;
- **restarted**: the crop-mask tracker with tracking restarted at other moments (every
  ``CHUNK_S`` seconds, half a chunk later than the pipeline's cuts): the noise floor, since the
  same picture gives slightly different landmarks and masks after another tracking history;
- with ``--side N``, **small**: the picture scaled so its longer side is N pixels (landmarks
  scaled back to full-size pixels).

Each is compared with *full-size mask*: whether the landmarks are identical, the median offset of
the torso and arm landmarks (pixels), and the RMS and largest difference of the back's outline:
the per-station profile and the back curve that the rounded/arched-back and cat-cow checks read,
in % of torso length. CPU milliseconds per frame of ``process`` are shown for each tracker.

Usage::

    python bench/mask_size.py [--side 640] [CLIP ...]   (default: every clip in clips/ and clips-wild/)
"""

from __future__ import annotations

import argparse
import math
import os
import resource
from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np

os.environ.setdefault("GLOG_minloglevel", "2")

from upperback.pose.decode import iter_frames
from upperback.pose.estimator import BlazePose, _pose_solution
from upperback.pose.landmarks import Landmark
from upperback.pose.outline import STATIONS, back_curve, back_profile
from upperback.pose.pipeline import CHUNK_S, DEFAULT_RATE_HZ

DATA = Path(os.environ.get("UPPERBACK_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
CLIP_FOLDERS = (DATA / "clips", DATA / "clips-wild")
MARKS = [
    Landmark.LEFT_SHOULDER,
    Landmark.RIGHT_SHOULDER,
    Landmark.LEFT_HIP,
    Landmark.RIGHT_HIP,
    Landmark.LEFT_ELBOW,
    Landmark.RIGHT_ELBOW,
    Landmark.LEFT_WRIST,
    Landmark.RIGHT_WRIST,
]


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class StockPose:
    """MediaPipe's stock Pose solution with its full-size mask, behind BlazePose's interface."""

    def __init__(self) -> None:
        self._pose = _pose_solution().Pose(
            static_image_mode=False,
            model_complexity=1,
            smooth_landmarks=False,
            enable_segmentation=True,
            smooth_segmentation=False,
        )

    def process(self, rgb: np.ndarray):
        result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return None
        height, width = rgb.shape[:2]
        image = np.array([(p.x, p.y, p.z) for p in result.pose_landmarks.landmark], np.float32)
        image *= np.array([width, height, width], np.float32)
        return SimpleNamespace(image=image, mask=result.segmentation_mask)

    def reset(self) -> None:
        self._pose.reset()


class Run:
    """One tracker's landmarks (full-size pixels), profiles and CPU time."""

    def __init__(self, pose=None, restart_offset_s: float | None = None, side: int | None = None) -> None:
        self.pose = pose or BlazePose(segmentation=True)
        self.next_restart_s = math.inf if restart_offset_s is None else restart_offset_s
        self.side = side
        self.image: list[np.ndarray] = []
        self.profile: list[np.ndarray] = []
        self.cpu = 0.0

    def feed(self, time_s: float, rgb: np.ndarray) -> None:
        if time_s >= self.next_restart_s:
            self.pose.reset()
            while self.next_restart_s <= time_s:
                self.next_restart_s += CHUNK_S
        height, width = rgb.shape[:2]
        scale = 1.0
        if self.side is not None and max(height, width) > self.side:
            scale = self.side / max(height, width)
            rgb = cv2.resize(rgb, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
        start = cpu_s()
        found = self.pose.process(rgb)
        self.cpu += cpu_s() - start
        if found is None:
            self.image.append(np.full((33, 3), np.nan, np.float32))
            self.profile.append(np.full(len(STATIONS), np.nan, np.float32))
            return
        self.profile.append(back_profile(found.mask, found.image))
        self.image.append(found.image / scale)


def compare(reference: Run, other: Run) -> dict[str, float | bool]:
    """Landmarks and outline of ``other`` against ``reference``."""
    a, b = np.array(reference.image), np.array(other.image)
    both = np.isfinite(a[:, 0, 0]) & np.isfinite(b[:, 0, 0])
    offsets = np.linalg.norm(a[both][:, MARKS, :2] - b[both][:, MARKS, :2], axis=-1)
    pa, pb = np.array(reference.profile), np.array(other.profile)
    ca, cb = back_curve(pa, a), back_curve(pb, b)
    with np.errstate(invalid="ignore"):
        return {
            "identical": bool(np.array_equal(a, b, equal_nan=True)),
            "offset_px": float(np.median(offsets)) if offsets.size else math.nan,
            "profile_rms": _rms(pa - pb),
            "profile_max": _max(pa - pb),
            "curve_rms": _rms(ca - cb),
            "curve_max": _max(ca - cb),
        }


def _rms(difference: np.ndarray) -> float:
    return float(np.sqrt(np.nanmean(difference**2))) * 100 if np.isfinite(difference).any() else math.nan


def _max(difference: np.ndarray) -> float:
    return float(np.nanmax(np.abs(difference))) * 100 if np.isfinite(difference).any() else math.nan


def clip_paths(names: list[str]) -> list[Path]:
    if names:
        return [Path(n) if Path(n).exists() else next(f / n for f in CLIP_FOLDERS if (f / n).exists()) for n in names]
    return sorted(p for folder in CLIP_FOLDERS for p in folder.glob("*.mp4"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clips", nargs="*")
    parser.add_argument("--side", type=int, default=None, help="also run on pictures this long on their longer side")
    args = parser.parse_args()
    print(
        "| clip | frames | run vs full-size mask | landmarks identical | landmarks: median offset px | "
        "profile RMS / max % torso | back curve RMS / max % torso | CPU ms/frame |"
    )
    print("|---|---:|---|---|---:|---:|---:|---:|")
    for path in clip_paths(args.clips):
        runs = {
            "full-size mask": Run(StockPose()),
            "crop mask": Run(),
            "restarted (noise floor)": Run(restart_offset_s=CHUNK_S / 2),
        }
        if args.side:
            runs[f"small ({args.side} px)"] = Run(side=args.side)
        count = 0
        for frame in iter_frames(path, DEFAULT_RATE_HZ):
            for run in runs.values():
                run.feed(frame.time_s, frame.rgb)
            count += 1
        reference = runs["full-size mask"]
        for label, run in runs.items():
            cpu = f"{run.cpu / max(count, 1) * 1000:.1f}"
            if run is reference:
                print(f"| {path.name} | {count} | {label} | | | | | {cpu} |")
                continue
            c = compare(reference, run)
            print(
                f"| {path.name} | {count} | {label} | {'yes' if c['identical'] else 'no'} | {c['offset_px']:.1f} | "
                f"{c['profile_rms']:.3f} / {c['profile_max']:.2f} | {c['curve_rms']:.3f} / {c['curve_max']:.2f} | "
                f"{cpu} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
