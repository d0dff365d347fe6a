"""Read landmark CSVs (``<landmark>_x/_y/_z/_v`` columns in MediaPipe naming) into a ``PoseTrack``."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np
import numpy.typing as npt

from upperback.errors import UpperbackError
from upperback.pose.aspect import picture_shape
from upperback.pose.landmarks import NUM_LANDMARKS, Landmark
from upperback.pose.track import PoseTrack, SourceInfo

_COLUMN = re.compile(r"^(?P<name>[a-z_]+)_(?P<axis>[xyzv])$")
_AXES = {"x": 0, "y": 1, "z": 2}
NORMALISED_LIMIT = 2.0
"""Coordinates whose magnitude never exceeds this are taken to be normalised to the picture size."""


def read_landmark_csv(
    path: str | Path,
    width: int | None = None,
    height: int | None = None,
    fps: float = 30.0,
) -> PoseTrack:
    """Read one landmark CSV.

    Parameters
    ----------
    path
        CSV with a header. Landmark columns are ``<name>_x``, ``<name>_y`` and optionally
        ``<name>_z`` and ``<name>_v`` (visibility) for any subset of the 33 BlazePose names.
        An optional ``time_s`` column gives times; else an optional ``frame`` column, divided
        by ``fps``; else the row number. Other columns (``label``, ...) are ignored.
    width, height
        Size of the video the landmarks came from, in pixels, for normalised coordinates (0 to
        1): they are multiplied by it (z by the width, as in MediaPipe). Without it, the shape
        the body's proportions point to is taken (:func:`~upperback.pose.aspect.picture_shape`)
        and the track warns so.
    fps
        Frame rate used to turn frame numbers (or row numbers) into times.

    Returns
    -------
    PoseTrack
        One row per CSV data row, in file order; absent landmarks are NaN, and world
        landmarks (not in such files) are NaN too.
    """
    path = Path(path)
    header, rows, lines = _read_rows(path)
    columns = _landmark_columns(path, header)
    n = len(rows)
    image = np.full((n, NUM_LANDMARKS, 3), np.nan, np.float32)
    visibility = np.full((n, NUM_LANDMARKS), np.nan, np.float32)
    present = np.zeros(NUM_LANDMARKS, bool)
    for (landmark, axis), col in columns.items():
        values = _numeric_column(path, rows, lines, col, header[col])
        if axis == "v":
            visibility[:, landmark] = values
        else:
            image[:, landmark, _AXES[axis]] = values
            present[landmark] = True
    for landmark in map(Landmark, np.flatnonzero(present)):
        missing = np.isnan(image[:, landmark, 0])
        if (landmark, "z") not in columns:
            image[:, landmark, 2] = np.where(missing, np.nan, 0.0)
        if (landmark, "v") not in columns:
            visibility[:, landmark] = np.where(missing, np.nan, 1.0)

    size, warnings = _pixel_size(path, image, visibility, width, height)
    if size is not None:
        width, height = size
        image[..., 0] *= width
        image[..., 1] *= height
        image[..., 2] *= width
    times = _times(path, header, rows, lines, fps)
    source = SourceInfo(
        name=path.name,
        width=int(width or _extent(image[..., 0])),
        height=int(height or _extent(image[..., 1])),
        fps=fps,
        frames=n,
        duration_s=float(np.nanmax(times)) if n else 0.0,
    )
    return PoseTrack(
        times_s=times,
        image=image,
        world=np.full((n, NUM_LANDMARKS, 3), np.nan, np.float32),
        visibility=visibility,
        frame_index=np.arange(n, dtype=np.int64),
        source=source,
        warnings=warnings,
    )


def _read_rows(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    """The header, the non-blank data rows, and the file line on which each row ends."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if not header:
                raise UpperbackError(f"{path}: the file is empty; expected a header row of landmark columns.")
            rows, lines = [], []
            for row in reader:
                if not row:
                    continue
                if len(row) != len(header):
                    raise UpperbackError(
                        f"{path}, line {reader.line_num}: {len(row)} values but the header has "
                        f"{len(header)} columns. Fix or remove that line."
                    )
                rows.append(row)
                lines.append(reader.line_num)
    except FileNotFoundError as exc:
        raise UpperbackError(f"{path}: no such file.") from exc
    except UnicodeDecodeError as exc:
        raise UpperbackError(f"{path}: not a text CSV file (it is not UTF-8 text).") from exc
    except csv.Error as exc:
        raise UpperbackError(f"{path}: not a readable CSV file ({exc}).") from exc
    if not rows:
        raise UpperbackError(f"{path}: the header is there but no data rows follow.")
    return [h.strip() for h in header], rows, lines


