"""WhatsApp Cloud API webhooks: signature and handshake checks, payload models, parsing to Inbound.

The outbound API client lives apart, in bot/channels/whatsapp_api.py (as RapidPro's courier does).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.channels.common import hashed
from bot.channels.gateway import ChannelGateway, queue_inbounds, receive_or_queue
from bot.channels.sender import alert_text
from bot.engine import UnrecordedTurnError, describe_failure
from bot.messages import Channel, Inbound, InboundKind
from storage.errors import is_unavailable
from storage.inbound_queue import SqlInboundQueue
from storage.outbox import SqlOutbox

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
# Message types we cannot read; the engine's fallback answers them politely.
MEDIA_TYPES = frozenset(
    {
        "image",
        "audio",
        "voice",
        "video",
        "document",
        "location",
        "sticker",
        "contacts",
        "unsupported",
        "unknown",
    }
)
# Types that need no answer at all.
SILENT_TYPES = frozenset({"reaction", "system", "ephemeral", "request_welcome"})


class SignatureCheck(StrEnum):
    """Outcome of checking X-Hub-Signature-256."""

    VALID = "valid"
    MISSING = "missing"
    INVALID = "invalid"


def check_signature(raw_body: bytes, header: str | None, app_secret: str) -> SignatureCheck:
    """Check the HMAC-SHA256 of the raw body against the header, in constant time."""
    if not header:
        return SignatureCheck.MISSING
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    given = header.strip().removeprefix("sha256=")
    if hmac.compare_digest(expected.encode(), given.encode()):
        return SignatureCheck.VALID
    return SignatureCheck.INVALID


def handshake_challenge(params: dict[str, str], verify_token: str | None) -> str | None:
    """Return hub.challenge when Meta's verification request carries our token, else None."""
    if verify_token is None or params.get("hub.mode") != "subscribe":
        return None
    given = params.get("hub.verify_token", "")
    if not hmac.compare_digest(given.encode(), verify_token.encode()):
        return None
    return params.get("hub.challenge", "")


class _Model(BaseModel):
    """Lenient base: Meta adds fields often, so unknown ones are kept and ignored."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class TextBody(_Model):
    """The text of a text message."""

    body: str = ""


class Reply(_Model):
    """A chosen reply button or list row."""

    id: str = ""
    title: str = ""


class Interactive(_Model):
    """An interactive reply: button_reply or list_reply."""

    type: str = ""
    button_reply: Reply | None = None
    list_reply: Reply | None = None


class TemplateButton(_Model):
    """A template quick-reply button press."""

    payload: str = ""
    text: str = ""


class WaMessage(_Model):
    """One inbound message."""

    # A WhatsApp id is a phone number in digits; anything else is not from Meta.
    sender: str = Field(alias="from", pattern=r"^[0-9]{5,20}$")
    id: str = Field(min_length=1, max_length=255)
    timestamp: str | None = None
    type: str = "unknown"
    text: TextBody | None = None
    interactive: Interactive | None = None
    button: TemplateButton | None = None


ModelT = TypeVar("ModelT", bound=_Model)


class StatusError(_Model):
    """An error attached to a failed status."""

    code: int | None = None
    title: str | None = None


class WaStatus(_Model):
    """A delivery status of a message we sent."""

    id: str = Field(min_length=1, max_length=255)
    status: str
    recipient_id: str | None = None
    errors: list[StatusError] = []


class Profile(_Model):
    """A WhatsApp profile."""

    name: str | None = None


class WaContact(_Model):
    """The sender's profile."""

    wa_id: str | None = None
    profile: Profile | None = None


def _items(value: Any, key: str) -> list[Any]:
    """Return value[key] when it is a list, else nothing (odd shapes are ignored, not fatal)."""
    items = value.get(key) if isinstance(value, dict) else None
    return items if isinstance(items, list) else []


def shape(value: Any, depth: int = 2) -> str:
    """Describe a value by its types and keys, never its text, for logs."""
    if isinstance(value, dict):
        if depth == 0:
            return "{...}"
        inner = ", ".join(f"{key[:20]}: {shape(item, depth - 1)}" for key, item in value.items())
        return "{" + inner + "}"
    if isinstance(value, list):
        return f"list[{len(value)}]"
    if isinstance(value, str):
        return f"str[{len(value)}]"
    return type(value).__name__


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """A delivery status, reduced to what we record."""

    platform_id: str
    status: str
    error_code: str | None


@dataclass(slots=True)
class WebhookEvents:
    """What one delivery carried."""

    inbounds: list[Inbound] = field(default_factory=list)
    statuses: list[StatusEvent] = field(default_factory=list)
    ignored: int = 0


