"""The desk's case tools: internal notes, handover, outcomes, saved replies, the audit trail
shown on the case page, delivery state of officer replies, and who viewed a user's case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.inquiries import OUTCOMES, AnswerWindows, Centre, Officer
from storage.inquiries import centre_of, officer_of
from storage.inquiry_models import (
    CentreRow,
    InquiryEventRow,
    InquiryMessageRow,
    InquiryNoteRow,
    InquiryRow,
    OfficerRow,
    SavedReplyRow,
)
from storage.models import ContactRow, OutboxReceiptRow, OutboxRow

NOTE_LIMIT = 200
TRAIL_LIMIT = 300
SAVED_REPLY_LIMIT = 50
# Receipt statuses WhatsApp reports after delivery.
DELIVERED = frozenset({"delivered", "read"})


@dataclass(frozen=True, slots=True)
class CaseNote:
    """An internal note: who wrote it, what, when."""

    officer: str | None
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class TrailEntry:
    """One event of a case's audit trail, with the actor's name when an officer acted."""

    at: datetime
    action: str
    actor: str
    officer: str | None
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SavedReply:
    """A centre's saved reply."""

    id: int
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class CaseView:
    """One officer's view of a user's case, as the user's /dataku lists it."""

    reference: str
    officer: str
    centre: str
    at: datetime


def _officer_id(actor: str) -> int | None:
    """Return the officer id of an "officer:<id>" actor."""
    number = actor.removeprefix("officer:")
    return int(number) if actor.startswith("officer:") and number.isdecimal() else None


