"""Read OpenPose COCO-18 keypoint arrays (``.npy``, shape (frames, 18, 3): x, y in pixels and
confidence) into a ``PoseTrack`` of BlazePose landmarks.

OpenPose's COCO-18 body model has no world landmarks and no hands, feet or mouth; the points it
shares with BlazePose keep their place, the others stay NaN (as for landmark CSVs). A keypoint
OpenPose did not find is stored as (0, 0, 0) and becomes NaN. Its confidence stands in for
BlazePose's visibility.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from upperback.errors import UpperbackError
from upperback.pose.landmarks import NUM_LANDMARKS
from upperback.pose.landmarks import Landmark as L
from upperback.pose.track import PoseTrack, SourceInfo

COCO18 = (
    L.NOSE,
    None,
    L.RIGHT_SHOULDER,
    L.RIGHT_ELBOW,
    L.RIGHT_WRIST,
    L.LEFT_SHOULDER,
    L.LEFT_ELBOW,
    L.LEFT_WRIST,
    L.RIGHT_HIP,
    L.RIGHT_KNEE,
    L.RIGHT_ANKLE,
    L.LEFT_HIP,
    L.LEFT_KNEE,
    L.LEFT_ANKLE,
    L.RIGHT_EYE,
    L.LEFT_EYE,
    L.RIGHT_EAR,
    L.LEFT_EAR,
)
"""BlazePose landmark of each COCO-18 keypoint, in OpenPose's order (index 1, the neck, has none)."""

DEFAULT_FPS = 30.0
"""The files carry no times; phone and webcam video is mostly 30 frames per second."""


def read_coco18(path: str | Path, fps: float = DEFAULT_FPS) -> PoseTrack:
    """Read one COCO-18 keypoint array saved with ``numpy.save``.

    Parameters
    ----------
    path
        ``.npy`` file of shape (frames, 18, 3).
    fps
        Frame rate of the video the keypoints came from (the file does not say).
    """
    path = Path(path)
    try:
        keypoints = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise UpperbackError(f"{path}: cannot read it as a NumPy keypoint array ({exc}).") from None
    if keypoints.ndim != 3 or keypoints.shape[1:] != (18, 3) or len(keypoints) == 0:
        raise UpperbackError(
            f"{path}: expected OpenPose COCO-18 keypoints of shape (frames, 18, 3), "
            f"found {keypoints.shape}. Export the body keypoints of the COCO model."
        )
    n = len(keypoints)
    image = np.full((n, NUM_LANDMARKS, 3), np.nan, np.float32)
    visibility = np.full((n, NUM_LANDMARKS), np.nan, np.float32)
    found = keypoints[..., 2] > 0
    for index, landmark in enumerate(COCO18):
        if landmark is None:
            continue
        image[:, landmark, :2] = np.where(found[:, index, None], keypoints[:, index, :2], np.nan)
        image[:, landmark, 2] = np.where(found[:, index], 0.0, np.nan)
        visibility[:, landmark] = np.where(found[:, index], keypoints[:, index, 2], np.nan)
    seen = keypoints[found][:, :2]
    width, height = (int(np.ceil(seen[:, 0].max())), int(np.ceil(seen[:, 1].max()))) if len(seen) else (0, 0)
    times = np.arange(n) / fps
    source = SourceInfo(name=path.name, width=width, height=height, fps=fps, frames=n, duration_s=n / fps)
    return PoseTrack(
        times_s=times,
        image=image,
        world=np.full_like(image, np.nan),
        visibility=visibility,
        frame_index=np.arange(n),
        source=source,
    )
