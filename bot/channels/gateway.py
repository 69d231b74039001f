"""The path every channel shares into the engine: input caps, the rate limit, then one turn."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.channels.common import SenderLimiter, cap_inbound, hashed, slow_down_message
from bot.engine import Engine
from bot.i18n import Translator
from bot.messages import Inbound, Outbound
from bot.ports import StorageUnavailable
from knowledge.safety import assess
from storage.errors import is_unavailable
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
