"""SQL side of the inquiry port: routing, filing, claiming, threads and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.inquiries import (
    CENTRE_KINDS,
    DASHBOARD_CHANNEL,
    NATIONAL_CENTRE,
    REACH_CHOICES,
    AnswerWindows,
    Centre,
    Inquiry,
    InquiryDraft,
    Officer,
)
from bot.messages import Recipient
from storage import followup as followup_sql
from storage.inquiry_models import (
    CentreRegionRow,
    CentreRow,
    InquiryEventRow,
    InquiryMessageRow,
    InquiryRow,
    OfficerRow,
)
from storage.models import ContactRow

PERSONAL_FIELDS = ("name", "village_text", "recruiter", "question", "location", "reach_number")
# What the user may add to their urgent case after it was filed.
CASE_FIELDS = frozenset({"name", "location", "reach", "reach_number", "third_party", "asker"})


def centre_of(row: CentreRow) -> Centre:
    """Convert a centre row."""
    return Centre(row.id, row.name, row.kind, row.contact, row.hours)


def officer_of(row: OfficerRow) -> Officer:
    """Convert an officer row."""
    return Officer(
        row.id, row.centre_id, row.name, row.channel, row.channel_user_id, row.role or "officer"
    )


def inquiry_of(row: InquiryRow, holder: str | None = None) -> Inquiry:
    """Convert an inquiry row."""
    draft = InquiryDraft(
        asker=row.asker,
        name=row.name,
        village_code=row.village_code,
        village_text=row.village_text,
        destination=row.destination,
        job=row.job,
        recruiter=row.recruiter,
        paid_amount=row.paid_amount,
        paid_note=row.paid_note,
        question=row.question,
        topic=row.topic,
        red_flags=list(row.red_flags or []),
        location=row.location,
        reach=row.reach,
        reach_number=row.reach_number,
        third_party=bool(row.third_party),
    )
    return Inquiry(
        id=row.id,
        centre_id=row.centre_id,
        status=row.status,
        priority=row.priority,
        contact_id=row.contact_id,
        draft=draft,
        created_at=row.created_at,
        claimed_by=row.claimed_by,
        claimed_by_name=holder,
        officer_last_reply_at=row.officer_last_reply_at,
    )


class SqlInquiryStore:
    """Inquiry operations on the unit of work's session."""

    session: AsyncSession
    windows: AnswerWindows = AnswerWindows()

    async def officer_for(self, channel: str, user_id: str) -> Officer | None:
        """Return the active officer using this channel account (or the dashboard), if any."""
        if channel == DASHBOARD_CHANNEL:
            number = user_id.removeprefix("officer-")
            row = (
                await self.session.get(OfficerRow, int(number))
                if number.isascii() and number.isdecimal()
                else None
            )
            return officer_of(row) if row and row.active else None
        row = await self.session.scalar(
            select(OfficerRow).where(
                OfficerRow.channel == channel,
                OfficerRow.channel_user_id == user_id,
                OfficerRow.active.is_(True),
            )
        )
        return officer_of(row) if row else None

    async def route(self, region_codes: list[str]) -> Centre:
        """Return the centre covering the most specific code; the national centre otherwise."""
        if region_codes:
            rows = (
                await self.session.execute(
                    select(CentreRegionRow.region_code, CentreRow)
                    .join(CentreRow, CentreRow.id == CentreRegionRow.centre_id)
                    .where(
                        CentreRegionRow.region_code.in_(region_codes),
                        CentreRow.active.is_(True),  # a deactivated centre gets no new cases
                    )
                )
            ).all()
            for code in region_codes:
                covering = [centre for region, centre in rows if region == code]
                if covering:
                    # Of several centres on one code, the one lowest on the ladder is closest.
                    covering.sort(
                        key=lambda c: (
                            CENTRE_KINDS.index(c.kind) if c.kind in CENTRE_KINDS else 9,
                            c.id,
                        )
                    )
                    return centre_of(covering[0])
        national = await self.session.get_one(CentreRow, NATIONAL_CENTRE)
        return centre_of(national)

    async def centre(self, centre_id: str) -> Centre | None:
        """Return a centre by id."""
        row = await self.session.get(CentreRow, centre_id)
        return centre_of(row) if row else None

    async def officers_of(self, centre_id: str) -> list[Officer]:
        """Return the active officers of a centre."""
        rows = await self.session.scalars(
            select(OfficerRow)
            .where(OfficerRow.centre_id == centre_id, OfficerRow.active.is_(True))
            .order_by(OfficerRow.id)
        )
        return [officer_of(row) for row in rows]

    async def file_inquiry(
        self,
        contact_id: int | None,
        draft: InquiryDraft,
        centre_id: str,
        priority: str,
        now: datetime,
    ) -> Inquiry:
        """Store a new inquiry and its audit event."""
        row = InquiryRow(
            contact_id=contact_id,
            centre_id=centre_id,
            status="open",
            priority=priority,
            asker=draft.asker,
            name=draft.name,
            village_code=draft.village_code,
            village_text=draft.village_text,
            destination=draft.destination,
            job=draft.job,
            recruiter=draft.recruiter,
            paid_amount=draft.paid_amount,
            paid_note=draft.paid_note,
            question=draft.question,
            topic=draft.topic,
            red_flags=list(draft.red_flags),
            location=draft.location,
            reach=draft.reach,
            reach_number=draft.reach_number,
            third_party=draft.third_party,
            created_at=now,
            escalations=0,
            deadline_at=self.windows.first(priority, now),
        )
        self.session.add(row)
        await self.session.flush()
        await self.audit(
            row.id, "user", "created", {"centre": centre_id, "priority": priority}, now
        )
        return inquiry_of(row)

    async def get_inquiry(self, inquiry_id: int) -> Inquiry | None:
        """Return an inquiry by id, with the holder's name."""
        row = await self.session.get(InquiryRow, inquiry_id, populate_existing=True)
        if row is None:
            return None
        holder = None
        if row.claimed_by is not None:
            officer = await self.session.get(OfficerRow, row.claimed_by)
            holder = officer.name if officer else None
        return inquiry_of(row, holder)

    async def queue(self, centre_id: str) -> list[Inquiry]:
        """Return a centre's unresolved inquiries, urgent and oldest first."""
        urgent_first = case((InquiryRow.priority == "urgent", 0), else_=1)
        rows = await self.session.scalars(
            select(InquiryRow)
            .where(InquiryRow.centre_id == centre_id, InquiryRow.status != "resolved")
            .order_by(urgent_first, InquiryRow.created_at, InquiryRow.id)
        )
        return [inquiry_of(row) for row in rows]

    async def officer_scope(self, officer: Officer) -> frozenset[str] | None:
        """Return the centre ids an officer works on; None for an administrator (all).

        A supervisor covers the own centre and every centre with a region code under one of
        the own centre's codes (a regency office on 33.05 covers 33.05.05.2001's centre).
        """
        if officer.role == "admin":
            return None
        if officer.role != "supervisor":
            return frozenset({officer.centre_id})
        own = set(
            await self.session.scalars(
                select(CentreRegionRow.region_code).where(
                    CentreRegionRow.centre_id == officer.centre_id
                )
            )
        )
        covered = {officer.centre_id}
        for centre_id, code in await self.session.execute(
            select(CentreRegionRow.centre_id, CentreRegionRow.region_code)
        ):
            if any(code == mine or code.startswith(mine + ".") for mine in own):
                covered.add(centre_id)
        return frozenset(covered)

    async def may_handle(self, officer: Officer, centre_id: str) -> bool:
        """Return True when the officer's role covers the centre's cases."""
        scope = await self.officer_scope(officer)
        return scope is None or centre_id in scope

    async def claim(
        self, inquiry_id: int, officer: Officer, now: datetime
    ) -> tuple[bool, str | None]:
        """Claim an open inquiry with one conditional UPDATE: exactly one concurrent claim wins."""
        query = update(InquiryRow).where(InquiryRow.id == inquiry_id, InquiryRow.status == "open")
        scope = await self.officer_scope(officer)
        if scope is not None:
            query = query.where(InquiryRow.centre_id.in_(scope))
        result = await self.session.execute(
            query.values(status="claimed", claimed_by=officer.id, claimed_at=now).execution_options(
                synchronize_session=False
            )
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            await self.audit(inquiry_id, f"officer:{officer.id}", "claimed", {}, now)
            return True, None
        current = await self.get_inquiry(inquiry_id)
        return False, current.claimed_by_name if current else None

    async def take_over(
        self, inquiry_id: int, officer: Officer, from_centre: str, now: datetime
    ) -> bool:
        """Move an open urgent inquiry up to the officer's centre and claim it, in one UPDATE."""
        result = await self.session.execute(
            update(InquiryRow)
            .where(
                InquiryRow.id == inquiry_id,
                InquiryRow.status == "open",
                InquiryRow.priority == "urgent",
                InquiryRow.centre_id == from_centre,
            )
            .values(
                centre_id=officer.centre_id,
                status="claimed",
                claimed_by=officer.id,
                claimed_at=now,
                escalations=InquiryRow.escalations + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False
        detail = {"from": from_centre, "to": officer.centre_id}
        await self.audit(inquiry_id, f"officer:{officer.id}", "taken_over", detail, now)
        return True

    async def add_thread_message(
        self, inquiry_id: int, sender: str, text: str, officer_id: int | None, now: datetime
    ) -> None:
        """Add a thread message; an officer's message also counts as an answer."""
        self.session.add(
            InquiryMessageRow(
                inquiry_id=inquiry_id,
                sender=sender,
                officer_id=officer_id,
                text=text,
                created_at=now,
            )
        )
        if sender == "officer":
            row = await self.session.get_one(InquiryRow, inquiry_id)
            row.first_response_at = row.first_response_at or now
            row.officer_last_reply_at = now
            await self.audit(inquiry_id, f"officer:{officer_id}", "replied", {}, now)
        await self.session.flush()

    async def resolve(self, inquiry_id: int, officer: Officer, note: str, now: datetime) -> None:
        """Close an inquiry with the officer's note."""
        row = await self.session.get_one(InquiryRow, inquiry_id)
        row.status = "resolved"
        row.resolved_at = now
        row.resolution_note = note or None
        row.first_response_at = row.first_response_at or now
        await self.audit(inquiry_id, f"officer:{officer.id}", "resolved", {}, now)
        await self.session.flush()

    async def contact_recipient(self, contact_id: int) -> Recipient | None:
        """Return where messages to a contact go."""
        row = await self.session.get(ContactRow, contact_id)
        return Recipient(row.channel, row.channel_user_id) if row else None

    async def contact_locale(self, contact_id: int) -> str | None:
        """Return the contact's language, if the contact still exists."""
        row = await self.session.get(ContactRow, contact_id)
        return row.locale if row else None

    async def held_inquiry(self, contact_id: int, since: datetime) -> Inquiry | None:
        """Return the contact's claimed inquiry whose officer wrote since the given time."""
        row = await self.session.scalar(
            select(InquiryRow)
            .where(
                InquiryRow.contact_id == contact_id,
                InquiryRow.status == "claimed",
                InquiryRow.officer_last_reply_at >= since,
            )
            .order_by(InquiryRow.officer_last_reply_at.desc())
            .limit(1)
        )
        return inquiry_of(row) if row else None

    async def thread(self, inquiry_id: int) -> list[tuple[str, str, datetime]]:
        """Return the (sender, text, time) messages of an inquiry's thread, oldest first."""
        rows = await self.session.scalars(
            select(InquiryMessageRow)
            .where(InquiryMessageRow.inquiry_id == inquiry_id)
            .order_by(InquiryMessageRow.id)
        )
        return [(row.sender, row.text, row.created_at) for row in rows]

    async def officer_by_code(self, code_hash: str) -> Officer | None:
        """Return the active officer whose dashboard access code has this hash."""
        row = await self.session.scalar(
            select(OfficerRow).where(
                OfficerRow.dashboard_code_hash == code_hash, OfficerRow.active.is_(True)
            )
        )
        return officer_of(row) if row else None

    async def set_dashboard_code(self, officer_id: int, code_hash: str) -> bool:
        """Store a new access-code hash for an officer; False when there is no such officer."""
        row = await self.session.get(OfficerRow, officer_id)
        if row is None:
            return False
        row.dashboard_code_hash = code_hash
        await self.session.flush()
        return True

    async def audit(
        self, inquiry_id: int, actor: str, action: str, detail: dict[str, Any], now: datetime
    ) -> None:
        """Record a change in the audit trail."""
        self.session.add(
            InquiryEventRow(
                inquiry_id=inquiry_id, at=now, actor=actor, action=action, detail=detail
            )
        )
        await self.session.flush()

    async def redact_inquiry(self, inquiry_id: int, now: datetime) -> None:
        """Remove an inquiry's personal text, keeping the link the officer answers through."""
        row = await self.session.get_one(InquiryRow, inquiry_id)
        for name in PERSONAL_FIELDS:
            setattr(row, name, None)
        await self.audit(inquiry_id, "user", "redacted", {}, now)

    async def open_urgent_inquiry(self, contact_id: int) -> Inquiry | None:
        """Return the contact's unresolved urgent inquiry, if any."""
        row = await self.session.scalar(
            select(InquiryRow)
            .where(
                InquiryRow.contact_id == contact_id,
                InquiryRow.priority == "urgent",
                InquiryRow.status != "resolved",
            )
            .order_by(InquiryRow.id.desc())
            .limit(1)
        )
        return inquiry_of(row) if row else None

    async def update_case(self, inquiry_id: int, changes: dict[str, Any], now: datetime) -> None:
        """Attach what the user added to their case; the audit names the fields, not the values."""
        unknown = set(changes) - CASE_FIELDS
        if unknown:
            raise ValueError(f"not a case field: {sorted(unknown)}")
        if changes.get("reach") not in (None, *REACH_CHOICES):
            raise ValueError(f"unknown reach {changes['reach']!r}")
        row = await self.session.get_one(InquiryRow, inquiry_id)
        for name, value in changes.items():
            setattr(row, name, value)
        await self.audit(inquiry_id, "user", "updated", {"fields": sorted(changes)}, now)

    # --- follow-up round (bot/followup.py); statements in storage/followup.py ---

    async def overdue_inquiry_ids(self, now: datetime) -> list[int]:
        """Return the ids of open inquiries past their deadline."""
        return await followup_sql.overdue_ids(self.session, now)

    async def lock_overdue(self, inquiry_id: int, now: datetime) -> tuple[Inquiry, bool] | None:
        """Lock an open overdue inquiry; return it and whether it was already reminded."""
        row = await followup_sql.lock_overdue(self.session, inquiry_id, now)
        return (inquiry_of(row), row.reminded_at is not None) if row else None

    async def route_above(self, region_codes: list[str], kind: str) -> Centre:
        """Return the nearest centre above ``kind`` covering a code; else the national one."""
        row = await followup_sql.centre_above(self.session, region_codes, kind)
        return centre_of(row or await self.session.get_one(CentreRow, NATIONAL_CENTRE))

    async def mark_reminded(self, inquiry_id: int, now: datetime, deadline: datetime) -> bool:
        """Record a reminder and push the deadline; False when it was claimed meanwhile."""
        return await followup_sql.mark_reminded(self.session, inquiry_id, now, deadline)

    async def move_to_centre(
        self, inquiry_id: int, centre_id: str, now: datetime, deadline: datetime
    ) -> bool:
        """Escalate an inquiry to another centre; False when it was claimed meanwhile."""
        return await followup_sql.move_to_centre(self.session, inquiry_id, centre_id, now, deadline)
