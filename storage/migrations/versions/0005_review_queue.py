"""Review queue of the learning loop ("not sure" answers and `check` questions).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the review_items table."""
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_seen", UTCDateTime(), nullable=False),
        sa.Column("last_seen", UTCDateTime(), nullable=False),
        sa.Column("label", sa.String(80), nullable=True),
        sa.Column("labelled_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("kind", "text_hash", name=op.f("uq_review_items_kind")),
    )
    op.create_index("ix_review_items_last_seen", "review_items", ["last_seen"])


def downgrade() -> None:
    """Drop the review_items table."""
    op.drop_index("ix_review_items_last_seen", table_name="review_items")
    op.drop_table("review_items")
