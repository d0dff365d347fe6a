"""The rounded-back model: invariances of its features, NaN handling, the packaged JSON, and its
grouped cross-validation on the labelled barbell-row frames in ../shared/data."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import LUMBAR_CSV
from upperback.form.rounded_back import (
    FEATURE_NAMES,
    MODEL_RESOURCE,
    RoundedBackModel,
    load_rounded_back_model,
    rounded_back_features,
)
from upperback.pose.landmarks import NUM_LANDMARKS, Landmark

needs_lumbar_csv = pytest.mark.skipif(
    not LUMBAR_CSV.is_file(),
    reason=f"labelled row frames not found at {LUMBAR_CSV} (the shared data folder beside the checkout); "
    "set UPPERBACK_SHARED_DATA to point at it",
)

# Left/right partner of each landmark, for mirroring the way a pose estimator would see a
# flipped picture.
SWAP = np.array(
    [
        Landmark[n.replace("LEFT_", "TMP_").replace("RIGHT_", "LEFT_").replace("TMP_", "RIGHT_")]
        for n in Landmark.__members__
    ]
)
UPPER_BODY = [
    Landmark.NOSE,
    Landmark.LEFT_SHOULDER,
    Landmark.RIGHT_SHOULDER,
    Landmark.LEFT_ELBOW,
    Landmark.RIGHT_ELBOW,
    Landmark.LEFT_WRIST,
    Landmark.RIGHT_WRIST,
]


def row_pose(torso_deg: float = 30.0) -> tuple[np.ndarray, np.ndarray]:
    """One hand-built bent-over-row frame (pixels of a 1280×720 picture, facing right, left side
    nearer the camera) and its visibility."""
    hip = np.array([500.0, 400.0])
    torso = 250.0 * np.array([np.cos(np.radians(torso_deg)), -np.sin(np.radians(torso_deg))])
    centre = {
        "SHOULDER": hip + torso,
        "ELBOW": hip + torso + [5, 130],
        "WRIST": hip + torso + [10, 245],
        "HIP": hip,
        "KNEE": hip + [60, 120],
        "ANKLE": hip + [30, 250],
        "HEEL": hip + [10, 262],
        "FOOT_INDEX": hip + [70, 265],
    }
    image = np.zeros((1, NUM_LANDMARKS, 3))
    for name, point in centre.items():
        image[0, Landmark[f"LEFT_{name}"], :2] = point + [4, 2]
        image[0, Landmark[f"RIGHT_{name}"], :2] = point - [4, 2]
        image[0, Landmark[f"LEFT_{name}"], 2] = -60.0
        image[0, Landmark[f"RIGHT_{name}"], 2] = 60.0
    nose = hip + torso * 1.3 + [10, 5]
    for landmark in Landmark:
        if landmark in (Landmark.NOSE,) or "EYE" in landmark.name or "EAR" in landmark.name or "MOUTH" in landmark.name:
            image[0, landmark, :2] = nose + (0 if landmark == Landmark.NOSE else -12)
        if "PINKY" in landmark.name or "INDEX" in landmark.name or "THUMB" in landmark.name:
            side = "LEFT" if landmark.name.startswith("LEFT") else "RIGHT"
            image[0, landmark] = image[0, Landmark[f"{side}_WRIST"]] + [3, 12, 0]
    return image, np.full((1, NUM_LANDMARKS), 0.99)


def mirrored(image: np.ndarray, width_px: float, swap_sides: bool) -> np.ndarray:
    flipped = image.copy()
    flipped[..., 0] = width_px - flipped[..., 0]
    return flipped[:, SWAP] if swap_sides else flipped


def round_the_back(image: np.ndarray, degrees: float = 12.0, shorten: float = 0.05) -> np.ndarray:
    """Swing the nose, shoulders and arms down and forward about the hips, and pull them in a
    little towards the hips, as a back curling over would."""
    out = image.copy()
    hip = 0.5 * (image[:, Landmark.LEFT_HIP, :2] + image[:, Landmark.RIGHT_HIP, :2])
    shoulder = 0.5 * (image[:, Landmark.LEFT_SHOULDER, :2] + image[:, Landmark.RIGHT_SHOULDER, :2])
    angle = np.radians(degrees) * np.sign(shoulder[:, 0] - hip[:, 0])  # down-forward for either facing
    cos, sin = np.cos(angle)[:, None], np.sin(angle)[:, None]
    for landmark in UPPER_BODY:
        v = image[:, landmark, :2] - hip
        turned = np.stack([cos[:, 0] * v[:, 0] - sin[:, 0] * v[:, 1], sin[:, 0] * v[:, 0] + cos[:, 0] * v[:, 1]], 1)
        out[:, landmark, :2] = hip + (1 - shorten) * turned
    return out


@pytest.fixture(scope="module")
def model() -> RoundedBackModel:
    return load_rounded_back_model()


# ------------------------------------------------------------------ features and model, no data needed
def test_features_have_documented_shape_and_plausible_values():
    image, visibility = row_pose(torso_deg=30.0)
    features = rounded_back_features(image, visibility)
    assert features.shape == (1, len(FEATURE_NAMES))
    named = dict(zip(FEATURE_NAMES, features[0]))
    assert named["torso_inclination_deg"] == pytest.approx(30.0, abs=1.0)
    assert 0 < named["hip_angle_deg"] < 180
    assert named["shoulder_rise_ratio"] == pytest.approx(125.0 / 120.0, rel=1e-6)


@pytest.mark.parametrize("swap_sides", [False, True], ids=["flip-x", "flip-x-and-swap-left-right"])
def test_mirrored_frame_gives_same_probability(model, swap_sides):
    image, visibility = row_pose()
    flipped = mirrored(image, 1280.0, swap_sides)
    flipped_vis = visibility[:, SWAP] if swap_sides else visibility
    np.testing.assert_allclose(
        rounded_back_features(flipped, flipped_vis), rounded_back_features(image, visibility), rtol=1e-9, atol=1e-9
    )
    np.testing.assert_allclose(
        model.predict_probability(rounded_back_features(flipped, flipped_vis)),
        model.predict_probability(rounded_back_features(image, visibility)),
        rtol=1e-9,
    )


@pytest.mark.parametrize("scale, shift", [(0.37, (0.0, 0.0)), (2.5, (300.0, -120.0)), (1.0, (-40.0, 75.0))])
def test_scaled_and_translated_frame_gives_same_probability(model, scale, shift):
    image, visibility = row_pose()
    moved = image * scale  # z is in the same pixel scale, so it scales too
    moved[..., :2] += shift
    np.testing.assert_allclose(
        model.predict_probability(rounded_back_features(moved, visibility)),
        model.predict_probability(rounded_back_features(image, visibility)),
        rtol=1e-9,
    )


def test_missing_or_unseen_landmarks_give_nan_not_a_crash(model):
    image, visibility = row_pose()
    image = np.repeat(image, 5, axis=0)
    visibility = np.repeat(visibility, 5, axis=0)
    image[1, Landmark.LEFT_SHOULDER] = np.nan  # one needed landmark missing
    visibility[2, [Landmark.LEFT_ELBOW, Landmark.RIGHT_ELBOW]] = 0.05  # both elbows unseen
    image[3] = np.nan  # no person in this frame
    visibility[3] = np.nan
    image[4, Landmark.LEFT_ANKLE] = np.nan  # not needed by the features
    probability = model.predict_probability(rounded_back_features(image, visibility))
    assert probability.shape == (5,)
    assert np.isfinite(probability[[0, 4]]).all()
    assert np.isnan(probability[[1, 2, 3]]).all()
    assert not model.is_rounded(rounded_back_features(image, visibility))[1:4].any()


def test_empty_track_and_bad_shapes():
    assert rounded_back_features(np.zeros((0, NUM_LANDMARKS, 3)), np.zeros((0, NUM_LANDMARKS))).shape == (
        0,
        len(FEATURE_NAMES),
    )
    with pytest.raises(ValueError):
        rounded_back_features(np.zeros((2, 13, 3)), np.zeros((2, 13)))


def test_packaged_model_is_complete_and_round_trips(model):
    assert model.feature_names == FEATURE_NAMES
    assert 0 < model.threshold < 1
    assert 0.4 < model.aspect_ratio < 2.5
    assert {"cv", "provenance"} <= set(model.info)
    assert {"grouped", "shuffled_leaky"} <= set(model.info["cv"])
    again = RoundedBackModel.from_dict(json.loads(json.dumps(model.to_dict())))
    features = rounded_back_features(*row_pose())
    np.testing.assert_array_equal(again.predict_probability(features), model.predict_probability(features))
    broken = model.to_dict() | {"feature_names": list(reversed(FEATURE_NAMES))}
    with pytest.raises(ValueError):
        RoundedBackModel.from_dict(broken)
    assert MODEL_RESOURCE.endswith(".json")


def test_inference_does_not_import_scikit_learn():
    code = (
        "import sys; from upperback.form.rounded_back import load_rounded_back_model; "
        "load_rounded_back_model(); assert not any(m.startswith('sklearn') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_synthetic_rounding_raises_probability_on_built_pose(model):
    image, visibility = row_pose()
    before = model.predict_probability(rounded_back_features(image, visibility))
    after = model.predict_probability(rounded_back_features(round_the_back(image), visibility))
    assert after[0] > before[0]


# ------------------------------------------------------------------ on the labelled frames
@pytest.fixture(scope="module")
def frames():
    if not LUMBAR_CSV.is_file():
        pytest.skip(f"labelled row frames not found at {LUMBAR_CSV}")
    pytest.importorskip("sklearn", reason="scikit-learn (the dev extra) is needed to re-run the CV")
    from upperback.form.rounded_back_training import read_labelled_frames

    return read_labelled_frames(LUMBAR_CSV)


@pytest.fixture(scope="module")
def grouped_cv(frames, model):
    """The grouped CV exactly as tools/train_rounded_back.py runs it, with the packaged model's
    aspect ratio and recorded settings."""
    from upperback.form.rounded_back_training import cross_validate, scene_groups

    settings = model.info["cv"]
    n_groups = int(settings["grouping"].split(" into ")[1].split()[0])
    groups = scene_groups(frames.image_norm, n_groups)
    features = rounded_back_features(frames.pixels(model.aspect_ratio), frames.visibility)
    return features, cross_validate(
        features,
        frames.labels,
        groups,
        n_splits=settings["folds"],
        seed=settings["seed"],
        c=model.info["training"]["c"],
    )


@needs_lumbar_csv
def test_grouped_cv_reproduces_the_recorded_scores(model, grouped_cv):
    _, result = grouped_cv
    recorded = model.info["cv"]["grouped"]
    assert result.pooled.f1 == pytest.approx(recorded["f1"], abs=0.005)
    assert result.pooled.precision == pytest.approx(recorded["precision"], abs=0.005)
    assert result.pooled.recall == pytest.approx(recorded["recall"], abs=0.005)
    # What this model honestly reaches (see docs/rounded_back.md); a regression guard.
    assert result.pooled.f1 >= 0.60


@needs_lumbar_csv
@pytest.mark.xfail(
    strict=True,
    reason="goal not reached: grouped-CV F1 of the error class is about 0.62 "
    "(docs/rounded_back.md); remove this mark when a model reaches 0.75",
)
def test_grouped_cv_reaches_the_goal_f1(grouped_cv):
    _, result = grouped_cv
    assert result.pooled.f1 >= 0.75


@needs_lumbar_csv
def test_packaged_model_is_the_fit_of_this_code_on_all_frames(frames, model, grouped_cv):
    from upperback.form.rounded_back_training import fit_rounded_back

    features, _ = grouped_cv
    refit = fit_rounded_back(features, frames.labels, aspect_ratio=model.aspect_ratio, c=model.info["training"]["c"])
    np.testing.assert_allclose(refit.coefficients, model.coefficients, rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(refit.mean, model.mean, rtol=1e-5)


@needs_lumbar_csv
def test_mirroring_and_rescaling_real_frames_keeps_probabilities(frames, model):
    image = frames.pixels(model.aspect_ratio)[:500]
    visibility = frames.visibility[:500]
    base = model.predict_probability(rounded_back_features(image, visibility))
    assert np.isfinite(base).mean() > 0.95
    width_px = model.aspect_ratio * 1000
    flipped = model.predict_probability(rounded_back_features(mirrored(image, width_px, True), visibility[:, SWAP]))
    np.testing.assert_allclose(flipped, base, rtol=1e-9, atol=1e-12)
    scaled = image * 0.3
    scaled[..., :2] += (50.0, 20.0)
    np.testing.assert_allclose(
        model.predict_probability(rounded_back_features(scaled, visibility)), base, rtol=1e-9, atol=1e-12
    )


@needs_lumbar_csv
def test_rounding_correct_frames_raises_probability(frames, model):
    correct = ~frames.labels
    image = frames.pixels(model.aspect_ratio)[correct]
    visibility = frames.visibility[correct]
    before = model.predict_probability(rounded_back_features(image, visibility))
    after = model.predict_probability(rounded_back_features(round_the_back(image), visibility))
    ok = np.isfinite(before) & np.isfinite(after)
    assert ok.mean() > 0.95
    assert np.mean(after[ok] > before[ok]) > 0.9
    assert np.mean(after[ok]) > np.mean(before[ok]) + 0.05
