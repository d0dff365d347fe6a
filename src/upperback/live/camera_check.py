"""Is the camera set up well enough to coach? Whole body in the picture, the right view, enough light."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upperback.kinematics.view import VISIBLE, estimate_view
from upperback.library.models import Movement, View
from upperback.pose.landmarks import Landmark as L

MIN_LUMA = 50.0
"""Mean luminance (0–255, Rec. 601 weights) below which the picture is too dark for BlazePose."""
EDGE_MARGIN = 0.01
"""Head and feet must lie at least this share of the picture inside its edges."""
READY_S = 1.0
"""The check must pass this long without a break before the camera counts as ready."""

HEAD = (L.NOSE, L.LEFT_EAR, L.RIGHT_EAR)
FEET = (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL)
VIEW_WORDS = {
    View.SIDE: "Turn side-on to the camera.",
    View.FRONT: "Face the camera.",
    View.BACK: "Turn your back to the camera.",
    View.OBLIQUE: "Turn half-way toward the camera (about 45 degrees).",
}


@dataclass(frozen=True)
class CameraCheck:
    """The verdict on one frame: ``message`` is a one-line instruction when ``ok`` is False."""

    ok: bool
    message: str
    problem: str | None = None  # no_person, too_dark, body_cut_off, wrong_view
    luma: float | None = None
    view: str | None = None


def mean_luma(rgb: np.ndarray) -> float:
    """Mean luminance of an RGB uint8 picture, read on every 4th pixel of every 4th row."""
    sample = rgb[::4, ::4].astype(np.float32)
    return float(np.mean(sample @ np.array([0.299, 0.587, 0.114], np.float32)))


def check_camera(
    movement: Movement,
    image: np.ndarray | None,
    world: np.ndarray | None,
    visibility: np.ndarray | None,
    frame_size: tuple[int, int] | None,
    luma: float | None = None,
) -> CameraCheck:
    """Check one frame's landmarks (None: nobody found) and brightness against what the
    movement needs; the first problem found is the one reported."""
    if luma is not None and luma < MIN_LUMA:
        return CameraCheck(False, "It is too dark: turn on a light or face a window.", "too_dark", luma)
    if image is None or visibility is None:
        return CameraCheck(False, "Step into the picture so the camera can see you.", "no_person", luma)
    if not (_inside(image, visibility, HEAD, frame_size) and _inside(image, visibility, FEET, frame_size)):
        return CameraCheck(False, "Move back until your head and feet are both in the picture.", "body_cut_off", luma)
    view = None
    if world is not None and np.isfinite(world).any():
        view = View(estimate_view(image[None], world[None], visibility[None]).view)
        allowed = {movement.camera.preferred_view, *movement.camera.acceptable_views}
        if view not in allowed:
            return CameraCheck(False, VIEW_WORDS[movement.camera.preferred_view], "wrong_view", luma, view.value)
    return CameraCheck(True, "Camera is set: start when you are ready.", None, luma, view.value if view else None)


def _inside(
    image: np.ndarray, visibility: np.ndarray, marks: tuple[L, ...], frame_size: tuple[int, int] | None
) -> bool:
    """Whether any of ``marks`` is visible and inside the picture (away from its edges)."""
    with np.errstate(invalid="ignore"):
        seen = visibility[list(marks)] > VISIBLE
    if frame_size is None:
        return bool(seen.any())
    width, height = frame_size
    xy = image[list(marks), :2]
    inside = (
        (xy[:, 0] > EDGE_MARGIN * width)
        & (xy[:, 0] < (1 - EDGE_MARGIN) * width)
        & (xy[:, 1] > EDGE_MARGIN * height)
        & (xy[:, 1] < (1 - EDGE_MARGIN) * height)
    )
    return bool((seen & inside).any())


class CameraReadiness:
    """The camera counts as ready once the check has passed for ``ready_s`` without a break."""

    def __init__(self, ready_s: float = READY_S) -> None:
        self.ready_s = ready_s
        self._since: float | None = None
        self.ready = False

    def update(self, time_s: float, check: CameraCheck) -> bool:
        if not check.ok:
            self._since = None
        elif self._since is None:
            self._since = time_s
        self.ready = self.ready or (self._since is not None and time_s - self._since >= self.ready_s)
        return self.ready
