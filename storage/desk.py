"""Officer desk sign-in state: server-side sessions and failed sign-in attempts.

A session row is keyed by the SHA-256 of the random id held in the browser's cookie, so a
copy of the table opens nothing. Sign-in failures are kept by hashed key (an officer id or a
client address) only as long as the lockout window needs them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, case, cast, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.inquiries import Officer
from storage.inquiries import officer_of
from storage.inquiry_models import InquiryMessageRow, InquiryRow, OfficerRow
from storage.models import Base, MessageRow


class OfficerSessionRow(Base):
    """One signed-in browser of an officer."""

    __tablename__ = "officer_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    officer_id: Mapped[int] = mapped_column(
        ForeignKey("officers.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class SignInFailureRow(Base):
    """One failed sign-in, under a hashed key ("officer:12" or "address:10.0.0.7")."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime]


@dataclass(frozen=True, slots=True)
class DeskSession:
    """A live session: who it belongs to and its CSRF token."""

    officer: Officer
    csrf_token: str


def secret_hash(value: str) -> str:
    """Return the stored form of a session id or a lockout key."""
    return hashlib.sha256(value.encode()).hexdigest()


class SqlDeskStore:
    """Session and lockout operations on the unit of work's session."""

    session: AsyncSession

    async def open_desk_session(
        self, session_id: str, officer_id: int, csrf_token: str, now: datetime, lifetime: timedelta
    ) -> None:
        """Store a new session for an officer."""
        self.session.add(
            OfficerSessionRow(
                id_hash=secret_hash(session_id),
                officer_id=officer_id,
                csrf_token=csrf_token,
                created_at=now,
                last_seen_at=now,
                expires_at=now + lifetime,
            )
        )
        await self.session.flush()

    async def desk_session(
        self, session_id: str, now: datetime, idle: timedelta
    ) -> DeskSession | None:
        """Return the live session with this id and mark it used; None when expired or revoked."""
        row = await self.session.get(OfficerSessionRow, secret_hash(session_id))
        if row is None:
            return None
        if row.expires_at <= now or row.last_seen_at + idle <= now:
            await self.session.delete(row)
            await self.session.flush()
            return None
        officer = await self.session.get(OfficerRow, row.officer_id)
        if officer is None or not officer.active:
            return None
        row.last_seen_at = now
        await self.session.flush()
        return DeskSession(officer_of(officer), row.csrf_token)

    async def close_desk_session(self, session_id: str) -> None:
        """Revoke one session (sign-out)."""
        await self.session.execute(
            delete(OfficerSessionRow).where(OfficerSessionRow.id_hash == secret_hash(session_id))
        )
        await self.session.flush()

    async def close_officer_sessions(self, officer_id: int) -> None:
        """Revoke every session of an officer (new password or code, removal)."""
        await self.session.execute(
            delete(OfficerSessionRow).where(OfficerSessionRow.officer_id == officer_id)
        )
        await self.session.flush()

    async def record_sign_in_failure(self, keys: list[str], now: datetime) -> None:
        """Count one failed sign-in against each key."""
        self.session.add_all(SignInFailureRow(key_hash=secret_hash(key), at=now) for key in keys)
        await self.session.flush()

    async def sign_in_failures(self, key: str, since: datetime) -> list[datetime]:
        """Return the times of a key's failures since a moment, oldest first."""
        rows = await self.session.scalars(
            select(SignInFailureRow.at)
            .where(SignInFailureRow.key_hash == secret_hash(key), SignInFailureRow.at >= since)
            .order_by(SignInFailureRow.at)
            .limit(100)
        )
        return list(rows)

    async def clear_sign_in_failures(self, key: str) -> None:
        """Forget a key's failures (after a successful sign-in)."""
        await self.session.execute(
            delete(SignInFailureRow).where(SignInFailureRow.key_hash == secret_hash(key))
        )
        await self.session.flush()

    async def forget_desk_state(self, now: datetime, keep: timedelta) -> int:
        """Delete expired sessions and failures older than `keep`; return rows deleted."""
        sessions = await self.session.execute(
            delete(OfficerSessionRow).where(OfficerSessionRow.expires_at <= now)
        )
        failures = await self.session.execute(
            delete(SignInFailureRow).where(SignInFailureRow.at < now - keep)
        )
        await self.session.flush()
        return int(sessions.rowcount or 0) + int(failures.rowcount or 0)  # type: ignore[attr-defined]

    async def set_password_hash(self, officer_id: int, password_hash: str) -> bool:
        """Store an officer's password hash and end their sessions; False when no such officer."""
        row = await self.session.get(OfficerRow, officer_id)
        if row is None:
            return False
        row.password_hash = password_hash
        await self.close_officer_sessions(officer_id)
        return True

    async def officer_with_password(self, officer_id: int) -> tuple[Officer, str] | None:
        """Return an active officer and their password hash, when one is set."""
        row = await self.session.get(OfficerRow, officer_id)
        if row is None or not row.active or not row.password_hash:
            return None
        return officer_of(row), row.password_hash


# --- the desk's queue and case page -------------------------------------------------------

STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "aktif": ("open", "claimed"),
    "baru": ("open",),
    "diambil": ("claimed",),
    "selesai": ("resolved",),
    "semua": ("open", "claimed", "resolved"),
}
PRIORITY_FILTERS = {"mendesak": "urgent", "biasa": "normal"}
QUEUE_LIMIT = 200
THREAD_LIMIT = 300


