"""Erasure that erases: after /hapus or purge no table holds the user's number, name or words."""

from __future__ import annotations

import json

from sqlalchemy import JSON, String, Text, select

from bot.composition import Service
from bot.messages import Channel
from storage.inquiry_models import InquiryRow
from storage.models import Base
from storage.retention import purge_expired
from tests.handlers.test_inquiry_path import OFFICER, _directory
from tests.helpers import FakeClock, make_inbound, rendered

PHONE = "6281277755501"
# What the user typed or is: none of it may survive in any column of any table.
PERSONAL = [
    PHONE,
    "Sulastri",
    "Wulandari",
    "Brunei",
    "tukang las",
    "Maju Jaya Abadi",
    "Pak Darmo",
    "balai desa Jogosimo",
    "klirong",
    "Gang Melati",
    "6285700011122",
    "Sumirah",
]
QUESTION = "Pak Darmo minta uang lagi untuk visa, apakah resmi?"


async def _user(service: Service, text: str = "", payload: str | None = None) -> str:
    inbound = make_inbound(text, user_id=PHONE, channel=Channel.WHATSAPP, payload=payload)
    return rendered(await service.engine.handle(inbound))


async def _officer(service: Service, text: str) -> str:
    inbound = make_inbound(text, user_id=OFFICER, channel=Channel.TELEGRAM)
    return rendered(await service.engine.handle(inbound))


async def _deliver_everything(service: Service) -> None:
    """Play the platforms: every queued message is accepted, with a receipt."""
    for _ in range(20):
        items = await service.outbox.claim(["whatsapp", "telegram"])
        if not items:
            return
        for item in items:
            receipt = f"wamid.{item.recipient.user_id}.{item.id}"
            await service.outbox.record_part(item.id, 1, [receipt])
            await service.outbox.mark_sent(item.id, [receipt])


async def _a_whole_case(service: Service) -> None:
    """Intake with free-typed answers, an officer's thread and a resolution note, all sent."""
    await _directory(service)
    await _user(service, "petugas")
    await _user(service, payload="consent:yes")
    await _user(service, payload="intake:who:migrant")
    await _user(service, "Sulastri Wulandari")
    await _user(service, "ds jogosimo kec klirong kebumen")
    await _user(service, "Brunei")
    await _user(service, "tukang las kapal")
    await _user(service, "PT Maju Jaya Abadi")
    await _user(service, "udah bayar 7jt")
    summary = await _user(service, QUESTION)
    assert "Sulastri" in summary
    assert "MA-00001" in await _user(service, payload="intake:send")
    assert "Anda mengambil" in await _officer(service, "/ambil 1")
    await _officer(service, "/balas 1 Halo Bu Sulastri, jangan bayar lagi ke Pak Darmo")
    await _user(service, "baik terima kasih, besok saya ke balai desa Jogosimo")
    await _officer(service, "/selesai 1 Sulastri sudah dijelaskan soal Pak Darmo")
    async with service.storage.unit_of_work() as uow:
        # What an urgent case adds (where they are, another number) and the review queue's
        # copy of a message the bot was not sure about.
        changes = {"location": "Gang Melati dekat masjid", "reach_number": "6285700011122"}
        await uow.update_case(1, changes, service.storage.clock())
        inquiry = await uow.session.get_one(InquiryRow, 1)
        inquiry.paid_note = "DP Rp5.000.000 lewat Bu Sumirah"
        officer = await uow.officer_for("telegram", OFFICER)
        assert officer is not None
        await uow.add_note(1, officer, "Sulastri takut pada Pak Darmo", service.storage.clock())
        await uow.record_review("not_sure", QUESTION, True, {}, service.storage.clock())
        await uow.commit()
    await _deliver_everything(service)
    assert await _hits(service), "the case should have stored personal data to erase"


async def _hits(service: Service) -> list[str]:
    """Return table.column: text for every stored value quoting the user."""
    found = []
    async with service.storage.sessions() as session:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            for row in (await session.execute(select(*columns))).all():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    text = (
                        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                    )
                    for needle in PERSONAL:
                        if needle.lower() in text.lower():
                            found.append(f"{table.name}.{column.name}: {needle}")
    return found


async def _inquiry(service: Service) -> InquiryRow:
    async with service.storage.sessions() as session:
        return await session.get_one(InquiryRow, 1)


async def test_hapus_leaves_no_number_name_or_words_in_any_table(service: Service) -> None:
    await _a_whole_case(service)
    await _user(service, "/hapus")
    assert "sudah dihapus" in await _user(service, payload="hapus:ya")
    goodbye = await service.outbox.rows()
    assert any(row.channel_user_id == PHONE for row in goodbye)  # the goodbye still goes out
    await _deliver_everything(service)
    assert await _hits(service) == []
    inquiry = await _inquiry(service)
    # What the village report counts stays.
    assert inquiry.centre_id == "plm-jogosimo"
    assert inquiry.red_flags
    assert inquiry.paid_amount is None
    assert inquiry.destination is None  # typed, not a menu choice
    assert inquiry.resolution_note is None


async def test_purge_leaves_no_number_name_or_words_in_any_table(
    service: Service, clock: FakeClock
) -> None:
    await _a_whole_case(service)
    clock.advance(days=366)
    result = await purge_expired(service.storage, clock.now, retention_days=365)
    assert result.contacts >= 1
    assert await _hits(service) == []
    assert (await _inquiry(service)).red_flags


async def test_purge_strips_old_resolved_cases_of_a_contact_who_still_writes(
    service: Service, clock: FakeClock
) -> None:
    await _a_whole_case(service)
    clock.advance(days=366)
    await _user(service, "halo")  # still active: the contact is kept
    await purge_expired(service.storage, clock.now, retention_days=365)
    inquiry = await _inquiry(service)
    assert inquiry.name is None
    assert inquiry.question is None
    assert inquiry.resolution_note is None
    assert inquiry.contact_id is not None
    assert await _hits(service) != []  # the contact itself is kept
    async with service.storage.sessions() as session:
        from storage.inquiry_models import InquiryNoteRow

        assert (await session.scalars(select(InquiryNoteRow))).all() == []


async def test_hapus_in_the_web_chat_removes_the_kept_answers(service: Service) -> None:
    from sqlalchemy import func

    from storage.erasure import owner_key
    from storage.models import WebReplyRow
    from tests.webapp import running_app

    user = "w-erase-browser-1"
    async with running_app(service) as app:
        for number, text in enumerate(["halo", "cara cek pt resmi", "/hapus", "ya"]):
            body = {"user_id": user, "message_id": str(number), "text": text}
            assert (await app.client.post("/api/chat", json=body)).status_code == 200
    async with service.storage.sessions() as session:
        kept = await session.scalar(
            select(func.count())
            .select_from(WebReplyRow)
            .where(WebReplyRow.owner == owner_key("web", user))
        )
    assert kept == 1  # only the goodbye, which quotes nothing
