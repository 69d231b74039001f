"""SQLAlchemy implementation of the core's storage ports: one AsyncSession per unit of work."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    DateTime,
    Integer,
    String,
    Text,
    bindparam,
    cast,
    exists,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

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
from storage.outbox import held_message, outbox_values, release_held
from storage.rate_windows import count_statement, window_key, window_start
from storage.review import SqlReviewStore


def inbound_key(channel: str, message_id: str) -> str:
    """Return the stored key of an inbound id (hashed: WhatsApp ids embed phone numbers)."""
    return hashlib.sha256(f"{channel}\x00{message_id}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class HotStatements:
    """The statements of an ordinary turn, built once per dialect with bound parameters."""

    claim: Any
    touch: Any
    load: Any
    touch_and_load: Any
    claim_touch_and_load: Any
    count_claim_touch_and_load: Any
    count: Any
    new_contact: Any
    save_conversation: Any
    log_messages: Any
    enqueue: Any


def _hot_statements(dialect: Any) -> HotStatements:
    """Build the turn's statements for one dialect (postgresql or sqlite)."""
    contacts = ContactRow.__table__
    conversations = ConversationRow.__table__
    outbox = OutboxRow.__table__
    inquiries = InquiryRow.__table__
    processed = ProcessedMessageRow.__table__
    claim = (
        dialect.insert(processed)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(processed.c.key)
    )
    touch = (
        update(contacts)
        .where(
            contacts.c.channel == bindparam("ch"),
            contacts.c.channel_user_id == bindparam("uid"),
        )
        .values(last_seen_at=bindparam("now"), active=True)
    )
    held = exists().where(
        outbox.c.channel == bindparam("ch"),
        outbox.c.channel_user_id == bindparam("uid"),
        *held_message(outbox.c),
    )

    def claimed(contact_id: Any) -> Any:
        return exists().where(
            inquiries.c.contact_id == contact_id, inquiries.c.status == literal("claimed")
        )

    conversation = (
        conversations.c.contact_id,
        conversations.c.state,
        conversations.c.slots,
        conversations.c.updated_at,
    )
    load = (
        select(
            contacts.c.id,
            contacts.c.locale,
            contacts.c.consent_at,
            contacts.c.display_name,
            *conversation,
            held.label("held"),
            claimed(contacts.c.id).label("claimed"),
        )
        .outerjoin(conversations, conversations.c.contact_id == contacts.c.id)
        .where(
            contacts.c.channel == bindparam("ch"),
            contacts.c.channel_user_id == bindparam("uid"),
        )
    )
    touched = touch.returning(
        contacts.c.id, contacts.c.locale, contacts.c.consent_at, contacts.c.display_name
    ).cte("touched")
    touch_and_load = select(
        touched.c.id,
        touched.c.locale,
        touched.c.consent_at,
        touched.c.display_name,
        *conversation,
        held.label("held"),
        claimed(touched.c.id).label("claimed"),
    ).select_from(touched.outerjoin(conversations, conversations.c.contact_id == touched.c.id))

    def claim_touch_and_load(counted: Any = None) -> Any:
        """Build the PostgreSQL statement that claims, touches and reads in one round trip.

        The touch runs only when the claim did (a redelivery changes nothing);
        "claimed_inbound" tells them apart. With `counted` (the sender's rate count, an
        upsert inside WITH) the claim runs only within the limit, and "rate_count" says it.
        """
        if counted is None:
            claim_insert = dialect.insert(processed).values(
                key=bindparam("key"), processed_at=bindparam("now")
            )
        else:
            within = select(counted.c.count).scalar_subquery() <= bindparam("per_minute")
            claim_insert = dialect.insert(processed).from_select(
                ["key", "processed_at"],
                select(
                    cast(bindparam("key"), String), cast(bindparam("now"), DateTime(timezone=True))
                ).where(within),
            )
        claim_cte = (
            claim_insert.on_conflict_do_nothing(index_elements=["key"])
            .returning(processed.c.key)
            .cte("claim")
        )
        claimed_touch = (
            touch.where(exists().where(claim_cte.c.key.is_not(None)))
            .returning(
                contacts.c.id, contacts.c.locale, contacts.c.consent_at, contacts.c.display_name
            )
            .cte("claimed_touch")
        )
        extra = [] if counted is None else [select(counted.c.count).scalar_subquery()]
        one = select(literal(1).label("one")).subquery("one")
        return (
            select(
                claimed_touch.c.id,
                claimed_touch.c.locale,
                claimed_touch.c.consent_at,
                claimed_touch.c.display_name,
                *conversation,
                held.label("held"),
                claimed(claimed_touch.c.id).label("claimed"),
                select(func.count())
                .select_from(claim_cte)
                .scalar_subquery()
                .label("claimed_inbound"),
                *(column.label("rate_count") for column in extra),
            )
            .select_from(one)
            .outerjoin(claimed_touch, literal(True))
            .outerjoin(conversations, conversations.c.contact_id == claimed_touch.c.id)
        )

    count = count_statement(dialect).values(
        key=bindparam("rate_key"), window_start=bindparam("window")
    )
    upsert = dialect.insert(conversations)
    save_conversation = upsert.on_conflict_do_update(
        index_elements=["contact_id"],
        set_={
            "state": upsert.excluded.state,
            "slots": upsert.excluded.slots,
            "updated_at": upsert.excluded.updated_at,
        },
    )
    return HotStatements(
        claim=claim,
        touch=touch,
        load=load,
        touch_and_load=touch_and_load,
        claim_touch_and_load=claim_touch_and_load(),
        # The sender's rate count first: its row lock orders same-sender turns before any
        # other lock they take, and a refused message claims and touches nothing.
        count_claim_touch_and_load=claim_touch_and_load(count.cte("counted")),
        count=count,
        new_contact=insert(contacts).values(active=True).returning(contacts.c.id),
        save_conversation=save_conversation,
        log_messages=insert(MessageRow.__table__),
        enqueue=insert(outbox),
    )


