"""Messages to officers and users about inquiries: new, claimed, answered, closed."""

from __future__ import annotations

from bot.i18n import Translations
from bot.inquiries import Centre, Inquiry, InquiryDraft, Officer
from bot.messages import Outbound
from handlers.base import HandlerContext
from handlers.red_flags import describe


def asker_label(code: str | None, i18n: Translations) -> str:
    """Return who asked, in words."""
    labels = {
        "migrant": i18n._("Calon PMI / PMI"),
        "family": i18n._("Keluarga PMI"),
        "other": i18n._("Lainnya"),
    }
    return labels.get(code or "", "-")


def inquiry_card(inquiry: Inquiry, i18n: Translations) -> str:
    """Return everything an officer needs about an inquiry, one item a line."""
    draft = inquiry.draft
    dash = "-"
    flags = ", ".join(describe(flag, draft, i18n) for flag in draft.red_flags) or dash
    priority = i18n._("MENDESAK") if inquiry.priority == "urgent" else i18n._("biasa")
    lines = [
        i18n._("Pertanyaan #{id} ({reference}), prioritas: {priority}").format(
            id=inquiry.id, reference=inquiry.reference, priority=priority
        ),
        i18n._("Dari: {who}").format(who=asker_label(draft.asker, i18n)),
        i18n._("Nama: {name}").format(name=draft.name or dash),
        i18n._("Desa: {village}").format(village=draft.village_text or dash),
        i18n._("Tujuan: {destination}, pekerjaan: {job}").format(
            destination=draft.destination or dash, job=draft.job or dash
        ),
        i18n._("Tanda bahaya: {flags}").format(flags=flags),
        *(
            [i18n._("Catatan pembayaran: {note}").format(note=draft.paid_note)]
            if draft.paid_note
            else []
        ),
        i18n._("Pertanyaan: {question}").format(question=draft.question or dash),
    ]
    lines += urgent_case_lines(draft, i18n)
    return "\n".join(lines)


def urgent_case_lines(draft: InquiryDraft, i18n: Translations) -> list[str]:
    """Return what an urgent case adds: where the person is, how to reach them, who filed it."""
    lines = []
    if draft.third_party:
        lines.append(i18n._("Dilaporkan oleh orang lain (keluarga/teman), bukan korban sendiri."))
    if draft.location:
        lines.append(i18n._("Lokasi sekarang: {location}").format(location=draft.location))
    reach = {
        "chat": i18n._("Bisa dihubungi: lewat chat ini"),
        "other": i18n._("Bisa dihubungi: nomor lain {number}").format(
            number=draft.reach_number or "-"
        ),
        "none": i18n._("Bisa dihubungi: TIDAK AMAN, jangan hubungi lewat chat ini"),
    }
    if draft.reach in reach:
        lines.append(reach[draft.reach])
    return lines


async def notify_centre(ctx: HandlerContext, inquiry: Inquiry, centre: Centre) -> list[Outbound]:
    """Return one notification per officer of the centre (delivered through the outbox)."""
    officers: list[Officer] = await ctx.store.officers_of(centre.id)
    i18n = ctx.i18n_for("id")  # officers work in Indonesian
    head = (
        i18n._("PERTANYAAN MENDESAK BARU")
        if inquiry.priority == "urgent"
        else i18n._("Pertanyaan baru")
    )
    text = "\n".join(
        [
            head,
            inquiry_card(inquiry, i18n),
            "",
            i18n._("Ambil dengan: /ambil {id}").format(id=inquiry.id),
        ]
    )
    return [Outbound(text, to=officer.recipient) for officer in officers]
