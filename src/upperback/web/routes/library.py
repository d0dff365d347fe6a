"""The movement library: the list, one page per movement, the muscles and the FAQ."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from upperback.errors import UnknownNameError
from upperback.library import Equipment, Role, Variant, get_library
from upperback.library.cards import equipment_text
from upperback.web.deps import render
from upperback.web.muscle_map import ROLE_LABELS, diagram

router = APIRouter(prefix="/library")

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


@router.get("")
def movements(request: Request, equipment: Annotated[list[Equipment] | None, Query()] = None) -> Response:
    library = get_library()
    fitting: dict[str, list[Variant]] | None = None
    if equipment:
        fitting = {}
        for movement, variant in library.variants_for_equipment(equipment):
            fitting.setdefault(movement.id, []).append(variant)
    return render(
        request,
        "library.html",
        {
            "library": library,
            "equipment_choices": list(Equipment),
            "chosen": set(equipment or []),
            "fitting": fitting,
            "targets": {m.id: _target_groups(library, m) for m in library.movements},
            "action_names": {a.id: a.name for a in library.actions},
        },
    )


@router.get("/muscles")
def muscles(request: Request) -> Response:
    library = get_library()
    return render(
        request,
        "muscles.html",
        {
            "library": library,
            "diagram": diagram(library),
            "trained_by": {m.id: library.movements_for_muscle(m.id) for m in library.muscles},
            "actions": {a.id: a for a in library.actions},
        },
    )


@router.get("/faq")
def faq(request: Request) -> Response:
    return render(request, "faq.html", {"library": get_library()})


@router.get("/{movement_id}")
def movement(request: Request, movement_id: str) -> Response:
    library = get_library()
    if not _is_slug(movement_id):
        raise UnknownNameError("There is no such movement in the library.")
    found = library.movement(movement_id)
    checked = {f.enforces for f in found.faults}
    return render(
        request,
        "movement.html",
        {
            "library": library,
            "m": found,
            "diagram": diagram(library, found),
            "role_labels": ROLE_LABELS,
            "equipment_text": equipment_text,
            "checked_cues": checked,
            "muscle": {m.id: m for m in library.muscles},
            "action": {a.id: a for a in library.actions},
            "guidance": library.guidance.before_lifting if found.loaded else [],
        },
    )


def _is_slug(text: str) -> bool:
    return re.fullmatch(SLUG, text) is not None and len(text) <= 100


def _target_groups(library, movement) -> list[str]:
    return list(dict.fromkeys(library.muscle(u.muscle).name for u in movement.muscles if u.role is Role.TARGET))
