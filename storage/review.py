"""The review queue of the learning loop: "not sure" answers and `check` questions.

Each distinct message is one row with a count, so `migrasi-aman review` can list what
users ask most that the bot could not place. The text is kept only for users who agreed to
the consent text; otherwise only its hash and the topic scores are kept.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.review import ReviewItem
from knowledge.normalize import fold
from storage.models import Base
from storage.types import UTCDateTime


class ReviewRow(Base):
    """One distinct message waiting for a maintainer's label."""

    __tablename__ = "review_items"
    __table_args__ = (UniqueConstraint("kind", "text_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # not_sure | check
    text_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    label: Mapped[str | None] = mapped_column(String(80), nullable=True)
    labelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


def review_hash(text: str) -> str:
    """Return the hash that groups the same message however it was capitalised or spaced."""
    return hashlib.sha256(fold(text).encode()).hexdigest()


def _item(row: ReviewRow) -> ReviewItem:
    return ReviewItem(
        id=row.id,
        kind=row.kind,
        text=row.text,
        scores=dict(row.scores or {}),
        count=row.count,
        last_seen=row.last_seen,
        label=row.label,
    )


class SqlReviewStore:
    """Records review items inside a turn's unit of work."""

    session: AsyncSession

    async def record_review(
        self, kind: str, text: str, consented: bool, scores: dict[str, float], at: datetime
    ) -> None:
        """Add one occurrence of a message to the queue (text only with consent)."""
        digest = review_hash(text)
        row = await self.session.scalar(
            select(ReviewRow).where(ReviewRow.kind == kind, ReviewRow.text_hash == digest)
        )
        if row is None:
            self.session.add(
                ReviewRow(
                    kind=kind,
                    text_hash=digest,
                    text=text[:1000] if consented else None,
                    scores=scores,
                    count=1,
                    first_seen=at,
                    last_seen=at,
                )
            )
            return
        row.count += 1
        row.last_seen = at
        if consented and row.text is None:
            row.text = text[:1000]


class ReviewQueue:
    """The maintainer's side of the queue (the `review` command)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def pending(self, limit: int = 50) -> list[ReviewItem]:
        """Return unlabelled items, most frequent first."""
        async with AsyncSession(self._engine) as session:
            rows = await session.scalars(
                select(ReviewRow)
                .where(ReviewRow.label.is_(None))
                .order_by(ReviewRow.count.desc(), ReviewRow.last_seen.desc())
                .limit(limit)
            )
            return [_item(row) for row in rows]

    async def get(self, item_id: int) -> ReviewItem | None:
        """Return one item."""
        async with AsyncSession(self._engine) as session:
            row = await session.get(ReviewRow, item_id)
            return _item(row) if row else None

    async def label(self, item_id: int, label: str, at: datetime) -> None:
        """Record the maintainer's label."""
        async with AsyncSession(self._engine) as session, session.begin():
            await session.execute(
                update(ReviewRow).where(ReviewRow.id == item_id).values(label=label, labelled_at=at)
            )

    async def forget_texts_before(self, cutoff: datetime) -> int:
        """Drop the stored text of items last seen before the cutoff (retention)."""
        async with AsyncSession(self._engine) as session, session.begin():
            result = await session.execute(
                update(ReviewRow)
                .where(ReviewRow.last_seen < cutoff, ReviewRow.text.is_not(None))
                .values(text=None)
            )
            return result.rowcount or 0
