"""Handover: while an officer holds an inquiry, the user's free text goes to that officer."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.messages import Inbound, Outbound
from handlers.base import HandlerContext, Reply, command_of

# An officer who wrote within this time is treated as still in the conversation.
HOLD_FOR = timedelta(hours=12)
RELEASED_AT = "handover_off_at"  # slot: when the user took the bot back with /menu
ACKED = "handover_acked"  # slot: inquiry id whose forwarding was already acknowledged


class HandoverHandler:
    """Forwards a user's free text to the officer holding their inquiry; acknowledges once."""

    name = "handover"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Forward free text during a handover; pass everything else on."""
        if command_of(message) is not None or not message.text.strip():
            return None
        now = ctx.clock()
        since = now - HOLD_FOR
        inquiry = await ctx.store.held_inquiry(ctx.contact.id, since)
        if inquiry is None or inquiry.claimed_by is None:
            return None
        released = ctx.conversation.slots.get(RELEASED_AT)
        last_reply = inquiry.officer_last_reply_at
        if released and last_reply and last_reply <= datetime.fromisoformat(released):
            return None  # the user took the bot back after the officer's last message
        officers = [
            o for o in await ctx.store.officers_of(inquiry.centre_id) if o.id == inquiry.claimed_by
        ]
        if not officers:
            return None
        await ctx.store.add_thread_message(inquiry.id, "user", message.text, None, now)
        forward = Outbound(
            ctx.i18n_for("id")
            ._("Balasan pengguna untuk #{id}:\n\n{text}\n\nJawab dengan: /balas {id} pesan")
            .format(id=inquiry.id, text=message.text),
            to=officers[0].recipient,
        )
        slots = dict(ctx.conversation.slots)
        messages = [forward]
        if slots.get(ACKED) != inquiry.id:
            slots[ACKED] = inquiry.id
            messages.insert(
                0,
                Outbound(
                    ctx._(
                        "Pesan Anda sudah diteruskan ke petugas. Ketik /menu untuk kembali ke bot."
                    )
                ),
            )
        return Reply(messages, slots=slots)
