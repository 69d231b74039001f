"""The web service: health, OpenAPI, the web chat page and its JSON endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.composition import Service, build_service
from tests.helpers import counting
from tests.webapp import App, running_app

USER = "w-test-user-0001"


async def test_health_page_and_schema_with_no_token_at_all(service: Service) -> None:
    async with running_app(service) as app:
        health = await app.client.get("/healthz")
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "database": True, "migrations": True}
        page = await app.client.get("/")
        assert page.status_code == 200
        assert 'lang="id"' in page.text
        assert "aria-live" in page.text
        assert (await app.client.get("/static/chat.js")).status_code == 200
        paths = (await app.client.get("/openapi.json")).json()["paths"]
        assert {"/api/chat", "/healthz", "/webhooks/whatsapp", "/webhooks/telegram"} <= set(paths)
        # Channels without configuration answer 404 instead of accepting anything.
        assert (await app.client.post("/webhooks/whatsapp", content=b"{}")).status_code == 404
        assert (await app.client.post("/webhooks/telegram", content=b"{}")).status_code == 404


async def test_chat_answers_with_buttons_and_repeats_the_answer_on_retry(service: Service) -> None:
    async with running_app(service) as app:
        body = {"user_id": USER, "message_id": "m-1", "text": "halo"}
        first = await app.client.post("/api/chat", json=body)
        assert first.status_code == 200
        replies = first.json()["replies"]
        assert "Migrasi Aman" in replies[0]["text"]
        choices = [c for reply in replies for c in reply["buttons"] + reply["options"]]
        assert choices
        assert {"label", "payload"} <= set(choices[0])
        retry = await app.client.post("/api/chat", json=body)
        assert retry.json() == first.json()
        menu = await app.client.post(
            "/api/chat",
            json={"user_id": USER, "message_id": "m-2", "payload": choices[0]["payload"]},
        )
        assert menu.status_code == 200
        assert menu.json()["replies"]
    assert await service.outbox.rows() == []  # web replies are answered, never queued


async def test_chat_rejects_bad_input(service: Service) -> None:
    async with running_app(service, max_body_bytes=4096) as app:
        post = app.client.post
        assert (
            await post("/api/chat", json={"user_id": "x", "message_id": "1", "text": "a"})
        ).status_code == 422
        assert (
            await post("/api/chat", json={"user_id": USER, "message_id": "1"})
        ).status_code == 422
        big = {"user_id": USER, "message_id": "m-3", "text": "a" * 5000}
        assert (await post("/api/chat", json=big)).status_code == 413


async def test_long_text_is_capped_before_the_engine(service: Service) -> None:
    async with running_app(service) as app:
        body = {"user_id": USER, "message_id": "m-long", "text": "paspor " * 2500}
        response = await app.client.post("/api/chat", json=body)
        assert response.status_code == 200
        assert "hanya bagian awalnya" in response.json()["replies"][0]["text"]


async def test_chat_rate_limit_answers_once_then_drops(service: Service) -> None:
    async with running_app(service, rate_limit_per_minute=2) as app:
        answers = []
        for number in range(5):
            body = {"user_id": USER, "message_id": f"r-{number}", "text": "halo"}
            answers.append((await app.client.post("/api/chat", json=body)).json()["replies"])
        assert all(answers[:2])
        assert "terlalu cepat" in answers[2][0]["text"]
        assert answers[3] == answers[4] == []


async def test_rate_limit_never_drops_a_message_from_someone_in_danger(service: Service) -> None:
    async with running_app(service, rate_limit_per_minute=1) as app:
        for number in range(3):
            body = {"user_id": USER, "message_id": f"d-{number}", "text": "halo"}
            await app.client.post("/api/chat", json=body)
        body = {"user_id": USER, "message_id": "d-urgent", "text": "tolong saya dikurung majikan"}
        replies = (await app.client.post("/api/chat", json=body)).json()["replies"]
        assert "110" in replies[0]["text"]


async def test_officer_messages_reach_the_web_chat_through_its_inbox(service: Service) -> None:
    from bot.messages import Outbound, Recipient

    async with running_app(service) as app:
        await service.outbox.enqueue(Outbound("Pesan dari petugas"), Recipient("web", USER))
        first = await app.client.get("/api/chat/inbox", params={"user_id": USER})
        again = await app.client.get("/api/chat/inbox", params={"user_id": USER})
        refused = await app.client.get("/api/chat/inbox", params={"user_id": "x"})
    assert [reply["text"] for reply in first.json()["replies"]] == ["Pesan dari petugas"]
    assert again.json()["replies"] == []  # delivered once
    assert refused.status_code == 422


async def test_the_same_message_id_from_two_browsers_gets_two_answers(service: Service) -> None:
    async with running_app(service) as app:
        answers = [
            await app.client.post(
                "/api/chat", json={"user_id": user, "message_id": "1", "text": "halo"}
            )
            for user in ("w-first-browser", "w-other-browser")
        ]
    assert all(answer.json()["replies"] for answer in answers)


async def test_a_retry_on_another_worker_gets_the_same_answer(service: Service) -> None:
    body = {"user_id": USER, "message_id": "m-worker", "text": "halo"}
    async with running_app(service) as first, running_app(service) as second:
        answer = await first.client.post("/api/chat", json=body)
        retry = await second.client.post("/api/chat", json=body)
    assert answer.json()["replies"]
    assert retry.json() == answer.json()


async def test_one_address_cannot_mint_unlimited_browser_ids(service: Service) -> None:
    async with running_app(service, web_new_ids_per_address=3) as app:
        statuses = [
            (
                await app.client.post(
                    "/api/chat",
                    json={"user_id": f"w-minted-{n:04d}", "message_id": "1", "text": "halo"},
                )
            ).status_code
            for n in range(5)
        ]
        known = await app.client.post(
            "/api/chat", json={"user_id": "w-minted-0000", "message_id": "2", "text": "halo"}
        )
        danger = await app.client.post(
            "/api/chat",
            json={"user_id": "w-minted-0009", "message_id": "1", "text": "tolong saya dikurung"},
        )
    assert statuses == [200, 200, 200, 429, 429]
    assert known.status_code == 200  # an id already seen keeps working
    assert danger.status_code == 200
    assert "110" in danger.text


async def test_one_address_is_rate_limited_across_browser_ids(service: Service) -> None:
    async with running_app(service, web_rate_limit_per_address=4) as app:
        statuses = [
            (
                await app.client.post(
                    "/api/chat",
                    json={"user_id": f"w-rate-{n % 2:04d}", "message_id": str(n), "text": "halo"},
                )
            ).status_code
            for n in range(6)
        ]
    assert statuses == [200, 200, 200, 200, 429, 429]


async def test_health_check_runs_only_select_1_per_call(service: Service) -> None:
    async with running_app(service) as app:
        with counting(service) as counter:
            for _ in range(3):
                assert (await app.client.get("/healthz")).status_code == 200
    assert counter.statements == ["SELECT 1"] * 3


@asynccontextmanager
async def _two_workers(service: Service, **overrides: object) -> AsyncIterator[tuple[App, App]]:
    """Run two app instances, each with its own service and connections, on one database."""
    other = await build_service(
        service.settings, knowledge=service.knowledge, clock=service.storage.clock
    )
    try:
        async with (
            running_app(service, **overrides) as first,
            running_app(other, **overrides) as second,
        ):
            yield first, second
    finally:
        await other.close()


async def test_two_workers_share_one_cap_on_new_browser_ids_per_address(service: Service) -> None:
    async with _two_workers(service, web_new_ids_per_address=3) as (first, second):
        statuses = [
            (
                await (first if n % 2 == 0 else second).client.post(
                    "/api/chat",
                    json={"user_id": f"w-shared-{n:04d}", "message_id": "1", "text": "halo"},
                )
            ).status_code
            for n in range(6)
        ]
        # An id one worker let in keeps working on the other; a refused one stays refused.
        known = await second.client.post(
            "/api/chat", json={"user_id": "w-shared-0000", "message_id": "2", "text": "halo"}
        )
        refused = await first.client.post(
            "/api/chat", json={"user_id": "w-shared-0004", "message_id": "2", "text": "halo"}
        )
    assert statuses == [200, 200, 200, 429, 429, 429]
    assert known.status_code == 200
    assert refused.status_code == 429


async def test_two_workers_share_one_rate_per_address(service: Service) -> None:
    async with _two_workers(service, web_rate_limit_per_address=4) as (first, second):
        statuses = [
            (
                await (first if n % 2 == 0 else second).client.post(
                    "/api/chat",
                    json={"user_id": f"w-rate2-{n % 3:04d}", "message_id": str(n), "text": "halo"},
                )
            ).status_code
            for n in range(7)
        ]
    # Each worker alone would have let 4 through: together they let 4 through in all.
    assert statuses == [200, 200, 200, 200, 429, 429, 429]
