"""Telegram channel: webhook secret, update table, inline keyboards, splitting, blocked users."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import respx
from sqlalchemy import select
from telegram import Update

from bot.channels.telegram import TelegramSender, parse_update, update_to_inbound
from bot.composition import Service
from bot.messages import Button, InboundKind, Outbound, Recipient
from storage.models import ContactRow, OutboxRow, ProcessedMessageRow
from tests.helpers import FakeClock
from tests.webapp import SHARED_PLATFORMS, load, running_app

TOKEN = "123456:TEST-token-for-tests"
API = "https://tg.test"
SECRET = "webhook-secret_for-tests"
CHAT = 700000001
TELEGRAM = {
    "telegram_token": TOKEN,
    "telegram_api_base": API,
    "telegram_webhook_url": "https://bot.test/webhooks/telegram",
    "telegram_webhook_secret": SECRET,
}
BOT_USER = {"id": 800000001, "is_bot": True, "first_name": "Migrasi Aman", "username": "ma_bot"}


def _ok(result: Any) -> httpx.Response:
    """Return a Bot API success."""
    return httpx.Response(200, json={"ok": True, "result": result})


def _form(request: httpx.Request) -> dict[str, Any]:
    """Decode the form PTB posts; JSON-valued fields (reply_markup) are decoded too."""
    if request.headers.get("content-type", "").startswith("application/json"):
        return json.loads(request.content)
    fields = dict(parse_qsl(request.content.decode()))
    if "reply_markup" in fields:
        fields["reply_markup"] = json.loads(fields["reply_markup"])
    return fields


class FakeBotApi:
    """A local stand-in for the Bot API (respx on MIGRASI_TELEGRAM_API_BASE)."""

    def __init__(self, router: respx.MockRouter) -> None:
        self.sent: list[dict[str, Any]] = []
        self.failures: list[httpx.Response] = []
        base = f"{API}/bot{TOKEN}"
        router.post(f"{base}/getMe").mock(return_value=_ok(BOT_USER))
        router.post(f"{base}/setWebhook").mock(return_value=_ok(True))
        self.answered = router.post(f"{base}/answerCallbackQuery").mock(return_value=_ok(True))
        router.post(f"{base}/sendMessage").mock(side_effect=self._send)

    def _send(self, request: httpx.Request) -> httpx.Response:
        """Accept a message, unless a failure is scripted."""
        if self.failures:
            return self.failures.pop(0)
        body = _form(request)
        self.sent.append(body)
        chat = {"id": int(body["chat_id"]), "type": "private", "first_name": "Budi"}
        message = {"message_id": 100 + len(self.sent), "date": 1763884800, "chat": chat}
        return _ok({**message, "from": BOT_USER, "text": body["text"]})


@pytest.fixture
def bot_api() -> Iterator[FakeBotApi]:
    """Route every Bot API call to the stand-in."""
    with respx.mock(assert_all_called=False) as router:
        yield FakeBotApi(router)


def _update(name: str) -> Update:
    """Load one of our Telegram fixtures as an Update (no bot needed to read it)."""
    return Update.de_json(load(f"telegram/{name}"), None)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("private_text.json", (InboundKind.TEXT, "halo", None)),
        ("start_deeplink.json", (InboundKind.TEXT, "/start desa3201", None)),
        ("callback_query.json", (InboundKind.BUTTON, "", "menu")),
        ("photo.json", (InboundKind.MEDIA, "", None)),
        ("edited_message.json", None),  # ignored: the original was answered already
        ("group_text.json", None),  # ignored: the bot serves private chats
        ("my_chat_member_blocked.json", None),  # not a message: marks the contact inactive
    ],
)
def test_update_table(name: str, expected: tuple[InboundKind, str, str | None] | None) -> None:
    inbound = update_to_inbound(_update(name))
    if expected is None:
        assert inbound is None
        return
    assert inbound is not None
    assert inbound.user_id == str(CHAT)
    assert (inbound.kind, inbound.text, inbound.payload) == expected


def test_command_with_bot_name_is_normalised() -> None:
    data = load("telegram/start_deeplink.json")
    data["message"]["text"] = "/start@ma_bot desa3201"
    inbound = update_to_inbound(Update.de_json(data, None))
    assert inbound is not None
    assert inbound.text == "/start desa3201"


@pytest.mark.skipif(not SHARED_PLATFORMS.is_dir(), reason="shared platform fixtures not present")
def test_shared_telegram_fixtures() -> None:
    def read(name: str) -> Update | None:
        return parse_update(json.loads((SHARED_PLATFORMS / name).read_text()), None)

    private = read("tg_private_text.json")
    inbound = update_to_inbound(private) if private else None
    assert inbound is not None
    assert inbound.text == "4"
    for ignored in ("tg_group_text.json", "tg_edited_message_official.json"):
        update = read(ignored)
        assert update is None or update_to_inbound(update) is None, ignored
    # An old capture missing required fields is refused quietly, never raised.
    deep = read("tg_start_deeplink.json")
    assert deep is None or update_to_inbound(deep).text.startswith("/start ")  # type: ignore[union-attr]
    callback = {
        "update_id": 1,
        "callback_query": json.loads(
            (SHARED_PLATFORMS / "tg_callback_query_private_object.json").read_text()
        ),
    }
    parsed = parse_update(callback, None)
    assert parsed is not None
    pressed = update_to_inbound(parsed)
    assert pressed is not None
    assert pressed.payload == "y"


@pytest.mark.parametrize("header", [None, "wrong-secret"])
async def test_wrong_or_missing_secret_is_rejected(
    service: Service, bot_api: FakeBotApi, header: str | None
) -> None:
    headers = {} if header is None else {"X-Telegram-Bot-Api-Secret-Token": header}
    async with running_app(service, **TELEGRAM) as app:
        response = await app.client.post(
            "/webhooks/telegram", json=load("telegram/private_text.json"), headers=headers
        )
        assert response.status_code == 403
    async with service.storage.sessions() as session:
        assert (await session.scalars(select(ProcessedMessageRow))).all() == []


async def _post(app: Any, name: str, **changes: Any) -> httpx.Response:
    """POST a fixture update with the right secret."""
    data = load(f"telegram/{name}")
    data.update(changes)
    return await app.client.post(
        "/webhooks/telegram", json=data, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )


async def test_message_is_answered_through_the_outbox_with_a_keyboard(
    service: Service, bot_api: FakeBotApi
) -> None:
    async with running_app(service, **TELEGRAM) as app:
        assert (await _post(app, "private_text.json")).status_code == 200
        assert bot_api.sent == []  # the webhook never waits on Telegram
        assert (await _post(app, "private_text.json")).status_code == 200  # redelivery
        queued = len(await service.outbox.rows())
        await app.deliver()
    assert len(bot_api.sent) == queued > 0
    keyboards = [body["reply_markup"] for body in bot_api.sent if "reply_markup" in body]
    buttons = [b for markup in keyboards for row in markup["inline_keyboard"] for b in row]
    assert buttons
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)
    rows = await service.outbox.rows()
    assert all(row.status == "sent" and row.platform_message_id for row in rows)
    # The core's *bold* goes out as Telegram HTML.
    assert all(body["parse_mode"] == "HTML" for body in bot_api.sent)
    assert any("<b>Migrasi Aman</b>" in body["text"] for body in bot_api.sent)


async def test_callback_query_is_answered_and_handled(
    service: Service, bot_api: FakeBotApi
) -> None:
    async with running_app(service, **TELEGRAM) as app:
        assert (await _post(app, "callback_query.json")).status_code == 200
        for _ in range(50):  # answerCallbackQuery runs in the background
            if bot_api.answered.called:
                break
            await asyncio.sleep(0.01)
    assert bot_api.answered.called
    assert await service.outbox.rows()


@pytest.mark.parametrize("name", ["edited_message.json", "group_text.json"])
async def test_ignored_updates_get_no_reply(
    service: Service, bot_api: FakeBotApi, name: str
) -> None:
    async with running_app(service, **TELEGRAM) as app:
        assert (await _post(app, name)).status_code == 200
    assert await service.outbox.rows() == []


async def test_block_event_marks_contact_inactive(service: Service, bot_api: FakeBotApi) -> None:
    async with running_app(service, **TELEGRAM) as app:
        await _post(app, "private_text.json")
        await _post(app, "my_chat_member_blocked.json")
        await app.deliver()
    assert bot_api.sent == []
    async with service.storage.sessions() as session:
        contact = await session.scalar(select(ContactRow))
        assert contact is not None
        assert contact.active is False
    assert {row.status for row in await service.outbox.rows()} == {"failed"}


async def test_403_on_send_stops_retries_and_deactivates(
    service: Service, bot_api: FakeBotApi, clock: FakeClock
) -> None:
    bot_api.failures.append(httpx.Response(403, json=load("telegram/error_403_blocked.json")))
    async with running_app(service, **TELEGRAM) as app:
        await _post(app, "private_text.json")
        await app.deliver()
        clock.advance(hours=1)
        await app.deliver()
    assert bot_api.sent == []
    assert bot_api.failures == []
    async with service.storage.sessions() as session:
        assert (await session.scalar(select(ContactRow.active))) is False
        statuses = set((await session.scalars(select(OutboxRow.status))).all())
    assert statuses == {"failed"}


# PTB 22 itself warns, inside RetryAfter(), that retry_after will become a timedelta.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_respects_retry_after(
    service: Service, bot_api: FakeBotApi, clock: FakeClock
) -> None:
    bot_api.failures.append(
        httpx.Response(
            429,
            json={
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 7",
                "parameters": {"retry_after": 7},
            },
        )
    )
    async with running_app(service, **TELEGRAM) as app:
        await _post(app, "private_text.json")
        await app.deliver()
        first = (await service.outbox.rows())[0]
        assert first.status == "pending"
        assert first.next_attempt_at == clock.now + timedelta(seconds=7)
        clock.advance(seconds=7)
        await app.deliver()
    assert all(row.status == "sent" for row in await service.outbox.rows())


async def test_long_answer_split_and_long_payload_mapped(
    service: Service, bot_api: FakeBotApi
) -> None:
    async with running_app(service, **TELEGRAM) as app:
        sender = TelegramSender(app.runtime.telegram.bot, service.outbox)
        paragraph = ("Informasi penting tentang migrasi aman. " * 25).strip()
        text = "\n\n".join([paragraph] * 8)[:6000]
        long_payload = "topik:" + "sangat-panjang-" * 8
        message = Outbound(text, buttons=(Button("Lanjut", long_payload),))
        result = await sender.send(Recipient("telegram", str(CHAT)), message, template=False)
    assert len(result.platform_ids) == 2  # type: ignore[union-attr]
    assert [len(body["text"]) <= 4096 for body in bot_api.sent] == [True, True]
    assert "reply_markup" not in bot_api.sent[0]
    data = bot_api.sent[1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert len(data.encode()) <= 64
    assert data != long_payload
    assert await service.outbox.expand_payload(data) == long_payload


async def test_a_retry_sends_only_the_chunks_not_yet_accepted(
    service: Service, bot_api: FakeBotApi
) -> None:
    from bot.channels.sender import Parts, Retry

    recorded: list[tuple[int, list[str]]] = []

    async def record(parts_sent: int, platform_ids: list[str]) -> None:
        recorded.append((parts_sent, platform_ids))

    paragraph = ("Informasi penting tentang migrasi aman. " * 25).strip()
    message = Outbound("\n\n".join([paragraph] * 8)[:6000], buttons=(Button("Menu", "menu"),))
    to = Recipient("telegram", str(CHAT))
    async with running_app(service, **TELEGRAM) as app:
        sender = TelegramSender(app.runtime.telegram.bot, service.outbox)
        first = await sender.send(to, message, False, Parts(0, record))
        assert len(bot_api.sent) == 2
        bot_api.sent.clear()
        bot_api.failures.append(httpx.Response(502, json={"ok": False, "error_code": 502}))
        retry = await sender.send(to, message, False, Parts(1, record))
        assert isinstance(retry, Retry)
        again = await sender.send(to, message, False, Parts(1, record))
    assert len(first.platform_ids) == 2  # type: ignore[union-attr]
    # Each chunk but the last is recorded as accepted; the last one is recorded by
    # mark_sent together with the Sent result.
    assert [parts for parts, _ in recorded] == [1]
    assert len(bot_api.sent) == 1  # only the second chunk, with its keyboard
    assert "reply_markup" in bot_api.sent[0]
    assert len(again.platform_ids) == 1  # type: ignore[union-attr]
