"""SQL statements of the follow-up round: overdue inquiries, their locks, and the centres above."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.inquiries import CENTRE_KINDS
from storage.inquiry_models import CentreRegionRow, CentreRow, InquiryRow

# One round handles at most this many inquiries; the next round picks up the rest.
ROUND_LIMIT = 500


def _overdue(now: datetime) -> ColumnElement[bool]:
    """Return the condition of an inquiry nobody claimed in time."""
    return (InquiryRow.status == "open") & (InquiryRow.deadline_at <= now)


async def overdue_ids(session: AsyncSession, now: datetime) -> list[int]:
    """Return the ids of open inquiries past their deadline, most overdue first."""
    rows = await session.scalars(
        select(InquiryRow.id)
        .where(_overdue(now))
        .order_by(InquiryRow.deadline_at, InquiryRow.id)
        .limit(ROUND_LIMIT)
    )
    return list(rows)


async def lock_overdue(session: AsyncSession, inquiry_id: int, now: datetime) -> InquiryRow | None:
    """Return the inquiry if still open and overdue, locked against a second follow-up worker."""
    # SKIP LOCKED (PostgreSQL; SQLite ignores it and serialises writers): another worker
    # already handling this inquiry makes this one pass over it instead of waiting.
    return await session.scalar(
        select(InquiryRow)
        .where(InquiryRow.id == inquiry_id, _overdue(now))
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )


async def centre_above(
    session: AsyncSession, region_codes: list[str], kind: str
) -> CentreRow | None:
    """Return the nearest centre above ``kind`` on the ladder covering any of the codes."""
    if not region_codes:
        return None
    rank = CENTRE_KINDS.index(kind) if kind in CENTRE_KINDS else len(CENTRE_KINDS)
    higher = CENTRE_KINDS[rank + 1 :]
    rows = (
        await session.execute(
            select(CentreRegionRow.region_code, CentreRow)
            .join(CentreRow, CentreRow.id == CentreRegionRow.centre_id)
            .where(
                CentreRegionRow.region_code.in_(region_codes),
                CentreRow.kind.in_(higher),
                CentreRow.active.is_(True),  # a deactivated centre gets no escalations
            )
        )
    ).all()
    if not rows:
        return None
    # The nearest level up wins (a regency office before the province), then the most specific code.
    best = min(
        rows,
        key=lambda pair: (
            CENTRE_KINDS.index(pair[1].kind),
            region_codes.index(pair[0]),
            pair[1].id,
        ),
    )
    return best[1]


async def mark_reminded(
    session: AsyncSession, inquiry_id: int, now: datetime, deadline: datetime
) -> bool:
    """Record a reminder and push the deadline; False when the inquiry was claimed meanwhile."""
    result = await session.execute(
        update(InquiryRow)
        .where(InquiryRow.id == inquiry_id, _overdue(now))
        .values(reminded_at=now, deadline_at=deadline)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def move_to_centre(
    session: AsyncSession, inquiry_id: int, centre_id: str, now: datetime, deadline: datetime
) -> bool:
    """Hand an inquiry to another centre with a fresh deadline; False when claimed meanwhile."""
    result = await session.execute(
        update(InquiryRow)
        .where(InquiryRow.id == inquiry_id, _overdue(now))
        .values(
            centre_id=centre_id,
            escalations=InquiryRow.escalations + 1,
            deadline_at=deadline,
            reminded_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]
