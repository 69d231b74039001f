"""The outbox sender: retries through outages, parts never repeated, alerts when it gives up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.channels.sender import OutboxSender, backoff
from bot.channels.whatsapp_api import WhatsAppSender
from bot.composition import Service
from bot.messages import Outbound, Recipient
from storage.inquiry_models import CentreRow, OfficerRow
from storage.models import OutboxReceiptRow
from tests.faults import whatsapp_text
from tests.helpers import FakeClock
from tests.webapp import WA_API, WA_PHONE_ID, WHATSAPP, FakeGraphApi, running_app

OFFICER_PHONE = "6281399900001"
OTHER_OFFICER = "console-officer-2"


class OutageGraphApi(FakeGraphApi):
    """The Graph API stand-in, answering 500 to everything while `down` is set."""

    down: bool = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            self.requests.append({})
            return httpx.Response(500, json={"error": {"code": 2, "message": "down"}})
        return super().__call__(request)


def test_backoff_is_capped_at_five_minutes() -> None:
    assert backoff(1) == timedelta(seconds=2)
    assert backoff(9) == timedelta(seconds=300)
    assert backoff(10_000) == timedelta(seconds=300)


async def test_a_21_minute_platform_outage_loses_no_reply(
    service: Service, clock: FakeClock
) -> None:
    api = OutageGraphApi()
    api.down = True
    async with running_app(service, transport=api.transport(), **WHATSAPP) as app:
        for number in range(20):
            data = whatsapp_text(f"wamid.OUTAGE.{number}", "halo", f"62812000100{number:02d}")
            assert (await app.post_whatsapp(data)).status_code == 200
        queued = len(await service.outbox.rows())
        start = clock.now
        while clock.now - start < timedelta(minutes=21):
            await app.deliver()
            clock.advance(seconds=20)
        assert not any(row.status in ("failed", "sent") for row in await service.outbox.rows())
        api.down = False
        recovered = clock.now
        while any(row.status != "sent" for row in await service.outbox.rows()):
            assert clock.now - recovered <= timedelta(minutes=6), "not delivered after recovery"
            await app.deliver()
            clock.advance(seconds=20)
        ready = (await app.client.get("/readyz")).json()
    assert len(api.accepted) == queued
    assert len({f"62812000100{n:02d}" for n in range(20)} - {b["to"] for b in api.accepted}) == 0
    assert ready["outbox"] == {"backlog": 0, "oldest_pending_seconds": None, "held": 0, "failed": 0}


async def test_a_retry_never_repeats_parts_already_accepted(
    service: Service, clock: FakeClock
) -> None:
    # The second of three parts fails once: the retry sends parts two and three only.
    api = FakeGraphApi(script=[httpx.Response(200), httpx.Response(500, json={"error": {}})])
    sender = WhatsAppSender(
        WA_API, WA_PHONE_ID, "wa-access-token-for-tests", service.translator, "t", "id",
        transport=api.transport(),
    )  # fmt: skip
    outbox = OutboxSender(service.outbox, [sender])
    text = "\n\n".join(f"Bagian {n}: " + "kata " * 600 for n in range(3))
    await service.outbox.enqueue(Outbound(text), Recipient("whatsapp", "6281200000001"))
    await service.outbox.set_active(Recipient("whatsapp", "6281200000001"), True)
    await outbox.deliver_due()
    row = (await service.outbox.rows())[0]
    assert row.status == "pending"
    assert row.parts_sent == 1  # recorded the moment it was accepted, before the failure
    assert await _receipts(service) == 1
    clock.advance(minutes=1)
    await outbox.deliver_due()
    await sender.close()
    bodies = [body["text"]["body"][:9] for body in api.accepted]
    assert bodies == ["Bagian 0:", "Bagian 1:", "Bagian 2:"]
    assert (await service.outbox.rows())[0].status == "sent"
    assert await _receipts(service) == 3


async def test_a_message_that_fails_for_good_alerts_the_officers_and_shows_in_readyz(
    service: Service, clock: FakeClock
) -> None:
    await _centre_with_two_officers(service)
    api = FakeGraphApi(script=[httpx.Response(400, json={"error": {"code": 131026}})])
    async with running_app(service, transport=api.transport(), **WHATSAPP) as app:
        officer = Recipient("whatsapp", OFFICER_PHONE)
        await service.outbox.enqueue(Outbound("Pertanyaan baru #1"), officer)
        await service.outbox.set_active(officer, True)
        await app.deliver()
        ready = (await app.client.get("/readyz")).json()
    rows = await service.outbox.rows()
    assert rows[0].status == "failed"
    alerts = [row for row in rows if row.channel_user_id == OTHER_OFFICER]
    assert len(alerts) == 1
    assert "Bu Ani" in alerts[0].body["text"]
    assert "tidak dapat terkirim" in alerts[0].body["text"]
    assert ready["outbox"]["failed"] == 1
    assert ready["outbox"]["backlog"] == 1  # the alert, waiting for the console officer


async def test_telegram_style_retries_stop_only_when_the_message_is_days_old(
    service: Service, clock: FakeClock
) -> None:
    api = OutageGraphApi()
    api.down = True
    async with running_app(service, transport=api.transport(), **WHATSAPP) as app:
        await app.post_whatsapp(whatsapp_text("wamid.OLD.1", "halo"))
        for _ in range(30):  # 30 attempts over about two hours: still retried
            await app.deliver()
            clock.advance(minutes=5)
        assert all(row.status == "pending" for row in await service.outbox.rows())
        ready = (await app.client.get("/readyz")).json()
        assert ready["outbox"]["oldest_pending_seconds"] >= 2 * 3600
        # Past the 24-hour window the messages wait for the user; nothing is lost either.
        clock.advance(hours=25)
        await app.deliver()
    statuses = {row.status for row in await service.outbox.rows()}
    assert "failed" not in statuses


async def _receipts(service: Service) -> int:
    async with service.storage.sessions() as session:
        return len((await session.scalars(OutboxReceiptRow.__table__.select())).all())


async def _centre_with_two_officers(service: Service) -> None:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    async with service.storage.sessions.begin() as session:
        session.add(CentreRow(id="plm-uji", name="PLM Uji", kind="village", updated_at=now))
        await session.flush()
        for name, channel, user in (
            ("Bu Ani", "whatsapp", OFFICER_PHONE),
            ("Pak Joko", "console", OTHER_OFFICER),
        ):
            session.add(
                OfficerRow(
                    centre_id="plm-uji",
                    name=name,
                    channel=channel,
                    channel_user_id=user,
                    active=True,
                    created_at=now,
                )
            )


async def test_a_dropped_connection_while_recording_an_accepted_part_sends_nothing_twice(
    service: Service, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    api = FakeGraphApi()
    real = service.outbox.record_part
    drops = [OperationalError("UPDATE outbox", {}, ConnectionResetError("terminated"))]

    async def flaky(outbox_id: int, parts_sent: int, platform_ids: list[str]) -> None:
        if drops:
            raise drops.pop()
        await real(outbox_id, parts_sent, platform_ids)

    monkeypatch.setattr(service.outbox, "record_part", flaky)
    async with running_app(service, transport=api.transport(), **WHATSAPP) as app:
        await app.post_whatsapp(whatsapp_text("wamid.DROP.1", "halo"))
        await app.deliver()
        clock.advance(minutes=10)  # any lease left behind would have run out
        await app.deliver()
    assert all(row.status == "sent" for row in await service.outbox.rows())
    assert len(api.requests) == len(api.accepted) == len(await service.outbox.rows())


async def test_a_failed_status_from_the_platform_alerts_the_officers(service: Service) -> None:
    import json

    from tests.webapp import load

    await _centre_with_two_officers(service)
    api = FakeGraphApi()
    async with running_app(service, transport=api.transport(), **WHATSAPP) as app:
        officer = Recipient("whatsapp", OFFICER_PHONE)
        await service.outbox.enqueue(Outbound("Pertanyaan baru #1"), officer)
        await service.outbox.set_active(officer, True)
        await app.deliver()
        status = json.dumps(load("whatsapp/status_failed.json")).replace(
            "wamid.TEST.out1", "wamid.OUT.1"
        )
        assert (await app.post_whatsapp(json.loads(status))).status_code == 200
    alerts = [row for row in await service.outbox.rows() if row.channel_user_id == OTHER_OFFICER]
    assert len(alerts) == 1
    assert "Bu Ani" in alerts[0].body["text"]
