"""``PoseTrack``: the per-frame landmarks of one video, the input to all form analysis."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from upperback.pose.landmarks import NUM_LANDMARKS, Landmark


@dataclass(frozen=True)
class SourceInfo:
    """What is known of the video (or landmark file) the track came from.

    ``width`` and ``height`` are those of the upright picture, after rotation metadata is applied
    and after ``turned_deg``: the quarter turns (counterclockwise) upperback added itself to a
    picture stored on its side with no metadata saying so (:mod:`upperback.pose.orientation`).
    """

    name: str
    width: int
    height: int
    fps: float
    frames: int
    duration_s: float
    rotation_deg: int = 0
    turned_deg: int = 0

    @property
    def turn(self) -> int:
        """``turned_deg`` in quarter turns, as the frame readers take it (``iter_frames(turn=...)``)."""
        return self.turned_deg // 90 % 4

    def turned(self, turn: int) -> SourceInfo:
        """The same video read ``turn`` more quarter turns counterclockwise."""
        width, height = (self.height, self.width) if turn % 2 else (self.width, self.height)
        return dataclasses.replace(self, width=width, height=height, turned_deg=(self.turned_deg + 90 * turn) % 360)


BACK_PROFILE = "back_profile"
"""Key in ``PoseTrack.extras`` of the per-frame back outline (:mod:`upperback.pose.outline`)."""
PICTURE_CUT = "picture_cut"
"""Key in ``PoseTrack.extras`` of 1.0 on each frame whose picture is a hard cut from the frame
before (:mod:`upperback.pose.picture_cuts`), 0.0 elsewhere."""


@dataclass(frozen=True)
class PoseTrack:
    """Landmarks of one person over time.

    Attributes
    ----------
    times_s : (T,) float64
        Presentation time of each analysed frame, in seconds from the start of the video.
    image : (T, 33, 3) float32
        Image landmarks: x and y in pixels of the upright picture, z in the same pixel scale
        (depth relative to the hips, smaller is nearer the camera).
    world : (T, 33, 3) float32
        World landmarks in metres, origin between the hips (BlazePose's ``pose_world_landmarks``).
    visibility : (T, 33) float32
        Likelihood, 0 to 1, that each landmark is visible.
    frame_index : (T,) int64
        Index of each analysed frame in the source's sequence of frames.
    source : SourceInfo
    analysis_rate_hz : float or None
        The rate frames were sampled at; ``None`` means every frame.
    extras : dict of str to ndarray
        Further per-frame signals with first dimension T (e.g. a body-outline profile).
    warnings : tuple of str
        Problems found while making the track that the user should hear about.

    Notes
    -----
    A frame in which no person was found keeps its place in the track with NaN landmarks,
    so times stay regular and gaps are visible to the analysis.
    """

    # The landmark arrays hold float32 (see above). They are typed as floating of any precision
    # because the kinematics functions that read them take float64 arrays (``FloatArray``) and
    # NumPy's dtypes are invariant in the stubs.
    times_s: npt.NDArray[np.float64]
    image: npt.NDArray[np.floating[Any]]
    world: npt.NDArray[np.floating[Any]]
    visibility: npt.NDArray[np.floating[Any]]
    frame_index: npt.NDArray[np.int64]
    source: SourceInfo
    analysis_rate_hz: float | None = None
    extras: dict[str, npt.NDArray[np.float32]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        n = len(self.times_s)
        expected = {
            "image": (n, NUM_LANDMARKS, 3),
            "world": (n, NUM_LANDMARKS, 3),
            "visibility": (n, NUM_LANDMARKS),
            "frame_index": (n,),
        }
        for name, shape in expected.items():
            actual = getattr(self, name).shape
            if actual != shape:
                raise ValueError(f"PoseTrack.{name} has shape {actual}, expected {shape}")
        for name, values in self.extras.items():
            if len(values) != n:
                raise ValueError(f"PoseTrack.extras['{name}'] has {len(values)} rows, expected {n}")

    def __len__(self) -> int:
        return len(self.times_s)

    @property
    def detected(self) -> npt.NDArray[np.bool_]:
        """(T,) bool: whether a person was found in each frame."""
        found: npt.NDArray[np.bool_] = ~np.isnan(self.image[:, Landmark.LEFT_HIP, 0])
        return found

    @property
    def detected_fraction(self) -> float:
        return float(self.detected.mean()) if len(self) else 0.0

    def frames(self, start: int, stop: int) -> PoseTrack:
        """Frames ``start`` to ``stop`` (exclusive) as a track of their own."""
        pick = slice(start, stop)
        return dataclasses.replace(
            self,
            times_s=self.times_s[pick],
            image=self.image[pick],
            world=self.world[pick],
            visibility=self.visibility[pick],
            frame_index=self.frame_index[pick],
            extras={name: values[pick] for name, values in self.extras.items()},
        )

    def point(self, landmark: Landmark, world: bool = False) -> npt.NDArray[np.floating[Any]]:
        """(T, 3) coordinates of one landmark."""
        return (self.world if world else self.image)[:, landmark]

    @classmethod
    def empty(cls, source: SourceInfo, rate_hz: float | None = None) -> PoseTrack:
        return cls.from_frames([], source, rate_hz)

    @classmethod
    def from_frames(cls, frames: list[tuple[Any, ...]], source: SourceInfo, rate_hz: float | None = None) -> PoseTrack:
        """Assemble a track from ``(time_s, frame_index, image, world, visibility[, back_profile[,
        picture_cut]])`` rows; ``None`` arrays mean no person in that frame. Back profiles (see
        :mod:`upperback.pose.outline`) go into ``extras["back_profile"]``, picture cuts into
        ``extras["picture_cut"]``."""
        n = len(frames)
        image = np.full((n, NUM_LANDMARKS, 3), np.nan, np.float32)
        world = np.full((n, NUM_LANDMARKS, 3), np.nan, np.float32)
        visibility = np.full((n, NUM_LANDMARKS), np.nan, np.float32)
        profiles = [row[5] for row in frames if len(row) > 5 and row[5] is not None]
        extras = {}
        if profiles:
            extras[BACK_PROFILE] = np.full((n, len(profiles[0])), np.nan, np.float32)
        if frames and all(len(row) > 6 for row in frames):
            extras[PICTURE_CUT] = np.array([row[6] for row in frames], np.float32)
        for index, (_, _, img, wld, vis, *rest) in enumerate(frames):
            if img is not None:
                image[index], world[index], visibility[index] = img, wld, vis
            if rest and rest[0] is not None and profiles:
                extras[BACK_PROFILE][index] = rest[0]
        return cls(
            times_s=np.array([f[0] for f in frames], np.float64),
            image=image,
            world=world,
            visibility=visibility,
            frame_index=np.array([f[1] for f in frames], np.int64),
            source=source,
            extras=extras,
            analysis_rate_hz=rate_hz,
        )
