"""Does sampling at the analysis rate lose anything that matters? Compare with full-rate pose.

For every clip in a folder (default ../shared/data/clips), BlazePose runs on every frame and
at each tested rate. Key joint angles are cleaned the same way the analysis cleans them
(outlier rejection, gap filling, 3 Hz zero-lag low-pass), the sampled series is interpolated
to the full-rate times, and the RMS difference is reported over frames where the joints are
visible. The signals are those the analysis reads (``kinematics.signals``). Reps are counted
by the movement analysis itself where one exists, and cycles of a key signal elsewhere.

Usage::

    python bench/rate_accuracy.py [CLIPS_DIR] [--rates 5 8 10 15] [--cache DIR]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
from scipy.signal import find_peaks

from upperback.kinematics.filters import clean
from upperback.kinematics.signals import BodySignals, body_signals
from upperback.pose.npz import load_track, save_track
from upperback.pose.pipeline import DEFAULT_RATE_HZ, extract_pose
from upperback.pose.track import PoseTrack


def cycles(values: np.ndarray, prominence_deg: float = 20.0) -> int:
    filled = np.nan_to_num(values, nan=float(np.nanmedian(values)) if np.isfinite(values).any() else 0.0)
    return len(find_peaks(filled, prominence=prominence_deg)[0])


def cached_track(clip: Path, rate: float | None, cache: Path) -> PoseTrack:
    path = cache / f"{clip.stem}_{'full' if rate is None else f'{rate:g}hz'}.npz"
    if path.exists():
        return load_track(path)
    track = extract_pose(clip, rate_hz=rate)
    save_track(track, path)
    return track


RELEVANT = {
    "bent-over-row": ("torso_deg", "elbow_deg", "shoulder_deg", "hip_deg", "neck_deg"),
    "reverse-fly": ("torso_deg", "elbow_deg", "arm_spread_deg", "neck_deg"),
    "farmers-carry": ("torso_deg", "lateral_lean_deg", "shoulder_tilt_deg", "neck_deg", "knee_deg"),
    "cat-cow": ("torso_deg", "hip_deg", "shoulder_deg", "neck_deg"),
    "thoracic-rotation": ("shoulder_deg", "knee_deg"),
}
KEY = {
    "bent-over-row": "elbow_deg",
    "reverse-fly": "arm_spread_deg",
    "farmers-carry": "torso_deg",
    "cat-cow": "neck_deg",
    "thoracic-rotation": "shoulder_deg",
}


def rms(a: np.ndarray, b: np.ndarray) -> float:
    both = np.isfinite(a) & np.isfinite(b)
    return float(np.sqrt(np.mean((a[both] - b[both]) ** 2))) if both.sum() > 10 else float("nan")


def compare(full: BodySignals, sampled: BodySignals, at: np.ndarray, name: str) -> tuple[float, float, float]:
    """(sampled vs full, sampling loss alone, same-frame difference) RMS.

    *Sampling loss alone* subsamples the full-rate landmarks at the sampled frames (``at``), so
    only the missing frames differ. *Same-frame difference* compares the two runs on the frames
    both analysed: BlazePose tracks from frame to frame, so the same picture gives slightly
    different landmarks after a different history; this is the noise floor of any comparison.
    """
    t_full, t_sampled = full.times_s, sampled.times_s
    total = rms(full[name], np.interp(t_full, t_sampled, sampled[name], left=np.nan, right=np.nan))
    subsampled = clean(full.raw[name][at], t_full[at])
    loss = rms(full[name], np.interp(t_full, t_full[at], subsampled, left=np.nan, right=np.nan))
    same_frame = rms(full.raw[name][at], sampled.raw[name])
    return total, loss, same_frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_clips = Path(__file__).resolve().parents[2] / "shared" / "data" / "clips"
    parser.add_argument("clips", type=Path, nargs="?", default=default_clips)
    parser.add_argument("--rates", type=float, nargs="+", default=[5.0, 8.0, DEFAULT_RATE_HZ, 15.0])
    parser.add_argument("--cache", type=Path, default=Path("out/rate_cache"))
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    with (args.clips / "manifest.csv").open(newline="") as handle:
        manifest = {row["file"]: row["exercise"] for row in csv.DictReader(handle)}

    print(
        "RMS differences in degrees after the offline cleaning (3 Hz zero-lag low-pass): "
        "sampled vs full rate / sampling loss alone / same-frame tracker difference.\n"
    )
    print(
        "| clip | rate Hz | frames | angle | sampled vs full "
        "| sampling loss | same-frame | key-angle cycles full / sampled |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---|")
    worst: dict[float, list[float]] = {}
    for clip in sorted(args.clips.glob("*.mp4")):
        exercise = manifest.get(clip.name, "bent-over-row")
        full_track = cached_track(clip, None, args.cache)
        full = body_signals(full_track)
        key = KEY[exercise]
        for rate in args.rates:
            sampled_track = cached_track(clip, rate, args.cache)
            sampled = body_signals(sampled_track)
            at = np.searchsorted(full_track.frame_index, sampled_track.frame_index).clip(0, len(full_track) - 1)
            counts = f"{cycles(full[key])} / {cycles(np.interp(full.times_s, sampled.times_s, sampled[key]))} ({key})"
            for name in RELEVANT[exercise]:
                total, loss, same = compare(full, sampled, at, name)
                worst.setdefault(rate, []).append(loss)
                print(
                    f"| {clip.name} | {rate:g} | {len(sampled_track)} | {name} | {total:.2f} "
                    f"| {loss:.2f} | {same:.2f} | {counts} |"
                )
                counts = ""
    print()
    for rate, losses in sorted(worst.items()):
        print(
            f"rate {rate:g} Hz: sampling loss median {np.nanmedian(losses):.2f}, worst {np.nanmax(losses):.2f} deg RMS"
        )
    print_rep_comparison(args, manifest)


def print_rep_comparison(args: argparse.Namespace, manifest: dict[str, str]) -> None:
    """Reps found by the movement analysis at full rate and at each sampled rate, and how the
    per-rep measures that the fault checks read differ between the two."""
    from upperback.analysis import FORM_MODULES, analyze

    print("\n| clip | rate Hz | reps full / sampled | per-rep metric differences (median abs) |")
    print("|---|---:|---|---|")
    for clip in sorted(args.clips.glob("*.mp4")):
        exercise = manifest.get(clip.name, "")
        if exercise not in FORM_MODULES:
            continue
        full = analyze(cached_track(clip, None, args.cache), exercise)
        for rate in args.rates:
            sampled = analyze(cached_track(clip, rate, args.cache), exercise)
            diffs = {}
            for rep in sampled.reps:
                match = min(full.reps, key=lambda r: abs(r.top_s - rep.top_s), default=None)
                if match is None or abs(match.top_s - rep.top_s) > 1.0:
                    continue
                for key in ("top_elbow_deg", "torso_deg", "concentric_s", "eccentric_s"):
                    if key in rep.metrics:
                        diffs.setdefault(key, []).append(abs(rep.metrics[key] - match.metrics[key]))
            text = ", ".join(f"{k} {np.median(v):.2f}" for k, v in diffs.items())
            print(f"| {clip.name} | {rate:g} | {full.rep_count} / {sampled.rep_count} | {text} |")


if __name__ == "__main__":
    main()
