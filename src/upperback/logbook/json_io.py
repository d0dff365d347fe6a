"""The lossless JSON export of the whole training log, and reading it back.

The document holds every set with every field, the sessions, the linked form analyses, the
profile, the plans and the user's exercise-name mappings. Ids are not kept (a fresh database
gives new ones): sets point at their session by position, analyses at their set by position.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, get_type_hints

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, create_model

from upperback.errors import UpperbackError
from upperback.files import atomic_write_text
from upperback.store import (
    AnalysisLink,
    FormAnalysisRecord,
    ImportBundle,
    LoggedSet,
    PlanRecord,
    SessionRecord,
    Store,
)

DOCUMENT_FORMAT = "upperback-log"
DOCUMENT_VERSION = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExportedSession(_Strict):
    name: str
    started_at: AwareDatetime
    ended_at: AwareDatetime | None = None
    source: str
    notes: str = ""


NOT_EXPORTED = ("id", "session_id")
"""Set fields the document leaves out: database ids (a set names its session by position instead)."""
EXPORTED_TYPES = {"performed_at": AwareDatetime, "set_index": Annotated[int, Field(ge=1)]}
"""Where the document is stricter than the record's type hints."""


class _SetPosition(_Strict):
    """The first field of an exported set, declared here so that type checkers know it."""

    session: int | None = Field(None, description="Position of the set's session in 'sessions'.")


def _exported_set_fields() -> dict[str, Any]:
    """The fields of a set in the document after its session's position: every field of
    :class:`LoggedSet` but the ids, in the record's order, with the record's types and defaults."""
    hints = get_type_hints(LoggedSet)
    exported: dict[str, Any] = {}
    for f in dataclasses.fields(LoggedSet):
        if f.name not in NOT_EXPORTED:
            default = ... if f.default is dataclasses.MISSING else f.default
            exported[f.name] = (EXPORTED_TYPES.get(f.name, hints[f.name]), default)
    return exported


ExportedSet = create_model("ExportedSet", __base__=_SetPosition, **_exported_set_fields())
"""A set as the document holds it: the one set record (:class:`LoggedSet`), by field."""


