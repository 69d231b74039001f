"""Outbox repository: queued platform deliveries, their receipts and long button payloads."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from bot.messages import Button, Outbound, Recipient
from storage.inquiry_models import InquiryRow, OfficerRow
from storage.models import CallbackPayloadRow, ContactRow, OutboxReceiptRow, OutboxRow

PENDING, SENDING, SENT, FAILED, HELD = "pending", "sending", "sent", "failed", "held"
# Marks an officer alert in the outbox body: an alert that fails raises no further alert.
ALERT_KEY = "alert"
# Marks a message deleted once sent: the goodbye to a user who erased their data.
FORGET_KEY = "forget"
MESSAGE, TEMPLATE = "message", "template"
LONG_PAYLOAD_PREFIX = "~"


def outbound_to_json(message: Outbound) -> dict[str, Any]:
    """Serialise a reply for the outbox (the recipient is stored in its own columns)."""
    return {
        "text": message.text,
        "buttons": [[button.label, button.payload] for button in message.buttons],
        "options": [[option.label, option.payload] for option in message.options],
        "options_title": message.options_title,
        "urgent": message.urgent,
        **({FORGET_KEY: True} if message.forget_after_send else {}),
    }


def outbound_from_json(body: dict[str, Any]) -> Outbound:
    """Rebuild a reply stored by outbound_to_json."""
    return Outbound(
        text=body.get("text", ""),
        buttons=tuple(Button(label, payload) for label, payload in body.get("buttons", [])),
        options=tuple(Button(label, payload) for label, payload in body.get("options", [])),
        options_title=body.get("options_title", ""),
        urgent=bool(body.get("urgent", False)),
        forget_after_send=bool(body.get(FORGET_KEY, False)),
    )


def unfinished_message(table: Any) -> list[ColumnElement[bool]]:
    """Return the conditions of an unfinished message, as literals.

    Literals, not bound parameters: PostgreSQL uses the partial index
    ix_outbox_unfinished_messages only when it can prove its predicate at planning time.
    """
    return [
        table.kind == literal_column(f"'{MESSAGE}'"),
        table.status.in_([literal_column(f"'{status}'") for status in (PENDING, SENDING, HELD)]),
    ]


def held_message(table: Any) -> list[ColumnElement[bool]]:
    """Return the conditions of a held message, as literals (see unfinished_message)."""
    return [
        table.kind == literal_column(f"'{MESSAGE}'"),
        table.status == literal_column(f"'{HELD}'"),
    ]


def outbox_values(message: Outbound, recipient: Recipient, at: datetime) -> dict[str, Any]:
    """Return the column values of one reply's outbox row, due at once (for Core inserts)."""
    return {
        "channel": recipient.channel,
        "channel_user_id": recipient.user_id,
        "kind": MESSAGE,
        "body": outbound_to_json(message),
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": at,
        "created_at": at,
        "parts_sent": 0,
    }


def new_outbox_row(message: Outbound, recipient: Recipient, at: datetime) -> OutboxRow:
    """Build the outbox row of one reply, due at once."""
    return OutboxRow(**outbox_values(message, recipient, at))


@dataclass(frozen=True, slots=True)
class ContactStatus:
    """What the sender needs to know about a recipient."""

    active: bool
    last_inbound_at: datetime | None


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A claimed outbox row, ready to be rendered and sent."""

    id: int
    recipient: Recipient
    kind: str
    message: Outbound
    attempts: int
    created_at: datetime | None = None
    # Parts of a multi-part message the platform accepted already.
    parts_sent: int = 0
    # The recipient as a contact, read with the claim; None when unknown (an officer).
    contact: ContactStatus | None = None


@dataclass(frozen=True, slots=True)
class OutboxHealth:
    """What /readyz reports about delivery."""

    backlog: int
    held: int
    failed: int
    oldest_pending_seconds: float | None


_OUTBOX = OutboxRow.__table__
# What a claim reads of each leased row.
_CLAIMED_COLUMNS = (
    _OUTBOX.c.id,
    _OUTBOX.c.channel,
    _OUTBOX.c.channel_user_id,
    _OUTBOX.c.kind,
    _OUTBOX.c.body,
    _OUTBOX.c.attempts,
    _OUTBOX.c.created_at,
    _OUTBOX.c.parts_sent,
)
_MARK_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("outbox_id"))
    .values(
        status=SENT,
        sent_at=bindparam("sent_at"),
        last_error=None,
        # A part recorded earlier keeps its id when this attempt reported none.
        platform_message_id=func.coalesce(
            bindparam("platform_id", type_=String), _OUTBOX.c.platform_message_id
        ),
    )
)
_RECEIPTS = {
    dialect.__name__: dialect.insert(OutboxReceiptRow.__table__).on_conflict_do_nothing(
        index_elements=["platform_message_id"]
    )
    for dialect in (postgresql, sqlite)
}


def _with_recipients(rows: Any) -> Any:
    """Select claimed rows (a CTE or subquery) with their recipient's status, oldest first."""
    contacts = ContactRow.__table__
    return (
        select(rows, contacts.c.active, contacts.c.last_seen_at)
        .outerjoin(
            contacts,
            and_(
                contacts.c.channel == rows.c.channel,
                contacts.c.channel_user_id == rows.c.channel_user_id,
            ),
        )
        .order_by(rows.c.id)
    )