class SqlCaseTools:
    """Case-page operations on the unit of work's session; callers check the scope first."""

    session: AsyncSession
    windows: AnswerWindows

    async def _trail(
        self, inquiry_id: int, actor: Officer, action: str, detail: dict[str, Any], now: datetime
    ) -> None:
        """Record an officer's action in the audit trail."""
        self.session.add(
            InquiryEventRow(
                inquiry_id=inquiry_id,
                at=now,
                actor=f"officer:{actor.id}",
                action=action,
                detail=detail,
            )
        )
        await self.session.flush()

    async def add_note(self, inquiry_id: int, officer: Officer, text: str, now: datetime) -> None:
        """Store an internal note and audit it (the audit holds no note text)."""
        self.session.add(
            InquiryNoteRow(inquiry_id=inquiry_id, officer_id=officer.id, text=text, created_at=now)
        )
        await self._trail(inquiry_id, officer, "noted", {}, now)

    async def case_notes(self, inquiry_id: int) -> list[CaseNote]:
        """Return a case's internal notes, oldest first."""
        rows = await self.session.execute(
            select(InquiryNoteRow, OfficerRow.name)
            .outerjoin(OfficerRow, OfficerRow.id == InquiryNoteRow.officer_id)
            .where(InquiryNoteRow.inquiry_id == inquiry_id)
            .order_by(InquiryNoteRow.id)
            .limit(NOTE_LIMIT)
        )
        return [CaseNote(name, note.text, note.created_at) for note, name in rows]

    async def case_trail(self, inquiry_id: int) -> list[TrailEntry]:
        """Return a case's audit trail, oldest first, with officers' names."""
        events = list(
            await self.session.scalars(
                select(InquiryEventRow)
                .where(InquiryEventRow.inquiry_id == inquiry_id)
                .order_by(InquiryEventRow.id)
                .limit(TRAIL_LIMIT)
            )
        )
        ids = {number for event in events if (number := _officer_id(event.actor)) is not None}
        names: dict[int, str] = {}
        if ids:
            found = await self.session.execute(
                select(OfficerRow.id, OfficerRow.name).where(OfficerRow.id.in_(ids))
            )
            names = dict(found.all())
        return [
            TrailEntry(
                event.at,
                event.action,
                event.actor,
                names.get(_officer_id(event.actor) or 0),
                dict(event.detail or {}),
            )
            for event in events
        ]

    async def saved_replies(self, centre_id: str) -> list[SavedReply]:
        """Return a centre's saved replies by title."""
        rows = await self.session.scalars(
            select(SavedReplyRow)
            .where(SavedReplyRow.centre_id == centre_id)
            .order_by(SavedReplyRow.title, SavedReplyRow.id)
            .limit(SAVED_REPLY_LIMIT)
        )
        return [SavedReply(row.id, row.title, row.text) for row in rows]

    async def add_saved_reply(self, centre_id: str, title: str, text: str, now: datetime) -> int:
        """Store a centre's saved reply; return its id."""
        row = SavedReplyRow(centre_id=centre_id, title=title, text=text, created_at=now)
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def centres_in(self, scope: frozenset[str] | None) -> list[Centre]:
        """Return the centres of a scope (None: every centre), by name."""
        query = select(CentreRow).order_by(CentreRow.name, CentreRow.id)
        if scope is not None:
            query = query.where(CentreRow.id.in_(scope))
        return [centre_of(row) for row in await self.session.scalars(query)]

    async def officers_in(self, scope: frozenset[str] | None) -> list[Officer]:
        """Return the active officers of a scope's centres, by centre and name."""
        query = (
            select(OfficerRow)
            .where(OfficerRow.active.is_(True))
            .order_by(OfficerRow.centre_id, OfficerRow.name, OfficerRow.id)
        )
        if scope is not None:
            query = query.where(OfficerRow.centre_id.in_(scope))
        return [officer_of(row) for row in await self.session.scalars(query)]

    async def hand_over(
        self, row: InquiryRow, actor: Officer, centre_id: str, officer_id: int | None, now: datetime
    ) -> None:
        """Move an unresolved case to a centre, claimed by one of its officers or open again
        with a fresh deadline; the audit names the centres and officers, no personal data."""
        detail: dict[str, Any] = {"from": row.centre_id, "to": centre_id}
        row.centre_id = centre_id
        if officer_id is not None:
            row.status, row.claimed_by, row.claimed_at = "claimed", officer_id, now
            detail["officer"] = officer_id
        else:
            row.status, row.claimed_by, row.claimed_at = "open", None, None
            row.deadline_at = self.windows.first(row.priority, now)
        await self._trail(row.id, actor, "handed_over", detail, now)

    async def set_outcome(self, inquiry_id: int, outcome: str) -> None:
        """Store how a case ended."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        row = await self.session.get_one(InquiryRow, inquiry_id)
        row.outcome = outcome
        await self.session.flush()

    async def reply_deliveries(self, row: InquiryRow) -> dict[int, str]:
        """Return the delivery state of each officer reply of a case, by thread message id.

        A reply is queued in the same turn as its thread message, to the user's channel, with
        the officer's text inside: the first such outbox row at or after the message is its
        delivery. States: waiting, sent, delivered, failed.
        """
        if row.contact_id is None:
            return {}
        contact = await self.session.get(ContactRow, row.contact_id)
        if contact is None:
            return {}
        replies = list(
            await self.session.scalars(
                select(InquiryMessageRow)
                .where(
                    InquiryMessageRow.inquiry_id == row.id, InquiryMessageRow.sender == "officer"
                )
                .order_by(InquiryMessageRow.id)
            )
        )
        if not replies:
            return {}
        outbox = list(
            await self.session.scalars(
                select(OutboxRow)
                .where(
                    OutboxRow.channel == contact.channel,
                    OutboxRow.channel_user_id == contact.channel_user_id,
                    OutboxRow.created_at >= replies[0].created_at,
                )
                .order_by(OutboxRow.id)
            )
        )
        receipts: dict[int, set[str]] = {}
        if outbox:
            found = await self.session.execute(
                select(OutboxReceiptRow.outbox_id, OutboxReceiptRow.status).where(
                    OutboxReceiptRow.outbox_id.in_([item.id for item in outbox])
                )
            )
            for outbox_id, status in found.all():
                receipts.setdefault(outbox_id, set()).add(status)
        states: dict[int, str] = {}
        used: set[int] = set()
        for reply in replies:
            match = next(
                (
                    item
                    for item in outbox
                    if item.id not in used
                    and item.created_at >= reply.created_at
                    and reply.text in str((item.body or {}).get("text", ""))
                ),
                None,
            )
            if match is None:
                continue
            used.add(match.id)
            seen = receipts.get(match.id, set())
            if match.status == "failed" or "failed" in seen:
                states[reply.id] = "failed"
            elif seen & DELIVERED:
                states[reply.id] = "delivered"
            elif match.status == "sent":
                states[reply.id] = "sent"
            else:
                states[reply.id] = "waiting"
        return states

    async def case_views(self, contact_id: int) -> list[CaseView]:
        """Return the officers' views of a contact's cases, newest first (for /dataku)."""
        rows = await self.session.execute(
            select(InquiryEventRow.inquiry_id, InquiryEventRow.actor, InquiryEventRow.at)
            .join(InquiryRow, InquiryRow.id == InquiryEventRow.inquiry_id)
            .where(InquiryRow.contact_id == contact_id, InquiryEventRow.action == "viewed")
            .order_by(InquiryEventRow.at.desc(), InquiryEventRow.id.desc())
            .limit(TRAIL_LIMIT)
        )
        events = list(rows.all())
        ids = {number for _, actor, _ in events if (number := _officer_id(actor)) is not None}
        who: dict[int, tuple[str, str]] = {}
        if ids:
            found = await self.session.execute(
                select(OfficerRow.id, OfficerRow.name, CentreRow.name)
                .join(CentreRow, CentreRow.id == OfficerRow.centre_id)
                .where(OfficerRow.id.in_(ids))
            )
            who = {number: (name, centre) for number, name, centre in found.all()}
        return [
            CaseView(f"MA-{inquiry_id:05d}", *who.get(_officer_id(actor) or 0, ("-", "-")), at)
            for inquiry_id, actor, at in events
        ]