_HOT = {"postgresql": _hot_statements(postgresql), "sqlite": _hot_statements(sqlite)}

# The whole turn's writes in one PostgreSQL statement: the conversation upsert, the log
# lines and the queued replies, each from parallel arrays (unnest), so one prebuilt
# statement serves any number of rows and the turn saves two round trips.
_TURN_ARRAYS: dict[str, Any] = {
    "conversation_contact": ARRAY(Integer),
    "conversation_state": ARRAY(String),
    "conversation_slots": ARRAY(Text),
    "conversation_at": ARRAY(DateTime(timezone=True)),
    "message_contact": ARRAY(Integer),
    "message_direction": ARRAY(String),
    "message_text": ARRAY(Text),
    "message_handler": ARRAY(String),
    "message_topic": ARRAY(String),
    "message_at": ARRAY(DateTime(timezone=True)),
    "outbox_channel": ARRAY(String),
    "outbox_user": ARRAY(String),
    "outbox_kind": ARRAY(String),
    "outbox_body": ARRAY(Text),
    "outbox_status": ARRAY(String),
    "outbox_at": ARRAY(DateTime(timezone=True)),
}
_PG_TURN_WRITE = text(
    """
WITH saved_conversation AS (
    INSERT INTO conversations (contact_id, state, slots, updated_at)
    SELECT contact_id, state, CAST(slots AS JSON), updated_at
    FROM unnest(:conversation_contact, :conversation_state, :conversation_slots,
                :conversation_at) AS c(contact_id, state, slots, updated_at)
    ON CONFLICT (contact_id) DO UPDATE SET state = excluded.state,
        slots = excluded.slots, updated_at = excluded.updated_at
), logged AS (
    INSERT INTO messages (contact_id, direction, text, handler, topic, created_at)
    SELECT * FROM unnest(:message_contact, :message_direction, :message_text,
                         :message_handler, :message_topic, :message_at)
)
INSERT INTO outbox (channel, channel_user_id, kind, body, status, attempts,
                    next_attempt_at, created_at, parts_sent)
SELECT channel, channel_user_id, kind, CAST(body AS JSON), status, 0, at, at, 0
FROM unnest(:outbox_channel, :outbox_user, :outbox_kind, :outbox_body, :outbox_status,
            :outbox_at) AS o(channel, channel_user_id, kind, body, status, at)
"""
).bindparams(*(bindparam(name, type_=kind) for name, kind in _TURN_ARRAYS.items()))


