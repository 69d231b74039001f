"""The cost and debt calculator dialog, and the text of its answer (shared with the CLI).

Offered as a button after answers about costs and debts and after an offer check. It asks the
country, the job, what is asked and the loan (each skippable; what an offer check already read is
not asked again), then shows the lawful charge against the asked one and the loan priced as
KUR PMI and at the quoted rate.
"""

from __future__ import annotations

import re
from typing import Any

from bot.i18n import Translations
from bot.messages import Button, Inbound, Outbound
from handlers.base import HandlerContext, Reply, command_of, menu_button
from handlers.intake import DESTINATIONS, JOBS
from handlers.replies import Intent, intent_of
from knowledge.cost_calculator import CostResult, calculate
from knowledge.normalize import fold
from knowledge.offer_check import JOB_LABELS, extract
from knowledge.offer_rules import (
    KUR_PMI_MAX_MONTHS,
    KUR_PMI_MAX_RUPIAH,
    TAIWAN_DOMESTIC_CAP_RUPIAH,
    TAIWAN_DOMESTIC_CAP_TWD,
)
from knowledge.rupiah import parse_rupiah

PREFIX = "cost."
SLOT = "cost"
PAYLOAD = "hitung"
STEPS = ("country", "job", "asked", "loan")
DEFAULT_MONTHS = 12
_MONTHS = re.compile(r"\b(\d{1,3})\s*(bulan|bln|months?|sasi|wulan)\b")
_YEARS = re.compile(r"\b(\d{1,2})\s*(tahun|thn|years?)\b(?!\s*%)")


def render(result: CostResult, i18n: Translations) -> str:
    """Return the calculator's answer as chat text (amounts through Babel)."""
    _, rupiah = i18n._, i18n.rupiah
    where = ", ".join(
        filter(None, [result.country, JOB_LABELS.get(result.job or "", result.job or "")])
    )
    lines = [_("*Hitungan biaya dan utang*") + (f" ({where})" if where else "")]
    lawful = result.lawful
    if lawful.rule == "bebas_biaya":
        lines.append(
            _(
                "Biaya penempatan yang boleh dibebankan kepada Anda: {amount}. "
                "Jabatan ini bebas biaya penempatan."
            ).format(amount=rupiah(0))
        )
    elif lawful.rule == "taiwan_domestik":
        lines.append(
            _(
                "Batas biaya PRT/caregiver Taiwan: {rupiah_part} + NT${twd}, "
                "kira-kira {total} (NT$ dihitung dengan perbandingan di sumber, "
                "NT$60.000 ≈ Rp32 juta; bukan kurs hari ini)."
            ).format(
                rupiah_part=rupiah(TAIWAN_DOMESTIC_CAP_RUPIAH),
                twd=f"{TAIWAN_DOMESTIC_CAP_TWD:,}".replace(",", "."),
                total=rupiah(lawful.max_rupiah or 0),
            )
        )
    elif lawful.rule == "eps_korea":
        lines.append(
            _(
                "Program resmi Korea adalah G to G EPS: biaya ujian EPS-TOPIK USD 28 ({amount})."
            ).format(amount=rupiah(lawful.max_rupiah or 0))
        )
    else:
        lines.append(
            _(
                "Untuk negara dan pekerjaan ini belum ada angka resmi yang terverifikasi. "
                "PMI tidak dapat dibebani biaya penempatan di luar ketentuan: minta rincian "
                "tertulis dan cocokkan dengan cost structure di BP3MI."
            )
        )
    lines[-1] += " " + _("(Sumber: {source})").format(source=lawful.source)
    if result.asked is not None:
        asked = _("Yang diminta: {amount}.").format(amount=rupiah(result.asked))
        if result.excess:
            asked += " " + _("Lebih {amount} dari batas.").format(amount=rupiah(result.excess))
        elif result.excess == 0:
            asked += " " + _("Tidak melebihi batas.")
        lines.append(asked)
    if "taiwan_formal" in result.notes:
        lines.append(
            _(
                "Untuk pabrik Taiwan, aktivis melaporkan praktik 'beli job' Rp25-100 juta, "
                "jauh di atas ketentuan (Sumber: Focus Taiwan, GANAS)."
            )
        )
    if result.loan and result.months and result.kur:
        lines.append(_loan_text(result, i18n))
    lines.append(
        _(
            "Langkah berikutnya: tanyakan KUR PMI ke bank penyalur atau BP3MI, dan cek "
            "perusahaannya di siskop2mi.bp2mi.go.id sebelum membayar."
        )
    )
    return "\n\n".join(lines)


