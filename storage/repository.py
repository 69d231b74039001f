"""SQLAlchemy implementation of the core's storage ports: one AsyncSession per unit of work."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, exists, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.inquiries import AnswerWindows, Inquiry
from bot.messages import Outbound, Recipient
from bot.ports import Contact, Conversation, StorageUnavailable
from storage.casework import SqlCaseTools
from storage.desk import SqlDeskQueries, SqlDeskStore
from storage.erasure import erase_contact_data
from storage.errors import is_transient
from storage.inquiries import SqlInquiryStore
from storage.inquiry_models import InquiryRow
from storage.models import (
    ContactRow,
    ConversationRow,
    MessageRow,
    OutboxRow,
    ProcessedMessageRow,
)
from storage.outbox import held_message, new_outbox_row, release_held
from storage.review import SqlReviewStore


def inbound_key(channel: str, message_id: str) -> str:
    """Return the stored key of an inbound id (hashed: WhatsApp ids embed phone numbers)."""
    return hashlib.sha256(f"{channel}\x00{message_id}".encode()).hexdigest()


# What a queued message stores; the rest of the outbox row is filled by the sender.
OUTBOX_COLUMNS = (
    "channel",
    "channel_user_id",
    "kind",
    "body",
    "status",
    "attempts",
    "next_attempt_at",
    "created_at",
)


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
        # Rows loaded once per turn and kept referenced (the identity map holds them weakly),
        # so saving the conversation needs no second read.
        self._contacts: dict[int, ContactRow] = {}
        self._conversations: dict[int, ConversationRow | None] = {}
        # Contacts known to have no claimed inquiry: the handover query is skipped for them.
        self._nothing_claimed: set[int] = set()
        # The turn's log lines and queued messages, written together at commit: one
        # multi-row INSERT each instead of one round trip per row.
        self._messages: list[dict[str, Any]] = []
        self._outbox: list[dict[str, Any]] = []

    async def claim_inbound(self, channel: str, message_id: str) -> bool:
        """Record an inbound id in one statement; False when it was already processed.

        INSERT ... ON CONFLICT DO NOTHING RETURNING answers a concurrent worker's claim of
        the same id too, without an error that would end the transaction.
        """
        dialect = postgresql if self.session.bind.dialect.name == "postgresql" else sqlite
        claimed = await self.session.scalar(
            dialect.insert(ProcessedMessageRow)
            .values(key=inbound_key(channel, message_id), processed_at=self._clock())
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(ProcessedMessageRow.key)
        )
        return claimed is not None

    async def contact_for(self, channel: str, user_id: str, default_locale: str) -> Contact:
        """Return the contact for a channel user, creating it on first contact.

        One query reads the contact, its conversation and whether anything of theirs is
        held (a message waiting for WhatsApp's window, an inquiry an officer claimed), so
        an ordinary turn runs neither the release nor the handover query.
        """
        now = self._clock()
        held_messages = exists().where(
            OutboxRow.channel == channel,
            OutboxRow.channel_user_id == user_id,
            *held_message(OutboxRow),
        )
        claimed_inquiry = exists().where(
            InquiryRow.contact_id == ContactRow.id, InquiryRow.status == "claimed"
        )
        found = (
            await self.session.execute(
                select(
                    ContactRow,
                    ConversationRow,
                    held_messages.label("held"),
                    claimed_inquiry.label("claimed"),
                )
                .outerjoin(ConversationRow, ConversationRow.contact_id == ContactRow.id)
                .where(and_(ContactRow.channel == channel, ContactRow.channel_user_id == user_id))
            )
        ).first()
        if found is None:
            row = ContactRow(
                channel=channel,
                channel_user_id=user_id,
                locale=default_locale,
                active=True,
                created_at=now,
                last_seen_at=now,
            )
            self.session.add(row)
            await self.session.flush()  # the new contact's id is needed at once
            self._contacts[row.id] = row
            self._conversations[row.id] = None
            self._nothing_claimed.add(row.id)
            return _contact(row)
        row, conversation, held, claimed = found
        row.last_seen_at = now
        row.active = True
        self._contacts[row.id] = row
        self._conversations[row.id] = conversation
        if not claimed:
            self._nothing_claimed.add(row.id)
        if held:
            # The user wrote, so WhatsApp's service window is open again: deliver what waited.
            await release_held(self.session, channel, user_id, now)
        return _contact(row)

    async def _conversation_row(self, contact_id: int) -> ConversationRow | None:
        """Return the contact's conversation row, read at most once per unit of work."""
        if contact_id not in self._conversations:
            self._conversations[contact_id] = await self.session.get(ConversationRow, contact_id)
        return self._conversations[contact_id]

    async def load_conversation(self, contact_id: int) -> Conversation:
        """Return the stored dialog state of a contact (empty when none)."""
        row = await self._conversation_row(contact_id)
        if row is None:
            return Conversation()
        return Conversation(state=row.state, slots=dict(row.slots or {}), updated_at=row.updated_at)

    async def save_conversation(self, contact_id: int, conversation: Conversation) -> None:
        """Store the dialog state of a contact; written with the commit's single flush."""
        row = await self._conversation_row(contact_id)
        now = self._clock()
        if row is None:
            row = ConversationRow(contact_id=contact_id, updated_at=now)
            self.session.add(row)
            self._conversations[contact_id] = row
        row.state = conversation.state
        row.slots = dict(conversation.slots)
        row.updated_at = now

    async def held_inquiry(self, contact_id: int, since: datetime) -> Inquiry | None:
        """Return the contact's claimed inquiry whose officer wrote since the given time."""
        if contact_id in self._nothing_claimed:
            return None
        return await super().held_inquiry(contact_id, since)

    async def log_message(
        self,
        contact_id: int,
        direction: str,
        text: str | None,
        handler: str | None,
        topic: str | None,
        at: datetime,
    ) -> None:
        """Record one message of the turn (written at commit)."""
        self._messages.append(
            {
                "contact_id": contact_id,
                "direction": direction,
                "text": text,
                "handler": handler,
                "topic": topic,
                "created_at": at,
            }
        )

    async def enqueue(self, message: Outbound, recipient: Recipient, at: datetime) -> None:
        """Queue a reply for delivery, committed together with the turn."""
        row = new_outbox_row(message, recipient, at)
        self._outbox.append({column: getattr(row, column) for column in OUTBOX_COLUMNS})

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
        await self.write_buffered()
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
        """Erase the contact's personal data from every table; inquiries stay as counts.

        The turn's own goodbye is queued after this, so it still goes out (and is deleted
        once sent).
        """
        await self.write_buffered()
        await erase_contact_data(self.session, contact_id, self._clock())

    async def write_buffered(self) -> None:
        """Write the buffered log lines and queued messages (before anything reads them)."""
        if self._messages:
            await self.session.execute(insert(MessageRow.__table__), self._messages)
            self._messages = []
        if self._outbox:
            await self.session.execute(insert(OutboxRow.__table__), self._outbox)
            self._outbox = []

    async def commit(self) -> None:
        """Write what is buffered and commit the transaction."""
        await self.write_buffered()
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
        """Open one transaction; rolled back unless the caller committed it.

        A database that is down or dropped the connection surfaces as StorageUnavailable,
        so the core can tell passing trouble (retry the whole turn) from a bug.
        """
        try:
            async with self.sessions() as session:
                try:
                    yield SqlUnitOfWork(session, self.clock, self.windows)
                except BaseException:
                    # The connection may be gone already; the transaction dies with it.
                    with contextlib.suppress(Exception):
                        await session.rollback()
                    raise
        except StorageUnavailable:
            raise
        except Exception as error:
            if is_transient(error):
                raise StorageUnavailable(type(error).__name__) from error
            raise
