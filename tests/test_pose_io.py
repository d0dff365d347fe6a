"""Pose tracks on disk: the versioned .npz format and landmark CSV import."""

from __future__ import annotations

import csv
import dataclasses
import zipfile

import numpy as np
import pytest

from conftest import CLIPS, LUMBAR_CSV, WILD_CLIPS, clip_manifest, clip_track, needs_media, run_cli
from upperback.errors import UpperbackError
from upperback.form.rounded_back import load_rounded_back_model
from upperback.pose.aspect import PICTURE_SHAPES, picture_shape
from upperback.pose.csv_import import read_landmark_csv
from upperback.pose.landmarks import NUM_LANDMARKS, Landmark
from upperback.pose.npz import NPZ_SCHEMA_VERSION, load_track, save_track
from upperback.pose.track import PoseTrack, SourceInfo

needs_lumbar_csv = pytest.mark.skipif(not LUMBAR_CSV.is_file(), reason=f"test data not found at {LUMBAR_CSV}")

LUMBAR_MARKS = (
    Landmark.NOSE,
    Landmark.LEFT_SHOULDER,
    Landmark.RIGHT_SHOULDER,
    Landmark.LEFT_ELBOW,
    Landmark.RIGHT_ELBOW,
    Landmark.LEFT_WRIST,
    Landmark.RIGHT_WRIST,
    Landmark.LEFT_HIP,
    Landmark.RIGHT_HIP,
    Landmark.LEFT_KNEE,
    Landmark.RIGHT_KNEE,
    Landmark.LEFT_ANKLE,
    Landmark.RIGHT_ANKLE,
)


def make_track(rate_hz: float | None = 10.0, n: int = 40) -> PoseTrack:
    """A track with random landmarks, a gap with no person, extras and warnings."""
    rng = np.random.default_rng(7)
    times = np.arange(n) / 10.0
    image = rng.uniform(0, 1000, (n, NUM_LANDMARKS, 3)).astype(np.float32)
    world = rng.normal(0, 0.5, (n, NUM_LANDMARKS, 3)).astype(np.float32)
    visibility = rng.uniform(0, 1, (n, NUM_LANDMARKS)).astype(np.float32)
    gap = slice(10, 14)
    image[gap] = world[gap] = np.nan
    visibility[gap] = np.nan
    image[20, Landmark.LEFT_ANKLE] = np.nan  # one landmark missing in one frame
    source = SourceInfo(
        name="clip.mov", width=1920, height=1080, fps=29.97, frames=3 * n, duration_s=n / 10.0, rotation_deg=270
    )
    return PoseTrack(
        times_s=times,
        image=image,
        world=world,
        visibility=visibility,
        frame_index=np.round(times * 29.97).astype(np.int64),
        source=source,
        analysis_rate_hz=rate_hz,
        extras={"profile": rng.uniform(0, 1, (n, 16)).astype(np.float32), "phase": (np.arange(n) % 3).astype(np.int8)},
        warnings=("Parts of the body were out of frame (knees, ankles).", "ünïcode ✓"),
    )


