"""The inquiry path as transcripts: intake, routing, officer desk, handover, urgent, consent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.composition import Service
from bot.messages import Outbound
from storage.inquiry_models import (
    CentreRegionRow,
    CentreRow,
    InquiryEventRow,
    InquiryMessageRow,
    InquiryRow,
    OfficerRow,
)
from storage.models import ContactRow, OutboxRow
from storage.outbox import outbound_from_json
from tests.helpers import say

JOGOSIMO = "33.05.05.2001"
KEBUMEN = "33.05"
OFFICER = "tg-officer-1"
OTHER_OFFICER = "tg-officer-2"
FOREIGN_OFFICER = "tg-officer-9"


async def _directory(service: Service) -> None:
    """Create a village centre, its regency office and officers (one at another centre)."""
    now = datetime(2026, 11, 23, tzinfo=UTC)
    async with service.storage.sessions.begin() as session:
        session.add_all(
            [
                CentreRow(
                    id="plm-jogosimo",
                    name="Pusat Layanan Migrasi Jogosimo",
                    kind="village",
                    example=True,
                    updated_at=now,
                ),
                CentreRow(
                    id="disnaker-kebumen",
                    name="Disnaker Kebumen",
                    kind="regency",
                    example=True,
                    updated_at=now,
                ),
                CentreRow(
                    id="plm-lain",
                    name="Pusat Layanan Desa Lain",
                    kind="village",
                    example=True,
                    updated_at=now,
                ),
            ]
        )
        await session.flush()
        session.add_all(
            [
                CentreRegionRow(centre_id="plm-jogosimo", region_code=JOGOSIMO),
                CentreRegionRow(centre_id="disnaker-kebumen", region_code=KEBUMEN),
                OfficerRow(
                    centre_id="plm-jogosimo",
                    name="Bu Sri",
                    channel="telegram",
                    channel_user_id=OFFICER,
                    active=True,
                    created_at=now,
                ),
                OfficerRow(
                    centre_id="plm-jogosimo",
                    name="Pak Budi",
                    channel="telegram",
                    channel_user_id=OTHER_OFFICER,
                    active=True,
                    created_at=now,
                ),
                OfficerRow(
                    centre_id="plm-lain",
                    name="Pak Lain",
                    channel="telegram",
                    channel_user_id=FOREIGN_OFFICER,
                    active=True,
                    created_at=now,
                ),
            ]
        )


async def _outbox_for(service: Service, user_id: str) -> list[Outbound]:
    """Return the messages queued for a user, oldest first."""
    async with service.storage.sessions() as session:
        rows = await session.scalars(
            select(OutboxRow).where(OutboxRow.channel_user_id == user_id).order_by(OutboxRow.id)
        )
        return [outbound_from_json(row.body) for row in rows]


async def _officer(service: Service, text: str, officer: str = OFFICER) -> str:
    from tests.helpers import make_inbound, rendered

    replies = await service.engine.handle(make_inbound(text, user_id=officer, channel="telegram"))
    return rendered(replies)


async def _intake(service: Service, user: str = "warga-1") -> str:
    engine = service.engine
    assert "Apakah Anda setuju" in await say(engine, "petugas", user_id=user)
    assert "Siapa yang bertanya" in await say(engine, "", payload="consent:yes", user_id=user)
    assert "nama Anda" in await say(engine, "", payload="intake:who:family", user_id=user)
    assert "Di desa mana" in await say(engine, "Siti", user_id=user)
    assert "negara" in await say(engine, "ds jogosimo kec klirong kebumen", user_id=user)
    assert "Pekerjaan apa" in await say(engine, "malaysia", user_id=user)
    assert "merekrut" in await say(engine, "", payload="intake:job:PRT / pengasuh", user_id=user)
    assert "uang yang dibayar" in await say(engine, "PT Maju Jaya", user_id=user)
    assert "pertanyaan atau masalah" in await say(engine, "udah bayar 2jtan", user_id=user)
    summary = await say(engine, "anak saya diminta bayar lagi, apakah resmi?", user_id=user)
    assert "Rp2.000.000" in summary and "Jogosimo, Klirong" in summary
    return await say(engine, "", payload="intake:send", user_id=user)


async def test_full_path_from_intake_to_resolution(service: Service) -> None:
    await _directory(service)
    received = await _intake(service)
    assert "MA-00001" in received and "Pusat Layanan Migrasi Jogosimo" in received

    async with service.storage.sessions() as session:
        inquiry = await session.scalar(select(InquiryRow))
    assert (
        inquiry is not None
        and inquiry.centre_id == "plm-jogosimo"
        and inquiry.village_code == JOGOSIMO
    )
    assert inquiry.paid_amount == 2_000_000 and {"biaya", "perekrut"} <= set(inquiry.red_flags)
    assert inquiry.topic is not None  # the question is classified for the village report

    [notice] = await _outbox_for(service, OFFICER)
    assert (
        "Pertanyaan baru" in notice.text
        and "sudah membayar Rp2.000.000" in notice.text
        and "/ambil 1" in notice.text
    )
    assert len(await _outbox_for(service, OTHER_OFFICER)) == 1

    assert "#1" in await _officer(service, "/antrian")
    assert "Anda mengambil" in await _officer(service, "/ambil 1")
    assert "sudah diambil oleh Bu Sri" in await _officer(service, "/ambil 1", OTHER_OFFICER)

    assert "Terkirim" in await _officer(
        service, "/balas 1 Halo Bu, jangan bayar lagi. Datang ke balai desa ya."
    )
    to_user = (await _outbox_for(service, "warga-1"))[-1]
    assert "jangan bayar lagi" in to_user.text and "MA-00001" in to_user.text
    # The user learns who answers: the officer's name and centre.
    assert "Bu Sri, petugas Pusat Layanan Migrasi Jogosimo" in to_user.text

    ack = await say(service.engine, "baik terima kasih, besok saya datang", user_id="warga-1")
    assert "diteruskan ke petugas" in ack
    forwarded = (await _outbox_for(service, OFFICER))[-1]
    assert "besok saya datang" in forwarded.text and "#1" in forwarded.text
    # Acknowledged once: the next message is forwarded silently; the bot does not talk over.
    assert await say(service.engine, "jam berapa bu?", user_id="warga-1") == ""
    assert "jam berapa" in (await _outbox_for(service, OFFICER))[-1].text

    assert "ditutup" in await _officer(service, "/selesai 1 sudah dijelaskan")
    assert "menutup pertanyaan MA-00001" in (await _outbox_for(service, "warga-1"))[-1].text
    async with service.storage.sessions() as session:
        done = await session.get_one(InquiryRow, 1)
        actions = list(
            await session.scalars(select(InquiryEventRow.action).order_by(InquiryEventRow.id))
        )
        thread = list(
            await session.scalars(select(InquiryMessageRow.sender).order_by(InquiryMessageRow.id))
        )
    assert done.status == "resolved" and done.first_response_at is not None
    assert actions == ["created", "claimed", "replied", "resolved"]
    assert thread == ["officer", "user", "user"]


async def test_menu_takes_the_bot_back_from_the_officer(service: Service) -> None:
    await _directory(service)
    await _intake(service)
    await _officer(service, "/balas 1 Halo")
    await say(service.engine, "menu", user_id="warga-1")
    answer = await say(service.engine, "berapa umur minimal jadi pmi", user_id="warga-1")
    assert "Sumber:" in answer


async def test_cross_centre_access_is_refused(service: Service) -> None:
    await _directory(service)
    await _intake(service)
    for command in ("/ambil 1", "/balas 1 halo", "/selesai 1"):
        assert "tidak ada di antrian pusat layanan Anda" in await _officer(
            service, command, FOREIGN_OFFICER
        )
    assert "Tidak ada pertanyaan terbuka" in await _officer(service, "/antrian", FOREIGN_OFFICER)


async def test_non_officer_sending_officer_commands_gets_the_normal_bot(service: Service) -> None:
    answer = await say(service.engine, "/ambil 1", user_id="bukan-petugas")
    assert "belum mengerti" in answer or "belum yakin" in answer or "belum bisa" in answer


async def test_consent_refused_stores_nothing_personal(service: Service) -> None:
    answer = await say(service.engine, "petugas", user_id="warga-2")
    assert "Apakah Anda setuju" in answer
    refused = await say(service.engine, "tidak", user_id="warga-2")
    assert "tidak kami simpan" in refused and "0800-1000" in refused
    assert "Sumber:" in await say(service.engine, "cara cek pt resmi", user_id="warga-2")
    async with service.storage.sessions() as session:
        contact = await session.scalar(
            select(ContactRow).where(ContactRow.channel_user_id == "warga-2")
        )
        assert contact is not None and contact.consent_at is None
        assert await session.scalar(select(InquiryRow)) is None


async def test_urgent_message_files_priority_inquiry_and_notifies_at_once(service: Service) -> None:
    await _directory(service)
    answer = await say(
        service.engine, "tolong saya dikurung majikan tidak boleh keluar", user_id="korban"
    )
    assert "110" in answer and "prioritas" in answer and "Apakah Anda setuju" in answer
    async with service.storage.sessions() as session:
        inquiry = await session.scalar(select(InquiryRow))
    assert inquiry is not None and inquiry.priority == "urgent" and inquiry.centre_id == "nasional"
    # A second cry joins the same inquiry instead of filing another.
    await say(service.engine, "tolong cepat saya dikunci", user_id="korban")
    async with service.storage.sessions() as session:
        assert len(list(await session.scalars(select(InquiryRow)))) == 1


async def test_urgent_then_consent_refused_redacts_the_text(service: Service) -> None:
    await say(service.engine, "tolong saya disekap di kamboja", user_id="korban-2")
    await say(service.engine, "", payload="consent:no", user_id="korban-2")
    async with service.storage.sessions() as session:
        inquiry = await session.scalar(select(InquiryRow))
    assert inquiry is not None and inquiry.question is None and inquiry.contact_id is not None


async def test_erasing_data_keeps_anonymous_inquiry(service: Service) -> None:
    await _directory(service)
    await _intake(service)
    await say(service.engine, "/hapus", user_id="warga-1")
    await say(service.engine, "", payload="hapus:ya", user_id="warga-1")
    async with service.storage.sessions() as session:
        inquiry = await session.get_one(InquiryRow, 1)
    assert inquiry.contact_id is None and inquiry.name is None and inquiry.question is None
    assert inquiry.destination == "malaysia" and inquiry.centre_id == "plm-jogosimo"


@pytest.mark.parametrize("word", ["batal", "BATAL"])
async def test_intake_can_be_cancelled_and_resumed(service: Service, word: str) -> None:
    engine = service.engine
    await say(engine, "petugas", user_id="u")
    await say(engine, "", payload="consent:yes", user_id="u")
    await say(engine, "", payload="intake:who:migrant", user_id="u")
    await say(engine, "menu", user_id="u")  # leaves mid-way
    resumed = await say(engine, "petugas", user_id="u")
    assert "lanjutkan" in resumed.lower() and "nama Anda" in resumed
    assert "dibatalkan" in await say(engine, word, user_id="u")


async def test_intake_skip_and_edit(service: Service) -> None:
    engine = service.engine
    await say(engine, "petugas", user_id="e")
    await say(engine, "", payload="consent:yes", user_id="e")
    for _ in range(8):
        answer = await say(engine, "lewati", user_id="e")
    assert "Mohon periksa" in answer
    assert "Bagian mana" in await say(engine, "ubah", user_id="e")
    assert "nama Anda" in await say(engine, "", payload="intake:goto:name", user_id="e")
    summary = await say(engine, "Wati", user_id="e")
    assert "Mohon periksa" in summary and "Nama: Wati" in summary


async def test_a_question_while_consent_is_pending_is_still_answered(service: Service) -> None:
    await say(service.engine, "petugas", user_id="q")
    answer = await say(service.engine, "berapa umur minimal jadi pmi", user_id="q")
    assert "Sumber:" in answer
    # The answer closes the open consent question; asking for an officer asks again.
    assert "Apakah Anda setuju" in await say(service.engine, "petugas", user_id="q")
