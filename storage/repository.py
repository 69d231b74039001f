"""SQLAlchemy implementation of the core's storage ports: one AsyncSession per unit of work."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.inquiries import AnswerWindows
from bot.messages import Outbound, Recipient
from bot.ports import Contact, Conversation
from storage.casework import SqlCaseTools
from storage.desk import SqlDeskQueries, SqlDeskStore
from storage.inquiries import SqlInquiryStore
from storage.inquiry_models import InquiryRow
from storage.models import ContactRow, ConversationRow, MessageRow, OutboxRow, ProcessedMessageRow
from storage.outbox import new_outbox_row, release_held
from storage.review import SqlReviewStore


def inbound_key(channel: str, message_id: str) -> str:
    """Return the stored key of an inbound id (hashed: WhatsApp ids embed phone numbers)."""
    return hashlib.sha256(f"{channel}\x00{message_id}".encode()).hexdigest()


def _contact(row: ContactRow) -> Contact:
    """Convert a row to the core's Contact."""
    return Contact(
        id=row.id,
        channel=row.channel,
        user_id=row.channel_user_id,
        locale=row.locale,
        consent_at=row.consent_at,
        display_name=row.display_name,
        active=row.active,
    )


class SqlUnitOfWork(SqlInquiryStore, SqlDeskStore, SqlDeskQueries, SqlReviewStore, SqlCaseTools):
    """One transaction around one inbound message. Repositories flush; commit is the edge's job."""

    def __init__(
        self,
        session: AsyncSession,
        clock: Callable[[], datetime],
        windows: AnswerWindows | None = None,
    ) -> None:
        self.session = session
        self._clock = clock
        self.windows = windows or AnswerWindows()

    async def claim_inbound(self, channel: str, message_id: str) -> bool:
        """Record an inbound id; False when it was already processed."""
        key = inbound_key(channel, message_id)
        if await self.session.get(ProcessedMessageRow, key) is not None:
            return False
        self.session.add(ProcessedMessageRow(key=key, processed_at=self._clock()))
        try:
            await self.session.flush()
        except IntegrityError:
            # A concurrent worker claimed the same id between our read and our insert.
            # This is the first write of the unit of work, so nothing else is lost.
            await self.session.rollback()
            return False
        return True

    async def contact_for(self, channel: str, user_id: str, default_locale: str) -> Contact:
        """Return the contact for a channel user, creating it on first contact."""
        now = self._clock()
        row = await self.session.scalar(
            select(ContactRow).where(
                ContactRow.channel == channel, ContactRow.channel_user_id == user_id
            )
        )
        if row is None:
            row = ContactRow(
                channel=channel,
                channel_user_id=user_id,
                locale=default_locale,
                active=True,
                created_at=now,
                last_seen_at=now,
            )
            self.session.add(row)
            await self.session.flush()
        else:
            row.last_seen_at = now
            row.active = True
            # The user wrote, so WhatsApp's service window is open again: deliver what waited.
            await release_held(self.session, channel, user_id, now)
        return _contact(row)

    async def load_conversation(self, contact_id: int) -> Conversation:
        """Return the stored dialog state of a contact (empty when none)."""
        row = await self.session.get(ConversationRow, contact_id)
        if row is None:
            return Conversation()
        return Conversation(state=row.state, slots=dict(row.slots or {}), updated_at=row.updated_at)

    async def save_conversation(self, contact_id: int, conversation: Conversation) -> None:
        """Store the dialog state of a contact."""
        row = await self.session.get(ConversationRow, contact_id)
        now = self._clock()
        if row is None:
            row = ConversationRow(contact_id=contact_id, updated_at=now)
            self.session.add(row)
        row.state = conversation.state
        row.slots = dict(conversation.slots)
        row.updated_at = now
        await self.session.flush()

    async def log_message(
        self,
        contact_id: int,
        direction: str,
        text: str | None,
        handler: str | None,
        topic: str | None,
        at: datetime,
    ) -> None:
        """Record one message of the turn."""
        self.session.add(
            MessageRow(
                contact_id=contact_id,
                direction=direction,
                text=text,
                handler=handler,
                topic=topic,
                created_at=at,
            )
        )
        await self.session.flush()

    async def enqueue(self, message: Outbound, recipient: Recipient, at: datetime) -> None:
        """Queue a reply for delivery, committed together with the turn."""
        self.session.add(new_outbox_row(message, recipient, at))
        await self.session.flush()

    async def set_locale(self, contact_id: int, locale: str) -> None:
        """Remember the contact's language."""
        row = await self.session.get_one(ContactRow, contact_id)
        row.locale = locale
        await self.session.flush()

    async def set_consent(self, contact_id: int, when: datetime | None) -> None:
        """Record or withdraw consent."""
        row = await self.session.get_one(ContactRow, contact_id)
        row.consent_at = when
        await self.session.flush()

    async def personal_data(self, contact_id: int) -> dict[str, Any]:
        """Return everything stored about the contact."""
        row = await self.session.get_one(ContactRow, contact_id)
        count = len(
            (
                await self.session.scalars(
                    select(MessageRow.id).where(
                        MessageRow.contact_id == contact_id, MessageRow.text.is_not(None)
                    )
                )
            ).all()
        )
        inquiries = (
            await self.session.scalars(
                select(InquiryRow)
                .where(InquiryRow.contact_id == contact_id)
                .order_by(InquiryRow.id)
            )
        ).all()
        extra = [
            (
                f"MA-{inquiry.id:05d}",
                ", ".join(
                    filter(
                        None,
                        [
                            inquiry.name,
                            inquiry.village_text,
                            inquiry.location,
                            inquiry.reach_number,
                            inquiry.question,
                        ],
                    )
                )
                or "-",
            )
            for inquiry in inquiries
        ]
        return {
            "channel": row.channel,
            "locale": row.locale,
            "consent_at": row.consent_at,
            "display_name": row.display_name,
            "created_at": row.created_at,
            "messages_with_text": count,
            "extra": extra,
            # "Who saw my case": each officer's view of the case data, newest first.
            "views": [
                (view.reference, view.officer, view.centre, view.at)
                for view in await self.case_views(contact_id)
            ],
        }

    async def erase_contact(self, contact_id: int) -> None:
        """Delete the contact and everything tied to it; inquiries stay only as anonymous counts."""
        await self.anonymise_inquiries(contact_id, self._clock())
        contact = await self.session.get_one(ContactRow, contact_id)
        # Queued messages to the user carry their id and text; the turn's own goodbye is
        # queued after this, so it still goes out.
        await self.session.execute(
            delete(OutboxRow).where(
                OutboxRow.channel == contact.channel,
                OutboxRow.channel_user_id == contact.channel_user_id,
                OutboxRow.status.in_(("pending", "held")),
            )
        )
        for model in (MessageRow, ConversationRow):
            await self.session.execute(delete(model).where(model.contact_id == contact_id))
        await self.session.execute(delete(ContactRow).where(ContactRow.id == contact_id))
        await self.session.flush()

    async def commit(self) -> None:
        """Commit the transaction."""
        await self.session.commit()

    async def rollback(self) -> None:
        """Discard the transaction."""
        await self.session.rollback()


class SqlStorage:
    """Opens units of work on one engine."""

    def __init__(
        self,
        engine: AsyncEngine,
        clock: Callable[[], datetime] | None = None,
        windows: AnswerWindows | None = None,
    ) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.clock = clock or (lambda: datetime.now(UTC))
        # When unclaimed inquiries are reminded and escalated (Settings, via the composition root).
        self.windows = windows or AnswerWindows()

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[SqlUnitOfWork]:
        """Open one transaction; rolled back unless the caller committed it."""
        async with self.sessions() as session:
            try:
                yield SqlUnitOfWork(session, self.clock, self.windows)
            except BaseException:
                await session.rollback()
                raise
