"""The officers' web dashboard: sign-in by access code, the own centre's queue, actions."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.composition import Service
from bot.inquiries import InquiryDraft
from bot.web.dashboard import code_hash
from storage.inquiry_models import CentreRow, InquiryRow, OfficerRow
from storage.models import OutboxRow
from tests.helpers import say
from tests.webapp import running_app

NOW = datetime(2026, 11, 23, tzinfo=UTC)


async def _setup(service: Service) -> None:
    """Two centres, one officer each, with access codes; one inquiry at the first centre."""
    async with service.storage.sessions.begin() as session:
        session.add_all(
            [
                CentreRow(id="plm-a", name="Pusat A", kind="village", example=True, updated_at=NOW),
                CentreRow(id="plm-b", name="Pusat B", kind="village", example=True, updated_at=NOW),
            ]
        )
        await session.flush()
        session.add_all(
            [
                OfficerRow(
                    centre_id="plm-a",
                    name="Bu Sri",
                    channel="telegram",
                    channel_user_id="11",
                    active=True,
                    created_at=NOW,
                    dashboard_code_hash=code_hash("kode-a"),
                ),
                OfficerRow(
                    centre_id="plm-b",
                    name="Pak Budi",
                    channel="telegram",
                    channel_user_id="22",
                    active=True,
                    created_at=NOW,
                    dashboard_code_hash=code_hash("kode-b"),
                ),
            ]
        )
    await say(service.engine, "halo", user_id="warga")
    async with service.storage.unit_of_work() as uow:
        contact = await uow.contact_for("console", "warga", "id")
        draft = InquiryDraft(question="<b>boleh bayar 30 juta?</b>", destination="Taiwan")
        await uow.file_inquiry(contact.id, draft, "plm-a", "normal", NOW)
        await uow.commit()


async def test_sign_in_shows_only_the_own_centres_queue(service: Service) -> None:
    await _setup(service)
    async with running_app(service) as app:
        assert "Kode akses" in (await app.client.get("/petugas")).text
        wrong = await app.client.post("/petugas/masuk", content="code=salah")
        assert "Kode akses salah" in wrong.text
        await app.client.post("/petugas/masuk", content="code=kode-a")
        page = (await app.client.get("/petugas")).text
        assert "Pusat A" in page and "#1" in page
        assert "&lt;b&gt;boleh bayar 30 juta?&lt;/b&gt;" in page  # user text is escaped
        app.client.cookies.clear()
        await app.client.post("/petugas/masuk", content="code=kode-b")
        other = (await app.client.get("/petugas")).text
        assert "Tidak ada pertanyaan terbuka" in other and "30 juta" not in other


async def test_reply_from_the_dashboard_reaches_the_user(service: Service) -> None:
    await _setup(service)
    async with running_app(service) as app:
        await app.client.post("/petugas/masuk", content="code=kode-a")
        answer = await app.client.post(
            "/petugas/aksi",
            content="id=1&action=balas&text=Jangan+bayar+dulu",
            follow_redirects=True,
        )
        assert "Terkirim ke pengguna" in answer.text
        page = (await app.client.get("/petugas")).text
        assert "Jangan bayar dulu" in page and "diambil Bu Sri" in page
    async with service.storage.sessions() as session:
        inquiry = await session.get_one(InquiryRow, 1)
        queued = list(
            await session.scalars(select(OutboxRow).where(OutboxRow.channel_user_id == "warga"))
        )
    assert inquiry.status == "claimed" and inquiry.first_response_at is not None
    assert any("Jangan bayar dulu" in row.body["text"] for row in queued)


async def test_other_centres_officer_cannot_act(service: Service) -> None:
    await _setup(service)
    async with running_app(service) as app:
        await app.client.post("/petugas/masuk", content="code=kode-b")
        answer = await app.client.post(
            "/petugas/aksi", content="id=1&action=ambil", follow_redirects=True
        )
        assert "tidak ada di antrian" in answer.text
    async with service.storage.sessions() as session:
        assert (await session.get_one(InquiryRow, 1)).status == "open"


async def test_actions_need_a_signed_in_officer(service: Service) -> None:
    await _setup(service)
    async with running_app(service) as app:
        response = await app.client.post("/petugas/aksi", content="id=1&action=ambil")
        assert response.status_code == 303
    async with service.storage.sessions() as session:
        assert (await session.get_one(InquiryRow, 1)).status == "open"
