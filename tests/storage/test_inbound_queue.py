"""The inbound queue's storage: idempotent store, per-contact claims, leases, health."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.composition import Service
from bot.messages import Inbound
from storage.inbound_queue import SqlInboundQueue
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
