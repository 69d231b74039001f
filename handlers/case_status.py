"""Status by case code: "status MA-00012", or the code alone, shows the case's state and holder.

Only the asker's own cases are shown: a code from somebody else's case gets the same answer
as a code that does not exist, so codes cannot be used to probe other people's cases.
"""

from __future__ import annotations

import re

from bot.messages import Inbound, Outbound
from handlers.base import HandlerContext, Reply, menu_button
from handlers.urgent_case import holder_text

CODE = re.compile(r"^/?(?:status|cek|cek status)?\s*ma\s*-?\s*0*(\d{1,9})\s*[.?!]?$", re.IGNORECASE)


def case_number(text: str) -> int | None:
    """Return the inquiry id in a status request, or None when the text is not one."""
    match = CODE.match(text.strip())
    return int(match.group(1)) if match else None


class CaseStatusHandler:
    """Answers a case code with the case's state and who has it."""

    name = "case_status"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Show the state of one of the user's own cases."""
        if message.payload:
            return None
        number = case_number(message.text)
        if number is None:
            return None
        inquiry = await ctx.store.get_inquiry(number)
        if inquiry is None or inquiry.contact_id != ctx.contact.id:
            text = ctx._(
                "Kode MA-{number:05d} tidak ditemukan di percakapan ini. Periksa lagi kodenya."
            ).format(number=number)
        else:
            text = await holder_text(ctx, inquiry)
        return Reply([Outbound(text, buttons=(menu_button(ctx),))])