@dataclass(slots=True)
class _SentRecord:
    """One mark_sent call waiting for its batch to be written."""

    outbox_id: int
    platform_ids: list[str]
    forget: bool | None
    waiter: asyncio.Future[None]


class SqlOutbox:
    """Claims, completes and reschedules outbox rows; each method is its own short transaction."""

    def __init__(self, engine: AsyncEngine, clock: Callable[[], datetime] | None = None) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.clock = clock or (lambda: datetime.now(UTC))
        self._sent: list[_SentRecord] = []
        self._sent_writer: asyncio.Task[None] | None = None

    async def enqueue(self, message: Outbound, recipient: Recipient) -> None:
        """Queue one message outside a turn (a notice the channel adds itself)."""
        async with self.sessions.begin() as session:
            session.add(new_outbox_row(message, recipient, self.clock()))

    async def claim(
        self, channels: Collection[str], limit: int = 50, lease: timedelta = timedelta(minutes=2)
    ) -> list[OutboxItem]:
        """Lease due rows, oldest first, never a message behind an unfinished one to the same user.

        One statement reads the rows with their recipient's status (active, last inbound),
        so sending needs no further read. On PostgreSQL, FOR UPDATE SKIP LOCKED lets several
        senders claim side by side without ever taking the same row. A crashed sender's
        lease runs out and the row is claimed again, so a restart resumes.
        """
        now = self.clock()
        earlier = aliased(OutboxRow)
        blocked_by_earlier = exists().where(
            earlier.channel == OutboxRow.channel,
            earlier.channel_user_id == OutboxRow.channel_user_id,
            earlier.id < OutboxRow.id,
            *unfinished_message(earlier),
        )
        due = (
            select(OutboxRow.id)
            .where(
                OutboxRow.channel.in_(list(channels)),
                OutboxRow.status.in_((PENDING, SENDING)),
                OutboxRow.next_attempt_at <= now,
                or_(OutboxRow.kind == TEMPLATE, ~blocked_by_earlier),
            )
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        async with self.sessions.begin() as session:
            if session.bind.dialect.name == "postgresql":
                # Several senders share the outbox: each skips the rows another one holds.
                due = due.with_for_update(skip_locked=True, of=OutboxRow)
            # The lease is taken by the first statement, a write: on SQLite it holds the
            # database's write lock from the start, so two senders never read the same rows.
            touch = (
                update(OutboxRow.__table__)
                .where(OutboxRow.__table__.c.id.in_(due.scalar_subquery()))
                .values(
                    status=SENDING,
                    attempts=OutboxRow.__table__.c.attempts + 1,
                    next_attempt_at=now + lease,
                )
            )
            connection = await session.connection()
            if session.bind.dialect.name == "postgresql":
                # The lease and the read in one statement: UPDATE inside WITH.
                leased = touch.returning(*_CLAIMED_COLUMNS).cte("leased")
                found = (await connection.execute(_with_recipients(leased))).all()
            else:
                ids = (
                    (await connection.execute(touch.returning(OutboxRow.__table__.c.id)))
                    .scalars()
                    .all()
                )
                if not ids:
                    return []
                table = OutboxRow.__table__
                rows = select(*_CLAIMED_COLUMNS).where(table.c.id.in_(ids)).subquery()
                found = (await connection.execute(_with_recipients(rows))).all()
            return [
                OutboxItem(
                    row.id,
                    Recipient(row.channel, row.channel_user_id),
                    row.kind,
                    outbound_from_json(row.body),
                    row.attempts,
                    row.created_at,
                    row.parts_sent or 0,
                    None if row.active is None else ContactStatus(row.active, row.last_seen_at),
                )
                for row in found
            ]

    async def record_part(self, outbox_id: int, parts_sent: int, platform_ids: list[str]) -> None:
        """Record at once that the platform accepted one more part, in its own transaction.

        Between the platform's answer and this commit is the only moment a crash can make
        the part go out twice: the window shrinks to one round trip to the database.
        """
        now = self.clock()
        values: dict[str, Any] = {
            "parts_sent": case(
                (OutboxRow.parts_sent < parts_sent, parts_sent), else_=OutboxRow.parts_sent
            )
        }
        if platform_ids:
            values["platform_message_id"] = platform_ids[-1]
        async with self.sessions.begin() as session:
            await session.execute(
                update(OutboxRow).where(OutboxRow.id == outbox_id).values(**values)
            )
            await self._receipts(session, outbox_id, platform_ids, now)

    async def mark_sent(
        self, outbox_id: int, platform_ids: list[str], forget: bool | None = None
    ) -> None:
        """Record that the platform accepted the whole message, with its ids.

        Records that arrive while another is being written are written together, in one
        transaction with one executemany UPDATE (group commit): under load a batch of sent
        rows costs one commit, and a lone record still goes out at once, so the window in
        which a crash repeats a send stays one or two short transactions. `forget` says
        whether the row is an erasure's goodbye, deleted once out (None: read it from the
        row).
        """
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sent.append(_SentRecord(outbox_id, platform_ids, forget, waiter))
        if self._sent_writer is None or self._sent_writer.done():
            self._sent_writer = asyncio.create_task(self._write_sent_records())
        await waiter

    async def _write_sent_records(self) -> None:
        """Write the queued sent records, batch after batch, until none is left."""
        while self._sent:
            batch, self._sent = self._sent, []
            try:
                await self._write_sent(batch)
            except BaseException as error:
                for record in batch:
                    if not record.waiter.done():
                        record.waiter.set_exception(error)
                if not isinstance(error, Exception):
                    raise
            else:
                for record in batch:
                    if not record.waiter.done():
                        record.waiter.set_result(None)

    async def _write_sent(self, batch: list[_SentRecord]) -> None:
        """Mark a batch of rows sent, store their receipts and delete the goodbyes."""
        now = self.clock()
        table = OutboxRow.__table__
        async with self.engine.begin() as connection:
            await connection.execute(
                _MARK_SENT,
                [
                    {
                        "outbox_id": record.outbox_id,
                        "sent_at": now,
                        "platform_id": record.platform_ids[-1] if record.platform_ids else None,
                    }
                    for record in batch
                ],
            )
            forget = {record.outbox_id for record in batch if record.forget}
            unknown = [record.outbox_id for record in batch if record.forget is None]
            if unknown:
                bodies = await connection.execute(
                    select(table.c.id, table.c.body).where(table.c.id.in_(unknown))
                )
                forget.update(row_id for row_id, body in bodies if body.get(FORGET_KEY))
            receipts = [
                {
                    "platform_message_id": platform_id,
                    "outbox_id": record.outbox_id,
                    "status": "accepted",
                    "updated_at": now,
                }
                for record in batch
                if record.outbox_id not in forget
                for platform_id in record.platform_ids
            ]
            if receipts:
                dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
                await connection.execute(_RECEIPTS[dialect.__name__], receipts)
            if forget:
                # The goodbye after an erasure: once out, nothing of it is kept.
                await connection.execute(delete(table).where(table.c.id.in_(sorted(forget))))

    @staticmethod
    async def _receipts(
        session: AsyncSession, outbox_id: int, platform_ids: list[str], now: datetime
    ) -> None:
        """Store one receipt per platform id, in one statement (idempotent)."""
        if not platform_ids:
            return
        dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
        await session.execute(
            dialect.insert(OutboxReceiptRow)
            .values(
                [
                    {
                        "platform_message_id": platform_id,
                        "outbox_id": outbox_id,
                        "status": "accepted",
                        "updated_at": now,
                    }
                    for platform_id in platform_ids
                ]
            )
            .on_conflict_do_nothing(index_elements=["platform_message_id"])
        )

    async def alert_officers(self, outbox_id: int, notice: Callable[[str], str]) -> int:
        """Queue a notice to the officers concerned by a message that failed for good.

        The officers of the centre holding the recipient's latest inquiry are told, or the
        other officers of the centre when the recipient is an officer. Return how many.
        """
        now = self.clock()
        async with self.sessions.begin() as session:
            row = await session.get_one(OutboxRow, outbox_id)
            if row.body.get(ALERT_KEY):
                return 0
            concerned = await _concerned_centre(session, row.channel, row.channel_user_id)
            if concerned is None:
                return 0
            subject, centre_id = concerned
            officers = (
                await session.scalars(
                    select(OfficerRow).where(
                        OfficerRow.centre_id == centre_id,
                        OfficerRow.active.is_(True),
                        or_(
                            OfficerRow.channel != row.channel,
                            OfficerRow.channel_user_id != row.channel_user_id,
                        ),
                    )
                )
            ).all()
            for officer in officers:
                alert = new_outbox_row(
                    Outbound(notice(subject)),
                    Recipient(officer.channel, officer.channel_user_id),
                    now,
                )
                alert.body = {**alert.body, ALERT_KEY: True}
                session.add(alert)
            return len(officers)

    async def alert_for_receipt(self, platform_id: str, notice: Callable[[str], str]) -> int:
        """Alert the officers concerned by a message the platform reported failed."""
        async with self.sessions() as session:
            receipt = await session.get(OutboxReceiptRow, platform_id)
            outbox_id = None if receipt is None else receipt.outbox_id
        return 0 if outbox_id is None else await self.alert_officers(outbox_id, notice)

    async def health(self) -> OutboxHealth:
        """Return the backlog, the held and failed counts and the oldest pending age."""
        now = self.clock()
        async with self.sessions() as session:
            counts = dict(
                (
                    await session.execute(
                        select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
                    )
                ).all()
            )
            oldest = await session.scalar(
                select(func.min(OutboxRow.created_at)).where(
                    OutboxRow.status.in_((PENDING, SENDING))
                )
            )
        return OutboxHealth(
            backlog=counts.get(PENDING, 0) + counts.get(SENDING, 0),
            held=counts.get(HELD, 0),
            failed=counts.get(FAILED, 0),
            oldest_pending_seconds=None if oldest is None else (now - oldest).total_seconds(),
        )

    async def reschedule(self, outbox_id: int, delay: timedelta, error: str) -> None:
        """Try again after a delay."""
        await self._set(
            outbox_id,
            status=PENDING,
            last_error=error[:255],
            next_attempt_at=self.clock() + delay,
        )

    async def fail(self, outbox_id: int, error: str) -> None:
        """Give up on a message for good."""
        await self._set(outbox_id, status=FAILED, last_error=error[:255])

    async def _set(self, outbox_id: int, **values: Any) -> None:
        """Update one row's columns in one statement (no ORM load first)."""
        table = OutboxRow.__table__
        async with self.engine.begin() as connection:
            await connection.execute(update(table).where(table.c.id == outbox_id).values(values))

    async def hold(self, outbox_id: int, template: Outbound | None) -> None:
        """Keep a message until the user writes again; queue the template once per closed window."""
        async with self.sessions.begin() as session:
            row = await session.get_one(OutboxRow, outbox_id)
            row.status = HELD
            if template is None:
                return
            since = await self._last_inbound(session, row.channel, row.channel_user_id)
            conditions = [
                OutboxRow.channel == row.channel,
                OutboxRow.channel_user_id == row.channel_user_id,
                OutboxRow.kind == TEMPLATE,
                OutboxRow.status != FAILED,
            ]
            if since is not None:
                conditions.append(OutboxRow.created_at >= since)
            if await session.scalar(select(OutboxRow.id).where(*conditions).limit(1)) is None:
                template_row = new_outbox_row(
                    template, Recipient(row.channel, row.channel_user_id), self.clock()
                )
                template_row.kind = TEMPLATE
                session.add(template_row)

    async def contact_status(self, recipient: Recipient) -> ContactStatus | None:
        """Return whether the recipient is active and when they last wrote, or None if unknown."""
        async with self.sessions() as session:
            row = await session.scalar(
                select(ContactRow).where(
                    ContactRow.channel == recipient.channel,
                    ContactRow.channel_user_id == recipient.user_id,
                )
            )
            return None if row is None else ContactStatus(row.active, row.last_seen_at)

    async def deactivate(self, recipient: Recipient, reason: str) -> None:
        """Mark a user who blocked the bot inactive and fail everything still queued for them."""
        async with self.sessions.begin() as session:
            await session.execute(
                update(ContactRow)
                .where(
                    ContactRow.channel == recipient.channel,
                    ContactRow.channel_user_id == recipient.user_id,
                )
                .values(active=False)
            )
            await session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.channel == recipient.channel,
                    OutboxRow.channel_user_id == recipient.user_id,
                    OutboxRow.status.in_((PENDING, SENDING, HELD)),
                )
                .values(status=FAILED, last_error=reason[:255])
            )

    async def set_active(self, recipient: Recipient, active: bool) -> None:
        """Mark a known contact active or inactive (Telegram block and unblock events)."""
        if not active:
            await self.deactivate(recipient, "blocked by the user")
            return
        async with self.sessions.begin() as session:
            await session.execute(
                update(ContactRow)
                .where(
                    ContactRow.channel == recipient.channel,
                    ContactRow.channel_user_id == recipient.user_id,
                )
                .values(active=True)
            )

    async def record_status(self, platform_id: str, status: str, error_code: str | None) -> bool:
        """Record a delivery status (a failure fails the row); False when the id is unknown."""
        async with self.sessions.begin() as session:
            receipt = await session.get(OutboxReceiptRow, platform_id)
            if receipt is None:
                return False
            # Statuses can arrive out of order: never let a late "sent" hide a failure.
            if receipt.status != FAILED:
                receipt.status, receipt.error_code = status, error_code
            receipt.updated_at = self.clock()
            if status == FAILED:
                row = await session.get_one(OutboxRow, receipt.outbox_id)
                row.status, row.last_error = FAILED, f"platform status failed {error_code}"
            return True

    async def shorten_payload(self, payload: str, max_bytes: int) -> str:
        """Return the payload itself when it fits, else a short key stored for expand_payload."""
        if len(payload.encode()) <= max_bytes and not payload.startswith(LONG_PAYLOAD_PREFIX):
            return payload
        key = LONG_PAYLOAD_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:40]
        async with self.sessions.begin() as session:
            if await session.get(CallbackPayloadRow, key) is None:
                session.add(CallbackPayloadRow(key=key, payload=payload, created_at=self.clock()))
        return key

    async def expand_payload(self, data: str) -> str:
        """Return the payload a short key stands for (or the data itself)."""
        if not data.startswith(LONG_PAYLOAD_PREFIX):
            return data
        async with self.sessions() as session:
            row = await session.get(CallbackPayloadRow, data)
            return data if row is None else row.payload

    async def rows(self) -> list[OutboxRow]:
        """Return every outbox row, oldest first (for tests and reports)."""
        async with self.sessions() as session:
            return list((await session.scalars(select(OutboxRow).order_by(OutboxRow.id))).all())

    @staticmethod
    async def _last_inbound(session: AsyncSession, channel: str, user_id: str) -> datetime | None:
        """Return when the user last wrote."""
        return await session.scalar(
            select(ContactRow.last_seen_at).where(
                and_(ContactRow.channel == channel, ContactRow.channel_user_id == user_id)
            )
        )


