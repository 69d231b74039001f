"""Browser test helpers: the app served by uvicorn in a thread, headless Chromium, sign-in,
and the page checks every screen must pass (tap targets, no sideways scrolling).

Shared by the desk's and the web chat's browser tests. Chromium is Debian's /usr/bin/chromium
driven through Playwright's Python API (never `playwright install`); tests skip when either is
missing.
"""

from __future__ import annotations

import asyncio
import importlib.util
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import pytest
import uvicorn

from bot.composition import Service, build_service
from bot.config import Settings
from bot.web.app import create_app
from knowledge.base import KnowledgeBase

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
# Screenshots for review, git-ignored (see README, "Test"): the desk's in desk/.
ARTEFACT_ROOT = Path(__file__).resolve().parents[1] / "artefacts"
ARTEFACTS = ARTEFACT_ROOT / "desk"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None, reason="playwright is not installed"
    ),
]


T = TypeVar("T")


def in_thread(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion on its own loop in another thread.

    Playwright's sync API runs an event loop in the test's thread, so asyncio.run there fails.
    """
    result: list[T] = []
    worker = threading.Thread(target=lambda: result.append(asyncio.run(work())))
    worker.start()
    worker.join(timeout=60)
    assert result, "the database work did not finish"
    return result[0]


@contextmanager
def serve_app(
    settings: Settings,
    knowledge: KnowledgeBase,
    seed: Callable[[Service], Awaitable[None]] | None = None,
    *,
    whatsapp_transport: httpx.AsyncBaseTransport | None = None,
    run_sender: bool = False,
    poll_seconds: int = 1,
) -> Iterator[str]:
    """Seed the database (when seed is given), serve the app on an ephemeral localhost port;
    yield its address. Without seed the app's own start-up migrates a fresh database.

    The client address comes from X-Forwarded-For when the request comes from localhost, as
    behind the production proxy (`serve` trusts 127.0.0.1): a browser context with that
    header stands for an officer at another address.
    """

    async def seeded(fill: Callable[[Service], Awaitable[None]]) -> None:
        service = await build_service(settings, knowledge=knowledge)
        try:
            await fill(service)
        finally:
            await service.close()

    if seed is not None:
        asyncio.run(seeded(seed))

    async def build(built: Settings) -> Service:
        return await build_service(built, knowledge=knowledge)

    app = create_app(
        settings, build=build, whatsapp_transport=whatsapp_transport, run_sender=run_sender
    )
    app.state.desk_poll_seconds = poll_seconds  # the queue polls every 20 s in service
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))  # port 0: no clash with other suites on the machine
    port = int(listener.getsockname()[1])
    config = uvicorn.Config(
        app,
        log_level="warning",
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=lambda: asyncio.run(server.serve(sockets=[listener])), daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


@contextmanager
def chromium(extra_args: list[str] | None = None) -> Iterator[tuple[Playwright, Browser]]:
    """Launch Debian's Chromium headless through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*ARGS, *(extra_args or [])]
        )
        try:
            yield playwright, browser
        finally:
            browser.close()


def sign_in(page: Page, address: str, secret: str, officer: str = "") -> None:
    """Open the desk and submit the sign-in form by its labels (code, or number and password)."""
    page.goto(f"{address}/petugas")
    if officer:
        page.get_by_label("Nomor petugas").fill(officer)
    page.get_by_label("Kode akses atau kata sandi").fill(secret)
    page.get_by_role("button", name="Masuk", exact=True).click()


def shot(page: Page, name: str, *, full_page: bool = True, folder: Path = ARTEFACTS) -> Path:
    """Save a screenshot in an artefacts folder (the desk's unless told) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


# Controls a thumb must be able to hit: the desk's buttons, fields, links styled as buttons,
# case links in the queue, the header's navigation and the directory's folding sections.
CONTROLS = "button, input:not([type=hidden]), select, a.button, article h2 a, header nav a, summary"


def small_targets(page: Page) -> list[str]:
    """Return the visible controls smaller than 44 px either way (the tap target size)."""
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
            .filter(e => e.offsetParent !== null).filter(e => {
                const box = e.getBoundingClientRect();
                return box.height < 44 || box.width < 44;
            }).map(e => e.outerHTML.slice(0, 80))""",
        CONTROLS,
    )


def overflow(page: Page) -> int:
    """Return how many pixels the page is wider than the screen (> 0: sideways scrolling)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )
