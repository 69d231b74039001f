"""Fault injection for tests: an unreachable database, and deliveries built from text."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.composition import Service
from storage.database import create_engine
from tests.webapp import load

# Addresses where nothing listens: connecting fails as it does when the database is down.
_UNREACHABLE = {
    "sqlite": "sqlite+aiosqlite:////nonexistent-directory-for-tests/down.db",
    "postgresql": "postgresql+asyncpg://postgres@127.0.0.1:9/down",
}


@asynccontextmanager
async def database_down(service: Service) -> AsyncIterator[None]:
    """Point every session of the service at an unreachable database, then restore it."""
    dialect = service.database.dialect.name
    broken = create_engine(_UNREACHABLE[dialect])
    saved = (service.storage.sessions, service.outbox.sessions)
    sessions = async_sessionmaker(broken, expire_on_commit=False)
    service.storage.sessions = sessions
    service.outbox.sessions = sessions
    try:
        yield
    finally:
        service.storage.sessions, service.outbox.sessions = saved
        await broken.dispose()


def whatsapp_text(message_id: str, text: str, phone: str = "6281200000001") -> dict[str, Any]:
    """Return a WhatsApp delivery of one text message."""
    data = copy.deepcopy(load("whatsapp/inbound_text.json"))
    value = data["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = phone
    message = value["messages"][0]
    message.update({"from": phone, "id": message_id, "text": {"body": text}})
    return data


def telegram_text(update_id: int, text: str, chat: int = 700000001) -> dict[str, Any]:
    """Return a Telegram update of one private text message."""
    data = copy.deepcopy(load("telegram/private_text.json"))
    data["update_id"] = update_id
    data["message"].update({"message_id": update_id, "text": text})
    data["message"]["chat"]["id"] = chat
    data["message"]["from"]["id"] = chat
    return data
