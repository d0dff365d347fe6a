"""The database tables (SQLAlchemy 2 ORM). Alembic migrations create and change them."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from upperback.logged_set import LoggedSet

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored as naive UTC, the same on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; attach a time zone first")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class Profile(Base):
    """The user's profile as one JSON document (the plan module defines its fields)."""

    __tablename__ = "profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)


class Plan(Base):
    """A training programme as one JSON document."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)


class ImportBatch(Base):
    """One imported file; its hash makes importing the same file twice a no-op."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(String(20))
    imported_at: Mapped[datetime] = mapped_column(default=utc_now)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    sets_added: Mapped[int] = mapped_column(Integer, default=0)
    sessions_added: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    summary: Mapped[dict[str, Any] | None]
    """What the import said about the file (the units its weights were read in)."""


class TrainingSession(Base):
    """A workout: started, maybe ended, from a guided session, by hand or from an import."""

    __tablename__ = "training_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL"), index=True
    )


class SetRow(Base):
    """One performed set: the columns of :class:`~upperback.logged_set.LoggedSet`, plus what the
    store keeps about it (natural key, import batch, creation time). :func:`set_values` and
    :func:`logged_set` map between the two."""

    __tablename__ = "sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    performed_at: Mapped[datetime] = mapped_column(index=True)
    exercise_id: Mapped[str | None] = mapped_column(String(100), index=True)
    exercise_name: Mapped[str] = mapped_column(String(200), index=True)
    variant_id: Mapped[str | None] = mapped_column(String(100))
    set_index: Mapped[int] = mapped_column(Integer)
    set_type: Mapped[str] = mapped_column(String(20))
    reps: Mapped[int | None] = mapped_column(Integer)
    load: Mapped[float | None] = mapped_column(Float)
    load_unit: Mapped[str | None] = mapped_column(String(4))
    duration_s: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    rpe: Mapped[float | None] = mapped_column(Float)
    rir: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(40))
    natural_key: Mapped[str] = mapped_column(String(64), unique=True)
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


SET_FIELDS = tuple(f.name for f in fields(LoggedSet) if f.name != "id")
"""The set record's fields, each a column of the sets table (its ``id`` is the row's)."""
SET_RECORD_COLUMNS = [getattr(SetRow, name) for name in (*SET_FIELDS, "id")]
"""The sets table's columns in the order of the record's fields: ``LoggedSet(*row)`` of a select of them."""


def set_values(s: LoggedSet) -> dict[str, Any]:
    """The column values of a set (its enums as their plain text)."""
    return {name: _plain(getattr(s, name)) for name in SET_FIELDS}


def logged_set(row: SetRow) -> LoggedSet:
    """The set record of a row (the record makes the stored text its enums again)."""
    return LoggedSet(**{name: getattr(row, name) for name in SET_FIELDS}, id=row.id)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, StrEnum) else value


class FormAnalysis(Base):
    """A saved form report (JSON file) linked to the set or session it checked."""

    __tablename__ = "form_analyses"

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int | None] = mapped_column(ForeignKey("sets.id", ondelete="SET NULL"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("training_sessions.id", ondelete="SET NULL"))
    exercise_id: Mapped[str] = mapped_column(String(100), index=True)
    analyzed_at: Mapped[datetime] = mapped_column(index=True)
    report_path: Mapped[str] = mapped_column(String(1000))
    report_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    summary: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class ExerciseAlias(Base):
    """A name from another app that the user mapped to a library movement (``import --map``)."""

    __tablename__ = "exercise_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    exercise_id: Mapped[str] = mapped_column(String(100))
    variant_id: Mapped[str | None] = mapped_column(String(100))
