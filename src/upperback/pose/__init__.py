"""Video → ``PoseTrack``: decoding, BlazePose, landmark files.

The names below load on first use, so light modules of this package (``pose.rate``) can be
imported without NumPy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from upperback.pose.landmarks import Landmark
    from upperback.pose.track import PoseTrack, SourceInfo

__all__ = ["Landmark", "PoseTrack", "SourceInfo"]

_HOMES = {
    "Landmark": "upperback.pose.landmarks",
    "PoseTrack": "upperback.pose.track",
    "SourceInfo": "upperback.pose.track",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
