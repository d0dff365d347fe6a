"""Accuracy of the form analysis on the shared clips: rep counts, faults, injected faults.

1. Every clip of ``clips/`` and ``clips-wild/`` with a form module: reps against the manifest's
   range, the faults found, and the expected faults (``expected_faults``) found or missed.
2. Per movement: share of clips counted inside their range (exact), within one rep of it, and
   the mean absolute error (distance to the range, in reps).
3. Good-form clips (``clips/`` but the negative control, and ``clips-wild/`` demos): clips with
   an ``error`` fault, and warning codes per clip (codes of severity warning or error).
4. The Pose Trainer shrug keypoints (``keypoints-shrug/``): sequences flagged ``shrugging``.
5. Injected faults: each clean ``clips/`` track gets one controlled change at several magnitudes
   (``upperback.evaluation.injections``). For each fault code and magnitude: recall (share of
   the changed reps flagged with that code), false alarms (share of the clean reps flagged with
   it) and F1 with the changed reps as positives and the clean reps as negatives.

Usage::

    python bench/form_accuracy.py [DATA_DIR] [--cache out/rate_cache] [--no-injections]

Pose tracks are cached as ``CACHE/<clip name>.npz`` (10 Hz, the default rate; the layout
``upperback pose CLIP -o CACHE/NAME.npz`` writes), so re-runs take seconds.
"""

from __future__ import annotations

import argparse
import csv
import itertools
from collections.abc import Callable
from pathlib import Path

import numpy as np

from upperback.analysis import FORM_MODULES, analyze, body_signals
from upperback.evaluation.injections import (
    after_first_rep,
    bend_back,
    move_hands_forward,
    raise_shoulders,
    rep_progress,
    shorten_range,
    shrink_motion,
    shrug_between,
    speed_up_lowering,
    tilt_shoulders,
    tilt_torso,
)
from upperback.evaluation.transforms import (
    arms_switched,
    legs_out_of_picture,
    mirrored,
    pace_speeds,
    retimed,
    spliced,
    turned_round,
)
from upperback.form.report import FormReport
from upperback.kinematics.sides import working_arm
from upperback.library import get_library
from upperback.pose.npz import load_track, save_track
from upperback.pose.pipeline import extract_pose
from upperback.pose.track import PoseTrack

Injection = Callable[[PoseTrack, FormReport, float], PoseTrack]

INJECTIONS: dict[str, tuple[str, Injection, list[float], str]] = {
    # code: (what is changed, how, magnitudes, unit); codes in FROM_SECOND_REP change every rep
    # but the first, which stays the lifter's reference.
    "torso_too_upright": ("torso turned up about the hips", lambda t, r, m: tilt_torso(t, m), [10, 20, 30, 40], "deg"),
    "torso_swing": (
        "torso rising with each pull",
        lambda t, r, m: tilt_torso(t, m * rep_progress(t.times_s, r.reps)),
        [10, 20, 25, 30],
        "deg",
    ),
    "shrugging": (
        "shoulders lifted toward the ears at the top",
        lambda t, r, m: raise_shoulders(t, m, rep_progress(t.times_s, r.reps)),
        [0.1, 0.2, 0.3, 0.4],
        "of ear-shoulder distance",
    ),
    "partial_range": ("elbow bend kept", lambda t, r, m: shorten_range(t, m), [0.9, 0.75, 0.6, 0.5], "fraction"),
    "fast_lowering": ("lowering sped up", lambda t, r, m: speed_up_lowering(t, r.reps, m), [2, 3, 4, 6], "x"),
    "rounded_back": (
        "back outline bulged out from rep 2 on",
        lambda t, r, m: bend_back(t, m, after_first_rep(t.times_s, r.reps)),
        [0.02, 0.04, 0.06, 0.08],
        "torso lengths",
    ),
    "arched_lower_back": (
        "back outline dipped in from rep 2 on",
        lambda t, r, m: bend_back(t, -m, after_first_rep(t.times_s, r.reps)),
        [0.02, 0.04, 0.06, 0.08],
        "torso lengths",
    ),
}
FROM_SECOND_REP = {"rounded_back", "arched_lower_back"}


CARRY_CLIP = "farmers_carry_front_back.mp4"
CARRY_WINDOWS = [(1.0 + 2.0 * k, 3.0 + 2.0 * k) for k in range(6)]
"""Two-second stretches of the walk, changed one at a time."""

