"""Sets whose measured side changes within the video: an edit that cuts to another set (filmed
from the other side, or of another lifter), a lifter who turns round on the spot to row with
the other arm, and one who switches arms facing the same way. The side nearer the camera and
the working arm are judged per shot, per turn and per switch of arms
(``upperback.kinematics.sides``), so every set is counted on the arm that works."""

from __future__ import annotations

import dataclasses
import itertools
import warnings

import numpy as np
import pytest

from conftest import CLIPS, clip_track, needs_media, needs_wild_media, wild_track
from test_form_pace import ROWS, track_of
from test_live_replay import replay
from upperback.analysis import analyze, body_signals
from upperback.evaluation.edits import joined_by_a_cut
from upperback.evaluation.transforms import arms_switched, spliced, turned_round
from upperback.kinematics.shots import ShotWatch, shot_marks
from upperback.kinematics.sides import MIN_TURN_S, _sorted_percentile, settled, stretches
from upperback.pose.decode import probe_video
from upperback.pose.pipeline import extract_pose
from upperback.pose.track import PICTURE_CUT, PoseTrack, SourceInfo

SETS = [(folder, row) for folder, row in ROWS if int(row["reps_min"]) > 0]
PAIRS = [(a, b) for a, b in itertools.permutations(SETS, 2) if a[1]["exercise"] == b[1]["exercise"]]
SINGLE_SHOT = [(f, r) for f, r in SETS if r["exercise"] != "cat-cow" and "cut" not in r["file"]]
"""Rows and flies filmed in one shot (turning round on all fours is not a cat-cow)."""


def name(pair) -> str:
    return " + ".join(row["file"] for _, row in pair)


@needs_media
@needs_wild_media
@pytest.mark.parametrize("pair", PAIRS, ids=[name(p) for p in PAIRS])
def test_a_cut_to_another_set_counts_both_sets(pair):
    (folder_a, a), (folder_b, b) = pair
    first, second = track_of(folder_a, a), track_of(folder_b, b)
    report = analyze(spliced(first, second), a["exercise"])
    low, high = int(a["reps_min"]) + int(b["reps_min"]), int(a["reps_max"]) + int(b["reps_max"])
    assert low <= report.rep_count <= high


def nobody_on_the_first_frame(track: PoseTrack) -> PoseTrack:
    """``track`` with nobody found on its first frame, as BlazePose often finds nobody on the
    first frame after a cut."""
    image, world, visibility = track.image.copy(), track.world.copy(), track.visibility.copy()
    image[0], world[0], visibility[0] = np.nan, np.nan, np.nan
    return dataclasses.replace(track, image=image, world=world, visibility=visibility)


@needs_media
@needs_wild_media
@pytest.mark.parametrize("pair", PAIRS, ids=[name(p) for p in PAIRS])
def test_a_cut_is_found_when_the_frame_after_it_shows_nobody(pair):
    """The cut in the picture, on a frame where BlazePose finds nobody, still ends the shot on
    the first frame that shows the second set: its lifter stands elsewhere in the picture."""
    (folder_a, a), (folder_b, b) = pair
    first, second = track_of(folder_a, a), nobody_on_the_first_frame(track_of(folder_b, b))
    joined = spliced(first, second)
    person, cut = shot_marks(joined)
    after = len(first) + int(np.flatnonzero(person[len(first) :])[0])
    assert cut[after]


@needs_media
def test_a_video_file_that_cuts_to_another_set_is_counted_set_by_set(tmp_path):
    """FFmpeg joins the gym row to the chair row (filmed from the other side, its small upright
    picture letterboxed into the wide one): the cut is seen in the picture on its first frame,
    BlazePose starts afresh there, and each set is counted in its own shot."""
    first, second = CLIPS / "row_dumbbell_gym_side.mp4", CLIPS / "row_one_arm_chair_lowres.mp4"
    track = extract_pose(joined_by_a_cut(first, second, tmp_path / "edit.mp4"))
    cuts = track.times_s[track.extras[PICTURE_CUT] > 0.5]
    assert len(cuts) == 1 and abs(cuts[0] - probe_video(first).duration_s) <= 0.1
    report = analyze(track, "bent-over-row")
    assert 6 + 6 <= report.rep_count <= 7 + 6
    assert len(report.quality.shots) == 2
    assert any("cuts to another shot" in w for w in report.quality.warnings)


@needs_media
@needs_wild_media
@pytest.mark.parametrize(("folder", "row"), SINGLE_SHOT, ids=[row["file"] for _, row in SINGLE_SHOT])
def test_a_lifter_who_turns_round_is_counted_on_both_sides(folder, row):
    track = track_of(folder, row)
    turned = turned_round(track)
    report = analyze(turned, row["exercise"])
    assert 2 * int(row["reps_min"]) <= report.rep_count <= 2 * int(row["reps_max"])
    assert len(report.quality.shots) <= 1  # no cut: the lifter turned on the spot
    if track.times_s[-1] - track.times_s[0] >= MIN_TURN_S:  # shorter turns are taken for flicker
        near = body_signals(turned).sides.near
        assert near[len(track) - 1] != near[-1]  # each set measured on its own near side


