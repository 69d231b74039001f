"""The outbox sender: delivers queued replies through each platform transport, with retries."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from bot.channels.common import hashed
from bot.messages import Outbound, Recipient
from storage.outbox import TEMPLATE, OutboxItem, SqlOutbox

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Sent:
    """The platform accepted the message; its ids, one per platform message."""

    platform_ids: list[str]


@dataclass(frozen=True, slots=True)
class Retry:
    """A temporary failure; try again, after the platform's own delay when it gave one."""

    error: str
    after: timedelta | None = None


@dataclass(frozen=True, slots=True)
class Failed:
    """A permanent failure; `blocked` when the user blocked the bot."""

    error: str
    blocked: bool = False


@dataclass(frozen=True, slots=True)
class Hold:
    """The platform refuses free-form messages now (WhatsApp's window closed): keep it."""

    error: str


SendResult = Sent | Retry | Failed | Hold


class Transport(Protocol):
    """Renders and sends one outbox item on one platform; never raises."""

    channel: str
    # WhatsApp's customer-service window; None where a platform has none.
    window: timedelta | None

    async def send(self, recipient: Recipient, message: Outbound, template: bool) -> SendResult:
        """Send the message (or the re-engagement template) and classify the outcome."""

    def reopen_template(self) -> Outbound | None:
        """Return the placeholder outbox message standing for the approved template."""


def backoff(attempts: int, base: float = 2.0, cap: float = 900.0) -> timedelta:
    """Return the exponential delay before the next attempt."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


class OutboxSender:
    """Claims due outbox rows and delivers them; run() loops until stopped."""

    def __init__(
        self,
        outbox: SqlOutbox,
        transports: list[Transport],
        max_attempts: int = 10,
        poll_seconds: float = 2.0,
    ) -> None:
        self.outbox = outbox
        self.transports = {transport.channel: transport for transport in transports}
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Deliver soon: something was just queued."""
        self._wake.set()

    def start(self) -> None:
        """Start the background loop."""
        if self.transports and self._task is None:
            self._task = asyncio.create_task(self.run(), name="outbox-sender")

    async def stop(self) -> None:
        """Stop the background loop; leased rows are resumed by the next start."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run(self) -> None:
        """Deliver forever; a failing round is logged and the loop goes on."""
        while True:
            try:
                await self.deliver_due()
            except Exception:
                log.exception("outbox round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()

    async def deliver_due(self) -> int:
        """Deliver every row due now, round after round; return how many rounds' items ran."""
        handled = 0
        while self.transports:
            items = await self.outbox.claim(self.transports)
            if not items:
                return handled
            for item in items:
                await self._deliver(item)
            handled += len(items)
        return handled

    async def _deliver(self, item: OutboxItem) -> None:
        """Deliver one claimed item and record the outcome."""
        transport = self.transports[item.recipient.channel]
        template = item.kind == TEMPLATE
        status = await self.outbox.contact_status(item.recipient)
        if status is not None and not status.active:
            await self.outbox.fail(item.id, "contact inactive")
            return
        if not template and transport.window is not None and status is not None:
            last = status.last_inbound_at
            if last is None or self.outbox.clock() - last > transport.window:
                await self.outbox.hold(item.id, transport.reopen_template())
                return
        try:
            result = await transport.send(item.recipient, item.message, template)
        except Exception as error:  # a transport bug must not stop the loop
            log.exception("transport %s raised", transport.channel)
            result = Retry(f"unexpected {type(error).__name__}")
        await self._record(item, result, transport)

    async def _record(self, item: OutboxItem, result: SendResult, transport: Transport) -> None:
        """Store the outcome of one send."""
        who = hashed(item.recipient.user_id)
        match result:
            case Sent(platform_ids):
                await self.outbox.mark_sent(item.id, platform_ids)
            case Retry(error, after) if item.attempts < self.max_attempts:
                delay = after if after is not None else backoff(item.attempts)
                log.warning("outbox %s to %s: %s; retry in %s", item.id, who, error, delay)
                await self.outbox.reschedule(item.id, delay, error)
            case Retry(error, _):
                log.error("outbox %s to %s: giving up after %s", item.id, who, error)
                await self.outbox.fail(item.id, error)
            case Hold(error) if item.kind == TEMPLATE:
                await self.outbox.fail(item.id, error)
            case Hold(_):
                await self.outbox.hold(item.id, transport.reopen_template())
            case Failed(error, blocked):
                log.warning("outbox %s to %s failed: %s", item.id, who, error)
                await self.outbox.fail(item.id, error)
                if blocked:
                    await self.outbox.deactivate(item.recipient, error)
