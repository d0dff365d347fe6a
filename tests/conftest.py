"""Shared fixtures: the test media in ../shared/data and pose tracks computed from them once."""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest

# Keep pytest's own stderr capture in place (see upperback.pose.estimator.quiet_native_logs).
os.environ.setdefault("UPPERBACK_NATIVE_LOGS", "1")

SHARED_DATA = Path(os.environ.get("UPPERBACK_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
CLIPS = SHARED_DATA / "clips"
WILD_CLIPS = SHARED_DATA / "clips-wild"
SHRUG_KEYPOINTS = SHARED_DATA / "keypoints-shrug"
TRACK_CACHE = os.environ.get("UPPERBACK_TRACK_CACHE")
"""Optional folder of pose tracks saved earlier (``upperback pose CLIP -o DIR/NAME.npz``): a
developer's shortcut that skips BlazePose; CI leaves it unset and computes every track."""
RUN_TRACKS = "UPPERBACK_RUN_TRACKS"
"""Environment variable naming this run's folder of computed tracks, made by the main pytest
process and inherited by pytest-xdist's workers, so each clip goes through BlazePose once."""
LUMBAR_CSV = SHARED_DATA / "barbell_row_frames" / "lumbar_train.csv"

needs_media = pytest.mark.skipif(
    not CLIPS.is_dir(),
    reason=f"test media not found at {SHARED_DATA} (the shared folder beside the checkout); "
    "set UPPERBACK_SHARED_DATA to point at it",
)


needs_wild_media = pytest.mark.skipif(
    not WILD_CLIPS.is_dir(),
    reason=f"clips from the wild not found at {WILD_CLIPS}; set UPPERBACK_SHARED_DATA to point at it",
)


def clip_manifest(folder: Path = CLIPS) -> list[dict[str, str]]:
    """Rows of a clip folder's manifest.csv (empty when the media are absent)."""
    path = folder / "manifest.csv"
    if not path.is_file():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def pytest_configure(config):
    """The main process makes the folder its workers share computed tracks through."""
    if not hasattr(config, "workerinput"):
        os.environ[RUN_TRACKS] = tempfile.mkdtemp(prefix="upperback-tracks-")


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):
        shutil.rmtree(os.environ.pop(RUN_TRACKS), ignore_errors=True)


@cache
def clip_track(name: str, folder: Path = CLIPS):
    """The pose track of one shared clip at the default analysis rate, computed once per run."""
    from filelock import FileLock

    from upperback.pose.npz import load_track, save_track
    from upperback.pose.pipeline import extract_pose

    stem = Path(name).stem
    if TRACK_CACHE and (kept := Path(TRACK_CACHE) / f"{stem}.npz").is_file():
        return load_track(kept)
    saved = Path(os.environ[RUN_TRACKS]) / f"{folder.name}-{stem}.npz"
    with FileLock(f"{saved}.lock"):
        if not saved.is_file():
            save_track(extract_pose(folder / name), saved)
    return load_track(saved)


def wild_track(name: str):
    """The pose track of one clip of clips-wild/."""
    return clip_track(name, WILD_CLIPS)


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run the console entry point; return (exit code, stdout, stderr)."""
    from upperback.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code or 0, out, err


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    """Rich wraps at the terminal width; a wide one keeps asserted phrases on one line."""
    monkeypatch.setenv("COLUMNS", "300")


@pytest.fixture
def clips_dir() -> Path:
    if not CLIPS.is_dir():
        pytest.skip(f"test media not found at {CLIPS}")
    return CLIPS
