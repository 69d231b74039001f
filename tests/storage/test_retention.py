"""Retention purge: expired personal data goes, anonymous inquiry counts and recent data stay."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.composition import Service
from bot.inquiries import InquiryDraft
from storage.inbound_queue import SqlInboundQueue
from storage.inquiry_models import InquiryRow
from storage.models import ContactRow, MessageRow, ProcessedMessageRow
from storage.retention import purge_expired
from tests.helpers import FakeClock, make_inbound, say


async def _count(service: Service, model: type) -> int:
    async with service.storage.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_contacts_unseen_for_the_retention_period_are_erased(
    service: Service, clock: FakeClock
) -> None:
    await say(service.engine, "halo", user_id="lama")
    async with service.storage.unit_of_work() as uow:
        contact = await uow.contact_for("console", "lama", "id")
        await uow.set_consent(contact.id, clock())
        draft = InquiryDraft(name="Siti", question="biaya?", destination="taiwan")
        await uow.file_inquiry(contact.id, draft, "nasional", "normal", clock())
        await uow.commit()
    clock.advance(days=400)
    await say(service.engine, "halo", user_id="baru")

    result = await purge_expired(service.storage, clock(), retention_days=365)

    assert result.contacts == 1
    async with service.storage.sessions() as session:
        users = list(await session.scalars(select(ContactRow.channel_user_id)))
        inquiry = await session.scalar(select(InquiryRow))
    assert users == ["baru"]
    assert inquiry is not None and inquiry.name is None and inquiry.question is None
    assert inquiry.destination == "taiwan"  # the anonymous count stays
    assert await _count(service, MessageRow) > 0  # the recent user's turn is untouched


async def test_old_inbound_ids_are_purged_but_recent_ones_kept(
    service: Service, clock: FakeClock
) -> None:
    await say(service.engine, "halo", user_id="a")
    clock.advance(days=40)
    await say(service.engine, "halo", user_id="a")
    result = await purge_expired(service.storage, clock(), retention_days=365)
    assert result.inbound_ids == 1
    assert await _count(service, ProcessedMessageRow) == 1


async def test_queued_inbound_messages_never_run_are_purged_after_the_retention_period(
    service: Service, clock: FakeClock
) -> None:
    queue = SqlInboundQueue(service.database, clock)
    await queue.store([make_inbound("nomor saya 0812", channel="whatsapp", user_id="628120001")])
    clock.advance(days=400)
    await queue.store([make_inbound("baru", channel="whatsapp", user_id="628120002")])
    await purge_expired(service.storage, clock(), retention_days=365)
    assert (await queue.health()).backlog == 1