def assert_same_track(a: PoseTrack, b: PoseTrack) -> None:
    for name in ("times_s", "image", "world", "visibility", "frame_index"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, name
        np.testing.assert_array_equal(x, y, err_msg=name)  # NaNs in the same places
    assert a.source == b.source
    assert a.analysis_rate_hz == b.analysis_rate_hz
    assert a.warnings == b.warnings
    assert a.extras.keys() == b.extras.keys()
    for name in a.extras:
        assert a.extras[name].dtype == b.extras[name].dtype
        np.testing.assert_array_equal(a.extras[name], b.extras[name])


# --- npz -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("rate_hz", [10.0, None])
def test_npz_round_trip_keeps_everything(tmp_path, rate_hz):
    track = make_track(rate_hz)
    assert not track.detected[10:14].any() and track.detected[:10].all()
    path = save_track(track, tmp_path / "nested" / "track.npz")
    assert path == tmp_path / "nested" / "track.npz" and path.is_file()
    loaded = load_track(path)
    assert_same_track(track, loaded)
    assert loaded.detected_fraction == track.detected_fraction
    assert np.isnan(loaded.image[20, Landmark.LEFT_ANKLE]).all()


def test_npz_round_trip_of_an_empty_track(tmp_path):
    source = SourceInfo(name="x.mp4", width=10, height=20, fps=30.0, frames=0, duration_s=0.0)
    track = PoseTrack.empty(source, rate_hz=5.0)
    assert_same_track(track, load_track(save_track(track, tmp_path / "empty.npz")))


def test_save_leaves_no_temporary_file(tmp_path):
    save_track(make_track(), tmp_path / "a.npz")
    save_track(make_track(None), tmp_path / "a.npz")  # overwrite
    assert [p.name for p in tmp_path.iterdir()] == ["a.npz"]
    assert load_track(tmp_path / "a.npz").analysis_rate_hz is None


def test_failed_save_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = save_track(make_track(), tmp_path / "a.npz")
    before = path.read_bytes()

    def broken_write(handle, **arrays):
        handle.write(b"PK half a file")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez_compressed", broken_write)
    with pytest.raises(OSError, match="disk full"):
        save_track(make_track(None), path)
    assert [p.name for p in tmp_path.iterdir()] == ["a.npz"]
    assert path.read_bytes() == before


def test_load_missing_file(tmp_path):
    with pytest.raises(UpperbackError, match="no such file"):
        load_track(tmp_path / "nothing.npz")


@pytest.mark.parametrize("content", [b"", b"this is not a zip archive\n", b"PK\x03\x04 broken"])
def test_load_a_file_that_is_not_npz(tmp_path, content):
    path = tmp_path / "track.npz"
    path.write_bytes(content)
    with pytest.raises(UpperbackError) as info:
        load_track(path)
    message = str(info.value)
    assert "not a readable upperback pose track" in message and "upperback pose" in message
    assert str(path) in message


def _rewrite_npz(path, **changes) -> None:
    with np.load(path, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    for key, value in changes.items():
        if value is None:
            del arrays[key]
        else:
            arrays[key] = value
    np.savez(path, **arrays)


def test_load_a_newer_schema_version(tmp_path):
    path = save_track(make_track(), tmp_path / "track.npz")
    _rewrite_npz(path, schema_version=np.array(NPZ_SCHEMA_VERSION + 1))
    with pytest.raises(UpperbackError) as info:
        load_track(path)
    message = str(info.value)
    assert f"version {NPZ_SCHEMA_VERSION + 1} is not supported" in message
    assert f"reads version {NPZ_SCHEMA_VERSION}" in message


def test_load_an_npz_that_is_not_a_track(tmp_path):
    path = tmp_path / "weights.npz"
    np.savez(path, w=np.zeros(3))
    with pytest.raises(UpperbackError, match="version None is not supported"):
        load_track(path)


def test_load_a_track_with_a_missing_array(tmp_path):
    path = save_track(make_track(), tmp_path / "track.npz")
    _rewrite_npz(path, world=None)
    with pytest.raises(UpperbackError, match="not a readable upperback pose track.*world"):
        load_track(path)


def test_load_a_track_with_inconsistent_shapes(tmp_path):
    path = save_track(make_track(), tmp_path / "track.npz")
    _rewrite_npz(path, visibility=np.zeros((3, NUM_LANDMARKS), np.float32))
    with pytest.raises(UpperbackError, match="visibility"):
        load_track(path)


def test_saved_file_is_a_plain_npz(tmp_path):
    path = save_track(make_track(), tmp_path / "track.npz")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    assert {"schema_version.npy", "times_s.npy", "image.npy", "extra__profile.npy"} <= names
    with np.load(path, allow_pickle=False) as data:  # readable without pickles
        assert int(data["schema_version"]) == NPZ_SCHEMA_VERSION


# --- the lumbar landmark CSV ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lumbar_rows() -> tuple[list[str], list[list[str]]]:
    if not LUMBAR_CSV.is_file():
        pytest.skip(f"test data not found at {LUMBAR_CSV}")
    with LUMBAR_CSV.open(newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


@needs_lumbar_csv
def test_lumbar_csv_imports_every_row(lumbar_rows):
    header, rows = lumbar_rows
    track = read_landmark_csv(LUMBAR_CSV, width=1920, height=1080)
    n = len(rows)
    assert len(track) == n
    assert track.image.shape == (n, NUM_LANDMARKS, 3)
    assert (track.source.width, track.source.height, track.source.frames) == (1920, 1080, n)
    assert track.source.name == LUMBAR_CSV.name
    np.testing.assert_array_equal(track.frame_index, np.arange(n))
    # No time column: times come from the row number at 30 fps.
    np.testing.assert_allclose(track.times_s, np.arange(n) / 30.0)
    assert track.source.duration_s == pytest.approx((n - 1) / 30.0)

    present = list(LUMBAR_MARKS)
    absent = [i for i in range(NUM_LANDMARKS) if i not in present]
    assert len(present) == 13 and len(absent) == 20
    assert np.isfinite(track.image[:, present]).all()
    assert np.isfinite(track.visibility[:, present]).all()
    assert np.isnan(track.image[:, absent]).all() and np.isnan(track.visibility[:, absent]).all()
    assert np.isnan(track.world).all()
    assert track.detected.all()

    # Normalised values are scaled: x and z by the width, y by the height; visibility as is.
    column = {name: i for i, name in enumerate(header)}
    raw = np.array(
        [[float(r[column[f"{lm.column}_{axis}"]]) for lm in present for axis in "xyzv"] for r in rows]
    ).reshape(n, len(present), 4)
    np.testing.assert_allclose(track.image[:, present, 0], raw[..., 0] * 1920, rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(track.image[:, present, 1], raw[..., 1] * 1080, rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(track.image[:, present, 2], raw[..., 2] * 1920, rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(track.visibility[:, present], raw[..., 3], rtol=1e-6)
    x = track.image[:, present, 0]
    assert x.max() > 2 and np.mean((x >= 0) & (x <= 1920)) > 0.95
    # The label column is no landmark and leaves no trace.
    assert header[0] == "label" and track.extras == {}


@needs_lumbar_csv
def test_lumbar_csv_without_a_size_takes_the_shape_its_bodies_point_to_and_says_so():
    """The grouped estimate the rounded-back model was trained under (many videos, grouped by
    set-up) and the file's own pooled estimate agree on the nearest picture shape."""
    track = read_landmark_csv(LUMBAR_CSV)
    model_aspect = load_rounded_back_model().aspect_ratio
    nearest = min(PICTURE_SHAPES.values(), key=lambda size: abs(np.log(model_aspect * size[1] / size[0])))
    assert (track.source.width, track.source.height) == nearest
    sized = read_landmark_csv(LUMBAR_CSV, width=nearest[0], height=nearest[1])
    np.testing.assert_array_equal(track.image, sized.image)
    assert sized.warnings == ()
    (warning,) = track.warnings
    assert "no picture size" in warning and "--width and --height" in warning


@needs_lumbar_csv
def test_cli_imports_the_lumbar_csv(capsys, tmp_path):
    out = tmp_path / "lumbar.npz"
    code, stdout, stderr = run_cli(
        capsys, "pose", str(LUMBAR_CSV), "--width", "1920", "--height", "1080", "-o", str(out)
    )
    assert code == 0, stderr
    track = load_track(out)
    assert_same_track(track, read_landmark_csv(LUMBAR_CSV, width=1920, height=1080))
    assert f"Saved {len(track)} frames" in stdout and "1920x1080" in stdout


@needs_lumbar_csv
def test_cli_csv_too_short_to_tell_its_shape_without_a_size_is_an_error(capsys, tmp_path):
    short = tmp_path / "short.csv"
    with LUMBAR_CSV.open() as source:
        short.write_text("".join(line for _, line in zip(range(11), source)))  # the header and 10 frames
    out = tmp_path / "short.npz"
    code, stdout, stderr = run_cli(capsys, "pose", str(short), "-o", str(out))
    assert code == 1
    assert "Error:" in stderr and "--width" in stderr and "Traceback" not in stdout + stderr
    assert not out.exists()


@needs_media
def test_normalised_video_tracks_get_their_pictures_shape():
    """Each shared clip's track, normalised as a landmark file would be: the shape read from
    the body is the video's own on most clips (12 of 15 on the tracks of 3 Dec)."""
    right, judged = 0, 0
    for folder in (CLIPS, WILD_CLIPS):
        for row in clip_manifest(folder):
            track = clip_track(row["file"], folder)
            width, height = track.source.width, track.source.height
            norm = track.image.astype(float) / np.array([width, height, width])
            shape = picture_shape(norm, track.visibility.astype(float))
            if shape is None:
                continue
            judged += 1
            true_aspect, (shape_width, shape_height) = width / height, shape[1]
            right += abs(np.log(true_aspect * shape_height / shape_width)) < 0.1
    assert judged >= 12 and right >= 0.75 * judged


# --- small handwritten CSVs ----------------------------------------------------------------------------


def write_csv(tmp_path, text: str, name: str = "marks.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


NORMALISED = """\
label,time_s,left_shoulder_x,left_shoulder_y,left_shoulder_z,left_shoulder_v,left_hip_x,left_hip_y
good,0.00,0.50,0.25,-0.1,0.9,0.52,0.60
good,0.04,0.51,0.26,-0.1,0.8,0.52,0.61
bad,0.10,0.52,0.27,-0.2,0.7,0.53,0.62
"""


def test_time_column_gives_the_times(tmp_path):
    track = read_landmark_csv(write_csv(tmp_path, NORMALISED), width=1000, height=500)
    np.testing.assert_allclose(track.times_s, [0.0, 0.04, 0.10])
    assert track.source.duration_s == pytest.approx(0.10)
    np.testing.assert_allclose(
        track.image[:, Landmark.LEFT_SHOULDER], [[500, 125, -100], [510, 130, -100], [520, 135, -200]], rtol=1e-5
    )
    np.testing.assert_allclose(track.visibility[:, Landmark.LEFT_SHOULDER], [0.9, 0.8, 0.7], rtol=1e-6)
    # The hip has no _z/_v columns: z is 0 and visibility 1.
    np.testing.assert_allclose(
        track.image[:, Landmark.LEFT_HIP], [[520, 300, 0], [520, 305, 0], [530, 310, 0]], rtol=1e-5
    )
    np.testing.assert_array_equal(track.visibility[:, Landmark.LEFT_HIP], [1, 1, 1])
    assert np.isnan(track.image[:, Landmark.RIGHT_HIP]).all()


def test_label_column_does_not_matter(tmp_path):
    with_label = read_landmark_csv(write_csv(tmp_path, NORMALISED, "a.csv"), width=1000, height=500)
    without = "\n".join(line.split(",", 1)[1] for line in NORMALISED.splitlines()) + "\n"
    plain = read_landmark_csv(write_csv(tmp_path, without, "b.csv"), width=1000, height=500)
    for name in ("times_s", "image", "visibility"):
        np.testing.assert_array_equal(getattr(with_label, name), getattr(plain, name))


def test_frame_column_is_divided_by_fps(tmp_path):
    text = "frame,nose_x,nose_y\n0,100,50\n5,110,52\n10,120,54\n"
    track = read_landmark_csv(write_csv(tmp_path, text), fps=25.0)
    np.testing.assert_allclose(track.times_s, [0.0, 0.2, 0.4])
    assert track.source.fps == 25.0


def test_pixel_coordinates_need_no_size(tmp_path):
    text = "nose_x,nose_y,left_wrist_x,left_wrist_y\n100,50,300,400\n110,,310,410\n"
    track = read_landmark_csv(write_csv(tmp_path, text))
    np.testing.assert_allclose(track.times_s, [0.0, 1 / 30])
    np.testing.assert_array_equal(track.image[0, Landmark.NOSE], [100, 50, 0])
    np.testing.assert_array_equal(track.image[:, Landmark.LEFT_WRIST, :2], [[300, 400], [310, 410]])
    # A blank cell is a missing value, never a zero.
    assert np.isnan(track.image[1, Landmark.NOSE, 1])
    np.testing.assert_array_equal(track.visibility[:, Landmark.LEFT_WRIST], [1, 1])
    assert track.source.width >= 310 and track.source.height >= 410


def test_non_numeric_cell_names_the_line(tmp_path):
    text = "nose_x,nose_y\n0.1,0.2\n0.1,0.2\n0.3,abc\n"
    with pytest.raises(UpperbackError) as info:
        read_landmark_csv(write_csv(tmp_path, text), width=100, height=100)
    message = str(info.value)
    assert "line 4" in message and "nose_y" in message and "abc" in message


def test_non_numeric_cell_after_a_blank_line_names_the_right_line(tmp_path):
    text = "nose_x,nose_y\n0.1,0.2\n\n0.3,abc\n"
    with pytest.raises(UpperbackError, match="line 4"):
        read_landmark_csv(write_csv(tmp_path, text), width=100, height=100)


def test_row_with_wrong_field_count_names_the_line(tmp_path):
    text = "nose_x,nose_y,nose_v\n0.1,0.2,1\n0.1,0.2\n"
    with pytest.raises(UpperbackError) as info:
        read_landmark_csv(write_csv(tmp_path, text), width=100, height=100)
    message = str(info.value)
    assert "line 3" in message and "2 values" in message and "3 columns" in message


def test_header_only_is_an_error(tmp_path):
    with pytest.raises(UpperbackError, match="no data rows"):
        read_landmark_csv(write_csv(tmp_path, "nose_x,nose_y\n"), width=100, height=100)


def test_empty_csv_is_an_error(tmp_path):
    with pytest.raises(UpperbackError, match="empty"):
        read_landmark_csv(write_csv(tmp_path, ""), width=100, height=100)


def test_landmark_without_y_is_an_error(tmp_path):
    text = "nose_x,nose_y,left_hip_x,left_hip_z\n0.1,0.2,0.3,0.0\n"
    with pytest.raises(UpperbackError) as info:
        read_landmark_csv(write_csv(tmp_path, text), width=100, height=100)
    assert "left_hip" in str(info.value) and "_x and _y" in str(info.value)


def test_csv_without_landmark_columns_is_an_error(tmp_path):
    text = "label,score\nok,1\n"
    with pytest.raises(UpperbackError, match="no landmark columns"):
        read_landmark_csv(write_csv(tmp_path, text), width=100, height=100)


def test_binary_file_named_csv_is_an_error(tmp_path):
    path = tmp_path / "marks.csv"
    path.write_bytes(b"\xff\xfe\x00\x81binary")
    with pytest.raises(UpperbackError, match="not a text CSV"):
        read_landmark_csv(path)


def test_width_without_height_is_an_error(tmp_path):
    with pytest.raises(UpperbackError, match="both --width and --height"):
        read_landmark_csv(write_csv(tmp_path, NORMALISED), width=1000)


def test_csv_track_round_trips_through_npz(tmp_path):
    track = read_landmark_csv(write_csv(tmp_path, NORMALISED), width=1000, height=500)
    track = dataclasses.replace(track, warnings=("from a CSV",))
    assert_same_track(track, load_track(save_track(track, tmp_path / "t.npz")))


def test_cli_imports_a_small_csv(capsys, tmp_path):
    path = write_csv(tmp_path, NORMALISED)
    out = tmp_path / "marks.npz"
    code, stdout, stderr = run_cli(capsys, "pose", str(path), "--width", "1920", "--height", "1080", "-o", str(out))
    assert code == 0, stderr
    track = load_track(out)
    assert len(track) == 3 and (track.source.width, track.source.height) == (1920, 1080)
    assert track.image[0, Landmark.LEFT_SHOULDER, 0] == pytest.approx(960)
