"""The officer desk's refusals in headless Chromium: lockout, CSRF and origin, scope.

Each test drives the real pages the way an officer (or an attacker's page) would, then
reads the database to show nothing changed. Screenshots of the lockout message and of the
refusal pages are saved in artefacts/desk/ beside the queue, case and statistics ones.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.composition import Service
from bot.config import Settings
from bot.web.desk_auth import hash_password
from knowledge.base import KnowledgeBase
from storage.inquiry_models import InquiryNoteRow, InquiryRow
from storage.models import OutboxRow
from tests.browser import (
    BROWSER_MARKS,
    DESKTOP,
    PHONE,
    chromium,
    in_thread,
    serve_app,
    shot,
    sign_in,
)
from tests.web.test_desk_casework import scoped_setup

pytestmark = BROWSER_MARKS
PASSWORD_SRI = "sandi-rahasia-bu-sri"  # officer 1, Pusat A (Kebumen)
# What officer B must never see of Pusat A's case #1: its question, centre and officer.
CASE_ONE_PRIVATE = ("30 juta", "Pusat A", "Bu Sri")
# Pusat B's case #2 asks this; the topic filter lists "Bekerja di Jepang" for every desk.
CASE_TWO_QUESTION = "ke Jepang lewat mana"
REFUSED_REPLY = "Balasan yang tidak boleh terkirim"


async def _seed(service: Service) -> None:
    """Pusat A (case #1) and Pusat B (case #2) in two regencies, a Kebumen supervisor; Bu Sri
    also has a password (the lockout counts failures of passwords, by officer number)."""
    await scoped_setup(service)
    async with service.storage.unit_of_work() as uow:
        await uow.set_password_hash(1, hash_password(PASSWORD_SRI))
        await uow.commit()


@pytest.fixture
def desk(tmp_path: Path, knowledge: KnowledgeBase) -> Iterator[tuple[str, str]]:
    """Serve the seeded desk; yield (address, database url)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    with serve_app(Settings(database_url=url), knowledge, _seed) as address:
        yield address, url


def _cases(url: str) -> dict[int, tuple[str, int | None, int]]:
    """Return each case's (status, holder, internal note count), and outbox texts count."""

    async def read() -> dict[int, tuple[str, int | None, int]]:
        from storage.database import create_engine

        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                rows = (await connection.execute(select(InquiryRow))).all()
                notes = list(await connection.scalars(select(InquiryNoteRow.inquiry_id)))
                return {row.id: (row.status, row.claimed_by, notes.count(row.id)) for row in rows}
        finally:
            await engine.dispose()

    return in_thread(read)


def _outbox_texts(url: str) -> list[str]:
    async def read() -> list[str]:
        from storage.database import create_engine

        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                bodies = await connection.scalars(select(OutboxRow.body))
                return [body.get("text", "") for body in bodies]
        finally:
            await engine.dispose()

    return in_thread(read)


UNTOUCHED = {1: ("open", None, 0), 2: ("open", None, 0)}


def _submit(page, button: str) -> int:  # type: ignore[no-untyped-def]
    """Press a form's button; return the HTTP status of the POST it sends."""
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name=button, exact=True).click()
    status = answer.value.status
    page.wait_for_load_state()
    return int(status)


def _alert(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.get_by_role("alert").inner_text())


def test_wrong_passwords_lock_the_officer_and_the_address(desk: tuple[str, str]) -> None:
    """Five wrong passwords for officer 1 from one address lock both (15 minutes, from
    bot/web/desk_auth.py); the right password is refused while locked, from any address;
    another officer is refused from the locked address and welcome from another one."""
    from playwright.sync_api import expect

    address, _url = desk
    with chromium() as (_playwright, browser):
        here = browser.new_context(
            viewport=PHONE, extra_http_headers={"X-Forwarded-For": "10.0.0.1"}
        )
        page = here.new_page()
        for attempt in range(5):
            page.goto(f"{address}/petugas")
            page.get_by_label("Nomor petugas").fill("1")
            page.get_by_label("Kode akses atau kata sandi").fill(f"tebakan-salah-{attempt}")
            assert _submit(page, "Masuk") == 200
            assert "Kode akses, nomor petugas atau kata sandi salah" in _alert(page)
        page.goto(f"{address}/petugas")
        page.get_by_label("Nomor petugas").fill("1")
        page.get_by_label("Kode akses atau kata sandi").fill(PASSWORD_SRI)
        assert _submit(page, "Masuk") == 429
        locked = _alert(page)
        assert "Terlalu banyak percobaan masuk yang gagal" in locked
        assert re.search(r"coba lagi dalam 1[45] menit", locked)
        expect(page.get_by_role("button", name="Keluar")).to_have_count(0)  # not signed in
        shot(page, "lockout-390")
        # The address is locked for everyone: Pak Budi's right code is refused here too.
        page.goto(f"{address}/petugas")
        page.get_by_label("Kode akses atau kata sandi").fill("kode-b")
        assert _submit(page, "Masuk") == 429

        there = browser.new_context(
            viewport=DESKTOP, extra_http_headers={"X-Forwarded-For": "10.0.0.2"}
        )
        page = there.new_page()
        page.goto(f"{address}/petugas")
        page.get_by_label("Nomor petugas").fill("1")
        page.get_by_label("Kode akses atau kata sandi").fill(PASSWORD_SRI)
        assert _submit(page, "Masuk") == 429  # officer 1 is locked from every address
        assert "Terlalu banyak percobaan masuk yang gagal" in _alert(page)
        shot(page, "lockout-1366")
        page.goto(f"{address}/petugas")
        page.get_by_label("Kode akses atau kata sandi").fill("kode-b")
        _submit(page, "Masuk")
        expect(page.get_by_text("Pusat B · Pak Budi")).to_be_visible()  # another officer is in


