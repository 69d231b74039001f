"""The directory page in headless Chromium: a supervisor adds an officer and issues a code
that signs in, on a phone (390 px) and a desktop (1366 px); screenshots in artefacts/desk/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from knowledge.base import KnowledgeBase
from tests.browser import (
    BROWSER_MARKS,
    DESKTOP,
    PHONE,
    chromium,
    overflow,
    serve_app,
    shot,
    sign_in,
    small_targets,
)
from tests.web.test_desk_casework import scoped_setup

pytestmark = BROWSER_MARKS


@pytest.fixture
def server(tmp_path: Path, knowledge: KnowledgeBase) -> Iterator[str]:
    """Serve the app on a SQLite file seeded with two centres (scoped_setup)."""
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}")
    with serve_app(settings, knowledge, scoped_setup) as address:
        yield address


def test_a_supervisor_adds_an_officer_and_issues_a_code_that_signs_in(server: str) -> None:
    from playwright.sync_api import expect

    with chromium() as (_playwright, browser):
        codes = []
        for number, viewport in enumerate((PHONE, DESKTOP)):
            width = viewport["width"]
            page = browser.new_page(viewport=viewport)
            sign_in(page, server, "kode-sup")
            page.get_by_role("link", name="Direktori").click()
            expect(page.locator("h1")).to_have_text("Direktori pusat layanan dan petugas")
            expect(page.locator("body")).not_to_contain_text("Pusat B")
            assert overflow(page) <= 0
            assert small_targets(page) == []
            shot(page, f"direktori-{width}")
            form = page.get_by_role("form", name="Tambah petugas")
            form.get_by_label("Pusat layanan").select_option("plm-a")
            form.get_by_label("Nama petugas").fill(f"Mbak Rina {width}")
            form.get_by_label("Peran").select_option("officer")
            form.get_by_label("Saluran chat untuk pemberitahuan").select_option("telegram")
            form.get_by_label("ID Telegram atau nomor WhatsApp").fill(f"77{number}")
            form.get_by_role("button", name="Tambah petugas").click()
            expect(page.locator(".notice")).to_contain_text("ditambahkan")
            person = page.locator("li", has_text=f"Mbak Rina {width}")
            person.get_by_role("button", name="Buat kode akses baru").click()
            expect(page.locator("h1")).to_have_text("Kode akses baru")
            assert "/kode" in page.url and not re.search(r"[?&]", page.url)
            codes.append(page.locator("#kode").inner_text().strip())
            assert overflow(page) <= 0
            page.close()
        page = browser.new_page(viewport=PHONE)
        sign_in(page, server, codes[0])
        expect(page.locator("header .who")).to_contain_text("Mbak Rina 390")
        expect(page.get_by_role("link", name="Direktori")).to_have_count(0)
