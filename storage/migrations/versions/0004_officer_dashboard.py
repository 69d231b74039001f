"""Officers' dashboard access code (stored as a hash).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the access-code hash column."""
    with op.batch_alter_table("officers") as batch:
        batch.add_column(sa.Column("dashboard_code_hash", sa.String(64), nullable=True))
        batch.create_index("ix_officers_dashboard_code_hash", ["dashboard_code_hash"], unique=True)


def downgrade() -> None:
    """Drop the access-code hash column."""
    with op.batch_alter_table("officers") as batch:
        batch.drop_index("ix_officers_dashboard_code_hash")
        batch.drop_column("dashboard_code_hash")