WINDOWED: dict[str, tuple[str, Callable[[PoseTrack, float, float, float], PoseTrack], list[float], str]] = {
    "leaning_sideways": (
        "shoulder line tilted",
        lambda t, m, a, b: tilt_shoulders(t, m, a, b, absolute=True),
        [4, 8, 12, 16],
        "deg",
    ),
    "shrugging": (
        "shoulders raised toward the ears",
        lambda t, m, a, b: shrug_between(t, m, a, b),
        [0.1, 0.2, 0.3, 0.4],
        "of ear-shoulder distance",
    ),
}

CAT_COW_CLIP = "cat_cow_home_side.mp4"
CAT_COW: dict[str, tuple[str, Callable[[PoseTrack, float], PoseTrack], list[float], str]] = {
    "small_range": ("head and hip motion kept", shrink_motion, [0.8, 0.6, 0.4, 0.2], "fraction"),
    "hands_not_under_shoulders": ("hands moved forward", move_hands_forward, [0.1, 0.2, 0.3, 0.4], "torso lengths"),
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
            hits = sum(
                _overlaps(analyze(inject(track, magnitude, a, b), "farmers-carry"), code, a, b)
                for a, b in CARRY_WINDOWS
            )
            print(
                f"| {code} | {what} | {magnitude:g} {unit} | {len(CARRY_WINDOWS)} | {hits} "
                f"| {false_alarms}/{len(CARRY_WINDOWS)} | {_f1(hits, len(CARRY_WINDOWS), false_alarms):.2f} |"
            )


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
    path = cache / f"{clip.stem}.npz"
    if path.exists():
        return load_track(path)
    track = extract_pose(clip)
    save_track(track, path)
    return track


def flagged(report: FormReport, code: str, first: int = 0) -> int:
    return sum(code in rep.faults for rep in report.reps[first:])


GOOD_FORM_KINDS = {"", "demo"}
"""Manifest ``kind`` of good-form clips (clips/ has no kind column: all its clips are
demonstrations, but for the negative control)."""
NEGATIVE_CONTROL = "negative control"


def manifest_rows(data: Path) -> list[dict[str, str]]:
    """The rows of clips/ and clips-wild/ with a form module, with their folder."""
    rows = []
    for folder in ("clips", "clips-wild"):
        path = data / folder / "manifest.csv"
        if not path.is_file():
            continue
        with path.open(newline="") as handle:
            for row in csv.DictReader(handle):
                if row["exercise"] in FORM_MODULES:
                    rows.append({**row, "folder": folder})
    return rows


def good_form(row: dict[str, str]) -> bool:
    return row.get("kind", "") in GOOD_FORM_KINDS and row.get("variant") != NEGATIVE_CONTROL


def range_error(count: int, row: dict[str, str]) -> int:
    """Reps outside the manifest's range (0 inside it)."""
    low, high = int(row["reps_min"]), int(row["reps_max"])
    return max(low - count, 0, count - high)


def warning_codes(report: FormReport) -> set[str]:
    return {f.code for f in report.faults if f.severity in {"warning", "error"}}


def count_table(rows: list[dict[str, str]], reports: dict[str, FormReport]) -> None:
    print("## Rep counts and faults, every clip\n")
    print(
        "| folder | clip | exercise | kind | reps | manifest | in range | error faults | warning codes "
        "| other faults | expected faults found |"
    )
    print("|---|---|---|---|---:|---|---|---:|---|---|---|")
    for row in rows:
        report = reports[row["file"]]
        counted = f"{row['reps_min']}–{row['reps_max']}" if row["reps_min"] else "no range"
        ok = ("yes" if range_error(report.rep_count, row) == 0 else "NO") if row["reps_min"] else "–"
        errors = sum(f.severity == "error" for f in report.faults)
        warnings = ", ".join(sorted(warning_codes(report))) or "–"
        others = ", ".join(sorted({f.code for f in report.faults} - warning_codes(report))) or "–"
        expected = [code for code in row.get("expected_faults", "").split(";") if code]
        found = (
            ", ".join(f"{code} {'yes' if code in {f.code for f in report.faults} else 'NO'}" for code in expected)
            or "–"
        )
        kind = row.get("kind") or ("control" if row.get("variant") == NEGATIVE_CONTROL else "demo")
        print(
            f"| {row['folder']} | {row['file']} | {row['exercise']} | {kind} "
            f"| {report.rep_count} | {counted} | {ok} | {errors} | {warnings} | {others} | {found} |"
        )


def movement_table(rows: list[dict[str, str]], reports: dict[str, FormReport]) -> None:
    print("\n## Counts per movement (clips with a rep range)\n")
    print("| movement | clips | exact (in range) | within one | mean absolute error (reps) |")
    print("|---|---:|---:|---:|---:|")
    for movement in sorted({r["exercise"] for r in rows}):
        errors = [
            range_error(reports[r["file"]].rep_count, r) for r in rows if r["exercise"] == movement and r["reps_min"]
        ]
        if errors:
            print(
                f"| {movement} | {len(errors)} | {sum(e == 0 for e in errors)} | {sum(e <= 1 for e in errors)} "
                f"| {np.mean(errors):.2f} |"
            )


def good_form_table(rows: list[dict[str, str]], reports: dict[str, FormReport]) -> None:
    good = [r for r in rows if good_form(r)]
    with_error = [r["file"] for r in good if any(f.severity == "error" for f in reports[r["file"]].faults)]
    codes = [len(warning_codes(reports[r["file"]])) for r in good]
    print("\n## Good-form clips\n")
    print("| clips | with an error fault | warning codes per clip | clips with a warning |")
    print("|---:|---:|---:|---|")
    print(
        f"| {len(good)} | {len(with_error)} | {np.mean(codes):.2f} | "
        f"{', '.join(r['file'] for r in good if warning_codes(reports[r['file']])) or '–'} |"
    )


RULES = {
    # per-rep measure: (movements, fault code, threshold key, "max" or "min")
    "torso_deg": ({"bent-over-row", "reverse-fly"}, "torso_too_upright", "max_torso_angle_deg", "max"),
    "torso_range_deg": ({"bent-over-row", "reverse-fly"}, "torso_swing", "max_torso_range_deg", "max"),
    "elevation_change_ratio": ({"bent-over-row"}, "shrugging", "max_elevation_change_ratio", "max"),
    "top_elbow_deg": ({"bent-over-row"}, "partial_range", "max_top_elbow_angle_deg", "max"),
    "elbow_range_deg": ({"bent-over-row"}, "partial_range", "min_elbow_range_deg", "min"),
    "eccentric_s": ({"bent-over-row", "reverse-fly"}, "fast_lowering", "min_eccentric_s", "min"),
    "back_curve_max_ratio": ({"bent-over-row", "reverse-fly"}, "rounded_back", "max_back_curve_ratio", "max"),
    "top_spread_deg": ({"reverse-fly"}, "arms_short_of_line", "min_top_spread_deg", "min"),
}


def rule_table(rows: list[dict[str, str]], reports: dict[str, FormReport]) -> None:
    """What each per-rep rule reads on every row and fly clip: the worst rep's value against
    the threshold, and the reps beyond it (before the evidence rules drop noise and lone reps)."""
    from upperback.library import get_library

    print("\n## What each per-rep rule reads, per clip (worst rep; reps beyond the threshold)\n")
    keys = list(RULES)
    print("| clip | " + " | ".join(f"{k} ({RULES[k][1]})" for k in keys) + " |")
    print("|---|" + "---|" * len(keys))
    for row in rows:
        report = reports[row["file"]]
        if not report.reps:
            continue
        cells = []
        for key in keys:
            movements, code, threshold_key, kind = RULES[key]
            values = np.array([r.metrics.get(key, np.nan) for r in report.reps], float)
            movement = get_library().movement(row["exercise"])
            if (
                row["exercise"] not in movements
                or not np.isfinite(values).any()
                or code not in {f.code for f in movement.faults}
            ):
                cells.append("–")
                continue
            limit = movement.fault(code).thresholds[threshold_key]
            worst = np.nanmax(values) if kind == "max" else np.nanmin(values)
            beyond = int(np.sum(values > limit) if kind == "max" else np.sum(values < limit))
            cells.append(f"{worst:.3g} / {limit:g}; {beyond} of {len(values)}")
        print(f"| {row['file']} | " + " | ".join(cells) + " |")


LOW_RATE_HZ = 5.0
"""The lowest frame rate the analysis takes (``analysis.MIN_RATE_HZ``)."""


def pace_table(rows: list[dict[str, str]], tracks: dict[str, PoseTrack], reports: dict[str, FormReport]) -> None:
    """Each counted clip as filmed in a mirror, done briskly and done slowly
    (:mod:`upperback.evaluation.transforms`): the same reps, so the count must stay in range."""
    print(
        "\n## The same sets mirrored, brisk and slow, at 5 fps, filmed close (counts; the manifest range must hold)\n"
    )
    print(
        "| clip | manifest | as filmed | mirrored | brisk: speed, median rep, reps "
        "| slow: speed, median rep, reps | filmed at 5 fps | legs out of the picture |"
    )
    print("|---|---|---:|---:|---|---|---:|---:|")
    held = total = 0
    for row in rows:
        report = reports[row["file"]]
        if not row["reps_min"] or not report.reps:
            continue
        track, exercise = tracks[row["file"]], row["exercise"]
        median = float(np.median([rep.end_s - rep.start_s for rep in report.reps]))
        counts = [analyze(mirrored(track), exercise).rep_count]
        cells = []
        for speed in pace_speeds(report):
            counts.append(analyze(retimed(track, speed), exercise).rep_count)
            cells.append(f"{speed:.2f}x, {median / speed:.1f} s, {counts[-1]}")
        low_rate = analyze(retimed(track, 1.0, rate_hz=LOW_RATE_HZ), exercise)
        too_few = any("too few to count reps" in w for w in low_rate.quality.warnings)
        counts.append(low_rate.rep_count)
        close = analyze(legs_out_of_picture(track), exercise).rep_count
        inside = [range_error(count, row) == 0 for count in [*counts, close]]
        inside[-2] = inside[-2] or too_few
        held, total = held + sum(inside), total + len(inside)
        print(
            f"| {row['file']} | {row['reps_min']}–{row['reps_max']} | {report.rep_count} | {counts[0]} "
            f"| {cells[0]} | {cells[1]} | {low_rate.rep_count}{' (too few frames: said so)' if too_few else ''} "
            f"| {close} |"
        )
    print(f"\nInside the range (or, at 5 fps, too few frames and the report says so): {held} of {total} changed sets.")


def sides_table(rows: list[dict[str, str]], tracks: dict[str, PoseTrack], reports: dict[str, FormReport]) -> None:
    """Counted sets whose measured side changes: each single-shot row and fly followed by itself
    turned round on the spot, and every ordered pair of sets of one movement joined by a cut
    (:mod:`upperback.evaluation.transforms`): the count must stay in the summed ranges."""
    counted = [r for r in rows if r["reps_min"] and int(r["reps_min"]) > 0 and reports[r["file"]].reps]
    print("\n## A lifter who turns round, and cuts to another set (counts; the summed ranges must hold)\n")
    single_shot = [r for r in counted if r["exercise"] != "cat-cow" and len(reports[r["file"]].quality.shots) == 1]
    doubled_table(
        "clip, then the same set turned round",
        "near side, first set / second",
        single_shot,
        tracks,
        turned_round,
        "near",
    )
    # rows measured on one arm (the other hidden or still): both arms seen moving alike have none to switch
    one_arm = [r for r in counted if r["exercise"] == "bent-over-row" and working_arm(tracks[r["file"]], default="")]
    doubled_table(
        "row measured on one arm, then rowed with the other without turning",
        "arm, first set / second",
        one_arm,
        tracks,
        arms_switched,
        "working",
    )
    held = total = exact = 0
    misses = []
    for a, b in itertools.permutations(counted, 2):
        if a["exercise"] != b["exercise"]:
            continue
        count = analyze(spliced(tracks[a["file"]], tracks[b["file"]]), a["exercise"]).rep_count
        low, high = int(a["reps_min"]) + int(b["reps_min"]), int(a["reps_max"]) + int(b["reps_max"])
        inside = low <= count <= high
        held, total = held + inside, total + 1
        exact += count == reports[a["file"]].rep_count + reports[b["file"]].rep_count
        if not inside:
            misses.append(f"{a['file']} + {b['file']}: {count} (range {low}–{high})")
    print(
        f"\nTwo sets joined by a cut: {held} of {total} pairs inside the summed range, {exact} of {total} "
        "counting exactly the two sets' own counts" + (": " + "; ".join(misses) if misses else "") + "."
    )


def doubled_table(
    what: str,
    sides_header: str,
    rows: list[dict[str, str]],
    tracks: dict[str, PoseTrack],
    change: Callable[[PoseTrack], PoseTrack],
    side: str,
) -> None:
    """Each set followed by itself changed by ``change``: the count must hold the doubled range;
    the table shows the ``side`` (``near`` or ``working``) measured at the end of each set."""
    print(f"\n| {what} | manifest x 2 | counted | {sides_header} |")
    print("|---|---|---:|---|")
    held = 0
    for row in rows:
        track = tracks[row["file"]]
        changed = change(track)
        count = analyze(changed, row["exercise"]).rep_count
        measured = getattr(body_signals(changed).sides, side)
        low, high = 2 * int(row["reps_min"]), 2 * int(row["reps_max"])
        held += low <= count <= high
        print(f"| {row['file']} | {low}–{high} | {count} | {measured[len(track) - 1]} / {measured[-1]} |")
    print(f"\nInside the doubled range: {held} of {len(rows)}.")


def shrug_table(data: Path) -> None:
    folder = data / "keypoints-shrug"
    if not folder.is_dir():
        return
    from upperback.pose.coco18 import read_coco18

    print("\n## Pose Trainer shrug keypoints (OpenPose COCO-18, read as 30 fps)\n")
    print("| Pose Trainer label | sequences | flagged shrugging |")
    print("|---|---:|---:|")
    for label in ("good", "bad"):
        paths = sorted(folder.glob(f"*_{label}_*.npy"))
        hits = sum(any(f.code == "shrugging" for f in analyze(read_coco18(p), "farmers-carry").faults) for p in paths)
        print(f"| {label} | {len(paths)} | {hits} |")


def shape_table(rows: list[dict[str, str]], tracks: dict[str, PoseTrack], data: Path) -> None:
    """The picture shape a landmark file without a size is given, on every clip's track normalised."""
    from upperback.pose.aspect import nearest_picture_shape, pooled_aspect_ratio, usable_frames
    from upperback.pose.csv_import import read_landmark_csv

    print("\n## A landmark file without a picture size: the shape read from the body\n")
    print("| clip | picture | width / height | frames used | estimate | shape taken | right |")
    print("|---|---|---:|---:|---:|---|---|")
    right = judged = 0
    for row in rows:
        track = tracks[row["file"]]
        width, height = track.source.width, track.source.height
        norm = track.image.astype(float) / np.array([width, height, width])
        visibility = track.visibility.astype(float)
        estimate = pooled_aspect_ratio(norm, visibility)
        size = f"| {row['file']} | {width}x{height} | {width / height:.2f} | {usable_frames(norm, visibility).sum()} |"
        if estimate is None:
            print(f"{size} – | too few frames | – |")
            continue
        (name, (shape_width, shape_height)), judged = nearest_picture_shape(estimate), judged + 1
        ok = abs(np.log(width / height * shape_height / shape_width)) < 0.1
        right += ok
        print(f"{size} {estimate:.2f} | {name} | {'yes' if ok else 'no'} |")
    print(f"\nThe video's own shape: {right} of {judged} clips with enough frames.")
    lumbar = data / "barbell_row_frames" / "lumbar_train.csv"
    if lumbar.is_file():
        track = read_landmark_csv(lumbar)
        print(f"lumbar_train.csv (shuffled frames of many videos): {track.source.width}x{track.source.height}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_data = Path(__file__).resolve().parents[2] / "shared" / "data"
    parser.add_argument("data", type=Path, nargs="?", default=default_data)
    parser.add_argument("--cache", type=Path, default=Path("out/rate_cache"))
    parser.add_argument("--no-injections", action="store_true", help="Skip the injected-fault sweeps.")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    rows = manifest_rows(args.data)
    tracks = {row["file"]: cached_track(args.data / row["folder"] / row["file"], args.cache) for row in rows}
    reports = {name: analyze(track, row["exercise"]) for (name, track), row in zip(tracks.items(), rows)}
    count_table(rows, reports)
    movement_table(rows, reports)
    good_form_table(rows, reports)
    rule_table(rows, reports)
    counted = [r for r in rows if get_library().movement(r["exercise"]).counting]
    pace_table(counted, tracks, reports)
    sides_table(counted, tracks, reports)
    shrug_table(args.data)
    shape_table(rows, tracks, args.data)
    if args.no_injections:
        return
    clean = {r["file"]: (tracks[r["file"]], reports[r["file"]]) for r in rows if r["folder"] == "clips"}

    print("\n## Injected faults\n")
    print("| fault | change | magnitude | clips | reps | recall | false alarms | F1 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for code, (what, inject, magnitudes, unit) in INJECTIONS.items():
        targets = {
            name: pair
            for name, pair in clean.items()
            if pair[1].reps and any(f.code == code for f in _catalogue(pair[1]))
        }
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
            print(
                f"| {code} | {what} | {magnitude:g} {unit} | {len(targets)} | {positives} | {recall:.2f} "
                f"| {false_alarms}/{negatives} | {f1:.2f} |"
            )
    carry_sweep(clean[CARRY_CLIP][0])
    cat_cow_sweep(clean[CAT_COW_CLIP][0])


def _catalogue(report: FormReport):
    from upperback.library import get_library

    return get_library().movement(report.exercise).faults


if __name__ == "__main__":
    main()
