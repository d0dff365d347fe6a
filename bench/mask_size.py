"""Can BlazePose (and its segmentation mask) run on a smaller picture without changing the outline?

For each clip, the frames at the analysis rate go through three BlazePose trackers side by side:

- **full**: the full-size picture, as ``upperback pose`` does;
- **restarted**: the full-size picture again, but tracking restarted at other moments (every
  ``CHUNK_S`` seconds, half a chunk later than the pipeline's cuts): the noise floor, since the
  same picture gives slightly different landmarks and masks after another tracking history;
- **small**: the picture scaled so its longer side is ``--side`` pixels (the mask comes out
  that size too), landmarks scaled back to full-size pixels.

Compared with *full*: the median offset of the torso and arm landmarks (pixels of the full
picture), and the RMS difference of the back's outline (the per-station profile and the back
curve the rounded-back check reads, in % of torso length). CPU milliseconds per frame of
``Pose.process`` are shown for *full* and *small*.

Usage::

    python bench/mask_size.py [--side 640] [CLIP ...]
"""

from __future__ import annotations

import argparse
import os
import resource
from pathlib import Path

import cv2
import numpy as np

os.environ.setdefault("GLOG_minloglevel", "2")

from upperback.pose.decode import iter_frames  # noqa: E402
from upperback.pose.estimator import BlazePose  # noqa: E402
from upperback.pose.landmarks import Landmark  # noqa: E402
from upperback.pose.outline import STATIONS, back_curve, back_profile  # noqa: E402
from upperback.pose.pipeline import CHUNK_S, DEFAULT_RATE_HZ  # noqa: E402

CLIPS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "clips"
DEFAULT_CLIPS = ["row_dumbbell_gym_side.mp4", "row_dumbbell_underhand_home.mp4", "cat_cow_home_side.mp4",
                 "reverse_fly_chest_supported.mp4"]
MARKS = [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP,
         Landmark.LEFT_ELBOW, Landmark.RIGHT_ELBOW, Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST]


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Run:
    """One tracker's landmarks (full-size pixels), profiles and CPU time."""

    def __init__(self, restart_offset_s: float | None = 0.0, side: int | None = None) -> None:
        self.pose = BlazePose(segmentation=True)
        self.restart_offset_s, self.side = restart_offset_s, side
        self.next_restart_s = restart_offset_s
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


def compare(reference: Run, other: Run) -> tuple[float, float, float]:
    """(median landmark offset px, profile RMS %, back-curve RMS %) of ``other`` against ``reference``."""
    a, b = np.array(reference.image), np.array(other.image)
    offset = float(np.nanmedian(np.linalg.norm(a[:, MARKS, :2] - b[:, MARKS, :2], axis=-1)))
    pa, pb = np.array(reference.profile), np.array(other.profile)
    profile_rms = float(np.sqrt(np.nanmean((pa - pb) ** 2))) * 100
    ca, cb = back_curve(pa, a), back_curve(pb, b)
    curve_rms = float(np.sqrt(np.nanmean((ca - cb) ** 2))) * 100
    return offset, profile_rms, curve_rms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clips", nargs="*", default=DEFAULT_CLIPS)
    parser.add_argument("--side", type=int, default=640, help="longer side of the small picture, pixels")
    args = parser.parse_args()
    print(f"| clip | frames | run vs full | landmarks: median offset px | profile RMS % torso | "
          f"back curve RMS % torso | CPU ms/frame |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for name in args.clips:
        path = Path(name) if Path(name).exists() else CLIPS / name
        full, restarted, small = Run(), Run(restart_offset_s=CHUNK_S / 2), Run(side=args.side)
        count = 0
        for frame in iter_frames(path, DEFAULT_RATE_HZ):
            for run in (full, restarted, small):
                run.feed(frame.time_s, frame.rgb)
            count += 1
        for label, run in (("restarted (noise floor)", restarted), (f"small ({args.side} px)", small)):
            offset, profile_rms, curve_rms = compare(full, run)
            print(f"| {path.name} | {count} | {label} | {offset:.1f} | {profile_rms:.2f} | {curve_rms:.2f} | "
                  f"{run.cpu / count * 1000:.1f} |")
        print(f"| {path.name} | {count} | full | | | | {full.cpu / count * 1000:.1f} |")


if __name__ == "__main__":
    main()
