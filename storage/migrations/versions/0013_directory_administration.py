"""Directory administration on the desk: centres can be deactivated, changes are audited.

Revision ID: 0013
Revises: 0011
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add centres.active and the directory_events audit table."""
    with op.batch_alter_table("centres") as batch:
        batch.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.create_table(
        "directory_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(40), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("centre_id", sa.String(64), nullable=True),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_events")),
    )
    op.create_index("ix_directory_events_at", "directory_events", ["at"])


def downgrade() -> None:
    """Drop the audit table and the column."""
    op.drop_index("ix_directory_events_at", "directory_events")
    op.drop_table("directory_events")
    with op.batch_alter_table("centres") as batch:
        batch.drop_column("active")
