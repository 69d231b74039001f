"""Desk roles and case tools: supervisors and administrators, notes, handover, outcomes, saved
replies, the audit trail, delivery state, and the user's "who saw my case"."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.composition import Service
from bot.inquiries import InquiryDraft
from bot.web.desk_auth import code_hash
from storage.inquiry_models import (
    CentreRegionRow,
    CentreRow,
    InquiryEventRow,
    InquiryNoteRow,
    InquiryRow,
    OfficerRow,
    SavedReplyRow,
)
from storage.models import OutboxReceiptRow, OutboxRow
from tests.helpers import FakeClock, say
from tests.webapp import DESK_NOW, SAME_ORIGIN, desk_setup, desk_token, running_app


async def scoped_setup(service: Service) -> None:
    """plm-a in Kebumen (33.05), plm-b in Wonosobo (33.07), a Kebumen regency office with a
    supervisor (code "kode-sup") and an administrator at plm-b (code "kode-adm").
    Case #1 is plm-a's (from "warga"), case #2 plm-b's."""
    await desk_setup(service)
    async with service.storage.sessions.begin() as session:
        session.add(
            CentreRow(id="dinas-kebumen", name="Disnaker Kebumen", kind="regency", example=True,
                      updated_at=DESK_NOW)
        )  # fmt: skip
        await session.flush()
        session.add_all(
            [
                CentreRegionRow(centre_id="plm-a", region_code="33.05.05.2001"),
                CentreRegionRow(centre_id="plm-b", region_code="33.07.05.2007"),
                CentreRegionRow(centre_id="dinas-kebumen", region_code="33.05"),
                OfficerRow(centre_id="dinas-kebumen", name="Pak Kepala", channel="telegram",
                           channel_user_id="33", active=True, created_at=DESK_NOW,
                           dashboard_code_hash=code_hash("kode-sup"), role="supervisor"),
                OfficerRow(centre_id="plm-b", name="Bu Admin", channel="telegram",
                           channel_user_id="44", active=True, created_at=DESK_NOW,
                           dashboard_code_hash=code_hash("kode-adm"), role="admin"),
            ]
        )  # fmt: skip
    async with service.storage.unit_of_work() as uow:
        draft = InquiryDraft(question="kerja ke Jepang lewat mana?", destination="Jepang")
        await uow.file_inquiry(None, draft, "plm-b", "normal", DESK_NOW)
        await uow.commit()


def _references(page: str) -> list[str]:
    return re.findall(r'<h2 id="q\d+"><a href="/petugas/kasus/\d+">(MA-\d{5})</a>', page)


async def _case_post(app, number: int, action: str, form: dict[str, str]):  # type: ignore[no-untyped-def]
    """POST a case form with the signed-in page's CSRF token, not following the redirect."""
    token = desk_token((await app.client.get("/petugas")).text)
    return await app.client.post(
        f"/petugas/kasus/{number}/{action}", data={"csrf": token, **form}, headers=SAME_ORIGIN
    )


