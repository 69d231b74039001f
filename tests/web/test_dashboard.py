"""The officers' web desk: the own centre's queue, the case page, claim, reply and close."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import select

from bot.composition import Service
from bot.inquiries import InquiryDraft
from storage.inquiry_models import InquiryEventRow, InquiryRow
from storage.models import OutboxRow
from tests.helpers import FakeClock, say
from tests.webapp import DESK_NOW, SAME_ORIGIN, desk_setup, running_app


async def _file(
    service: Service, centre: str, priority: str, at_hours: float, **fields: object
) -> int:
    """File one more inquiry for the "warga" contact; return its number."""
    async with service.storage.unit_of_work() as uow:
        contact = await uow.contact_for("console", "warga", "id")
        draft = InquiryDraft(**fields)  # type: ignore[arg-type]
        filed = await uow.file_inquiry(
            contact.id, draft, centre, priority, DESK_NOW + timedelta(hours=at_hours)
        )
        await uow.commit()
    return filed.id


def _references(page: str) -> list[str]:
    return re.findall(r'<h2 id="q\d+"><a href="/petugas/kasus/\d+">(MA-\d{5})</a>', page)


async def test_sign_in_shows_only_the_own_centres_queue(service: Service) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        assert "Kode akses" in (await app.client.get("/petugas")).text
        wrong = await app.desk_sign_in("salah")
        assert "Kode akses, nomor petugas atau kata sandi salah" in wrong.text
        await app.desk_sign_in("kode-a")
        page = (await app.client.get("/petugas")).text
        assert "Pusat A" in page and _references(page) == ["MA-00001"]
        assert "30 juta" not in page  # personal data only on the (audited) case page
        case = (await app.client.get("/petugas/kasus/1")).text
        assert "&lt;b&gt;boleh bayar 30 juta?&lt;/b&gt;" in case  # user text is escaped
        assert "Taiwan" in case
        app.client.cookies.clear()
        await app.desk_sign_in("kode-b")
        other = (await app.client.get("/petugas")).text
        assert "Tidak ada pertanyaan terbuka" in other and "MA-00001" not in other


async def test_another_centres_case_is_not_found_by_url_or_search(service: Service) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-b")
        for path in ("/petugas/kasus/1", "/petugas/kasus/01", "/petugas/kasus/999"):
            response = await app.client.get(path)
            assert response.status_code == 404 and "30 juta" not in response.text
            assert "Kasus tidak ditemukan di pusat layanan Anda" in response.text
        for search in ("MA-00001", "1"):
            found = await app.client.get("/petugas", params={"cari": search, "status": "semua"})
            assert _references(found.text) == []
    async with service.storage.sessions() as session:
        actions = list(await session.scalars(select(InquiryEventRow.action)))
    assert "viewed" not in actions


async def test_reply_from_the_case_page_reaches_the_user(service: Service) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        answer = await app.desk_post(
            "/petugas/aksi",
            {"id": "1", "action": "balas", "text": "Jangan bayar dulu", "ke": "kasus"},
            follow=True,
        )
        assert answer.url.path == "/petugas/kasus/1"
        assert "Terkirim ke pengguna" in answer.text
        assert "Jangan bayar dulu" in answer.text and "diambil Bu Sri" in answer.text
        assert '<li class="officer"><p class="meta">Petugas Bu Sri' in answer.text
    async with service.storage.sessions() as session:
        inquiry = await session.get_one(InquiryRow, 1)
        queued = list(
            await session.scalars(select(OutboxRow).where(OutboxRow.channel_user_id == "warga"))
        )
    assert inquiry.status == "claimed" and inquiry.first_response_at is not None
    assert any("Jangan bayar dulu" in row.body["text"] for row in queued)


async def test_resolving_from_the_case_page_closes_it_and_leaves_the_queue(
    service: Service,
) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        await app.desk_post("/petugas/aksi", {"id": "1", "action": "ambil", "ke": "kasus"})
        closed = await app.desk_post(
            "/petugas/aksi",
            {"id": "1", "action": "selesai", "text": "Sudah dijelaskan", "ke": "kasus"},
            follow=True,
        )
        assert "selesai" in closed.text and "Kirim balasan" not in closed.text
        assert _references((await app.client.get("/petugas")).text) == []
        done = await app.client.get("/petugas", params={"status": "selesai"})
        assert _references(done.text) == ["MA-00001"] and "Ambil</button>" not in done.text
    async with service.storage.sessions() as session:
        assert (await session.get_one(InquiryRow, 1)).resolution_note == "Sudah dijelaskan"


async def test_the_case_page_shows_the_whole_conversation(service: Service) -> None:
    await desk_setup(service)
    async with service.storage.unit_of_work() as uow:
        contact = await uow.contact_for("console", "warga", "id")
        await uow.set_consent(contact.id, DESK_NOW)
        await uow.commit()
    await say(service.engine, "berapa biaya resmi kerja ke Taiwan", user_id="warga")
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        await app.desk_post("/petugas/aksi", {"id": "1", "action": "balas", "text": "Halo Bu"})
        page = (await app.client.get("/petugas/kasus/1")).text
    thread = page[page.index('<ol class="thread">') :]
    user = thread.index("berapa biaya resmi kerja ke Taiwan")
    bot = thread.index('<li class="bot">')
    officer = thread.index("Halo Bu")
    assert user < bot < officer
    assert "WIB" in thread


async def test_viewing_a_case_is_audit_logged(service: Service) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        await app.client.get("/petugas/kasus/1")
    async with service.storage.sessions() as session:
        events = list(await session.execute(select(InquiryEventRow.actor, InquiryEventRow.action)))
    assert ("officer:1", "viewed") in [tuple(event) for event in events]


async def test_queue_is_urgent_first_then_by_deadline_with_overdue_marked(
    service: Service, clock: FakeClock
) -> None:
    await desk_setup(service)  # #1: normal, filed at 00:00, deadline the next day
    late = await _file(service, "plm-a", "normal", -30)  # #2: deadline long passed
    urgent = await _file(service, "plm-a", "urgent", 7.9)  # #3: urgent, re-notify at 08:09
    await _file(service, "plm-b", "urgent", 7)  # #4: another centre's
    clock.now = DESK_NOW + timedelta(hours=8)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        page = (await app.client.get("/petugas")).text
        assert _references(page) == [f"MA-{urgent:05d}", f"MA-{late:05d}", "MA-00001"]
        overdue = re.findall(r'<article class="([a-z ]*)" aria-labelledby="q(\d+)"', page)
        assert {int(number): classes for classes, number in overdue} == {
            urgent: "urgent",
            late: "overdue",
            1: "",
        }
        assert page.count("TERLAMBAT") == 1
        urgent_only = await app.client.get("/petugas", params={"prioritas": "mendesak"})
        assert _references(urgent_only.text) == [f"MA-{urgent:05d}"]
        await app.desk_post("/petugas/aksi", {"id": str(late), "action": "ambil"})
        claimed = await app.client.get("/petugas", params={"status": "diambil"})
        assert _references(claimed.text) == [f"MA-{late:05d}"]
        assert "Ambil</button>" not in claimed.text  # a taken case offers no stale "Ambil"
        fresh = await app.client.get("/petugas", params={"status": "baru"})
        assert _references(fresh.text) == [f"MA-{urgent:05d}", "MA-00001"]
        found = await app.client.get("/petugas", params={"cari": f"ma-{late:05d}"})
        assert _references(found.text) == [f"MA-{late:05d}"]
        nothing = await app.client.get("/petugas", params={"cari": "tidak ada"})
        assert _references(nothing.text) == []


async def test_red_flags_are_shown_in_plain_words(service: Service) -> None:
    await desk_setup(service)
    number = await _file(
        service, "plm-a", "urgent", 7, question="tolong", red_flags=["bahaya", "confinement"]
    )
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        queue = (await app.client.get("/petugas")).text
        # The filter form's option values are codes; what the officer reads is the queue.
        for page in (
            queue[queue.index('<section id="antrian"') :],
            (await app.client.get(f"/petugas/kasus/{number}")).text,
        ):
            assert "DALAM BAHAYA, dikurung atau tidak boleh keluar" in page
            assert "confinement" not in page and "bahaya," not in page
        case = (await app.client.get(f"/petugas/kasus/{number}")).text
        assert "Nama</dt>" not in case  # empty intake fields are left out, not shown as "-"


async def test_other_centres_officer_cannot_act(service: Service) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-b")
        for action, text in (("ambil", ""), ("balas", "halo"), ("selesai", "tutup")):
            form = {"id": "1", "action": action, "text": text}
            answer = await app.desk_post("/petugas/aksi", form, follow=True)
            assert "tidak ada di antrian" in answer.text
    async with service.storage.sessions() as session:
        assert (await session.get_one(InquiryRow, 1)).status == "open"
        queued = list(
            await session.scalars(select(OutboxRow).where(OutboxRow.channel_user_id == "warga"))
        )
    assert not any(row.body["text"] == "halo" for row in queued)


async def test_actions_need_a_signed_in_officer(service: Service) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        response = await app.client.post(
            "/petugas/aksi", data={"id": "1", "action": "ambil"}, headers=SAME_ORIGIN
        )
        assert response.status_code == 403 and "Sesi Anda sudah berakhir" in response.text
        assert "Kode akses" in (await app.client.get("/petugas/kasus/1")).text
    async with service.storage.sessions() as session:
        assert (await session.get_one(InquiryRow, 1)).status == "open"


async def test_queue_filters_narrow_by_topic_country_flag_village_and_period(
    service: Service,
) -> None:
    await desk_setup(service)  # #1: Taiwan, filed DESK_NOW (23 Nov 07.00 WIB)
    hongkong = await _file(
        service,
        "plm-a",
        "urgent",
        48,  # 25 Nov
        destination="Hong Kong",
        topic="prosedur.cek_perusahaan",
        red_flags=["confinement"],
        village_text="Desa Sukamaju",
    )
    village = await _file(
        service, "plm-a", "normal", 24, topic="biaya.resmi", village_code="3302012001"
    )
    # Another centre's case matching every filter must never show.
    await _file(
        service,
        "plm-b",
        "urgent",
        48,
        destination="Hong Kong",
        topic="prosedur.cek_perusahaan",
        red_flags=["confinement"],
        village_text="Desa Sukamaju",
    )
    expectations = [
        ({"topik": "prosedur"}, [hongkong]),
        ({"topik": "biaya.resmi"}, [village]),
        ({"negara": "hong"}, [hongkong]),
        ({"negara": "TAIWAN"}, [1]),
        ({"tanda": "confinement"}, [hongkong]),
        ({"desa": "sukamaju"}, [hongkong]),
        ({"desa": "3302012001"}, [village]),
        ({"dari": "2026-11-24"}, [hongkong, village]),
        ({"sampai": "2026-11-23"}, [1]),
        ({"dari": "2026-11-24", "sampai": "2026-11-24"}, [village]),
        ({"negara": "hong", "tanda": "violence"}, []),
    ]
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        for params, numbers in expectations:
            page = await app.client.get("/petugas", params={"status": "semua", **params})
            assert page.status_code == 200, params
            assert _references(page.text) == [f"MA-{n:05d}" for n in numbers], params
        kept = (await app.client.get("/petugas", params={"negara": '"><b>x'})).text
        # Escaped, whichever entity the template engine writes for the quote.
        assert re.search(r'value="(&quot;|&#34;)&gt;&lt;b&gt;x"', kept) and "<b>x" not in kept


async def test_bad_queue_filters_get_a_polite_message_not_an_error(service: Service) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        for params, message in (
            ({"dari": "30/11/2026"}, 'Tanggal pada "Masuk sejak" tidak dikenali'),
            ({"sampai": "2026-02-30"}, 'Tanggal pada "Masuk sampai" tidak dikenali'),
            ({"dari": "2026-11-30", "sampai": "2026-11-01"}, "harus sebelum"),
            ({"tanda": "bukan_kode"}, "Tanda bahaya itu tidak dikenal"),
            ({"topik": "a b"}, "Topik hanya boleh berisi"),
            ({"desa": "x" * 200}, "terlalu panjang"),
        ):
            page = await app.client.get("/petugas", params=params)
            assert page.status_code == 400, params
            assert message in html.unescape(page.text) and 'role="alert"' in page.text
            assert _references(page.text) == []


async def test_the_topic_filter_is_a_select_of_the_knowledge_bases_topics_by_category(
    service: Service,
) -> None:
    await desk_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        page = (await app.client.get("/petugas")).text
        chooser = re.search(r'<select id="topik" name="topik">.*?</select>', page, re.S)
        assert chooser, "the topic filter is a <select> named topik"
        groups = re.findall(r'<optgroup label="([^"]+)">', chooser.group(0))
        assert groups[:2] == ["Prosedur resmi", "Negara tujuan"]
        assert len(re.findall(r"<option ", chooser.group(0))) == 1 + len(groups) + len(
            service.knowledge.topics
        )
        assert '<option value="prosedur">Semua topik Prosedur resmi</option>' in page
        assert (
            '<option value="prosedur.cek_perusahaan">Cek perusahaan penempatan (P3MI) resmi' in page
        )
        chosen = (await app.client.get("/petugas", params={"topik": "negara.jepang"})).text
        assert '<option value="negara.jepang" selected>Bekerja di Jepang</option>' in chosen
        # A well-formed id no longer in the knowledge base (an old case's) stays chosen.
        old = (await app.client.get("/petugas", params={"topik": "biaya.resmi"})).text
        assert '<option value="biaya.resmi" selected>biaya.resmi</option>' in old
