"""Decode video with PyAV: upright frames on square pixels, real timestamps, sampled at an
analysis rate.

Every user-caused problem (missing file, not a video, audio only, no frames, absurd size)
raises :class:`~upperback.errors.UpperbackError` with what to do about it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import numpy as np
from numpy.typing import NDArray

from upperback.errors import UpperbackError
from upperback.pose.track import SourceInfo

MAX_FILE_BYTES = 4 * 1024**3
MAX_PIXELS = 4096 * 4096
MAX_DURATION_S = 2 * 60 * 60
SUPPORTED_HINT = "Record with your phone or webcam and save as MP4, MOV, WEBM or MKV."


@dataclass(frozen=True)
class Frame:
    """One decoded picture, rotated upright, as RGB uint8 (H, W, 3)."""

    time_s: float
    index: int
    rgb: NDArray[np.uint8]


def probe_video(path: str | os.PathLike[str]) -> SourceInfo:
    """Check that ``path`` is a usable video and describe it."""
    path = Path(path)
    if not path.is_file():
        raise UpperbackError(f"{path}: no such file.")
    size = path.stat().st_size
    if size == 0:
        raise UpperbackError(f"{path}: the file is empty (0 bytes). {SUPPORTED_HINT}")
    if size > MAX_FILE_BYTES:
        raise UpperbackError(
            f"{path}: {size / 1024**3:.1f} GiB is too large (limit {MAX_FILE_BYTES // 1024**3} GiB). "
            "Trim the video to the sets you want checked."
        )
    with _open(path) as container:
        stream = _video_stream(path, container)
        width, height = stream.codec_context.width, stream.codec_context.height
        if width <= 0 or height <= 0:
            raise UpperbackError(f"{path}: the video track has no picture size; the file is damaged.")
        width = _square_width(stream) or width
        if width * height > MAX_PIXELS:
            raise UpperbackError(
                f"{path}: {width}x{height} pixels is larger than upperback handles (4096x4096). "
                "Record at 1080p or 720p; it is plenty for form checks."
            )
        fps = float(stream.average_rate or stream.guessed_rate or 0) or 30.0
        duration_s = _duration_s(container, stream)
        if duration_s > MAX_DURATION_S:
            raise UpperbackError(
                f"{path}: the video lasts {duration_s / 60:.0f} minutes (limit "
                f"{MAX_DURATION_S // 60} minutes). Trim it to the sets you want checked."
            )
        first = _first_frame(path, container, stream)
        rotation = _rotation_steps(first) * 90
        frames = stream.frames or round(duration_s * fps)
    if rotation % 180:
        width, height = height, width
    return SourceInfo(
        name=path.name,
        width=width,
        height=height,
        fps=fps,
        frames=int(frames),
        duration_s=duration_s,
        rotation_deg=rotation,
    )


def iter_frames(
    path: str | os.PathLike[str],
    rate_hz: float | None = None,
    start_s: float = 0.0,
    end_s: float = math.inf,
    threads: int = 0,
    turn: int = 0,
) -> Iterator[Frame]:
    """Yield upright RGB frames whose time lies in ``[start_s, end_s)``.

    Parameters
    ----------
    rate_hz
        Keep only the first frame in each ``1 / rate_hz`` time slot (``None``: every frame).
        Slots are fixed on the video's clock, so two calls over adjacent ranges together
        yield exactly the frames one call over the whole range would.
    threads
        Decoder threads (0 lets FFmpeg choose).
    turn
        Quarter turns counterclockwise applied after the rotation metadata: a picture stored on
        its side without metadata saying so (``SourceInfo.turned_deg``, :mod:`upperback.pose.orientation`).

    Notes
    -----
    Frames not kept are decoded (inter-coded video needs them) but never converted to RGB.
    A frame's index is its nominal position, ``round(time_s * fps)``.
    """
    with SampledFrames(path, rate_hz, threads, turn) as reader:
        yield from reader.frames(start_s, end_s)


class SampledFrames:
    """One open video read range by range (see :func:`iter_frames`).

    A range that starts where the previous one ended goes on decoding without a seek, so a
    worker handed neighbouring chunks of a video decodes each frame once.
    """

    def __init__(
        self, path: str | os.PathLike[str], rate_hz: float | None = None, threads: int = 0, turn: int = 0
    ) -> None:
        self.path = Path(path)
        self.rate_hz = rate_hz
        self.turn = turn % 4
        self._container = _open(self.path)
        self._stream = _video_stream(self.path, self._container)
        self._stream.thread_type = "AUTO"
        self._stream.codec_context.thread_count = threads
        square_width = _square_width(self._stream)  # non-square pixels are stretched to square ones
        self._square = None if square_width is None else (square_width, self._stream.codec_context.height)
        self._time_base = _time_base(self.path, self._stream)
        self._fps = float(self._stream.average_rate or self._stream.guessed_rate or 0) or 30.0
        start = self._stream.start_time
        self._origin = float(start * self._time_base) if start is not None else 0.0
        self._decoded: Iterator[av.VideoFrame] | None = None
        self._nal_length_size = _avcc_nal_length_size(self._stream)
        self._pending: av.VideoFrame | None = None  # decoded past the end of the last range
        self._position_s = 0.0  # where the decoder stands: the end of the last range
        self._last_slot: float | None = None

    def frames(self, start_s: float = 0.0, end_s: float = math.inf) -> Iterator[Frame]:
        """Yield the sampled frames whose time lies in ``[start_s, end_s)``."""
        if self._decoded is None or start_s != self._position_s:
            self._seek(start_s)
        self._position_s = math.nan  # unknown until this range is read to its end
        time_s = start_s
        try:
            while True:
                frame = self._next_decoded()
                if frame is None:
                    break
                if frame.pts is None:  # no timestamp: it cannot be placed on the clock
                    continue
                time_s = float(frame.pts * self._time_base) - self._origin
                if time_s >= end_s:
                    self._pending = frame
                    break
                slot = _slot(time_s, self.rate_hz)
                keep = time_s >= start_s and slot != self._last_slot
                self._last_slot = slot
                if keep:
                    yield Frame(time_s, round(time_s * self._fps), _upright_rgb(frame, self.turn, self._square))
        except av.error.FFmpegError as exc:
            raise UpperbackError(
                f"{self.path}: the video is damaged at about {time_s:.1f} s ({exc.strerror or exc}). "
                "Re-export or re-record it."
            ) from exc
        self._position_s = end_s

    def _seek(self, start_s: float) -> None:
        if start_s > 0:
            self._container.seek(int((self._origin + start_s) / self._time_base), stream=self._stream, backward=True)
        elif self._decoded is not None:
            self._container.seek(int(self._origin / self._time_base), stream=self._stream, backward=True)
        self._decoded = self._decode()
        self._pending = None
        self._last_slot = None

    def _next_decoded(self) -> av.VideoFrame | None:
        if self._pending is not None:
            frame, self._pending = self._pending, None
            return frame
        assert self._decoded is not None
        for frame in self._decoded:
            if frame.pts is not None:
                return frame
        return None

    def _decode(self) -> Iterator[av.VideoFrame]:
        """Decoded frames in presentation order, without decoding frames nobody will use.

        A frame that no other frame refers to (an H.264 non-reference picture) and that lies
        in the same sampling slot as an earlier frame decoded since the seek is never kept, so
        its packet does not go to the decoder; everything else decodes, and the frames that
        come out are the ones a full decode gives, bit for bit. About half the frames of
        ordinary phone and camera videos are such pictures.
        """
        time_base = self._time_base
        first_pts: int | None = None  # the keyframe the decoder started from
        earliest_in_slot: dict[float, int] = {}  # slot -> earliest pts seen since the seek
        for packet in self._container.demux(self._stream):
            if packet.pts is not None and self.rate_hz:
                if first_pts is None:
                    first_pts = packet.pts
                time_s = float(packet.pts * time_base) - self._origin
                slot = _slot(time_s, self.rate_hz)
                earlier = earliest_in_slot.get(slot)
                if earlier is not None and earlier < packet.pts and _is_non_reference(packet, self._nal_length_size):
                    continue
                if packet.pts >= first_pts and (earlier is None or packet.pts < earlier):
                    earliest_in_slot[slot] = packet.pts
            yield from self._stream.codec_context.decode(packet)

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> SampledFrames:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _slot(time_s: float, rate_hz: float | None) -> float:
    if not rate_hz:
        return time_s
    return math.floor(time_s * rate_hz + 1e-6)


def _avcc_nal_length_size(stream: av.VideoStream) -> int | None:
    """Bytes of each NAL unit's length prefix in an H.264 stream stored the MP4 way (avcC),
    or None for other streams (their packets are all decoded)."""
    extradata = stream.codec_context.extradata
    if stream.codec_context.name != "h264" or not extradata or len(extradata) < 7 or extradata[0] != 1:
        return None
    return (extradata[4] & 3) + 1


def _is_non_reference(packet: av.Packet[av.VideoStream], length_size: int | None) -> bool:
    """Whether every picture slice in the packet has ``nal_ref_idc`` 0: no frame refers to it."""
    if length_size is None:
        return False
    data = bytes(packet)
    position, slices = 0, 0
    while position + length_size < len(data):
        length = int.from_bytes(data[position : position + length_size], "big")
        header = data[position + length_size]
        if header & 0x1F in (1, 5):  # a coded slice (IDR or not)
            if header & 0x60:
                return False
            slices += 1
        position += length_size + length
    return slices > 0 and position == len(data)


SAR_RANGE = (0.25, 4.0)
"""Pixel shapes (width / height of one stored pixel) believed; outside it the metadata is damage."""
SQUARE_WITHIN = 0.01
"""Pixels within 1 % of square are taken as square: that moves an angle by under 0.3 degrees, a
tenth of BlazePose's noise (one shared clip is stored with 628:629 pixels, a rounding)."""


