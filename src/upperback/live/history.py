"""The frames a live session has seen, kept as growing arrays and handed out as a ``PoseTrack``."""

from __future__ import annotations

import numpy as np

from upperback.pose.landmarks import NUM_LANDMARKS
from upperback.pose.outline import STATIONS
from upperback.pose.track import BACK_PROFILE, PoseTrack, SourceInfo


class GrowingArray:
    """Rows appended one at a time into an array that doubles its capacity when full."""

    def __init__(self, row_shape: tuple[int, ...], dtype: type = np.float64) -> None:
        self._data: np.ndarray = np.full((64, *row_shape), np.nan, dtype)
        self._size = 0

    def append(self, row: np.ndarray | float) -> None:
        if self._size == len(self._data):
            grown = np.full((2 * len(self._data), *self._data.shape[1:]), np.nan, self._data.dtype)
            grown[: self._size] = self._data
            self._data = grown
        self._data[self._size] = row
        self._size += 1

    def view(self) -> np.ndarray:
        """The rows so far (a view: do not keep it across appends)."""
        return self._data[: self._size]

    def __len__(self) -> int:
        return self._size


class FrameHistory:
    """Landmarks (and back outline) of every frame pushed so far; NaN rows where nobody was found."""

    def __init__(self, source: SourceInfo) -> None:
        self.source = source
        self.times_s = GrowingArray(())
        self.image = GrowingArray((NUM_LANDMARKS, 3), np.float32)
        self.world = GrowingArray((NUM_LANDMARKS, 3), np.float32)
        self.visibility = GrowingArray((NUM_LANDMARKS,), np.float32)
        self.profile = GrowingArray((len(STATIONS),), np.float32)

    def append(
        self,
        time_s: float,
        image: np.ndarray | None,
        world: np.ndarray | None,
        visibility: np.ndarray | None,
        profile: np.ndarray | None,
    ) -> None:
        missing = np.nan
        self.times_s.append(time_s)
        self.image.append(missing if image is None else image)
        self.world.append(missing if world is None else world)
        self.visibility.append(missing if visibility is None else visibility)
        self.profile.append(missing if profile is None else profile)

    def __len__(self) -> int:
        return len(self.times_s)

    def track(self, copy: bool = True) -> PoseTrack:
        """The frames so far as a ``PoseTrack``; ``copy=False`` shares the buffers (use it at
        once: the next append may change them)."""

        def take(rows: GrowingArray) -> np.ndarray:
            return rows.view().copy() if copy else rows.view()

        profiles = take(self.profile)
        extras = {BACK_PROFILE: profiles} if np.isfinite(profiles).any() else {}
        return PoseTrack(
            times_s=take(self.times_s),
            image=take(self.image),
            world=take(self.world),
            visibility=take(self.visibility),
            frame_index=np.arange(len(self), dtype=np.int64),
            source=self.source,
            extras=extras,
        )
