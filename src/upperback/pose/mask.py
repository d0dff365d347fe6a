"""BlazePose's person-segmentation mask where the model made it: on the square crop around the person.

BlazePose predicts the mask on the 256 x 256 crop it tracks the person in (``pose_rect``: a
rotated square in the picture). MediaPipe's Pose solution then warps that small mask onto a
float picture as large as the frame (3.7 MB at 720p, about 8 ms of CPU per frame, a quarter of
BlazePose's whole cost) only for the outline code to read some thousand points of it. Here the
mask stays on the crop, with the affine map from picture pixels to mask pixels; reading a point
through the map gives the value the full-size mask has there up to the second of two bilinear
interpolations (mean difference 0.001 in probability, 99th percentile 0.025, measured on
``row_dumbbell_underhand_home``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class PersonMask:
    """A person-probability mask and where it lies in the picture."""

    values: npt.NDArray[np.float32]  # (h, w) person probability
    to_mask: npt.NDArray[np.float64]  # (2, 3) affine map: picture pixels (x, y) -> mask pixels (column, row)
    picture_shape: tuple[int, int]  # (height, width) of the picture the landmarks are in

    @classmethod
    def full_frame(cls, values: npt.NDArray[np.float32]) -> PersonMask:
        """A mask as large as the picture (the identity map)."""
        return cls(values, np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), (values.shape[0], values.shape[1]))

    def sample(self, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> npt.NDArray[np.float32]:
        """Mask values at picture points, bilinear, 0 outside the mask."""
        from scipy import ndimage  # loaded with the outline code, not with the tracker

        columns = self.to_mask[0, 0] * x + self.to_mask[0, 1] * y + self.to_mask[0, 2]
        rows = self.to_mask[1, 0] * x + self.to_mask[1, 1] * y + self.to_mask[1, 2]
        # The output has the mask's dtype (scipy has no type hints here).
        values: npt.NDArray[np.float32] = ndimage.map_coordinates(
            self.values, [rows, columns], order=1, mode="constant", cval=0.0
        )
        return values


def crop_to_mask(
    x_center: float,
    y_center: float,
    width: float,
    height: float,
    rotation: float,
    picture_shape: tuple[int, int],
    mask_shape: tuple[int, int],
) -> npt.NDArray[np.float64]:
    """The (2, 3) map from picture pixels to the pixels of a mask made on a crop.

    The crop is MediaPipe's normalised rotated rectangle (centre, size as fractions of the
    picture, rotation in radians), widened to the mask's aspect ratio the way MediaPipe's
    ``ImageToTensorCalculator`` does with ``keep_aspect_ratio``. Pixel ``(0, 0)`` of the mask
    maps to the crop's corner, as in MediaPipe's inverse warp (checked against its full-size
    mask: this convention gives differences of interpolation only, half a pixel off does not).
    """
    picture_h, picture_w = picture_shape
    mask_h, mask_w = mask_shape
    crop_w, crop_h = width * picture_w, height * picture_h
    if crop_h / crop_w < mask_h / mask_w:
        crop_h = crop_w * mask_h / mask_w
    else:
        crop_w = crop_h * mask_w / mask_h
    cos, sin = math.cos(rotation), math.sin(rotation)
    # Rotate picture offsets from the crop's centre into the crop's frame, scale to mask pixels.
    scale_x, scale_y = mask_w / crop_w, mask_h / crop_h
    linear = np.array([[cos * scale_x, sin * scale_x], [-sin * scale_y, cos * scale_y]])
    centre = np.array([x_center * picture_w, y_center * picture_h])
    offset = np.array([mask_w / 2, mask_h / 2]) - linear @ centre
    return np.column_stack([linear, offset])
