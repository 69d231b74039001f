"""The web chat in headless Chromium: open the page, press a menu button, read the answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from knowledge.base import KnowledgeBase
from tests.browser import BROWSER_MARKS, chromium, serve_app

pytestmark = BROWSER_MARKS


@pytest.fixture
def server(tmp_path: Path, knowledge: KnowledgeBase) -> Iterator[str]:
    """Serve the app as deployed (sender and worker running) on a fresh SQLite file."""
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'browser.db'}")
    with serve_app(settings, knowledge, run_sender=True) as address:
        yield address


def test_open_chat_press_menu_button_and_read_answer(server: str) -> None:
    from playwright.sync_api import expect

    with chromium() as (_playwright, browser):
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
