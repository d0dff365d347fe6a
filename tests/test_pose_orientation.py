"""Videos stored on their side or upside down (no rotation metadata) are turned upright from the
body's limbs; upright videos, and the movement done lying down, are left as they are."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import CLIPS, WILD_CLIPS, clip_manifest, clip_track, needs_media, needs_wild_media, run_cli
from pose_media import transform_clip
from upperback.analysis import AnalysisOptions, analyze, stood_upright
from upperback.evaluation.transforms import legs_out_of_picture, mirrored, picture_turned
from upperback.pose.decode import iter_frames, probe_video
from upperback.pose.orientation import upright_turn

pytestmark = [needs_media, needs_wild_media, pytest.mark.media]

SHARED = [(folder, row["file"]) for folder in (CLIPS, WILD_CLIPS) for row in clip_manifest(folder)]
CLIP = "cat_cow_home_side.mp4"


def test_every_shared_clip_is_upright_and_turned_back_when_its_picture_is_turned():
    """The 18 clips are all filmed upright: none is turned. Their tracks turned a quarter, a half
    and three quarters of a turn are turned back exactly, except where the body does not say
    (the chest-supported fly, the six-frame clip), which are left alone, never turned wrongly."""
    assert len(SHARED) == 18
    turned_back = set()
    for folder, name in SHARED:
        track = clip_track(name, folder)
        assert upright_turn(track) == 0, name
        found = {turn: upright_turn(picture_turned(track, turn)) for turn in (1, 2, 3)}
        assert all(back in (0, (4 - turn) % 4) for turn, back in found.items()), (name, found)
        if all(back == (4 - turn) % 4 for turn, back in found.items()):
            turned_back.add(name)
    assert {name for _, name in SHARED} - turned_back == {
        "reverse_fly_chest_supported.mp4",
        "row_dumbbell_six_frames.mp4",
    }


def test_mirrored_or_filmed_close_a_picture_is_never_turned_wrongly():
    """The same 18 tracks filmed in a mirror, or close (legs out of the picture, only the arms
    vote), at every quarter turn: turned back exactly or left alone, never turned wrongly."""
    for folder, name in SHARED:
        for changed in (mirrored(clip_track(name, folder)), legs_out_of_picture(clip_track(name, folder))):
            assert upright_turn(changed) == 0, name
            for turn in (1, 2, 3):
                assert upright_turn(picture_turned(changed, turn)) in (0, (4 - turn) % 4), (name, turn)


def test_frames_read_turned_are_the_upright_frames_turned():
    upright = next(iter_frames(CLIPS / CLIP, 10.0))
    for turn in (1, 2, 3):
        turned = next(iter_frames(CLIPS / CLIP, 10.0, turn=turn))
        np.testing.assert_array_equal(turned.rgb, np.rot90(upright.rgb, turn))


@pytest.fixture(scope="module")
def sideways(tmp_path_factory):
    """The cat-cow clip stored a quarter turn clockwise, with no rotation metadata."""
    path = tmp_path_factory.mktemp("sideways") / "sideways.mp4"
    return transform_clip(CLIPS / CLIP, path, lambda rgb: np.ascontiguousarray(np.rot90(rgb, -1)))


def test_a_video_stored_on_its_side_is_counted_and_drawn_upright(sideways, tmp_path, capsys):
    upright = probe_video(CLIPS / CLIP)
    assert (probe_video(sideways).width, probe_video(sideways).height) == (upright.height, upright.width)
    report_path, drawn = tmp_path / "report.json", tmp_path / "drawn.mp4"

    code, out, err = run_cli(
        capsys, "analyze", str(sideways), "-x", "cat-cow", "--json", str(report_path), "--video-out", str(drawn)
    )

    assert code == 0, err
    report = json.loads(report_path.read_text())
    assert report["rep_count"] == analyze(clip_track(CLIP), "cat-cow").rep_count
    assert (report["source"]["width"], report["source"]["height"]) == (upright.width, upright.height)
    assert any("stored on its side" in w and "a quarter turn anticlockwise" in w for w in report["quality"]["warnings"])
    assert "stored on its side" in out
    assert (probe_video(drawn).width, probe_video(drawn).height) == (upright.width, upright.height)
    # Web jobs and batch runs hand analyze() the video itself: the same turn, the same note.
    direct = analyze(sideways, "cat-cow")
    assert (direct.rep_count, direct.quality.warnings) == (report["rep_count"], report["quality"]["warnings"])


def test_the_movement_done_lying_down_is_never_turned(sideways):
    """Lying on the side, the limbs lie across the picture however it is filmed."""
    track = clip_track(CLIP)
    on_its_side = picture_turned(track, 3)
    assert upright_turn(on_its_side) == 1
    kept = stood_upright(sideways, on_its_side, "thoracic-rotation", AnalysisOptions())
    assert kept is on_its_side
