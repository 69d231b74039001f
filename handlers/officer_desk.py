"""Officer chat commands: /antrian, /ambil N, /balas N text, /selesai N note.

Only registered officers reach these; anyone else sending them gets the normal bot.
Officers see and touch only the inquiries of their own centre; the one exception is an open
urgent case of the centre one level below, which `/ambil` takes over at once.
"""

from __future__ import annotations

from bot.followup import region_ancestors
from bot.i18n import Translations
from bot.inquiries import NATIONAL_CENTRE, Inquiry, Officer
from bot.messages import Inbound, Outbound
from handlers.base import HandlerContext, Reply, command_argument, command_of
from handlers.notify import inquiry_card

COMMANDS = frozenset({"/antrian", "/ambil", "/balas", "/selesai", "/petugas_bantuan"})


def _desk_help(i18n: Translations) -> str:
    """Return the officer's command list."""
    return i18n._(
        "Perintah petugas:\n"
        "/antrian - pertanyaan terbuka di pusat layanan Anda\n"
        "/ambil N - ambil pertanyaan nomor N\n"
        "/balas N pesan - kirim balasan ke pengguna\n"
        "/selesai N catatan - tutup pertanyaan"
    )


class OfficerDeskHandler:
    """Takes officer commands from registered officers."""

    name = "officer_desk"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Run an officer command; pass everything else on."""
        command = command_of(message)
        if command not in COMMANDS:
            return None
        officer = await ctx.store.officer_for(message.channel, message.user_id)
        if officer is None:
            return None  # not an officer: the normal bot answers
        i18n = ctx.i18n
        argument = command_argument(message)
        if command == "/antrian":
            return Reply([Outbound(await self._queue(officer, ctx))], state=None)
        if command == "/petugas_bantuan":
            return Reply([Outbound(_desk_help(i18n))], state=None)
        number_text, _, rest = argument.partition(" ")
        if not number_text.lstrip("#").isdigit():
            return Reply(
                [
                    Outbound(
                        i18n._("Tulis nomornya, misalnya: {example}").format(
                            example=f"{command} 12"
                        )
                    )
                ]
            )
        inquiry = await ctx.store.get_inquiry(int(number_text.lstrip("#")))
        if command == "/ambil" and inquiry and await _urgent_from_below(inquiry, officer, ctx):
            return await _take_over(inquiry, officer, ctx)
        if inquiry is None or not await ctx.store.may_handle(officer, inquiry.centre_id):
            return Reply(
                [
                    Outbound(
                        i18n._("Pertanyaan #{id} tidak ada di antrian pusat layanan Anda.").format(
                            id=number_text.lstrip("#")
                        )
                    )
                ]
            )
        if command == "/ambil":
            return await self._claim(inquiry, officer, ctx)
        if command == "/balas":
            return await self._reply(inquiry, officer, rest.strip(), ctx)
        return await self._close(inquiry, officer, rest.strip(), ctx)

    @staticmethod
    async def _queue(officer: Officer, ctx: HandlerContext) -> str:
        """Return the open inquiries of the officer's centre, urgent and oldest first."""
        i18n = ctx.i18n
        inquiries = await ctx.store.queue(officer.centre_id)
        if not inquiries:
            return i18n._("Tidak ada pertanyaan terbuka. Terima kasih!")
        lines = [i18n._("Antrian ({count}):").format(count=len(inquiries))]
        for inquiry in inquiries:
            mark = "!! " if inquiry.priority == "urgent" else ""
            holder = (
                i18n._("diambil {name}").format(name=inquiry.claimed_by_name or "-")
                if inquiry.status == "claimed"
                else i18n._("belum diambil")
            )
            lines.append(
                f"{mark}#{inquiry.id} {i18n.datetime(inquiry.created_at)} · "
                f"{inquiry.draft.destination or '-'} · {holder}"
            )
        return "\n".join(lines)

    @staticmethod
    async def _claim(inquiry: Inquiry, officer: Officer, ctx: HandlerContext) -> Reply:
        """Claim the inquiry; a second officer hears who holds it."""
        i18n = ctx.i18n
        won, holder = await ctx.store.claim(inquiry.id, officer, ctx.clock())
        if not won:
            if inquiry.claimed_by == officer.id:
                return Reply(
                    [Outbound(i18n._("Pertanyaan #{id} sudah Anda pegang.").format(id=inquiry.id))]
                )
            text = (
                i18n._("Pertanyaan #{id} sudah diambil oleh {name}.").format(
                    id=inquiry.id, name=holder or "-"
                )
                if holder
                else i18n._("Pertanyaan #{id} sudah ditutup.").format(id=inquiry.id)
            )
            return Reply([Outbound(text)])
        card = inquiry_card(inquiry, i18n)
        hint = i18n._("Balas dengan: /balas {id} pesan Anda").format(id=inquiry.id)
        messages = [
            Outbound(i18n._("Anda mengambil pertanyaan ini.") + "\n\n" + card + "\n\n" + hint)
        ]
        if inquiry.priority == "urgent" and inquiry.contact_id is not None:
            messages += await _tell_user_who_has_it(inquiry, officer, ctx)
        return Reply(messages)

    @staticmethod
    async def _reply(inquiry: Inquiry, officer: Officer, text: str, ctx: HandlerContext) -> Reply:
        """Send the officer's text to the user on their own channel, threaded to the inquiry."""
        i18n = ctx.i18n
        if not text:
            return Reply(
                [
                    Outbound(
                        i18n._(
                            "Tulis pesannya setelah nomor, misalnya: /balas {id} Halo, ..."
                        ).format(id=inquiry.id)
                    )
                ]
            )
        if inquiry.status == "resolved":
            return Reply(
                [Outbound(i18n._("Pertanyaan #{id} sudah ditutup.").format(id=inquiry.id))]
            )
        if inquiry.status == "open":
            won, holder = await ctx.store.claim(inquiry.id, officer, ctx.clock())
            if not won:
                return Reply(
                    [
                        Outbound(
                            i18n._("Pertanyaan #{id} sudah diambil oleh {name}.").format(
                                id=inquiry.id, name=holder or "-"
                            )
                        )
                    ]
                )
        elif inquiry.claimed_by != officer.id:
            return Reply(
                [
                    Outbound(
                        i18n._("Pertanyaan #{id} sudah diambil oleh {name}.").format(
                            id=inquiry.id, name=inquiry.claimed_by_name or "-"
                        )
                    )
                ]
            )
        recipient = (
            await ctx.store.contact_recipient(inquiry.contact_id) if inquiry.contact_id else None
        )
        if recipient is None:
            return Reply(
                [
                    Outbound(
                        i18n._("Pengguna ini sudah menghapus datanya; balasan tidak bisa dikirim.")
                    )
                ]
            )
        centre = await ctx.store.centre(officer.centre_id)
        await ctx.store.add_thread_message(inquiry.id, "officer", text, officer.id, ctx.clock())
        to_user = Outbound(
            i18n._(
                "Pesan dari {officer}, petugas {centre} ({reference}):\n\n{text}\n\nBalas pesan "
                "ini untuk menjawab petugas. Ketik /menu untuk kembali ke bot."
            ).format(
                officer=officer.name,
                centre=centre.name if centre else "",
                reference=inquiry.reference,
                text=text,
            ),
            to=recipient,
        )
        ack = Outbound(i18n._("Terkirim ke pengguna (#{id}).").format(id=inquiry.id))
        return Reply([ack, to_user])

    @staticmethod
    async def _close(inquiry: Inquiry, officer: Officer, note: str, ctx: HandlerContext) -> Reply:
        """Close the inquiry and tell the user."""
        i18n = ctx.i18n
        if inquiry.status == "resolved":
            return Reply(
                [Outbound(i18n._("Pertanyaan #{id} sudah ditutup.").format(id=inquiry.id))]
            )
        if inquiry.claimed_by not in (None, officer.id):
            return Reply(
                [
                    Outbound(
                        i18n._("Pertanyaan #{id} sudah diambil oleh {name}.").format(
                            id=inquiry.id, name=inquiry.claimed_by_name or "-"
                        )
                    )
                ]
            )
        await ctx.store.resolve(inquiry.id, officer, note, ctx.clock())
        messages = [Outbound(i18n._("Pertanyaan #{id} ditutup.").format(id=inquiry.id))]
        recipient = (
            await ctx.store.contact_recipient(inquiry.contact_id) if inquiry.contact_id else None
        )
        if recipient is not None:
            messages.append(
                Outbound(
                    i18n._(
                        "Petugas sudah menutup pertanyaan {reference}. Terima kasih. Ketik "
                        "/menu jika ada pertanyaan lain."
                    ).format(reference=inquiry.reference),
                    to=recipient,
                )
            )
        return Reply(messages)


