"""Inquiries keep a note beside the amount paid ("DP Rp5.000.000" when a total was also given).

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable payment note (a plain ADD COLUMN works on SQLite and PostgreSQL)."""
    op.add_column("inquiries", sa.Column("paid_note", sa.String(200), nullable=True))


def downgrade() -> None:
    """Drop the payment note (batch mode rebuilds the table on SQLite)."""
    with op.batch_alter_table("inquiries") as batch:
        batch.drop_column("paid_note")
