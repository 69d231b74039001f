"""The inbound queue's storage: idempotent store, per-contact claims, leases, health."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.composition import Service
from bot.messages import Inbound
from storage.inbound_queue import PARKED, SqlInboundQueue
from storage.models import InboundQueueRow
from tests.helpers import FakeClock, make_inbound


def _batch(contacts: int, each: int) -> list[Inbound]:
    """Return `each` messages from every one of `contacts` WhatsApp users, interleaved."""
    return [
        make_inbound(
            f"pesan {n}", channel="whatsapp", user_id=f"62812{c:07d}", message_id=f"w.{c}.{n}"
        )
        for n in range(each)
        for c in range(contacts)
    ]


async def test_a_redelivered_batch_is_stored_once(service: Service, clock: FakeClock) -> None:
    queue = SqlInboundQueue(service.database, clock)
    await queue.store(_batch(3, 2))
    await queue.store(_batch(3, 2))
    clock.advance(seconds=30)
    health = await queue.health()
    assert health.backlog == 6
    assert health.oldest_seconds == 30


async def test_two_workers_claiming_at_once_never_share_a_contact(
    service: Service, clock: FakeClock
) -> None:
    await SqlInboundQueue(service.database, clock).store(_batch(5, 3))
    first, second = (
        SqlInboundQueue(service.database, clock),
        SqlInboundQueue(service.database, clock),
    )
    claims = await asyncio.gather(first.claim(limit=50), second.claim(limit=50))
    taken = [item for claim in claims for item in claim]
    users = [item.inbound.user_id for item in taken]
    assert len(users) == len(set(users)) == 5  # one message per contact, whoever claimed it
    assert all(item.inbound.message_id.endswith(".0") for item in taken)  # the oldest first
    assert await first.claim(limit=50) == []  # the rest wait behind the leased ones
    await first.done([item.id for item in taken])
    following = await second.claim(limit=50)
    assert sorted(item.inbound.message_id for item in following) == [f"w.{c}.1" for c in range(5)]


async def test_a_retried_message_waits_and_keeps_its_place(
    service: Service, clock: FakeClock
) -> None:
    queue = SqlInboundQueue(service.database, clock)
    await queue.store(_batch(1, 2))
    [item] = await queue.claim(lease=timedelta(minutes=2))
    await queue.retry(item.id, timedelta(seconds=10))
    assert await queue.claim() == []  # neither it nor the message behind it
    clock.advance(seconds=11)
    [again] = await queue.claim()
    assert again.id == item.id
    assert again.attempts == 2
    assert again.inbound.text == "pesan 0"


async def _statuses(service: Service) -> dict[str, str]:
    """Return each queued row's status by its message id."""
    async with service.storage.sessions() as session:
        rows = (
            await session.execute(select(InboundQueueRow.message_id, InboundQueueRow.status))
        ).all()
    return dict(rows)


async def test_a_parked_row_apologises_and_no_longer_blocks_its_contact(
    service: Service, clock: FakeClock
) -> None:
    queue = SqlInboundQueue(service.database, clock)
    await queue.store(_batch(1, 3))
    [first] = await queue.claim()
    assert await queue.park(first.id, service.engine.apology)
    [apology] = await service.outbox.rows()
    assert (apology.channel, apology.channel_user_id) == ("whatsapp", first.inbound.user_id)
    assert "ada gangguan" in apology.body["text"]  # no contact yet: the default locale
    # The contact's next message runs at once, and still in order.
    [second] = await queue.claim()
    assert second.inbound.message_id == "w.0.1"
    # A finished batch holding the parked row (another worker's lease ran out) keeps it.
    await queue.done([first.id, second.id])
    assert await _statuses(service) == {"w.0.0": PARKED, "w.0.2": "queued"}
    health = await queue.health()
    assert (health.backlog, health.parked) == (1, 1)
    assert health.oldest_seconds == 0


async def test_two_workers_parking_one_row_at_once_apologise_once(
    service: Service, clock: FakeClock
) -> None:
    await SqlInboundQueue(service.database, clock).store(_batch(1, 1))
    first, second = (
        SqlInboundQueue(service.database, clock),
        SqlInboundQueue(service.database, clock),
    )
    [item] = await first.claim()
    parked = await asyncio.gather(
        first.park(item.id, service.engine.apology), second.park(item.id, service.engine.apology)
    )
    assert sorted(parked) == [False, True]
    assert len(await service.outbox.rows()) == 1


async def test_a_parked_row_stays_parked_when_a_late_worker_retries_it(
    service: Service, clock: FakeClock
) -> None:
    queue = SqlInboundQueue(service.database, clock)
    await queue.store(_batch(1, 1))
    [item] = await queue.claim()
    assert await queue.park(item.id, service.engine.apology)
    await queue.retry(item.id, timedelta(seconds=1))
    clock.advance(minutes=10)
    assert await queue.claim() == []
    assert not await queue.park(item.id, service.engine.apology)
    assert await _statuses(service) == {"w.0.0": PARKED}
    assert len(await service.outbox.rows()) == 1


async def test_the_apology_of_a_parked_row_speaks_the_contact_s_language(
    service: Service, clock: FakeClock
) -> None:
    queue = SqlInboundQueue(service.database, clock)
    await queue.store(_batch(1, 1))
    async with service.storage.unit_of_work() as uow:
        await uow.contact_for("whatsapp", "628120000000", "en")
        await uow.commit()
    [item] = await queue.claim()
    assert await queue.park(item.id, service.engine.apology)
    [apology] = await service.outbox.rows()
    assert apology.body["text"].startswith("Sorry, our system has a problem")