async def _tell_user_who_has_it(
    inquiry: Inquiry, officer: Officer, ctx: HandlerContext
) -> list[Outbound]:
    """Tell the person in an urgent case, in plain words, that a named officer has it now."""
    recipient = (
        await ctx.store.contact_recipient(inquiry.contact_id) if inquiry.contact_id else None
    )
    if recipient is None or inquiry.contact_id is None:
        return []
    locale = await ctx.store.contact_locale(inquiry.contact_id) or "id"
    centre = await ctx.store.centre(officer.centre_id)
    text = (
        ctx.i18n_for(locale)
        ._("Kasus {reference} Anda sekarang ditangani {officer} dari {centre}.")
        .format(
            reference=inquiry.reference, officer=officer.name, centre=centre.name if centre else ""
        )
    )
    return [Outbound(text, to=recipient)]


async def _urgent_from_below(inquiry: Inquiry, officer: Officer, ctx: HandlerContext) -> bool:
    """Return True for an open urgent case of the centre one level below the officer's."""
    if inquiry.priority != "urgent" or inquiry.status != "open":
        return False
    if inquiry.centre_id == officer.centre_id:
        return False
    centre = await ctx.store.centre(inquiry.centre_id)
    if centre is None or centre.id == NATIONAL_CENTRE:
        return False
    above = await ctx.store.route_above(region_ancestors(inquiry.draft.village_code), centre.kind)
    return above.id == officer.centre_id


