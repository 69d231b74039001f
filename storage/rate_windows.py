"""A per-sender rate limit counted in the database, so every worker enforces the same limit."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import case, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import RateWindowRow

_SALT = b"migrasi-aman/rate"
log = logging.getLogger(__name__)


def window_key(sender: str) -> str:
    """Return the stored key of a sender (hashed: WhatsApp senders are phone numbers)."""
    return hashlib.sha256(_SALT + sender.encode("utf-8", "surrogatepass")).hexdigest()


class SqlRateLimiter:
    """Counts each sender's messages per clock minute in one upsert, outside any transaction.

    Verdicts match the in-memory RateLimiter: "ok" within the limit, "warn" for the first
    message over it (one polite notice), "drop" after that until the minute turns.
    """

    def __init__(self, engine: AsyncEngine, per_minute: int, clock: Callable[[], datetime]) -> None:
        # Autocommit: the count is one statement, one round trip, no BEGIN/COMMIT.
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.per_minute = per_minute
        self.clock = clock
        self._dialect = postgresql if engine.dialect.name == "postgresql" else sqlite

    async def verdict(self, sender: str) -> str:
        """Count one message from the sender and return "ok", "warn" or "drop"."""
        window = self.clock().replace(second=0, microsecond=0)
        table = RateWindowRow.__table__
        statement = self._dialect.insert(table).values(
            key=window_key(sender), window_start=window, count=1
        )
        statement = statement.on_conflict_do_update(
            index_elements=["key"],
            set_={
                "count": case(
                    (table.c.window_start == statement.excluded.window_start, table.c.count + 1),
                    else_=1,
                ),
                "window_start": statement.excluded.window_start,
            },
        ).returning(table.c.count)
        async with self.engine.connect() as connection:
            count = (await connection.execute(statement)).scalar_one()
        if count <= self.per_minute:
            return "ok"
        return "warn" if count == self.per_minute + 1 else "drop"

    async def undo(self, sender: str, verdict: str) -> None:
        """Uncount a message that was not handled and will come again.

        Called when the database failed the turn, so this may fail too: then the retry
        is counted twice, which at worst brings one "slow down" early.
        """
        if verdict not in ("ok", "warn"):
            return
        window = self.clock().replace(second=0, microsecond=0)
        try:
            async with self.engine.connect() as connection:
                await connection.execute(
                    update(RateWindowRow)
                    .where(
                        RateWindowRow.key == window_key(sender),
                        RateWindowRow.window_start == window,
                        RateWindowRow.count > 0,
                    )
                    .values(count=RateWindowRow.count - 1)
                )
        except Exception as error:
            log.warning("rate count not undone: %s", type(error).__name__)

    async def forget_older_than(self, age: timedelta) -> int:
        """Delete windows older than `age` (the purge job); return how many."""
        cutoff = self.clock() - age
        async with self.engine.connect() as connection:
            result = await connection.execute(
                delete(RateWindowRow).where(RateWindowRow.window_start < cutoff)
            )
        return int(result.rowcount or 0)
