"""A web chat's own history for the page to restore after a reload, and the quick exit's erase.

The history holds what the message log keeps (text only for users who agreed to storage) and
the officer's messages already delivered to the page; an unfinished intake form is reported so
the page can offer to resume it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from storage.models import ContactRow, ConversationRow, MessageRow, OutboxRow

MAX_ENTRIES = 60
SENT = "sent"
# The log keeps a pressed button as its payload ("consent:yes") and the page's own "/start":
# not words the user wrote, so they are left out of the restored conversation.
_MACHINE = re.compile(r"^(?:/\w+|[a-z_]+:\S.*)$")


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One bubble of the restored conversation."""

    who: str  # "user" or "bot"
    text: str
    at: datetime
    urgent: bool = False


@dataclass(frozen=True, slots=True)
class ChatHistory:
    """What the page needs after a reload."""

    entries: list[HistoryEntry]
    locale: str | None
    unfinished_form: bool


async def chat_history(
    engine: AsyncEngine, channel: str, user_id: str, limit: int = MAX_ENTRIES
) -> ChatHistory:
    """Return the last messages of a chat user, oldest first, and whether a form is unfinished."""
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        contact = await session.scalar(
            select(ContactRow).where(
                ContactRow.channel == channel, ContactRow.channel_user_id == user_id
            )
        )
        if contact is None:
            return ChatHistory([], None, False)
        logged = (
            await session.scalars(
                select(MessageRow)
                .where(MessageRow.contact_id == contact.id, MessageRow.text.is_not(None))
                .order_by(MessageRow.id.desc())
                .limit(limit)
            )
        ).all()
        # Messages from somebody else (an officer's answer) live in the outbox, not the log.
        delivered = (
            await session.scalars(
                select(OutboxRow)
                .where(
                    OutboxRow.channel == channel,
                    OutboxRow.channel_user_id == user_id,
                    OutboxRow.status == SENT,
                )
                .order_by(OutboxRow.id.desc())
                .limit(limit)
            )
        ).all()
        conversation = await session.get(ConversationRow, contact.id)
    # Oldest first; a turn's question and answers share one timestamp, so order within it by id.
    entries = [
        HistoryEntry("user" if row.direction == "in" else "bot", row.text or "", row.created_at)
        for row in reversed(logged)
        if not (row.direction == "in" and _MACHINE.match(row.text or ""))
    ]
    entries += [
        HistoryEntry(
            "bot", str(row.body.get("text", "")), row.created_at, bool(row.body.get("urgent"))
        )
        for row in reversed(delivered)
        if row.body.get("text")
    ]
    entries.sort(key=lambda entry: entry.at)  # stable: the id order holds within a turn
    draft = (conversation.slots or {}).get("intake") if conversation else None
    unfinished = bool(isinstance(draft, dict) and draft.get("step"))
    return ChatHistory(entries[-limit:], contact.locale, unfinished)


async def forget_chat(engine: AsyncEngine, channel: str, user_id: str) -> None:
    """Erase a chat user's stored messages and dialog (the quick exit); inquiries stay for officers.

    Messages still waiting for delivery stay too: an officer's answer to an urgent case must
    still reach the person when they come back.
    """
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions.begin() as session:
        contact = await session.scalar(
            select(ContactRow).where(
                ContactRow.channel == channel, ContactRow.channel_user_id == user_id
            )
        )
        if contact is None:
            return
        await session.execute(delete(MessageRow).where(MessageRow.contact_id == contact.id))
        await session.execute(
            delete(ConversationRow).where(ConversationRow.contact_id == contact.id)
        )
        await session.execute(
            delete(OutboxRow).where(
                OutboxRow.channel == channel,
                OutboxRow.channel_user_id == user_id,
                OutboxRow.status == SENT,
            )
        )
