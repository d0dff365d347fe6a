"""Many videos at once: the same ``analyze()`` on a local process pool or on a Ray cluster.

The names below load on first use, so the web app can use the output layout and the Ray
path without loading the summary table's PyArrow.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from upperback.batch.inputs import BatchInput, discover_inputs
    from upperback.batch.layout import OutputLayout
    from upperback.batch.local import LocalEngine
    from upperback.batch.ray_engine import RayEngine
    from upperback.batch.runner import BatchOptions, BatchResult, Engine, run_batch

__all__ = [
    "BatchInput",
    "BatchOptions",
    "BatchResult",
    "Engine",
    "LocalEngine",
    "OutputLayout",
    "RayEngine",
    "discover_inputs",
    "run_batch",
]

_HOMES = {
    "BatchInput": "inputs",
    "discover_inputs": "inputs",
    "OutputLayout": "layout",
    "LocalEngine": "local",
    "RayEngine": "ray_engine",
    "BatchOptions": "runner",
    "BatchResult": "runner",
    "Engine": "runner",
    "run_batch": "runner",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f"upperback.batch.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