def _turn_write_params(
    conversations: list[dict[str, Any]],
    messages: list[dict[str, Any]],
    outbox: list[dict[str, Any]],
) -> dict[str, list[Any]]:
    """Return the parallel arrays of _PG_TURN_WRITE."""
    return {
        "conversation_contact": [row["contact_id"] for row in conversations],
        "conversation_state": [row["state"] for row in conversations],
        "conversation_slots": [json.dumps(row["slots"]) for row in conversations],
        "conversation_at": [row["updated_at"] for row in conversations],
        "message_contact": [row["contact_id"] for row in messages],
        "message_direction": [row["direction"] for row in messages],
        "message_text": [row["text"] for row in messages],
        "message_handler": [row["handler"] for row in messages],
        "message_topic": [row["topic"] for row in messages],
        "message_at": [row["created_at"] for row in messages],
        "outbox_channel": [row["channel"] for row in outbox],
        "outbox_user": [row["channel_user_id"] for row in outbox],
        "outbox_kind": [row["kind"] for row in outbox],
        "outbox_body": [json.dumps(row["body"]) for row in outbox],
        "outbox_status": [row["status"] for row in outbox],
        "outbox_at": [row["next_attempt_at"] for row in outbox],
    }


def _claim_params(channel: str, message_id: str, user_id: str, now: datetime) -> dict[str, Any]:
    """Return the parameters of the one-statement claim, touch and read."""
    return {"key": inbound_key(channel, message_id), "ch": channel, "uid": user_id, "now": now}


