"""BlazePose Full from the pinned ``mediapipe`` wheel: the model ships in the wheel, nothing downloads."""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from upperback.pose.landmarks import NUM_LANDMARKS
from upperback.pose.mask import PersonMask, crop_to_mask

# Quieten mediapipe's C++ logging before it is imported.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

MODEL_COMPLEXITY = 1
"""BlazePose Full, the variant bundled in the mediapipe 0.10.x wheel (Lite and Heavy download at run time)."""


@dataclass(frozen=True)
class Detection:
    """Landmarks of the person found in one frame."""

    image: NDArray[np.float32]  # (33, 3) x, y in pixels, z in the same pixel scale
    world: NDArray[np.float32]  # (33, 3) metres, origin between the hips
    visibility: NDArray[np.float32]  # (33,)
    mask: PersonMask | None = None  # person probability, if segmentation is on


def quiet_native_logs() -> None:
    """Keep MediaPipe's and TensorFlow Lite's C++ log lines off the user's terminal.

    They write straight to file descriptor 2 from their own threads, whatever GLOG says. Once
    per process, Python's ``sys.stderr`` moves to a copy of that descriptor and descriptor 2
    itself goes to /dev/null, so Python's messages (errors, progress bars) still show.
    Set ``UPPERBACK_NATIVE_LOGS=1`` to see the native lines when debugging.
    """
    global _native_logs_quiet
    if _native_logs_quiet or os.environ.get("UPPERBACK_NATIVE_LOGS") == "1":
        return
    sys.stderr.flush()
    python_stderr = os.fdopen(os.dup(2), "w", buffering=1, encoding=sys.stderr.encoding, errors="backslashreplace")
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 2)
    sys.stderr = python_stderr
    _native_logs_quiet = True


_native_logs_quiet = False


class BlazePose:
    """One BlazePose tracker. Frames must be fed in time order; it is not thread-safe.

    Parameters
    ----------
    segmentation
        Also return the person-segmentation mask, on BlazePose's crop around the person
        (:class:`~upperback.pose.mask.PersonMask`; about 1 ms more per frame).

    Notes
    -----
    MediaPipe's own landmark smoothing is switched off: it assumes 30 fps timestamps, which
    is wrong when frames are sampled at an analysis rate. Smoothing happens in ``kinematics``
    with the real timestamps instead.
    """

    def __init__(self, segmentation: bool = False) -> None:
        quiet_native_logs()
        self.segmentation = segmentation
        self._fresh = True  # nothing processed since the graph started
        self._pose = _pose_graph(segmentation)

    def process(self, rgb: NDArray[np.uint8]) -> Detection | None:
        """Landmarks of the most prominent person in an RGB uint8 (H, W, 3) picture, or None."""
        self._fresh = False
        result = self._pose.process({"image": rgb})
        if result.pose_landmarks is None:
            return None
        height, width = rgb.shape[:2]
        image = np.array([(p.x, p.y, p.z) for p in result.pose_landmarks.landmark], np.float32)
        image *= np.array([width, height, width], np.float32)
        visibility = np.array([p.visibility for p in result.pose_landmarks.landmark], np.float32)
        world = np.full((NUM_LANDMARKS, 3), np.nan, np.float32)
        if result.pose_world_landmarks is not None:
            world[:] = [(p.x, p.y, p.z) for p in result.pose_world_landmarks.landmark]
        mask = None
        crop_mask, crop = getattr(result, _CROP_MASK), result.pose_rect
        if self.segmentation and crop_mask is not None and crop is not None:
            values = np.array(crop_mask, np.float32).reshape(crop_mask.shape[:2])
            to_mask = crop_to_mask(
                crop.x_center,
                crop.y_center,
                crop.width,
                crop.height,
                crop.rotation,
                (height, width),
                (values.shape[0], values.shape[1]),
            )
            mask = PersonMask(values, to_mask, (height, width))
        return Detection(image=image, world=world, visibility=visibility, mask=mask)

    def reset(self) -> None:
        """Forget the tracked person so the next frame can start another video; the model stays loaded."""
        if not self._fresh:
            self._pose.reset()
            self._fresh = True

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> BlazePose:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_CROP_MASK = "poselandmarkbyroicpu__roi_segmentation_mask"
"""The mask as BlazePose made it, on the 256 x 256 crop ``pose_rect`` around the person."""

_FULL_SIZE_MASK_NODES = (
    "poselandmarkbyroicpu__poselandmarksandsegmentationinverseprojection__WarpAffineCalculator",
    "poselandmarkbyroicpu__poselandmarksandsegmentationinverseprojection__InverseMatrixCalculator",
)
"""The nodes that warp the crop's mask onto a picture as large as the frame (and smooth it over
time, which is off here); left out, the landmarks stay the same to the bit."""


