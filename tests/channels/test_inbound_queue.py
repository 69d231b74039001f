"""The inbound queue: large WhatsApp deliveries (and, in queue mode, every webhook message)
acknowledged once stored, then worked; failed turns that could not be recorded parked there."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy import event, func, select
from telegram import Update

from bot.channels.delivery import start_delivery
from bot.channels.gateway import ChannelGateway
from bot.channels.inbound_worker import MAX_ATTEMPTS, InboundWorker
from bot.composition import Service
from bot.engine import SenderLimit, Turn
from bot.messages import Inbound, Outbound
from handlers.base import HandlerContext, Reply
from storage.inbound_queue import PARKED, SqlInboundQueue
from storage.models import InboundQueueRow, OutboxRow, ProcessedMessageRow
from storage.repository import SqlUnitOfWork
from tests.channels.test_telegram import CHAT, SECRET, TELEGRAM, FakeBotApi
from tests.faults import telegram_text
from tests.helpers import FakeClock, make_inbound
from tests.webapp import WHATSAPP, App, running_app

TELEGRAM_HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
QUESTIONS = ("halo", "berapa biaya ke taiwan", "cara cek pt resmi", "paspor ditahan agen")


def big_delivery(messages: int, contacts: int, first: int = 0) -> dict[str, Any]:
    """Return one WhatsApp delivery of `messages` texts from `contacts` senders, interleaved."""
    items = [
        {
            "from": f"62812{n % contacts:07d}",
            "id": f"wamid.big.{n}",
            "timestamp": "1763890000",
            "type": "text",
            "text": {"body": QUESTIONS[n % len(QUESTIONS)]},
        }
        for n in range(first, first + messages)
    ]
    value = {"messaging_product": "whatsapp", "metadata": {}, "messages": items}
    return {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": value}]}]}


class Echo:
    """A one-line handler: the 1,800 turns test the queue and the turn's storage, not ranking."""

    name = "echo"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply:
        """Answer with the message's own id."""
        return Reply([Outbound(f"echo {message.message_id}")])


@pytest.fixture
def bot_api() -> Iterator[FakeBotApi]:
    """Route every Bot API call to the stand-in."""
    with respx.mock(assert_all_called=False) as router:
        yield FakeBotApi(router)


async def _count(service: Service, model: type) -> int:
    """Count the rows of a table."""
    async with service.storage.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


class RecordingGateway:
    """Wraps the real gateway: the order each contact's messages ran in, and any overlap."""

    def __init__(self, gateway: ChannelGateway) -> None:
        self.gateway = gateway
        self.order: dict[str, list[str]] = defaultdict(list)
        self.replies: Counter[str] = Counter()
        self.busy: set[str] = set()
        self.overlaps = 0

    async def receive(self, inbound: Inbound) -> list[Outbound]:
        """Run the turn, noting whether the same contact was already running one."""
        if inbound.user_id in self.busy:
            self.overlaps += 1
        self.busy.add(inbound.user_id)
        try:
            replies = await self.gateway.receive(inbound)
        finally:
            self.busy.discard(inbound.user_id)
        self.order[inbound.user_id].append(inbound.message_id)
        self.replies[inbound.message_id] += len(replies)
        return replies


def _sequence(message_id: str) -> int:
    """Return the number in wamid.big.N."""
    return int(message_id.rsplit(".", 1)[1])


