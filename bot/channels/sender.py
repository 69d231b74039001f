"""The outbox sender: delivers queued replies through each platform transport, with retries."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from bot.channels.background import BackgroundLoop
from bot.channels.common import hashed
from bot.i18n import Translator
from bot.messages import Outbound, Recipient
from storage.errors import is_unavailable
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
PartRecorder = Callable[[int, list[str]], Awaitable[None]]


class Parts:
    """The parts of one message already accepted, and where to record each newly accepted one.

    A transport skips the first `already` parts (accepted on an earlier attempt) and calls
    accepted() the moment the platform takes a part, so a retry never repeats it.
    """

    def __init__(self, already: int = 0, record: PartRecorder | None = None) -> None:
        self.already = already
        self._record = record

    async def accepted(self, index: int, platform_ids: list[str], last: bool = False) -> None:
        """Record that part `index` (from 0) was accepted with these ids.

        The last part is not recorded here: the transport returns Sent at once and
        mark_sent records it in the same single transaction, a round trip sooner.
        """
        if self._record is not None and not last:
            await self._record(index + 1, platform_ids)


class Transport(Protocol):
    """Renders and sends one outbox item on one platform; raises only if recording a part does."""

    channel: str
    # WhatsApp's customer-service window; None where a platform has none.
    window: timedelta | None

    async def send(
        self, recipient: Recipient, message: Outbound, template: bool, parts: Parts | None = None
    ) -> SendResult:
        """Send the message (or the re-engagement template) and classify the outcome."""

    def reopen_template(self) -> Outbound | None:
        """Return the placeholder outbox message standing for the approved template."""


# A platform outage of any length is retried at least this often once it ends.
MAX_BACKOFF = timedelta(minutes=5)
# Past this age a message that still fails is given up (and officers are told): the
# user has long moved on. WhatsApp messages are held earlier, when the window closes.
GIVE_UP_AFTER = timedelta(days=3)


def backoff(attempts: int, base: float = 2.0, cap: timedelta = MAX_BACKOFF) -> timedelta:
    """Return the exponential delay before the next attempt, capped."""
    seconds = base * 2 ** min(max(0, attempts - 1), 30)
    return min(cap, timedelta(seconds=seconds))


def alert_text(translator: Translator | None) -> Callable[[str], str]:
    """Return the officer alert about a message that could not be delivered."""
    i18n = (translator or Translator(default="id")).for_locale("id")  # officers read Indonesian

    def text(subject: str) -> str:
        return i18n._(
            "Peringatan: pesan untuk {subject} tidak dapat terkirim walau sudah dicoba "
            "berulang kali. Mohon hubungi mereka dengan cara lain."
        ).format(subject=subject)

    return text


class Pace:
    """Spaces sends on one platform to at most `per_second`, across all concurrent tasks."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / per_second
        self.clock = clock
        self._next = 0.0

    async def wait(self) -> None:
        """Wait for this send's slot."""
        now = self.clock()
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


# Default sends per second per platform, below each platform's documented ceiling:
# WhatsApp Cloud API 80 messages/s per business number, Telegram Bot API about 30/s.
PLATFORM_PACE = {"whatsapp": 60.0, "telegram": 25.0}


