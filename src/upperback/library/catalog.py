"""The loaded library and the queries a coach needs.

Examples
--------
>>> lib = get_library()
>>> [m.id for m, _ in lib.movements_for_muscle("rhomboids")]
['bent-over-row', 'reverse-fly']
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from upperback.errors import LibraryDataError, UnknownNameError
from upperback.library import loader
from upperback.library.models import (
    Action,
    Anatomy,
    Category,
    Equipment,
    Faq,
    FaqEntry,
    Guidance,
    Movement,
    Muscle,
    Role,
    Variant,
)

CATEGORY_ORDER = [Category.WARM_UP, Category.MOBILITY, Category.STRENGTH, Category.LOADED_CARRY]


@dataclass(frozen=True)
class Library:
    """All library data, validated and cross-checked."""

    anatomy: Anatomy
    movements: tuple[Movement, ...]
    guidance: Guidance
    faq: Faq

    def __post_init__(self) -> None:
        seen: dict[str, str] = {}
        for movement in self.movements:
            for variant in movement.variants:
                if variant.id in seen:
                    raise LibraryDataError(
                        f"variant id '{variant.id}' is used by both '{seen[variant.id]}' and "
                        f"'{movement.id}'; variant ids must be unique across the library."
                    )
                seen[variant.id] = movement.id
        known = {m.id for m in self.movements}
        for routine in self.guidance.desk_breaks.routines:
            for part in routine.parts:
                if part.seated is not None and part.seated not in known:
                    raise LibraryDataError(
                        f"guidance.yaml: desk break '{routine.name}' names movement '{part.seated}', "
                        f"which is not in the library ({', '.join(sorted(known))})."
                    )

    # ------------------------------------------------------------------ lookups

    @property
    def muscles(self) -> list[Muscle]:
        return list(self.anatomy.muscles)

    @property
    def actions(self) -> list[Action]:
        return list(self.anatomy.actions)

    def movement(self, movement_id: str) -> Movement:
        """The movement with this id; an unknown id raises with a suggestion."""
        for movement in self.movements:
            if movement.id == movement_id:
                return movement
        raise _unknown(
            "exercise", movement_id, [m.id for m in self.movements], "Run 'upperback exercises' to list them."
        )

    def variant(self, variant_id: str) -> tuple[Movement, Variant]:
        """The movement and variant for a variant id (ids are unique across the library)."""
        for movement in self.movements:
            for variant in movement.variants:
                if variant.id == variant_id:
                    return movement, variant
        ids = [v.id for m in self.movements for v in m.variants]
        raise _unknown("variant", variant_id, ids, "Run 'upperback exercise ID' to see its variants.")

    def analysis_target(self, exercise: str) -> tuple[Movement, Variant | None]:
        """The movement to analyse for a movement id or a variant id: for a variant, the
        movement with the variant's thresholds (:meth:`Movement.for_variant`) and the variant."""
        for movement in self.movements:
            if movement.id == exercise:
                return movement, None
            for variant in movement.variants:
                if variant.id == exercise:
                    return movement.for_variant(variant), variant
        choices = [m.id for m in self.movements] + [v.id for m in self.movements for v in m.variants]
        raise _unknown(
            "exercise",
            exercise,
            choices,
            "Run 'upperback exercises' for the movements and 'upperback exercise ID' for their variants.",
        )

    def muscle(self, name: str) -> Muscle:
        """A muscle by id or by name, case-insensitive (``rhomboids``, ``Upper trapezius``)."""
        wanted = name.strip().lower()
        for muscle in self.anatomy.muscles:
            if wanted in (muscle.id, muscle.name.lower()):
                return muscle
        choices = [m.id for m in self.anatomy.muscles]
        raise _unknown("muscle", name, choices, "Run 'upperback muscles' to list them.")

    def action(self, name: str) -> Action:
        wanted = name.strip().lower()
        for action in self.anatomy.actions:
            if wanted in (action.id, action.name.lower()):
                return action
        choices = [a.id for a in self.anatomy.actions]
        raise _unknown("action", name, choices, "Run 'upperback muscles' to see the actions.")

    def faq_entry(self, entry_id: str) -> FaqEntry:
        for entry in self.faq.entries:
            if entry.id == entry_id:
                return entry
        choices = [e.id for e in self.faq.entries]
        raise _unknown("FAQ entry", entry_id, choices, "Run 'upperback faq' to read them all.")

    # ------------------------------------------------------------------ queries

    def movements_for_muscle(self, name: str, roles: Iterable[Role] = tuple(Role)) -> list[tuple[Movement, Role]]:
        """Movements that train a muscle (by id or name), with the muscle's role in each."""
        muscle = self.muscle(name)
        allowed = set(roles)
        found = []
        for movement in self.movements:
            for use in movement.muscles:
                if use.muscle == muscle.id and use.role in allowed:
                    found.append((movement, use.role))
        return found

    def movements_for_action(self, name: str) -> list[Movement]:
        """Movements that involve an action (scapular, spinal or other), by id or name."""
        action = self.action(name)
        return [
            m
            for m in self.movements
            if any(use.action == action.id for use in (*m.scapular_actions, *m.spinal_actions, *m.other_actions))
        ]

    def variants_for_equipment(
        self, available: Iterable[Equipment | str], movement_id: str | None = None
    ) -> list[tuple[Movement, Variant]]:
        """Variants whose every requirement is met by the available equipment.

        ``Equipment.NONE`` may be passed to mean "nothing"; bodyweight variants always fit.
        """
        have = {Equipment(e) for e in available}
        movements = [self.movement(movement_id)] if movement_id else self.movements
        return [
            (movement, variant)
            for movement in movements
            for variant in movement.variants
            if variant_fits(variant, have)
        ]

    def resolve_exercise_name(self, text: str) -> Movement | None:
        """Map a free-text exercise name (id, name or alias) to a movement, exactly."""
        wanted = _normalise(text)
        for movement in self.movements:
            names = [movement.id, movement.name, *movement.aliases]
            if wanted in {_normalise(n) for n in names}:
                return movement
        return None


