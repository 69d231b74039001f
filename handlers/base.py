"""What every handler sees and returns: the handler context, the Reply and the Handler protocol."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Protocol

from bot.i18n import Translations
from bot.inquiries import InquiryStore
from bot.messages import Button, Inbound, Outbound
from bot.ports import Contact, ContactStore, Conversation
from knowledge.base import KnowledgeBase


class _Keep:
    """Marker: leave the dialog state as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = _Keep()
# Slot naming a dialog state in which a typed number is an answer (an amount), not choice N.
NUMBERS_ARE_TEXT: Final = "_numbers_are_text"


@dataclass(slots=True)
class Reply:
    """What a handler answers: messages, dialog-state changes and what the answer was about."""

    messages: list[Outbound]
    state: str | _Keep | None = KEEP
    slots: dict[str, Any] | None = None
    topic: str | None = None
    score: float = 0.0
    urgent: bool = False
    # Triage's outcome when triage spoke ("check" asks whether someone is in danger now).
    safety: str | None = None
    suggestions: list[str] = field(default_factory=list)
    # The handler erased the contact: store nothing more about this turn.
    forget_contact: bool = False


class RegionLookup(Protocol):
    """Village resolution, as the intake dialog needs it (knowledge.regions.RegionIndex)."""

    def resolve(self, text: str) -> Any:
        """Resolve typed text to a village or candidates."""

    def ancestors(self, code: str) -> list[str]:
        """Return the code and the codes above it, most specific first."""

    def get(self, code: str) -> Any:
        """Return a region by code."""

    def find_regency(self, text: str) -> Any:
        """Return a regency named in the text."""

    def find_province(self, text: str) -> Any:
        """Return a province named in the text."""


class ReviewRecorder(Protocol):
    """The learning loop's queue, as handlers feed it."""

    async def record_review(
        self, kind: str, text: str, consented: bool, scores: dict[str, float], at: datetime
    ) -> None:
        """Add one "not sure" or `check` message (its text only with consent)."""


class HandlerStore(ContactStore, InquiryStore, ReviewRecorder, Protocol):
    """Storage as handlers see it: the contact's own data, inquiries, centres and officers."""


@dataclass(slots=True)
class HandlerContext:
    """The narrow interface a handler works through."""

    contact: Contact
    conversation: Conversation
    store: HandlerStore
    knowledge: KnowledgeBase
    i18n: Translations
    clock: Callable[[], datetime]
    i18n_for: Callable[[str], Translations]
    regions: RegionLookup | None = None

    def _(self, message: str) -> str:
        """Translate a message template for the contact's locale."""
        return self.i18n._(message)

    @property
    def locale(self) -> str:
        """Return the contact's locale code."""
        return self.i18n.locale


class Handler(Protocol):
    """One conversation: takes the inbound message or passes (returns None)."""

    name: str

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Answer the message, or return None to let the next handler try."""


def menu_button(ctx: HandlerContext) -> Button:
    """Return the 'back to menu' button."""
    return Button(ctx._("Menu utama"), "menu")


def officer_button(ctx: HandlerContext, urgent: bool = False) -> Button:
    """Return the 'talk to an officer' button; the urgent one asks for priority follow-up."""
    if urgent:
        return Button(ctx._("Hubungi petugas"), "petugas:urgent")
    return Button(ctx._("Tanya petugas"), "petugas")


def command_of(message: Inbound) -> str | None:
    """Return the payload or the lower-cased first word of a slash command, without a bot suffix."""
    if message.payload:
        return message.payload
    text = message.text.strip()
    if not text.startswith("/"):
        return None
    word = text.split(maxsplit=1)[0].lower()
    return word.split("@", 1)[0]


def command_argument(message: Inbound) -> str:
    """Return what follows a slash command ('/start abc' -> 'abc')."""
    parts = message.text.strip().split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 and parts[0].startswith("/") else ""
