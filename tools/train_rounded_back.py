"""Train the rounded-back model from labelled barbell-row frames and write its JSON.

    .venv/bin/python tools/train_rounded_back.py                       # ../shared/data CSV → packaged JSON
    .venv/bin/python tools/train_rounded_back.py --csv other.csv --out /tmp/model.json

Needs the ``dev`` extra (scikit-learn). Prints a markdown report: grouped vs shuffled (leaky)
cross-validation, a leakage probe, the sensitivity of the score to the grouping and to the
aspect ratio, then fits on all frames and writes the model.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from upperback.form.rounded_back import FEATURE_NAMES, rounded_back_features
from upperback.form.rounded_back_training import (
    DEFAULT_C,
    DEFAULT_GROUPS,
    DEFAULT_SEED,
    DEFAULT_SPLITS,
    best_f1_threshold,
    cross_validate,
    fit_rounded_back,
    nearest_neighbour_probe,
    pose_groups,
    read_labelled_frames,
    scene_groups,
)
from upperback.pose.aspect import BONE_NAMES, aspect_ratio_cost, estimate_aspect_ratio

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CSV = ROOT.parent / "shared" / "data" / "barbell_row_frames" / "lumbar_train.csv"
DEFAULT_OUT = ROOT / "src" / "upperback" / "form" / "models" / "rounded_back.json"

PROVENANCE = (
    "Trained on lumbar_train.csv from MustafaReda2090/GymEye-Models (MIT; barbellrow_model/lumbar_train.csv): "
    "single frames of barbell rows, 13 MediaPipe Pose landmarks (x, y, z, visibility, image-normalised), "
    "labelled lumbar_correct / lumbar_error (rounded lower back), derived from a non-commercial research "
    "dataset of barbell-row videos (by the folder names in the source notebooks, Fitness-AQA's labelled "
    "BarbellRow frames). The data are not shipped; this file holds only fitted parameters."
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="labelled landmark CSV")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the model JSON")
    parser.add_argument("--groups", type=int, default=DEFAULT_GROUPS, help="number of scene groups")
    parser.add_argument("--folds", type=int, default=DEFAULT_SPLITS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--c", type=float, default=DEFAULT_C, help="inverse L2 strength of the logistic fit")
    parser.add_argument(
        "--aspect-ratio",
        type=float,
        default=None,
        help="assume this width/height for the training pictures instead of estimating it",
    )
    args = parser.parse_args(argv)

    frames = read_labelled_frames(args.csv)
    y = frames.labels
    print(
        f"# Rounded-back model\n\n{len(frames)} frames from {frames.source}: "
        f"{int(y.sum())} rounded ({y.mean():.1%}), {int((~y).sum())} correct.\n"
    )

    groups = scene_groups(frames.image_norm, args.groups)
    sizes = np.bincount(groups)
    print(
        f"Scene groups: {len(sizes)} (frames per group: median {int(np.median(sizes))}, "
        f"largest {int(sizes.max())}, smallest {int(sizes.min())}).\n"
    )

    estimated, _, cost = estimate_aspect_ratio(frames.image_norm, frames.visibility, groups)
    aspect = args.aspect_ratio if args.aspect_ratio is not None else estimated
    common = {"9:16": 9 / 16, "3:4": 3 / 4, "4:5": 4 / 5, "1:1": 1.0, "4:3": 4 / 3, "16:9": 16 / 9}
    common_cost = aspect_ratio_cost(frames.image_norm, frames.visibility, groups, np.array(list(common.values())))
    near = [f"{name} {c:.4f}" for name, c in zip(common, common_cost)]
    print(
        f"Aspect ratio (width/height) keeping {', '.join(BONE_NAMES)} proportions most constant within "
        f"groups: {estimated:.3f} (cost {cost.min():.4f}); using {aspect:.3f}. Cost at common ratios: "
        f"{'; '.join(near)}.\n"
    )

    features = rounded_back_features(frames.pixels(aspect), frames.visibility)
    usable = np.all(np.isfinite(features), axis=1)
    print(f"Frames with usable features: {int(usable.sum())} of {len(frames)}.\n")

    cv = {"n_splits": args.folds, "seed": args.seed, "c": args.c}
    grouped = cross_validate(features, y, groups, **cv)
    leaky = cross_validate(features, y, None, **cv)
    print(f"## Cross-validation ({args.folds} folds, threshold chosen by an inner CV inside each fold)\n")
    print("| folds | precision | recall | F1 | F1 per fold | average precision |")
    print("|---|---|---|---|---|---|")
    for name, result in (
        ("grouped (StratifiedGroupKFold, scene groups)", grouped),
        ("shuffled (StratifiedKFold, leaks)", leaky),
    ):
        s = result.pooled
        per_fold = " ".join(f"{f:.2f}" for f in result.fold_f1)
        print(
            f"| {name} | {s.precision:.3f} | {s.recall:.3f} | **{s.f1:.3f}** | {per_fold} | {s.average_precision:.3f} |"
        )

    probe_leaky = nearest_neighbour_probe(frames, None, n_splits=args.folds, seed=args.seed)
    probe_grouped = nearest_neighbour_probe(frames, groups, n_splits=args.folds, seed=args.seed)
    print(
        f"\nLeakage probe, 1-nearest-neighbour on raw coordinates: F1 {probe_leaky:.3f} shuffled, "
        f"{probe_grouped:.3f} grouped.\n"
    )

    print("## Sensitivity (grouped CV F1 / average precision)\n")
    print("| variant | F1 | average precision |")
    print("|---|---|---|")
    alternatives = {
        f"scene groups, {args.groups} (used)": groups,
        "scene groups, 300": scene_groups(frames.image_norm, 300),
        "scene groups, 1000": scene_groups(frames.image_norm, 1000),
        f"pose groups, {args.groups} (holds out similar poses too)": pose_groups(frames.image_norm, args.groups),
    }
    for name, alt in alternatives.items():
        r = grouped if alt is groups else cross_validate(features, y, alt, **cv)
        print(f"| {name} | {r.pooled.f1:.3f} | {r.pooled.average_precision:.3f} |")
    aspect_check = {}
    for factor in (0.8, 1.25):
        shifted = rounded_back_features(frames.pixels(aspect * factor), frames.visibility)
        r = cross_validate(features, y, groups, test_features=shifted, **cv)
        aspect_check[f"{factor:g}"] = round(r.pooled.f1, 4)
        print(
            f"| test frames at aspect ×{factor:g} ({aspect * factor:.2f}) | {r.pooled.f1:.3f} | "
            f"{r.pooled.average_precision:.3f} |"
        )

    threshold, oof_f1 = best_f1_threshold(grouped.labels, grouped.probability)
    print(
        f"\nDecision threshold from the grouped out-of-fold probabilities: {threshold:.3f} "
        f"(F1 {oof_f1:.3f} at that single threshold).\n"
    )

    info = {
        "label": "lumbar_error (rounded lower back), per frame",
        "aspect_ratio_estimated": round(estimated, 4),
        "cv": {
            "folds": args.folds,
            "seed": args.seed,
            "grouping": f"Ward clustering of the scene signature into {args.groups} groups "
            "(upperback.form.rounded_back_training.scene_groups)",
            "grouped": grouped.as_dict(),
            "shuffled_leaky": leaky.as_dict(),
            "nearest_neighbour_probe_f1": {"shuffled": round(probe_leaky, 4), "grouped": round(probe_grouped, 4)},
            "grouped_f1_with_test_aspect_scaled_by": aspect_check,
        },
        "training": {
            "frames": int(usable.sum()),
            "rounded": int(y[usable].sum()),
            "c": args.c,
            "source": frames.source,
        },
        "provenance": PROVENANCE,
    }
    model = fit_rounded_back(features, y, aspect_ratio=aspect, threshold=threshold, c=args.c, info=info)
    print("## Model (standardised coefficients)\n")
    print("| feature | coefficient |")
    print("|---|---|")
    for name, coef in zip(FEATURE_NAMES, model.coefficients):
        print(f"| {name} | {coef:+.3f} |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(_rounded(model.to_dict()), indent=2) + "\n", encoding="utf-8")
    print(f"\nWrote {args.out}")
    return 0


def _rounded(value):
    """Round floats in a JSON-able structure to 8 significant digits (a stable, readable file)."""
    if isinstance(value, float):
        return float(f"{value:.8g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


if __name__ == "__main__":
    sys.exit(main())
