"""Outbox parts already accepted, and the web chat's answers shared by every worker.

Revision ID: 0007
Revises: 0012
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add outbox.parts_sent and the web_replies table."""
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("parts_sent", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "web_replies",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_web_replies")),
    )
    op.create_index("ix_web_replies_created_at", "web_replies", ["created_at"])
    op.create_index("ix_web_replies_owner", "web_replies", ["owner"])


def downgrade() -> None:
    """Drop the web_replies table and outbox.parts_sent."""
    op.drop_index("ix_web_replies_owner", table_name="web_replies")
    op.drop_index("ix_web_replies_created_at", table_name="web_replies")
    op.drop_table("web_replies")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("parts_sent")
