"""Small video files made on the fly for the pose tests (in tmp_path, never in the repository)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def read_rgb(path: Path, start_s: float = 0.0, end_s: float = float("inf")) -> tuple[list[np.ndarray], Fraction]:
    """The stored (not rotated) RGB pictures of ``path`` whose time lies in ``[start_s, end_s)``."""
    pictures = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        rate = stream.average_rate
        for frame in container.decode(stream):
            if frame.time < start_s:
                continue
            if frame.time >= end_s:
                break
            pictures.append(frame.to_ndarray(format="rgb24"))
    return pictures, rate


def write_h264(path: Path, pictures: Iterable[np.ndarray], rate: Fraction | int, rotation: int | None = None) -> Path:
    """Encode RGB pictures (all the same even size) as H.264 yuv420p; ``rotation`` sets the
    display matrix (degrees counter-clockwise, as ``VideoFrame.rotation`` reads it back)."""
    pictures = iter(pictures)
    first = next(pictures)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=rate)
        stream.height, stream.width = first.shape[:2]
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "18"}
        if rotation is not None:
            stream.set_display_rotation(rotation)
        for picture in (first, *pictures):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(picture), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def remux_video(source: Path, path: Path) -> Path:
    """Copy the video packets of ``source`` into a new file, without re-encoding."""
    with av.open(str(source)) as src, av.open(str(path), "w") as dst:
        in_stream = src.streams.video[0]
        out_stream = dst.add_stream_from_template(in_stream)
        for packet in src.demux(in_stream):
            if packet.dts is None:
                continue
            packet.stream = out_stream
            dst.mux(packet)
    return path


def write_sine_audio(path: Path, codec: str, seconds: float = 1.0, sample_rate: int = 44100) -> Path:
    """An audio-only file holding a 440 Hz tone."""
    fmt = "fltp" if codec == "aac" else "s16"
    samples = np.sin(2 * np.pi * 440 * np.arange(int(seconds * sample_rate)) / sample_rate)
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=sample_rate)
        stream.layout = "mono"
        stream.format = fmt
        for start in range(0, len(samples), 1024):
            chunk = samples[start : start + 1024]
            data = chunk.astype(np.float32) if codec == "aac" else (chunk * 20000).astype(np.int16)
            frame = av.AudioFrame.from_ndarray(data[None], format=fmt, layout="mono")
            frame.sample_rate = sample_rate
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def decoded_frame_count(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def transform_clip(
    source: Path,
    path: Path,
    change: Callable[[np.ndarray], np.ndarray],
    start_s: float = 0.0,
    end_s: float = float("inf"),
    rotation: int | None = None,
) -> Path:
    """Re-encode a stretch of ``source`` with each picture passed through ``change``."""
    pictures, rate = read_rgb(source, start_s, end_s)
    return write_h264(path, (change(p) for p in pictures), rate, rotation)