@needs_media
def test_one_arm_rows_on_both_sides_are_counted_live_as_offline():
    """The chair row (one arm) then the same set turned round: the other arm works. Live
    coaching, judging the sides on the frames so far, counts what the offline analysis counts."""
    turned = turned_round(clip_track("row_one_arm_chair_lowres.mp4"))
    offline = analyze(turned, "bent-over-row")
    assert offline.rep_count == 12
    working = body_signals(turned).sides.working
    assert working[0] != working[-1]
    live_set, _ = replay(turned, "bent-over-row")
    assert live_set.finish().reps == offline.rep_count


def test_a_short_turn_is_flicker_and_a_long_one_a_turn():
    times = np.arange(100) / 10.0
    votes = np.ones(100, dtype=int)
    votes[40:45] = -1  # half a second the other way: BlazePose's left/right flicker
    votes[:10] = 0  # unclear frames take their neighbours' label
    assert set(settled(votes, times, MIN_TURN_S)) == {1}
    votes[60:] = -1  # four seconds the other way: turned round
    labels = settled(votes, times, MIN_TURN_S)
    assert labels[0] == 1 and labels[-1] == -1 and np.flatnonzero(np.diff(labels)).tolist() == [59]


def test_a_track_without_anyone_is_one_stretch():
    empty = PoseTrack.empty(SourceInfo("empty", 640, 480, 30.0, 0, 0.0))
    assert stretches(empty) == []
    nobody = np.full((20, 33, 3), np.nan, np.float32)
    track = PoseTrack(
        times_s=np.arange(20) / 10.0,
        image=nobody,
        world=nobody.copy(),
        visibility=np.full((20, 33), np.nan, np.float32),
        frame_index=np.arange(20),
        source=SourceInfo("nobody", 640, 480, 10.0, 20, 2.0),
    )
    assert stretches(track) == [(0, 20)]
    assert body_signals(track).sides.main_near in {"left", "right"}


ONE_ARM = ["row_one_arm_chair_lowres.mp4", "mannequin_one_arm_row_split_faulty_bottom.mp4"]


@needs_media
@needs_wild_media
@pytest.mark.parametrize("name", ONE_ARM)
def test_one_arm_rows_with_each_arm_without_turning_count_both_sets(name):
    """The same one-arm set, then again with the other arm while facing the same way (as one
    does facing the camera): the arm measured follows the arm that works."""
    track = clip_track(name) if name.startswith("row_") else wild_track(name)
    count = analyze(track, "bent-over-row").rep_count
    switched = arms_switched(track)
    assert analyze(switched, "bent-over-row").rep_count == 2 * count
    working = body_signals(switched).sides.working
    assert working[len(track) - 1] != working[-1]


def test_window_spreads_are_numpys_percentiles():
    """The arms' spreads over each window are np.nanpercentile's, computed fast enough for
    live coaching's every frame."""
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(200, 41))
    rows[rng.random(rows.shape) < 0.3] = np.nan
    rows[5] = np.nan
    rows[6, 1:] = np.nan
    ordered = np.sort(rows, axis=1)
    seen = np.isfinite(ordered).sum(axis=1)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the all-NaN row
        for share in (0.1, 0.9):
            expected = np.nanpercentile(rows, 100 * share, axis=1)
            np.testing.assert_allclose(_sorted_percentile(ordered, seen, share), expected, equal_nan=True)


@needs_media
@needs_wild_media
def test_shot_marks_of_a_whole_track_are_what_live_finds_frame_by_frame():
    """The offline shot marks, measured all at once, are ShotWatch's one frame at a time: on a
    clip with a cut, on two sets joined by an edit, and on a set turned round (no cut)."""
    seated, chair = wild_track("reverse_fly_seated_cut.mp4"), clip_track("row_one_arm_chair_lowres.mp4")
    for track in (seated, spliced(chair, clip_track("row_dumbbell_gym_side.mp4")), turned_round(chair)):
        watch, picture_cuts = ShotWatch(), track.extras[PICTURE_CUT] > 0.5
        live = [
            watch.update(float(t), frame if found else None, bool(picture_cut))
            for t, frame, found, picture_cut in zip(track.times_s, track.image, track.detected, picture_cuts)
        ]
        person, cut = shot_marks(track)
        assert person.tolist() == [p for p, _ in live] and cut.tolist() == [c for _, c in live]
    assert shot_marks(seated)[1].sum() == 1
