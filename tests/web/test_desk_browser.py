"""The officer desk in headless Chromium: sign in, see a filed case appear live, open it,
read the thread, claim, reply (reaching the WhatsApp API stand-in), resolve.

Screenshots of the queue, the case page and the statistics at 390 px (phone) and 1366 px
(desktop) wide are saved in artefacts/desk/ (git-ignored) for review.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.composition import Service
from bot.config import Settings
from bot.inquiries import InquiryDraft
from knowledge.base import KnowledgeBase
from storage.inquiry_models import InquiryRow
from storage.models import OutboxRow
from tests.browser import (
    BROWSER_MARKS,
    DESKTOP,
    PHONE,
    chromium,
    in_thread,
    overflow,
    serve_app,
    shot,
    sign_in,
    small_targets,
)
from tests.helpers import say
from tests.webapp import WA_USER, WHATSAPP, FakeGraphApi, desk_setup, load, sign

pytestmark = BROWSER_MARKS
REPLY = "Jangan bayar dulu. Datang ke balai desa hari Senin."


async def _seed(service: Service) -> None:
    """Two centres and officers; a consenting user with a chat; an urgent and an old case."""
    await desk_setup(service)  # #1 at Pusat A, from "warga"
    async with service.storage.unit_of_work() as uow:
        contact = await uow.contact_for("console", "warga", "id")
        await uow.set_consent(contact.id, service.storage.clock())
        await uow.commit()
    await say(service.engine, "berapa biaya resmi kerja ke Taiwan", user_id="warga")
    now = service.storage.clock()
    async with service.storage.unit_of_work() as uow:
        contact = await uow.contact_for("console", "warga", "id")
        urgent = InquiryDraft(
            question="Paspor saya ditahan majikan, saya tidak boleh keluar rumah",
            destination="Malaysia",
            red_flags=["bahaya", "confinement", "dokumen_ditahan"],
        )
        await uow.file_inquiry(contact.id, urgent, "plm-a", "urgent", now)
        late = InquiryDraft(question="Bagaimana cara cek LPK resmi?")
        await uow.file_inquiry(None, late, "plm-a", "normal", now - timedelta(days=2))
        await uow.commit()


@pytest.fixture
def server(tmp_path: Path, knowledge: KnowledgeBase) -> Iterator[tuple[str, str]]:
    """Seed a SQLite file, run the app on it with uvicorn in a thread; yield (address, url)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    with serve_app(Settings(database_url=url), knowledge, _seed) as address:
        yield address, url


def _stored(url: str) -> tuple[str, list[str]]:
    """Return case #1's status and the texts queued to its user."""

    async def read() -> tuple[str, list[str]]:
        from storage.database import create_engine

        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                status = await connection.scalar(
                    select(InquiryRow.status).where(InquiryRow.id == 1)
                )
                bodies = await connection.scalars(
                    select(OutboxRow.body).where(OutboxRow.channel_user_id == "warga")
                )
                return str(status), [body.get("text", "") for body in bodies]
        finally:
            await engine.dispose()

    return in_thread(read)


