"""Short movement breaks for people who sit at a desk.

WHO 2020 guidelines on physical activity and sedentary behaviour (Bull et al., Br J Sports Med
54:1451-1462): limit the time spent sitting and replace it with movement of any intensity.
The breaks use the library's seated variants (the desk chair is at hand) and, with a band,
light pull-aparts well short of fatigue, so they add movement without adding training load.
"""

from __future__ import annotations

from upperback.library import Equipment, Library, Movement, Variant, variant_fits
from upperback.library.models import Category
from upperback.plans.dose import Span, exercise_class, mobility_dose
from upperback.plans.fitting import timed
from upperback.plans.loads import make_load
from upperback.plans.models import DeskBreak, Item, Reason
from upperback.plans.profile import Profile
from upperback.plans.timing import session_seconds

WHEN = "Every 45-60 minutes of sitting, stand or turn away from the screen and do one of these."
LIGHT_PULL_APART_REPS = 12
"""Light band work at a desk: about half of what the band allows, never close to failure."""


def desk_breaks(profile: Profile, library: Library) -> list[DeskBreak]:
    """Two or three routines of one to three minutes each; empty for non-desk workers."""
    if not profile.desk_worker:
        return []
    have = profile.equipment_set | {Equipment.CHAIR}
    rotation = _seated(profile, library.movement("thoracic-rotation"), have)
    cat_cow = _seated(profile, library.movement("cat-cow"), have)
    band = _band_only(profile, library, have)
    plans = [
        ("Mid-morning reset", [(rotation, 6), (cat_cow, 8)]),
        ("After lunch", [(band, LIGHT_PULL_APART_REPS), (cat_cow, 6)]),
        ("Mid-afternoon", [(rotation, 5), (band, LIGHT_PULL_APART_REPS)]),
    ]
    routines = []
    for name, parts in plans:
        items = [
            _item(profile, library, movement, variant, reps)
            for (movement, variant), reps in ((part, reps) for part, reps in parts if part is not None)
        ]
        if items:
            routines.append(DeskBreak(name=name, when=WHEN, items=items, seconds=session_seconds(items)))
    return routines


def _seated(profile: Profile, movement: Movement, have: set[Equipment]) -> tuple[Movement, Variant] | None:
    """The movement's easiest variant that is done on a chair."""
    if profile.avoids(movement):
        return None
    seated = [
        v
        for v in movement.variants
        if variant_fits(v, have)
        and not profile.avoids(movement, v)
        and any(Equipment.CHAIR in need.any_of for need in v.needs)
    ]
    return (movement, min(seated, key=lambda v: v.difficulty)) if seated else None


def _band_only(profile: Profile, library: Library, have: set[Equipment]) -> tuple[Movement, Variant] | None:
    """A standing strength variant that needs only a band and no hinge (the pull-apart)."""
    if Equipment.RESISTANCE_BAND not in have:
        return None
    for movement in library.movements:
        if movement.category is not Category.STRENGTH or profile.avoids(movement):
            continue
        for variant in movement.variants:
            needs = {item for need in variant.needs for item in need.any_of}
            if (
                needs == {Equipment.RESISTANCE_BAND}
                and not variant.loaded_hinge
                and not profile.avoids(movement, variant)
            ):
                return movement, variant
    return None


def _item(profile: Profile, library: Library, movement: Movement, variant: Variant, reps: int) -> Item:
    cls = exercise_class(movement, library)
    loaded = movement.category is Category.STRENGTH
    pace = 4.0 if loaded else mobility_dose(movement.id, variant.id).rep_s
    reason = (
        "Light: stop with five or more reps to spare; this is a break, not a work set."
        if loaded
        else f"{variant.summary}"
    )
    item = Item(
        movement_id=movement.id,
        movement_name=movement.name,
        variant_id=variant.id,
        variant_name=variant.name,
        block="desk-break",
        exercise_class=cls,
        sets=1,
        work=Span(reps, reps),
        unit="reps",
        per_side=variant.per_side,
        rest_s=0,
        pace_s=pace,
        load=make_load(profile, variant, cls, band_index=0) if loaded else None,
        reasons=[Reason(topic="dose", text=reason)],
    )
    return timed(item)
