"""The training log: one object over the database, every write one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, delete, exists, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from upperback.errors import UpperbackError
from upperback.logged_set import LoggedSet
from upperback.store import migrate
from upperback.store.db import make_engine, write_engine
from upperback.store.records import (
    AnalysisLink,
    FormAnalysisRecord,
    ImportBundle,
    ImportOutcome,
    ImportRecord,
    PlanRecord,
    Removed,
    SessionRecord,
)
from upperback.store.tables import (
    SET_FIELDS,
    SET_RECORD_COLUMNS,
    ExerciseAlias,
    FormAnalysis,
    ImportBatch,
    Plan,
    Profile,
    SetRow,
    TrainingSession,
    logged_set,
    set_values,
    utc_now,
)

_KEY_CHUNK = 500


def open_store(url: str | None = None) -> Store:
    """Open the training log and migrate it to the current schema.

    ``url`` defaults to ``$UPPERBACK_DATABASE_URL``, else a SQLite file in the user's data
    directory (``$UPPERBACK_DATA_DIR`` overrides the directory). Use it as a context manager.
    """
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        raise UpperbackError(
            f"Cannot open the training log at {engine.url.render_as_string(hide_password=True)}: "
            f"{exc.orig}. Check the path or database URL (UPPERBACK_DATABASE_URL) and that the "
            "database server is running."
        ) from None
    return Store(engine)


class Store:
    """Read and write the training log. Create it with :func:`open_store`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = write_engine(engine)

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One write transaction: committed at the end of the block, rolled back on any error."""
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine) as session:
            yield session

    # ------------------------------------------------------------------ profile and plans

    def save_profile(self, data: dict) -> None:
        """Replace the current profile with ``data`` (a JSON-serialisable document)."""
        with self._write() as session:
            row = session.scalars(select(Profile).order_by(Profile.id).limit(1)).first()
            if row is None:
                session.add(Profile(data=dict(data), updated_at=utc_now()))
            else:
                row.data = dict(data)
                row.updated_at = utc_now()

    def load_profile(self) -> dict | None:
        with self._read() as session:
            row = session.scalars(select(Profile).order_by(Profile.id).limit(1)).first()
            return None if row is None else dict(row.data)

    def save_plan(self, data: dict, name: str) -> int:
        """Store a programme document; returns its id."""
        with self._write() as session:
            plan = Plan(name=name, data=dict(data), created_at=utc_now())
            session.add(plan)
            session.flush()
            return plan.id

    def latest_plan(self) -> tuple[int, dict] | None:
        with self._read() as session:
            row = session.scalars(select(Plan).order_by(Plan.created_at.desc(), Plan.id.desc()).limit(1)).first()
            return None if row is None else (row.id, dict(row.data))

    def plans(self) -> list[PlanRecord]:
        with self._read() as session:
            rows = session.scalars(select(Plan).order_by(Plan.created_at, Plan.id))
            return [PlanRecord(name=r.name, data=dict(r.data), created_at=r.created_at, id=r.id) for r in rows]

    # ------------------------------------------------------------------ sessions

    def start_session(self, name: str, source: str = "session", started_at: datetime | None = None) -> int:
        """Open a training session; sets logged with its id belong to it."""
        when = _aware(started_at or utc_now(), "start time")
        with self._write() as session:
            row = TrainingSession(name=name, source=source, started_at=when, notes="")
            session.add(row)
            session.flush()
            return row.id

    def end_session(self, session_id: int, ended_at: datetime | None = None) -> None:
        when = _aware(ended_at or utc_now(), "end time")
        with self._write() as session:
            row = session.get(TrainingSession, session_id)
            if row is None:
                raise UpperbackError(f"There is no training session {session_id} to end.")
            row.ended_at = when

    def delete_session(self, session_id: int) -> Removed:
        """Remove a training session and every set in it."""
        with self._write() as session:
            row = session.get(TrainingSession, session_id)
            if row is None:
                raise UpperbackError(f"There is no training session {session_id}; it may have been deleted already.")
            set_ids = select(SetRow.id).where(SetRow.session_id == session_id)
            session.execute(update(FormAnalysis).where(FormAnalysis.set_id.in_(set_ids)).values(set_id=None))
            session.execute(update(FormAnalysis).where(FormAnalysis.session_id == session_id).values(session_id=None))
            deleted = cast(CursorResult[Any], session.execute(delete(SetRow).where(SetRow.session_id == session_id)))
            sets = deleted.rowcount or 0
            session.delete(row)
            return Removed(sets=sets, sessions=1)

    def reopen_session(self, session_id: int, at: datetime | None = None) -> None:
        """Carry on with an ended session from ``at``: it is open again, counted as starting
        then, and its notes keep when it first started."""
        when = _aware(at or utc_now(), "start time")
        with self._write() as session:
            row = session.get(TrainingSession, session_id)
            if row is None:
                raise UpperbackError(f"There is no training session {session_id} to carry on with.")
            first = row.started_at.isoformat(timespec="minutes")
            row.notes = " ".join(filter(None, [row.notes, f"Carried on after a stop (first started {first})."]))
            row.started_at, row.ended_at = when, None

    def get_session(self, session_id: int) -> SessionRecord | None:
        with self._read() as session:
            row = session.get(TrainingSession, session_id)
            return None if row is None else _session_record(row)

    def sessions(self, source: str | None = None, open_since: datetime | None = None) -> list[SessionRecord]:
        """Training sessions in time order; optionally of one ``source``, or only those not ended
        and started from ``open_since`` on."""
        query = select(TrainingSession).order_by(TrainingSession.started_at, TrainingSession.id)
        if source is not None:
            query = query.where(TrainingSession.source == source)
        if open_since is not None:
            query = query.where(
                TrainingSession.ended_at.is_(None),
                TrainingSession.started_at >= _aware(open_since, "'open since' time"),
            )
        with self._read() as session:
            return [_session_record(r) for r in session.scalars(query)]

    # ------------------------------------------------------------------ sets

    def log_set(self, s: LoggedSet) -> int:
        """Save one set in its own transaction; returns its id.

        Logging a set identical to one already stored (same time, exercise, index and numbers)
        returns the stored set's id instead of adding a copy, so a retried request is harmless.
        """
        return self.log_sets([s])[0]

    def log_sets(self, sets: list[LoggedSet]) -> list[int]:
        """Save several sets, all or nothing; returns their ids in order."""
        checked = [s.validated() for s in sets]
        try:
            with self._write() as session:
                known = _existing_keys(session, [s.natural_key() for s in checked])
                ids = []
                for s in checked:
                    key = s.natural_key()
                    if key not in known:
                        row = SetRow(**set_values(s), natural_key=key, created_at=utc_now())
                        session.add(row)
                        session.flush()
                        known[key] = row.id
                    ids.append(known[key])
                return ids
        except IntegrityError as exc:
            raise UpperbackError(
                f"The sets could not be saved: {exc.orig}. Nothing was saved; check that the session id exists."
            ) from None

    def log_next_set(self, s: LoggedSet, since: datetime, until: datetime) -> LoggedSet:
        """Save ``s`` as the next set of its movement (and source) between ``since`` and ``until``.

        The number is counted in the same write transaction as the insert (SQLite's write lock,
        a table lock on PostgreSQL), so sets logged at the same moment (two tabs, a retried
        request and the CLI) are numbered 1..n, never twice 2.
        """
        checked = s.validated()
        try:
            return self._insert_numbered(checked, since, until)
        except IntegrityError as exc:
            raise UpperbackError(
                f"The set could not be saved: {exc.orig}. Nothing was saved; check that the "
                "session exists and that the same set was not logged at the same instant."
            ) from None

    def _insert_numbered(self, checked: LoggedSet, since: datetime, until: datetime) -> LoggedSet:
        with self._write() as session:
            if session.get_bind().dialect.name == "postgresql":  # SQLite's BEGIN IMMEDIATE already serialises
                session.execute(text("LOCK TABLE sets IN SHARE ROW EXCLUSIVE MODE"))
            query = (
                select(func.count())
                .select_from(SetRow)
                .where(
                    SetRow.performed_at >= _aware(since, "'since' time"),
                    SetRow.performed_at < _aware(until, "'until' time"),
                    SetRow.source == checked.source,
                )
            )
            if checked.exercise_id is not None:
                query = query.where(SetRow.exercise_id == checked.exercise_id)
            else:
                query = query.where(SetRow.exercise_name == checked.exercise_name)
            numbered = replace(checked, set_index=(session.scalar(query) or 0) + 1)
            row = SetRow(**set_values(numbered), natural_key=numbered.natural_key(), created_at=utc_now())
            session.add(row)
            session.flush()
            return replace(numbered, id=row.id)

    def get_set(self, set_id: int) -> LoggedSet:
        with self._read() as session:
            return logged_set(_set_row(session, set_id))

    def update_set(self, set_id: int, **changes) -> LoggedSet:
        """Correct a logged set (reps, load, unit, type, notes ...); the same checks as logging it apply."""
        unknown = set(changes) - set(SET_FIELDS)
        if unknown:
            raise UpperbackError(f"A set has no field {', '.join(sorted(unknown))}.")
        with self._write() as session:
            row = _set_row(session, set_id)
            edited = replace(logged_set(row), **changes).validated()
            key = edited.natural_key()
            if session.scalars(select(SetRow.id).where(SetRow.natural_key == key, SetRow.id != set_id)).first():
                raise UpperbackError("An identical set is already logged at that time; delete one instead.")
            for name, value in set_values(edited).items():
                setattr(row, name, value)
            row.natural_key = key
            return replace(edited, id=set_id)

    def delete_set(self, set_id: int) -> LoggedSet:
        """Remove one set; its form analysis, if any, stays (unlinked). Returns what was removed."""
        with self._write() as session:
            row = _set_row(session, set_id)
            removed = logged_set(row)
            session.execute(update(FormAnalysis).where(FormAnalysis.set_id == set_id).values(set_id=None))
            session.delete(row)
            return removed

    def sets_page(self, offset: int, limit: int) -> tuple[list[LoggedSet], int]:
        """The newest sets first, ``limit`` of them from ``offset``; and how many there are in all."""
        query = select(SetRow).order_by(SetRow.performed_at.desc(), SetRow.session_id.desc(), SetRow.id.desc())
        with self._read() as session:
            total = session.scalar(select(func.count()).select_from(SetRow)) or 0
            rows = session.scalars(query.offset(offset).limit(limit))
            return [logged_set(row) for row in rows], total

    def sets(
        self, exercise_id: str | None = None, since: datetime | None = None, session_id: int | None = None
    ) -> list[LoggedSet]:
        """Logged sets in time order, optionally of one movement, from ``since`` on, of one session."""
        query = select(*SET_RECORD_COLUMNS).order_by(SetRow.performed_at, SetRow.session_id, SetRow.id)
        if exercise_id is not None:
            query = query.where(SetRow.exercise_id == exercise_id)
        if since is not None:
            query = query.where(SetRow.performed_at >= _aware(since, "'since' time"))
        if session_id is not None:
            query = query.where(SetRow.session_id == session_id)
        with self._read() as session:  # plain rows, not ORM objects: a 20,000-set log reads 3x faster
            return [LoggedSet(*row) for row in session.execute(query)]

    def count_sets(self, session_id: int | None = None) -> int:
        """How many sets the log holds (in one session, with ``session_id``), counted by the database."""
        query = select(func.count()).select_from(SetRow)
        if session_id is not None:
            query = query.where(SetRow.session_id == session_id)
        with self._read() as session:
            return session.scalar(query) or 0

    def movement_sets(self, before: datetime | None = None, outside_session: int | None = None) -> list[LoggedSet]:
        """Sets of the library's movements and of guided sessions, in time order: all a plan
        reads from the log. The database picks them out, so a long history of other exercises
        is never turned into Python objects here. ``before`` and ``outside_session`` give the
        log as it stood when a session began: sets performed earlier, none of that session's."""
        query = (
            select(SetRow)
            .where(or_(SetRow.exercise_id.is_not(None), SetRow.source == "session"))
            .order_by(SetRow.performed_at, SetRow.session_id, SetRow.id)
        )
        if before is not None:
            query = query.where(SetRow.performed_at < _aware(before, "'before' time"))
        if outside_session is not None:
            query = query.where(or_(SetRow.session_id.is_(None), SetRow.session_id != outside_session))
        with self._read() as session:
            return [logged_set(row) for row in session.scalars(query)]

    # ------------------------------------------------------------------ exercise names

    def aliases(self) -> dict[str, tuple[str, str | None]]:
        """Names mapped by the user: normalised name -> (movement id, variant id)."""
        with self._read() as session:
            return {a.name: (a.exercise_id, a.variant_id) for a in session.scalars(select(ExerciseAlias))}

    def map_exercise_name(self, name: str, exercise_id: str, variant_id: str | None = None) -> int:
        """Remember that ``name`` means this movement, and apply it to stored sets still unmapped.

        Returns how many stored sets were updated.
        """
        with self._write() as session:
            return _apply_aliases(session, {name: (exercise_id, variant_id)})

    def map_exercise_names(self, choices: dict[str, tuple[str, str | None]]) -> int:
        """Remember several names at once (one transaction) and give every stored set of each name its
        movement, also sets an import had mapped otherwise (the user's review overrides it)."""
        with self._write() as session:
            return _apply_aliases(session, choices, overwrite=True)

    # ------------------------------------------------------------------ form analyses

    def link_form_analysis(self, record: FormAnalysisRecord) -> int:
        """Store a form report's link and summary; the same report file twice keeps one row."""
        with self._write() as session:
            existing = session.scalars(
                select(FormAnalysis).where(FormAnalysis.report_sha256 == record.report_sha256)
            ).first()
            if existing is not None:
                existing.set_id, existing.session_id = record.set_id, record.session_id
                return existing.id
            row = FormAnalysis(**_analysis_columns(record), created_at=utc_now())
            session.add(row)
            try:
                session.flush()
            except IntegrityError:
                raise UpperbackError(
                    f"Cannot link the report {record.report_path}: set {record.set_id} or session "
                    f"{record.session_id} does not exist."
                ) from None
            return row.id

    def delete_form_analysis(self, analysis_id: int) -> FormAnalysisRecord:
        """Forget a form analysis (its report file is left where it is). Returns what was removed."""
        with self._write() as session:
            row = session.get(FormAnalysis, analysis_id)
            if row is None:
                raise UpperbackError(f"There is no form analysis {analysis_id}; it may have been deleted already.")
            removed = _analysis_record(row)
            session.delete(row)
            return removed

    def form_analyses(self, exercise_id: str | None = None, newest: int | None = None) -> list[FormAnalysisRecord]:
        """Saved form analyses in time order; with ``newest``, only that many of the latest, newest first."""
        order = (
            (FormAnalysis.analyzed_at.desc(), FormAnalysis.id.desc())
            if newest is not None
            else (FormAnalysis.analyzed_at, FormAnalysis.id)
        )
        query = select(FormAnalysis).order_by(*order).limit(newest)
        if exercise_id is not None:
            query = query.where(FormAnalysis.exercise_id == exercise_id)
        with self._read() as session:
            return [_analysis_record(r) for r in session.scalars(query)]

    # ------------------------------------------------------------------ imports

    def import_batch(self, file_sha256: str) -> tuple[int, datetime] | None:
        """(id, time) of the earlier import of a file with this hash, if any."""
        with self._read() as session:
            row = session.scalars(select(ImportBatch).where(ImportBatch.file_sha256 == file_sha256)).first()
            return None if row is None else (row.id, row.imported_at)

    def imports(self) -> list[ImportRecord]:
        """Every import still in the log, newest first."""
        counts = (
            select(SetRow.import_batch_id, func.count().label("n"))
            .where(SetRow.import_batch_id.is_not(None))
            .group_by(SetRow.import_batch_id)
            .subquery()
        )
        query = (
            select(ImportBatch, counts.c.n)
            .outerjoin(counts, counts.c.import_batch_id == ImportBatch.id)
            .order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc())
        )
        with self._read() as session:
            return [
                ImportRecord(
                    id=b.id,
                    file_name=b.file_name,
                    format=b.format,
                    imported_at=b.imported_at,
                    rows_read=b.rows_read,
                    sets_added=b.sets_added,
                    sessions_added=b.sessions_added,
                    sets_now=n or 0,
                    summary=dict(b.summary or {}),
                )
                for b, n in session.execute(query)
            ]

    def undo_import(self, batch_id: int) -> Removed:
        """Remove everything an import added: its sets, and the sessions it created that hold no other set.

        Nothing else changes: sets logged by hand or by other imports, even in the same sessions,
        stay as they were; name mappings the import taught are kept (they are the user's answers).
        Afterwards the same file can be imported again.
        """
        with self._write() as session:
            batch = session.get(ImportBatch, batch_id)
            if batch is None:
                raise UpperbackError(
                    f"There is no import {batch_id}; 'upperback imports' lists the imports still in the log."
                )
            set_ids = select(SetRow.id).where(SetRow.import_batch_id == batch_id)
            session.execute(update(FormAnalysis).where(FormAnalysis.set_id.in_(set_ids)).values(set_id=None))
            deleted = cast(CursorResult[Any], session.execute(delete(SetRow).where(SetRow.import_batch_id == batch_id)))
            sets = deleted.rowcount or 0
            emptied = select(TrainingSession.id).where(
                TrainingSession.import_batch_id == batch_id, ~exists().where(SetRow.session_id == TrainingSession.id)
            )
            emptied_ids = list(session.scalars(emptied))
            for start in range(0, len(emptied_ids), _KEY_CHUNK):
                chunk = emptied_ids[start : start + _KEY_CHUNK]
                session.execute(update(FormAnalysis).where(FormAnalysis.session_id.in_(chunk)).values(session_id=None))
                session.execute(delete(TrainingSession).where(TrainingSession.id.in_(chunk)))
            session.execute(
                update(TrainingSession).where(TrainingSession.import_batch_id == batch_id).values(import_batch_id=None)
            )
            session.delete(batch)
            return Removed(sets=sets, sessions=len(emptied_ids))

    def add_import(self, bundle: ImportBundle) -> ImportOutcome:
        """Write an imported file's sessions, sets, analyses, profile and plans in one transaction.

        A file imported before (same hash) changes nothing. Sets already stored (same natural
        key, e.g. from an overlapping older export) are skipped, and a session whose sets are
        all known is not created again.
        """
        checked = [(w, [(s.validated(), s.natural_key()) for s in sets]) for w, sets in bundle.workouts]
        loose = [(s.validated(), s.natural_key()) for s in bundle.loose_sets]
        all_keys = [key for _, sets in checked for _, key in sets] + [key for _, key in loose]
        try:
            with self._write() as session:
                earlier = session.scalars(
                    select(ImportBatch.id).where(ImportBatch.file_sha256 == bundle.file_sha256)
                ).first()
                if earlier is not None:
                    return ImportOutcome(
                        already_imported=True,
                        sets_added=0,
                        sets_skipped=len(all_keys),
                        sessions_added=0,
                        sets_remapped=_apply_aliases(session, bundle.aliases),
                        batch_id=earlier,
                    )
                batch = ImportBatch(
                    file_sha256=bundle.file_sha256,
                    file_name=bundle.file_name[-500:],
                    format=bundle.format,
                    imported_at=utc_now(),
                    rows_read=bundle.rows_read,
                    summary=bundle.summary,
                )
                session.add(batch)
                session.flush()
                known = _existing_keys(session, all_keys)
                rows: list[dict] = []
                sessions_added = 0
                for workout, sets in checked:
                    fresh = [(s, key) for s, key in sets if key not in known]
                    if sets and not fresh:
                        continue
                    workout_id, created = _find_or_add_session(session, workout, batch.id)
                    sessions_added += created
                    rows += _new_rows(fresh, known, batch.id, workout_id)
                rows += _new_rows([(s, key) for s, key in loose if key not in known], known, batch.id, None)
                if rows:
                    session.execute(insert(SetRow), rows)
                batch.sets_added, batch.sessions_added = len(rows), sessions_added
                _add_analyses(session, bundle.analyses)
                if bundle.profile is not None and session.scalar(select(func.count()).select_from(Profile)) == 0:
                    session.add(Profile(data=dict(bundle.profile), updated_at=utc_now()))
                _add_plans(session, bundle.plans)
                return ImportOutcome(
                    already_imported=False,
                    sets_added=len(rows),
                    sets_skipped=len(all_keys) - len(rows),
                    sessions_added=sessions_added,
                    sets_remapped=_apply_aliases(session, bundle.aliases),
                    batch_id=batch.id,
                )
        except IntegrityError as exc:
            raise UpperbackError(f"The import could not be saved ({exc.orig}); nothing was saved.") from None

    def delete_all(self) -> None:
        """Remove every logged set, session, analysis and import record (profile and plans stay)."""
        with self._write() as session:
            for table in (FormAnalysis, SetRow, TrainingSession, ImportBatch):
                session.execute(delete(table))


