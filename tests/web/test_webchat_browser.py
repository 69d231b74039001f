"""The web chat in headless Chromium: open the page, press a menu button, read the answer."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from bot.config import Settings
from bot.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    """Return a free localhost port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """Run the app with uvicorn in a thread on a fresh SQLite file; yield its address."""
    port = _free_port()
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'browser.db'}")
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(uv.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)


def test_open_chat_press_menu_button_and_read_answer(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.goto(server)
            log = page.locator("#log")
            expect(log).to_contain_text("Migrasi Aman", timeout=15_000)
            user_id = page.evaluate("window.localStorage.getItem('migrasi-aman-user')")
            assert user_id
            button = page.locator(".choices button").first
            label = button.inner_text()
            button.click()
            expect(page.locator(".msg.user").last).to_have_text(label)
            expect(page.locator(".msg.bot")).not_to_have_count(1, timeout=15_000)
            expect(page.locator("#message")).to_be_enabled()
            page.fill("#message", "berapa umur minimal kerja ke luar negeri")
            page.keyboard.press("Enter")
            expect(page.locator(".msg.user").last).to_contain_text("umur minimal")
            expect(page.locator("#status")).to_have_text("", timeout=15_000)
        finally:
            browser.close()
