"""Add the analysis_jobs table: the web app's queue of uploaded videos and their results.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "analysis_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("exercise_requested", sa.String(length=100), nullable=False),
        sa.Column("exercise_id", sa.String(length=100), nullable=True),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("upload_file", sa.String(length=300), nullable=False),
        sa.Column("upload_bytes", sa.Integer(), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("stage", sa.String(length=200), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_kind", sa.String(length=20), nullable=True),
        sa.Column("report_json", sa.String(length=300), nullable=True),
        sa.Column("report_html", sa.String(length=300), nullable=True),
        sa.Column("annotated_video", sa.String(length=300), nullable=True),
        sa.Column("rep_count", sa.Integer(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("form_analysis_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["form_analysis_id"],
            ["form_analyses.id"],
            name=op.f("fk_analysis_jobs_form_analysis_id_form_analyses"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis_jobs")),
        sa.UniqueConstraint("public_id", name=op.f("uq_analysis_jobs_public_id")),
    )
    with op.batch_alter_table("analysis_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_analysis_jobs_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_analysis_jobs_state"), ["state"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("analysis_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_analysis_jobs_state"))
        batch_op.drop_index(batch_op.f("ix_analysis_jobs_created_at"))

    op.drop_table("analysis_jobs")
