"""Scale: the partial index of unfinished messages, scheduler leases, shared rate windows.

Revision ID: 0011
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNFINISHED = sa.text("kind = 'message' AND status IN ('pending', 'sending', 'held')")


def upgrade() -> None:
    """Add the partial outbox index and the scheduler_runs and rate_windows tables."""
    # The sender's "is an earlier message to this person unfinished?" test reads only
    # unfinished rows through this index, however long the recipient's history.
    op.create_index(
        "ix_outbox_unfinished_messages",
        "outbox",
        ["channel", "channel_user_id", "id"],
        postgresql_where=UNFINISHED,
        sqlite_where=UNFINISHED,
    )
    op.create_table(
        "scheduler_runs",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("holder", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_runs")),
    )
    op.create_table(
        "rate_windows",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("window_start", UTCDateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_windows")),
    )
    op.create_index("ix_rate_windows_window_start", "rate_windows", ["window_start"])


def downgrade() -> None:
    """Drop what upgrade added."""
    op.drop_index("ix_rate_windows_window_start", table_name="rate_windows")
    op.drop_table("rate_windows")
    op.drop_table("scheduler_runs")
    op.drop_index("ix_outbox_unfinished_messages", table_name="outbox")