def _loan_text(result: CostResult, i18n: Translations) -> str:
    """Return the loan comparison: KUR PMI against the quoted rate, in rupiah and wages."""
    _, rupiah = i18n._, i18n.rupiah
    kur, informal = result.kur, result.informal
    if kur is None or result.loan is None or result.months is None:
        return ""
    lines = [
        _("Pinjaman {loan} selama {months} bulan:").format(
            loan=rupiah(result.loan), months=result.months
        ),
        _("- KUR PMI (bunga 6% per tahun): cicilan {monthly} per bulan, total {total}.").format(
            monthly=rupiah(kur.monthly), total=rupiah(kur.total)
        ),
    ]
    if informal is not None:
        lines.append(
            _(
                "- Bunga yang ditawarkan ({rate}% per tahun, dihitung tetap dari pokok): "
                "cicilan {monthly} per bulan, total {total}."
            ).format(
                rate=f"{informal.rate_per_year:g}".replace(".", ","),
                monthly=rupiah(informal.monthly),
                total=rupiah(informal.total),
            )
        )
        lines.append(
            _("Selisihnya {amount}.").format(amount=rupiah(max(0, informal.total - kur.total)))
        )
    if result.wage and kur.months_of_wages is not None:
        lines.append(
            _(
                "Gaji perkiraan: NT${amount} ≈ {rupiah} per bulan ({basis}; perkiraan kasar, "
                "bukan kurs hari ini). Total pinjaman KUR sama dengan {kur} bulan gaji."
            ).format(
                amount=f"{result.wage.amount:,}".replace(",", "."),
                rupiah=rupiah(result.wage.rupiah),
                basis=result.wage.basis,
                kur=f"{kur.months_of_wages:g}".replace(".", ","),
            )
        )
        if informal is not None and informal.months_of_wages is not None:
            lines.append(
                _("Total pinjaman dengan bunga yang ditawarkan: {months} bulan gaji.").format(
                    months=f"{informal.months_of_wages:g}".replace(".", ",")
                )
            )
    elif kur.months_of_wages is None:
        lines.append(
            _("Gaji untuk negara ini belum ada di data kami, jadi bulan gaji tidak dihitung.")
        )
    if "kur_plafon" in result.notes:
        lines.append(_("KUR PMI paling banyak {amount}.").format(amount=rupiah(KUR_PMI_MAX_RUPIAH)))
    if "kur_tenor" in result.notes:
        lines.append(
            _("Cicilan KUR PMI paling lama {months} bulan.").format(months=KUR_PMI_MAX_MONTHS)
        )
    return "\n".join(lines)


def read_loan(text: str) -> dict[str, Any]:
    """Read a loan answer: "25 juta bunga 30% setahun 12 bulan"."""
    facts = extract(text)
    loan: dict[str, Any] = {}
    amount = (facts.loan.amount if facts.loan else None) or parse_rupiah(text)
    if amount:
        loan["loan"] = amount
    if facts.loan and facts.loan.rate_per_year is not None:
        loan["rate"] = facts.loan.rate_per_year
    months = _MONTHS.search(fold(text))
    years = _YEARS.search(fold(text))
    if months:
        loan["months"] = int(months.group(1))
    elif years:
        loan["months"] = int(years.group(1)) * 12
    return loan


