"""Map other apps' exercise names to library movements (and variants where the name says which).

Order of trust: the user's own mappings (``upperback import --map``), then an exact library name
or alias, then the same with the equipment suffix that Strong and Hevy add (``Bent Over Row
(Barbell)``), then the words that matter (``name_words.yaml``: the movement word - row, fly,
raise, carry - with what makes it plain, e.g. ``Pendlay Row`` or ``Chest Supported Incline Row
(Dumbbell)``), then a close spelling (rapidfuzz). Anything else stays unmapped; it is offered for
review with suggestions only from those words or a close spelling, never from a shared letter or
two (no Seated Leg Curl -> cat-cow).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from upperback.library import Library

FUZZY_CUTOFF = 88.0
"""token_sort_ratio needed to accept a name without review: catches spelling variants ("Bent-over
rows", "Cat Cows") and word order, but not a different exercise that shares words ("Upright Row")."""
CANDIDATE_CUTOFF = 80.0
"""The floor for a spelling suggestion (token_sort_ratio); below it names share letters, not meaning."""
SURE_SCORE, REVIEW_SCORE = 95.0, 70.0
"""The confidence shown for a word-rule suggestion that is plain, and for one that needs a look."""
NAME_WORDS = Path(__file__).with_name("name_words.yaml")
_SUFFIX = re.compile(r"^(?P<base>.*?)\s*\((?P<equipment>[^)]*)\)\s*$")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Match:
    exercise_id: str
    variant_id: str | None
    how: str
    """alias (user mapping), exact, equipment, words or fuzzy."""


@dataclass(frozen=True)
class Candidate:
    exercise_id: str
    variant_id: str | None
    label: str
    score: float


def normalise(text: str) -> str:
    """Lower case, apostrophes dropped, any other punctuation a space: ``Farmer's Walk`` -> ``farmers walk``."""
    return " ".join(_NON_WORD.sub(" ", text.lower().replace("'", "").replace("\u2019", "")).split())


def words(text: str) -> str:
    """:func:`normalise` with plurals made singular (rows -> row, flies -> fly, dumbbells -> dumbbell)."""
    return " ".join(_singular(w) for w in normalise(text).split())


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@dataclass(frozen=True)
class WordRule:
    """One entry of ``name_words.yaml`` (see the comments there)."""

    movement_id: str
    needs: list[list[str]]
    never: list[str]
    review: list[str]
    sure: list[str]
    variants: dict[str, list[str]]

    def judge(self, text: str) -> tuple[str | None, bool] | None:
        """(variant id, sure) for a name in :func:`words` form that this rule fits; None if it does not."""

        def has(phrases: list[str]) -> bool:
            return any(f" {words(p)} " in f" {text} " for p in phrases)

        if has(self.never) or not all(has(group) for group in self.needs):
            return None
        variant = next((v for v, phrases in self.variants.items() if has(phrases)), None)
        return variant, has(self.sure) and not has(self.review)


@cache
def word_rules(path: Path = NAME_WORDS) -> list[WordRule]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        WordRule(
            movement_id=entry.get("movement", key),
            needs=entry["needs"],
            never=entry["never"],
            review=entry["review"],
            sure=entry["sure"],
            variants=entry.get("variants") or {},
        )
        for key, entry in data.items()
    ]


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
        judged = self._judge(name)
        for candidate, how in ((key, "exact"), (normalise(suffix["base"]) if suffix else None, "equipment")):
            if candidate in self._names:
                movement_id, variant_id = self._names[candidate]
                variant_id = (
                    variant_id
                    or self._variant_for(movement_id, equipment)
                    or next((v for m, v, _ in judged if m == movement_id), None)
                )
                return Match(movement_id, variant_id, how=how)
        sure = [(m, v) for m, v, certain in judged if certain]
        if len({m for m, _ in sure}) == 1:
            return Match(*sure[0], how="words")
        if judged:
            return None  # the words point somewhere, but not plainly enough to map without asking
        best = process.extractOne(key, self._choices, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_CUTOFF)
        if best is not None:
            return Match(*self._names[best[0]], how="fuzzy")
        return None

    def candidates(self, name: str, limit: int = 3) -> list[Candidate]:
        """Suggestions for a name that did not match, best first, one per target; none below the floor.

        They come from the words that matter (:data:`NAME_WORDS`) or a close spelling of a library
        name (:data:`CANDIDATE_CUTOFF`), never from a few shared letters.
        """
        found: dict[tuple[str, str | None], float] = {}
        for movement_id, variant_id, certain in self._judge(name):
            found.setdefault((movement_id, variant_id), SURE_SCORE if certain else REVIEW_SCORE)
        suffix = _SUFFIX.match(name.strip())
        base = normalise(suffix["base"] if suffix else name)
        if not found:
            for choice, score, _ in process.extract(
                base, self._choices, scorer=fuzz.token_sort_ratio, limit=limit * 4, score_cutoff=CANDIDATE_CUTOFF
            ):
                found.setdefault(self._names[choice], score)
        ranked = sorted(found.items(), key=lambda item: -item[1])[:limit]
        return [Candidate(*target, label=self._label(*target), score=score) for target, score in ranked]

    def _judge(self, name: str) -> list[tuple[str, str | None, bool]]:
        """(movement id, variant id, sure) for each word rule the name fits."""
        text = words(name)
        found = []
        for rule in word_rules():
            judged = rule.judge(text)
            if judged is not None:
                found.append((rule.movement_id, *judged))
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
        movement = self._library.movement(movement_id)
        if variant_id is None:
            return movement.name
        return next((v.name for v in movement.variants if v.id == variant_id), movement.name)
