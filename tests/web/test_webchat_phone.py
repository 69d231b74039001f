"""The web chat on a phone-sized screen (390×844) in headless Chromium: it keeps its place.

Each test saves a screenshot in artefacts/webchat/ (ignored by git) for people to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.messages import Outbound, Recipient
from knowledge.base import KnowledgeBase
from storage.database import create_engine
from storage.outbox import SqlOutbox
from tests.browser import ARTEFACT_ROOT, BROWSER_MARKS, PHONE, chromium, in_thread, serve_app, shot

pytestmark = BROWSER_MARKS
SHOTS = ARTEFACT_ROOT / "webchat"
WAIT = 15_000


@pytest.fixture
def server(tmp_path: Path, knowledge: KnowledgeBase) -> Iterator[tuple[str, str]]:
    """Serve the app as deployed (sender running) on a fresh SQLite file; yield address and URL."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'phone.db'}"
    with serve_app(Settings(database_url=url), knowledge, run_sender=True) as address:
        yield address, url


@pytest.fixture
def page(server: tuple[str, str]) -> Iterator[Any]:
    """Open the chat on a phone-sized page in Jakarta time."""
    with chromium() as (_playwright, browser):
        context = browser.new_context(viewport=PHONE, timezone_id="Asia/Jakarta")
        chat = context.new_page()
        chat.goto(server[0])
        yield chat


def _idle(page: Any) -> None:
    """Wait until the last message was answered."""
    from playwright.sync_api import expect

    expect(page.locator("#message")).to_be_enabled(timeout=WAIT)
    expect(page.locator("#status")).to_have_text("", timeout=WAIT)


def _say(page: Any, text: str) -> None:
    """Type a message and wait for the answer."""
    _idle(page)
    page.fill("#message", text)
    page.keyboard.press("Enter")
    _idle(page)


def _tap(page: Any, label: str) -> None:
    """Press a choice button and wait for the answer."""
    _idle(page)
    page.locator(".choices").last.get_by_role("button", name=label, exact=True).click()
    _idle(page)


