"""Plain records the store takes and gives back (no database types leak out).

The set record, :class:`~upperback.logged_set.LoggedSet`, is defined in :mod:`upperback.logged_set`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from upperback.logged_set import LoggedSet


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
    analyzed_at: datetime
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
