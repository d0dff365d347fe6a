"""Sampled decoding leaves out only frames nobody uses: the frames kept are a full decode's, bit for bit."""

from __future__ import annotations

import hashlib
import math
import subprocess
from fractions import Fraction

import av
import numpy as np
import pytest

from conftest import CLIPS, WILD_CLIPS, clip_manifest, needs_media
from upperback.pose.decode import SampledFrames, _avcc_nal_length_size, _is_non_reference, _slot, probe_video

pytestmark = [needs_media, pytest.mark.media]

MAX_CLIP_S = 16.0
"""Clips up to this long are compared frame by frame: 14 of the 18, every encoder, frame rate, size
and cut among them; the four longer ones add minutes of decoding and nothing new to check."""
SHORT_CLIPS = sorted(
    folder / row["file"]
    for folder in (CLIPS, WILD_CLIPS)
    for row in clip_manifest(folder)
    if float(row["duration_s"]) <= MAX_CLIP_S
)


def full_decode(path, rate_hz):
    """(time, rgb digest) of the first frame of each sampling slot, every packet decoded (PyAV alone)."""
    kept, last_slot = [], None
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        origin = float(stream.start_time * stream.time_base) if stream.start_time is not None else 0.0
        for frame in container.decode(stream):
            if frame.pts is None:
                continue
            time_s = float(frame.pts * stream.time_base) - origin
            slot = _slot(time_s, rate_hz)
            if slot != last_slot:
                rgb = frame.to_ndarray(format="rgb24")
                kept.append((time_s, hashlib.sha1(rgb.tobytes()).hexdigest()))
            last_slot = slot
    return kept


def digests(frames):
    return [(f.time_s, hashlib.sha1(f.rgb.tobytes()).hexdigest()) for f in frames]


@pytest.mark.parametrize("path", SHORT_CLIPS, ids=lambda p: p.name)
def test_sampled_frames_are_those_of_a_full_decode(path):
    """Every short shared clip (most hold H.264 non-reference pictures, which sampling skips) at 10 Hz
    gives exactly a full decode's frames, read chunk by chunk: short chunks from the start, each
    continuing where the last stopped, then one long read to the end (as ``iter_frames`` reads)."""
    if path.name.startswith("row_dumbbell_six_frames"):
        rate = 2.0  # 3.3 fps: sample below it so that frames are left out
    else:
        rate = 10.0
    with SampledFrames(path, rate) as reader:
        cuts = [0.0, 1.2, 2.0, 5.5, math.inf]
        chunked = [f for a, b in zip(cuts, cuts[1:]) for f in reader.frames(a, b)]
    assert digests(chunked) == full_decode(path, rate)


def test_non_reference_pictures_are_found_in_a_phone_style_h264_clip():
    """The underhand-row clip (x264, B-frames) holds 509 non-reference pictures among its 1028
    (counted with FFmpeg's own parser: ``nal_ref_idc`` 0); the reader recognises them."""
    path = CLIPS / "row_dumbbell_underhand_home.mp4"
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        size = _avcc_nal_length_size(stream)
        flags = [_is_non_reference(p, size) for p in container.demux(stream) if p.size]
    assert size == 4
    assert len(flags) == 1028 and sum(flags) == 509


def test_a_video_with_non_square_pixels_is_read_on_square_ones(tmp_path):
    """An anamorphic copy of the gym clip (960x720 stored, 4:3 pixels, shown 1280x720) is read at
    the size it is shown, its pictures those of the clip: angles are measured on square pixels."""
    source = CLIPS / "row_dumbbell_gym_side.mp4"
    copy = tmp_path / "anamorphic.mp4"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(source), "-t", "1", "-vf", "scale=960:720,setsar=4/3", str(copy)],
        check=True,
    )
    with av.open(str(copy)) as container:
        assert container.streams.video[0].sample_aspect_ratio == Fraction(4, 3)
    info = probe_video(copy)
    assert (info.width, info.height) == (1280, 720) == (probe_video(source).width, probe_video(source).height)
    stretched, original = (
        next(iter(SampledFrames(copy, 10.0).frames())),
        next(iter(SampledFrames(source, 10.0).frames())),
    )
    assert stretched.rgb.shape == original.rgb.shape == (720, 1280, 3)
    assert np.abs(stretched.rgb.astype(int) - original.rgb).mean() < 6  # re-encoded: close, not equal


def test_a_cover_image_stored_as_the_first_video_track_is_not_taken_for_the_video(tmp_path):
    """A cover picture muxed into Matroska becomes a video track of its own, here the first: the
    clip's track is read (FFmpeg's choice of the main picture), not the one-frame cover."""
    source = CLIPS / "cat_cow_home_side.mp4"
    cover, covered = tmp_path / "cover.png", tmp_path / "covered.mkv"
    ffmpeg = ["ffmpeg", "-loglevel", "error"]
    subprocess.run(
        [*ffmpeg, "-f", "lavfi", "-i", "color=c=red:s=320x240:d=1", "-frames:v", "1", str(cover)], check=True
    )
    subprocess.run(
        [*ffmpeg, "-i", str(cover), "-i", str(source), "-map", "0", "-map", "1:v", "-c:v:0", "mjpeg"]
        + ["-disposition:v:0", "attached_pic", "-c:v:1", "copy", "-an", str(covered)],
        check=True,
    )
    with av.open(str(covered)) as container:
        assert [s.codec_context.name for s in container.streams.video] == ["mjpeg", "h264"]
    size = (probe_video(source).width, probe_video(source).height)
    assert (probe_video(covered).width, probe_video(covered).height) == size
    with SampledFrames(covered, 10.0) as read, SampledFrames(source, 10.0) as original:
        got, expected = digests(read.frames(0.0, 1.0)), digests(original.frames(0.0, 1.0))
    assert [picture for _, picture in got] == [picture for _, picture in expected]  # the same pictures
    np.testing.assert_allclose([t for t, _ in got], [t for t, _ in expected], atol=1e-3)  # Matroska keeps ms
