"""Accuracy of the form analysis on the shared clips: rep counts and injected faults.

1. Rep counts of every clip with a form module against the manifest's range, and the faults
   of severity ``error`` on these good-form demonstrations (there should be none).
2. Injected faults: each clean track gets one controlled change at several magnitudes
   (``upperback.evaluation.injections``). For each fault code and magnitude: recall (share of
   the changed reps flagged with that code), false alarms (share of the clean reps flagged with
   it) and F1 with the changed reps as positives and the clean reps as negatives.

Usage::

    python bench/form_accuracy.py [CLIPS_DIR] [--cache out/rate_cache]

Pose tracks are cached as .npz (10 Hz, the default rate) so re-runs take seconds.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable
from pathlib import Path

import numpy as np

from upperback.analysis import FORM_MODULES, analyze
from upperback.evaluation.injections import (
    after_first_rep,
    bend_back,
    move_hands_forward,
    raise_shoulders,
    shrink_motion,
    shrug_between,
    tilt_shoulders,
    rep_progress,
    shorten_range,
    speed_up_lowering,
    tilt_torso,
)
from upperback.form.report import FormReport
from upperback.pose.npz import load_track, save_track
from upperback.pose.pipeline import DEFAULT_RATE_HZ, extract_pose
from upperback.pose.track import PoseTrack

Injection = Callable[[PoseTrack, FormReport, float], PoseTrack]

INJECTIONS: dict[str, tuple[str, Injection, list[float], str]] = {
    # code: (what is changed, how, magnitudes, unit); codes in FROM_SECOND_REP change every rep
    # but the first, which stays the lifter's reference.
    "torso_too_upright": ("torso turned up about the hips", lambda t, r, m: tilt_torso(t, m),
                          [10, 20, 30, 40], "deg"),
    "torso_swing": ("torso rising with each pull", lambda t, r, m: tilt_torso(t, m * rep_progress(t.times_s, r.reps)),
                    [5, 10, 15, 20], "deg"),
    "shrugging": ("shoulders lifted toward the ears at the top",
                  lambda t, r, m: raise_shoulders(t, m, rep_progress(t.times_s, r.reps)),
                  [0.1, 0.2, 0.3, 0.4], "of ear-shoulder distance"),
    "partial_range": ("elbow bend kept", lambda t, r, m: shorten_range(t, m), [0.9, 0.75, 0.6, 0.5], "fraction"),
    "fast_lowering": ("lowering sped up", lambda t, r, m: speed_up_lowering(t, r.reps, m), [1.5, 2, 3, 4], "x"),
    "rounded_back": ("back outline bulged out from rep 2 on",
                     lambda t, r, m: bend_back(t, m, after_first_rep(t.times_s, r.reps)),
                     [0.02, 0.04, 0.06, 0.08], "torso lengths"),
    "arched_lower_back": ("back outline dipped in from rep 2 on",
                          lambda t, r, m: bend_back(t, -m, after_first_rep(t.times_s, r.reps)),
                          [0.02, 0.04, 0.06, 0.08], "torso lengths"),
}
FROM_SECOND_REP = {"rounded_back", "arched_lower_back"}


CARRY_CLIP = "farmers_carry_front_back.mp4"
CARRY_WINDOWS = [(1.0 + 2.0 * k, 3.0 + 2.0 * k) for k in range(6)]
"""Two-second stretches of the walk, changed one at a time."""

WINDOWED: dict[str, tuple[str, Callable[[PoseTrack, float, float, float], PoseTrack], list[float], str]] = {
    "leaning_sideways": ("shoulder line tilted", lambda t, m, a, b: tilt_shoulders(t, m, a, b, absolute=True),
                         [4, 8, 12, 16], "deg"),
    "shrugging": ("shoulders raised toward the ears", lambda t, m, a, b: shrug_between(t, m, a, b),
                  [0.1, 0.2, 0.3, 0.4], "of ear-shoulder distance"),
}

CAT_COW_CLIP = "cat_cow_home_side.mp4"
CAT_COW: dict[str, tuple[str, Callable[[PoseTrack, float], PoseTrack], list[float], str]] = {
    "small_range": ("head and hip motion kept", shrink_motion, [0.8, 0.6, 0.4, 0.2], "fraction"),
    "hands_not_under_shoulders": ("hands moved forward", move_hands_forward, [0.1, 0.2, 0.3, 0.4],
                                  "torso lengths"),
}


def carry_sweep(track: PoseTrack) -> None:
    """Each fault injected into one two-second stretch of the walk at a time: found if an event
    of that code overlaps the stretch; false alarms are clean stretches with such an event."""
    print("\n## Injected faults: farmer's carry (one 2 s stretch of the walk at a time)\n")
    print("| fault | change | magnitude | stretches | found | clean stretches flagged | F1 |")
    print("|---|---|---:|---:|---:|---:|---:|")
    clean = analyze(track, "farmers-carry")
    for code, (what, inject, magnitudes, unit) in WINDOWED.items():
        false_alarms = sum(_overlaps(clean, code, a, b) for a, b in CARRY_WINDOWS)
        for magnitude in magnitudes:
            hits = sum(_overlaps(analyze(inject(track, magnitude, a, b), "farmers-carry"), code, a, b)
                       for a, b in CARRY_WINDOWS)
            print(f"| {code} | {what} | {magnitude:g} {unit} | {len(CARRY_WINDOWS)} | {hits} "
                  f"| {false_alarms}/{len(CARRY_WINDOWS)} | {_f1(hits, len(CARRY_WINDOWS), false_alarms):.2f} |")


def cat_cow_sweep(track: PoseTrack) -> None:
    """The one cycle of the cat-cow clip, changed as a whole."""
    print("\n## Injected faults: cat-cow (the clip's one cycle)\n")
    print("| fault | change | magnitude | flagged | flagged when clean |")
    print("|---|---|---:|---|---|")
    clean = analyze(track, "cat-cow")
    for code, (what, inject, magnitudes, unit) in CAT_COW.items():
        before = "yes" if flagged(clean, code) else "no"
        for magnitude in magnitudes:
            after = "yes" if flagged(analyze(inject(track, magnitude), "cat-cow"), code) else "no"
            print(f"| {code} | {what} | {magnitude:g} {unit} | {after} | {before} |")


def _overlaps(report: FormReport, code: str, start_s: float, end_s: float) -> bool:
    return any(f.code == code and f.start_s <= end_s and f.end_s >= start_s for f in report.faults)


def _f1(hits: int, positives: int, false_alarms: int) -> float:
    recall = hits / positives if positives else 0.0
    precision = hits / (hits + false_alarms) if hits + false_alarms else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def cached_track(clip: Path, cache: Path) -> PoseTrack:
    path = cache / f"{clip.stem}_{DEFAULT_RATE_HZ:g}hz_outline.npz"  # tracks with the back outline
    if path.exists():
        return load_track(path)
    track = extract_pose(clip)
    save_track(track, path)
    return track


def flagged(report: FormReport, code: str, first: int = 0) -> int:
    return sum(code in rep.faults for rep in report.reps[first:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_clips = Path(__file__).resolve().parents[2] / "shared" / "data" / "clips"
    parser.add_argument("clips", type=Path, nargs="?", default=default_clips)
    parser.add_argument("--cache", type=Path, default=Path("out/rate_cache"))
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    with (args.clips / "manifest.csv").open(newline="") as handle:
        manifest = [row for row in csv.DictReader(handle) if row["exercise"] in FORM_MODULES]

    print("## Rep counts and error-severity faults on the good-form clips\n")
    print("| clip | exercise | reps | manifest | in range | error faults | other faults |")
    print("|---|---|---:|---|---|---:|---|")
    clean: dict[str, tuple[PoseTrack, FormReport]] = {}
    for row in manifest:
        track = cached_track(args.clips / row["file"], args.cache)
        report = analyze(track, row["exercise"])
        clean[row["file"]] = (track, report)
        errors = sum(f.severity == "error" for f in report.faults)
        others = sorted({f.code for f in report.faults if f.severity != "error"})
        ok = int(row["reps_min"]) <= report.rep_count <= int(row["reps_max"])
        print(f"| {row['file']} | {row['exercise']} | {report.rep_count} | {row['reps_min']}–{row['reps_max']} "
              f"| {'yes' if ok else 'NO'} | {errors} | {', '.join(others) or '-'} |")

    print("\n## Injected faults\n")
    print("| fault | change | magnitude | clips | reps | recall | false alarms | F1 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for code, (what, inject, magnitudes, unit) in INJECTIONS.items():
        targets = {name: pair for name, pair in clean.items()
                   if pair[1].reps and any(f.code == code for f in _catalogue(pair[1]))}
        first = 1 if code in FROM_SECOND_REP else 0
        negatives = sum(len(r.reps) for _, r in targets.values())
        false_alarms = sum(flagged(r, code) for _, r in targets.values())
        for magnitude in magnitudes:
            positives = hits = 0
            for track, report in targets.values():
                changed = analyze(inject(track, report, magnitude), report.exercise)
                positives += len(changed.reps[first:])
                hits += flagged(changed, code, first)
            recall = hits / positives if positives else np.nan
            precision = hits / (hits + false_alarms) if hits + false_alarms else np.nan
            f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
            print(f"| {code} | {what} | {magnitude:g} {unit} | {len(targets)} | {positives} | {recall:.2f} "
                  f"| {false_alarms}/{negatives} | {f1:.2f} |")
    carry_sweep(clean[CARRY_CLIP][0])
    cat_cow_sweep(clean[CAT_COW_CLIP][0])


def _catalogue(report: FormReport):
    from upperback.library import get_library

    return get_library().movement(report.exercise).faults


if __name__ == "__main__":
    main()
