"""Import batches that can be listed and undone: what each added, what it said, indexes to find its rows.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sessions_added", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("summary", sa.JSON(), nullable=True))
    with op.batch_alter_table("sets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sets_import_batch_id"), ["import_batch_id"], unique=False)
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_sessions_import_batch_id"), ["import_batch_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_sessions_import_batch_id"))
    with op.batch_alter_table("sets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sets_import_batch_id"))
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_column("summary")
        batch_op.drop_column("sessions_added")
