"""Interfaces the core needs from storage, written as Protocols so the core imports no database."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.messages import Outbound, Recipient


@dataclass(slots=True)
class Contact:
    """A user on one channel, as the engine sees them."""

    id: int
    channel: str
    user_id: str
    locale: str
    consent_at: datetime | None = None
    display_name: str | None = None
    active: bool = True

    @property
    def recipient(self) -> Recipient:
        """Return where replies to this contact go."""
        return Recipient(self.channel, self.user_id)


@dataclass(slots=True)
class Conversation:
    """The dialog state of one contact: a named state and JSON-able slots."""

    state: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None


class ContactStore(Protocol):
    """What handlers may do with storage: the contact's own data, nothing else."""

    async def set_locale(self, contact_id: int, locale: str) -> None:
        """Remember the contact's language."""

    async def set_consent(self, contact_id: int, when: datetime | None) -> None:
        """Record (or withdraw, with None) the contact's consent to store personal data."""

    async def personal_data(self, contact_id: int) -> dict[str, Any]:
        """Return everything stored about the contact, for /dataku."""

    async def erase_contact(self, contact_id: int) -> None:
        """Delete the contact's personal data from every table."""


class UnitOfWork(ContactStore, Protocol):
    """One transaction around one inbound message; committed by the engine at its edge."""

    async def claim_inbound(self, channel: str, message_id: str) -> bool:
        """Record an inbound id; False when it was already processed (a redelivery)."""

    async def contact_for(self, channel: str, user_id: str, default_locale: str) -> Contact:
        """Return the contact for a channel user, creating it on first contact."""

    async def claim_and_contact(
        self, channel: str, message_id: str, user_id: str, default_locale: str
    ) -> Contact | None:
        """Claim an inbound id and return its sender's contact; None for a redelivery."""

    async def count_message(self, channel: str, user_id: str) -> int:
        """Count a message against its sender's per-minute limit; return this minute's count."""

    async def count_and_claim(
        self, channel: str, message_id: str, user_id: str, default_locale: str, per_minute: int
    ) -> tuple[int, Contact | None]:
        """Count the message; within the limit claim it and return the contact (None for a
        redelivery, or over the limit: then nothing is claimed)."""

    async def load_conversation(self, contact_id: int) -> Conversation:
        """Return the stored dialog state of a contact."""

    async def save_conversation(self, contact_id: int, conversation: Conversation) -> None:
        """Store the dialog state of a contact."""

    async def log_message(
        self,
        contact_id: int,
        direction: str,
        text: str | None,
        handler: str | None,
        topic: str | None,
        at: datetime,
    ) -> None:
        """Record one message of the turn."""

    async def enqueue(self, message: Outbound, recipient: Recipient, at: datetime) -> None:
        """Queue a reply for a platform in the outbox, in this same transaction."""

    async def commit(self) -> None:
        """Commit the unit of work."""

    async def rollback(self) -> None:
        """Discard the unit of work."""


class StorageUnavailable(Exception):  # noqa: N818 (the name says what the caller must know)
    """The database failed for a reason that may pass (down, connection lost, busy).

    The turn is rolled back and nothing is claimed, so the platform's redelivery retries it.
    """


class Storage(Protocol):
    """Opens units of work."""

    def unit_of_work(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """Open one transaction."""
