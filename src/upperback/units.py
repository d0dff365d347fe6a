"""Units people and other apps log in, and the conversions between them: one place for each."""

from __future__ import annotations

from enum import StrEnum


class WeightUnit(StrEnum):
    """The unit a load is logged in."""

    KG = "kg"
    LB = "lb"


KG_PER_LB = 0.45359237
"""The international avoirdupois pound, exact by definition (1959)."""

METRES_PER = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "ft": 0.3048, "yd": 0.9144}
"""Metres per distance unit: the international mile, foot and yard, exact by definition."""


def weight_in(value: float, unit: WeightUnit | str, to: WeightUnit | str = WeightUnit.KG) -> float:
    """``value`` (in ``unit``) in the unit ``to``: the one lb/kg conversion of the project."""
    if unit == to:
        return value
    return value * KG_PER_LB if unit == WeightUnit.LB else value / KG_PER_LB