def test_sign_in_claim_reply_resolve(server: tuple[str, str]) -> None:
    from playwright.sync_api import expect

    address, url = server
    with chromium() as (_playwright, browser):
        for viewport in (PHONE, DESKTOP):
            width = viewport["width"]
            page = browser.new_page(viewport=viewport)
            sign_in(page, address, "kode-a")
            cases = page.locator("article h2 a")
            # Urgent first, then by deadline (#1 was filed on 23 Nov, #3 two days ago).
            expect(cases).to_have_text(["MA-00002", "MA-00001", "MA-00003"])
            expect(page.locator("article.overdue")).to_have_count(2)
            expect(page.locator("article.urgent")).to_contain_text(
                "dikurung atau tidak boleh keluar"
            )
            assert small_targets(page) == []
            shot(page, f"queue-{width}")
            page.click("a[href='/petugas/kasus/1'].button")
            expect(page.locator("ol.thread")).to_contain_text("berapa biaya resmi")
            assert small_targets(page) == []
            shot(page, f"case-{width}")
            page.close()
        page = browser.new_page(viewport=DESKTOP)
        sign_in(page, address, "kode-a")
        page.goto(f"{address}/petugas/kasus/1")
        page.get_by_role("button", name="Ambil").click()
        expect(page.locator("h1")).to_contain_text("diambil Bu Sri")
        expect(page.get_by_role("button", name="Ambil")).to_have_count(0)
        page.fill("#reply", REPLY)
        page.get_by_role("button", name="Kirim balasan").click()
        expect(page.locator(".notice")).to_contain_text("Terkirim ke pengguna")
        expect(page.locator("ol.thread li.officer")).to_contain_text(REPLY)
        shot(page, "case-replied-1366")
        page.fill("#note", "Sudah dijelaskan lewat chat")
        page.get_by_role("button", name="Tutup pertanyaan").click()
        expect(page.locator("h1")).to_contain_text("selesai")
        page.get_by_role("button", name="Keluar").click()
        expect(page.locator("#secret")).to_be_visible()
    status, texts = _stored(url)
    assert status == "resolved"
    assert any(REPLY in text for text in texts)  # the reply is queued to the user's channel


def test_statistics_fit_a_phone_and_a_desktop(server: tuple[str, str]) -> None:
    from playwright.sync_api import expect

    address, _url = server
    with chromium() as (_playwright, browser):
        for viewport in (PHONE, DESKTOP):
            page = browser.new_page(viewport=viewport)
            sign_in(page, address, "kode-a")
            page.get_by_role("link", name="Statistik").click()
            expect(page.locator("h1")).to_have_text("Statistik pertanyaan")
            expect(page.locator("figure.chart svg")).to_have_count(5)
            expect(page.locator("dl.figures")).to_contain_text("Pertanyaan masuk")
            # Nothing wider than the screen: no sideways scrolling on a phone.
            assert overflow(page) <= 0
            assert small_targets(page) == []
            shot(page, f"statistik-{viewport['width']}")
            page.close()


def _file_urgent(url: str) -> None:
    """File a new urgent case at Pusat A, as the bot would while the queue is open."""

    async def file() -> None:
        from storage.database import create_engine
        from storage.repository import SqlStorage

        engine = create_engine(url)
        try:
            storage = SqlStorage(engine)
            async with storage.unit_of_work() as uow:
                draft = InquiryDraft(question="tolong saya dikunci", red_flags=["bahaya"])
                await uow.file_inquiry(None, draft, "plm-a", "urgent", storage.clock())
                await uow.commit()
        finally:
            await engine.dispose()

    in_thread(file)


def test_a_new_urgent_case_is_announced_live(server: tuple[str, str]) -> None:
    from playwright.sync_api import expect

    address, url = server
    with chromium(["--autoplay-policy=no-user-gesture-required"]) as (_playwright, browser):
        page = browser.new_page(viewport=PHONE)
        sign_in(page, address, "kode-a")
        expect(page.locator("article h2 a")).to_have_count(3)
        # desk.js listens for the first touch once it has run: under load the click could
        # otherwise land first, and no tone would ever be allowed.
        page.wait_for_load_state("load")
        page.locator("h1").click()  # a first touch allows the alert tone
        page.wait_for_timeout(1500)
        expect(page.locator("#baru")).to_be_hidden()  # nothing new yet
        _file_urgent(url)
        banner = page.locator("#baru")
        expect(banner).to_be_visible(timeout=10_000)
        expect(banner).to_have_class("live urgent")
        expect(banner).to_have_attribute("role", "alert")
        expect(banner).to_contain_text("baru")
        expect(banner).to_contain_text("MENDESAK")
        expect(banner).to_have_attribute("data-tones", "1")
        assert page.title().startswith("(1) ")
        shot(page, "queue-live-390", full_page=False)
        page.get_by_role("link", name="Muat ulang").click()
        expect(page.locator("article h2 a")).to_have_count(4)


WA_CHAT = "Permisi, agen di desa minta uang sebelum berangkat"
WA_QUESTION = "Agen minta uang 30 juta sebelum berangkat ke Taiwan, wajar?"
WA_REPLY = "Biaya itu melebihi batas resmi. Jangan bayar; datang ke Pusat A hari Senin."


