"""The per-sender rate limit counted in the database: N workers enforce one limit."""

from __future__ import annotations

from datetime import timedelta

from bot.composition import Service
from storage.database import create_engine
from storage.rate_windows import SqlRateLimiter
from tests.helpers import FakeClock


async def test_two_workers_share_one_limit(service: Service, clock: FakeClock) -> None:
    other = create_engine(service.settings.database_url)
    workers = [
        SqlRateLimiter(service.database, 3, clock),
        SqlRateLimiter(other, 3, clock),
    ]
    try:
        verdicts = [await workers[n % 2].verdict("whatsapp:62812") for n in range(6)]
        assert verdicts == ["ok", "ok", "ok", "warn", "drop", "drop"]
        assert await workers[0].verdict("whatsapp:62813") == "ok"  # per sender
        clock.advance(minutes=1)
        assert await workers[1].verdict("whatsapp:62812") == "ok"  # a new minute
        clock.advance(hours=2)
        assert await workers[0].forget_older_than(timedelta(hours=1)) == 2
    finally:
        await other.dispose()


async def test_a_message_the_database_failed_is_uncounted_for_its_retry(
    service: Service, clock: FakeClock
) -> None:
    limiter = SqlRateLimiter(service.database, 2, clock)
    assert [await limiter.verdict("telegram:7") for _ in range(2)] == ["ok", "ok"]
    assert await limiter.verdict("telegram:7") == "warn"
    await limiter.undo("telegram:7", "warn")  # the notice could not be stored
    assert await limiter.verdict("telegram:7") == "warn"  # so the retry is warned again
    assert await limiter.verdict("telegram:7") == "drop"
