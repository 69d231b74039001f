"""Contacts, conversations, messages and processed inbound ids.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the foundation tables."""
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("channel_user_id", sa.String(64), nullable=False),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("consent_at", UTCDateTime(), nullable=True),
        sa.Column("display_name", sa.String(120), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("channel", "channel_user_id", name=op.f("uq_contacts_channel")),
    )
    op.create_table(
        "conversations",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(64), nullable=True),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_conversations_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_conversations")),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("handler", sa.String(32), nullable=True),
        sa.Column("topic", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_messages_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    op.create_index("ix_messages_contact_id_created_at", "messages", ["contact_id", "created_at"])
    op.create_table(
        "processed_messages",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("processed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_processed_messages")),
    )
    op.create_index(
        op.f("ix_processed_messages_processed_at"), "processed_messages", ["processed_at"]
    )


def downgrade() -> None:
    """Drop the foundation tables."""
    op.drop_index(op.f("ix_processed_messages_processed_at"), table_name="processed_messages")
    op.drop_table("processed_messages")
    op.drop_index("ix_messages_contact_id_created_at", table_name="messages")
    op.drop_table("messages")
    op.drop_table("conversations")
    op.drop_table("contacts")