def test_a_form_without_its_csrf_token_is_refused(desk: tuple[str, str]) -> None:
    from playwright.sync_api import expect

    address, url = desk
    with chromium() as (_playwright, browser):
        page = browser.new_page(viewport=DESKTOP)
        sign_in(page, address, "kode-a")
        page.goto(f"{address}/petugas/kasus/1")
        claim = page.get_by_role("button", name="Ambil", exact=True)
        claim.evaluate("button => button.form.elements.namedItem('csrf').remove()")
        assert _submit(page, "Ambil") == 403
        assert "Formulir sudah kedaluwarsa" in _alert(page)
        shot(page, "refused-csrf-1366")
        page.goto(f"{address}/petugas/kasus/1")
        page.get_by_label("Balasan untuk pengguna").fill(REFUSED_REPLY)
        send = page.get_by_role("button", name="Kirim balasan", exact=True)
        send.evaluate("button => button.form.elements.namedItem('csrf').value = 'tebakan'")
        assert _submit(page, "Kirim balasan") == 403
        page.goto(f"{address}/petugas/kasus/1")
        expect(page.get_by_role("heading", level=1)).to_contain_text("belum diambil")
    assert _cases(url) == UNTOUCHED
    assert not any(REFUSED_REPLY in text for text in _outbox_texts(url))