async def test_a_1800_message_delivery_is_acknowledged_stored_then_each_answered_once_in_order(
    service: Service,
) -> None:
    service.engine.pipeline = (Echo(),)
    async with running_app(service, rate_limit_per_minute=10_000, **WHATSAPP) as app:
        response = await app.post_whatsapp(big_delivery(1800, contacts=120))
        # At the 200 every message is stored and none has run: no turn, no reply.
        assert response.status_code == 200
        assert await _count(service, InboundQueueRow) == 1800
        assert await _count(service, ProcessedMessageRow) == 0
        assert await _count(service, OutboxRow) == 0
        ready = (await app.client.get("/readyz")).json()
        assert ready["inbound_queue"]["backlog"] == 1800
        # The platform sends the same batch again: nothing is stored twice.
        assert (await app.post_whatsapp(big_delivery(1800, contacts=120))).status_code == 200
        assert await _count(service, InboundQueueRow) == 1800

        worker = app.runtime.inbound
        recording = RecordingGateway(worker.gateway)
        worker.gateway = recording  # type: ignore[assignment]
        assert await worker.work_due() == 1800
        ready = (await app.client.get("/readyz")).json()
    assert await _count(service, InboundQueueRow) == 0
    assert await _count(service, ProcessedMessageRow) == 1800
    assert recording.overlaps == 0
    assert len(recording.replies) == 1800
    assert all(count > 0 for count in recording.replies.values())
    # Exactly once: every reply the turns gave is one outbox row, nothing more.
    assert await _count(service, OutboxRow) == sum(recording.replies.values())
    for ids in recording.order.values():
        assert [_sequence(i) for i in ids] == sorted(_sequence(i) for i in ids)
    # The replies were queued in the same order, each once.
    answered = defaultdict(list)
    for row in await service.outbox.rows():
        answered[row.channel_user_id].append(row.body["text"].removeprefix("echo "))
    assert sum(len(ids) for ids in answered.values()) == 1800
    assert all(answered[user] == ids for user, ids in recording.order.items())
    assert ready["inbound_queue"] == {"backlog": 0, "oldest_seconds": None, "parked": 0}


async def test_small_deliveries_are_still_answered_inside_the_request(service: Service) -> None:
    async with running_app(service, **WHATSAPP) as app:
        assert (await app.post_whatsapp(big_delivery(20, contacts=20))).status_code == 200
    assert await _count(service, InboundQueueRow) == 0
    assert await _count(service, ProcessedMessageRow) == 20


async def test_queue_over_zero_queues_every_delivery(service: Service) -> None:
    async with running_app(service, inbound_queue_over=0, **WHATSAPP) as app:
        assert (await app.post_whatsapp(big_delivery(1, contacts=1))).status_code == 200
        assert await _count(service, InboundQueueRow) == 1
        assert await _count(service, ProcessedMessageRow) == 0
        assert await app.runtime.inbound.work_due() == 1
    assert await _count(service, ProcessedMessageRow) == 1


async def test_queue_over_zero_queues_telegram_webhook_updates(
    service: Service, bot_api: FakeBotApi
) -> None:
    async with running_app(service, inbound_queue_over=0, **TELEGRAM) as app:
        update = telegram_text(41, "halo", chat=CHAT)
        response = await app.client.post(
            "/webhooks/telegram", json=update, headers=TELEGRAM_HEADERS
        )
        assert response.status_code == 200
        assert await _count(service, InboundQueueRow) == 1
        assert await _count(service, ProcessedMessageRow) == 0
        assert await app.runtime.inbound.work_due() == 1
        await app.deliver()
    assert await _count(service, ProcessedMessageRow) == 1
    assert bot_api.sent and all(int(body["chat_id"]) == CHAT for body in bot_api.sent)


