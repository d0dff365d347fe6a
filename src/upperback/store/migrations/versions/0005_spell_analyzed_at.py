"""Rename form_analyses.analysed_at to analyzed_at: one spelling in identifiers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("form_analyses", schema=None) as batch_op:
        batch_op.drop_index("ix_form_analyses_analysed_at")
        batch_op.alter_column("analysed_at", new_column_name="analyzed_at")
    with op.batch_alter_table("form_analyses", schema=None) as batch_op:  # on the renamed column
        batch_op.create_index(batch_op.f("ix_form_analyses_analyzed_at"), ["analyzed_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("form_analyses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_analyses_analyzed_at"))
        batch_op.alter_column("analyzed_at", new_column_name="analysed_at")
    with op.batch_alter_table("form_analyses", schema=None) as batch_op:
        batch_op.create_index("ix_form_analyses_analysed_at", ["analysed_at"], unique=False)
