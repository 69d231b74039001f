"""The directory page in headless Chromium: a supervisor adds an officer and issues a code
that signs in, on a phone (390 px) and a desktop (1366 px); screenshots in artefacts/desk/."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from bot.composition import Service, build_service
from bot.config import Settings
from bot.web.app import create_app
from knowledge.base import KnowledgeBase
from tests.web.test_desk_casework import scoped_setup

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[2] / "artefacts" / "desk"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def _free_port() -> int:
    """Return a free localhost port in this file's range (9300-9399), else any free one."""
    for port in [*range(9300, 9400), 0]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise RuntimeError("no free port")


@pytest.fixture
def server(tmp_path: Path, knowledge: KnowledgeBase) -> Iterator[str]:
    """Run the app on a seeded SQLite file (scoped_setup) with uvicorn in a thread."""
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}")

    async def seed() -> None:
        service: Service = await build_service(settings, knowledge=knowledge)
        try:
            await scoped_setup(service)
        finally:
            await service.close()

    asyncio.run(seed())

    async def build(built: Settings) -> Service:
        return await build_service(built, knowledge=knowledge)

    port = _free_port()
    app = create_app(settings, build=build, run_sender=False)
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(uv.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not uv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)


def _small_targets(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Return the visible controls smaller than 44 px (tap target size)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
            'button, input:not([type=hidden]), select, a.button, header nav a, summary'
        )].filter(e => e.offsetParent !== null).filter(e => {
            const box = e.getBoundingClientRect();
            return box.height < 44 || box.width < 44;
        }).map(e => e.outerHTML.slice(0, 80))"""
    )


def _overflow(page) -> int:  # type: ignore[no-untyped-def]
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_a_supervisor_adds_an_officer_and_issues_a_code_that_signs_in(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            codes = []
            for number, (width, height) in enumerate(((390, 844), (1366, 900))):
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"{server}/petugas")
                page.get_by_label("Kode akses atau kata sandi").fill("kode-sup")
                page.get_by_role("button", name="Masuk").click()
                page.get_by_role("link", name="Direktori").click()
                expect(page.locator("h1")).to_have_text("Direktori pusat layanan dan petugas")
                expect(page.locator("body")).not_to_contain_text("Pusat B")
                assert _overflow(page) <= 0
                assert _small_targets(page) == []
                page.screenshot(path=str(ARTEFACTS / f"direktori-{width}.png"), full_page=True)
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
                assert _overflow(page) <= 0
                page.close()
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(f"{server}/petugas")
            page.get_by_label("Kode akses atau kata sandi").fill(codes[0])
            page.get_by_role("button", name="Masuk").click()
            expect(page.locator("header .who")).to_contain_text("Mbak Rina 390")
            expect(page.get_by_role("link", name="Direktori")).to_have_count(0)
        finally:
            browser.close()
