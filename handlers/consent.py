"""Consent first: nothing personal is stored until the user agrees."""

from __future__ import annotations

from bot.messages import Button, Inbound, Outbound
from handlers.base import HandlerContext, Reply, command_of, menu_button
from handlers.replies import Intent, intent_of
from knowledge.normalize import fold

ASK = "consent.ask"
NEXT = "consent_next"  # slot: what to do after the answer ("intake" or "urgent:<inquiry id>")


def consent_question(ctx: HandlerContext) -> Outbound:
    """Return the two-sentence consent text with its buttons."""
    return Outbound(
        ctx._(
            "Agar petugas bisa membantu, kami menyimpan nama, desa, akun chat dan pertanyaan Anda, "
            "hanya untuk ditindaklanjuti petugas Pusat Layanan Migrasi (UU No. 27 Tahun 2022 "
            "tentang Pelindungan Data Pribadi). Anda bisa melihat (/dataku) dan menghapusnya "
            "(/hapus) kapan saja. Apakah Anda setuju?"
        ),
        buttons=(
            Button(ctx._("Setuju"), "consent:yes"),
            Button(ctx._("Tidak setuju"), "consent:no"),
        ),
    )


def ask_consent(ctx: HandlerContext, then: str, before: list[Outbound] | None = None) -> Reply:
    """Ask for consent, remembering what to continue with."""
    slots = dict(ctx.conversation.slots)
    slots[NEXT] = then
    return Reply([*(before or []), consent_question(ctx)], state=ASK, slots=slots)


class ConsentHandler:
    """Takes the answer to the consent question."""

    name = "consent"

    def __init__(self, continue_intake, continue_urgent) -> None:  # type: ignore[no-untyped-def]
        # The intake dialog's start and the urgent case's questions, injected to avoid
        # circular imports.
        self._continue_intake = continue_intake
        self._continue_urgent = continue_urgent

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Record yes or no, then continue where the user was going."""
        if ctx.conversation.state != ASK:
            return None
        command = command_of(message)
        text = fold(message.text)
        # "iya setuju", "ok boleh", "ga usah", "gak jadi": answers inside short sentences.
        intent = intent_of(message.text) if command is None else None
        then = str(ctx.conversation.slots.get(NEXT, "intake"))
        slots = {k: v for k, v in ctx.conversation.slots.items() if k != NEXT}
        if command == "consent:yes" or intent in {Intent.YES, Intent.SEND}:
            await ctx.store.set_consent(ctx.contact.id, ctx.clock())
            ctx.contact.consent_at = ctx.clock()
            ctx.conversation.slots = slots
            if then == "intake":
                return await self._continue_intake(ctx)
            if then.startswith("urgent:"):
                return await self._continue_urgent(ctx, int(then.removeprefix("urgent:")))
            return Reply(
                [
                    Outbound(
                        ctx._("Terima kasih. Petugas akan menghubungi Anda lewat chat ini."),
                        buttons=(menu_button(ctx),),
                    )
                ],
                state=None,
                slots=slots,
            )
        if command == "consent:no" or intent in {Intent.NO, Intent.CANCEL}:
            if then.startswith("urgent:"):
                # The urgent inquiry stays so an officer can still write back (vital interest),
                # but its text is not kept.
                await ctx.store.redact_inquiry(int(then.removeprefix("urgent:")), ctx.clock())
            national = await ctx.store.centre("nasional")
            contact = national.contact if national and national.contact else ""
            text_out = ctx._(
                "Baik, data Anda tidak kami simpan. Anda tetap bisa menanyakan apa saja ke "
                "bot ini. "
                "Untuk bicara langsung dengan petugas, datang ke Pusat Layanan Migrasi di "
                "balai desa "
                "atau Disnaker, atau hubungi: {contact}"
            ).format(contact=contact)
            return Reply([Outbound(text_out, buttons=(menu_button(ctx),))], state=None, slots=slots)
        if command is not None or len(text.split()) > 2:
            # Another command, or a real question: answer it instead (that closes the question).
            return None
        return Reply([consent_question(ctx)], state=ASK)