def _square_width(stream: av.VideoStream) -> int | None:
    """The picture's width on square pixels when its stored pixels are not square (anamorphic
    video: 1440x1080 shown as 1920x1080), else None. Angles measured on stretched pixels are
    wrong: a 26 degree torso read 36 degrees on a 4:3-pixel copy of the gym clip."""
    shape = stream.sample_aspect_ratio
    if not shape or abs(float(shape) - 1) < SQUARE_WITHIN or not SAR_RANGE[0] <= float(shape) <= SAR_RANGE[1]:
        return None
    return round(stream.codec_context.width * float(shape))


def _upright_rgb(frame: av.VideoFrame, turn: int = 0, square: tuple[int, int] | None = None) -> NDArray[np.uint8]:
    if square is None:
        rgb = cast("NDArray[np.uint8]", frame.to_ndarray(format="rgb24"))  # rgb24: one byte a channel
    else:  # stretched to square pixels
        rgb = cast("NDArray[np.uint8]", frame.to_ndarray(format="rgb24", width=square[0], height=square[1]))
    steps = (_rotation_steps(frame) + turn) % 4
    return np.ascontiguousarray(np.rot90(rgb, steps)) if steps else rgb


def _rotation_steps(frame: av.VideoFrame) -> int:
    """Quarter turns counterclockwise that make the picture upright (display-matrix metadata)."""
    return round((frame.rotation or 0) / 90) % 4


