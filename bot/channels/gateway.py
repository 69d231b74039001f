"""The path every channel shares into the engine: input caps, then one turn under the rate
limit; and the way onto the inbound queue, for every message or for a failed turn left
unrecorded."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from bot.channels.common import cap_inbound, hashed, slow_down_message
from bot.engine import Engine, SenderLimit, UnrecordedTurnError
from bot.i18n import Translator
from bot.messages import Inbound, Outbound
from knowledge.safety import assess
from storage.inbound_queue import SqlInboundQueue

log = logging.getLogger(__name__)


def in_danger(inbound: Inbound) -> bool:
    """Return True for a message from someone in danger now: never refused by the limit."""
    return assess(inbound.text).urgent


class ChannelGateway:
    """Hands inbound messages to the engine; outbox channels get their replies queued.

    Each sender may send `per_minute` messages per clock minute, counted in the turn's own
    transaction (one limit across every worker); the first over it gets one polite notice.
    """

    def __init__(
        self,
        engine: Engine,
        translator: Translator,
        per_minute: int,
        max_input_chars: int,
        wake_sender: Callable[[], None] = lambda: None,
    ) -> None:
        self.engine = engine
        self.translator = translator
        self.limit = SenderLimit(per_minute, slow_down_message(translator), in_danger)
        self.max_input_chars = max_input_chars
        self.wake_sender = wake_sender

    async def receive(self, inbound: Inbound) -> list[Outbound]:
        """Run one inbound through the engine and return its replies (already queued if outbox)."""
        inbound = cap_inbound(inbound, self.max_input_chars)
        turn = await self.engine.handle_turn(inbound, self.limit)
        if turn.limited is not None:
            log.info(
                "rate limit (%s) for %s on %s",
                turn.limited,
                hashed(inbound.user_id),
                inbound.channel,
            )
        if turn.messages:
            # Replies to others (an officer on Telegram) may be queued even from the web chat.
            self.wake_sender()
        return [message for message in turn.messages if message.to is None]


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
