"""Erasure that erases: a contact's personal text leaves every table; anonymous counts stay.

What stays of an inquiry is what the village report counts: its centre, week, status,
priority, topic, red-flag codes, and a destination or job only when it is one of the menu
choices (typed ones can identify a person). Everything else is deleted or redacted:
messages and queued or sent deliveries to the contact (with their receipts), the inquiry's
free text, location, other number, thread, officers' notes and amount, the review queue's copy of
their messages, and any notice to an officer that quotes the contact.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.intake import DESTINATIONS, JOBS
from storage.inbound_queue import PARKED
from storage.inquiry_models import (
    InquiryEventRow,
    InquiryMessageRow,
    InquiryNoteRow,
    InquiryRow,
    OfficerRow,
)
from storage.models import (
    CallbackPayloadRow,
    ContactRow,
    ConversationRow,
    InboundQueueRow,
    MessageRow,
    OutboxReceiptRow,
    OutboxRow,
    WebReplyRow,
)
from storage.review import ReviewRow, review_hash

# Inquiry columns holding what the person typed or who they are.
FREE_TEXT_FIELDS = (
    "name",
    "village_text",
    "village_code",
    "recruiter",
    "paid_amount",
    "paid_note",
    "question",
    "resolution_note",
    "location",
    "reach_number",
)
MENU_CHOICES = {
    "destination": frozenset(choice.casefold() for choice in DESTINATIONS),
    "job": frozenset(choice.casefold() for choice in JOBS),
}
REDACTED = "(dihapus atas permintaan pengguna)"
# Shorter texts ("ya", "1", "halo") would match unrelated messages; inquiry references
# catch the notices that quote them.
MIN_NEEDLE = 6


def owner_key(channel: str, user_id: str) -> str:
    """Return the hashed owner of a web reply, so it can be erased without storing the id."""
    return hashlib.sha256(f"owner\x00{channel}\x00{user_id}".encode()).hexdigest()


class _Needles:
    """The strings and inquiry references that identify one contact in stored text."""

    def __init__(self, texts: set[str], inquiry_ids: list[int]) -> None:
        self.texts = {text.casefold() for text in texts if text and len(text) >= MIN_NEEDLE}
        refs = [rf"MA-{number:05d}\b|#{number}\b" for number in inquiry_ids]
        self.refs = re.compile("|".join(refs)) if refs else None

    def found_in(self, value: Any) -> bool:
        """Return True when a stored value quotes the contact."""
        if value is None:
            return False
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        folded = text.casefold()
        if any(needle in folded for needle in self.texts):
            return True
        return self.refs is not None and self.refs.search(text) is not None


async def erase_contact_data(session: AsyncSession, contact_id: int, now: datetime) -> None:
    """Remove a contact's personal data from every table (the caller commits)."""
    contact = await session.get_one(ContactRow, contact_id)
    inquiries = list(
        await session.scalars(select(InquiryRow).where(InquiryRow.contact_id == contact_id))
    )
    inquiry_ids = [row.id for row in inquiries]
    texts = {contact.channel_user_id, contact.display_name or ""}
    for row in inquiries:
        texts |= {str(getattr(row, name) or "") for name in FREE_TEXT_FIELDS}
        texts |= {row.destination or "", row.job or ""} - {""}
    if inquiry_ids:
        texts |= set(
            await session.scalars(
                select(InquiryMessageRow.text).where(InquiryMessageRow.inquiry_id.in_(inquiry_ids))
            )
        )
    inbound_texts = [
        text
        for text in await session.scalars(
            select(MessageRow.text).where(
                MessageRow.contact_id == contact_id, MessageRow.direction == "in"
            )
        )
        if text
    ]
    needles = _Needles((texts | set(inbound_texts)) - {""}, inquiry_ids)

    await _anonymise_inquiries(session, inquiries, now)
    await _erase_deliveries(session, contact.channel, contact.channel_user_id, contact.created_at)
    await _redact_officer_copies(session, needles, contact.created_at)
    await session.execute(
        delete(WebReplyRow).where(
            WebReplyRow.owner == owner_key(contact.channel, contact.channel_user_id)
        )
    )
    for payload in await session.scalars(
        select(CallbackPayloadRow).where(CallbackPayloadRow.created_at >= contact.created_at)
    ):
        if needles.found_in(payload.payload):
            await session.delete(payload)
    # The review queue keeps no link to the contact, only the text (with consent): the same
    # texts the contact sent lose it; the hash and counts stay for the learning loop.
    hashes = {review_hash(text) for text in inbound_texts}
    if hashes:
        await session.execute(
            update(ReviewRow).where(ReviewRow.text_hash.in_(hashes)).values(text=None)
        )
    # A parked message (its turn kept failing) keeps its text for diagnosis: not after an
    # erasure. Queued rows stay: their turns still have to be answered.
    await session.execute(
        delete(InboundQueueRow).where(
            InboundQueueRow.channel == contact.channel,
            InboundQueueRow.channel_user_id == contact.channel_user_id,
            InboundQueueRow.status == PARKED,
        )
    )
    for model in (MessageRow, ConversationRow):
        await session.execute(delete(model).where(model.contact_id == contact_id))
    await session.execute(delete(ContactRow).where(ContactRow.id == contact_id))
    await session.flush()


