"""Officer roles, case outcomes, internal notes and saved replies for the web desk.

Revision ID: 0012
Revises: 0009
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the role and outcome columns; create the notes and saved-replies tables."""
    with op.batch_alter_table("officers") as batch:
        batch.add_column(sa.Column("role", sa.String(16), nullable=False, server_default="officer"))
    with op.batch_alter_table("inquiries") as batch:
        batch.add_column(sa.Column("outcome", sa.String(24), nullable=True))
    op.create_table(
        "inquiry_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiries.id"],
            name=op.f("fk_inquiry_notes_inquiry_id_inquiries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["officers.id"],
            name=op.f("fk_inquiry_notes_officer_id_officers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_notes")),
    )
    op.create_index("ix_inquiry_notes_inquiry_id", "inquiry_notes", ["inquiry_id"])
    op.create_table(
        "saved_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["centres.id"],
            name=op.f("fk_saved_replies_centre_id_centres"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_replies")),
    )
    op.create_index("ix_saved_replies_centre_id", "saved_replies", ["centre_id"])


def downgrade() -> None:
    """Drop the tables and columns."""
    op.drop_index("ix_saved_replies_centre_id", "saved_replies")
    op.drop_table("saved_replies")
    op.drop_index("ix_inquiry_notes_inquiry_id", "inquiry_notes")
    op.drop_table("inquiry_notes")
    with op.batch_alter_table("inquiries") as batch:
        batch.drop_column("outcome")
    with op.batch_alter_table("officers") as batch:
        batch.drop_column("role")
