"""The annotated video: every frame kept and playable, the overlay follows the analysis."""

from __future__ import annotations

import dataclasses

import av
import numpy as np
import pytest

from conftest import CLIPS, clip_track, needs_media, run_cli
from pose_media import decoded_frame_count, transform_clip
from upperback.analysis import full_analysis
from upperback.errors import UpperbackError
from upperback.evaluation.injections import raise_shoulders, rep_progress, tilt_torso
from upperback.report.overlay import FrameOverlay
from upperback.report.video import write_annotated_video

pytestmark = [needs_media, pytest.mark.media]

SHORTEST = "cat_cow_home_side.mp4"
ROW = "row_one_arm_chair_lowres.mp4"


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    """The shortest shared clip, annotated once for the tests that read the result."""
    track = clip_track(SHORTEST)
    analysis = full_analysis(track, "cat-cow")
    out = tmp_path_factory.mktemp("video") / "annotated.mp4"
    calls = []
    written = write_annotated_video(CLIPS / SHORTEST, analysis, out, progress=lambda d, t: calls.append((d, t)))
    return written, track, analysis, calls


def _stream_facts(path):
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        duration = float(stream.duration * stream.time_base)
        facts = {
            "codec": stream.codec_context.name,
            "pix_fmt": stream.codec_context.pix_fmt,
            "size": (stream.codec_context.width, stream.codec_context.height),
            "rate": float(stream.average_rate),
            "duration_s": duration,
            "audio": len(container.streams.audio),
        }
    facts["frames"] = decoded_frame_count(path)
    return facts


