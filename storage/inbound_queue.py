"""The inbound queue: large deliveries stored durably at once, then worked through in order."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import aliased

from bot.messages import Inbound, InboundKind, Outbound, Recipient
from bot.ports import StorageUnavailable
from storage.models import ContactRow, InboundQueueRow
from storage.outbox import new_outbox_row

log = logging.getLogger(__name__)

# A parked row failed for good: its user got the apology, and the row is kept for an officer
# (never claimed, never blocking the contact's later messages) until the retention purge.
QUEUED, WORKING, PARKED = "queued", "working", "parked"
# Rows per INSERT statement: well under both backends' limit of bound parameters.
INSERT_CHUNK = 500


@dataclass(frozen=True, slots=True)
class QueuedInbound:
    """A claimed queue row: the inbound to run and how often it was tried."""

    id: int
    inbound: Inbound
    attempts: int


@dataclass(frozen=True, slots=True)
class InboundHealth:
    """What /readyz reports about the inbound queue."""

    backlog: int
    oldest_seconds: float | None
    parked: int = 0


def _row_values(inbound: Inbound, now: datetime) -> dict[str, object]:
    """Return the stored columns of one inbound."""
    return {
        "channel": inbound.channel,
        "channel_user_id": inbound.user_id,
        "message_id": inbound.message_id,
        "body": {
            "text": inbound.text,
            "payload": inbound.payload,
            "kind": str(inbound.kind),
            "display_name": inbound.display_name,
        },
        "status": QUEUED,
        "attempts": 0,
        "available_at": now,
        "received_at": now,
    }


def _inbound(row: InboundQueueRow) -> Inbound:
    """Rebuild the inbound a row stores."""
    body = row.body
    return Inbound(
        channel=row.channel,
        user_id=row.channel_user_id,
        message_id=row.message_id,
        text=body.get("text") or "",
        payload=body.get("payload"),
        kind=InboundKind(body.get("kind") or InboundKind.TEXT),
        received_at=row.received_at,
        display_name=body.get("display_name"),
    )


class SqlInboundQueue:
    """Stores, leases and finishes queued inbound messages; each method is one transaction."""

    def __init__(self, engine: AsyncEngine, clock: Callable[[], datetime] | None = None) -> None:
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.clock = clock or (lambda: datetime.now(UTC))
        self._dialect = postgresql if engine.dialect.name == "postgresql" else sqlite

    async def store(self, inbounds: Sequence[Inbound]) -> None:
        """Store every inbound in one transaction; a message id already queued is kept once.

        Raises StorageUnavailable when anything fails: nothing is stored then, and the
        webhook answers 503 so that the platform delivers the whole batch again.
        """
        now = self.clock()
        rows = [_row_values(inbound, now) for inbound in inbounds]
        try:
            async with self.sessions.begin() as session:
                for start in range(0, len(rows), INSERT_CHUNK):
                    await session.execute(
                        self._dialect.insert(InboundQueueRow)
                        .values(rows[start : start + INSERT_CHUNK])
                        .on_conflict_do_nothing(index_elements=["channel", "message_id"])
                    )
        except Exception as error:
            log.warning("inbound batch of %d not stored: %s", len(rows), type(error).__name__)
            raise StorageUnavailable("inbound queue store failed") from error

    async def claim(
        self, limit: int = 50, lease: timedelta = timedelta(minutes=2)
    ) -> list[QueuedInbound]:
        """Lease available rows, oldest first, never one behind an earlier row of its contact.

        A contact's earlier row, queued or leased by any worker, blocks the later ones, so
        one contact's messages run one at a time and in order; a parked row is neither
        claimed nor blocks (it was answered with the apology). PostgreSQL skips the rows
        another worker is claiming (FOR UPDATE SKIP LOCKED); on SQLite the claim is a write
        from its first statement, so it holds the database's write lock and two workers
        never read the same rows. A worker that dies leaves its rows leased: they become
        available again when the lease runs out.
        """
        now = self.clock()
        earlier = aliased(InboundQueueRow)
        blocked = exists().where(
            earlier.channel == InboundQueueRow.channel,
            earlier.channel_user_id == InboundQueueRow.channel_user_id,
            earlier.id < InboundQueueRow.id,
            earlier.status != PARKED,
        )
        due = (
            select(InboundQueueRow.id)
            .where(InboundQueueRow.status != PARKED, InboundQueueRow.available_at <= now, ~blocked)
            .order_by(InboundQueueRow.id)
            .limit(limit)
        )
        async with self.sessions.begin() as session:
            if session.bind.dialect.name == "postgresql":
                due = due.with_for_update(skip_locked=True, of=InboundQueueRow)
            rows = (
                await session.scalars(
                    update(InboundQueueRow)
                    .where(InboundQueueRow.id.in_(due.scalar_subquery()))
                    .values(
                        status=WORKING,
                        attempts=InboundQueueRow.attempts + 1,
                        available_at=now + lease,
                    )
                    .returning(InboundQueueRow)
                    .execution_options(synchronize_session=False)
                )
            ).all()
        return [QueuedInbound(row.id, _inbound(row), row.attempts) for row in rows]

    async def done(self, row_ids: Sequence[int]) -> None:
        """Delete rows whose turns are committed (their text leaves the queue with them).

        A row another worker parked meanwhile (its lease ran out) is kept: its user was
        already apologised to, and an officer may look at it.
        """
        if not row_ids:
            return
        async with self.sessions.begin() as session:
            await session.execute(
                delete(InboundQueueRow).where(
                    InboundQueueRow.id.in_(list(row_ids)), InboundQueueRow.status != PARKED
                )
            )

    async def retry(self, row_id: int, delay: timedelta) -> None:
        """Make a row available again after a delay; a parked row stays parked."""
        async with self.sessions.begin() as session:
            await session.execute(
                update(InboundQueueRow)
                .where(InboundQueueRow.id == row_id, InboundQueueRow.status != PARKED)
                .values(status=QUEUED, available_at=self.clock() + delay)
            )

    async def park(self, row_id: int, apology: Callable[[str | None], Outbound]) -> bool:
        """Park a row that keeps failing and queue its user's apology, in one transaction.

        `apology` gets the contact's locale (None for a contact never stored). Returns False,
        writing nothing, when the row is already parked or gone: of two workers parking the
        same row at once (a lease ran out), only the first apologises. On PostgreSQL the
        second UPDATE waits for the first to commit and then no longer matches.
        """
        async with self.sessions.begin() as session:
            parked = (
                await session.execute(
                    update(InboundQueueRow)
                    .where(InboundQueueRow.id == row_id, InboundQueueRow.status != PARKED)
                    .values(status=PARKED)
                    .returning(InboundQueueRow.channel, InboundQueueRow.channel_user_id)
                )
            ).one_or_none()
            if parked is None:
                return False
            channel, user_id = parked
            locale = await session.scalar(
                select(ContactRow.locale).where(
                    ContactRow.channel == channel, ContactRow.channel_user_id == user_id
                )
            )
            session.add(new_outbox_row(apology(locale), Recipient(channel, user_id), self.clock()))
        return True

    async def health(self) -> InboundHealth:
        """Return how many messages wait, how long the oldest has waited, and how many parked."""
        waiting = InboundQueueRow.status != PARKED
        async with self.sessions() as session:
            count, oldest, parked = (
                await session.execute(
                    select(
                        func.count().filter(waiting),
                        func.min(InboundQueueRow.received_at).filter(waiting),
                        func.count().filter(InboundQueueRow.status == PARKED),
                    ).select_from(InboundQueueRow)
                )
            ).one()
        age = None if oldest is None else (self.clock() - oldest).total_seconds()
        return InboundHealth(backlog=int(count or 0), oldest_seconds=age, parked=int(parked or 0))
