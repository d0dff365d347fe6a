"""Names for the NumPy array types in signatures, so each says what its array holds."""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
"""Coordinates, angles, ratios, times: float64, NaN where missing."""
BoolArray: TypeAlias = npt.NDArray[np.bool_]
"""A per-frame (or per-sample) mask."""
ObjectArray: TypeAlias = npt.NDArray[np.object_]
"""Per-frame labels kept as Python objects (e.g. view names)."""
AnyArray: TypeAlias = npt.NDArray[Any]
"""An array whose dtype the function does not depend on."""