def _question(step: str, ctx: HandlerContext) -> Outbound:
    """Return the question of one calculator step."""
    skip = Button(ctx._("Lewati"), "hitung:skip")
    if step == "country":
        return Outbound(
            ctx._("Ke negara mana?"),
            options=(*(Button(name, f"hitung:set:{name}") for name in DESTINATIONS), skip),
            options_title=ctx._("Negara tujuan"),
        )
    if step == "job":
        return Outbound(
            ctx._("Pekerjaan apa?"),
            options=(*(Button(name, f"hitung:set:{name}") for name in JOBS), skip),
            options_title=ctx._("Pekerjaan"),
        )
    if step == "asked":
        return Outbound(
            ctx._("Berapa biaya yang diminta sponsor atau agen? Contoh: 25 juta"),
            buttons=(skip,),
        )
    return Outbound(
        ctx._(
            "Jika Anda meminjam, tulis jumlah, bunga dan lamanya. "
            "Contoh: 25 juta bunga 30% setahun 12 bulan"
        ),
        buttons=(Button(ctx._("Tidak meminjam"), "hitung:skip"),),
    )


def _next(ctx: HandlerContext, slot: dict[str, Any]) -> Reply:
    """Ask the next step not yet answered, or show the result."""
    for step in STEPS:
        if step not in slot:
            slots = {**ctx.conversation.slots, SLOT: slot}
            return Reply([_question(step, ctx)], state=PREFIX + step, slots=slots)
    loan = slot.get("loan") or {}
    rate = loan.get("rate")
    result = calculate(
        country=slot.get("country"),
        job=slot.get("job"),
        asked=slot.get("asked"),
        loan=loan.get("loan"),
        rate=rate,
        months=loan.get("months") or (DEFAULT_MONTHS if loan.get("loan") else None),
    )
    text = render(result, ctx.i18n)
    if loan.get("loan") and not loan.get("months"):
        text += "\n\n" + ctx._("Lama pinjaman tidak disebut, jadi saya hitung 12 bulan.")
    slots = {k: v for k, v in ctx.conversation.slots.items() if k != SLOT}
    return Reply(
        [Outbound(text, buttons=(Button(ctx._("Tanya petugas"), "petugas"), menu_button(ctx)))],
        state=None,
        slots=slots,
    )


def _from_offer(ctx: HandlerContext) -> dict[str, Any]:
    """Return the calculator answers an offer check already read."""
    from handlers.offer_check import current_check

    offer = ctx.conversation.slots.get("offer")
    if not offer:
        return {}
    facts = current_check(dict(offer)).facts
    slot: dict[str, Any] = {}
    if facts.destination:
        slot["country"] = facts.destination
    if facts.job:
        slot["job"] = facts.job
    if facts.fee or facts.fee_free:
        slot["asked"] = facts.fee or 0
    if facts.loan and facts.loan.amount:
        slot["loan"] = {"loan": facts.loan.amount, "rate": facts.loan.rate_per_year}
    return slot


class CostHandler:
    """Runs the calculator from its button and takes the answers to its questions."""

    name = "cost"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Start on the button, or take the answer to the step asked."""
        command = command_of(message)
        state = ctx.conversation.state or ""
        if command in {PAYLOAD, "/hitung"}:
            return _next(ctx, {})
        if command == PAYLOAD + ":tawaran":
            return _next(ctx, _from_offer(ctx))
        if not state.startswith(PREFIX):
            return None
        if command is not None and not command.startswith(PAYLOAD + ":"):
            return None  # another button: leave the calculator
        step = state.removeprefix(PREFIX)
        slot = dict(ctx.conversation.slots.get(SLOT) or {})
        text = message.text.strip()
        skip = command == "hitung:skip" or (command is None and intent_of(text) is Intent.SKIP)
        chosen = command.removeprefix("hitung:set:") if command else None
        if skip:
            slot[step] = None
        elif step in {"country", "job"}:
            slot[step] = chosen or text[:60]
        elif step == "asked":
            amount = parse_rupiah(text)
            if amount is None and fold(text) not in {"0", "tidak ada", "gratis"}:
                retry = Outbound(ctx._("Maaf, jumlahnya belum saya pahami. Contoh: 25 juta"))
                return Reply([retry, _question(step, ctx)], state=state)
            slot[step] = amount or 0
        elif step == "loan":
            slot[step] = read_loan(text) or None
        return _next(ctx, slot)


__all__ = ["CostHandler", "read_loan", "render"]
