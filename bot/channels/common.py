"""Pieces every channel adapter shares: hashed ids for logs, the rate limit and input caps."""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.engine import scrub_inbound
from bot.i18n import Translator
from bot.messages import Inbound, Outbound

MAX_PAYLOAD_CHARS = 256
_LOG_SALT = b"migrasi-aman/log"


def hashed(user_id: str) -> str:
    """Return a short, stable pseudonym of a channel user id or phone number for logs."""
    # surrogatepass: a malformed id must still be loggable, as its pseudonym.
    return hashlib.sha256(_LOG_SALT + user_id.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def cap_inbound(inbound: Inbound, max_chars: int) -> Inbound:
    """Cap text and payload before the engine; one extra character lets the engine say it cut."""
    inbound = scrub_inbound(inbound)
    text = inbound.text[: max_chars + 1]
    payload = inbound.payload[:MAX_PAYLOAD_CHARS] if inbound.payload is not None else None
    name = inbound.display_name[:120] if inbound.display_name else inbound.display_name
    if (text, payload, name) == (inbound.text, inbound.payload, inbound.display_name):
        return inbound
    return replace(inbound, text=text, payload=payload, display_name=name)


def slow_down_message(translator: Translator) -> Outbound:
    """Return the polite answer to a sender who writes too fast."""
    return Outbound(
        translator.for_locale("id")._(
            "Pesan Anda terlalu cepat. Mohon tunggu sebentar, lalu kirim lagi pertanyaan Anda."
        )
    )


class SenderLimiter(Protocol):
    """A per-sender limit: in this process's memory, or shared through the database."""

    async def verdict(self, sender: str) -> str:
        """Count one message and return "ok", "warn" (first over the limit) or "drop"."""

    async def undo(self, sender: str, verdict: str) -> None:
        """Uncount a message that was not handled and will come again (best effort)."""


class RateLimiter:
    """A per-sender sliding one-minute window, kept in this process's memory."""

    def __init__(
        self, per_minute: int, clock: Callable[[], datetime], max_senders: int = 50_000
    ) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.max_senders = max_senders
        self._seen: dict[str, deque[datetime]] = {}
        self._warned: set[str] = set()

    async def verdict(self, sender: str) -> str:
        """Return the verdict of check(); the interface the gateway shares with SqlRateLimiter."""
        return self.check(sender)

    def check(self, sender: str) -> str:
        """Return "ok", "warn" (first message over the limit) or "drop" (warned already)."""
        now = self.clock()
        window = self._seen.setdefault(sender, deque())
        while window and now - window[0] >= timedelta(minutes=1):
            window.popleft()
        if len(window) < self.per_minute:
            window.append(now)
            self._warned.discard(sender)
            self._trim()
            return "ok"
        if sender in self._warned:
            return "drop"
        self._warned.add(sender)
        return "warn"

    async def undo(self, sender: str, verdict: str) -> None:
        """Uncount a message that was not handled; see refund()."""
        self.refund(sender, verdict)

    def refund(self, sender: str, verdict: str) -> None:
        """Undo what check() recorded for a message that was not handled and will come again."""
        window = self._seen.get(sender)
        if verdict == "ok" and window:
            window.pop()
        elif verdict == "warn":
            self._warned.discard(sender)  # the notice was not stored: warn on the retry

    def _trim(self) -> None:
        """Forget the oldest senders so memory stays bounded under a flood of new ids."""
        while len(self._seen) > self.max_senders:
            oldest = next(iter(self._seen))
            del self._seen[oldest]
            self._warned.discard(oldest)