async def _anonymise_inquiries(
    session: AsyncSession, inquiries: list[InquiryRow], now: datetime
) -> None:
    """Keep only the counted fields of the contact's inquiries; delete their threads."""
    for row in inquiries:
        for name in FREE_TEXT_FIELDS:
            setattr(row, name, None)
        for name, choices in MENU_CHOICES.items():
            value = getattr(row, name)
            if value is not None and value.strip().casefold() not in choices:
                setattr(row, name, None)
        row.contact_id = None
        for model in (InquiryMessageRow, InquiryNoteRow):
            await session.execute(delete(model).where(model.inquiry_id == row.id))
        session.add(
            InquiryEventRow(inquiry_id=row.id, at=now, actor="user", action="erased", detail={})
        )


async def _erase_deliveries(
    session: AsyncSession, channel: str, user_id: str, since: datetime
) -> None:
    """Delete every outbox row to the contact, whatever its status, with its receipts."""
    to_contact = select(OutboxRow.id).where(
        OutboxRow.channel == channel, OutboxRow.channel_user_id == user_id
    )
    await session.execute(
        delete(OutboxReceiptRow).where(OutboxReceiptRow.outbox_id.in_(to_contact))
    )
    await session.execute(
        delete(OutboxRow).where(OutboxRow.channel == channel, OutboxRow.channel_user_id == user_id)
    )


async def _redact_officer_copies(session: AsyncSession, needles: _Needles, since: datetime) -> None:
    """Redact notices to officers, and officers' logged messages, that quote the contact."""
    officers = (await session.execute(select(OfficerRow.channel, OfficerRow.channel_user_id))).all()
    if not officers:
        return
    pairs = [tuple(pair) for pair in officers]
    rows = await session.scalars(
        select(OutboxRow).where(
            tuple_(OutboxRow.channel, OutboxRow.channel_user_id).in_(pairs),
            OutboxRow.created_at >= since,
        )
    )
    for row in rows:
        if not needles.found_in(row.body.get("text")):
            continue
        if row.status in ("pending", "held"):
            await session.delete(row)  # not delivered yet: the officer no longer needs it
        else:
            row.body = {"text": REDACTED, "buttons": [], "options": [], "options_title": ""}
    officer_contacts = select(ContactRow.id).where(
        or_(
            *(
                (ContactRow.channel == channel) & (ContactRow.channel_user_id == user)
                for channel, user in pairs
            )
        )
    )
    messages = await session.scalars(
        select(MessageRow).where(
            MessageRow.contact_id.in_(officer_contacts),
            MessageRow.created_at >= since,
            MessageRow.text.is_not(None),
        )
    )
    for message in messages:
        if needles.found_in(message.text):
            message.text = None