def test_annotated_video_keeps_every_frame_size_and_duration(annotated):
    path, track, _, calls = annotated
    source, out = _stream_facts(CLIPS / SHORTEST), _stream_facts(path)

    assert out["codec"] == "h264" and out["pix_fmt"] == "yuv420p"
    assert out["audio"] == 0
    assert out["size"] == source["size"] == (track.source.width, track.source.height)
    assert out["frames"] == source["frames"]
    assert out["duration_s"] == pytest.approx(source["duration_s"], abs=1 / source["rate"])
    assert out["rate"] == pytest.approx(source["rate"], rel=1e-3)
    # +faststart: the index comes before the media data, so a browser can start playing at once
    data = path.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")
    # progress reached the end; nothing was left behind next to the output
    assert calls and calls[-1][0] == pytest.approx(calls[-1][1], abs=0.1)
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_annotated_frames_show_the_overlay_and_the_original_picture(annotated):
    path, track, _, _ = annotated
    with av.open(str(CLIPS / SHORTEST)) as src, av.open(str(path)) as out:
        before = next(src.decode(video=0)).to_ndarray(format="rgb24").astype(int)
        after = next(out.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    changed = np.abs(after - before).max(axis=-1) > 60
    # something was drawn (skeleton, gauge, panel), but most of the picture is the video itself
    assert 0.005 < changed.mean() < 0.4
    # the skeleton runs through the landmarks: pixels at the hips changed
    hip = track.image[0, 23, :2].round().astype(int)
    y, x = hip[1], hip[0]
    assert changed[y - 6 : y + 7, x - 6 : x + 7].any()


def test_rotated_video_is_annotated_upright(annotated, tmp_path):
    path, track, analysis, _ = annotated
    rotated = transform_clip(
        CLIPS / SHORTEST, tmp_path / "rotated.mp4", lambda rgb: np.rot90(rgb, -1), end_s=1.0, rotation=90
    )
    out = write_annotated_video(rotated, analysis, tmp_path / "rotated_annotated.mp4")
    assert _stream_facts(out)["size"] == (track.source.width, track.source.height)
    with av.open(str(path)) as a, av.open(str(out)) as b:
        upright = next(a.decode(video=0)).to_ndarray(format="rgb24").astype(int)
        from_rotated = next(b.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    assert np.abs(upright - from_rotated).mean() < 6  # the same picture, overlay included


def test_a_track_of_another_video_is_refused(tmp_path):
    track = clip_track(ROW)
    analysis = full_analysis(track, "bent-over-row")
    with pytest.raises(UpperbackError, match="Pass the video the track was made from"):
        write_annotated_video(CLIPS / SHORTEST, analysis, tmp_path / "out.mp4")
    assert not list(tmp_path.iterdir())


def test_cli_refuses_to_overwrite_the_input(capsys, tmp_path):
    clip = tmp_path / "mine.mp4"
    clip.write_bytes((CLIPS / SHORTEST).read_bytes())
    code, _, err = run_cli(capsys, "analyze", str(clip), "-x", "cat-cow", "--video-out", str(clip))
    assert code == 1 and "--video-out" in err
    assert clip.read_bytes() == (CLIPS / SHORTEST).read_bytes()


# --- what the overlay shows --------------------------------------------------------------------


@pytest.fixture(scope="module")
def injected():
    """A row clip's track with a too-upright torso and, on every other rep, shrugging injected,
    and its report."""
    clean = clip_track(ROW)
    clean_report = full_analysis(clean, "bent-over-row").report
    progress = rep_progress(clean.times_s, clean_report.reps)
    for rep in clean_report.reps[1::2]:  # odd reps stay free of the shrug
        progress[(clean.times_s >= rep.start_s) & (clean.times_s <= rep.end_s)] = 0.0
    faulty = tilt_torso(raise_shoulders(clean, 0.5, progress), 35.0)
    return clean_report, full_analysis(faulty, "bent-over-row")


def test_fault_captions_are_drawn_while_the_fault_happens(injected):
    clean_report, analysis = injected
    track, report = analysis.track, analysis.report
    codes = {f.code for f in report.faults}
    assert {"torso_too_upright", "shrugging"} <= codes
    assert "torso_too_upright" not in {f.code for f in clean_report.faults}
    overlay = FrameOverlay(analysis)
    blank = np.zeros((track.source.height, track.source.width, 3), np.uint8)
    for code, title in (("torso_too_upright", "Torso too upright"), ("shrugging", "Shrugging")):
        for event in (f for f in report.faults if f.code == code):
            frame = blank.copy()
            middle = (event.start_s + event.end_s) / 2
            drawn = overlay.draw(frame, middle)
            assert any(text.startswith(title) for text in drawn), (middle, drawn)
            # the most important fault of the moment is shown with its cue
            first = overlay.state_at(middle).captions[0]
            assert drawn[0] == f"{first.title}: {first.cue}"
            assert frame[-frame.shape[0] // 5 :].any()  # captions sit at the bottom of the picture
    quiet = [
        t
        for t in np.arange(0, track.source.duration_s, 0.1)
        if not any(f.start_s <= t <= overlay.timeline.caption_end_s(f) for f in report.faults)
    ]
    assert quiet and overlay.draw(blank.copy(), quiet[0]) == []
    # a fault of one rep is not shown during the next rep when that one is free of it
    pairs = [
        (f, report.reps[f.rep + 1])
        for f in report.faults
        if f.rep is not None
        and f.rep + 1 < len(report.reps)
        and not any(g.code == f.code and g.rep == f.rep + 1 for g in report.faults)
    ]
    assert pairs
    for fault, following in pairs:
        assert fault.code not in [c.code for c in overlay.state_at(following.start_s + 0.05).captions]


def test_rep_counter_and_phase_follow_the_reps(injected):
    _, analysis = injected
    report = analysis.report
    overlay = FrameOverlay(analysis)
    first, last = report.reps[0], report.reps[-1]
    assert overlay.state_at(first.start_s + 0.3 * first.concentric_s).moment.phase == "pulling"
    assert overlay.state_at(first.top_s).moment.phase == "top"
    assert overlay.state_at(first.end_s - 0.05).moment.phase == "lowering"
    middle = overlay.state_at((first.start_s + first.end_s) / 2).moment
    assert middle.done == 0 and middle.current == 0 and middle.total == len(report.reps)
    assert overlay.state_at(last.end_s + 0.01).moment.done == len(report.reps)


def test_nothing_is_drawn_where_nobody_was_found():
    track = clip_track(SHORTEST)
    k = len(track) // 2
    image = track.image.copy()
    image[k] = np.nan
    gap = dataclasses.replace(track, image=image)
    overlay = FrameOverlay(dataclasses.replace(full_analysis(track, "cat-cow"), track=gap))
    assert overlay.state_at(track.times_s[k]).points is None
    # between two analysed frames that both found the person, landmarks are interpolated
    t0, t1 = track.times_s[k - 3], track.times_s[k - 2]
    halfway = overlay.state_at((t0 + t1) / 2).points
    expected = (track.image[k - 3, :, :2] + track.image[k - 2, :, :2]) / 2
    assert np.allclose(halfway, expected, atol=1e-3)
