"""How far a per-rep measure moves when the same set is re-filmed: the noise a fault's evidence
must clear on other people's videos.

Each clip of ``clips/`` and ``clips-wild/`` with a rep range (the controls and carries too) is
re-encoded the ways of ``bench/video_variants.py`` (mirrored, portrait 60 fps, small 15 fps,
sped up, with a title and outro, on its side, upside down) and read by BlazePose the way
``upperback analyze`` reads it (turned upright where it must be); the tracks are cached as
``CACHE/<clip>--<version>.npz``, so a second run only analyses. Each rep of a version is paired
with the same rep of the clip as filmed (versions whose count differs are left out: their reps
cannot be paired), in the views where the check that reads the measure is judged (``JUDGED_BY``:
the seated fly's side-on reps, where the far arm is hidden, say nothing of the arm spread a
front view judges). For each per-rep measure the script prints the number of pairs, a robust
standard deviation of the difference (1.4826 x the median absolute difference: a few mispaired
reps do not set it), its value with each clip left out in turn (smallest and largest), the RMS
and the 90th percentile. Phase times are left out for the sped-up version, whose times change
for real.

It then lists the fault kinds each version gained (+) or lost (-) against the clip as filmed,
under the evidence rules of ``upperback.form.evidence`` as they stand, and the counts that left
the manifest's range.

Usage::

    python bench/encoding_noise.py [DATA_DIR] [--cache out/encoding_cache] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import numpy as np
from form_accuracy import manifest_rows  # this folder's scripts
from video_variants import VARIANTS, encode

from upperback.analysis import AnalysisOptions, analyze, body_signals, stood_upright
from upperback.form.common import rep_view
from upperback.form.report import FormReport, Rep
from upperback.kinematics.signals import BodySignals
from upperback.library import get_library
from upperback.pose.npz import load_track, save_track
from upperback.pose.pipeline import extract_pose
from upperback.pose.track import PoseTrack

AS_FILMED = "as filmed"
SPED_UP = "sped up 1.5x"
JUDGED_BY = {
    "top_elbow_deg": "partial_range",
    "elbow_range_deg": "partial_range",
    "elevation_change_ratio": "shrugging",
    "torso_deg": "torso_too_upright",
    "torso_range_deg": "torso_swing",
    "neck_max_deg": "neck_not_neutral",
    "neck_rise_deg": "neck_jerk",
    "top_spread_deg": "arms_short_of_line",
    "max_elbow_deg": "elbows_locked",
    "back_curve_max_ratio": "rounded_back",
    "back_curve_min_ratio": "arched_lower_back",
}
"""The fault each per-rep measure is checked for, whose views the paired reps must be in."""
ROBUST_SD = 1.4826
"""Median absolute deviation to standard deviation, for normally distributed differences."""


def version_track(source: Path, version: str, exercise: str, cache: Path) -> PoseTrack:
    """The track ``upperback analyze`` reads from ``version`` of ``source``, cached."""
    path = cache / f"{source.stem}--{version}.npz"
    if path.exists():
        return load_track(path)
    with tempfile.TemporaryDirectory() as tmp:
        video = source
        if version != AS_FILMED:
            video = Path(tmp) / f"{source.stem}.mp4"
            encode(source, video, VARIANTS[version])
        track = stood_upright(video, extract_pose(video), exercise, AnalysisOptions())
    save_track(track, path)
    return track


class Analysed(NamedTuple):
    """One version of a clip: its track's signals and its report."""

    signals: BodySignals
    report: FormReport


def judged_in(analysed: Analysed, rep: Rep, measure: str) -> bool:
    """Whether ``rep`` was filmed from a view where ``measure``'s check is judged."""
    faults = {fault.code: fault for fault in get_library().movement(analysed.report.exercise).faults}
    if JUDGED_BY.get(measure) not in faults:
        return True
    return rep_view(analysed.signals, rep.start_s, rep.end_s) in faults[JUDGED_BY[measure]].views