async def _take_over(inquiry: Inquiry, officer: Officer, ctx: HandlerContext) -> Reply:
    """The level above takes an urgent case at once; the centre below and the user are told."""
    i18n = ctx.i18n
    if not await ctx.store.take_over(inquiry.id, officer, inquiry.centre_id, ctx.clock()):
        current = await ctx.store.get_inquiry(inquiry.id)
        holder = current.claimed_by_name if current else None
        text = (
            i18n._("Pertanyaan #{id} sudah diambil oleh {name}.").format(id=inquiry.id, name=holder)
            if holder
            else i18n._("Pertanyaan #{id} tidak ada di antrian pusat layanan Anda.").format(
                id=inquiry.id
            )
        )
        return Reply([Outbound(text)])
    card = inquiry_card(inquiry, i18n)
    hint = i18n._("Balas dengan: /balas {id} pesan Anda").format(id=inquiry.id)
    messages = [Outbound(i18n._("Anda mengambil pertanyaan ini.") + "\n\n" + card + "\n\n" + hint)]
    centre = await ctx.store.centre(officer.centre_id)
    below = i18n._("Pertanyaan #{id} diambil alih oleh {name} dari {centre}.").format(
        id=inquiry.id, name=officer.name, centre=centre.name if centre else officer.centre_id
    )
    messages += [
        Outbound(below, to=other.recipient)
        for other in await ctx.store.officers_of(inquiry.centre_id)
    ]
    messages += await _tell_user_who_has_it(inquiry, officer, ctx)
    return Reply(messages)
