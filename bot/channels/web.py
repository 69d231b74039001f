"""The web chat channel: the JSON contract of POST /api/chat and its idempotent replies."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel, Field, model_validator

from bot.channels.gateway import ChannelGateway
from bot.messages import Channel, Inbound, InboundKind, Outbound

# A retry racing the first request waits this long for its stored answer.
RETRY_POLLS = 5
RETRY_POLL_SECONDS = 0.1
# An anonymous id the browser makes up and keeps in localStorage.
USER_ID_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"


class ChatRequest(BaseModel):
    """One message from the web chat; a retry repeats the same message_id."""

    user_id: str = Field(pattern=USER_ID_PATTERN)
    message_id: str = Field(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")
    text: str | None = Field(default=None, max_length=20_000)
    payload: str | None = Field(default=None, max_length=256)

    @model_validator(mode="after")
    def _text_or_payload(self) -> ChatRequest:
        """Require a text or a payload."""
        if self.text is None and self.payload is None:
            raise ValueError("send text or payload")
        return self


class ChoiceOut(BaseModel):
    """A button or list option."""

    label: str
    payload: str


class ReplyOut(BaseModel):
    """One reply bubble."""

    text: str
    buttons: list[ChoiceOut] = []
    options: list[ChoiceOut] = []
    options_title: str = ""
    urgent: bool = False


class ChatResponse(BaseModel):
    """Every reply to one message."""

    replies: list[ReplyOut]


class ForgetRequest(BaseModel):
    """The quick exit: erase this web chat's stored history."""

    user_id: str = Field(pattern=USER_ID_PATTERN)


class HistoryItem(BaseModel):
    """One restored bubble."""

    who: str
    text: str
    at: datetime
    urgent: bool = False


class HistoryResponse(BaseModel):
    """What the page restores after a reload."""

    messages: list[HistoryItem]
    locale: str | None = None
    unfinished_form: bool = False


def reply_out(message: Outbound) -> ReplyOut:
    """Convert an Outbound for the browser."""
    return ReplyOut(
        text=message.text,
        buttons=[ChoiceOut(label=b.label, payload=b.payload) for b in message.buttons],
        options=[ChoiceOut(label=o.label, payload=o.payload) for o in message.options],
        options_title=message.options_title,
        urgent=message.urgent,
    )


class ReplyStore(Protocol):
    """Where answers are kept for retries (the database, shared by every worker)."""

    async def get(self, user_id: str, message_id: str) -> dict[str, Any] | None:
        """Return the stored answer, or None."""

    async def put(self, user_id: str, message_id: str, body: dict[str, Any]) -> None:
        """Store an answer."""

    async def forget(self, user_id: str) -> None:
        """Drop every answer kept for one user."""


class WebChat:
    """Runs web chat messages through the gateway and keeps each answer for the browser's retry.

    The engine answers a redelivered id with nothing; a browser that lost the response and
    retries, perhaps on another worker, must still see the answer, so answers are stored.
    """

    def __init__(self, gateway: ChannelGateway, replies: ReplyStore) -> None:
        self.gateway = gateway
        self.replies = replies

    async def handle(self, request: ChatRequest) -> ChatResponse:
        """Answer one message; a retry of the same message_id gets the same answer."""
        stored = await self.replies.get(request.user_id, request.message_id)
        if stored is not None:
            return ChatResponse.model_validate(stored)
        inbound = Inbound(
            channel=Channel.WEB,
            user_id=request.user_id,
            # Browser ids are chosen by browsers: a message id counts only for its own user.
            message_id=f"{request.user_id}/{request.message_id}",
            text=request.text or "",
            payload=request.payload,
            kind=InboundKind.BUTTON if request.payload else InboundKind.TEXT,
        )
        replies = await self.gateway.receive(inbound)
        own = [
            message
            for message in replies
            if message.to is None
            or (message.to.channel == Channel.WEB and message.to.user_id == request.user_id)
        ]
        response = ChatResponse(replies=[reply_out(message) for message in own])
        if own:
            await self.replies.put(request.user_id, request.message_id, response.model_dump())
            return response
        return await self._answer_of_a_concurrent_retry(request) or response

    async def forget(self, user_id: str) -> None:
        """Drop the kept answers of one user (the quick exit)."""
        await self.replies.forget(user_id)

    async def _answer_of_a_concurrent_retry(self, request: ChatRequest) -> ChatResponse | None:
        """Wait briefly for the answer that another request with the same id is storing."""
        for _ in range(RETRY_POLLS):
            await asyncio.sleep(RETRY_POLL_SECONDS)
            stored = await self.replies.get(request.user_id, request.message_id)
            if stored is not None:
                return ChatResponse.model_validate(stored)
        return None
