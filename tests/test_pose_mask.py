"""The person mask kept on BlazePose's crop reads like MediaPipe's full-size mask, at the same landmarks."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import CLIPS, needs_media
from upperback.pose.decode import iter_frames
from upperback.pose.estimator import BlazePose, _pose_solution
from upperback.pose.mask import PersonMask, crop_to_mask
from upperback.pose.outline import back_profile


def test_crop_map_sends_the_crop_corners_and_centre_to_the_mask_corners_and_centre():
    """A crop turned a quarter: its centre lands mid-mask, a point half its side along its own
    x axis (picture down, after the turn) lands on the mask's right edge."""
    to_mask = crop_to_mask(0.5, 0.5, 0.25, 0.25 * 640 / 360, np.pi / 2, (360, 640), (256, 256))
    mask = PersonMask(np.zeros((256, 256), np.float32), to_mask, (360, 640))
    centre = mask.to_mask @ np.array([320.0, 180.0, 1.0])
    side = mask.to_mask @ np.array([320.0, 180.0 + 80.0, 1.0])  # crop side 160 px
    assert centre == pytest.approx([128, 128])
    assert side == pytest.approx([256, 128])


def test_full_frame_mask_samples_the_picture_itself():
    values = np.arange(12, dtype=np.float32).reshape(3, 4)
    mask = PersonMask.full_frame(values)
    assert mask.sample(np.array([1.0, 2.5]), np.array([2.0, 0.0])) == pytest.approx([9.0, 2.5])


@needs_media
@pytest.mark.media
def test_crop_mask_gives_the_full_size_masks_outline_at_identical_landmarks():
    """On a real cat-cow (a body lying across the picture, so the crop is turned), BlazePose here
    and MediaPipe's stock Pose give the same landmarks to the bit, and the back's outline read
    from the crop's mask is the stock full-size mask's to well under its tracking noise (a
    restart of tracking moves it by about 0.7 % of torso length on this clip)."""
    stock = _pose_solution().Pose(
        static_image_mode=False,
        model_complexity=1,
        smooth_landmarks=False,
        enable_segmentation=True,
        smooth_segmentation=False,
    )
    differences, frames = [], 0
    with BlazePose(segmentation=True) as ours, stock:
        for frame in iter_frames(CLIPS / "cat_cow_home_side.mp4", 10):
            theirs, found = stock.process(frame.rgb), ours.process(frame.rgb)
            assert (theirs.pose_landmarks is None) == (found is None)
            if found is None:
                continue
            height, width = frame.rgb.shape[:2]
            image = np.array([(p.x, p.y, p.z) for p in theirs.pose_landmarks.landmark], np.float32)
            image *= np.array([width, height, width], np.float32)
            assert np.array_equal(image, found.image)
            assert found.mask.values.shape == (256, 256)
            full, crop = back_profile(theirs.segmentation_mask, image), back_profile(found.mask, found.image)
            assert np.array_equal(np.isnan(full), np.isnan(crop))
            differences.append(full - crop)
            frames += 1
    differences = np.array(differences)
    assert frames > 50 and np.isfinite(differences).sum() > 200
    assert np.sqrt(np.nanmean(differences**2)) < 0.001  # torso lengths; measured 0.0001
    assert np.nanmax(np.abs(differences)) < 0.005