def to_inbound(message: WaMessage, names: dict[str, str]) -> Inbound | None:
    """Turn one WhatsApp message into an Inbound, or None for one that needs no answer."""
    base: dict[str, Any] = {
        "channel": Channel.WHATSAPP,
        "user_id": message.sender,
        "message_id": message.id,
        "display_name": names.get(message.sender),
    }
    if message.type == "text" and message.text is not None:
        return Inbound(**base, text=message.text.body)
    if message.type == "interactive" and message.interactive is not None:
        chosen = message.interactive.button_reply or message.interactive.list_reply
        if chosen is not None and chosen.id:
            return Inbound(**base, text=chosen.title, payload=chosen.id, kind=InboundKind.BUTTON)
    if message.type == "button" and message.button is not None:
        payload = message.button.payload or None
        kind = InboundKind.BUTTON if payload else InboundKind.TEXT
        return Inbound(**base, text=message.button.text, payload=payload, kind=kind)
    if message.type in SILENT_TYPES:
        return None
    # Media, and any type this code does not know yet: answered by the engine's fallback.
    return Inbound(**base, kind=InboundKind.MEDIA)


def parse_webhook(data: Any) -> WebhookEvents:
    """Parse a webhook body into inbound messages and statuses, each item validated alone.

    One malformed message is ignored (and logged by its shape) without dropping the
    others of the same delivery.
    """
    events = WebhookEvents()
    if not isinstance(data, dict) or not isinstance(data.get("entry", []), list):
        events.ignored += 1
        return events
    for entry in _items(data, "entry"):
        for change in _items(entry, "changes"):
            value = change.get("value") if isinstance(change, dict) else None
            names = _names(_items(value, "contacts"))
            for raw in _items(value, "messages"):
                message = _valid(WaMessage, raw)
                inbound = to_inbound(message, names) if message is not None else None
                if inbound is None:
                    events.ignored += 1
                else:
                    events.inbounds.append(inbound)
            for raw in _items(value, "statuses"):
                status = _valid(WaStatus, raw)
                if status is None:
                    events.ignored += 1
                    continue
                code = str(status.errors[0].code) if status.errors else None
                events.statuses.append(StatusEvent(status.id, status.status, code))
    return events


def _valid(model: type[ModelT], raw: Any) -> ModelT | None:
    """Validate one item; log the shape of one that does not fit."""
    try:
        return model.model_validate(raw)
    except ValidationError:
        log.warning("whatsapp %s ignored: %s", model.__name__, shape(raw))
        return None


def _names(contacts: list[Any]) -> dict[str, str]:
    """Return profile names by WhatsApp id, from the contacts that parse."""
    names = {}
    for raw in contacts:
        contact = _valid(WaContact, raw)
        if contact and contact.wa_id and contact.profile and contact.profile.name:
            names[contact.wa_id] = contact.profile.name
    return names


class WhatsAppChannel:
    """Handles verified webhook deliveries: inbound turns through the gateway, statuses recorded.

    A delivery with more than `queue_over` messages is not run here: its messages are stored
    in the inbound queue in one transaction and a worker runs them, so Meta gets its 200 in
    milliseconds rather than after every turn.
    """

    def __init__(
        self,
        gateway: ChannelGateway,
        outbox: SqlOutbox,
        queue: SqlInboundQueue | None = None,
        queue_over: int = 20,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self.gateway = gateway
        self.outbox = outbox
        self.queue = queue
        self.queue_over = queue_over
        self.on_queued = on_queued
        self.alert = alert_text(gateway.translator)

    async def handle(self, data: Any) -> WebhookEvents:
        """Process one verified delivery; replies go to the outbox, nothing waits on Meta."""
        events = parse_webhook(data)
        if self.queue is not None and len(events.inbounds) > self.queue_over:
            # Raises StorageUnavailable when not stored: the route answers 503, Meta resends.
            await queue_inbounds(
                self.queue, events.inbounds, self.gateway.max_input_chars, self.on_queued
            )
        else:
            await self._run_turns(events.inbounds)
        await self._record_statuses(events.statuses)
        return events

    async def _run_turns(self, inbounds: list[Inbound]) -> None:
        """Run a small delivery's turns inside the request, as before the queue existed."""
        for inbound in inbounds:
            try:
                inbound = await self._expand(inbound)
                # A failed turn that could not be recorded goes to the inbound queue.
                await receive_or_queue(self.gateway, inbound, self.queue, self.on_queued)
            except Exception as error:
                if is_unavailable(error) or isinstance(error, UnrecordedTurnError):
                    # Answer 503 (500 for a turn left unrecorded without a queue): Meta
                    # redelivers the whole batch, and the messages already handled are
                    # recognised by their claimed ids.
                    raise
                # The engine answers its own failures; this guards the adapter itself.
                log.error(
                    "whatsapp inbound from %s failed: %s",
                    hashed(inbound.user_id),
                    describe_failure(error),
                )

    async def _record_statuses(self, statuses: list[StatusEvent]) -> None:
        """Record delivery statuses; a failed one alerts the officers concerned."""
        for status in statuses:
            known = await self.outbox.record_status(
                status.platform_id, status.status, status.error_code
            )
            if status.status == "failed":
                log.warning("whatsapp message failed with %s (known: %s)", status.error_code, known)
                if known:
                    await self.outbox.alert_for_receipt(status.platform_id, self.alert)

    async def _expand(self, inbound: Inbound) -> Inbound:
        """Replace a shortened payload by the stored long one."""
        if inbound.payload is None:
            return inbound
        payload = await self.outbox.expand_payload(inbound.payload)
        if payload == inbound.payload:
            return inbound
        return replace(inbound, payload=payload)