async def test_a_killed_worker_s_messages_are_finished_by_another_after_the_lease(
    service: Service, clock: FakeClock
) -> None:
    async with running_app(service, **WHATSAPP) as app:
        assert (await app.post_whatsapp(big_delivery(40, contacts=4))).status_code == 200
        worker = app.runtime.inbound
        # Worker A claims a batch, runs the first turn to its commit, and dies before
        # finishing any row: its rows stay leased.
        taken = await worker.queue.claim(limit=50, lease=timedelta(minutes=2))
        assert len(taken) == 4  # one per contact: each contact's later messages wait
        await worker.gateway.receive(taken[0].inbound)
        answered_before = await _count(service, OutboxRow)
        # Worker B finds nothing it may run while the lease holds.
        assert await worker.work_due() == 0
        clock.advance(minutes=3)
        recording = RecordingGateway(worker.gateway)
        worker.gateway = recording  # type: ignore[assignment]
        assert await worker.work_due() == 40
    assert await _count(service, InboundQueueRow) == 0
    assert await _count(service, ProcessedMessageRow) == 40
    # The message whose turn A committed ran again but was recognised: no second answer.
    assert recording.replies[taken[0].inbound.message_id] == 0
    assert await _count(service, OutboxRow) == answered_before + sum(recording.replies.values())
    assert sum(1 for count in recording.replies.values() if count) == 39


