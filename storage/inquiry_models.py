"""Models of the service-centre side: centres and the regions they cover, officers, inquiries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class CentreRow(Base):
    """A service centre: village migration service, or a labour office above it."""

    __tablename__ = "centres"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # village | district | regency | province | national: also the escalation order.
    kind: Mapped[str] = mapped_column(String(16))
    contact: Mapped[str | None] = mapped_column(Text)
    hours: Mapped[str | None] = mapped_column(String(200))
    example: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]
    # A deactivated centre gets no new inquiries; its officers and cases stay.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class CentreRegionRow(Base):
    """A Kemendagri region code (any level) that a centre covers."""

    __tablename__ = "centre_regions"

    centre_id: Mapped[str] = mapped_column(
        ForeignKey("centres.id", ondelete="CASCADE"), primary_key=True
    )
    region_code: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)


class OfficerRow(Base):
    """A person at a centre who answers inquiries from a chat channel."""

    __tablename__ = "officers"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    centre_id: Mapped[str] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(16))
    channel_user_id: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    # The web dashboard's access code, as a SHA-256 hash: the code itself is shown once.
    dashboard_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The desk password, as an argon2 hash (set by `officers set-password`).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # officer (own centre) | supervisor (every centre under the own centre's regions) | admin
    role: Mapped[str] = mapped_column(String(16), default="officer", server_default="officer")


class InquiryRow(Base):
    """A request for a human: who asked, about what, routed to which centre, and its state."""

    __tablename__ = "inquiries"
    __table_args__ = (Index("ix_inquiries_centre_id_status", "centre_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No cascade: erasing a contact keeps the anonymous inquiry for the village counts.
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    centre_id: Mapped[str] = mapped_column(ForeignKey("centres.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|claimed|resolved
    priority: Mapped[str] = mapped_column(String(8), default="normal")  # normal|urgent
    asker: Mapped[str | None] = mapped_column(String(16))  # migrant|family|other
    name: Mapped[str | None] = mapped_column(String(120))
    village_code: Mapped[str | None] = mapped_column(String(20))
    village_text: Mapped[str | None] = mapped_column(String(200))
    destination: Mapped[str | None] = mapped_column(String(80))
    job: Mapped[str | None] = mapped_column(String(80))
    recruiter: Mapped[str | None] = mapped_column(String(200))
    paid_amount: Mapped[int | None] = mapped_column(BigInteger)
    paid_note: Mapped[str | None] = mapped_column(String(200))
    question: Mapped[str | None] = mapped_column(Text)
    topic: Mapped[str | None] = mapped_column(String(64))
    red_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    officer_last_reply_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    resolution_note: Mapped[str | None] = mapped_column(Text)
    # How the case ended (bot.inquiries.OUTCOMES), chosen on the desk when resolving.
    outcome: Mapped[str | None] = mapped_column(String(24))
    reminded_at: Mapped[datetime | None]
    escalations: Mapped[int] = mapped_column(Integer, default=0)
    deadline_at: Mapped[datetime]
    # Urgent cases: where the person is now, whether this chat is safe (chat|other|none)
    # and another number if not, and whether someone else reported it for them.
    location: Mapped[str | None] = mapped_column(String(200))
    reach: Mapped[str | None] = mapped_column(String(16))
    reach_number: Mapped[str | None] = mapped_column(String(40))
    third_party: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class InquiryMessageRow(Base):
    """One message of the thread between a user and the officer holding their inquiry."""

    __tablename__ = "inquiry_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    sender: Mapped[str] = mapped_column(String(16))  # user | officer
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class InquiryEventRow(Base):
    """The audit trail: who changed an inquiry, when, and what (no personal data in `detail`)."""

    __tablename__ = "inquiry_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(40))  # user | officer:<id> | system
    action: Mapped[str] = mapped_column(String(24))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class InquiryNoteRow(Base):
    """An officers' internal note on a case: never sent to the user."""

    __tablename__ = "inquiry_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class SavedReplyRow(Base):
    """A centre's saved reply, picked on the case page to prefill the reply box."""

    __tablename__ = "saved_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    centre_id: Mapped[str] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class DirectoryEventRow(Base):
    """The directory's audit trail: who added, (de)activated or gave credentials to whom.

    No secrets and no names: centre and officer ids, the role or kind given.
    """

    __tablename__ = "directory_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(40))  # officer:<id> | cli
    action: Mapped[str] = mapped_column(String(32))
    centre_id: Mapped[str | None] = mapped_column(String(64))
    officer_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
