"""Requests to talk to a person at the village migration service centre."""

from __future__ import annotations

import re

from bot.messages import Inbound, Outbound
from handlers.base import HandlerContext, Reply, command_of, menu_button
from knowledge.normalize import normalize

# "petugas", "mau ngobrol sama orang", "hubungi admin", "konsultasi langsung"
OFFICER_REQUEST = re.compile(
    r"^(petugas|officer|operator|cs|admin|manusia|orang)$"
    r"|\b(bicara|ngobrol|ngomong|chat|hubungi|hubungkan|sambungkan|tanya|konsultasi|ketemu)\b"
    r".*\b(petugas|officer|operator|manusia|orang asli|admin)\b"
    r"|\bkonsultasi langsung\b|\btalk to (an? )?(officer|human|person)\b"
)


def wants_officer(text: str) -> bool:
    """Return True when a message asks for a human."""
    return bool(OFFICER_REQUEST.search(normalize(text)))


class OfficerRequestHandler:
    """Answers 'talk to an officer' with how to reach the village service centre."""

    name = "officer"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Take the officer buttons and plain requests for a human."""
        command = command_of(message)
        if not (
            (command and command.split(":", 1)[0] in {"petugas", "/petugas"})
            or (command is None and wants_officer(message.text))
        ):
            return None
        text = ctx._(
            "Petugas Pusat Layanan Migrasi di balai desa Anda bisa membantu langsung: "
            "memeriksa tawaran kerja dan dokumen, dan mendampingi keluarga. "
            "Anda juga bisa datang ke Disnaker kabupaten/kota atau LTSA.\n\n"
            "Layanan KP2MI: telepon 0800-1000 (bebas pulsa), WhatsApp 0811-8080-141."
        )
        return Reply([Outbound(text, buttons=(menu_button(ctx),))], state=None)
