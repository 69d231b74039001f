"""Web chat answers kept for the browser's retry, in the database so every worker shares them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from storage.erasure import owner_key
from storage.models import WebReplyRow


def reply_key(user_id: str, message_id: str) -> str:
    """Return the stored key of one browser message (hashed: no id in clear)."""
    return hashlib.sha256(f"web\x00{user_id}\x00{message_id}".encode()).hexdigest()


class SqlWebReplies:
    """Stores and finds the answer to one web chat message; each call is its own transaction."""

    def __init__(self, engine: AsyncEngine, clock: Callable[[], datetime]) -> None:
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.clock = clock

    async def get(self, user_id: str, message_id: str) -> dict[str, Any] | None:
        """Return the stored answer, or None."""
        async with self.sessions() as session:
            row = await session.get(WebReplyRow, reply_key(user_id, message_id))
            return None if row is None else dict(row.body)

    async def put(self, user_id: str, message_id: str, body: dict[str, Any]) -> None:
        """Store an answer; a concurrent worker storing the same one first is fine."""
        row = WebReplyRow(
            key=reply_key(user_id, message_id),
            owner=owner_key("web", user_id),
            body=body,
            created_at=self.clock(),
        )
        try:
            async with self.sessions.begin() as session:
                session.add(row)
        except IntegrityError:
            return

    async def forget(self, user_id: str) -> None:
        """Drop every answer kept for one browser id (the quick exit)."""
        async with self.sessions.begin() as session:
            await session.execute(
                delete(WebReplyRow).where(WebReplyRow.owner == owner_key("web", user_id))
            )
