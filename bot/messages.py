"""Channel-neutral inbound and outbound messages that no handler ties to a platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


class Channel(StrEnum):
    """Where a message came from or goes to."""

    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    WEB = "web"
    CONSOLE = "console"


class InboundKind(StrEnum):
    """What the user sent, as far as the engine cares."""

    TEXT = "text"
    BUTTON = "button"
    MEDIA = "media"


@dataclass(frozen=True, slots=True)
class Button:
    """One choice offered to the user: a short label and the payload sent back when chosen."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Recipient:
    """A user on one channel."""

    channel: str
    user_id: str


@dataclass(frozen=True, slots=True)
class Inbound:
    """A message from a user, parsed out of whatever platform carried it."""

    channel: str
    user_id: str
    message_id: str
    text: str = ""
    payload: str | None = None
    kind: InboundKind = InboundKind.TEXT
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    display_name: str | None = None

    @property
    def sender(self) -> Recipient:
        """Return the sender as a recipient for replies."""
        return Recipient(self.channel, self.user_id)


@dataclass(frozen=True, slots=True)
class Outbound:
    """A reply: text plus either quick-reply buttons or a longer list of options.

    `to` is None for a reply to the sender of the inbound being handled; it is set
    when a handler notifies somebody else (an officer, or a user an officer answers).
    """

    text: str
    buttons: tuple[Button, ...] = ()
    options: tuple[Button, ...] = ()
    options_title: str = ""
    to: Recipient | None = None
    # An emergency answer: channels that can style it (the web chat's red band) do so.
    urgent: bool = False
    # Keep nothing of it once delivered (the goodbye after the user erased their data).
    forget_after_send: bool = False

    @property
    def choices(self) -> tuple[Button, ...]:
        """Return every selectable choice, buttons first."""
        return self.buttons + self.options


def numbered_text(message: Outbound) -> str:
    """Render a message with its choices as a numbered list, for channels without buttons."""
    choices = message.choices
    if not choices:
        return message.text
    lines = [message.text, ""]
    if message.options_title:
        lines.append(message.options_title)
    lines.extend(f"{number}. {choice.label}" for number, choice in enumerate(choices, start=1))
    return "\n".join(lines)