def _rate_params(channel: str, user_id: str, now: datetime) -> dict[str, Any]:
    """Return the parameters of the sender's rate count in this clock minute."""
    return {"rate_key": window_key(f"{channel}:{user_id}"), "window": window_start(now)}


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
        self._dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
        # What the turn read, kept so that nothing is read twice; ORM objects are not needed
        # for it (their identity map and unit of work cost more CPU than the queries).
        self._contacts: dict[int, Contact] = {}
        self._conversations: dict[int, Conversation | None] = {}
        # Conversations saved in this unit of work, written at commit.
        self._conversation_writes: dict[int, dict[str, Any]] = {}
        # Contacts known to have no claimed inquiry: the handover query is skipped for them.
        self._nothing_claimed: set[int] = set()
        # The turn's log lines and queued messages, written together at commit: one
        # multi-row INSERT each instead of one round trip per row.
        self._messages: list[dict[str, Any]] = []
        self._outbox: list[dict[str, Any]] = []

    async def _core(self, statement: Any, params: Any = None) -> Any:
        """Execute a prebuilt Core statement on the transaction's connection.

        Core on the connection skips the ORM's execution layer; prebuilt statements keep
        their cache key memoised, so SQLAlchemy neither rebuilds nor re-keys them per turn.
        """
        connection = await self.session.connection()
        return await connection.execute(statement, params)

    async def claim_inbound(self, channel: str, message_id: str) -> bool:
        """Record an inbound id in one statement; False when it was already processed.

        INSERT ... ON CONFLICT DO NOTHING RETURNING answers a concurrent worker's claim of
        the same id too, without an error that would end the transaction.
        """
        result = await self._core(
            _HOT[self._dialect].claim,
            {"key": inbound_key(channel, message_id), "processed_at": self._clock()},
        )
        return result.first() is not None

    async def claim_and_contact(
        self, channel: str, message_id: str, user_id: str, default_locale: str
    ) -> Contact | None:
        """Claim an inbound id and return its sender's contact; None for a redelivery.

        On PostgreSQL one statement claims, touches and reads (a new contact costs one
        INSERT more); elsewhere it is claim_inbound, then contact_for.
        """
        if self._dialect != "postgresql":
            if not await self.claim_inbound(channel, message_id):
                return None
            return await self.contact_for(channel, user_id, default_locale)
        now = self._clock()
        params = _claim_params(channel, message_id, user_id, now)
        found = (await self._core(_HOT[self._dialect].claim_touch_and_load, params)).one()
        if not found.claimed_inbound:
            return None
        return await self._contact_found(found[:-1], channel, user_id, default_locale, now)

    async def count_message(self, channel: str, user_id: str) -> int:
        """Count a message against its sender's per-minute limit; return this minute's count.

        The count is part of this transaction: every worker counts in the same row, and a
        turn rolled back (the database failed it, the platform redelivers) is not counted.
        """
        params = _rate_params(channel, user_id, self._clock())
        return int((await self._core(_HOT[self._dialect].count, params)).scalar_one())

    async def count_and_claim(
        self, channel: str, message_id: str, user_id: str, default_locale: str, per_minute: int
    ) -> tuple[int, Contact | None]:
        """Count the message, then claim it as claim_and_contact does if within the limit.

        Return the sender's count this minute and the contact (None for a redelivery, and
        when over the limit: then nothing is claimed or touched). On PostgreSQL the count,
        the claim, the touch and the read are one statement.
        """
        if self._dialect != "postgresql":
            count = await self.count_message(channel, user_id)
            if count > per_minute:
                return count, None
            return count, await self.claim_and_contact(channel, message_id, user_id, default_locale)
        now = self._clock()
        params = {
            **_claim_params(channel, message_id, user_id, now),
            **_rate_params(channel, user_id, now),
            "per_minute": per_minute,
        }
        found = (await self._core(_HOT[self._dialect].count_claim_touch_and_load, params)).one()
        if not found.claimed_inbound:
            return found.rate_count, None
        contact = await self._contact_found(found[:-2], channel, user_id, default_locale, now)
        return found.rate_count, contact

    async def contact_for(self, channel: str, user_id: str, default_locale: str) -> Contact:
        """Return the contact for a channel user, creating it on first contact.

        The contact's last-seen time is written by the statement that reads it, together
        with its conversation and whether anything of theirs is held (a message waiting
        for WhatsApp's window, an inquiry an officer claimed), so an ordinary turn runs
        neither the release nor the handover query. On PostgreSQL that is one statement.
        """
        now = self._clock()
        hot = _HOT[self._dialect]
        params = {"ch": channel, "uid": user_id, "now": now}
        if self._dialect == "postgresql":
            found = (await self._core(hot.touch_and_load, params)).first()
        else:
            # SQLite has no UPDATE inside WITH: read, then touch (the claim already took
            # the database's write lock, so nothing changes in between).
            found = (await self._core(hot.load, params)).first()
            if found is not None:
                await self._core(hot.touch, params)
        return await self._contact_found(found, channel, user_id, default_locale, now)

    async def _contact_found(
        self, found: Any, channel: str, user_id: str, default_locale: str, now: datetime
    ) -> Contact:
        """Keep and return the contact a read found (a row, or None: create it now)."""
        if found is None or found[0] is None:
            contact_id = (
                await self._core(
                    _HOT[self._dialect].new_contact,
                    {
                        "channel": channel,
                        "channel_user_id": user_id,
                        "locale": default_locale,
                        "created_at": now,
                        "last_seen_at": now,
                    },
                )
            ).scalar_one()
            contact = Contact(contact_id, channel, user_id, default_locale)
            self._contacts[contact_id] = contact
            self._conversations[contact_id] = None
            self._nothing_claimed.add(contact_id)
            return contact
        contact_id, locale, consent_at, display_name, has_conversation = found[:5]
        state, slots, updated_at, held, claimed = found[5:]
        contact = Contact(contact_id, channel, user_id, locale, consent_at, display_name, True)
        self._contacts[contact_id] = contact
        self._conversations[contact_id] = (
            Conversation(state=state, slots=dict(slots or {}), updated_at=updated_at)
            if has_conversation is not None
            else None
        )
        if not claimed:
            self._nothing_claimed.add(contact_id)
        if held:
            # The user wrote, so WhatsApp's service window is open again: deliver what waited.
            await release_held(self.session, channel, user_id, now)
        return contact

    async def load_conversation(self, contact_id: int) -> Conversation:
        """Return the stored dialog state of a contact (empty when none)."""
        if contact_id not in self._conversations:
            row = await self.session.get(ConversationRow, contact_id)
            self._conversations[contact_id] = (
                None
                if row is None
                else Conversation(
                    state=row.state, slots=dict(row.slots or {}), updated_at=row.updated_at
                )
            )
        stored = self._conversations[contact_id]
        if stored is None:
            return Conversation()
        return Conversation(stored.state, dict(stored.slots), stored.updated_at)

    async def save_conversation(self, contact_id: int, conversation: Conversation) -> None:
        """Store the dialog state of a contact; written at commit, in one upsert."""
        now = self._clock()
        saved = Conversation(conversation.state, dict(conversation.slots), now)
        self._conversations[contact_id] = saved
        self._conversation_writes[contact_id] = {
            "contact_id": contact_id,
            "state": saved.state,
            "slots": saved.slots,
            "updated_at": now,
        }

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
        self._outbox.append(outbox_values(message, recipient, at))

    async def set_locale(self, contact_id: int, locale: str) -> None:
        """Remember the contact's language."""
        await self._set_contact(contact_id, locale=locale)

    async def set_consent(self, contact_id: int, when: datetime | None) -> None:
        """Record or withdraw consent."""
        await self._set_contact(contact_id, consent_at=when)

    async def _set_contact(self, contact_id: int, **values: Any) -> None:
        """Update a contact's columns at once, in Core, and the copy this turn read."""
        result = await self._core(
            update(ContactRow.__table__)
            .where(ContactRow.__table__.c.id == contact_id)
            .values(**values)
        )
        if result.rowcount == 0:
            raise LookupError(f"no contact {contact_id}")
        contact = self._contacts.get(contact_id)
        if contact is not None:
            for name, value in values.items():
                setattr(contact, name, value)
        # An ORM copy loaded by another query of this session must not go stale.
        row = self.session.identity_map.get(self.session.identity_key(ContactRow, contact_id))
        if row is not None:
            for name, value in values.items():
                set_committed_value(row, name, value)

    async def contact_recipient(self, contact_id: int) -> Recipient | None:
        """Return where messages to a contact go (no query for the turn's own contact)."""
        contact = self._contacts.get(contact_id)
        if contact is not None:
            return contact.recipient
        return await super().contact_recipient(contact_id)

    async def contact_locale(self, contact_id: int) -> str | None:
        """Return the contact's language, if the contact still exists."""
        contact = self._contacts.get(contact_id)
        if contact is not None:
            return contact.locale
        return await super().contact_locale(contact_id)

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
        self._contacts.pop(contact_id, None)
        self._conversations[contact_id] = None

    async def write_buffered(self) -> None:
        """Write the buffered log lines and queued messages (before anything reads them)."""
        hot = _HOT[self._dialect]
        if self._dialect == "postgresql":
            if self._conversation_writes or self._messages or self._outbox:
                conversations = list(self._conversation_writes.values())
                messages, outbox = self._messages, self._outbox
                self._conversation_writes, self._messages, self._outbox = {}, [], []
                await self._core(
                    _PG_TURN_WRITE, _turn_write_params(conversations, messages, outbox)
                )
            return
        if self._conversation_writes:
            rows = list(self._conversation_writes.values())
            self._conversation_writes = {}
            await self._core(hot.save_conversation, rows)
        if self._messages:
            rows, self._messages = self._messages, []
            await self._core(hot.log_messages, rows)
        if self._outbox:
            rows, self._outbox = self._outbox, []
            await self._core(hot.enqueue, rows)

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