async def release_held(session: AsyncSession, channel: str, user_id: str, at: datetime) -> None:
    """Make held messages due again because the user wrote (inside the turn's transaction)."""
    await session.execute(
        update(OutboxRow)
        .where(
            OutboxRow.channel == channel,
            OutboxRow.channel_user_id == user_id,
            *held_message(OutboxRow),
        )
        .values(status=PENDING, next_attempt_at=at)
    )


async def take_pending(engine: AsyncEngine, recipient: Recipient, at: datetime) -> list[Outbound]:
    """Mark a recipient's pending messages sent and return them (the console delivers in place)."""
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions.begin() as session:
        rows = (
            await session.scalars(
                select(OutboxRow)
                .where(
                    OutboxRow.channel == recipient.channel,
                    OutboxRow.channel_user_id == recipient.user_id,
                    OutboxRow.status == PENDING,
                )
                .order_by(OutboxRow.id)
            )
        ).all()
        for row in rows:
            row.status = SENT
            row.sent_at = at
        return [outbound_from_json(row.body) for row in rows]


async def _concerned_centre(
    session: AsyncSession, channel: str, user_id: str
) -> tuple[str, str] | None:
    """Return (who, centre id) for an officer, or for a user with an inquiry; else None."""
    officer = await session.scalar(
        select(OfficerRow).where(
            OfficerRow.channel == channel, OfficerRow.channel_user_id == user_id
        )
    )
    if officer is not None:
        return officer.name, officer.centre_id
    inquiry = await session.scalar(
        select(InquiryRow)
        .join(ContactRow, ContactRow.id == InquiryRow.contact_id)
        .where(ContactRow.channel == channel, ContactRow.channel_user_id == user_id)
        .order_by(InquiryRow.id.desc())
        .limit(1)
    )
    if inquiry is None:
        return None
    return f"MA-{inquiry.id:05d}", inquiry.centre_id