@dataclass(frozen=True, slots=True)
class QueueFilters:
    """The queue's optional narrowing filters, already validated by the desk."""

    topic: str = ""  # a topic id or its prefix ("prosedur" or "prosedur.cek_perusahaan")
    destination: str = ""  # part of the destination country, any case
    red_flag: str = ""  # one red-flag code
    village: str = ""  # part of the village name, or its exact region code
    since: datetime | None = None  # filed at or after
    until: datetime | None = None  # filed before


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One line of the desk's queue."""

    id: int
    status: str
    priority: str
    topic: str | None
    red_flags: list[str]
    created_at: datetime
    deadline_at: datetime
    holder: str | None
    centre_id: str = ""

    @property
    def reference(self) -> str:
        """Return the number the user quotes."""
        return f"MA-{self.id:05d}"

    def overdue(self, now: datetime) -> bool:
        """Return True when nobody claimed it before its deadline."""
        return self.status == "open" and self.deadline_at <= now


@dataclass(frozen=True, slots=True)
class ThreadEntry:
    """One message of a case's conversation: who (user, bot, officer), what and when."""

    sender: str
    text: str
    at: datetime
    officer: str | None = None
    message_id: int | None = None  # the officer thread's message id (for its delivery state)


def _narrowed(query: Any, filters: QueueFilters) -> Any:
    """Add the optional filters to a queue query (the scope condition stays as it is)."""
    if filters.topic:
        query = query.where(
            or_(
                InquiryRow.topic == filters.topic,
                InquiryRow.topic.startswith(filters.topic + ".", autoescape=True),
            )
        )
    if filters.destination:
        query = query.where(
            func.lower(InquiryRow.destination).contains(
                filters.destination.lower(), autoescape=True
            )
        )
    if filters.red_flag:
        # The codes are a JSON list: its text holds each code in quotes on both backends.
        query = query.where(
            cast(InquiryRow.red_flags, String).contains(f'"{filters.red_flag}"', autoescape=True)
        )
    if filters.village:
        query = query.where(
            or_(
                InquiryRow.village_code == filters.village,
                func.lower(InquiryRow.village_text).contains(
                    filters.village.lower(), autoescape=True
                ),
            )
        )
    if filters.since is not None:
        query = query.where(InquiryRow.created_at >= filters.since)
    if filters.until is not None:
        query = query.where(InquiryRow.created_at < filters.until)
    return query


class SqlDeskQueries:
    """Read models of the desk on the unit of work's session, always within one centre."""

    session: AsyncSession

    async def desk_queue(
        self,
        scope: frozenset[str] | None,
        status: str,
        priority: str,
        case_id: int | None,
        filters: QueueFilters | None = None,
    ) -> list[QueueItem]:
        """Return the inquiries of the scope's centres (None: all) by filter, urgent first,
        then by deadline."""
        urgent_first = case((InquiryRow.priority == "urgent", 0), else_=1)
        query = (
            select(InquiryRow, OfficerRow.name)
            .outerjoin(OfficerRow, OfficerRow.id == InquiryRow.claimed_by)
            .where(InquiryRow.status.in_(STATUS_FILTERS.get(status, STATUS_FILTERS["aktif"])))
            .order_by(urgent_first, InquiryRow.deadline_at, InquiryRow.id)
            .limit(QUEUE_LIMIT)
        )
        if scope is not None:
            query = query.where(InquiryRow.centre_id.in_(scope))
        if priority in PRIORITY_FILTERS:
            query = query.where(InquiryRow.priority == PRIORITY_FILTERS[priority])
        if case_id is not None:
            query = query.where(InquiryRow.id == case_id)
        if filters is not None:
            query = _narrowed(query, filters)
        rows = await self.session.execute(query)
        return [
            QueueItem(
                id=row.id,
                status=row.status,
                priority=row.priority,
                topic=row.topic,
                red_flags=list(row.red_flags or []),
                created_at=row.created_at,
                deadline_at=row.deadline_at,
                holder=holder,
                centre_id=row.centre_id,
            )
            for row, holder in rows
        ]

    async def case_in_scope(
        self, inquiry_id: int, scope: frozenset[str] | None
    ) -> InquiryRow | None:
        """Return an inquiry only when its centre is in the scope (else None, as if absent)."""
        row = await self.session.get(InquiryRow, inquiry_id, populate_existing=True)
        if row is None or (scope is not None and row.centre_id not in scope):
            return None
        return row

    async def case_thread(self, row: InquiryRow) -> list[ThreadEntry]:
        """Return the whole conversation of a case: the user's chat with the bot (text kept
        only with consent) and the officer thread, oldest first."""
        entries: list[ThreadEntry] = []
        seen: set[tuple[str, datetime]] = set()
        if row.contact_id is not None:
            messages = await self.session.scalars(
                select(MessageRow)
                .where(MessageRow.contact_id == row.contact_id, MessageRow.text.is_not(None))
                .order_by(MessageRow.id.desc())
                .limit(THREAD_LIMIT)
            )
            for message in reversed(list(messages)):
                sender = "user" if message.direction == "in" else "bot"
                entries.append(ThreadEntry(sender, message.text or "", message.created_at))
                seen.add((message.text or "", message.created_at))
        officers = await self.session.execute(
            select(InquiryMessageRow, OfficerRow.name)
            .outerjoin(OfficerRow, OfficerRow.id == InquiryMessageRow.officer_id)
            .where(InquiryMessageRow.inquiry_id == row.id)
            .order_by(InquiryMessageRow.id)
            .limit(THREAD_LIMIT)
        )
        for message, name in officers:
            # A user's message to the holding officer is also in the chat log: show it once.
            if message.sender == "user" and (message.text, message.created_at) in seen:
                continue
            entries.append(
                ThreadEntry(message.sender, message.text, message.created_at, name, message.id)
            )
        return sorted(entries, key=lambda entry: entry.at)
