"""Save and load a ``PoseTrack`` as a versioned ``.npz`` file."""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import asdict
from pathlib import Path

import numpy as np

from upperback.errors import UpperbackError
from upperback.files import atomic_target
from upperback.pose.track import PoseTrack, SourceInfo

NPZ_SCHEMA_VERSION = 1
_EXTRA_PREFIX = "extra__"


def save_track(track: PoseTrack, path: str | os.PathLike[str]) -> Path:
    """Write ``track`` to ``path`` atomically (a crash never leaves a half-written file)."""
    path = Path(path)
    arrays = {
        "schema_version": np.array(NPZ_SCHEMA_VERSION),
        "times_s": track.times_s,
        "image": track.image,
        "world": track.world,
        "visibility": track.visibility,
        "frame_index": track.frame_index,
        "source": np.array(json.dumps(asdict(track.source))),
        "analysis_rate_hz": np.array(np.nan if track.analysis_rate_hz is None else track.analysis_rate_hz),
        "warnings": np.array(json.dumps(list(track.warnings))),
    }
    arrays |= {_EXTRA_PREFIX + name: values for name, values in track.extras.items()}
    with atomic_target(path) as partial, partial.open("wb") as handle:
        np.savez_compressed(handle, **arrays)
    return path


def load_track(path: str | os.PathLike[str]) -> PoseTrack:
    """Read a track written by :func:`save_track`."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            version = int(data["schema_version"]) if "schema_version" in data else None
            if version != NPZ_SCHEMA_VERSION:
                raise UpperbackError(
                    f"{path}: pose-track format version {version} is not supported (this upperback "
                    f"reads version {NPZ_SCHEMA_VERSION}). Re-create it with 'upperback pose VIDEO -o {path.name}'."
                )
            rate = float(data["analysis_rate_hz"])
            return PoseTrack(
                times_s=data["times_s"],
                image=data["image"],
                world=data["world"],
                visibility=data["visibility"],
                frame_index=data["frame_index"],
                source=SourceInfo(**json.loads(str(data["source"]))),
                analysis_rate_hz=None if np.isnan(rate) else rate,
                extras={k.removeprefix(_EXTRA_PREFIX): data[k] for k in data.files if k.startswith(_EXTRA_PREFIX)},
                warnings=tuple(json.loads(str(data["warnings"]))),
            )
    except FileNotFoundError as exc:
        raise UpperbackError(f"{path}: no such file.") from exc
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        raise UpperbackError(
            f"{path}: not a readable upperback pose track ({exc}). Create one with 'upperback pose VIDEO -o track.npz'."
        ) from exc