def _pose_graph(segmentation: bool) -> Any:  # mediapipe ships no types
    """mediapipe's Pose graph (BlazePose Full, as ``mp.solutions.pose.Pose`` builds it, MediaPipe's
    smoothing off), giving the mask on the person's crop instead of warped to the frame's size."""
    _pose_solution()
    from mediapipe.python.solution_base import SolutionBase

    config = _crop_mask_graph()

    class CropMaskPose(SolutionBase):  # type: ignore[misc]  # mediapipe ships no types: SolutionBase is Any
        def __init__(self) -> None:
            super().__init__(
                graph_config=config,
                side_inputs={
                    "model_complexity": MODEL_COMPLEXITY,
                    "smooth_landmarks": False,
                    "enable_segmentation": segmentation,
                    "use_prev_landmarks": True,
                },
                calculator_params={
                    "posedetectioncpu__TensorsToDetectionsCalculator.min_score_thresh": 0.5,
                    "poselandmarkbyroicpu__tensorstoposelandmarksandsegmentation__"
                    "ThresholdingCalculator.threshold": 0.5,
                },
                outputs=["pose_landmarks", "pose_world_landmarks", "pose_rect", _CROP_MASK],
            )

    return CropMaskPose()


@functools.cache
def _crop_mask_graph() -> Any:
    """The Pose graph with its subgraphs expanded, minus the full-size mask's nodes, plus two
    outputs: the crop's mask and the crop (``pose_rect``)."""
    from mediapipe.framework import calculator_pb2
    from mediapipe.python import solution_base
    from mediapipe.python._framework_bindings import validated_graph_config

    mp_pose = _pose_solution()
    root = Path(solution_base.__file__).resolve().parents[2]  # where SolutionBase resolves graph paths
    graph = validated_graph_config.ValidatedGraphConfig()
    graph.initialize(binary_graph_path=str(root / mp_pose._BINARYPB_FILE_PATH))
    config = calculator_pb2.CalculatorGraphConfig()
    config.ParseFromString(graph.binary_config)
    mask_streams = {"unfiltered_segmentation_mask", "filtered_segmentation_mask", "segmentation_mask"}
    dropped = [
        node
        for node in config.node
        if node.name in _FULL_SIZE_MASK_NODES
        or node.name.startswith("posesegmentationfiltering__")
        or any(stream.split(":")[-1] in mask_streams for stream in node.input_stream)
    ]
    if len(dropped) != 6:
        raise RuntimeError(
            f"mediapipe's Pose graph is not the one upperback was built for "
            f"(found {len(dropped)} of the 6 mask nodes it replaces)"
        )
    for node in dropped:
        config.node.remove(node)
    outputs = [s for s in config.output_stream if s.split(":")[-1] not in mask_streams]
    del config.output_stream[:]
    config.output_stream.extend([*outputs, f"CROP_MASK:{_CROP_MASK}", "CROP:pose_rect"])
    return config


def _pose_solution() -> ModuleType:
    """mediapipe's Pose solution, imported without the rest of mediapipe.

    ``import mediapipe`` runs the package's ``__init__``, which loads every solution, their
    drawing helpers (matplotlib) and the audio tasks: about half a second and 60 MB per process,
    paid by every pose worker. Where mediapipe is not imported yet, its two package modules are
    registered without running their ``__init__``, and only the Pose module and what it needs
    load. Submodule imports (``from mediapipe.python.solutions import pose``) work as usual.
    """
    with _import_lock:  # the web app may start two trackers at once
        if "mediapipe" not in sys.modules:
            _register_without_init("mediapipe")
            importlib.import_module("mediapipe.python")
            _register_without_init("mediapipe.python.solutions")
        return importlib.import_module("mediapipe.python.solutions.pose")


_import_lock = threading.Lock()


def _register_without_init(name: str) -> None:
    spec = importlib.util.find_spec(name)
    if spec is None:
        raise ImportError(f"{name} is not installed")
    sys.modules[name] = importlib.util.module_from_spec(spec)


_kept_estimators: dict[bool, BlazePose] | None = None


def keep_model_loaded() -> None:
    """Reuse one BlazePose per process from now on, reset between videos instead of rebuilt.

    For long-lived workers that analyse video after video (batch runs): it saves building and
    tearing down the model graph for every video. Results do not change, because ``reset``
    starts a fresh graph run and no tracking state carries over from the previous video.
    """
    global _kept_estimators
    if _kept_estimators is None:
        _kept_estimators = {}


@contextmanager
def video_estimator(segmentation: bool = False) -> Iterator[BlazePose]:
    """A BlazePose to feed one video from its first frame.

    A new one, closed at the end; after :func:`keep_model_loaded`, this process's kept one, reset.
    """
    if _kept_estimators is None:
        with BlazePose(segmentation=segmentation) as pose:
            yield pose
        return
    kept = _kept_estimators.get(segmentation)
    if kept is None:
        kept = _kept_estimators[segmentation] = BlazePose(segmentation=segmentation)
    else:
        kept.reset()
    yield kept