class OutboxSender:
    """Claims due outbox rows in batches and delivers them; run() loops until stopped.

    Different recipients are sent to concurrently (at most `concurrency` at once); one
    recipient's messages stay in order because a claim never takes a message while an
    earlier one to the same person is unfinished.
    """

    def __init__(
        self,
        outbox: SqlOutbox,
        transports: list[Transport],
        poll_seconds: float = 2.0,
        give_up_after: timedelta = GIVE_UP_AFTER,
        translator: Translator | None = None,
        concurrency: int = 16,
        batch: int = 50,
        lease: timedelta = timedelta(minutes=2),
    ) -> None:
        self.outbox = outbox
        self.transports = {transport.channel: transport for transport in transports}
        self.give_up_after = give_up_after
        self.alert_text = alert_text(translator)
        self.concurrency = concurrency
        self.batch = batch
        self.lease = lease
        self.paces = {channel: Pace(rate) for channel, rate in PLATFORM_PACE.items()}
        self.loop = BackgroundLoop("outbox-sender", self.deliver_due, poll_seconds)

    def wake(self) -> None:
        """Deliver soon: something was just queued."""
        self.loop.wake()

    def start(self) -> None:
        """Start the background loop (not without a platform to deliver to)."""
        if self.transports:
            self.loop.start()

    async def stop(self) -> None:
        """Stop the background loop; leased rows are resumed by the next start."""
        await self.loop.stop()

    async def deliver_due(self) -> int:
        """Deliver every row due now, batch after batch; return how many items ran."""
        handled = 0
        while self.transports:
            items = await self.outbox.claim(self.transports, limit=self.batch, lease=self.lease)
            if not items:
                return handled
            await self.deliver_batch(items)
            handled += len(items)
        return handled

    async def deliver_batch(self, items: list[OutboxItem]) -> None:
        """Send a claimed batch: recipients concurrently, each recipient's items in order."""
        by_recipient: dict[Recipient, list[OutboxItem]] = defaultdict(list)
        for item in items:
            by_recipient[item.recipient].append(item)
        slots = asyncio.Semaphore(self.concurrency)

        async def one_recipient(queue: list[OutboxItem]) -> None:
            async with slots:
                for item in queue:
                    await self._deliver(item)

        results = await asyncio.gather(
            *(one_recipient(queue) for queue in by_recipient.values()), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                # The row stays leased and is retried when the lease runs out.
                log.error("outbox delivery failed: %s", type(result).__name__)

    async def _deliver(self, item: OutboxItem) -> None:
        """Deliver one claimed item and record the outcome."""
        transport = self.transports[item.recipient.channel]
        template = item.kind == TEMPLATE
        status = item.contact
        if status is not None and not status.active:
            await self.outbox.fail(item.id, "contact inactive")
            return
        if not template and transport.window is not None and status is not None:
            last = status.last_inbound_at
            if last is None or self.outbox.clock() - last > transport.window:
                await self.outbox.hold(item.id, transport.reopen_template())
                return

        async def record(parts_sent: int, platform_ids: list[str]) -> None:
            await _persist(lambda: self.outbox.record_part(item.id, parts_sent, platform_ids))

        parts = Parts(item.parts_sent, record)
        pace = self.paces.get(transport.channel)
        if pace is not None:
            await pace.wait()
        try:
            result = await transport.send(item.recipient, item.message, template, parts)
        except Exception as error:  # a transport bug must not stop the loop
            log.error("transport %s raised %s", transport.channel, type(error).__name__)
            result = Retry(f"unexpected {type(error).__name__}")
        await self._record(item, result, transport)

    def _deliverable(self, item: OutboxItem) -> bool:
        """Return True while a message is still worth retrying."""
        if item.created_at is None:
            return True
        return self.outbox.clock() - item.created_at < self.give_up_after

    async def _record(self, item: OutboxItem, result: SendResult, transport: Transport) -> None:
        """Store the outcome of one send."""
        who = hashed(item.recipient.user_id)
        match result:
            case Sent(platform_ids):
                forget = item.message.forget_after_send
                await _persist(lambda: self.outbox.mark_sent(item.id, platform_ids, forget))
            case Retry(error, after) if self._deliverable(item):
                delay = after if after is not None else backoff(item.attempts)
                log.warning("outbox %s to %s: %s; retry in %s", item.id, who, error, delay)
                await self.outbox.reschedule(item.id, delay, error)
            case Retry(error, _):
                log.error("outbox %s to %s: giving up after %s", item.id, who, error)
                await self._give_up(item, error)
            case Hold(error) if item.kind == TEMPLATE:
                await self._give_up(item, error)
            case Hold(_):
                await self.outbox.hold(item.id, transport.reopen_template())
            case Failed(error, blocked):
                log.warning("outbox %s to %s failed: %s", item.id, who, error)
                await self.outbox.fail(item.id, error)
                if blocked:
                    await self.outbox.deactivate(item.recipient, error)
                else:
                    await self.outbox.alert_officers(item.id, self.alert_text)

    async def _give_up(self, item: OutboxItem, error: str) -> None:
        """Fail a message for good and tell the officers concerned."""
        await self.outbox.fail(item.id, error)
        alerted = await self.outbox.alert_officers(item.id, self.alert_text)
        log.error("outbox %s failed for good; %d officers alerted", item.id, alerted)


# Recording what the platform accepted is retried through a dropped connection: if it is
# not recorded, the row's lease runs out and the message goes out a second time.
PERSIST_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6)


async def _persist(write: Callable[[], Awaitable[None]]) -> None:
    """Run a short write, retrying while the database is briefly unavailable."""
    for delay in PERSIST_DELAYS:
        try:
            await write()
            return
        except Exception as error:
            if not is_unavailable(error):
                raise
            await asyncio.sleep(delay)
    await write()