def _whatsapp_message(text: str) -> bytes:
    """Return a WhatsApp delivery of one text from WA_USER, sent now."""
    payload = load("whatsapp/inbound_text.json")
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    message["text"]["body"] = text
    message["id"] = "wamid.BROWSER.1"
    message["timestamp"] = str(int(time.time()))
    return json.dumps(payload).encode()


def _whatsapp_user(url: str, *, file: bool) -> None:
    """Record WA_USER's consent to keep the chat; with file, file their question at Pusat A,
    as the bot does when they ask for an officer."""

    async def work() -> None:
        from storage.database import create_engine
        from storage.repository import SqlStorage

        engine = create_engine(url)
        try:
            storage = SqlStorage(engine)
            async with storage.unit_of_work() as uow:
                contact = await uow.contact_for("whatsapp", WA_USER, "id")
                if not file:
                    await uow.set_consent(contact.id, storage.clock())
                else:
                    draft = InquiryDraft(question=WA_QUESTION, destination="Taiwan")
                    await uow.file_inquiry(contact.id, draft, "plm-a", "normal", storage.clock())
                await uow.commit()
        finally:
            await engine.dispose()

    in_thread(work)


def _resolved(url: str, number: int) -> str:
    async def read() -> str:
        from storage.database import create_engine

        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                query = select(InquiryRow.status).where(InquiryRow.id == number)
                return str(await connection.scalar(query))
        finally:
            await engine.dispose()

    return in_thread(read)


def test_a_filed_case_appears_live_and_the_reply_reaches_the_channel(
    tmp_path: Path, knowledge: KnowledgeBase
) -> None:
    """The issue's flow in one go: sign in; a WhatsApp user's case is filed and announced
    live; open it, read the thread, claim, reply (the WhatsApp API stand-in receives the
    reply), resolve."""
    from playwright.sync_api import expect

    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    graph = FakeGraphApi()
    settings = Settings(database_url=url, **WHATSAPP)
    served = serve_app(
        settings, knowledge, desk_setup, whatsapp_transport=graph.transport(), run_sender=True
    )
    with served as address, chromium() as (_playwright, browser):
        page = browser.new_page(viewport=DESKTOP)
        sign_in(page, address, "kode-a")
        expect(page.get_by_role("link", name="MA-00001")).to_be_visible()
        page.wait_for_timeout(1200)  # one poll: the queue knows its cases
        _whatsapp_user(url, file=False)
        body = _whatsapp_message(WA_CHAT)
        delivered = httpx.post(
            f"{address}/webhooks/whatsapp",
            content=body,
            headers={"X-Hub-Signature-256": sign(body), "Content-Type": "application/json"},
        )
        assert delivered.status_code == 200
        _whatsapp_user(url, file=True)
        expect(page.get_by_text("pertanyaan baru masuk.")).to_be_visible(timeout=10_000)
        shot(page, "queue-live-1366", full_page=False)
        page.get_by_role("link", name="Muat ulang").click()
        page.get_by_role("link", name="MA-00002").click()
        expect(page.get_by_role("heading", name="Percakapan")).to_be_visible()
        expect(page.get_by_text(WA_QUESTION)).to_be_visible()  # the summary
        expect(page.get_by_text(WA_CHAT)).to_be_visible()  # the thread: the user's own words
        page.get_by_role("button", name="Ambil", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("diambil Bu Sri")
        page.get_by_label("Balasan untuk pengguna").fill(WA_REPLY)
        page.get_by_role("button", name="Kirim balasan", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("Terkirim ke pengguna")
        deadline = time.monotonic() + 10
        while not any(WA_REPLY in json.dumps(sent) for sent in graph.accepted):
            assert time.monotonic() < deadline, "the reply did not reach the WhatsApp stand-in"
            page.wait_for_timeout(100)
        assert graph.accepted[-1]["to"] == WA_USER
        page.get_by_label("Catatan penutup").fill("Sudah dijelaskan lewat WhatsApp")
        page.get_by_role("button", name="Tutup pertanyaan", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("selesai")
    assert _resolved(url, 2) == "resolved"