# ---------------------------------------------------------------------- helpers


def normalise_name(name: str) -> str:
    """Case- and space-insensitive form of an exercise name, used as the alias key."""
    return " ".join(name.lower().split())


def _set_row(session: Session, set_id: int) -> SetRow:
    row = session.get(SetRow, set_id)
    if row is None:
        raise UpperbackError(f"There is no logged set {set_id}; it may have been deleted already.")
    return row


def _aware(when: datetime, what: str) -> datetime:
    if when.tzinfo is None:
        raise UpperbackError(f"The {what} {when.isoformat()} has no time zone; give one.")
    return when


def _session_record(row: TrainingSession) -> SessionRecord:
    return SessionRecord(
        name=row.name, started_at=row.started_at, ended_at=row.ended_at, source=row.source, notes=row.notes, id=row.id
    )


def _analysis_columns(record: FormAnalysisRecord) -> dict:
    values = asdict(record)
    values.pop("id")
    return values


def _analysis_record(row: FormAnalysis) -> FormAnalysisRecord:
    return FormAnalysisRecord(
        exercise_id=row.exercise_id,
        analyzed_at=row.analyzed_at,
        report_path=row.report_path,
        report_sha256=row.report_sha256,
        summary=dict(row.summary),
        set_id=row.set_id,
        session_id=row.session_id,
        id=row.id,
    )