def test_reload_mid_form_keeps_history_and_resumes(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#log")).to_contain_text("Migrasi Aman", timeout=WAIT)
    _say(page, "mau tanya petugas")
    _tap(page, "Setuju")
    _tap(page, "Saya sendiri (calon PMI / PMI)")
    expect(page.locator(".msg.bot").last).to_contain_text("nama Anda")
    before = page.locator(".msg").count()
    page.reload()
    expect(page.locator(".msg.bot").last).to_contain_text("belum selesai", timeout=WAIT)
    assert page.locator(".msg").count() == before + 1  # the history, then the resume offer
    assert page.locator(".msg", has_text="Halo! Saya asisten").count() == 1  # no second "halo"
    shot(page, "reload-mid-form", full_page=False, folder=SHOTS)
    _say(page, "Bu Sumi")
    expect(page.locator(".msg.bot").last).to_contain_text("Di desa mana")

    # Without this browser's copy, the server's history (kept after consent) comes back.
    page.evaluate("window.localStorage.removeItem('migrasi-aman-history')")
    page.reload()
    expect(page.locator("#log")).to_contain_text("Bu Sumi", timeout=WAIT)
    expect(page.locator("#log")).to_contain_text("Di desa mana")
    shot(page, "history-from-server", full_page=False, folder=SHOTS)


def test_new_answer_is_shown_from_its_first_line(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#log")).to_contain_text("Migrasi Aman", timeout=WAIT)
    _say(page, "berapa umur minimal kerja ke luar negeri")
    answer = page.locator(".msg.bot").last
    expect(answer).to_contain_text("Sumber:")
    box = answer.bounding_box()
    log = page.locator("#log").bounding_box()
    assert box is not None and log is not None
    # The answer's first line is inside the visible log, near its top; the page itself is still.
    assert log["y"] - 1 <= box["y"] <= log["y"] + 40, (box, log)
    assert box["height"] > 0 and page.evaluate("window.scrollY") == 0
    shot(page, "answer-after", full_page=False, folder=SHOTS)
    # "Bagikan": headless Chromium has no share sheet, so the answer is copied instead.
    page.locator(".meta .share").last.click()
    expect(page.locator("#status")).to_have_text("Jawaban disalin.")


def test_numbers_are_tappable_and_text_is_escaped(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#log")).to_contain_text("Migrasi Aman", timeout=WAIT)
    expect(page.locator('#log a[href="tel:110"]').first).to_be_visible()
    assert page.locator('#log a[href="https://wa.me/628118080141"]').count() >= 1
    _say(page, '<img src=x onerror="window.hacked=1"> 0811-8080-141')
    assert page.locator("#log img").count() == 0
    expect(page.locator(".msg.user").last).to_contain_text("<img src=x")
    assert page.evaluate("window.hacked === undefined")
    shot(page, "tappable-numbers", full_page=False, folder=SHOTS)


def test_english_switch(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#log")).to_contain_text("Migrasi Aman", timeout=WAIT)
    _idle(page)
    page.click("#lang")
    expect(page.locator(".msg.bot").first).to_be_visible()
    expect(page.locator("#log")).to_contain_text("Language changed to English", timeout=WAIT)
    expect(page.locator("#send")).to_have_text("Send")
    expect(page.locator("#exit")).to_have_text("Quick exit")
    _say(page, "what are the requirements to work abroad")
    expect(page.locator(".msg.bot").last).to_contain_text("Source:")
    expect(page.locator("#lang")).to_have_text("Bahasa Indonesia")  # one tap back
    shot(page, "english-switch", full_page=False, folder=SHOTS)


def test_officer_reply_raises_a_notice_and_a_title_badge(page: Any, server: Any) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#log")).to_contain_text("Migrasi Aman", timeout=WAIT)
    _idle(page)
    user = page.evaluate("window.localStorage.getItem('migrasi-aman-user')")

    async def enqueue() -> None:
        engine = create_engine(server[1])
        text = "Pesan dari Bu Sri, petugas PLM Jogosimo (MA-00001): Kami akan menelepon Anda."
        await SqlOutbox(engine).enqueue(Outbound(text), Recipient("web", user))
        await engine.dispose()

    # Playwright's sync API runs its own loop in this thread: write from another one.
    in_thread(enqueue)
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.locator("#notice")).to_be_visible(timeout=WAIT)
    assert page.title().startswith("(1) ")
    shot(page, "officer-notice", full_page=False, folder=SHOTS)
    assert page.locator(".choices button").count() > 0  # the menu stays usable
    page.click("#notice")
    expect(page.locator("#notice")).to_be_hidden()
    assert not page.title().startswith("(")


def test_urgent_answer_has_a_red_band_and_quick_exit_clears_everything(
    page: Any, server: Any
) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#log")).to_contain_text("Migrasi Aman", timeout=WAIT)
    _say(page, "tolong saya dikurung majikan, hp mau diambil")
    urgent = page.locator(".msg.urgent").first
    expect(urgent).to_be_visible()
    band = urgent.evaluate("e => getComputedStyle(e).borderLeftColor")
    assert band == "rgb(180, 35, 24)"
    # Every number in the urgent answer is a link: "Polisi 110 ... atau 112" and KP2MI's lines.
    assert page.locator(".msg.urgent a[href^='tel:1']").count() >= 2
    assert page.locator(".msg.urgent a[href^='https://wa.me/62']").count() >= 1
    shot(page, "urgent-band", full_page=False, folder=SHOTS)
    user = page.evaluate("window.localStorage.getItem('migrasi-aman-user')")
    page.route("https://www.google.com/**", lambda route: route.fulfill(body="neutral page"))
    page.click("#exit")
    page.wait_for_url("https://www.google.com/**", timeout=WAIT)
    assert page.evaluate("window.localStorage.getItem('migrasi-aman-history')") is None
    history = page.request.get(f"{server[0]}/api/chat/history?user_id={user}").json()
    assert history["messages"] == [] and history["unfinished_form"] is False
