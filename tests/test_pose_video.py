"""BlazePose tracks of the shared test clips: timing, landmark sanity, rotation, workers, rates."""

from __future__ import annotations

import multiprocessing
import subprocess
import threading
from functools import cache

import av
import numpy as np
import psutil
import pytest

from conftest import CLIPS, WILD_CLIPS, clip_manifest, clip_track, needs_media, needs_wild_media
from pose_media import decoded_frame_count, read_rgb, remux_video, transform_clip
from upperback.pose.decode import SampledFrames, iter_frames, probe_video
from upperback.pose.landmarks import NUM_LANDMARKS, Landmark
from upperback.pose.picture_cuts import PictureCuts
from upperback.pose.pipeline import (
    CHUNK_S,
    DEFAULT_RATE_HZ,
    Cancelled,
    Segment,
    _ChunkQueue,
    extract_pose,
    split_chunks,
)
from upperback.pose.track import BACK_PROFILE, PICTURE_CUT

pytestmark = [needs_media, pytest.mark.media]

MANIFEST = clip_manifest()
CLIP_NAMES = [row["file"] for row in MANIFEST]
TORSO = (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
ARMS_AND_TORSO = (*TORSO, Landmark.LEFT_ELBOW, Landmark.RIGHT_ELBOW, Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST)


def _mid_y(track, left: Landmark, right: Landmark) -> np.ndarray:
    return (track.image[:, left, 1] + track.image[:, right, 1]) / 2


def _median_offset(a: np.ndarray, b: np.ndarray) -> float:
    """Median distance in pixels between two (T, 33, 3) image-landmark arrays, over torso and arms."""
    marks = list(ARMS_AND_TORSO)
    return float(np.nanmedian(np.linalg.norm(a[:, marks, :2] - b[:, marks, :2], axis=-1)))


# --- structure of the tracks -------------------------------------------------------------------


@pytest.mark.parametrize("name", CLIP_NAMES)
def test_every_manifest_clip_gives_a_regular_track_with_a_person(name):
    row = next(r for r in MANIFEST if r["file"] == name)
    track = clip_track(name)
    info = track.source
    n = len(track)

    assert info.name == name
    assert info.duration_s == pytest.approx(float(row["duration_s"]), abs=0.1)
    assert info.fps == pytest.approx(float(row["fps"]), abs=0.1)
    assert track.analysis_rate_hz == DEFAULT_RATE_HZ

    assert track.times_s.dtype == np.float64 and track.times_s.shape == (n,)
    assert track.image.dtype == np.float32 and track.image.shape == (n, NUM_LANDMARKS, 3)
    assert track.world.dtype == np.float32 and track.world.shape == (n, NUM_LANDMARKS, 3)
    assert track.visibility.dtype == np.float32 and track.visibility.shape == (n, NUM_LANDMARKS)
    assert track.frame_index.dtype == np.int64 and track.frame_index.shape == (n,)

    # One analysed frame per 1/10 s slot: the count matches the duration.
    assert abs(n - info.duration_s * DEFAULT_RATE_HZ) <= 1.5
    times = track.times_s
    assert times[0] == pytest.approx(0.0, abs=1 / info.fps)
    steps = np.diff(times)
    assert np.all(steps > 0)
    # Frames are picked on a fixed 10 Hz clock from the source's frames, so each step is
    # 1/rate give or take one source-frame period.
    assert np.all(np.abs(steps - 1 / DEFAULT_RATE_HZ) <= 1 / info.fps + 1e-6)
    assert times[-1] <= info.duration_s
    assert times[-1] >= info.duration_s - 1 / DEFAULT_RATE_HZ - 1 / info.fps
    np.testing.assert_array_equal(track.frame_index, np.round(times * info.fps).astype(np.int64))
    assert track.frame_index[-1] < info.frames

    assert track.detected_fraction > 0.8
    assert not any("cut short" in w for w in track.warnings), track.warnings
    found = track.detected
    assert np.isfinite(track.image[found]).all()
    assert np.isfinite(track.world[found]).all()
    vis = track.visibility[found]
    assert np.all((vis >= 0) & (vis <= 1))
    # Image landmarks of the torso lie in (or very near) the picture.
    torso = track.image[found][:, list(TORSO), :2]
    assert np.mean((torso[..., 0] > -0.05 * info.width) & (torso[..., 0] < 1.05 * info.width)) > 0.95
    assert np.mean((torso[..., 1] > -0.05 * info.height) & (torso[..., 1] < 1.05 * info.height)) > 0.95


def test_farmers_carry_body_is_stacked_top_to_bottom():
    track = clip_track("farmers_carry_front_back.mp4")
    found = track.detected
    shoulders = _mid_y(track, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)[found]
    hips = _mid_y(track, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)[found]
    knees = _mid_y(track, Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE)[found]
    ankles = _mid_y(track, Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE)[found]
    nose = track.image[found, Landmark.NOSE, 1]
    # Image y grows downward; the carry is upright (the kettlebell pick-up takes a moment).
    assert np.mean((shoulders < hips) & (hips < knees) & (knees < ankles)) > 0.9
    assert np.mean(nose < shoulders) > 0.85


def test_farmers_carry_left_and_right_follow_the_turn():
    track = clip_track("farmers_carry_front_back.mp4")
    times = track.times_s
    found = track.detected
    dx = track.image[:, Landmark.LEFT_SHOULDER, 0] - track.image[:, Landmark.RIGHT_SHOULDER, 0]
    facing = found & (times < 4.0)
    away = found & (times > track.source.duration_s - 4.0)
    # Walking towards the camera the person's left shoulder is on the picture's right ...
    assert facing.sum() >= 30 and np.mean(dx[facing] > 0) > 0.9
    # ... and walking away (back to the camera) on the picture's left.
    assert away.sum() >= 30 and np.mean(dx[away] < 0) > 0.9
    # Left and right are not swapped from frame to frame: the sign flips only at the turn.
    signs = np.sign(dx[found])
    assert np.count_nonzero(np.diff(signs)) <= 3


def test_world_landmarks_are_in_metres_around_the_hips():
    track = clip_track("farmers_carry_front_back.mp4")
    world = track.world[track.detected]
    shoulder_width = np.linalg.norm(world[:, Landmark.LEFT_SHOULDER] - world[:, Landmark.RIGHT_SHOULDER], axis=1)
    assert 0.2 < np.median(shoulder_width) < 0.6
    assert np.mean((shoulder_width > 0.2) & (shoulder_width < 0.6)) > 0.9
    mid_shoulder = (world[:, Landmark.LEFT_SHOULDER] + world[:, Landmark.RIGHT_SHOULDER]) / 2
    mid_hip = (world[:, Landmark.LEFT_HIP] + world[:, Landmark.RIGHT_HIP]) / 2
    # Origin between the hips; a torso half a metre or so long.
    assert np.median(np.linalg.norm(mid_hip, axis=1)) < 0.05
    assert 0.3 < np.median(np.linalg.norm(mid_shoulder - mid_hip, axis=1)) < 0.8


# --- rotation metadata ------------------------------------------------------------------------


def test_rotation_metadata_is_applied(tmp_path):
    source = CLIPS / "row_dumbbell_gym_side.mp4"
    rotated = transform_clip(source, tmp_path / "rotated.mp4", lambda rgb: np.rot90(rgb, -1), end_s=3.0, rotation=90)

    # The file really is stored sideways with a display matrix that turns it back upright:
    # the stored picture rotated counter-clockwise by frame.rotation is the original.
    original, _ = read_rgb(source, end_s=0.01)
    with av.open(str(rotated)) as container:
        stored = next(container.decode(video=0))
        assert (stored.width, stored.height) == (720, 1280)
        assert stored.rotation == 90
        restored = np.rot90(stored.to_ndarray(format="rgb24"), stored.rotation // 90)
    assert restored.shape == original[0].shape
    assert np.abs(restored.astype(int) - original[0]).mean() < 6

    frame = next(iter_frames(rotated))
    assert frame.rgb.shape == (720, 1280, 3)

    track = extract_pose(rotated)
    assert (track.source.width, track.source.height) == (1280, 720)
    assert track.source.rotation_deg % 180 == 90
    assert track.detected_fraction > 0.8

    reference = clip_track("row_dumbbell_gym_side.mp4")
    n = len(track)
    assert n >= 25
    np.testing.assert_allclose(track.times_s, reference.times_s[:n], atol=1e-3)
    assert _median_offset(track.image, reference.image[:n]) < 0.05 * 1280
    # Without applying the rotation the landmarks could not match: the picture would be
    # 720 wide and the person lying on their side.
    assert np.all(track.image[track.detected][:, list(TORSO), 0] < 1280 * 1.05)


def test_portrait_remux_without_rotation_is_read_as_stored(tmp_path):
    source = CLIPS / "row_one_arm_chair_lowres.mp4"
    copy = remux_video(source, tmp_path / "portrait.mp4")
    info = probe_video(copy)
    assert (info.width, info.height, info.rotation_deg) == (202, 360, 0)
    assert next(iter_frames(copy)).rgb.shape == (360, 202, 3)

    track = extract_pose(copy)
    reference = clip_track("row_one_arm_chair_lowres.mp4")
    assert (track.source.width, track.source.height) == (202, 360)
    np.testing.assert_array_equal(track.times_s, reference.times_s)
    np.testing.assert_array_equal(track.frame_index, reference.frame_index)
    # Same packets, same pictures: the same landmarks.
    assert _median_offset(track.image, reference.image) < 0.01 * 202
    # Upright: the feet are below the head.
    found = track.detected
    assert np.mean(track.image[found, Landmark.LEFT_ANKLE, 1] > track.image[found, Landmark.NOSE, 1]) > 0.9


# --- workers, rates, progress, cancelling ---------------------------------------------------------


@cache
def _underhand(rate_hz: float, workers: int):
    return extract_pose(CLIPS / "row_dumbbell_underhand_home.mp4", rate_hz=rate_hz, workers=workers)


def test_parallel_workers_give_the_same_track_as_one():
    one = _underhand(5.0, 1)
    two = _underhand(5.0, 2)
    np.testing.assert_array_equal(one.times_s, two.times_s)
    np.testing.assert_array_equal(one.frame_index, two.frame_index)
    assert one.source == two.source
    assert abs(one.detected_fraction - two.detected_fraction) < 0.05
    # Tracking restarts where the second run starts, so the landmarks are close rather than
    # identical; the second run (from a fresh BlazePose in a worker process) must agree as well.
    second = one.times_s >= one.source.duration_s / 2 - 0.2
    assert second.sum() > len(one) / 3
    assert _median_offset(one.image[second], two.image[second]) < 0.02 * one.source.width
    assert _median_offset(one.image, two.image) < 0.02 * one.source.width
    # Before the cut, both went through the same frames with the same tracker history.
    first = one.times_s < CHUNK_S
    np.testing.assert_array_equal(one.image[first], two.image[first])
    np.testing.assert_array_equal(one.extras[BACK_PROFILE][first], two.extras[BACK_PROFILE][first])
    np.testing.assert_array_equal(one.extras[PICTURE_CUT], two.extras[PICTURE_CUT])
    assert no_worker_left()


@needs_media
@needs_wild_media
def test_the_one_hard_cut_in_the_shared_clips_pictures_is_the_seated_flys():
    """Fades to black, the renders' changes of light, brisk moves and walks are not cuts; the
    seated fly's cut from its side shot to its front shot is."""
    found = {}
    for folder in (CLIPS, WILD_CLIPS):
        for row in clip_manifest(folder):
            track = clip_track(row["file"], folder)
            found[row["file"]] = [round(float(t), 1) for t in track.times_s[track.extras[PICTURE_CUT] > 0.5]]
    assert len(found) == 18
    assert found.pop("reverse_fly_seated_cut.mp4") == [6.9]
    assert not any(found.values())


@needs_media
def test_a_camera_panning_fast_across_a_busy_gym_is_not_a_cut(tmp_path):
    """A 60 % crop of the gym clip swinging across the picture and back, at up to 2.6 crop
    widths a second: every frame's picture moves, none of them is a cut."""
    panned = tmp_path / "panned.mp4"
    swing = "crop=iw*0.6:ih*0.6:iw*0.4*abs(sin(t*1.25*PI)):ih*0.2"
    command = ["ffmpeg", "-loglevel", "error", "-i", str(CLIPS / "row_dumbbell_gym_side.mp4"), "-t", "4"]
    subprocess.run([*command, "-vf", swing, "-c:v", "libx264", "-preset", "veryfast", str(panned)], check=True)
    cuts = PictureCuts()
    with SampledFrames(panned, DEFAULT_RATE_HZ) as frames:
        assert not any(cuts.is_cut(frame.rgb) for frame in frames.frames())


def no_worker_left() -> bool:
    """No multiprocessing child and no pose worker process (other tests' helpers, such as
    multiprocessing's resource tracker, may live on)."""

    def is_pose_worker(process: psutil.Process) -> bool:
        try:
            return "upperback.pose.worker" in " ".join(process.cmdline())
        except psutil.NoSuchProcess:
            return False

    return not multiprocessing.active_children() and not any(map(is_pose_worker, psutil.Process().children()))


def test_runs_and_chunks_are_cut_on_the_sampling_clock_and_cover_the_video():
    runs = split_chunks(34.3, 10.0, runs=2)
    assert len(runs) == 2
    assert runs[0][-1].end_s == runs[1][0].start_s == 17.1  # the cut one pass per core would make
    chunks = [chunk for run in runs for chunk in run]
    assert chunks[0].start_s == 0 and chunks[-1].end_s == float("inf")
    for before, after in zip(chunks, chunks[1:]):
        assert before.end_s == after.start_s
        assert after.start_s * 10 == pytest.approx(round(after.start_s * 10))
        assert 0.5 * CHUNK_S <= after.start_s - before.start_s <= 1.5 * CHUNK_S
    assert split_chunks(3.0, 10.0) == [[Segment(0.0, float("inf"))]]


def test_a_process_that_runs_out_takes_chunks_from_the_end_of_the_longest_run():
    queue = _ChunkQueue([4, 5])
    assert [queue.next_for(1) for _ in range(5)] == [4, 5, 6, 7, 8]  # its own run, in order
    assert queue.next_for(1) == 3  # then the other run's last chunk
    assert queue.next_for(1) == 2
    assert queue.next_for(0) == 0
    assert queue.next_for(1) is None  # one chunk left: not worth restarting tracking for
    assert [queue.next_for(0) for _ in range(2)] == [1, None]


def test_half_the_rate_gives_half_the_frames():
    ten = clip_track("row_dumbbell_underhand_home.mp4")
    five = _underhand(5.0, 2)
    assert five.analysis_rate_hz == 5.0
    assert abs(len(five) - len(ten) / 2) <= 1
    # The 5 Hz clock's slots start on the 10 Hz clock's every other slot: a subset of its frames.
    assert set(five.frame_index) <= set(ten.frame_index)
    assert np.all(np.abs(np.diff(five.times_s) - 0.2) <= 1 / five.source.fps + 1e-6)


def test_no_rate_analyses_every_frame():
    path = CLIPS / "cat_cow_home_side.mp4"
    track = extract_pose(path, rate_hz=None)
    assert track.analysis_rate_hz is None
    assert len(track) == decoded_frame_count(path)
    np.testing.assert_array_equal(track.frame_index, np.arange(len(track)))
    assert np.all(np.diff(track.times_s) == pytest.approx(1 / track.source.fps, abs=1e-3))
    assert track.detected_fraction > 0.8


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_rises_to_the_duration(workers):
    calls: list[tuple[float, float]] = []
    track = extract_pose(
        CLIPS / "row_dumbbell_gym_side.mp4",
        rate_hz=2.0,
        workers=workers,
        progress=lambda done, total: calls.append((done, total)),
    )
    duration = track.source.duration_s
    done = np.array([c[0] for c in calls])
    assert len(calls) >= 10
    assert {c[1] for c in calls} == {duration}
    assert np.all(np.diff(done) >= 0) and done[-1] > done[0]
    assert np.all((done >= 0) & (done <= duration))
    assert done[-1] == pytest.approx(duration, abs=0.01)
    assert no_worker_left()


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_before_start_raises_cancelled(workers):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled, match="nothing was saved"):
        extract_pose(CLIPS / "row_dumbbell_gym_side.mp4", workers=workers, cancel=cancel)
    assert no_worker_left()


def test_cancel_during_the_work_stops_early():
    cancel = threading.Event()
    seen: list[float] = []

    def progress(done: float, total: float) -> None:
        seen.append(done)
        if done >= 1.0:
            cancel.set()

    with pytest.raises(Cancelled):
        extract_pose(CLIPS / "row_dumbbell_gym_side.mp4", workers=1, progress=progress, cancel=cancel)
    assert 1.0 <= seen[-1] < 2.0


def test_reading_a_video_range_by_range_gives_the_frames_of_one_pass():
    path = CLIPS / "row_dumbbell_gym_side.mp4"
    whole = [(f.time_s, f.index) for f in iter_frames(path, 10.0)]
    with SampledFrames(path, 10.0) as reader:
        first = next(reader.frames(0.0, 3.0))  # a range left unfinished: the next one seeks
        pieces = [
            (f.time_s, f.index)
            for start, end in ((0.0, 4.2), (4.2, 9.0), (9.0, float("inf")))
            for f in reader.frames(start, end)
        ]
        again = [(f.time_s, f.index) for f in reader.frames(9.0, float("inf"))]  # seeks back
    assert (first.time_s, first.index) == whole[0]
    assert pieces == whole
    assert again == [row for row in whole if row[0] >= 9.0]