def _time_base(path: Path, stream: av.VideoStream) -> Fraction:
    """The stream's clock: seconds per timestamp step."""
    if stream.time_base is None:
        raise UpperbackError(
            f"{path}: its video track has no timestamps, so its frames cannot be timed. {SUPPORTED_HINT}"
        )
    return stream.time_base


def _open(path: Path) -> av.container.InputContainer:
    try:
        return av.open(str(path), mode="r")
    except av.error.FFmpegError as exc:
        raise UpperbackError(
            f"{path}: not a video file upperback can read ({exc.strerror or exc}). {SUPPORTED_HINT}"
        ) from exc


def _video_stream(path: Path, container: av.container.InputContainer) -> av.VideoStream:
    if not container.streams.video:
        kinds: list[str] = sorted({s.type for s in container.streams}) or ["nothing"]
        raise UpperbackError(f"{path}: has no video track (it holds {', '.join(kinds)}). {SUPPORTED_HINT}")
    # FFmpeg's choice of the main picture: not a cover image stored as a video track of its own
    best = container.streams.best("video")
    return cast("av.VideoStream", best) if best is not None else container.streams.video[0]


def _duration_s(container: av.container.InputContainer, stream: av.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


def _first_frame(path: Path, container: av.container.InputContainer, stream: av.VideoStream) -> av.VideoFrame:
    try:
        for frame in container.decode(stream):
            return frame
    except av.error.FFmpegError as exc:
        raise UpperbackError(
            f"{path}: the video is damaged and no picture could be decoded ({exc.strerror or exc}). "
            "Re-export or re-record it."
        ) from exc
    raise UpperbackError(f"{path}: the video track holds no frames. {SUPPORTED_HINT}")