def variant_fits(variant: Variant, have: set[Equipment]) -> bool:
    """Whether ``have`` meets every one of the variant's equipment requirements."""
    return all(any(item in have for item in need.any_of) for need in variant.needs)


def _normalise(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def _unknown(kind: str, given: str, choices: list[str], hint: str) -> UnknownNameError:
    close = difflib.get_close_matches(given.lower(), choices, n=3, cutoff=0.5)
    suggestion = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return UnknownNameError(f"Unknown {kind} '{given}'.{suggestion} {hint}")


def load_library(data_dir: Path = loader.DATA_DIR) -> Library:
    """Load and validate every library file under ``data_dir``."""
    anatomy = loader.load_anatomy(data_dir)
    movements = loader.load_movements(anatomy, data_dir)
    movements.sort(key=lambda m: (CATEGORY_ORDER.index(m.category), m.id))
    return Library(
        anatomy=anatomy,
        movements=tuple(movements),
        guidance=loader.load_guidance(data_dir),
        faq=loader.load_faq(data_dir),
    )


LIBRARY_ENV = "UPPERBACK_LIBRARY"
"""Environment variable naming a library folder to use instead of the packaged one (laid out
like ``library/data``: anatomy.yaml, guidance.yaml, faq.yaml and movements/*.yaml)."""


@cache
def get_library() -> Library:
    """The library, loaded once per process: the folder named by ``UPPERBACK_LIBRARY`` if set,
    else the packaged one. (``get_library.cache_clear()`` reads it again.)"""
    folder = os.environ.get(LIBRARY_ENV)
    if folder and not Path(folder).is_dir():
        raise LibraryDataError(
            f"{LIBRARY_ENV}={folder}: no such folder. Point it at a library folder "
            "(anatomy.yaml, guidance.yaml, faq.yaml, movements/) or unset it."
        )
    return load_library(Path(folder)) if folder else load_library()
