"""Rate limits counted in the database, so every worker enforces the same limit.

Per sender (the gateway) and per address (the anonymous web chat).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import RateWindowRow

_SALT = b"migrasi-aman/rate"


def window_key(sender: str) -> str:
    """Return the stored key of a sender (hashed: WhatsApp senders are phone numbers)."""
    return hashlib.sha256(_SALT + sender.encode("utf-8", "surrogatepass")).hexdigest()


def window_start(now: datetime) -> datetime:
    """Return the clock minute a message sent now is counted in."""
    return now.replace(second=0, microsecond=0)


def count_statement(dialect: Any) -> Any:
    """Return one upsert counting a message in (key, window_start), returning the count.

    A new minute starts the count again at 1. Built once per dialect: a prebuilt statement
    keeps its cache key, so a count costs no rebuild.
    """
    table = RateWindowRow.__table__
    return _counting(dialect.insert(table).values(count=1)).returning(table.c.count)


def _counting(statement: Any) -> Any:
    """Make an insert of (key, window_start, 1) add one to the key's row in the same window.

    A row from an earlier window starts again at 1.
    """
    table = RateWindowRow.__table__
    return statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "count": case(
                (table.c.window_start == statement.excluded.window_start, table.c.count + 1),
                else_=1,
            ),
            "window_start": statement.excluded.window_start,
        },
    )


class SqlRateWindows:
    """Housekeeping of the counted windows (the per-sender count itself is part of each turn's
    transaction: see SqlUnitOfWork.count_and_claim)."""

    def __init__(self, engine: AsyncEngine, clock: Callable[[], datetime]) -> None:
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.clock = clock

    async def forget_older_than(self, age: timedelta) -> int:
        """Delete windows older than `age` (the purge job); return how many."""
        cutoff = self.clock() - age
        async with self.engine.connect() as connection:
            result = await connection.execute(
                delete(RateWindowRow).where(RateWindowRow.window_start < cutoff)
            )
        return int(result.rowcount or 0)


class SqlAddressGuard:
    """Limits anonymous web chat per address, counted in rate_windows for every worker.

    Browser ids are made up by the browser, so a per-id limit alone is no limit at all: an
    address gets `per_minute` messages per clock minute whatever ids it sends, and may start
    `new_ids_per_hour` new ids per clock hour. A known id costs one statement (two upserts in
    one INSERT); a new id one more; a refused new id a third (so that it stays unknown).
    """

    def __init__(
        self,
        engine: AsyncEngine,
        per_minute: int,
        new_ids_per_hour: int,
        clock: Callable[[], datetime],
    ) -> None:
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.per_minute = per_minute
        self.new_ids_per_hour = new_ids_per_hour
        self.clock = clock
        self._dialect = postgresql if engine.dialect.name == "postgresql" else sqlite

    async def allows(self, address: str, user_id: str) -> bool:
        """Count this message and return True when the address may send it now."""
        now = self.clock()
        minute = now.replace(second=0, microsecond=0)
        hour = minute.replace(minute=0)
        messages = window_key(f"web-address\x00{address}")
        this_id = window_key(f"web-id\x00{address}\x00{user_id}")
        async with self.engine.connect() as connection:
            counts = dict(
                (await connection.execute(self._count([(messages, minute), (this_id, hour)]))).all()
            )
            if counts[this_id] == 1:  # the first message of this id from here this hour
                started = (
                    await connection.execute(
                        self._count([(window_key(f"web-ids\x00{address}"), hour)])
                    )
                ).one()[1]
                if started > self.new_ids_per_hour:
                    # Forget it again, so its next message is refused too.
                    await connection.execute(
                        delete(RateWindowRow).where(RateWindowRow.key == this_id)
                    )
                    return False
        return counts[messages] <= self.per_minute

    def _count(self, windows: list[tuple[str, datetime]]) -> Any:
        """Return one upsert counting a message in each (key, window), returning the counts."""
        table = RateWindowRow.__table__
        statement = self._dialect.insert(table).values(
            [{"key": key, "window_start": start, "count": 1} for key, start in windows]
        )
        return _counting(statement).returning(table.c.key, table.c.count)
