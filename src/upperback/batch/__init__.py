"""Many videos at once: the same ``analyze()`` on a local process pool or on a Ray cluster."""

from upperback.batch.inputs import BatchInput, discover_inputs
from upperback.batch.layout import OutputLayout
from upperback.batch.local import LocalEngine
from upperback.batch.ray_engine import RayEngine
from upperback.batch.runner import BatchOptions, BatchResult, Engine, run_batch

__all__ = ["BatchInput", "BatchOptions", "BatchResult", "Engine", "LocalEngine", "OutputLayout",
           "RayEngine", "discover_inputs", "run_batch"]
