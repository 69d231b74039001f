"""Requests to talk to a person at the village migration service centre."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.messages import Inbound
from handlers.base import HandlerContext, Reply, command_of
from handlers.intake import start_intake
from handlers.urgent_case import continue_urgent
from knowledge.normalize import normalize

# "petugas", "mau ngobrol sama orang", "hubungi admin", "konsultasi langsung"
OFFICER_REQUEST = re.compile(
    r"^(petugas|officer|operator|cs|admin|manusia|orang)$"
    r"|\b(bicara|ngobrol|ngomong|chat|hubungi|hubungkan|sambungkan|tanya|konsultasi|ketemu)\b"
    r".*\b(petugas|officer|operator|manusia|orang asli|admin)\b"
    r"|\bkonsultasi langsung\b|\btalk to (an? )?(officer|human|person)\b"
)

# A request for a person is the service centre's business: the turn is logged, counted and
# reported (`ask --json`) under its topic, the page that says how the centre helps.
SERVICE_CENTRE_TOPIC = "layanan.pusat_layanan"


def wants_officer(text: str) -> bool:
    """Return True when a message asks for a human."""
    return bool(OFFICER_REQUEST.search(normalize(text)))


class OfficerRequestHandler:
    """Starts the intake when the user asks for a human (button, command or words)."""

    name = "officer"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Take the officer buttons and plain requests for a human."""
        command = command_of(message)
        if not (
            (command and command.split(":", 1)[0] in {"petugas", "/petugas"})
            or (command is None and wants_officer(message.text))
        ):
            return None
        urgent = await ctx.store.open_urgent_inquiry(ctx.contact.id)
        if urgent is not None:
            # One case: after an urgent filing, asking for a person continues that case's
            # short questions instead of the intake form.
            return await continue_urgent(ctx, urgent.id)
        question = None if command is not None else message.text
        reply = await start_intake(
            ctx, question=question if question and len(question) > 40 else None
        )
        return replace(reply, topic=reply.topic or SERVICE_CENTRE_TOPIC)
