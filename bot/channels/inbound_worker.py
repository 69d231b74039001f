"""The inbound worker: runs the turns of queued messages, one contact's messages in order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta

from bot.channels.background import BackgroundLoop
from bot.channels.common import hashed
from bot.channels.gateway import ChannelGateway
from bot.channels.sender import backoff
from bot.engine import UnrecordedTurnError, describe_failure
from bot.messages import Outbound
from storage.errors import is_unavailable
from storage.inbound_queue import QueuedInbound, SqlInboundQueue

log = logging.getLogger(__name__)

# A message that fails this often for a reason other than the database is parked: its user
# gets the apology and the row stays for an officer. The engine answers handler bugs itself,
# so this is a bug outside the handlers.
MAX_ATTEMPTS = 5


class InboundWorker:
    """Claims queued inbound messages in batches and runs each through the gateway.

    A claim holds at most one message per contact (an earlier one blocks the rest), so the
    batch runs concurrently without two of one contact's messages ever running at once.
    A message is deleted from the queue only after its turn committed; if the worker dies
    in between, the lease runs out, the message runs again and the engine's inbound claim
    recognises it, so nobody is answered twice. A message that cannot be answered is parked
    with an apology to its user, never dropped.
    """

    def __init__(
        self,
        queue: SqlInboundQueue,
        gateway: ChannelGateway,
        expand: Callable[[str], Awaitable[str]] | None = None,
        concurrency: int = 4,
        batch: int = 50,
        lease: timedelta = timedelta(minutes=2),
        poll_seconds: float = 0.5,
    ) -> None:
        self.queue = queue
        self.gateway = gateway
        self.expand = expand
        self.concurrency = concurrency
        self.batch = batch
        self.lease = lease
        self.apology: Callable[[str | None], Outbound] = gateway.engine.apology
        self.wake_sender = gateway.wake_sender
        self.loop = BackgroundLoop("inbound-worker", self.work_due, poll_seconds)

    def wake(self) -> None:
        """Work soon: something was just queued."""
        self.loop.wake()

    def start(self) -> None:
        """Start the background loop."""
        self.loop.start()

    async def stop(self) -> None:
        """Stop the loop; leased messages are resumed when their lease runs out."""
        await self.loop.stop()

    async def work_due(self) -> int:
        """Run every available message, batch after batch; return how many ran."""
        handled = 0
        while True:
            items = await self.queue.claim(limit=self.batch, lease=self.lease)
            if not items:
                return handled
            await self.work_batch(items)
            handled += len(items)

    async def work_batch(self, items: list[QueuedInbound]) -> None:
        """Run a claimed batch, at most `concurrency` turns at once (one per contact at most)."""
        slots = asyncio.Semaphore(self.concurrency)

        async def one(item: QueuedInbound) -> bool:
            async with slots:
                return await self.work(item)

        finished = await asyncio.gather(*(one(item) for item in items))
        # One DELETE for the batch: a row left behind by a crash here only runs again,
        # and the engine's inbound claim answers it with nothing.
        await self.queue.done([item.id for item, ok in zip(items, finished, strict=True) if ok])

    async def work(self, item: QueuedInbound) -> bool:
        """Run one message's turn; True when it is finished, else it waits or is parked."""
        inbound = item.inbound
        try:
            if self.expand is not None and inbound.payload is not None:
                payload = await self.expand(inbound.payload)
                inbound = replace(inbound, payload=payload)
            await self.gateway.receive(inbound)
        except Exception as error:
            await self._failed(item, error)
            return False
        return True

    async def _failed(self, item: QueuedInbound, error: Exception) -> None:
        """Retry after the database comes back; park a message that keeps failing."""
        who = hashed(item.inbound.user_id)
        try:
            if is_unavailable(error):
                log.warning("inbound %s from %s waits: database unavailable", item.id, who)
                await self.queue.retry(item.id, backoff(item.attempts, base=1.0))
                return
            log.error("inbound %s from %s failed: %s", item.id, who, describe_failure(error))
            if isinstance(error, UnrecordedTurnError):
                # The turn failed and nothing of it was stored: the engine's apology is
                # delivered with the parking, so it goes out once.
                apology = error.apology
                await self._park(item, lambda _locale: apology)
            elif item.attempts >= MAX_ATTEMPTS:
                await self._park(item, self.apology)
            else:
                await self.queue.retry(item.id, backoff(item.attempts))
        except Exception as second:
            # The lease runs out and another round takes the message again.
            log.warning("inbound %s not rescheduled: %s", item.id, type(second).__name__)

    async def _park(self, item: QueuedInbound, apology: Callable[[str | None], Outbound]) -> None:
        """Park the row with its user's apology; log its shape (never its text) for an officer."""
        if not await self.queue.park(item.id, apology):
            return  # another worker parked it and apologised already
        self.wake_sender()
        inbound = item.inbound
        log.error(
            "inbound %s (%s, %s, %d characters) from %s parked after %d attempts; "
            "the user got the apology",
            item.id,
            inbound.channel,
            inbound.kind,
            len(inbound.text),
            hashed(inbound.user_id),
            item.attempts,
        )
