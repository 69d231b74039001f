"""SQLAlchemy 2.0 typed models of contacts, conversations, messages and processed inbound ids."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime

# A naming convention keeps Alembic autogenerate stable across databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class ContactRow(Base):
    """A user on one channel."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    channel_user_id: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8), default="id")
    consent_at: Mapped[datetime | None]
    display_name: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class ConversationRow(Base):
    """The dialog state of a contact: a named state and JSON slots."""

    __tablename__ = "conversations"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str | None] = mapped_column(String(64))
    slots: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]


class MessageRow(Base):
    """One message of a turn; the text is kept only for contacts who consented."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_contact_id_created_at", "contact_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(3))
    text: Mapped[str | None] = mapped_column(Text)
    handler: Mapped[str | None] = mapped_column(String(32))
    topic: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


class ProcessedMessageRow(Base):
    """An inbound id already handled; a hash, since WhatsApp ids embed the phone number."""

    __tablename__ = "processed_messages"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(index=True)


UNFINISHED_MESSAGES = text("kind = 'message' AND status IN ('pending', 'sending', 'held')")


class OutboxRow(Base):
    """A message queued for a platform, written in the same transaction as the turn.

    No foreign key to contacts: a reply to a user who erased their data must still go out.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_channel_channel_user_id_id", "channel", "channel_user_id", "id"),
        Index(
            "ix_outbox_unfinished_messages",
            "channel",
            "channel_user_id",
            "id",
            postgresql_where=UNFINISHED_MESSAGES,
            sqlite_where=UNFINISHED_MESSAGES,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    channel_user_id: Mapped[str] = mapped_column(String(64))
    # "message" (a reply) or "template" (the approved re-engagement template).
    kind: Mapped[str] = mapped_column(String(16), default="message")
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    # pending -> sending -> sent | failed; held while WhatsApp's 24-hour window is closed.
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    platform_message_id: Mapped[str | None] = mapped_column(String(255))
    last_error: Mapped[str | None] = mapped_column(String(255))
    # Parts of a multi-part message the platform accepted: a retry sends only the rest.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class OutboxReceiptRow(Base):
    """One platform message id of a sent outbox row and the last status the platform reported."""

    __tablename__ = "outbox_receipts"

    platform_message_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="accepted")
    error_code: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime]


class CallbackPayloadRow(Base):
    """A button payload too long for a platform's limit, stored under a short key."""

    __tablename__ = "callback_payloads"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class WebReplyRow(Base):
    """A web chat answer kept for the browser's retry, shared by every worker.

    The key is a hash of the browser id and message id, so no id is stored in clear.
    """

    __tablename__ = "web_replies"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    # A hash of the browser id too, so /hapus can find the user's answers.
    owner: Mapped[str] = mapped_column(String(64), index=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(index=True)


class SchedulerRunRow(Base):
    """When a periodic job (follow-up, purge) is next due, shared by every process.

    A process runs the job only if it moves due_at forward itself, in one conditional
    UPDATE, so each interval's run happens once across all processes.
    """

    __tablename__ = "scheduler_runs"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    due_at: Mapped[datetime]
    holder: Mapped[str | None] = mapped_column(String(64))


class RateWindowRow(Base):
    """Messages counted in the current minute for one sender (a hashed key), for every worker."""

    __tablename__ = "rate_windows"
    __table_args__ = (Index("ix_rate_windows_window_start", "window_start"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime]
    count: Mapped[int] = mapped_column(Integer)


class InboundQueueRow(Base):
    """An inbound message acknowledged to its platform and waiting for a worker to run its turn.

    A large delivery is stored whole, in one transaction, before the webhook answers 200; the
    row is deleted once its turn is committed (the engine's inbound claim keeps a retried row
    from answering twice). Rows of one contact are worked one at a time, oldest first.
    """

    __tablename__ = "inbound_queue"
    __table_args__ = (
        UniqueConstraint("channel", "message_id"),
        Index("ix_inbound_queue_channel_channel_user_id_id", "channel", "channel_user_id", "id"),
        Index("ix_inbound_queue_available_at", "available_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    channel_user_id: Mapped[str] = mapped_column(String(64))
    # The platform's message id: a redelivered batch stores nothing twice.
    message_id: Mapped[str] = mapped_column(String(255))
    # What the turn needs: text, payload, kind, display name.
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    # queued -> working (leased until available_at); the row is deleted when done, or
    # parked (kept, its user apologised to) when it keeps failing.
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime]
    received_at: Mapped[datetime]
