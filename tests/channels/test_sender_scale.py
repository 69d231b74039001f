"""Several senders on one outbox: every row sent once, each recipient's messages in order."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter, defaultdict
from datetime import timedelta

import httpx

from bot.channels.sender import OutboxSender, Pace
from bot.channels.whatsapp_api import WhatsAppSender
from bot.composition import Service
from bot.messages import Outbound, Recipient
from storage.database import create_engine
from storage.outbox import SqlOutbox
from tests.helpers import FakeClock
from tests.webapp import WA_API, WA_PHONE_ID

RECIPIENTS = [f"62812555{n:05d}" for n in range(12)]
PER_RECIPIENT = 3


class SlowGraphApi:
    """An async Graph API stand-in that takes a moment per message, so senders overlap."""

    def __init__(self, delay: float = 0.005) -> None:
        self.delay = delay
        self.accepted: list[tuple[str, str]] = []
        self.in_flight = 0
        self.peak = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        await asyncio.sleep(self.delay)
        self.in_flight -= 1
        self.accepted.append((body["to"], body["text"]["body"]))
        return httpx.Response(200, json={"messages": [{"id": f"wamid.{len(self.accepted)}"}]})


def _whatsapp(service: Service, api: SlowGraphApi) -> WhatsAppSender:
    return WhatsAppSender(
        WA_API, WA_PHONE_ID, "token", service.translator, "t", "id",
        transport=httpx.MockTransport(api),
    )  # fmt: skip


async def _queue(service: Service) -> None:
    for number in range(PER_RECIPIENT):
        for phone in RECIPIENTS:
            recipient = Recipient("whatsapp", phone)
            await service.outbox.enqueue(Outbound(f"pesan {number}"), recipient)
    for phone in RECIPIENTS:
        await service.outbox.set_active(Recipient("whatsapp", phone), True)


def _assert_once_and_in_order(accepted: list[tuple[str, str]]) -> None:
    counts = Counter(accepted)
    assert len(counts) == len(RECIPIENTS) * PER_RECIPIENT, "a message was lost"
    assert max(counts.values()) == 1, "a message was sent twice"
    order: dict[str, list[str]] = defaultdict(list)
    for phone, text in accepted:
        order[phone].append(text)
    assert all(texts == [f"pesan {n}" for n in range(PER_RECIPIENT)] for texts in order.values())


async def test_two_senders_on_one_database_never_send_a_row_twice(
    service: Service, clock: FakeClock
) -> None:
    await _queue(service)
    api = SlowGraphApi()
    # The second sender has its own engine, as a second process would.
    other_engine = create_engine(service.settings.database_url)
    senders = [
        OutboxSender(service.outbox, [_whatsapp(service, api)], batch=5),
        OutboxSender(SqlOutbox(other_engine, clock), [_whatsapp(service, api)], batch=5),
    ]
    try:
        for _ in range(20):
            handled = await asyncio.gather(*(sender.deliver_due() for sender in senders))
            if not any(handled):
                break
    finally:
        await other_engine.dispose()
    _assert_once_and_in_order(api.accepted)
    assert {row.status for row in await service.outbox.rows()} == {"sent"}


async def test_one_sender_sends_to_different_recipients_concurrently(
    service: Service, clock: FakeClock
) -> None:
    await _queue(service)
    api = SlowGraphApi(delay=0.02)
    sender = OutboxSender(service.outbox, [_whatsapp(service, api)], concurrency=4)
    sender.paces = {}  # measure the concurrency bound alone
    await sender.deliver_due()
    assert api.peak == 4  # bounded: never more than the configured concurrency
    _assert_once_and_in_order(api.accepted)


async def test_pace_spaces_sends_to_the_platform_rate() -> None:
    pace = Pace(per_second=50)
    start = time.monotonic()
    await asyncio.gather(*(pace.wait() for _ in range(11)))
    assert time.monotonic() - start >= 10 / 50 * 0.9


async def test_a_lease_that_runs_out_is_claimed_again(service: Service, clock: FakeClock) -> None:
    await service.outbox.enqueue(Outbound("halo"), Recipient("whatsapp", RECIPIENTS[0]))
    first = await service.outbox.claim(["whatsapp"], lease=timedelta(minutes=2))
    assert [item.attempts for item in first] == [1]
    assert await service.outbox.claim(["whatsapp"]) == []  # leased: nobody else takes it
    clock.advance(minutes=3)  # the sender died mid-send; its lease ran out
    again = await service.outbox.claim(["whatsapp"])
    assert [(item.id, item.attempts) for item in again] == [(first[0].id, 2)]
