"""Service centres, their regions, officers, inquiries, their threads and audit trail.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every inquiry gets a centre: this national fallback exists from the first migration on.
# Its contact lines are KP2MI's public channels as verified in the project's fact sheet.
NATIONAL_CONTACT = (
    "KP2MI: telepon 0800-1000 (bebas pulsa), +62 21 2924 4800 (dari luar negeri), "
    "WhatsApp 0811-8080-141"
)


def upgrade() -> None:
    """Create the service-centre tables and the national fallback centre."""
    centres = op.create_table(
        "centres",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("hours", sa.String(200), nullable=True),
        sa.Column("example", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centres")),
    )
    op.create_table(
        "centre_regions",
        sa.Column("centre_id", sa.String(64), nullable=False),
        sa.Column("region_code", sa.String(20), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["centres.id"],
            name=op.f("fk_centre_regions_centre_id_centres"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("centre_id", "region_code", name=op.f("pk_centre_regions")),
    )
    op.create_index(op.f("ix_centre_regions_region_code"), "centre_regions", ["region_code"])
    op.create_table(
        "officers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("channel_user_id", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["centres.id"],
            name=op.f("fk_officers_centre_id_centres"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_officers")),
        sa.UniqueConstraint("channel", "channel_user_id", name=op.f("uq_officers_channel")),
    )
    op.create_index(op.f("ix_officers_centre_id"), "officers", ["centre_id"])
    op.create_table(
        "inquiries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("centre_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("asker", sa.String(16), nullable=True),
        sa.Column("name", sa.String(120), nullable=True),
        sa.Column("village_code", sa.String(20), nullable=True),
        sa.Column("village_text", sa.String(200), nullable=True),
        sa.Column("destination", sa.String(80), nullable=True),
        sa.Column("job", sa.String(80), nullable=True),
        sa.Column("recruiter", sa.String(200), nullable=True),
        sa.Column("paid_amount", sa.BigInteger(), nullable=True),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("topic", sa.String(64), nullable=True),
        sa.Column("red_flags", sa.JSON(), nullable=False),
        sa.Column("claimed_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("first_response_at", UTCDateTime(), nullable=True),
        sa.Column("officer_last_reply_at", UTCDateTime(), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.Column("reminded_at", UTCDateTime(), nullable=True),
        sa.Column("escalations", sa.Integer(), nullable=False),
        sa.Column("deadline_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_inquiries_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centres.id"], name=op.f("fk_inquiries_centre_id_centres")
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by"],
            ["officers.id"],
            name=op.f("fk_inquiries_claimed_by_officers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiries")),
    )
    op.create_index(op.f("ix_inquiries_contact_id"), "inquiries", ["contact_id"])
    op.create_index("ix_inquiries_centre_id_status", "inquiries", ["centre_id", "status"])
    op.create_table(
        "inquiry_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(16), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiries.id"],
            name=op.f("fk_inquiry_messages_inquiry_id_inquiries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["officers.id"],
            name=op.f("fk_inquiry_messages_officer_id_officers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_messages")),
    )
    op.create_index(op.f("ix_inquiry_messages_inquiry_id"), "inquiry_messages", ["inquiry_id"])
    op.create_table(
        "inquiry_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(40), nullable=False),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiries.id"],
            name=op.f("fk_inquiry_events_inquiry_id_inquiries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_events")),
    )
    op.create_index(op.f("ix_inquiry_events_inquiry_id"), "inquiry_events", ["inquiry_id"])
    op.bulk_insert(
        centres,
        [
            {
                "id": "nasional",
                "name": "Layanan Pengaduan KP2MI (nasional)",
                "kind": "national",
                "contact": NATIONAL_CONTACT,
                "hours": None,
                "example": False,
                "updated_at": datetime.now(UTC),
            }
        ],
    )


def downgrade() -> None:
    """Drop the service-centre tables."""
    for table in (
        "inquiry_events",
        "inquiry_messages",
        "inquiries",
        "officers",
        "centre_regions",
        "centres",
    ):
        op.drop_table(table)