def _landmark_columns(path: Path, header: list[str]) -> dict[tuple[Landmark, str], int]:
    columns: dict[tuple[Landmark, str], int] = {}
    for index, name in enumerate(header):
        match = _COLUMN.match(name.lower())
        if match and match["name"].upper() in Landmark.__members__:
            columns[(Landmark.from_column(match["name"]), match["axis"])] = index
    names = {lm for lm, axis in columns if axis in "xy"}
    incomplete = sorted(lm.column for lm in names if not {(lm, "x"), (lm, "y")} <= columns.keys())
    if incomplete:
        raise UpperbackError(f"{path}: landmark(s) {', '.join(incomplete)} need both _x and _y columns.")
    if not names:
        raise UpperbackError(
            f"{path}: no landmark columns found. Expected columns such as left_shoulder_x, "
            "left_shoulder_y (MediaPipe landmark names with _x/_y/_z/_v)."
        )
    return columns


def _numeric_column(
    path: Path, rows: list[list[str]], lines: list[int], col: int, name: str
) -> npt.NDArray[np.float32]:
    values = np.empty(len(rows), np.float32)
    for i, row in enumerate(rows):
        text = row[col].strip()
        try:
            values[i] = float(text) if text and text.lower() != "nan" else math.nan
        except ValueError:
            raise UpperbackError(
                f"{path}, data row {i + 1} (line {lines[i]}): column '{name}' holds '{text}', not a number."
            ) from None
    return values


def _pixel_size(
    path: Path,
    image: npt.NDArray[np.float32],
    visibility: npt.NDArray[np.float32],
    width: int | None,
    height: int | None,
) -> tuple[tuple[int, int] | None, tuple[str, ...]]:
    """The pixel size to scale normalised coordinates by (None for coordinates already in
    pixels), and the warning to give when the size had to be guessed."""
    if (width is None) != (height is None):
        raise UpperbackError("Give both --width and --height, or neither.")
    if width is not None and height is not None:
        if width <= 0 or height <= 0:
            raise UpperbackError("--width and --height must be positive numbers of pixels.")
        return (width, height), ()
    extent = np.nanmax(np.abs(image[..., :2])) if np.isfinite(image[..., :2]).any() else 0.0
    if extent > NORMALISED_LIMIT:
        return None, ()
    shape = picture_shape(image.astype(np.float64), visibility.astype(np.float64))
    if shape is None:
        raise UpperbackError(
            f"{path}: the coordinates are normalised (0 to 1), and too few rows show a whole side of "
            "the body to tell the picture's shape from. Pass --width and --height, the size in pixels "
            "of the video they came from, so that angles come out right."
        )
    name, size = shape
    warning = (
        f"{path.name} gives no picture size (its coordinates run 0 to 1), so the picture was taken to "
        f"be {name}, the shape the body's proportions point to. Angles are only right if it was: pass "
        "--width and --height, the video's size in pixels, to be sure."
    )
    return size, (warning,)


def _extent(values: npt.NDArray[np.float32]) -> float:
    return float(np.nanmax(values)) if np.isfinite(values).any() else 0.0


def _times(
    path: Path, header: list[str], rows: list[list[str]], lines: list[int], fps: float
) -> npt.NDArray[np.float64]:
    if fps <= 0:
        raise UpperbackError("--fps must be positive.")
    lowered = [h.lower() for h in header]
    if "time_s" in lowered:
        col = lowered.index("time_s")
        return _numeric_column(path, rows, lines, col, header[col]).astype(np.float64)
    if "frame" in lowered:
        col = lowered.index("frame")
        return _numeric_column(path, rows, lines, col, header[col]).astype(np.float64) / fps
    return np.arange(len(rows), dtype=np.float64) / fps
