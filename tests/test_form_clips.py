"""Form analysis on the shared clips: rep counts and the report's structure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import upperback.report
from conftest import clip_manifest, clip_track, needs_media
from upperback.analysis import FORM_MODULES, analyze
from upperback.errors import UnknownNameError, UpperbackError
from upperback.evaluation.injections import (
    raise_shoulders,
    rep_progress,
    shorten_range,
    speed_up_lowering,
    tilt_torso,
)
from upperback.report.json_io import write_report_json

ANALYZED_CLIPS = [row for row in clip_manifest() if row["exercise"] in FORM_MODULES]


@needs_media
@pytest.mark.parametrize("row", ANALYZED_CLIPS, ids=[r["file"] for r in ANALYZED_CLIPS])
def test_rep_count_in_manifest_range(row):
    report = analyze(clip_track(row["file"]), row["exercise"])
    assert int(row["reps_min"]) <= report.rep_count <= int(row["reps_max"]), row["notes"]


@needs_media
def test_chest_supported_fly_is_recognised():
    report = analyze(clip_track("reverse_fly_chest_supported.mp4"), "reverse-fly")
    assert not any(f.code == "torso_too_upright" for f in report.faults)
    assert any("incline bench" in note for note in report.quality.skipped_checks)
    assert all(rep.metrics["top_spread_deg"] > 120 for rep in report.reps)


@needs_media
def test_reps_are_ordered_and_timed():
    report = analyze(clip_track("row_dumbbell_underhand_home.mp4"), "bent-over-row")
    assert report.view == "side"
    for rep in report.reps:
        assert rep.start_s < rep.top_s < rep.end_s
        assert 0.2 < rep.concentric_s < 5 and 0.2 < rep.eccentric_s < 5
    for earlier, later in zip(report.reps, report.reps[1:]):
        assert earlier.end_s <= later.start_s + 1e-6
    # the lifter stands for the first ~4.5 s: no rep may start while standing
    assert report.reps[0].top_s > 4.5


@needs_media
def test_json_report_has_the_documented_fields(tmp_path):
    report = analyze(clip_track("row_one_arm_chair_lowres.mp4"), "bent-over-row")
    path = write_report_json(report, tmp_path / "report.json")
    data = json.loads(path.read_text())
    assert {
        "schema_version",
        "exercise",
        "source",
        "view",
        "rep_count",
        "reps",
        "faults",
        "metrics",
        "quality",
    } <= data.keys()
    assert data["rep_count"] == len(data["reps"]) == report.rep_count
    assert {"fps", "frames", "duration_s", "width", "height"} <= data["source"].keys()
    for fault in data["faults"]:
        assert {"code", "severity", "rep", "start_s", "end_s", "value", "threshold", "message", "cue"} <= fault.keys()


def test_unknown_exercise_is_a_user_error():
    with pytest.raises(UnknownNameError, match="Did you mean 'bent-over-row'"):
        analyze("nothing.mp4", "bent-over-rows")


def test_movement_without_form_module_says_so(monkeypatch):
    # Every movement may have a module by now (farmers-carry is being added alongside), so drop one.
    import upperback.form

    upperback.form.form_module("cat-cow")  # imported and registered, then taken off the registry
    monkeypatch.delitem(upperback.form._REGISTERED, "cat-cow")
    with pytest.raises(UpperbackError, match="not available yet"):
        analyze("nothing.mp4", "cat-cow")


@needs_media
@pytest.mark.parametrize(
    "code, change",
    [
        ("torso_too_upright", lambda track, report: tilt_torso(track, 40)),
        # magnitudes clear of each threshold by more than the noise (form/evidence.py): the swing
        # limit is 20° per rep, and a lowering must be a frame (0.1 s) faster than 0.6 s to count
        ("torso_swing", lambda track, report: tilt_torso(track, 25 * rep_progress(track.times_s, report.reps))),
        ("shrugging", lambda track, report: raise_shoulders(track, 0.3, rep_progress(track.times_s, report.reps))),
        ("partial_range", lambda track, report: shorten_range(track, 0.6)),
        ("fast_lowering", lambda track, report: speed_up_lowering(track, report.reps, 6)),
    ],
)
def test_injected_row_faults_are_found(code, change):
    track = clip_track("row_dumbbell_underhand_home.mp4")
    clean = analyze(track, "bent-over-row")
    changed = analyze(change(track, clean), "bent-over-row")
    flagged = sum(code in rep.faults for rep in changed.reps)
    assert changed.rep_count >= clean.rep_count - 1
    assert flagged >= 0.8 * changed.rep_count
    assert flagged > sum(code in rep.faults for rep in clean.reps)


@needs_media
def test_reports_validate_against_the_json_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((Path(upperback.report.__file__).parent / "schema" / "form_report.schema.json").read_text())
    for row in ANALYZED_CLIPS:
        report = analyze(clip_track(row["file"]), row["exercise"])
        path = write_report_json(report, tmp_path / f"{row['file']}.json")
        jsonschema.validate(json.loads(path.read_text()), schema)


@needs_media
def test_stretches_without_a_visible_person_are_reported_not_judged():
    import dataclasses

    import numpy as np

    track = clip_track("row_dumbbell_underhand_home.mp4")
    hidden = (track.times_s > 12.0) & (track.times_s < 15.0)
    image, world, vis = track.image.copy(), track.world.copy(), track.visibility.copy()
    image[hidden] = world[hidden] = np.nan
    vis[hidden] = np.nan
    report = analyze(dataclasses.replace(track, image=image, world=world, visibility=vis), "bent-over-row")
    assert any(a <= 12.2 and b >= 14.8 for a, b in report.quality.low_confidence_spans)
    assert not analyze(track, "bent-over-row").quality.low_confidence_spans
