"""The urgent case's own details: where the person is, how to reach them, who filed it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add location, reachability and third-party columns to inquiries."""
    with op.batch_alter_table("inquiries") as batch:
        batch.add_column(sa.Column("location", sa.String(200), nullable=True))
        batch.add_column(sa.Column("reach", sa.String(16), nullable=True))
        batch.add_column(sa.Column("reach_number", sa.String(40), nullable=True))
        batch.add_column(
            sa.Column("third_party", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    """Drop the urgent case's columns."""
    with op.batch_alter_table("inquiries") as batch:
        batch.drop_column("third_party")
        batch.drop_column("reach_number")
        batch.drop_column("reach")
        batch.drop_column("location")
