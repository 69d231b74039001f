"""A background loop that repeats one round of work, at once when woken, else on a timer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.engine import describe_failure

log = logging.getLogger(__name__)


class BackgroundLoop:
    """Runs `work` again and again in one task: after `poll_seconds`, or sooner when woken.

    A round that raises is logged by its shape (the message may quote stored text) and the
    loop goes on: one bad round must not stop delivery for everybody.
    """

    def __init__(
        self, name: str, work: Callable[[], Awaitable[object]], poll_seconds: float
    ) -> None:
        self.name = name
        self.work = work
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """Return True while the loop's task is started and not stopped."""
        return self._task is not None

    def wake(self) -> None:
        """Run the next round soon: something was just queued."""
        self._wake.set()

    def start(self) -> None:
        """Start the loop's task; starting a running loop does nothing."""
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name=self.name)

    async def stop(self) -> None:
        """Cancel the loop's task and wait for it; work leased by a round is resumed later."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run(self) -> None:
        """Work forever; a failing round is logged and the loop goes on."""
        while True:
            try:
                await self.work()
            except Exception as error:
                log.error("%s round failed: %s", self.name, describe_failure(error))
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancel that
            # arrives as the wake event fires, and stop() then waits forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_seconds):
                    await self._wake.wait()
            self._wake.clear()
