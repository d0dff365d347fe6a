"""Signed-in browsers: the ``sign_ins`` table behind the web app's session cookie.

The cookie holds a random token; the table holds only its SHA-256 (a copy of the database
gives no working cookie), when it expires, and a tag of the password it was signed in with.
Signing out deletes the row; a server started with another password no longer accepts, and
deletes, the rows of the old one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from upperback.store.db import write_engine
from upperback.store.tables import Base, utc_now


class SignIn(Base):
    """One browser signed in with the server's password."""

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    password_tag: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(index=True)


def add(engine: Engine, token_sha256: str, password_tag: str, expires_at: datetime) -> None:
    """Record a new sign-in; expired rows are removed on the way."""
    with Session(write_engine(engine)) as session, session.begin():
        session.execute(delete(SignIn).where(SignIn.expires_at <= utc_now()))
        session.add(
            SignIn(token_sha256=token_sha256, password_tag=password_tag, created_at=utc_now(), expires_at=expires_at)
        )


def is_valid(engine: Engine, token_sha256: str, password_tag: str) -> bool:
    """Whether this token belongs to a sign-in that has not expired, made with the current password."""
    with Session(engine) as session:
        row = session.scalars(select(SignIn).where(SignIn.token_sha256 == token_sha256)).first()
        return row is not None and row.password_tag == password_tag and row.expires_at > utc_now()


def remove(engine: Engine, token_sha256: str) -> None:
    """Sign one browser out (nothing happens for an unknown token)."""
    with Session(write_engine(engine)) as session, session.begin():
        session.execute(delete(SignIn).where(SignIn.token_sha256 == token_sha256))


def remove_other_passwords(engine: Engine, password_tag: str) -> int:
    """Delete the sign-ins made with any other password, and expired ones; returns how many went."""
    with Session(write_engine(engine)) as session, session.begin():
        result = cast(
            CursorResult[Any],
            session.execute(
                delete(SignIn).where((SignIn.password_tag != password_tag) | (SignIn.expires_at <= utc_now()))
            ),
        )
        return result.rowcount or 0