async def test_a_database_failure_while_storing_answers_503_and_stores_nothing(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storage.inbound_queue.INSERT_CHUNK", 10)
    inserts = 0

    def fail_the_third_insert(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        nonlocal inserts
        if statement.startswith("INSERT INTO inbound_queue"):
            inserts += 1
            if inserts == 3:
                raise ConnectionResetError("connection lost")

    sync_engine = service.database.sync_engine
    event.listen(sync_engine, "before_cursor_execute", fail_the_third_insert)
    try:
        async with running_app(service, **WHATSAPP) as app:
            response = await app.post_whatsapp(big_delivery(50, contacts=5))
    finally:
        event.remove(sync_engine, "before_cursor_execute", fail_the_third_insert)
    assert inserts == 3  # two chunks were written before the failure...
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    # ...and rolled back with it: nothing half-stored, nothing run.
    assert await _count(service, InboundQueueRow) == 0
    assert await _count(service, ProcessedMessageRow) == 0


async def test_a_bad_message_in_a_large_batch_is_skipped_and_logged_by_shape(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    data = big_delivery(30, contacts=3)
    messages = data["entry"][0]["changes"][0]["value"]["messages"]
    messages[7] = {**messages[7], "id": 12345, "text": "rahasia pribadi 0812999"}
    messages[12] = {**messages[12], "from": "rahasia-bukan-nomor"}
    with caplog.at_level(logging.WARNING):
        async with running_app(service, **WHATSAPP) as app:
            response = await app.post_whatsapp(data)
            assert response.status_code == 200
            assert await _count(service, InboundQueueRow) == 28
            assert await app.runtime.inbound.work_due() == 28
    assert await _count(service, ProcessedMessageRow) == 28
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "WaMessage ignored" in logged
    assert "rahasia" not in logged
    assert "0812999" not in logged


async def test_the_sender_process_runs_the_queued_turns(service: Service) -> None:
    queue = SqlInboundQueue(service.database, service.storage.clock)
    await queue.store(
        [make_inbound("halo", channel="whatsapp", user_id="6281200000077") for _ in range(3)]
    )
    delivery = await start_delivery(service.settings, service)
    try:
        for _ in range(100):
            if await _count(service, ProcessedMessageRow) == 3:
                break
            await asyncio.sleep(0.1)
    finally:
        await delivery.stop()
    assert await _count(service, ProcessedMessageRow) == 3
    assert await _count(service, InboundQueueRow) == 0


PARKED_USER = "6281200000088"


def _from_one_contact(count: int) -> list[Inbound]:
    """Return `count` WhatsApp messages of one contact, p.0 first."""
    return [
        make_inbound(f"rahasia {n}", channel="whatsapp", user_id=PARKED_USER, message_id=f"p.{n}")
        for n in range(count)
    ]


def _break_turn_of(service: Service, monkeypatch: pytest.MonkeyPatch, message_id: str) -> None:
    """Make the engine raise, past its own apology, on every run of one message."""
    handle_turn = service.engine.handle_turn

    async def failing(inbound: Inbound, limit: SenderLimit | None = None) -> Turn:
        if inbound.message_id == message_id:
            raise RuntimeError("a bug outside the handlers")
        return await handle_turn(inbound, limit)

    monkeypatch.setattr(service.engine, "handle_turn", failing)


async def _queue_rows(service: Service) -> list[tuple[str, str, int]]:
    """Return each queued row's message id, status and attempts."""
    async with service.storage.sessions() as session:
        rows = await session.execute(
            select(InboundQueueRow.message_id, InboundQueueRow.status, InboundQueueRow.attempts)
        )
        return [tuple(row) for row in rows.all()]


async def _texts_to(service: Service, user_id: str) -> list[str]:
    """Return the texts queued for one user, in order."""
    return [
        row.body["text"] for row in await service.outbox.rows() if row.channel_user_id == user_id
    ]


async def test_a_message_that_keeps_failing_is_parked_with_one_apology_and_the_next_answered(
    service: Service,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    service.engine.pipeline = (Echo(),)
    _break_turn_of(service, monkeypatch, "p.0")
    async with running_app(service, **WHATSAPP) as app:
        worker = app.runtime.inbound
        await worker.queue.store(_from_one_contact(3))
        with caplog.at_level(logging.INFO):
            for _ in range(MAX_ATTEMPTS + 2):
                await worker.work_due()
                clock.advance(minutes=10)
        ready = (await app.client.get("/readyz")).json()
    texts = await _texts_to(service, PARKED_USER)
    assert len(texts) == 3
    assert "ada gangguan" in texts[0]
    assert texts[1:] == ["echo p.1", "echo p.2"]  # the contact's next messages, in order
    assert await _queue_rows(service) == [("p.0", PARKED, MAX_ATTEMPTS)]
    assert ready["inbound_queue"] == {"backlog": 0, "oldest_seconds": None, "parked": 1}
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"parked after {MAX_ATTEMPTS} attempts" in logged
    assert "rahasia" not in logged
    assert PARKED_USER not in logged


async def test_two_workers_failing_the_last_attempt_at_once_send_one_apology(
    service: Service, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _break_turn_of(service, monkeypatch, "p.0")
    async with running_app(service, **WHATSAPP) as app:
        gateway = app.runtime.inbound.gateway
        first, second = (
            InboundWorker(SqlInboundQueue(service.database, clock), gateway) for _ in range(2)
        )
        await first.queue.store(_from_one_contact(1))
        for _ in range(MAX_ATTEMPTS - 1):
            await first.work_due()
            clock.advance(minutes=10)
        # The first worker takes the last attempt and stalls past its lease; the second
        # takes the message again, and both fail it together.
        [late] = await first.queue.claim(lease=timedelta(minutes=2))
        clock.advance(minutes=3)
        [again] = await second.queue.claim(lease=timedelta(minutes=2))
        assert (late.attempts, again.attempts) == (MAX_ATTEMPTS, MAX_ATTEMPTS + 1)
        assert await asyncio.gather(first.work(late), second.work(again)) == [False, False]
    assert len(await _texts_to(service, PARKED_USER)) == 1
    assert await _queue_rows(service) == [("p.0", PARKED, MAX_ATTEMPTS + 1)]


def _fail_turns_and_their_record(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every turn raise in its handler, and the engine's record of that failure too."""

    class Broken:
        name = "broken"

        async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply:
            raise ValueError("a handler bug")

    async def cannot_record(*_args: object) -> None:
        raise RuntimeError("recording the failed turn failed too")

    service.engine.pipeline = (Broken(),)
    # Reached only by the engine's record of a failed turn: the turn raises before saving.
    monkeypatch.setattr(SqlUnitOfWork, "save_conversation", cannot_record)


async def test_a_failed_turn_that_cannot_be_recorded_is_apologised_for_once(
    service: Service, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_turns_and_their_record(service, monkeypatch)
    async with running_app(service, **WHATSAPP) as app:
        worker = app.runtime.inbound
        await worker.queue.store(_from_one_contact(1))
        for _ in range(3):
            await worker.work_due()
            clock.advance(minutes=10)
        ready = (await app.client.get("/readyz")).json()
    [apology] = await _texts_to(service, PARKED_USER)
    assert "ada gangguan" in apology
    assert await _queue_rows(service) == [("p.0", PARKED, 1)]
    assert await _count(service, ProcessedMessageRow) == 0
    assert ready["inbound_queue"]["parked"] == 1


# A message answered inside the request, per channel: its settings, queued id and user.
IN_REQUEST = {
    "whatsapp": (WHATSAPP, "wamid.big.0", "628120000000"),
    "telegram": (TELEGRAM, f"m:{CHAT}:42", str(CHAT)),
}


async def _post_one(app: App, channel: str) -> httpx.Response:
    """Post one message to the channel's webhook; one message is answered inside the request."""
    if channel == "whatsapp":
        return await app.post_whatsapp(big_delivery(1, contacts=1))
    update = telegram_text(42, "halo", chat=CHAT)
    return await app.client.post("/webhooks/telegram", json=update, headers=TELEGRAM_HEADERS)


async def _parked_with_one_apology(service: Service, message_id: str, user_id: str) -> None:
    """Check that the message is parked and its user got the apology, once."""
    [apology] = await _texts_to(service, user_id)
    assert "ada gangguan" in apology
    assert [row[:2] for row in await _queue_rows(service)] == [(message_id, PARKED)]


@pytest.mark.parametrize("channel", IN_REQUEST)
async def test_an_unrecorded_failed_turn_inside_the_request_is_queued_then_apologised_for(
    channel: str, service: Service, bot_api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, message_id, user_id = IN_REQUEST[channel]
    _fail_turns_and_their_record(service, monkeypatch)
    async with running_app(service, **settings) as app:
        # The turn ran inside the request, failed and stored nothing: the queue keeps it.
        assert (await _post_one(app, channel)).status_code == 200
        assert await _count(service, OutboxRow) == 0
        assert await _queue_rows(service) == [(message_id, "queued", 0)]
        await app.runtime.inbound.work_due()
    await _parked_with_one_apology(service, message_id, user_id)


@pytest.mark.parametrize("channel", IN_REQUEST)
async def test_an_unrecorded_failed_turn_that_cannot_be_queued_answers_503(
    channel: str, service: Service, bot_api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _message_id, _user_id = IN_REQUEST[channel]
    _fail_turns_and_their_record(service, monkeypatch)

    def fail_queueing(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("INSERT INTO inbound_queue"):
            raise ConnectionResetError("connection lost")

    sync_engine = service.database.sync_engine
    event.listen(sync_engine, "before_cursor_execute", fail_queueing)
    try:
        async with running_app(service, **settings) as app:
            response = await _post_one(app, channel)
    finally:
        event.remove(sync_engine, "before_cursor_execute", fail_queueing)
    # Nothing kept anywhere: the platform must deliver the message again.
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert await _queue_rows(service) == []
    assert await _count(service, OutboxRow) == 0


async def test_an_unrecorded_failed_turn_of_a_polled_telegram_update_is_queued_then_apologised_for(
    service: Service, bot_api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_turns_and_their_record(service, monkeypatch)
    async with running_app(service, **TELEGRAM) as app:
        telegram = app.runtime.telegram
        assert telegram is not None
        # Polling hands each update to the application's handler, which swallows errors:
        # without the queue, the apology would be lost with the update.
        update = Update.de_json(telegram_text(43, "halo", chat=CHAT), telegram.bot)
        await telegram.application.process_update(update)
        assert await _queue_rows(service) == [(f"m:{CHAT}:43", "queued", 0)]
        await app.runtime.inbound.work_due()
    await _parked_with_one_apology(service, f"m:{CHAT}:43", str(CHAT))
