"""Bad videos give an ``UpperbackError`` that says what is wrong, never a crash or a traceback."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import CLIPS, clip_track, needs_media, run_cli
from pose_media import transform_clip, write_h264, write_sine_audio
from upperback.analysis import AnalysisOptions, analyze
from upperback.errors import UpperbackError
from upperback.pose import decode
from upperback.pose.decode import probe_video
from upperback.pose.npz import load_track
from upperback.pose.pipeline import extract_pose


def _error(path, **kwargs) -> str:
    with pytest.raises(UpperbackError) as info:
        extract_pose(path, **kwargs)
    message = str(info.value)
    assert path.name in message
    return message


# --- files that are not videos ----------------------------------------------------------------


def test_missing_file(tmp_path):
    assert "no such file" in _error(tmp_path / "nowhere.mp4")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    message = _error(path)
    assert "empty" in message and "0 bytes" in message


def test_text_file_named_mp4(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("Monday: rows 3x10, reverse fly 3x12\n" * 20)
    message = _error(path)
    assert "not a video file" in message and "MP4" in message


@needs_media
@pytest.mark.parametrize("name", ["farmers_carry_front_back.mp4", "row_one_arm_chair_lowres.mp4"])
def test_first_2kb_of_a_real_clip(tmp_path, name):
    path = tmp_path / name
    path.write_bytes((CLIPS / name).read_bytes()[:2048])
    message = _error(path)
    assert any(words in message for words in ("not a video file", "damaged", "no frames")), message


@needs_media
def test_clip_cut_in_half_warns_that_it_is_cut_short(tmp_path):
    source = CLIPS / "row_one_arm_chair_lowres.mp4"
    path = tmp_path / "half.mp4"
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    track = extract_pose(path, rate_hz=2.0, workers=1)
    assert track.source.duration_s == pytest.approx(12.3, abs=0.1)  # the header is intact
    assert track.times_s[-1] < track.source.duration_s - 1.0
    assert any("cut short" in w for w in track.warnings), track.warnings


@needs_media
def test_clip_cut_after_its_first_frames_says_it_is_cut_short_not_too_short(tmp_path):
    """A copy that stopped early holds a fraction of a second: the error says the file is
    incomplete, not that the set was filmed too briefly."""
    source = CLIPS / "cat_cow_home_side.mp4"
    path = tmp_path / "unfinished copy.mp4"
    path.write_bytes(source.read_bytes()[:100_000])
    with pytest.raises(UpperbackError) as raised:
        analyze(path, "cat-cow", AnalysisOptions(workers=1))
    message = " ".join(str(raised.value).split())
    assert "seems cut short" in message and "should last 6.2 s" in message and "too short" not in message


@pytest.mark.parametrize("name, codec", [("tone.m4a", "aac"), ("tone.mp4", "aac"), ("tone.wav", "pcm_s16le")])
def test_audio_only_file(tmp_path, name, codec):
    path = write_sine_audio(tmp_path / name, codec)
    message = _error(path)
    assert "no video track" in message and "audio" in message


def test_grey_video_has_no_person(tmp_path):
    grey = np.full((240, 320, 3), 128, np.uint8)
    path = write_h264(tmp_path / "grey.mp4", [grey] * 50, rate=25)
    assert probe_video(path).duration_s == pytest.approx(2.0, abs=0.1)
    message = _error(path)
    assert "no person was found" in message and "whole body" in message


# --- size limits --------------------------------------------------------------------------------


@pytest.fixture
def small_clip(tmp_path):
    rng = np.random.default_rng(0)
    pictures = [rng.integers(0, 255, (64, 96, 3), np.uint8) for _ in range(10)]
    return write_h264(tmp_path / "small.mp4", pictures, rate=10)


def test_too_many_pixels(monkeypatch, small_clip):
    probe_video(small_clip)  # fine as it is
    monkeypatch.setattr(decode, "MAX_PIXELS", 64 * 96 - 1)
    message = _error(small_clip)
    assert "96x64 pixels is larger" in message and "1080p" in message


def test_too_many_bytes(monkeypatch, small_clip):
    monkeypatch.setattr(decode, "MAX_FILE_BYTES", small_clip.stat().st_size - 1)
    message = _error(small_clip)
    assert "too large" in message and "Trim" in message


def test_too_long(monkeypatch, small_clip):
    monkeypatch.setattr(decode, "MAX_DURATION_S", 0.5)
    message = _error(small_clip)
    assert "minutes" in message and "Trim" in message


# --- people partly out of frame -----------------------------------------------------------------


@needs_media
def test_upper_body_only_warns_about_the_missing_legs(tmp_path):
    source = CLIPS / "farmers_carry_front_back.mp4"
    # While the lifter walks up close (5-9 s), keep only the top 55 % of the picture: head,
    # shoulders and chest stay in, knees and ankles are cut off.
    keep = int(676 * 0.55) // 2 * 2
    path = transform_clip(source, tmp_path / "upper.mp4", lambda rgb: rgb[:keep], start_s=5.0, end_s=9.0)
    track = extract_pose(path)
    assert (track.source.width, track.source.height) == (1280, keep)
    assert track.detected_fraction > 0.5
    [framing] = [w for w in track.warnings if "out of frame" in w]
    parts = framing[framing.index("(") + 1 : framing.index(")")].split(", ")
    assert {"knees", "ankles"} <= set(parts)
    assert "head" not in parts and "shoulders" not in parts
    assert "three metres" in framing
    # The whole clip, legs in the picture, has no such warning.
    assert not any("out of frame" in w for w in clip_track(source.name).warnings)


# --- the command line -----------------------------------------------------------------------------


def test_cli_missing_video_prints_an_error_without_traceback(capsys, tmp_path):
    out = tmp_path / "track.npz"
    code, stdout, stderr = run_cli(capsys, "pose", str(tmp_path / "nowhere.mp4"), "-o", str(out))
    assert code == 1
    assert "Error:" in stderr and "no such file" in stderr
    assert "Traceback" not in stdout + stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_cli_text_file_named_mp4(capsys, tmp_path):
    video = tmp_path / "notes.mp4"
    video.write_text("not a video\n")
    out = tmp_path / "track.npz"
    code, stdout, stderr = run_cli(capsys, "pose", str(video), "-o", str(out))
    assert code == 1 and "Error:" in stderr and "not a video file" in stderr
    assert "Traceback" not in stdout + stderr
    assert not out.exists()


@needs_media
def test_cli_pose_writes_a_track_that_loads(capsys, tmp_path):
    out = tmp_path / "sub" / "cat_cow.npz"
    code, stdout, stderr = run_cli(
        capsys, "pose", str(CLIPS / "cat_cow_home_side.mp4"), "-o", str(out), "--rate", "5", "--workers", "1"
    )
    assert code == 0, stderr
    assert "Saved" in stdout and "Error" not in stderr
    track = load_track(out)
    assert track.source.name == "cat_cow_home_side.mp4"
    assert track.analysis_rate_hz == 5.0
    assert abs(len(track) - track.source.duration_s * 5) <= 1.5
    assert f"Saved {len(track)} frames" in stdout
    assert track.detected_fraction > 0.8
    assert sorted(p.name for p in out.parent.iterdir()) == ["cat_cow.npz"]
