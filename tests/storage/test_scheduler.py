"""Periodic jobs: each interval is taken by exactly one process, on every backend."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.composition import Service
from storage.database import create_engine
from storage.scheduler import SqlScheduler
from tests.helpers import FakeClock


async def test_each_interval_of_a_job_is_taken_once_across_processes(
    service: Service, clock: FakeClock
) -> None:
    engines = [service.database, create_engine(service.settings.database_url)]
    schedulers = [
        SqlScheduler(engine, clock, f"process-{number}") for number, engine in enumerate(engines)
    ]
    try:
        for _interval in range(3):
            won = await asyncio.gather(
                *(s.take("follow-up", timedelta(minutes=1)) for s in schedulers * 4)
            )
            assert won.count(True) == 1
            assert not await schedulers[0].take("follow-up", timedelta(minutes=1))
            clock.advance(seconds=61)
        # Another job has its own interval.
        assert await schedulers[1].take("purge", timedelta(days=1))
    finally:
        await engines[1].dispose()