def rep_differences(clips: dict[str, dict[str, Analysed]]) -> dict[str, dict[str, list[float]]]:
    """``{measure: {clip: [version - as filmed, ...]}}`` over every paired rep."""
    differences: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for clip, versions in clips.items():
        filmed = versions[AS_FILMED]
        for version, analysed in versions.items():
            if version == AS_FILMED or analysed.report.rep_count != filmed.report.rep_count:
                continue
            for rep, filmed_rep in zip(analysed.report.reps, filmed.report.reps, strict=True):
                for measure, value in rep.metrics.items():
                    reference = filmed_rep.metrics.get(measure)
                    if version == SPED_UP and measure.endswith("_s"):
                        continue
                    if not (judged_in(analysed, rep, measure) and judged_in(filmed, filmed_rep, measure)):
                        continue
                    if value is not None and reference is not None and np.isfinite(value - reference):
                        differences[measure][clip].append(value - reference)
    return differences


def robust_sd(values: list[float]) -> float:
    return ROBUST_SD * float(np.median(np.abs(values))) if values else float("nan")


def noise_table(reports: dict[str, dict[str, Analysed]]) -> None:
    print("| measure | clips | rep pairs | robust SD | robust SD, one clip left out | RMS | 90th pct abs |")
    print("|---|---:|---:|---:|---|---:|---:|")
    for measure, per_clip in sorted(rep_differences(reports).items()):
        pooled = [d for values in per_clip.values() for d in values]
        left_out = [robust_sd([d for other, v in per_clip.items() if other != clip for d in v]) for clip in per_clip]
        spread = f"{min(left_out):.3g}–{max(left_out):.3g}" if len(per_clip) > 1 else "–"
        rms = float(np.sqrt(np.mean(np.square(pooled))))
        print(
            f"| {measure} | {len(per_clip)} | {len(pooled)} | {robust_sd(pooled):.3g} | {spread} | {rms:.3g} "
            f"| {np.percentile(np.abs(pooled), 90):.3g} |"
        )


def fault_kinds(report: FormReport) -> set[str]:
    return {fault.code for fault in report.faults}


def fault_table(reports: dict[str, dict[str, Analysed]]) -> None:
    versions = [AS_FILMED, *VARIANTS]
    print("\n| clip | " + " | ".join(versions) + " |")
    print("|---|" + "---|" * len(versions))
    same = total = 0
    for clip, by_version in reports.items():
        filmed = fault_kinds(by_version[AS_FILMED].report)
        cells = [", ".join(sorted(filmed)) or "none"]
        for version in VARIANTS:
            kinds = fault_kinds(by_version[version].report)
            changes = [f"+{c}" for c in sorted(kinds - filmed)] + [f"-{c}" for c in sorted(filmed - kinds)]
            cells.append(", ".join(changes) or "=")
            same += not changes
            total += 1
        print(f"| {clip} | " + " | ".join(cells) + " |")
    print(f"\nThe fault kinds of the clip as filmed on {same} of {total} versions.")


def count_table(reports: dict[str, dict[str, Analysed]], rows: dict[str, dict[str, str]]) -> None:
    """Counts outside the manifest's range, if any, and how many versions stay inside it."""
    inside = total = 0
    for clip, by_version in reports.items():
        low, high = int(rows[clip]["reps_min"]), int(rows[clip]["reps_max"])
        for version in VARIANTS:
            count = by_version[version].report.rep_count
            inside += low <= count <= high
            total += 1
            if not low <= count <= high:
                print(f"- {clip}, {version}: {count} reps ({low}–{high})")
    print(f"Counts inside the manifest's range on {inside} of {total} versions.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, nargs="?", default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--cache", type=Path, default=Path("out/encoding_cache"))
    parser.add_argument("--only", nargs="*", help="Clip file names to run (default: all).")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    reports: dict[str, dict[str, Analysed]] = {}
    rows = [row for row in manifest_rows(args.data) if row["reps_min"]]
    for row in rows:
        if args.only and row["file"] not in args.only:
            continue
        source = args.data / row["folder"] / row["file"]
        versions = (AS_FILMED, *VARIANTS)
        tracks = {version: version_track(source, version, row["exercise"], args.cache) for version in versions}
        reports[source.stem] = {
            version: Analysed(body_signals(track), analyze(track, row["exercise"])) for version, track in tracks.items()
        }
    print(f"{len(reports)} clips, {len(VARIANTS)} re-filmed versions of each\n")
    noise_table(reports)
    fault_table(reports)
    count_table(reports, {Path(row["file"]).stem: row for row in rows})


if __name__ == "__main__":
    main()
