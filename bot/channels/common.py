"""Pieces every channel adapter shares: hashed ids for logs, input caps, the slow-down notice."""

from __future__ import annotations

import hashlib
from dataclasses import replace

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
