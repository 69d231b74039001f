"""Periodic jobs run once per interval across every process, decided by one conditional UPDATE."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from storage.models import SchedulerRunRow


class SqlScheduler:
    """Hands out each interval of a named job to exactly one process.

    The row's due_at moves forward only by the process that runs the job: the UPDATE's
    WHERE due_at <= now is re-checked under the row lock (PostgreSQL) or the write lock
    (SQLite), so two processes asking at the same moment cannot both win.
    """

    def __init__(self, engine: AsyncEngine, clock: Callable[[], datetime], holder: str) -> None:
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.clock = clock
        self.holder = holder[:64]

    async def take(self, name: str, every: timedelta) -> bool:
        """Return True when this process won the job's current interval (and must run it)."""
        now = self.clock()
        async with self.sessions.begin() as session:
            dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
            await session.execute(
                dialect.insert(SchedulerRunRow)
                .values(name=name, due_at=now, holder=None)
                .on_conflict_do_nothing(index_elements=["name"])
            )
            won = await session.scalar(
                update(SchedulerRunRow)
                .where(SchedulerRunRow.name == name, SchedulerRunRow.due_at <= now)
                .values(due_at=now + every, holder=self.holder)
                .returning(SchedulerRunRow.name)
            )
        return won is not None
