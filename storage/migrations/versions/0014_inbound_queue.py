"""Inbound queue: large webhook deliveries stored at once and worked through afterwards.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create inbound_queue with its idempotency key and per-contact order index."""
    op.create_table(
        "inbound_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("channel_user_id", sa.String(64), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("available_at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_queue")),
        sa.UniqueConstraint("channel", "message_id", name=op.f("uq_inbound_queue_channel")),
    )
    # "Is an earlier message of this contact still queued?" reads this index only.
    op.create_index(
        "ix_inbound_queue_channel_channel_user_id_id",
        "inbound_queue",
        ["channel", "channel_user_id", "id"],
    )
    op.create_index("ix_inbound_queue_available_at", "inbound_queue", ["available_at"])


def downgrade() -> None:
    """Drop what upgrade added."""
    op.drop_index("ix_inbound_queue_available_at", table_name="inbound_queue")
    op.drop_index("ix_inbound_queue_channel_channel_user_id_id", table_name="inbound_queue")
    op.drop_table("inbound_queue")
