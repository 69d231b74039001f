"""Language switch between Indonesian (default) and English."""

from __future__ import annotations

from bot.messages import Button, Inbound, Outbound
from handlers.base import HandlerContext, Reply, command_of
from handlers.navigation import main_menu
from knowledge.normalize import fold

LANGUAGE_WORDS = {
    "english": "en",
    "bahasa inggris": "en",
    "inggris": "en",
    "bahasa indonesia": "id",
    "indonesia": "id",
}


class LanguageHandler:
    """Offers and applies the language choice."""

    name = "language"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Answer /bahasa with buttons; apply lang:id / lang:en."""
        command = command_of(message)
        if command in {"/bahasa", "/language", "/lang"} or (
            command is None and fold(message.text) in {"bahasa", "language", "ganti bahasa"}
        ):
            return Reply(
                [
                    Outbound(
                        ctx._("Pilih bahasa / Choose your language:"),
                        buttons=(
                            Button("Bahasa Indonesia", "lang:id"),
                            Button("English", "lang:en"),
                        ),
                    )
                ],
                state=None,
            )
        chosen = None
        if command and command.startswith("lang:"):
            chosen = command.removeprefix("lang:")
        elif command is None:
            chosen = LANGUAGE_WORDS.get(fold(message.text))
        if chosen not in {"id", "en"}:
            return None
        await ctx.store.set_locale(ctx.contact.id, chosen)
        ctx.contact.locale = chosen
        ctx.i18n = ctx.i18n_for(chosen)
        return Reply(
            [Outbound(ctx._("Bahasa sudah diganti ke Bahasa Indonesia.")), main_menu(ctx)],
            state=None,
        )
