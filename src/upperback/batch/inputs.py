"""What a batch analyses: videos named on the command line, found in folders, or listed in a manifest.

Every problem with the inputs (a missing file, a bad manifest row) is found before any work
starts and reported in one :class:`~upperback.errors.UpperbackError` naming the file and line.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from upperback.analysis import AUTO
from upperback.errors import UnknownNameError, UpperbackError
from upperback.library import get_library

VIDEO_EXTENSIONS = frozenset({".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi"})
"""Files a folder search picks up (case-insensitive)."""

MANIFEST_EXTENSION = ".csv"

PATH_COLUMNS = ("path", "file", "video")
EXERCISE_COLUMNS = ("exercise",)
CLIENT_COLUMNS = ("client_id", "client", "athlete_id", "athlete")
"""Accepted manifest headers (case-insensitive), first match wins."""

MAX_PROBLEMS_SHOWN = 10


@dataclass(frozen=True)
class BatchInput:
    """One video to analyse, with the movement to check and whose video it is."""

    path: Path
    exercise: str
    client_id: str | None = None


def discover_inputs(
    inputs: Sequence[str | Path],
    exercise: str,
    exclude: Path | None = None,
) -> list[BatchInput]:
    """Expand files, folders (searched recursively for videos) and CSV manifests into inputs.

    Parameters
    ----------
    inputs
        Paths as the user gave them. A ``.csv`` file is a manifest; any other file is a video.
    exercise
        Movement id, or ``auto``, for inputs that do not name their own (manifest rows may).
    exclude
        A folder whose files are never inputs (the batch's output folder, which may hold
        annotated videos).

    Returns
    -------
    list of BatchInput
        In the order given, folders sorted by path; the same (video, exercise, client) once.
    """
    check_exercise(exercise)
    problems: list[str] = []
    found: list[BatchInput] = []
    for given in inputs:
        path = Path(given).expanduser()
        if path.is_dir():
            videos = list(_videos_under(path, exclude))
            if not videos:
                problems.append(
                    f"{path}: no videos found in this folder (looked for {', '.join(sorted(VIDEO_EXTENSIONS))})."
                )
            found += [BatchInput(_absolute(video), exercise) for video in videos]
        elif path.suffix.lower() == MANIFEST_EXTENSION and path.is_file():
            rows, row_problems = read_manifest(path, exercise)
            found += rows
            problems += row_problems
        elif path.is_file():
            found.append(BatchInput(_absolute(path), exercise))
        else:
            problems.append(f"{path}: no such file or folder.")
    if problems:
        raise UpperbackError(_problem_list(problems))
    if not found:
        raise UpperbackError("Nothing to analyse: name videos, folders of videos or a CSV manifest.")
    return list(dict.fromkeys(found))


def read_manifest(path: Path, default_exercise: str) -> tuple[list[BatchInput], list[str]]:
    """Rows of a CSV manifest and the problems found in it (each with its line number).

    The manifest needs a ``path`` (or ``file``) column; ``exercise`` and ``client_id`` (or
    ``client``, ``athlete_id``, ``athlete``) are optional, other columns are ignored. Relative
    paths are relative to the manifest's folder; an empty exercise means ``default_exercise``.
    """
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip().lower() for name in reader.fieldnames or []]
            reader.fieldnames = header
            path_column = _first_of(PATH_COLUMNS, header)
            if path_column is None:
                found = ", ".join(header) or "nothing"
                return [], [
                    f"{path}: a manifest needs a 'path' column naming each video (found: "
                    f"{found}). Landmark CSVs are analysed with 'upperback analyze-landmarks'."
                ]
            exercise_column = _first_of(EXERCISE_COLUMNS, header)
            client_column = _first_of(CLIENT_COLUMNS, header)
            rows: list[BatchInput] = []
            problems: list[str] = []
            for row in reader:
                where = f"{path} line {reader.line_num}"
                video = (row.get(path_column) or "").strip()
                if not video:
                    problems.append(f"{where}: the '{path_column}' cell is empty.")
                    continue
                video_path = _absolute(path.parent / Path(video).expanduser())
                if not video_path.is_file():
                    problems.append(f"{where}: {video_path}: no such file.")
                    continue
                exercise = (row.get(exercise_column) or "").strip() if exercise_column else ""
                try:
                    check_exercise(exercise or default_exercise)
                except UnknownNameError as exc:
                    problems.append(f"{where}: {exc.message}")
                    continue
                client = (row.get(client_column) or "").strip() if client_column else ""
                rows.append(BatchInput(video_path, exercise or default_exercise, client or None))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return [], [f"{path}: cannot read the manifest ({exc}). Save it as a UTF-8 CSV file."]
    if not rows and not problems:
        problems.append(f"{path}: the manifest lists no videos.")
    return rows, problems


def check_exercise(exercise: str) -> None:
    """Raise :class:`UnknownNameError` unless ``exercise`` is ``auto``, a library movement id or
    a variant id."""
    if exercise != AUTO:
        get_library().analysis_target(exercise)


def _videos_under(folder: Path, exclude: Path | None) -> Iterable[Path]:
    skip = exclude.resolve() if exclude is not None else None
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).parts
        if any(part.startswith(".") for part in relative):
            continue  # hidden files and folders, e.g. macOS "._clip.mp4" companions
        if path.suffix.lower() not in VIDEO_EXTENSIONS or not path.is_file():
            continue
        if skip is not None and path.resolve().is_relative_to(skip):
            continue
        yield path


def _absolute(path: Path) -> Path:
    """Absolute and normalised, but symbolic links kept as the user named them."""
    return Path(os.path.abspath(path))


def _first_of(names: Sequence[str], header: Sequence[str]) -> str | None:
    return next((name for name in names if name in header), None)


def _problem_list(problems: list[str]) -> str:
    shown = problems[:MAX_PROBLEMS_SHOWN]
    more = len(problems) - len(shown)
    lines = ["The batch inputs have problems; fix them and run again:", *(f"  {p}" for p in shown)]
    if more:
        lines.append(f"  ... and {more} more.")
    return "\n".join(lines)
