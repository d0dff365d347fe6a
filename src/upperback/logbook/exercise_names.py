"""Map other apps' exercise names to library movements (and variants where the name says which).

Order of trust: the user's own mappings (``upperback import --map``), then an exact library name
or alias, then the same with the equipment suffix that Strong and Hevy add (``Bent Over Row
(Barbell)``), then a close spelling (rapidfuzz). Anything else stays unmapped and is offered
for review with its closest candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from upperback.library import Library

FUZZY_CUTOFF = 88.0
"""token_sort_ratio needed to accept a name without review: catches spelling variants ("Bent-over
rows", "Cat Cows") and word order, but not a different exercise that shares words ("Upright Row")."""
CANDIDATE_CUTOFF = 60.0
_SUFFIX = re.compile(r"^(?P<base>.*?)\s*\((?P<equipment>[^)]*)\)\s*$")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Match:
    exercise_id: str
    variant_id: str | None
    how: str
    """alias (user mapping), exact, equipment or fuzzy."""


@dataclass(frozen=True)
class Candidate:
    exercise_id: str
    variant_id: str | None
    label: str
    score: float


def normalise(text: str) -> str:
    """Lower case, apostrophes dropped, any other punctuation a space: ``Farmer's Walk`` -> ``farmers walk``."""
    return " ".join(_NON_WORD.sub(" ", text.lower().replace("'", "").replace("\u2019", "")).split())


class NameMatcher:
    """Resolves exercise names against the library plus the user's saved mappings."""

    def __init__(self, library: Library, user_aliases: dict[str, tuple[str, str | None]] | None = None) -> None:
        self._library = library
        self._user = {normalise(name): target for name, target in (user_aliases or {}).items()}
        self._names: dict[str, tuple[str, str | None]] = {}
        for movement in library.movements:  # a variant's own name says more than a movement alias
            for variant in movement.variants:
                for name in (variant.id, variant.name):
                    self._names.setdefault(normalise(name), (movement.id, variant.id))
        for movement in library.movements:
            for name in (movement.id, movement.name, *movement.aliases):
                self._names.setdefault(normalise(name), (movement.id, None))
        self._choices = list(self._names)

    def match(self, name: str) -> Match | None:
        key = normalise(name)
        if key in self._user:
            return Match(*self._user[key], how="alias")
        suffix = _SUFFIX.match(name.strip())
        equipment = suffix["equipment"] if suffix else ""
        for candidate, how in ((key, "exact"), (normalise(suffix["base"]) if suffix else None, "equipment")):
            if candidate in self._names:
                movement_id, variant_id = self._names[candidate]
                return Match(movement_id, variant_id or self._variant_for(movement_id, equipment), how=how)
        best = process.extractOne(key, self._choices, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_CUTOFF)
        if best is not None:
            return Match(*self._names[best[0]], how="fuzzy")
        return None

    def candidates(self, name: str, limit: int = 3) -> list[Candidate]:
        """The closest library entries for a name that did not match, best first, one per target."""
        found: list[Candidate] = []
        seen: set[tuple[str, str | None]] = set()
        suffix = _SUFFIX.match(name.strip())
        base = normalise(suffix["base"] if suffix else name)
        for choice, score, _ in process.extract(base, self._choices, scorer=fuzz.token_set_ratio,
                                                limit=limit * 6, score_cutoff=CANDIDATE_CUTOFF):
            target = self._names[choice]
            if target in seen:
                continue
            seen.add(target)
            found.append(Candidate(*target, label=self._label(*target), score=score))
            if len(found) == limit:
                break
        return found

    def _variant_for(self, movement_id: str, equipment: str) -> str | None:
        """The variant whose id or name contains the equipment word (``Barbell`` -> barbell row)."""
        word = normalise(equipment)
        if not word:
            return None
        movement = self._library.movement(movement_id)
        hits = [v.id for v in movement.variants if word in normalise(f"{v.id} {v.name}").split()]
        return hits[0] if len(hits) == 1 else None

    def _label(self, movement_id: str, variant_id: str | None) -> str:
        if variant_id is None:
            return movement_id
        return f"{movement_id} ({variant_id})"