async def test_a_supervisor_sees_and_acts_on_their_regency_only(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-sup")
        page = (await app.client.get("/petugas")).text
        assert _references(page) == ["MA-00001"]
        assert "Pusat A · belum diambil" in page  # the case's centre is named
        assert (await app.client.get("/petugas/kasus/1")).status_code == 200
        assert (await app.client.get("/petugas/kasus/2")).status_code == 404
        assert "Tinjau pertanyaan" in page
        claimed = await app.desk_post("/petugas/aksi", {"id": "1", "action": "ambil"})
        assert claimed.status_code == 303
        refused = await app.desk_post("/petugas/aksi", {"id": "2", "action": "ambil"}, follow=True)
        assert "tidak ada di antrian" in refused.text
    async with service.storage.sessions() as session:
        assert (await session.get_one(InquiryRow, 1)).claimed_by == 3
        assert (await session.get_one(InquiryRow, 2)).status == "open"


async def test_an_administrator_sees_every_centre_and_an_officer_only_their_own(
    service: Service,
) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-adm")
        assert _references((await app.client.get("/petugas")).text) == ["MA-00001", "MA-00002"]
        assert (await app.client.get("/petugas/kasus/1")).status_code == 200
        app.client.cookies.clear()
        await app.desk_sign_in("kode-a")
        page = (await app.client.get("/petugas")).text
        assert _references(page) == ["MA-00001"] and "Tinjau pertanyaan" not in page


async def test_another_centres_officer_gets_404_on_every_case_route(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-b")
        assert (await app.client.get("/petugas/kasus/1")).status_code == 404
        assert (await app.client.get("/petugas/kasus/1?templat=1")).status_code == 404
        note = await _case_post(app, 1, "catatan", {"text": "rahasia"})
        handover = await _case_post(app, 1, "serahkan", {"pusat": "plm-b", "petugas": ""})
        for response in (note, handover):
            assert response.status_code == 404 and "tidak ditemukan" in response.text
        closed = await app.desk_post(
            "/petugas/aksi",
            {"id": "1", "action": "selesai", "outcome": "informed", "ke": "kasus"},
        )
        assert closed.status_code == 303
    async with service.storage.sessions() as session:
        case = await session.get_one(InquiryRow, 1)
        assert (case.centre_id, case.status, case.outcome) == ("plm-a", "open", None)
        assert list(await session.scalars(select(InquiryNoteRow))) == []


async def test_case_routes_refuse_a_post_without_the_csrf_token(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        for path in ("/petugas/kasus/1/catatan", "/petugas/kasus/1/serahkan", "/petugas/balasan"):
            response = await app.client.post(
                path, data={"text": "x", "title": "x", "pusat": "plm-a"}, headers=SAME_ORIGIN
            )
            assert response.status_code == 403
    async with service.storage.sessions() as session:
        assert list(await session.scalars(select(InquiryNoteRow))) == []
        assert list(await session.scalars(select(SavedReplyRow))) == []


async def test_an_internal_note_is_kept_and_never_sent_to_the_user(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        saved = await _case_post(app, 1, "catatan", {"text": "Sudah telepon kades"})
        assert saved.status_code == 303
        page = (await app.client.get("/petugas/kasus/1")).text
        notes = page[page.index('<ol class="notes">') :]
        assert "Bu Sri" in notes and "Sudah telepon kades" in notes
        trail = page[page.index('<ol class="trail">') :]
        assert "Menambah catatan internal" in trail and "Membuka data kasus" in trail
    async with service.storage.sessions() as session:
        bodies = [row.body["text"] for row in await session.scalars(select(OutboxRow))]
        actions = list(await session.scalars(select(InquiryEventRow.action)))
        details = list(await session.scalars(select(InquiryEventRow.detail)))
    assert not any("telepon kades" in body for body in bodies)
    assert "noted" in actions and not any("kades" in str(detail) for detail in details)


async def test_handover_stays_within_the_scope(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        outside = await _case_post(app, 1, "serahkan", {"pusat": "plm-b", "petugas": ""})
        assert outside.status_code == 303
        app.client.cookies.clear()
        await app.desk_sign_in("kode-sup")
        # The supervisor's scope holds plm-a and the regency office, not plm-b.
        wrong_person = await _case_post(
            app, 1, "serahkan", {"pusat": "plm-a", "petugas": "2"}
        )  # Pak Budi is plm-b's
        assert wrong_person.status_code == 303
        async with service.storage.sessions() as session:
            assert (await session.get_one(InquiryRow, 1)).centre_id == "plm-a"
        moved = await _case_post(app, 1, "serahkan", {"pusat": "dinas-kebumen", "petugas": "3"})
        assert moved.status_code == 303
        page = (await app.client.get("/petugas/kasus/1")).text
        assert "Menyerahkan kasus → Disnaker Kebumen" in page and "diambil Pak Kepala" in page
        app.client.cookies.clear()
        await app.desk_sign_in("kode-a")
        assert (await app.client.get("/petugas/kasus/1")).status_code == 404
    async with service.storage.sessions() as session:
        case = await session.get_one(InquiryRow, 1)
        assert (case.centre_id, case.status, case.claimed_by) == ("dinas-kebumen", "claimed", 3)


async def test_only_the_holder_or_a_supervisor_hands_over_a_taken_case(service: Service) -> None:
    await scoped_setup(service)
    async with service.storage.sessions.begin() as session:
        session.add(
            OfficerRow(centre_id="plm-a", name="Pak Joko", channel="telegram",
                       channel_user_id="55", active=True, created_at=DESK_NOW,
                       dashboard_code_hash=code_hash("kode-a2"))
        )  # fmt: skip
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        await app.desk_post("/petugas/aksi", {"id": "1", "action": "ambil"})
        app.client.cookies.clear()
        await app.desk_sign_in("kode-a2")
        await _case_post(app, 1, "serahkan", {"pusat": "plm-a", "petugas": "5"})
        page = (await app.client.get("/petugas/kasus/1?pesan=x")).text
        assert "diambil Bu Sri" in page
        refused = await _case_post(app, 1, "serahkan", {"pusat": "plm-a", "petugas": "5"})
        assert "dipegang%20petugas%20lain" in refused.headers["location"]
        app.client.cookies.clear()
        await app.desk_sign_in("kode-a")
        await _case_post(app, 1, "serahkan", {"pusat": "plm-a", "petugas": "5"})
    async with service.storage.sessions() as session:
        assert (await session.get_one(InquiryRow, 1)).claimed_by == 5


async def test_resolving_stores_the_outcome(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        bad = await app.desk_post(
            "/petugas/aksi",
            {"id": "1", "action": "selesai", "outcome": "dibuang", "ke": "kasus"},
            follow=True,
        )
        assert "Pilih hasil dari daftar" in bad.text
        done = await app.desk_post(
            "/petugas/aksi",
            {"id": "1", "action": "selesai", "outcome": "referred_ltsa", "ke": "kasus"},
            follow=True,
        )
        assert "Hasil: Dirujuk ke LTSA" in done.text
    async with service.storage.sessions() as session:
        case = await session.get_one(InquiryRow, 1)
        assert (case.status, case.outcome) == ("resolved", "referred_ltsa")


async def test_saved_replies_are_per_centre_and_prefill_the_reply_box(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-b")
        await app.desk_post("/petugas/balasan", {"title": "Milik B", "text": "Teks pusat B"})
        app.client.cookies.clear()
        await app.desk_sign_in("kode-a")
        added = await app.desk_post(
            "/petugas/balasan",
            {"title": "Biaya resmi", "text": "Biaya resmi ada di situs BP2MI.", "ke": "1"},
            follow=True,
        )
        assert added.url.path == "/petugas/kasus/1" and "Biaya resmi</option>" in added.text
        assert "Milik B" not in added.text
        async with service.storage.sessions() as session:
            ids = {row.title: row.id for row in await session.scalars(select(SavedReplyRow))}
        page = (await app.client.get(f"/petugas/kasus/1?templat={ids['Biaya resmi']}")).text
        assert "Biaya resmi ada di situs BP2MI.</textarea>" in page
        other = (await app.client.get(f"/petugas/kasus/1?templat={ids['Milik B']}")).text
        assert "Teks pusat B" not in other


async def test_each_officer_reply_shows_its_delivery_state(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        await app.desk_post("/petugas/aksi", {"id": "1", "action": "balas", "text": "Halo Bu"})
        page = (await app.client.get("/petugas/kasus/1")).text
        assert '<span class="delivery waiting">menunggu dikirim</span>' in page
        async with service.storage.sessions.begin() as session:
            row = await session.scalar(
                select(OutboxRow).where(OutboxRow.body["text"].as_string().contains("Halo Bu"))
            )
            assert row is not None
            row.status = "sent"
            session.add(
                OutboxReceiptRow(
                    platform_message_id="wamid.1", outbox_id=row.id, status="accepted",
                    updated_at=DESK_NOW,
                )
            )  # fmt: skip
        assert "delivery sent" in (await app.client.get("/petugas/kasus/1")).text
        async with service.storage.sessions.begin() as session:
            (await session.get_one(OutboxReceiptRow, "wamid.1")).status = "delivered"
        assert "delivery delivered" in (await app.client.get("/petugas/kasus/1")).text
        async with service.storage.sessions.begin() as session:
            (await session.get_one(OutboxReceiptRow, "wamid.1")).status = "failed"
        assert "GAGAL terkirim" in (await app.client.get("/petugas/kasus/1")).text


async def test_the_user_sees_who_opened_their_case(service: Service, clock: FakeClock) -> None:
    await scoped_setup(service)
    clock.now = DESK_NOW + timedelta(hours=2)  # 09.00 WIB
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        await app.client.get("/petugas/kasus/1")
        app.client.cookies.clear()
        await app.desk_sign_in("kode-b")
        await app.client.get("/petugas/kasus/1")  # refused: not a view
    shown = await say(service.engine, "/dataku", user_id="warga")
    assert "Petugas yang membuka data kasus Anda:" in shown
    assert "- MA-00001: Bu Sri, Pusat A, 23 Nov 2026 09.00 WIB" in shown
    assert "Pak Budi" not in shown


async def test_the_polled_queue_holds_only_numbers_of_the_own_scope(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        assert (await app.client.get("/petugas/antrian.json")).status_code == 401
        await app.desk_sign_in("kode-b")
        own = await app.client.get("/petugas/antrian.json")
        assert own.json() == {"cases": [{"id": 2, "urgent": False}]}
        app.client.cookies.clear()
        await app.desk_sign_in("kode-sup")
        assert (await app.client.get("/petugas/antrian.json")).json() == {
            "cases": [{"id": 1, "urgent": False}]
        }
        page = (await app.client.get("/petugas", params={"status": "selesai"})).text
        assert 'data-known="1"' in page  # every active case is known, whatever the filter
        assert '<script src="/static/desk.js" defer></script>' in page
