"""The training profile: what a user has, can do and wants.

A profile is validated once, here, at the boundary; planning code trusts it. Errors name the
field and say what to change.
"""

from __future__ import annotations

import difflib
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from upperback.errors import UpperbackError
from upperback.library import Equipment, Level, Movement, Variant, get_library
from upperback.limits import BARBELL_KG, BARBELL_STEP_KG, DAYS_PER_WEEK, MINUTES_PER_SESSION, OWNED_WEIGHT_KG

LOADED_HINGE = "loaded-hinge"
"""The ``avoid`` entry for "no unsupported bent-over work under load"."""

LOAD_IMPLEMENTS = (Equipment.DUMBBELLS, Equipment.KETTLEBELL)
MAX_BANDS = 12
"""Band sets sold for home training hold five or six; twelve leaves room."""
MAX_BAND_NAME_CHARS = 40
"""Enough for "extra heavy (black, 2 m loop)"."""
MAX_WEIGHTS = 40
"""Weights listed per implement: a full dumbbell rack in 1 kg steps fits."""


class Goal(StrEnum):
    """What the user trains for; it sets rep ranges, rest and volume (see ``dose.py``)."""

    POSTURE = "posture"
    STRENGTH = "strength"
    MUSCLE = "muscle"
    ENDURANCE = "endurance"


class Profile(BaseModel):
    """Equipment, ability, goal and schedule of one user.

    ``dumbbell_kg`` and ``kettlebell_kg`` list the weights the user owns (one value per
    dumbbell or bell size, in kg); ``bands`` names their resistance bands from lightest to
    heaviest. ``avoid`` holds movement ids, variant ids or ``"loaded-hinge"``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    equipment: list[Equipment] = Field(default_factory=lambda: [Equipment.NONE])
    dumbbell_kg: list[float] = Field(default_factory=list, max_length=MAX_WEIGHTS)
    kettlebell_kg: list[float] = Field(default_factory=list, max_length=MAX_WEIGHTS)
    bands: list[str] = Field(default_factory=list)
    barbell_kg: float = Field(
        default=20.0, ge=BARBELL_KG.low, le=BARBELL_KG.high, description="Weight of the empty bar."
    )
    barbell_step_kg: float = Field(
        default=2.5,
        ge=BARBELL_STEP_KG.low,
        le=BARBELL_STEP_KG.high,
        description="Smallest total increase your plates allow.",
    )
    level: Level = Level.BEGINNER
    goal: Goal = Goal.POSTURE
    days_per_week: int = Field(default=3, ge=DAYS_PER_WEEK.low, le=DAYS_PER_WEEK.high)
    minutes_per_session: int = Field(default=30, ge=MINUTES_PER_SESSION.low, le=MINUTES_PER_SESSION.high)
    desk_worker: bool = False
    avoid: list[str] = Field(default_factory=list)

    @field_validator("equipment")
    @classmethod
    def _equipment(cls, value: list[Equipment]) -> list[Equipment]:
        unique = list(dict.fromkeys(value)) or [Equipment.NONE]
        if Equipment.NONE in unique and len(unique) > 1:
            raise ValueError("'none' cannot be combined with other equipment; drop 'none'")
        return unique

    @field_validator("dumbbell_kg", "kettlebell_kg")
    @classmethod
    def _weights(cls, value: list[float]) -> list[float]:
        for kg in value:
            if OWNED_WEIGHT_KG.problem(kg):
                raise ValueError(
                    f"{kg:g} kg is not a usable weight; give each weight in kg, {OWNED_WEIGHT_KG.describe()}"
                )
        return sorted({float(kg) for kg in value})

    @field_validator("bands")
    @classmethod
    def _bands(cls, value: list[str]) -> list[str]:
        names = [name.strip() for name in value]
        if len(names) > MAX_BANDS:
            raise ValueError(f"list at most {MAX_BANDS} bands")
        if any(len(name) > MAX_BAND_NAME_CHARS for name in names):
            raise ValueError(
                f"a band name may have at most {MAX_BAND_NAME_CHARS} characters, e.g. light, "
                "medium, heavy or the colour"
            )
        if any(not name for name in names):
            raise ValueError("band names cannot be empty; name them lightest first, e.g. light, medium, heavy")
        if len(set(names)) != len(names):
            raise ValueError("each band name may appear only once")
        return names

    @field_validator("avoid")
    @classmethod
    def _avoid(cls, value: list[str]) -> list[str]:
        library = get_library()
        known = {LOADED_HINGE} | {m.id for m in library.movements}
        known |= {v.id for m in library.movements for v in m.variants}
        cleaned = []
        for item in value:
            item = item.strip().lower()
            if item not in known:
                close = difflib.get_close_matches(item, sorted(known), n=2, cutoff=0.6)
                hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
                raise ValueError(f"'{item}' is neither a movement or variant id nor '{LOADED_HINGE}'.{hint}")
            cleaned.append(item)
        return list(dict.fromkeys(cleaned))

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        have = set(self.equipment)
        for items, implement, flag in (
            (self.dumbbell_kg, Equipment.DUMBBELLS, "--dumbbell-kg"),
            (self.kettlebell_kg, Equipment.KETTLEBELL, "--kettlebell-kg"),
        ):
            if implement in have and not items:
                raise ValueError(
                    f"list the {implement.value} you own in kg, e.g. {flag} 4 {flag} 8, "
                    "so the plan can choose weights and the next step up"
                )
            if items and implement not in have:
                raise ValueError(
                    f"weights are listed for {implement.value} but '{implement.value}' "
                    "is not in your equipment; add it or remove the weights"
                )
        if self.bands and Equipment.RESISTANCE_BAND not in have:
            raise ValueError("bands are listed but 'resistance-band' is not in your equipment")
        return self

    # ------------------------------------------------------------------ queries

    @property
    def equipment_set(self) -> set[Equipment]:
        return set(self.equipment)

    @property
    def band_names(self) -> list[str]:
        """The user's bands, lightest first (one unnamed band when none are listed)."""
        if Equipment.RESISTANCE_BAND not in self.equipment_set:
            return []
        return list(self.bands) or ["your band"]

    @property
    def avoids_loaded_hinge(self) -> bool:
        return LOADED_HINGE in self.avoid

    def avoids(self, movement: Movement, variant: Variant | None = None) -> bool:
        """Whether the profile rules out the movement (or this variant of it)."""
        if movement.id in self.avoid:
            return True
        if variant is None:
            return False
        return variant.id in self.avoid or (self.avoids_loaded_hinge and variant.loaded_hinge)

    def weights_for(self, implement: Equipment) -> list[float]:
        """The weights owned for a load implement (dumbbells or kettlebell), lightest first."""
        if implement is Equipment.DUMBBELLS:
            return list(self.dumbbell_kg)
        if implement is Equipment.KETTLEBELL:
            return list(self.kettlebell_kg)
        return []


def parse_profile(data: dict[str, Any]) -> Profile:
    """A validated profile from plain data; any problem becomes one clear :class:`UpperbackError`."""
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise UpperbackError(_describe(exc)) from None


def update_profile(profile: Profile, **changes: Any) -> Profile:
    """A copy of ``profile`` with ``changes`` applied (``None`` values are ignored), validated."""
    data = profile.model_dump(mode="json")
    data.update({key: value for key, value in changes.items() if value is not None})
    return parse_profile(data)


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "profile"
        message = error["msg"].removeprefix("Value error, ").rstrip(".")
        if error["type"] == "enum":
            message = f"{message} (got {error['input']!r})"
        problems.append(f"{where}: {message}")
    return "The profile is not valid. " + "; ".join(problems) + "."
