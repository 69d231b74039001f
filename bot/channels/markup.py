"""The one inline markup the core writes (*bold*), rendered for channels that need HTML."""

from __future__ import annotations

import html
import re

BOLD = re.compile(r"\*([^*\n]+)\*")


def to_html(text: str) -> str:
    """Escape text for HTML and turn *bold* into <b>bold</b> (Telegram's HTML parse mode)."""
    return BOLD.sub(r"<b>\1</b>", html.escape(text, quote=False))
