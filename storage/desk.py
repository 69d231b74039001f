"""Officer desk sign-in state: server-side sessions and failed sign-in attempts.

A session row is keyed by the SHA-256 of the random id held in the browser's cookie, so a
copy of the table opens nothing. Sign-in failures are kept by hashed key (an officer id or a
client address) only as long as the lockout window needs them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, String, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.inquiries import Officer
from storage.inquiries import officer_of
from storage.inquiry_models import OfficerRow
from storage.models import Base


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
