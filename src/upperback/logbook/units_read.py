"""Say which unit an import read its weights in, and warn when a file that names none looks like the other.

Strong's classic export writes the user's unit without naming it; read in the wrong unit, a
185 lb row becomes a 185 kg one. Nothing about units is left silent: the import summary carries
one :class:`UnitsRead` line, and a warning with the command that re-imports the file right.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from upperback.logbook.csv_reader import ParsedExport
from upperback.units import WeightUnit

# Pound-plate loading: a 45 lb bar plus pairs of 45/35/25/10/5/2.5 lb plates, and dumbbells in
# 5 lb steps. Loads logged in pounds are then almost all multiples of 5 lb and about half of the
# whole ones end in 5 (45, 95, 135, 185, 225). Kilogram loading (20 kg bar, 1.25-25 kg plates,
# 2 kg dumbbell steps) ends in 5 far less often. Across the 11 real exports in logs-wild the two
# pound files give 95-96 % multiples of 5 and 55-59 % ending in 5; the nine kilogram files at
# most 82 % and 36 %.
POUND_STEP_SHARE = 0.90
POUND_ODD_FIVE_SHARE = 0.45
# No lift has been done with more than 501 kg (the deadlift world record, H. Björnsson, 2020).
MOST_KG_EVER_LIFTED = 501.0


@dataclass(frozen=True)
class UnitsRead:
    """How the weights of an import were read: ``sentence`` for people, ``warning`` if they look wrong."""

    sentence: str
    named_in_file: bool
    warning: str | None = None
    suggested_unit: WeightUnit | None = None
    """The unit to import again with, when ``warning`` says the loads look like it."""


def units_read(parsed: ParsedExport, assumed_unit: WeightUnit) -> UnitsRead:
    """The units an import used; ``assumed_unit`` is what a file that names none was read in."""
    units = Counter(s.set.load_unit for s in parsed.sets if s.set.load)
    source = parsed.weight_source
    if not units:
        return UnitsRead("The file has no weights.", named_in_file=source is not None)
    if source is not None and source.unit is not None:
        return UnitsRead(f"Weights read in {source.unit}, as the file's '{source.column}' column says.", True)
    if source is not None:
        counts = ", ".join(f"{n:,} sets in {u}" for u, n in units.most_common())
        return UnitsRead(f"Weights read in the unit each row names in its '{source.column}' column: {counts}.", True)
    sentence = (
        f"The file does not say which unit its weights are in; they were read as {assumed_unit} "
        f"(--unit {assumed_unit})."
    )
    other = WeightUnit.LB if assumed_unit == WeightUnit.KG else WeightUnit.KG
    loads = [s.set.load for s in parsed.sets if s.set.load]
    reasons = _looks_like_pounds(loads) if assumed_unit == WeightUnit.KG else []
    if not reasons:
        return UnitsRead(sentence, False)
    return UnitsRead(
        sentence, False, warning=f"These weights look like pounds: {'; '.join(reasons)}.", suggested_unit=other
    )


def _looks_like_pounds(loads: list[float]) -> list[str]:
    reasons = []
    heaviest = max(loads)
    if heaviest > MOST_KG_EVER_LIFTED:
        reasons.append(f"the heaviest, {heaviest:g}, is more than anyone has lifted in kg")
    fives = sum(1 for v in loads if _multiple(v, 5.0)) / len(loads)
    whole = [round(v) for v in loads if _multiple(v, 1.0)]
    odd_fives = sum(1 for v in whole if v % 10 == 5) / len(whole) if whole else 0.0
    if fives >= POUND_STEP_SHARE and odd_fives >= POUND_ODD_FIVE_SHARE:
        reasons.append(
            f"{fives:.0%} are in 5 lb plate steps and {odd_fives:.0%} of them end in 5, like a "
            "45 lb bar with pairs of plates"
        )
    return reasons


def _multiple(value: float, step: float) -> bool:
    return abs(value / step - round(value / step)) < 1e-6
