"""Faults at the webhooks: a database that is down answers 503 and stores nothing; no data leaks."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import respx
from sqlalchemy import func, select

from bot.composition import Service
from bot.messages import Channel
from handlers.base import Reply
from storage.models import ContactRow, OutboxRow, ProcessedMessageRow
from tests.channels.test_telegram import SECRET, TELEGRAM, FakeBotApi
from tests.faults import database_down, telegram_text, whatsapp_text
from tests.webapp import WHATSAPP, FakeGraphApi, running_app

PHONE = "6281277712345"
QUESTION = "Agen Pak Darmo minta uang 35 juta untuk ke Taiwan, apakah itu wajar"


async def _count(service: Service, model: type) -> int:
    async with service.storage.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_whatsapp_deliveries_while_the_database_is_down_get_503_then_are_answered(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    deliveries = [whatsapp_text(f"wamid.DOWN.{n}", f"{QUESTION} {n}", PHONE) for n in range(5)]
    api = FakeGraphApi()
    async with running_app(service, transport=api.transport(), **WHATSAPP) as app:
        async with database_down(service):
            statuses = [(await app.post_whatsapp(data)).status_code for data in deliveries]
        assert statuses == [503] * 5
        assert await _count(service, ProcessedMessageRow) == 0
        assert await _count(service, OutboxRow) == 0
        # Meta redelivers: every message is answered now, and only once.
        for data in deliveries + deliveries:
            assert (await app.post_whatsapp(data)).status_code == 200
        assert await _count(service, ProcessedMessageRow) == 5
        await app.deliver()
    assert {body["to"] for body in api.accepted} == {PHONE}
    assert len(api.accepted) >= 5
    _assert_no_personal_data(caplog.text)


async def test_telegram_update_while_the_database_is_down_gets_503_then_is_answered(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    update = telegram_text(4242, QUESTION)
    with respx.mock(assert_all_called=False) as router:
        FakeBotApi(router)
        async with running_app(service, **TELEGRAM) as app:
            async with database_down(service):
                down = await app.client.post("/webhooks/telegram", json=update, headers=headers)
            assert down.status_code == 503
            assert await _count(service, ProcessedMessageRow) == 0
            again = await app.client.post("/webhooks/telegram", json=update, headers=headers)
            assert again.status_code == 200
    assert await _count(service, ProcessedMessageRow) == 1
    assert await _count(service, OutboxRow) > 0
    _assert_no_personal_data(caplog.text)


async def test_web_chat_while_the_database_is_down_gets_a_polite_503(service: Service) -> None:
    body = {"user_id": "w-fault-user-01", "message_id": "m-1", "text": QUESTION}
    async with running_app(service) as app:
        async with database_down(service):
            down = await app.client.post("/api/chat", json=body)
        assert down.status_code == 503
        assert "silakan kirim lagi" in down.json()["detail"]
        assert down.headers["Retry-After"]
        again = await app.client.post("/api/chat", json=body)
    assert again.status_code == 200
    assert again.json()["replies"]


async def test_handler_bug_gets_an_apology_and_claims_the_message_with_no_text_in_the_log(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        name = "broken"

        async def handle(self, message: object, ctx: object) -> Reply:
            raise ValueError(f"invalid literal for int(): {QUESTION!r}")

    caplog.set_level(logging.INFO)
    service.engine.pipeline = (Broken(),)
    api = FakeGraphApi()
    async with running_app(service, transport=api.transport(), **WHATSAPP) as app:
        response = await app.post_whatsapp(whatsapp_text("wamid.BUG.1", QUESTION, PHONE))
        assert response.status_code == 200
        await app.deliver()
    assert "ada gangguan" in str(api.accepted)
    assert await _count(service, ProcessedMessageRow) == 1
    assert "ValueError" in caplog.text
    _assert_no_personal_data(caplog.text)


async def test_database_lost_after_the_claim_rolls_the_whole_turn_back(service: Service) -> None:
    """The claim is written first; a failure later in the turn must not leave it claimed."""

    class DropsTheDatabase:
        name = "drops"

        async def handle(self, message: object, ctx: object) -> Reply:
            from sqlalchemy.exc import OperationalError

            raise OperationalError("SELECT 1", {}, ConnectionResetError("connection lost"))

    pipeline = service.engine.pipeline
    service.engine.pipeline = (DropsTheDatabase(),)
    async with running_app(service, transport=FakeGraphApi().transport(), **WHATSAPP) as app:
        data = whatsapp_text("wamid.LOST.1", QUESTION, PHONE)
        assert (await app.post_whatsapp(data)).status_code == 503
        assert await _count(service, ProcessedMessageRow) == 0
        assert await _count(service, ContactRow) == 0
        service.engine.pipeline = pipeline
        assert (await app.post_whatsapp(data)).status_code == 200
    rows = await service.outbox.rows()
    assert rows
    assert all(row.channel == Channel.WHATSAPP for row in rows)
    assert "gangguan" not in str([row.body for row in rows])


def _assert_no_personal_data(log_text: str) -> None:
    """Neither the phone number nor the message text may reach the logs."""
    assert PHONE not in log_text
    assert "Pak Darmo" not in log_text
    assert "700000001" not in log_text


async def test_nul_and_lone_surrogates_are_answered_not_crashed_on(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    button = whatsapp_text("wamid.NUL.1", "x", PHONE)
    message = button["entry"][0]["changes"][0]["value"]["messages"][0]
    message.update(
        {
            "type": "interactive",
            "interactive": {
                "type": "button_reply",
                "button_reply": {"id": "menu\x00Pak Darmo", "title": "Menu\ud800"},
            },
        }
    )
    surrogate = whatsapp_text("wamid.SUR.1", f"{QUESTION} \ud83d", PHONE)
    api = FakeGraphApi()
    async with running_app(service, transport=api.transport(), **WHATSAPP) as app:
        for data in (button, surrogate):
            assert (await app.post_whatsapp(data)).status_code == 200
        web = await app.client.post(
            "/api/chat",
            content=b'{"user_id": "w-fault-user-02", "message_id": "m-1", '
            b'"text": "halo \\ud800 \\u0000 Pak Darmo", "payload": "a\\u0000\\udfff"}',
            headers={"Content-Type": "application/json"},
        )
        # Not a valid string: refused by name, without the input echoed back.
        assert web.status_code == 422
        assert {problem["loc"][-1] for problem in web.json()["detail"]} == {"text", "payload"}
        assert "Darmo" not in web.text
        await app.deliver()
    assert await _count(service, ProcessedMessageRow) == 2
    assert "ada gangguan" not in str(api.accepted)
    _assert_no_personal_data(caplog.text)


async def test_deliveries_refused_with_503_do_not_count_against_the_rate_limit(
    service: Service,
) -> None:
    api = FakeGraphApi()
    async with running_app(
        service, transport=api.transport(), rate_limit_per_minute=2, **WHATSAPP
    ) as app:
        data = whatsapp_text("wamid.LIMIT.1", "halo", PHONE)
        async with database_down(service):
            for _ in range(4):  # Meta retries a 503 quickly
                assert (await app.post_whatsapp(data)).status_code == 503
        assert (await app.post_whatsapp(data)).status_code == 200
        await app.deliver()
    assert "terlalu cepat" not in str(api.accepted)
    assert "Migrasi Aman" in str(api.accepted)


async def test_a_slow_down_notice_that_could_not_be_stored_is_given_on_the_retry(
    service: Service,
) -> None:
    api = FakeGraphApi()
    async with running_app(
        service, transport=api.transport(), rate_limit_per_minute=1, **WHATSAPP
    ) as app:
        assert (
            await app.post_whatsapp(whatsapp_text("wamid.W.1", "halo", PHONE))
        ).status_code == 200
        fast = whatsapp_text("wamid.W.2", "halo lagi", PHONE)
        async with database_down(service):
            assert (await app.post_whatsapp(fast)).status_code == 503
        assert (await app.post_whatsapp(fast)).status_code == 200
        await app.deliver()
    assert "terlalu cepat" in str(api.accepted)


async def test_a_connection_terminated_mid_turn_answers_503_then_the_redelivery_is_answered(
    service: Service, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    from sqlalchemy import text

    from storage.database import create_engine

    killer = create_engine(database_url)
    pipeline = service.engine.pipeline
    terminated: list[int] = []

    class TerminatesItsConnection:
        """Runs after the claim, like any handler, and has its connection killed once."""

        name = "terminates"

        async def handle(self, message: object, ctx: Any) -> None:
            if not terminated:
                pid = await ctx.store.session.scalar(text("SELECT pg_backend_pid()"))
                async with killer.connect() as connection:
                    await connection.execute(
                        text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}
                    )
                terminated.append(pid)
            return None

    service.engine.pipeline = (TerminatesItsConnection(), *pipeline)
    api = FakeGraphApi()
    try:
        async with running_app(service, transport=api.transport(), **WHATSAPP) as app:
            data = whatsapp_text("wamid.KILL.1", QUESTION, PHONE)
            assert (await app.post_whatsapp(data)).status_code == 503
            assert await _count(service, ProcessedMessageRow) == 0
            assert (await app.post_whatsapp(data)).status_code == 200
            await app.deliver()
    finally:
        await killer.dispose()
    assert terminated
    assert api.accepted
    assert "gangguan" not in str(api.accepted)


async def test_web_chat_inbox_while_the_database_is_down_gets_503_and_loses_nothing(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from bot.web import routes

    async def down(*_args: object) -> list[object]:
        raise OperationalError("SELECT", {}, ConnectionRefusedError("down"))

    async with running_app(service) as app:
        with monkeypatch.context() as patch:
            patch.setattr(routes, "take_pending", down)
            refused = await app.client.get("/api/chat/inbox", params={"user_id": "w-inbox-user"})
        fine = await app.client.get("/api/chat/inbox", params={"user_id": "w-inbox-user"})
    assert refused.status_code == 503
    assert fine.status_code == 200
