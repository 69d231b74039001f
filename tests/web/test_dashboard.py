"""The officers' web dashboard: sign-in by access code, the own centre's queue, actions."""

from __future__ import annotations

from sqlalchemy import select

from bot.composition import Service
from storage.inquiry_models import InquiryRow
from storage.models import OutboxRow
from tests.webapp import SAME_ORIGIN, desk_setup, running_app


async def test_sign_in_shows_only_the_own_centres_queue(service: Service) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        assert "Kode akses" in (await app.client.get("/petugas")).text
        wrong = await app.desk_sign_in("salah")
        assert "Kode akses, nomor petugas atau kata sandi salah" in wrong.text
        await app.desk_sign_in("kode-a")
        page = (await app.client.get("/petugas")).text
        assert "Pusat A" in page and "#1" in page
        assert "&lt;b&gt;boleh bayar 30 juta?&lt;/b&gt;" in page  # user text is escaped
        app.client.cookies.clear()
        await app.desk_sign_in("kode-b")
        other = (await app.client.get("/petugas")).text
        assert "Tidak ada pertanyaan terbuka" in other and "30 juta" not in other


async def test_reply_from_the_dashboard_reaches_the_user(service: Service) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        answer = await app.desk_post(
            "/petugas/aksi",
            {"id": "1", "action": "balas", "text": "Jangan bayar dulu"},
            follow=True,
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
    await desk_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-b")
        answer = await app.desk_post("/petugas/aksi", {"id": "1", "action": "ambil"}, follow=True)
        assert "tidak ada di antrian" in answer.text
    async with service.storage.sessions() as session:
        assert (await session.get_one(InquiryRow, 1)).status == "open"


async def test_actions_need_a_signed_in_officer(service: Service) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        response = await app.client.post(
            "/petugas/aksi", data={"id": "1", "action": "ambil"}, headers=SAME_ORIGIN
        )
        assert response.status_code == 403 and "Sesi Anda sudah berakhir" in response.text
    async with service.storage.sessions() as session:
        assert (await session.get_one(InquiryRow, 1)).status == "open"
