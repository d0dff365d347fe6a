"""The one record of a performed set, from an import or a form to the store and every export.

It needs no database, so the readers of other apps' files, the command line and the web forms
use it as it is; :mod:`upperback.store` saves it and gives it back, the JSON export writes its
fields (:mod:`upperback.logbook.json_io`). Units and set types are enums: text from a file, a
form or the database becomes one on the way in, or is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum

from upperback.errors import UpperbackError
from upperback.limits import set_problems
from upperback.units import WeightUnit, weight_in

MAX_NAME_CHARS = 200
"""The exercise name column's size."""


class SetType(StrEnum):
    """What kind of set it was: warm-ups are not work sets; drop and failure sets are."""

    NORMAL = "normal"
    WARMUP = "warmup"
    DROP = "drop"
    FAILURE = "failure"


_SET_TYPES: dict[object, SetType] = {kind.value: kind for kind in SetType}
_UNITS: dict[object, WeightUnit | None] = {None: None, **{unit.value: unit for unit in WeightUnit}}


@dataclass(frozen=True)
class LoggedSet:
    """One performed set, as logged by hand, by a guided session or by an import."""

    performed_at: datetime
    exercise_id: str | None
    exercise_name: str
    variant_id: str | None = None
    set_index: int = 1
    set_type: SetType = SetType.NORMAL
    reps: int | None = None
    load: float | None = None
    load_unit: WeightUnit | None = None
    duration_s: float | None = None
    distance_m: float | None = None
    rpe: float | None = None
    rir: float | None = None
    notes: str = ""
    session_id: int | None = None
    source: str = "manual"
    id: int | None = None

    def __post_init__(self) -> None:
        """Make a set type or unit given as text (``"warmup"``, ``"lb"``) its enum; refuse others."""
        set_type, unit = _SET_TYPES.get(self.set_type), _UNITS.get(self.load_unit)
        if set_type is not self.set_type:  # a dict lookup: the store makes thousands of these at once
            if set_type is None:
                raise self._refused([f"set type '{self.set_type}' is not one of {', '.join(SetType)}"])
            object.__setattr__(self, "set_type", set_type)
        if unit is not self.load_unit:
            if unit is None:
                raise self._refused([f"load unit '{self.load_unit}' is not {' or '.join(WeightUnit)}"])
            object.__setattr__(self, "load_unit", unit)

    @property
    def load_kg(self) -> float | None:
        """The load in kg, whatever unit it was logged in."""
        return None if self.load is None else weight_in(self.load, self.load_unit or WeightUnit.KG)

    def problems(self) -> list[str]:
        """What no real set can have (see :mod:`upperback.limits`), described; empty when all is fine."""
        problems = []
        if not self.exercise_name.strip():
            problems.append("the exercise name is empty")
        if len(self.exercise_name) > MAX_NAME_CHARS:
            problems.append(f"the exercise name is longer than {MAX_NAME_CHARS} characters")
        return problems + set_problems(
            reps=self.reps,
            load=self.load,
            load_unit=self.load_unit,
            duration_s=self.duration_s,
            distance_m=self.distance_m,
            rpe=self.rpe,
            rir=self.rir,
            set_number=self.set_index,
        )

    def validated(self) -> LoggedSet:
        """This set with ``performed_at`` in UTC; raise on values no real set can have."""
        if self.performed_at.tzinfo is None:
            raise UpperbackError(
                f"The set of '{self.exercise_name}' has a time without a time zone "
                f"({self.performed_at.isoformat()}); give the time zone it was performed in."
            )
        problems = self.problems()
        if problems:
            raise self._refused(problems)
        return replace(self, performed_at=self.performed_at.astimezone(UTC))

    def natural_key(self) -> str:
        """A fingerprint of what was done and when; two sets with the same key are the same set.

        Imports use it to skip sets they already hold, so re-importing a file, or a newer export
        of the same history, adds only what is new.
        """
        at = self.performed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
        parts = [
            at,
            " ".join(self.exercise_name.lower().split()),
            str(self.set_index),
            self.set_type.value,
            _num(self.reps),
            _num(self.load),
            self.load_unit.value if self.load_unit else "",
            _num(self.duration_s),
            _num(self.distance_m),
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()

    def _refused(self, problems: list[str]) -> UpperbackError:
        return UpperbackError(f"Cannot log this set of '{self.exercise_name[:80]}': " + "; ".join(problems) + ".")


def _num(value: float | int | None) -> str:
    return "" if value is None else repr(float(value))
