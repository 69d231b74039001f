"""Safety triage, first in the pipeline: someone in danger now gets the emergency channels at once.

Urgent means a danger happening now (locked in, beaten, sexually abused, held, threatened
with death, suicidal, abandoned abroad without papers). A question *about* such things
("kalau dipukul majikan lapor ke mana?") is not urgent and gets the normal answer. Recall
matters more than precision, so a cry for help ("tolong", "help") overrides the signs
that a message is only hypothetical.
"""

from __future__ import annotations

from bot.inquiries import Inquiry, InquiryDraft
from bot.messages import Inbound, Outbound
from handlers.base import HandlerContext, Reply, menu_button, officer_button
from handlers.consent import ask_consent
from handlers.notify import notify_centre
from knowledge.safety import SUICIDE_KIND, Triage, assess


def urgent_text(ctx_translate: HandlerContext, kinds: tuple[str, ...]) -> str:
    """Return the urgent reply: what to do now and the official emergency channels."""
    _ = ctx_translate._
    parts = []
    if SUICIDE_KIND in kinds:
        parts.append(
            _(
                "Anda tidak sendirian. Tolong bicara dengan seseorang sekarang:\n"
                "- Layanan dukungan jiwa Kemenkes: healing119.id (gratis, rahasia), "
                "atau telepon 119 ekstensi 8 (jam kerja).\n"
                "- Jika nyawa terancam sekarang: telepon 112 atau Polisi 110."
            )
        )
    if any(kind != SUICIDE_KIND for kind in kinds) or not parts:
        parts.append(
            _(
                "Keselamatan Anda yang utama.\n"
                "- Jika bisa, pergi ke tempat aman atau dekati orang yang Anda percaya.\n"
                "- Di Indonesia: telepon Polisi 110 (gratis, 24 jam) atau 112.\n"
                "- Di luar negeri: hubungi KBRI/KJRI terdekat, atau lapor lewat "
                "peduliwni.kemlu.go.id / aplikasi Safe Travel.\n"
                "- KP2MI: WhatsApp 0811-8080-141, telepon 0800-1000 (bebas pulsa di Indonesia) "
                "atau +62 21 2924 4800 (dari luar negeri).\n"
                "- Jika aman, simpan bukti: foto, pesan, alamat atau lokasi."
            )
        )
    return "\n\n".join(parts)


class TriageHandler:
    """Answers danger-now messages before anything else, and files a priority inquiry at once."""

    name = "triage"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Return the urgent reply when the message says someone is in danger now."""
        if message.payload or not message.text:
            return None
        triage = assess(message.text)
        if not triage.urgent:
            return None
        filed, notices = await self._escalate(message.text, triage, ctx)
        text = (
            urgent_text(ctx, triage.kinds)
            + "\n\n"
            + ctx._(
                "Pesan Anda sudah kami teruskan ke petugas Pusat Layanan Migrasi sebagai "
                "prioritas, nomor {reference}. Tekan *Hubungi petugas* untuk menambahkan "
                "nama dan lokasi Anda."
            ).format(reference=filed.reference)
        )
        reply = Outbound(text, buttons=(officer_button(ctx, urgent=True), menu_button(ctx)))
        if ctx.contact.consent_at is None and not ctx.conversation.state:
            asked = ask_consent(ctx, f"urgent:{filed.id}", [reply])
            asked.messages += notices
            asked.urgent = True
            return asked
        return Reply([reply, *notices], state=None, urgent=True)

    @staticmethod
    async def _escalate(
        text: str, triage: Triage, ctx: HandlerContext
    ) -> tuple[Inquiry, list[Outbound]]:
        """File a priority inquiry (or add to the open one) and notify its officers now."""
        now = ctx.clock()
        existing = await ctx.store.open_urgent_inquiry(ctx.contact.id)
        if existing is not None:
            await ctx.store.add_thread_message(existing.id, "user", text, None, now)
            centre = await ctx.store.centre(existing.centre_id)
            notices = await notify_centre(ctx, existing, centre) if centre else []
            return existing, notices
        draft = ctx.conversation.slots.get("intake") or {}
        codes = list(draft.get("_region_codes") or [])
        inquiry_draft = InquiryDraft(
            question=text[:1000],
            village_code=draft.get("village_code"),
            village_text=draft.get("village_text"),
            red_flags=["bahaya", *triage.kinds],
        )
        centre = await ctx.store.route(codes)
        inquiry = await ctx.store.file_inquiry(
            ctx.contact.id, inquiry_draft, centre.id, "urgent", now
        )
        return inquiry, await notify_centre(ctx, inquiry, centre)
