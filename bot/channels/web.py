"""The web chat channel: the JSON contract of POST /api/chat and its idempotent replies."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from bot.channels.gateway import ChannelGateway
from bot.messages import Channel, Inbound, InboundKind, Outbound

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


class WebChat:
    """Runs web chat messages through the gateway and remembers recent answers for retries.

    The engine answers a redelivered id with nothing; a browser that lost the response and
    retries must still see the answer, so recent answers are kept per process.
    """

    def __init__(self, gateway: ChannelGateway, remember: int = 2000) -> None:
        self.gateway = gateway
        self.remember = remember
        self._answers: OrderedDict[tuple[str, str], ChatResponse] = OrderedDict()

    async def handle(self, request: ChatRequest) -> ChatResponse:
        """Answer one message; a retry of the same message_id gets the same answer."""
        key = (request.user_id, request.message_id)
        if key in self._answers:
            return self._answers[key]
        inbound = Inbound(
            channel=Channel.WEB,
            user_id=request.user_id,
            message_id=request.message_id,
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
            self._answers[key] = response
            while len(self._answers) > self.remember:
                self._answers.popitem(last=False)
        return response

    def forget(self, user_id: str) -> None:
        """Drop the remembered answers of one user (the quick exit)."""
        for key in [key for key in self._answers if key[0] == user_id]:
            del self._answers[key]
