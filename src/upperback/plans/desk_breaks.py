"""Short movement breaks for people who sit at a desk.

The routines, their reps and when to do them are library data (``desk_breaks`` in
``guidance.yaml``, with the sources behind them); this module picks the variants that fit the
user: each movement's easiest seated variant (the desk chair is at hand) and, with a band, the
standing band-only strength variant (the pull-apart), kept light.
"""

from __future__ import annotations

from upperback.library import Equipment, Library, Movement, Variant, variant_fits
from upperback.library.models import Category, DeskBreakPart
from upperback.plans.dose import Span, exercise_class, mobility_dose
from upperback.plans.fitting import timed
from upperback.plans.loads import make_load
from upperback.plans.models import DeskBreak, Item, Reason
from upperback.plans.profile import Profile
from upperback.plans.timing import session_seconds


def desk_breaks(profile: Profile, library: Library) -> list[DeskBreak]:
    """Two or three routines of one to three minutes each; empty for non-desk workers."""
    if not profile.desk_worker:
        return []
    have = profile.equipment_set | {Equipment.CHAIR}
    breaks = library.guidance.desk_breaks
    routines = []
    for routine in breaks.routines:
        items = []
        for part in routine.parts:
            chosen = _chosen(profile, library, part, have)
            if chosen is not None:
                items.append(_item(profile, library, *chosen, part.reps, breaks.light_band_note))
        if items:
            routines.append(DeskBreak(name=routine.name, when=breaks.when, items=items, seconds=session_seconds(items)))
    return routines


def _chosen(
    profile: Profile, library: Library, part: DeskBreakPart, have: set[Equipment]
) -> tuple[Movement, Variant] | None:
    """The movement and variant this user does for one part of a break, or None if none fits."""
    if part.seated is not None:
        return _seated(profile, library.movement(part.seated), have)
    return _band_only(profile, library, have)


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


def _item(profile: Profile, library: Library, movement: Movement, variant: Variant, reps: int, light_note: str) -> Item:
    cls = exercise_class(movement, library)
    loaded = movement.category is Category.STRENGTH
    pace = 4.0 if loaded else mobility_dose(movement.id, variant.id).rep_s
    reason = light_note if loaded else variant.summary
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