@pytest.fixture
def other_site() -> Iterator[tuple[str, dict[str, str]]]:
    """Serve, on another localhost port, a page whose form posts to the desk.

    Yield its address and a dict to fill with the form's target and fields before loading.
    """
    form: dict[str, str] = {}

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            target = form.pop("target")
            fields = "".join(
                f'<input type="hidden" name="{name}" value="{value}">'
                for name, value in form.items()
            )
            body = (
                f'<!doctype html><title>Hadiah</title><form method="post" action="{target}">'
                f"{fields}<button>Klaim hadiah</button></form>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", form
    finally:
        server.shutdown()
        server.server_close()


def test_a_form_posted_from_another_origin_is_refused(
    desk: tuple[str, str], other_site: tuple[str, dict[str, str]]
) -> None:
    """Even carrying the officer's real token and cookie (another port of 127.0.0.1 is the
    same site, so the SameSite cookie goes along), a cross-origin POST is refused."""
    from playwright.sync_api import expect

    address, url = desk
    elsewhere, form = other_site
    with chromium() as (_playwright, browser):
        page = browser.new_page(viewport=DESKTOP)
        sign_in(page, address, "kode-a")
        page.goto(f"{address}/petugas/kasus/1")
        token = page.get_by_role("button", name="Ambil", exact=True).evaluate(
            "button => button.form.elements.namedItem('csrf').value"
        )
        form.update(target=f"{address}/petugas/aksi", csrf=token, id="1", action="ambil")
        form["ke"] = "kasus"
        page.goto(elsewhere)
        assert _submit(page, "Klaim hadiah") == 403
        assert page.url == f"{address}/petugas/aksi"
        assert "formulir tidak berasal dari situs ini" in _alert(page)
        shot(page, "refused-cross-origin-1366")

        # Nor can another site sign a visitor in to an account of its choosing.
        visitor = browser.new_page(viewport=DESKTOP)
        visitor.goto(f"{address}/petugas")
        form.update(target=f"{address}/petugas/masuk", secret="kode-b", officer="")
        visitor.goto(elsewhere)
        assert _submit(visitor, "Klaim hadiah") == 403
        visitor.goto(f"{address}/petugas")
        expect(visitor.get_by_label("Kode akses atau kata sandi")).to_be_visible()
        expect(visitor.get_by_text("Pak Budi")).to_have_count(0)
    assert _cases(url) == UNTOUCHED


def test_another_centres_officer_is_refused_case_one(desk: tuple[str, str]) -> None:
    """Pak Budi (Pusat B) opens Pusat A's case and tampers his own case's forms to aim at it:
    every answer is a 404 naming nothing of case #1, and nothing changes."""
    from playwright.sync_api import expect

    address, url = desk
    with chromium() as (_playwright, browser):
        page = browser.new_page(viewport=PHONE)
        sign_in(page, address, "kode-b")
        opened = page.goto(f"{address}/petugas/kasus/1")
        assert opened is not None and opened.status == 404
        assert "Kasus tidak ditemukan di pusat layanan Anda" in _alert(page)
        content = page.content()
        assert not any(private in content for private in CASE_ONE_PRIVATE)
        shot(page, "refused-other-centre-390")

        page.goto(f"{address}/petugas")  # his queue's search finds nothing of it either
        page.get_by_label("Kode kasus").fill("MA-00001")
        page.get_by_label("Status").select_option(label="Semua")
        page.get_by_role("button", name="Tampilkan", exact=True).click()
        expect(page.get_by_role("link", name="MA-00001")).to_have_count(0)
        assert not any(private in page.content() for private in CASE_ONE_PRIVATE)

        page.goto(f"{address}/petugas/kasus/2")  # his own case, to borrow its forms
        page.get_by_role("button", name="Ambil", exact=True).evaluate(
            "button => button.form.elements.namedItem('id').value = '1'"
        )
        _submit(page, "Ambil")
        landed = page.evaluate("location.pathname")
        assert landed in ("/petugas", "/petugas/kasus/1")
        content = page.content()
        assert not any(private in content for private in CASE_ONE_PRIVATE)

        page.goto(f"{address}/petugas/kasus/2")
        page.get_by_label("Catatan internal").fill("catatan dari pusat lain")
        page.get_by_role("button", name="Simpan catatan", exact=True).evaluate(
            "button => button.form.action = '/petugas/kasus/1/catatan'"
        )
        assert _submit(page, "Simpan catatan") == 404
        content = page.content()
        assert not any(private in content for private in CASE_ONE_PRIVATE)
    assert _cases(url) == UNTOUCHED


def test_a_supervisor_sees_their_regency_only(desk: tuple[str, str]) -> None:
    """The Kebumen supervisor's queue and statistics hold Pusat A (Kebumen), not Pusat B
    (Wonosobo); Pusat B's case and statistics are refused, and a tampered form leaves it."""
    from playwright.sync_api import expect

    address, url = desk
    with chromium() as (_playwright, browser):
        page = browser.new_page(viewport=DESKTOP)
        sign_in(page, address, "kode-sup")
        expect(page.get_by_text("Disnaker Kebumen · Pak Kepala")).to_be_visible()
        expect(page.get_by_role("link", name="MA-00001")).to_be_visible()
        expect(page.get_by_role("link", name="MA-00002")).to_have_count(0)
        assert "Pusat B" not in page.content() and CASE_TWO_QUESTION not in page.content()
        shot(page, "queue-supervisor-1366")

        page.get_by_role("link", name="Statistik").click()
        centres = page.get_by_label("Pusat layanan").get_by_role("option").all_inner_texts()
        assert "Pusat A" in centres and "Pusat B" not in centres
        assert re.search(r"Pertanyaan masuk\s*1\b", page.locator("body").inner_text())
        assert "Pusat B" not in page.content()
        shot(page, "statistik-supervisor-1366")

        refused = page.goto(f"{address}/petugas/kasus/2")
        assert refused is not None and refused.status == 404
        assert CASE_TWO_QUESTION not in page.content()
        outside = page.goto(f"{address}/petugas/statistik?pusat=plm-b")
        assert outside is not None and outside.status == 404
        # The live queue's poll, with the page's cookie, names only the regency's case.
        polled = page.request.get(f"{address}/petugas/antrian.json").json()
        assert [case["id"] for case in polled["cases"]] == [1]
        # Pusat A's claim form, aimed at Pusat B's case, does not take it.
        page.goto(f"{address}/petugas/kasus/1")
        page.get_by_role("button", name="Ambil", exact=True).evaluate(
            "button => button.form.elements.namedItem('id').value = '2'"
        )
        _submit(page, "Ambil")
        assert CASE_TWO_QUESTION not in page.content()
    assert _cases(url) == UNTOUCHED


def test_after_sign_out_back_shows_no_personal_data(desk: tuple[str, str]) -> None:
    """On a shared computer the next person presses Back: the case page is not shown again
    from the browser's cache (the desk's pages are no-store, the session is revoked)."""
    from playwright.sync_api import expect

    address, _url = desk
    with chromium() as (_playwright, browser):
        page = browser.new_page(viewport=PHONE)
        sign_in(page, address, "kode-a")
        page.goto(f"{address}/petugas/kasus/1")
        expect(page.get_by_text("30 juta")).to_be_visible()
        page.get_by_role("button", name="Keluar", exact=True).click()
        expect(page.get_by_label("Kode akses atau kata sandi")).to_be_visible()
        page.go_back()
        page.wait_for_load_state()
        assert not any(private in page.content() for private in CASE_ONE_PRIVATE)
        expect(page.get_by_label("Kode akses atau kata sandi")).to_be_visible()
