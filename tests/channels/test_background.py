"""The background loop shared by the outbox sender and the inbound worker."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.channels.background import BackgroundLoop


class Rounds:
    """Counts rounds; raises in the rounds listed in `failing`; signals each finished round."""

    def __init__(self, failing: tuple[int, ...] = ()) -> None:
        self.count = 0
        self.failing = failing
        self.finished = asyncio.Queue[int]()

    async def __call__(self) -> None:
        """Run one round."""
        self.count += 1
        self.finished.put_nowait(self.count)
        if self.count in self.failing:
            raise RuntimeError("secret text 0812999")

    async def next(self) -> int:
        """Wait (briefly) for the next round."""
        return await asyncio.wait_for(self.finished.get(), timeout=5)


async def test_a_woken_loop_runs_its_next_round_before_the_poll_interval() -> None:
    rounds = Rounds()
    loop = BackgroundLoop("test-loop", rounds, poll_seconds=3600)
    loop.start()
    try:
        assert await rounds.next() == 1  # the first round runs at once
        await asyncio.sleep(0.05)
        assert rounds.count == 1  # then it waits for the hour...
        loop.wake()
        assert await rounds.next() == 2  # ...unless woken
    finally:
        await loop.stop()


async def test_the_loop_polls_without_being_woken() -> None:
    rounds = Rounds()
    loop = BackgroundLoop("test-loop", rounds, poll_seconds=0.01)
    loop.start()
    try:
        assert [await rounds.next() for _ in range(3)] == [1, 2, 3]
    finally:
        await loop.stop()


async def test_a_stopped_loop_runs_no_more_rounds_and_can_start_again() -> None:
    rounds = Rounds()
    loop = BackgroundLoop("test-loop", rounds, poll_seconds=3600)
    loop.start()
    loop.start()  # starting twice keeps one task
    await rounds.next()
    await loop.stop()
    assert not loop.running
    loop.wake()
    await asyncio.sleep(0.05)
    assert rounds.count == 1
    await loop.stop()  # stopping a stopped loop is harmless
    loop.start()
    try:
        assert loop.running
        assert await rounds.next() == 2
    finally:
        await loop.stop()


async def test_a_failing_round_is_logged_by_its_shape_and_the_loop_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rounds = Rounds(failing=(1, 2))
    loop = BackgroundLoop("test-loop", rounds, poll_seconds=0.01)
    with caplog.at_level(logging.ERROR, logger="bot.channels.background"):
        loop.start()
        try:
            assert [await rounds.next() for _ in range(3)] == [1, 2, 3]
        finally:
            await loop.stop()
    failures = [record for record in caplog.records if "round failed" in record.getMessage()]
    assert len(failures) == 2
    assert all(record.levelno == logging.ERROR for record in failures)
    assert failures[0].getMessage().startswith("test-loop round failed: RuntimeError at ")
    # The exception's message may quote a user's text: only its type and place are logged.
    assert "0812999" not in caplog.text


async def test_a_loop_stopped_just_as_it_is_woken_stops() -> None:
    rounds = Rounds()
    loop = BackgroundLoop("test-loop", rounds, poll_seconds=3600)
    for _ in range(20):
        loop.start()
        await asyncio.sleep(0)
        loop.wake()  # the wait ends in the same step as the cancel below
        async with asyncio.timeout(5):
            await loop.stop()
        assert not loop.running
