"""The path every channel shares into the engine: input caps, the rate limit, then one turn;
and the way onto the inbound queue, for every message or for a failed turn left unrecorded."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from bot.channels.common import SenderLimiter, cap_inbound, hashed, slow_down_message
from bot.engine import Engine, UnrecordedTurnError
from bot.i18n import Translator
from bot.messages import Inbound, Outbound
from bot.ports import StorageUnavailable
from knowledge.safety import assess
from storage.errors import is_unavailable
from storage.inbound_queue import SqlInboundQueue
from storage.outbox import SqlOutbox

log = logging.getLogger(__name__)


class ChannelGateway:
    """Hands inbound messages to the engine; outbox channels get their replies queued."""

    def __init__(
        self,
        engine: Engine,
        outbox: SqlOutbox,
        translator: Translator,
        limiter: SenderLimiter,
        max_input_chars: int,
        wake_sender: Callable[[], None] = lambda: None,
    ) -> None:
        self.engine = engine
        self.outbox = outbox
        self.translator = translator
        self.limiter = limiter
        self.max_input_chars = max_input_chars
        self.wake_sender = wake_sender

    def queued(self, channel: str) -> bool:
        """Return True when the engine puts this channel's replies into the outbox."""
        return channel in self.engine.options.outbox_channels

    async def receive(self, inbound: Inbound) -> list[Outbound]:
        """Run one inbound through the engine and return its replies (already queued if outbox)."""
        inbound = cap_inbound(inbound, self.max_input_chars)
        sender = f"{inbound.channel}:{inbound.user_id}"
        verdict = await self.limiter.verdict(sender)
        # Someone in danger is never told to slow down: the urgent message goes through.
        if verdict != "ok" and not assess(inbound.text).urgent:
            log.info(
                "rate limit (%s) for %s on %s", verdict, hashed(inbound.user_id), inbound.channel
            )
            if verdict == "drop":
                return []
            notice = slow_down_message(self.translator)
            if self.queued(inbound.channel):
                try:
                    await self.outbox.enqueue(notice, inbound.sender)
                except Exception as error:
                    if is_unavailable(error):
                        await self.limiter.undo(sender, verdict)
                    raise
                self.wake_sender()
            return [notice]
        try:
            replies = await self.engine.handle(inbound)
        except StorageUnavailable:
            # The platform redelivers it: counting it twice would end in "slow down".
            await self.limiter.undo(sender, verdict)
            raise
        if replies:
            # Replies to others (an officer on Telegram) may be queued even from the web chat.
            self.wake_sender()
        return replies


async def queue_inbounds(
    queue: SqlInboundQueue,
    inbounds: Sequence[Inbound],
    max_input_chars: int,
    on_queued: Callable[[], None],
) -> None:
    """Store the capped messages in the inbound queue in one transaction, then wake its worker.

    Raises StorageUnavailable when nothing was stored: the webhook answers 503 and the
    platform delivers again.
    """
    await queue.store([cap_inbound(inbound, max_input_chars) for inbound in inbounds])
    on_queued()


async def receive_or_queue(
    gateway: ChannelGateway,
    inbound: Inbound,
    queue: SqlInboundQueue | None,
    on_queued: Callable[[], None],
) -> None:
    """Run one turn inside the request; a failed turn the engine could not record is queued.

    Nothing of such a turn was stored, its apology included: the inbound queue keeps the
    message, and its worker retries it or parks it with the apology, so the user hears once.
    Without a queue the UnrecordedTurnError goes on (the route answers 500, the platform
    redelivers); a queue that cannot store it raises StorageUnavailable (503).
    """
    try:
        await gateway.receive(inbound)
    except UnrecordedTurnError:
        if queue is None:
            raise
        await queue_inbounds(queue, [inbound], gateway.max_input_chars, on_queued)
