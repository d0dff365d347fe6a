"""Per-frame fault flags (`analyze-landmarks --per-frame`)."""

from __future__ import annotations

import csv

from conftest import LUMBAR_CSV, clip_track, needs_media, run_cli
from upperback.analysis import frame_faults


@needs_media
def test_lumbar_csv_gets_one_row_per_input_row_with_rounded_back_flags(capsys, tmp_path):
    """The issue's command as it stands: no picture size, so the note says which was assumed."""
    out = tmp_path / "flags.csv"
    code, stdout, _ = run_cli(
        capsys, "analyze-landmarks", str(LUMBAR_CSV), "--exercise", "barbell-bent-over-row", "--per-frame", str(out)
    )
    assert code == 0 and "Per-frame faults written" in stdout
    assert "gives no picture size" in stdout
    # shuffled frames of many videos are pieces, not one set: no reps made up from them
    words = " ".join(stdout.split())
    assert "0 reps" in words and "it holds pieces of videos or single pictures" in words
    assert "Well done" not in words
    with LUMBAR_CSV.open(newline="") as handle:
        labels = [row["label"] for row in csv.DictReader(handle)]
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(labels)
    assert [int(r["frame"]) for r in rows] == list(range(len(labels)))
    assert {"rounded_back", "torso_too_upright", "neck_not_neutral"} <= rows[0].keys()
    assert {r["rounded_back"] for r in rows} <= {"0", "1", ""}
    flagged = [r["rounded_back"] == "1" for r in rows]
    errors = [label == "lumbar_error" for label in labels]
    hit_rate_on_errors = sum(f and e for f, e in zip(flagged, errors)) / sum(errors)
    hit_rate_on_correct = sum(f and not e for f, e in zip(flagged, errors)) / (len(errors) - sum(errors))
    assert hit_rate_on_errors > hit_rate_on_correct + 0.3


@needs_media
def test_video_track_flags_follow_the_posture():
    track = clip_track("row_dumbbell_underhand_home.mp4")
    flags = frame_faults(track, "bent-over-row")
    standing = track.times_s < 3.0  # stands upright for the first seconds
    hinged = track.times_s > 10.0
    assert flags["torso_too_upright"][standing].mean() > 0.9
    assert flags["torso_too_upright"][hinged].mean() < 0.1
    assert frame_faults(track, "thoracic-rotation") == {}


@needs_media
def test_variant_id_sets_the_per_frame_thresholds(capsys, tmp_path):
    """`--exercise barbell-bent-over-row` judges each barbell-row frame against the barbell row's
    torso limit (40°), not the dumbbell row's (50°)."""
    flags = {}
    for exercise in ("bent-over-row", "barbell-bent-over-row"):
        out = tmp_path / f"{exercise}.csv"
        code, _, _ = run_cli(
            capsys,
            "analyze-landmarks",
            str(LUMBAR_CSV),
            "--exercise",
            exercise,
            "--width",
            "1080",
            "--height",
            "1350",
            "--per-frame",
            str(out),
        )
        assert code == 0
        with out.open(newline="") as handle:
            flags[exercise] = [(r["torso_too_upright"], r["rounded_back"]) for r in csv.DictReader(handle)]
    upright = {k: sum(t == "1" for t, _ in v) for k, v in flags.items()}
    assert upright["barbell-bent-over-row"] > upright["bent-over-row"] > 0
    assert [r for _, r in flags["barbell-bent-over-row"]] == [r for _, r in flags["bent-over-row"]]
