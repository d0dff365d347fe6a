"""Conversion factors between the units people and other apps log in: one place for each."""

KG_PER_LB = 0.45359237
"""The international avoirdupois pound, exact by definition (1959)."""

METRES_PER = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "ft": 0.3048, "yd": 0.9144}
"""Metres per distance unit: the international mile, foot and yard, exact by definition."""
