"""Plain records the store takes and gives back (no database types leak out)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from upperback.errors import UpperbackError
from upperback.limits import set_problems

SET_TYPES = ("normal", "warmup", "drop", "failure")
LOAD_UNITS = ("kg", "lb")
MAX_NAME_CHARS = 200
"""The exercise name column's size."""


@dataclass(frozen=True)
class LoggedSet:
    """One performed set, as logged by hand, by a guided session or by an import."""

    performed_at: datetime
    exercise_id: str | None
    exercise_name: str
    variant_id: str | None = None
    set_index: int = 1
    set_type: str = "normal"
    reps: int | None = None
    load: float | None = None
    load_unit: str | None = None
    duration_s: float | None = None
    distance_m: float | None = None
    rpe: float | None = None
    rir: float | None = None
    notes: str = ""
    session_id: int | None = None
    source: str = "manual"
    id: int | None = None

    def validated(self) -> LoggedSet:
        """This set with ``performed_at`` in UTC; raise on values no real set can have (see :mod:`upperback.limits`)."""
        if self.performed_at.tzinfo is None:
            raise UpperbackError(
                f"The set of '{self.exercise_name}' has a time without a time zone "
                f"({self.performed_at.isoformat()}); give the time zone it was performed in."
            )
        problems = []
        if not self.exercise_name.strip():
            problems.append("the exercise name is empty")
        if self.set_type not in SET_TYPES:
            problems.append(f"set type '{self.set_type}' is not one of {', '.join(SET_TYPES)}")
        if self.load_unit is not None and self.load_unit not in LOAD_UNITS:
            problems.append(f"load unit '{self.load_unit}' is not kg or lb")
        if len(self.exercise_name) > MAX_NAME_CHARS:
            problems.append(f"the exercise name is longer than {MAX_NAME_CHARS} characters")
        problems += set_problems(reps=self.reps, load=self.load, load_unit=self.load_unit,
                                 duration_s=self.duration_s, distance_m=self.distance_m, rpe=self.rpe,
                                 rir=self.rir, set_number=self.set_index)
        if problems:
            raise UpperbackError(f"Cannot log this set of '{self.exercise_name[:80]}': " + "; ".join(problems) + ".")
        return replace(self, performed_at=self.performed_at.astimezone(UTC))

    def natural_key(self) -> str:
        """A fingerprint of what was done and when; two sets with the same key are the same set.

        Imports use it to skip sets they already hold, so re-importing a file, or a newer export
        of the same history, adds only what is new.
        """
        at = self.performed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
        parts = [at, " ".join(self.exercise_name.lower().split()), str(self.set_index), self.set_type,
                 _num(self.reps), _num(self.load), self.load_unit or "", _num(self.duration_s),
                 _num(self.distance_m)]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _num(value: float | int | None) -> str:
    return "" if value is None else repr(float(value))


@dataclass(frozen=True)
class SessionRecord:
    """A training session (workout): when, what it was called, where it came from."""

    name: str
    started_at: datetime
    ended_at: datetime | None = None
    source: str = "session"
    notes: str = ""
    id: int | None = None


@dataclass(frozen=True)
class PlanRecord:
    """A saved programme document."""

    name: str
    data: dict
    created_at: datetime
    id: int | None = None


@dataclass(frozen=True)
class FormAnalysisRecord:
    """A form report saved as JSON, linked to the set (or session) it checked.

    ``summary`` holds what progress needs without reopening the file: rep count and, per fault
    code, how many reps showed it.
    """

    exercise_id: str
    analysed_at: datetime
    report_path: str
    report_sha256: str
    summary: dict
    set_id: int | None = None
    session_id: int | None = None
    id: int | None = None


@dataclass(frozen=True)
class AnalysisLink:
    """A form analysis to import, naming its set by natural key and its session by start and name."""

    record: FormAnalysisRecord
    set_key: str | None = None
    session_started_at: datetime | None = None
    session_name: str | None = None


@dataclass
class ImportBundle:
    """Everything one imported file brings, written in one transaction by ``Store.add_import``.

    ``workouts`` pairs each session with its sets; ``loose_sets`` have no session;
    ``analyses`` find their set and session by content, since ids change between databases.
    """

    format: str
    file_name: str
    file_sha256: str
    rows_read: int
    workouts: list[tuple[SessionRecord, list[LoggedSet]]] = field(default_factory=list)
    loose_sets: list[LoggedSet] = field(default_factory=list)
    analyses: list[AnalysisLink] = field(default_factory=list)
    profile: dict | None = None
    plans: list[PlanRecord] = field(default_factory=list)
    aliases: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    """Exercise names the user mapped for this import (name -> movement id, variant id)."""
    summary: dict | None = None
    """What the import said about the file (e.g. ``{"units": "..."}``), kept with the batch."""

    @property
    def set_count(self) -> int:
        return sum(len(sets) for _, sets in self.workouts) + len(self.loose_sets)


@dataclass(frozen=True)
class ImportOutcome:
    """What an import changed."""

    already_imported: bool
    sets_added: int
    sets_skipped: int
    sessions_added: int
    sets_remapped: int = 0
    """Stored sets that were unmapped and now have a movement (from this import's mappings)."""
    batch_id: int | None = None


@dataclass(frozen=True)
class ImportRecord:
    """One import as the log remembers it; undoing it removes what it added."""

    id: int
    file_name: str
    format: str
    imported_at: datetime
    rows_read: int
    sets_added: int
    sessions_added: int
    sets_now: int
    """How many of its sets are still in the log (edits and deletes since the import lower it)."""
    summary: dict


@dataclass(frozen=True)
class Removed:
    """What an undo or a delete took out of the log."""

    sets: int
    sessions: int
