"""Messages written in a script the bot cannot read (Arabic, Chinese, ...) get language help.

Workers in the Gulf, Hong Kong or Taiwan sometimes paste text in the local script, or type
on a keyboard set to it. Ranking such text against Indonesian examples only guesses, so the
bot says which languages it reads and offers an officer.
"""

from __future__ import annotations

import unicodedata

from bot.messages import Inbound, Outbound
from handlers.base import HandlerContext, Reply, menu_button, officer_button

# Share of letters outside the Latin script above which the message is not readable here.
FOREIGN_SCRIPT_SHARE = 0.5


def foreign_script(text: str) -> bool:
    """Return True when most letters of a text are not Latin (Arabic, CJK, Thai, ...)."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return False
    foreign = sum(1 for char in letters if not unicodedata.name(char, "").startswith("LATIN"))
    return foreign / len(letters) > FOREIGN_SCRIPT_SHARE


class ScriptHelpHandler:
    """Answers text in a non-Latin script with the languages the bot reads."""

    name = "script_help"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Return the language-help reply for non-Latin text; pass on everything else."""
        if message.payload or not foreign_script(message.text):
            return None
        text = ctx._(
            "Maaf, saya hanya bisa membaca bahasa Indonesia dan bahasa Inggris (huruf latin). "
            "Silakan tulis pertanyaan Anda dengan huruf latin, atau minta bantuan petugas."
        )
        return Reply([Outbound(text, buttons=(officer_button(ctx), menu_button(ctx)))], state=None)