def _existing_keys(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """natural key -> id for the keys already stored."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), _KEY_CHUNK):
        chunk = wanted[start : start + _KEY_CHUNK]
        rows = session.execute(select(SetRow.natural_key, SetRow.id).where(SetRow.natural_key.in_(chunk)))
        found.update((key, set_id) for key, set_id in rows)
    return found


def _find_or_add_session(session: Session, workout: SessionRecord, batch_id: int) -> tuple[int, bool]:
    """(session id, whether it was created): an existing session with the same start and name is reused."""
    existing = session.scalars(
        select(TrainingSession.id).where(
            TrainingSession.started_at == _aware(workout.started_at, "session start"),
            TrainingSession.name == workout.name,
        )
    ).first()
    if existing is not None:
        return existing, False
    row = TrainingSession(
        name=workout.name,
        source=workout.source,
        started_at=workout.started_at,
        ended_at=workout.ended_at,
        notes=workout.notes,
        import_batch_id=batch_id,
    )
    session.add(row)
    session.flush()
    return row.id, True


def _new_rows(
    sets: list[tuple[LoggedSet, str]], known: dict[str, int], batch_id: int, session_id: int | None
) -> list[dict]:
    """Insert values for sets not stored yet (and not repeated earlier in the same file)."""
    rows = []
    now = utc_now()
    for s, key in sets:
        if key in known:
            continue
        known[key] = -1
        rows.append(
            {
                **set_values(replace(s, session_id=session_id)),
                "natural_key": key,
                "import_batch_id": batch_id,
                "created_at": now,
            }
        )
    return rows


def _add_analyses(session: Session, analyses: list[AnalysisLink]) -> None:
    for link in analyses:
        record = link.record
        if (
            session.scalars(select(FormAnalysis.id).where(FormAnalysis.report_sha256 == record.report_sha256)).first()
            is not None
        ):
            continue
        set_id = session_id = None
        if link.set_key is not None:
            set_id = session.scalars(select(SetRow.id).where(SetRow.natural_key == link.set_key)).first()
        if link.session_started_at is not None:
            session_id = session.scalars(
                select(TrainingSession.id).where(
                    TrainingSession.started_at == link.session_started_at, TrainingSession.name == link.session_name
                )
            ).first()
        columns = _analysis_columns(replace(record, set_id=set_id, session_id=session_id))
        session.add(FormAnalysis(**columns, created_at=utc_now()))


def _apply_aliases(session: Session, aliases: dict[str, tuple[str, str | None]], overwrite: bool = False) -> int:
    """Save name mappings and give stored sets of those names their movement (only unmapped ones
    unless ``overwrite``)."""
    updated = 0
    for name, (exercise_id, variant_id) in aliases.items():
        key = normalise_name(name)
        alias = session.scalars(select(ExerciseAlias).where(ExerciseAlias.name == key)).first()
        if alias is None:
            session.add(ExerciseAlias(name=key, exercise_id=exercise_id, variant_id=variant_id))
        else:
            alias.exercise_id, alias.variant_id = exercise_id, variant_id
        query = update(SetRow).where(func.lower(SetRow.exercise_name) == key)
        if not overwrite:
            query = query.where(SetRow.exercise_id.is_(None))
        result = cast(CursorResult[Any], session.execute(query.values(exercise_id=exercise_id, variant_id=variant_id)))
        updated += result.rowcount or 0
    return updated


def _add_plans(session: Session, plans: list[PlanRecord]) -> None:
    for plan in plans:
        duplicate = session.scalars(
            select(Plan.id).where(Plan.name == plan.name, Plan.created_at == plan.created_at)
        ).first()
        if duplicate is None:
            session.add(Plan(name=plan.name, data=dict(plan.data), created_at=plan.created_at))