class ExportedAnalysis(_Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    set: int | None = Field(None, description="Position of the analysed set in 'sets'.")
    session: int | None = None
    exercise_id: str
    analyzed_at: AwareDatetime = Field(alias="analysed_at")  # the version-1 file's key, kept stable
    report_path: str
    report_sha256: str
    summary: dict


class ExportedPlan(_Strict):
    name: str
    created_at: AwareDatetime
    data: dict


class LogDocument(_Strict):
    format: str = DOCUMENT_FORMAT
    version: int = DOCUMENT_VERSION
    exported_at: AwareDatetime
    profile: dict | None = None
    plans: list[ExportedPlan] = []
    aliases: dict[str, tuple[str, str | None]] = {}
    sessions: list[ExportedSession] = []
    sets: list[ExportedSet] = []
    form_analyses: list[ExportedAnalysis] = []


def build_document(store: Store) -> LogDocument:
    """Everything in the store as one document."""
    sessions = store.sessions()
    session_position = {s.id: i for i, s in enumerate(sessions)}
    sets = store.sets()
    set_position = {s.id: i for i, s in enumerate(sets)}
    return LogDocument(
        exported_at=datetime.now(UTC),
        profile=store.load_profile(),
        plans=[ExportedPlan(name=p.name, created_at=p.created_at, data=p.data) for p in store.plans()],
        aliases=store.aliases(),
        sessions=[
            ExportedSession(name=s.name, started_at=s.started_at, ended_at=s.ended_at, source=s.source, notes=s.notes)
            for s in sessions
        ],
        sets=[ExportedSet(session=session_position.get(s.session_id), **_set_fields(s)) for s in sets],
        form_analyses=[
            ExportedAnalysis(
                set=set_position.get(a.set_id),
                session=session_position.get(a.session_id),
                exercise_id=a.exercise_id,
                analyzed_at=a.analyzed_at,
                report_path=a.report_path,
                report_sha256=a.report_sha256,
                summary=a.summary,
            )
            for a in store.form_analyses()
        ],
    )


def write_json(store: Store, path: Path) -> LogDocument:
    document = build_document(store)
    atomic_write_text(path, document.model_dump_json(indent=1, by_alias=True) + "\n")
    return document


def read_bundle(text: str, path: Path, file_sha256: str) -> ImportBundle:
    """An import bundle from a JSON export; a malformed document is refused with the place of each error."""
    try:
        document = LogDocument.model_validate_json(text)
    except ValidationError as exc:
        places = [f"{'.'.join(str(p) for p in e['loc']) or 'document'}: {e['msg']}" for e in exc.errors()[:20]]
        raise UpperbackError(
            f"{path} is not a valid upperback JSON export; nothing was imported:\n  " + "\n  ".join(places)
        ) from None
    if document.format != DOCUMENT_FORMAT or document.version > DOCUMENT_VERSION:
        raise UpperbackError(
            f"{path} is a '{document.format}' document version {document.version}; this "
            f"upperback reads '{DOCUMENT_FORMAT}' up to version {DOCUMENT_VERSION}."
        )
    _check_positions(document, path)
    sessions = [
        SessionRecord(name=s.name, started_at=s.started_at, ended_at=s.ended_at, source=s.source, notes=s.notes)
        for s in document.sessions
    ]
    sets = [LoggedSet(**s.model_dump(exclude={"session"})) for s in document.sets]
    workouts: list[tuple[SessionRecord, list[LoggedSet]]] = [(s, []) for s in sessions]
    loose: list[LoggedSet] = []
    for exported, logged in zip(document.sets, sets, strict=True):
        (loose if exported.session is None else workouts[exported.session][1]).append(logged)
    return ImportBundle(
        format="json",
        file_name=str(path),
        file_sha256=file_sha256,
        rows_read=len(sets),
        workouts=workouts,
        loose_sets=loose,
        analyses=[_analysis_link(a, sets, sessions) for a in document.form_analyses],
        profile=document.profile,
        plans=[PlanRecord(name=p.name, data=p.data, created_at=p.created_at) for p in document.plans],
        aliases=dict(document.aliases),
    )


def _set_fields(s: LoggedSet) -> dict[str, Any]:
    return {name: getattr(s, name) for name in ExportedSet.model_fields if name != "session"}


def _check_positions(document: LogDocument, path: Path) -> None:
    problems = [
        f"sets.{i}.session: there is no session {s.session}"
        for i, s in enumerate(document.sets)
        if s.session is not None and not 0 <= s.session < len(document.sessions)
    ]
    problems += [
        f"form_analyses.{i}.set: there is no set {a.set}"
        for i, a in enumerate(document.form_analyses)
        if a.set is not None and not 0 <= a.set < len(document.sets)
    ]
    problems += [
        f"form_analyses.{i}.session: there is no session {a.session}"
        for i, a in enumerate(document.form_analyses)
        if a.session is not None and not 0 <= a.session < len(document.sessions)
    ]
    if problems:
        raise UpperbackError(
            f"{path} refers to missing entries; nothing was imported:\n  " + "\n  ".join(problems[:20])
        )


def _analysis_link(analysis: ExportedAnalysis, sets: list[LoggedSet], sessions: list[SessionRecord]) -> AnalysisLink:
    record = FormAnalysisRecord(
        exercise_id=analysis.exercise_id,
        analyzed_at=analysis.analyzed_at,
        report_path=analysis.report_path,
        report_sha256=analysis.report_sha256,
        summary=analysis.summary,
    )
    session = sessions[analysis.session] if analysis.session is not None else None
    return AnalysisLink(
        record=record,
        set_key=sets[analysis.set].natural_key() if analysis.set is not None else None,
        session_started_at=session.started_at if session else None,
        session_name=session.name if session else None,
    )
