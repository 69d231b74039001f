"""The web chat's history after a reload, the unfinished-form flag, and the quick exit's erase."""

from __future__ import annotations

from typing import Any

from bot.composition import Service
from bot.messages import Outbound, Recipient
from tests.webapp import running_app

USER = "w-history-user-01"


async def _post(app: Any, number: int, text: str | None = None, payload: str | None = None) -> Any:
    body: dict[str, str] = {"user_id": USER, "message_id": f"h-{number}"}
    if payload:
        body["payload"] = payload
    else:
        body["text"] = text or ""
    response = await app.client.post("/api/chat", json=body)
    assert response.status_code == 200
    return response.json()


async def test_history_returns_the_conversation_and_an_unfinished_form(service: Service) -> None:
    async with running_app(service) as app:
        await _post(app, 1, "petugas")
        await _post(app, 2, payload="consent:yes")
        await _post(app, 3, payload="intake:who:migrant")
        await service.outbox.enqueue(Outbound("Pesan dari Bu Sri"), Recipient("web", USER))
        await app.client.get("/api/chat/inbox", params={"user_id": USER})
        history = (await app.client.get("/api/chat/history", params={"user_id": USER})).json()
    texts = [(item["who"], item["text"]) for item in history["messages"]]
    assert ("bot", "Siapa nama Anda? Boleh nama panggilan.") in texts
    assert not any(who == "user" for who, _ in texts)  # button payloads are not shown as words
    who_asked = texts.index(("bot", "Siapa nama Anda? Boleh nama panggilan.")) - 1
    assert texts[who_asked] == ("bot", "Siapa yang bertanya?")  # oldest first, in turn order
    assert ("bot", "Pesan dari Bu Sri") in texts  # a delivered officer message comes back too
    assert history["unfinished_form"] is True and history["locale"] == "id"
    assert all(item["at"] for item in history["messages"])


async def test_history_of_an_unknown_user_is_empty(service: Service) -> None:
    async with running_app(service) as app:
        history = (await app.client.get("/api/chat/history", params={"user_id": USER})).json()
        assert history == {"messages": [], "locale": None, "unfinished_form": False}
        bad = await app.client.get("/api/chat/history", params={"user_id": "x"})
        assert bad.status_code == 422


async def test_quick_exit_erases_history_and_remembered_answers(service: Service) -> None:
    async with running_app(service) as app:
        await _post(app, 1, "petugas")
        await _post(app, 2, payload="consent:yes")
        forgot = await app.client.post("/api/chat/forget", json={"user_id": USER})
        assert forgot.json() == {"ok": True}
        history = (await app.client.get("/api/chat/history", params={"user_id": USER})).json()
        assert history["messages"] == [] and history["unfinished_form"] is False
        # A retried message id is answered afresh, not from the remembered text.
        again = await app.client.post(
            "/api/chat", json={"user_id": USER, "message_id": "h-1", "text": "petugas"}
        )
        assert again.json()["replies"] == []


async def test_urgent_answer_is_flagged_for_the_red_band(service: Service) -> None:
    async with running_app(service) as app:
        replies = (await _post(app, 1, "tolong saya dikurung majikan, hp mau diambil"))["replies"]
    assert replies[0]["urgent"] is True
    assert not any(reply["urgent"] for reply in replies[1:])
