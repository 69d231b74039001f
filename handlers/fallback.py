"""The polite answer for whatever no other handler took."""

from __future__ import annotations

from bot.messages import Inbound, InboundKind, Outbound
from handlers.base import HandlerContext, Reply, menu_button, officer_button


class FallbackHandler:
    """Always answers: asks the user to rephrase, with the menu and an officer."""

    name = "fallback"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply:
        """Return a short, polite 'not understood' with a way forward."""
        if message.kind is InboundKind.MEDIA:
            text = ctx._(
                "Maaf, saya belum bisa membaca gambar, suara, lokasi atau stiker. "
                "Silakan tulis pertanyaan Anda dengan kata-kata."
            )
        elif message.payload:
            text = ctx._("Maaf, pilihan itu sudah tidak berlaku. Silakan pilih dari menu.")
        elif not message.text.strip():
            text = ctx._("Pesan Anda kosong. Silakan tulis pertanyaan Anda, atau pilih menu.")
        else:
            text = ctx._(
                "Maaf, saya belum mengerti. Coba tulis dengan kata lain, misalnya "
                '"syarat kerja ke Taiwan", atau pilih menu. Anda juga bisa bertanya ke petugas.'
            )
        return Reply([Outbound(text, buttons=(menu_button(ctx), officer_button(ctx)))], state=None)
