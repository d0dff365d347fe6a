"""Training the rounded-back model: frame groups, aspect ratio, honest cross-validation, fitting.

Used by ``tools/train_rounded_back.py`` and by the tests, so that both run the same code. It needs
scikit-learn (the ``dev`` extra), imported inside the functions that use it; runtime inference
(:mod:`upperback.form.rounded_back`) never imports this module.

Notes
-----
Why groups: the training frames (``lumbar_train.csv``) are single frames cut from videos and then shuffled,
with no video id. Frames of the same video share the person, the camera and most of the pose, so
a plain shuffled K-fold puts near-copies of each test frame in the training folds and measures
memory, not skill: a 1-nearest-neighbour classifier on raw coordinates scores far higher under
shuffled folds than under grouped ones. :func:`scene_groups` rebuilds approximate video groups
and :func:`cross_validate` keeps each group inside one fold.

The grouping signature is the *set-up*, not the back: during a set of rows the feet stay put, the
hips and knees move little and a phone camera usually stands still, so where the hips, knees and
ankles sit in the picture, how long the legs look and which way the lifter faces are nearly
constant within a video and differ between videos. Frames are clustered on that signature
(Ward's method) into a fixed number of groups; videos with a similar set-up may share a group,
which only makes the folds stricter. The signature uses image-normalised coordinates and leaves
out the shoulders, nose and arms, which carry the signal being learned, so that the folds do not
simply hold out "unusual backs".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from upperback.arrays import AnyArray
from upperback.errors import UpperbackError
from upperback.form.rounded_back import FEATURE_NAMES, RoundedBackModel
from upperback.pose.csv_import import read_landmark_csv
from upperback.pose.landmarks import Landmark

POSITIVE_LABEL = "lumbar_error"
NEGATIVE_LABEL = "lumbar_correct"
REFERENCE_HEIGHT_PX = 1000
"""Picture height the normalised training landmarks are scaled to (the scale is irrelevant to the
features; only the aspect ratio matters)."""

DEFAULT_GROUPS = 100
DEFAULT_SPLITS = 5
DEFAULT_SEED = 0
DEFAULT_C = 1.0
CLIP_QUANTILE = 0.005


@dataclass(frozen=True)
class LabelledFrames:
    """Single labelled frames with image-normalised landmarks.

    Attributes
    ----------
    image_norm : (N, 33, 3) float64
        x / width, y / height, z / width (MediaPipe's normalised landmarks); NaN for absent ones.
    visibility : (N, 33) float64
    labels : (N,) bool
        True for a rounded (lumbar-error) frame.
    source : str
    """

    image_norm: AnyArray
    visibility: AnyArray
    labels: AnyArray
    source: str

    def __len__(self) -> int:
        return len(self.labels)

    def pixels(self, aspect_ratio: float, height_px: float = REFERENCE_HEIGHT_PX) -> AnyArray:
        """(N, 33, 3) landmarks in pixels of a picture ``aspect_ratio * height_px`` wide.

        Parameters
        ----------
        aspect_ratio : float
            Picture width over height.
        height_px : float
            Picture height in pixels.

        Returns
        -------
        AnyArray
            The landmarks in pixels.
        """
        return to_pixels(self.image_norm, aspect_ratio, height_px)

    def present_landmarks(self) -> list[Landmark]:
        """Landmarks that have coordinates in every frame.

        Returns
        -------
        list[Landmark]
            The landmarks.
        """
        ok = np.all(np.isfinite(self.image_norm[..., 0]), axis=0)
        return [Landmark(i) for i in np.flatnonzero(ok)]


def read_labelled_frames(path: str | Path) -> LabelledFrames:
    """Read a labelled landmark CSV (``label`` column plus ``<name>_x/_y/_z/_v`` columns).

    The landmarks are read with :func:`~upperback.pose.csv_import.read_landmark_csv` at a 1×1
    "picture", i.e. they stay normalised.

    Parameters
    ----------
    path : str | Path
        The CSV file.

    Returns
    -------
    LabelledFrames
        The frames' landmarks, visibility and labels.
    """
    path = Path(path)
    track = read_landmark_csv(path, width=1, height=1)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or "label" not in reader.fieldnames:
            raise UpperbackError(f"{path}: no 'label' column; expected {POSITIVE_LABEL} / {NEGATIVE_LABEL}.")
        raw = [row["label"].strip() for row in reader if any(v for v in row.values())]
    unknown = sorted(set(raw) - {POSITIVE_LABEL, NEGATIVE_LABEL})
    if unknown:
        raise UpperbackError(f"{path}: unexpected labels {unknown}; expected {POSITIVE_LABEL} / {NEGATIVE_LABEL}.")
    labels = np.array([label == POSITIVE_LABEL for label in raw])
    if len(labels) != len(track):
        raise UpperbackError(f"{path}: {len(labels)} labels for {len(track)} landmark rows.")
    return LabelledFrames(
        image_norm=track.image.astype(float), visibility=track.visibility.astype(float), labels=labels, source=path.name
    )


def to_pixels(image_norm: AnyArray, aspect_ratio: float, height_px: float = REFERENCE_HEIGHT_PX) -> AnyArray:
    """Normalised landmarks → pixels of a picture ``aspect_ratio * height_px`` by ``height_px``
    (z scales with the width, as in MediaPipe).

    Parameters
    ----------
    image_norm : AnyArray
        (..., 33, 3) normalised landmarks.
    aspect_ratio : float
        Picture width over height.
    height_px : float
        Picture height in pixels.

    Returns
    -------
    AnyArray
        The landmarks in pixels.
    """
    width_px = aspect_ratio * height_px
    out: AnyArray = np.asarray(image_norm, dtype=float) * np.array([width_px, height_px, width_px])
    return out


# --------------------------------------------------------------------------- groups
def scene_signature(image_norm: AnyArray) -> AnyArray:
    """(N, 8) set-up signature of each frame: hip, knee and ankle midpoints (normalised picture
    coordinates), leg length in the picture (hip to ankle midpoint) and the facing direction
    (±0.5: which way the shoulders lie from the hips).

    Parameters
    ----------
    image_norm : AnyArray
        (N, 33, 3) normalised landmarks.

    Returns
    -------
    AnyArray
        (N, 8) signatures.
    """

    def mid(a: Landmark, b: Landmark) -> AnyArray:  # numpydoc ignore=GL08
        out: AnyArray = 0.5 * (image_norm[:, a, :2] + image_norm[:, b, :2])
        return out

    hip = mid(Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    knee = mid(Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE)
    ankle = mid(Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE)
    shoulder = mid(Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
    leg = np.linalg.norm(hip - ankle, axis=1, keepdims=True)
    facing = 0.5 * np.where(shoulder[:, :1] >= hip[:, :1], 1.0, -1.0)
    return np.concatenate([hip, knee, ankle, leg, facing], axis=1)


def scene_groups(image_norm: AnyArray, n_groups: int = DEFAULT_GROUPS) -> AnyArray:
    """(N,) group id per frame: Ward clustering of :func:`scene_signature` into ``n_groups``.

    Parameters
    ----------
    image_norm : AnyArray
        (N, 33, 3) normalised landmarks.
    n_groups : int
        Number of groups.

    Returns
    -------
    AnyArray
        (N,) group ids.
    """
    from sklearn.cluster import AgglomerativeClustering

    signature = scene_signature(image_norm)
    out: AnyArray = AgglomerativeClustering(n_clusters=n_groups, linkage="ward").fit_predict(signature)
    return out


def pose_groups(image_norm: AnyArray, n_groups: int = DEFAULT_GROUPS) -> AnyArray:
    """(N,) group id per frame from Ward clustering of the raw normalised x/y of the nose,
    shoulders, hips, knees and ankles: an alternative, stricter grouping that also holds out
    similar poses (used to check that the scores do not hinge on the grouping).

    Parameters
    ----------
    image_norm : AnyArray
        (N, 33, 3) normalised landmarks.
    n_groups : int
        Number of groups.

    Returns
    -------
    AnyArray
        (N,) group ids.
    """
    from sklearn.cluster import AgglomerativeClustering

    body = [
        Landmark.NOSE,
        Landmark.LEFT_SHOULDER,
        Landmark.RIGHT_SHOULDER,
        Landmark.LEFT_HIP,
        Landmark.RIGHT_HIP,
        Landmark.LEFT_KNEE,
        Landmark.RIGHT_KNEE,
        Landmark.LEFT_ANKLE,
        Landmark.RIGHT_ANKLE,
    ]
    coords = image_norm[:, body, :2].reshape(len(image_norm), -1)
    out: AnyArray = AgglomerativeClustering(n_clusters=n_groups, linkage="ward").fit_predict(coords)
    return out


# --------------------------------------------------------------------------- fitting
def fit_rounded_back(
    features: AnyArray,
    labels: AnyArray,
    *,
    aspect_ratio: float,
    threshold: float = 0.5,
    c: float = DEFAULT_C,
    info: dict[str, Any] | None = None,
) -> RoundedBackModel:
    """Fit the logistic model on the frames with finite features.

    Features are clipped to their [0.5 %, 99.5 %] training quantiles, standardised, and fitted
    with L2-regularised logistic regression (inverse strength ``c``).

    Parameters
    ----------
    features : AnyArray
        (N, F) features; rows with NaN are left out.
    labels : AnyArray
        (N,) True where rounded.
    aspect_ratio : float
        The aspect ratio the features were computed under, recorded in the model.
    threshold : float
        Decision threshold on the probability.
    c : float
        Inverse regularisation strength.
    info : dict[str, Any] | None
        Training notes stored with the model, or None.

    Returns
    -------
    RoundedBackModel
        The model.
    """
    from sklearn.linear_model import LogisticRegression

    ok = np.all(np.isfinite(features), axis=1)
    x, y = features[ok], np.asarray(labels, bool)[ok]
    low, high = np.quantile(x, [CLIP_QUANTILE, 1 - CLIP_QUANTILE], axis=0)
    x = np.clip(x, low, high)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    fit = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, y)
    return RoundedBackModel(
        feature_names=FEATURE_NAMES,
        mean=mean,
        scale=scale,
        clip_low=low,
        clip_high=high,
        coefficients=fit.coef_[0].astype(float),
        intercept=float(fit.intercept_[0]),
        threshold=float(threshold),
        aspect_ratio=float(aspect_ratio),
        info=dict(info or {}),
    )


def best_f1_threshold(labels: AnyArray, probability: AnyArray) -> tuple[float, float]:
    """The probability threshold that maximises F1 of the positive class, and that F1.

    The threshold is placed halfway between the lowest probability called positive and the next
    lower one.

    Parameters
    ----------
    labels : AnyArray
        (N,) True where rounded.
    probability : AnyArray
        (N,) predicted probabilities.

    Returns
    -------
    tuple[float, float]
        The threshold and its F1.
    """
    labels = np.asarray(labels, bool)
    order = np.argsort(-probability, kind="stable")
    p, y = probability[order], labels[order]
    true_pos = np.cumsum(y)
    called = np.arange(1, len(p) + 1)
    f1 = 2 * true_pos / (called + labels.sum())
    distinct = np.r_[p[1:] < p[:-1], True]  # a cut is only possible where the value changes
    f1 = np.where(distinct, f1, -1.0)
    k = int(np.argmax(f1))
    threshold = p[k] if k + 1 == len(p) else 0.5 * (p[k] + p[k + 1])
    return float(threshold), float(f1[k])


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of the positive (rounded) class, and average precision."""

    precision: float
    recall: float
    f1: float
    average_precision: float

    @classmethod
    def of(cls, labels: AnyArray, predicted: AnyArray, probability: AnyArray) -> Scores:
        """Scores of ``predicted`` (and ``probability``) against ``labels``.

        Parameters
        ----------
        labels : AnyArray
            (N,) true labels.
        predicted : AnyArray
            (N,) predicted labels.
        probability : AnyArray
            (N,) predicted probabilities.

        Returns
        -------
        Scores
            The scores.
        """
        from sklearn.metrics import average_precision_score

        tp = int(np.sum(predicted & labels))
        fp = int(np.sum(predicted & ~labels))
        fn = int(np.sum(~predicted & labels))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        return cls(precision, recall, f1, float(average_precision_score(labels, probability)))


@dataclass(frozen=True)
class CVResult:
    """Outcome of :func:`cross_validate` over the frames with finite features.

    Attributes
    ----------
    scheme : str
        ``"grouped"`` or ``"shuffled"``.
    pooled : Scores
        Scores over all out-of-fold predictions, each fold using the threshold picked by an inner
        CV on its own training folds.
    fold_f1 : tuple of float
        F1 of each outer fold.
    fold_thresholds : tuple of float
    probability : (n,) array
        Out-of-fold probabilities of the used frames.
    labels : (n,) bool array
    used : (N,) bool array
        Frames with finite features.
    """

    scheme: str
    pooled: Scores
    fold_f1: tuple[float, ...]
    fold_thresholds: tuple[float, ...]
    probability: AnyArray = field(repr=False)
    labels: AnyArray = field(repr=False)
    used: AnyArray = field(repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON-ready values, rounded.

        Returns
        -------
        dict[str, Any]
            Scores, thresholds and the number of frames used.
        """
        return {
            "scheme": self.scheme,
            "precision": round(self.pooled.precision, 4),
            "recall": round(self.pooled.recall, 4),
            "f1": round(self.pooled.f1, 4),
            "average_precision": round(self.pooled.average_precision, 4),
            "fold_f1": [round(f, 4) for f in self.fold_f1],
            "fold_thresholds": [round(t, 4) for t in self.fold_thresholds],
            "frames": int(self.used.sum()),
        }


def _splitter(groups: AnyArray | None, n_splits: int, seed: int) -> Any:  # sklearn is untyped
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    if groups is None:
        return StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)


def out_of_fold_probability(
    features: AnyArray, labels: AnyArray, groups: AnyArray | None, *, n_splits: int, seed: int, c: float = DEFAULT_C
) -> AnyArray:
    """Out-of-fold probabilities (all rows must have finite features).

    Parameters
    ----------
    features : AnyArray
        (N, F) finite features.
    labels : AnyArray
        (N,) True where rounded.
    groups : AnyArray | None
        (N,) group ids; None for plain stratified folds.
    n_splits : int
        Number of folds.
    seed : int
        Seed of the fold shuffling.
    c : float
        Inverse regularisation strength.

    Returns
    -------
    AnyArray
        (N,) probabilities, each from a model not trained on its row.
    """
    probability = np.empty(len(labels))
    for train, test in _splitter(groups, n_splits, seed).split(features, labels, groups):
        model = fit_rounded_back(features[train], labels[train], aspect_ratio=1.0, c=c)
        probability[test] = model.predict_probability(features[test])
    return probability


def cross_validate(
    features: AnyArray,
    labels: AnyArray,
    groups: AnyArray | None = None,
    *,
    n_splits: int = DEFAULT_SPLITS,
    inner_splits: int = 4,
    seed: int = DEFAULT_SEED,
    c: float = DEFAULT_C,
    test_features: AnyArray | None = None,
) -> CVResult:
    """K-fold CV of the rounded-back model with the decision threshold picked inside each fold.

    Parameters
    ----------
    features : (N, F) array
        From :func:`~upperback.form.rounded_back.rounded_back_features`; rows with NaN are left out.
    labels : (N,) bool
    groups : (N,) int or None
        Group ids for StratifiedGroupKFold (no group is split across folds); ``None`` for plain
        shuffled StratifiedKFold, which leaks near-duplicate frames between folds.
    n_splits : int
        Outer folds.
    inner_splits : int
        Inner folds, for choosing each outer fold's threshold.
    seed : int
        Seed of the fold shuffling.
    c : float
        Inverse regularisation strength.
    test_features : (N, F) array, optional
        Features to score the held-out folds on instead of ``features`` (e.g. computed under a
        different aspect ratio, to measure sensitivity to it).

    Returns
    -------
    CVResult
        Pooled and per-fold scores, and the thresholds chosen.

    Notes
    -----
    For each outer fold the threshold maximising F1 is found from out-of-fold predictions of an
    inner CV (same scheme, ``inner_splits`` folds) on the outer training folds only; the model is
    then refitted on all outer training folds and applied to the held-out fold at that threshold.
    The held-out fold is never used to choose anything.
    """
    labels = np.asarray(labels, bool)
    test_features = features if test_features is None else test_features
    used = np.all(np.isfinite(features), axis=1) & np.all(np.isfinite(test_features), axis=1)
    x, xt, y = features[used], test_features[used], labels[used]
    g = None if groups is None else np.asarray(groups)[used]
    probability = np.empty(len(y))
    predicted = np.zeros(len(y), bool)
    fold_f1, thresholds = [], []
    for train, test in _splitter(g, n_splits, seed).split(x, y, g):
        inner = out_of_fold_probability(
            x[train], y[train], None if g is None else g[train], n_splits=inner_splits, seed=seed, c=c
        )
        threshold, _ = best_f1_threshold(y[train], inner)
        model = fit_rounded_back(x[train], y[train], aspect_ratio=1.0, c=c)
        probability[test] = model.predict_probability(xt[test])
        predicted[test] = probability[test] >= threshold
        fold_f1.append(Scores.of(y[test], predicted[test], probability[test]).f1)
        thresholds.append(threshold)
    return CVResult(
        scheme="shuffled" if groups is None else "grouped",
        pooled=Scores.of(y, predicted, probability),
        fold_f1=tuple(fold_f1),
        fold_thresholds=tuple(thresholds),
        probability=probability,
        labels=y,
        used=used,
    )


def nearest_neighbour_probe(
    frames: LabelledFrames, groups: AnyArray | None, *, n_splits: int = DEFAULT_SPLITS, seed: int = DEFAULT_SEED
) -> float:
    """F1 of a 1-nearest-neighbour classifier on the raw normalised x/y of all present landmarks.

    Such a model can only remember, so a high score means the folds leak near-copies; a grouping
    that works brings it down.

    Parameters
    ----------
    frames : LabelledFrames
        The labelled frames.
    groups : AnyArray | None
        (N,) group ids; None for plain stratified folds.
    n_splits : int
        Number of folds.
    seed : int
        Seed of the fold shuffling.

    Returns
    -------
    float
        The pooled out-of-fold F1.
    """
    from sklearn.neighbors import KNeighborsClassifier

    coords = frames.image_norm[:, frames.present_landmarks(), :2].reshape(len(frames), -1)
    predicted = np.empty(len(frames), bool)
    for train, test in _splitter(groups, n_splits, seed).split(coords, frames.labels, groups):
        predicted[test] = (
            KNeighborsClassifier(n_neighbors=1).fit(coords[train], frames.labels[train]).predict(coords[test])
        )
    return Scores.of(frames.labels, predicted, predicted.astype(float)).f1
