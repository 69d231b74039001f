"""The "cek tawaran" dialog: read an offer, ask at most three missing facts, show the warning signs.

It starts from the main menu button, or by itself when a message looks like a forwarded advert or
a long telling of an offer (``looks_like_offer`` is strict so ordinary questions reach the
retriever). Nothing is filed: the offer lives in the conversation slots only until the user asks
an officer, and then its facts prefill the intake and its flags go to the officer with the case.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import lazy
from bot.messages import Button, Inbound, Outbound
from handlers.base import HandlerContext, Reply, command_of, menu_button
from handlers.intake import DESTINATIONS, JOBS, start_intake
from handlers.replies import Intent, intent_of
from knowledge.normalize import fold
from knowledge.offer_check import (
    JOB_LABELS,
    OfferCheck,
    OfferFacts,
    check_facts,
    extract,
    looks_like_offer,
)
from knowledge.rupiah import parse_rupiah

PREFIX = "offer."
SLOT = "offer"  # slot: {"text", "answers": {field: value}, "pending": [fields]}
MENU_PAYLOAD = "tawaran"
OFFICER_PAYLOAD = "offer:petugas"
MAX_QUESTIONS = 3
MAX_TEXT = 2000
# The facts worth asking for, most useful first: each one decides a rule.
ASKABLE = ("destination", "job", "recruiter", "fee")
FREE_WORDS = frozenset({"tidak ada", "gratis", "tidak", "belum", "nol", "0", "free", "none", "no"})
VERDICT_TITLES = {
    "red": lazy("Banyak tanda bahaya"),
    "amber": lazy("Ada yang perlu dicek"),
    "none": lazy(
        "Belum ada tanda bahaya — tetap cek ke SISKOP2MI, Pusat Layanan Migrasi desa atau LTSA"
    ),
}


def _missing(facts: OfferFacts) -> list[str]:
    """Return the facts that matter and the text did not give, most useful first."""
    missing = []
    if facts.destination is None:
        missing.append("destination")
    if facts.job is None:
        missing.append("job")
    if facts.recruiter is None:
        missing.append("recruiter")
    if facts.fee is None and not facts.fee_free:
        missing.append("fee")
    return missing[:MAX_QUESTIONS]


def _apply_answers(facts: OfferFacts, answers: dict[str, Any]) -> OfferFacts:
    """Put the user's answers over what the text said."""
    if answers.get("destination"):
        facts.destination = answers["destination"]
        if facts.destination not in facts.destinations:
            facts.destinations.append(facts.destination)
    if answers.get("job"):
        facts.job = answers["job"]
    if answers.get("recruiter"):
        facts.recruiter = answers["recruiter"]
    if answers.get("fee") is not None:
        facts.fee = answers["fee"] or None
        facts.fee_free = answers["fee"] == 0
    return facts


def current_check(slot: dict[str, Any]) -> OfferCheck:
    """Check the offer in a slot with the answers given so far."""
    facts = _apply_answers(extract(slot.get("text", "")), dict(slot.get("answers") or {}))
    return check_facts(facts)


def _controls(ctx: HandlerContext) -> tuple[Button, ...]:
    """Return the skip button every question carries."""
    return (Button(ctx._("Lewati"), "offer:skip"),)


def _question(field: str, ctx: HandlerContext) -> Outbound:
    """Return the question for one missing fact."""
    if field == "destination":
        return Outbound(
            ctx._("Ke negara mana tawaran ini? Pilih atau tulis nama negaranya."),
            options=tuple(Button(name, f"offer:set:destination:{name}") for name in DESTINATIONS)
            + _controls(ctx),
            options_title=ctx._("Negara tujuan"),
        )
    if field == "job":
        return Outbound(
            ctx._("Pekerjaan apa yang ditawarkan? Pilih atau tulis sendiri."),
            options=tuple(Button(name, f"offer:job:{name}") for name in JOBS) + _controls(ctx),
            options_title=ctx._("Pekerjaan"),
        )
    if field == "recruiter":
        return Outbound(
            ctx._("Siapa yang menawarkan?"),
            buttons=(
                Button(ctx._("Perusahaan (PT)"), "offer:set:recruiter:company"),
                Button(ctx._("Orang (sponsor/calo/kenalan)"), "offer:set:recruiter:person"),
                *_controls(ctx),
            ),
        )
    return Outbound(
        ctx._("Berapa biaya yang diminta dari Anda? Contoh: 25 juta. Tulis 0 jika tidak ada."),
        buttons=(Button(ctx._("Tidak ada biaya"), "offer:set:fee:0"), *_controls(ctx)),
    )


def _result(check: OfferCheck, ctx: HandlerContext) -> Outbound:
    """Return the verdict, one line per warning sign with its source, and the next step."""
    lines = [f"*{ctx._(VERDICT_TITLES[check.verdict])}*"]
    facts = _facts_line(check.facts, ctx)
    if facts:
        lines.append(ctx._("Yang saya baca: {facts}").format(facts=facts))
    for flag in check.flags:
        marker = "🔴" if flag.severity == "red" else "🟠"
        lines.append(
            ctx._("{marker} {text} (Sumber: {source})").format(
                marker=marker, text=ctx._(flag.text), source=flag.source
            )
        )
    if check.verdict == "none":
        lines.append(
            ctx._("Saya tidak bisa memastikan tawaran ini aman: saya hanya membaca yang tertulis.")
        )
    lines.append(
        ctx._(
            "Langkah berikutnya: cek nama perusahaan dan lowongannya di siskop2mi.bp2mi.go.id, "
            "lalu tanyakan ke Pusat Layanan Migrasi di desa atau LTSA kabupaten sebelum "
            "membayar atau menyerahkan dokumen."
        )
    )
    return Outbound(
        "\n\n".join(lines),
        options=(
            Button(ctx._("Tanya petugas"), OFFICER_PAYLOAD),
            Button(ctx._("Hitung biaya & utang"), "hitung:tawaran"),
            menu_button(ctx),
        ),
        options_title=ctx._("Pilihan"),
    )


def _facts_line(facts: OfferFacts, ctx: HandlerContext) -> str:
    """Return the facts read, in one short line."""
    parts = []
    if facts.destination:
        parts.append(facts.destination)
    if facts.job:
        parts.append(JOB_LABELS.get(facts.job, facts.job))
    if facts.pay:
        amount = (
            ctx.i18n.rupiah(facts.pay.amount)
            if facts.pay.currency == "IDR"
            else f"{facts.pay.currency} {facts.pay.amount:,}".replace(",", ".")
        )
        parts.append(ctx._("gaji {amount}").format(amount=amount))
    if facts.fee:
        parts.append(ctx._("biaya {amount}").format(amount=ctx.i18n.rupiah(facts.fee)))
    elif facts.fee_free:
        parts.append(ctx._("tanpa biaya"))
    if facts.age is not None:
        parts.append(ctx._("umur {age}").format(age=facts.age))
    return ", ".join(parts)


def _recruiter_label(facts: OfferFacts, ctx: HandlerContext) -> str | None:
    """Return the recruiter as the intake stores it."""
    if facts.recruiter_name:
        return facts.recruiter_name
    labels = {
        "company": ctx._("perusahaan (nama belum diketahui)"),
        "person": ctx._("perorangan (sponsor/calo)"),
        "official": ctx._("jalur pemerintah"),
    }
    return labels.get(facts.recruiter or "")


def _next(ctx: HandlerContext, slot: dict[str, Any]) -> Reply:
    """Ask the next missing fact, or give the result when none is left."""
    pending = list(slot.get("pending") or [])
    slots = {**ctx.conversation.slots, SLOT: slot}
    if pending:
        return Reply([_question(pending[0], ctx)], state=PREFIX + "ask", slots=slots)
    return Reply([_result(current_check(slot), ctx)], state=None, slots=slots)


def begin_check(text: str, ctx: HandlerContext) -> Reply:
    """Start checking an offer text: ask what is missing, at most three questions."""
    slot = {"text": text[:MAX_TEXT], "answers": {}}
    slot["pending"] = _missing(extract(slot["text"]))
    return _next(ctx, slot)


class OfferCheckHandler:
    """Runs the offer check from the menu button, its own questions, or a forwarded advert."""

    name = "offer_check"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Take the menu button, the answers to its questions, the officer button, or an advert."""
        command = command_of(message)
        state = ctx.conversation.state or ""
        slot = dict(ctx.conversation.slots.get(SLOT) or {})
        if command == MENU_PAYLOAD:
            prompt = Outbound(
                ctx._(
                    "Tempel iklan lowongannya di sini, atau ceritakan tawarannya: negara, "
                    "pekerjaan, gaji, biaya yang diminta, siapa yang menawarkan, visa, "
                    "kapan berangkat."
                ),
                buttons=(menu_button(ctx),),
            )
            return Reply([prompt], state=PREFIX + "text")
        if command == OFFICER_PAYLOAD:
            return await self._to_officer(slot, ctx)
        if state == PREFIX + "text" and command is None and message.text.strip():
            return begin_check(message.text, ctx)
        if state == PREFIX + "ask" and slot:
            return self._answer(command, message.text, slot, ctx)
        if command is None and looks_like_offer(message.text):
            return begin_check(message.text, ctx)
        return None

    @staticmethod
    def _answer(command: str | None, text: str, slot: dict[str, Any], ctx: HandlerContext) -> Reply:
        """Take the answer to the question asked, or a skip; then go on."""
        if command is not None and not command.startswith("offer:"):
            # Another button (menu, a topic): leave the dialog to its handler.
            return Reply([_result(current_check(slot), ctx)], state=None)
        pending = list(slot.get("pending") or [])
        field = pending.pop(0) if pending else None
        answers = dict(slot.get("answers") or {})
        skip = command == "offer:skip" or (command is None and intent_of(text) is Intent.SKIP)
        if field and not skip:
            value = _answer_value(field, command, text)
            if value is not None:
                answers[field] = value
        slot = {**slot, "answers": answers, "pending": pending}
        return _next(ctx, slot)

    @staticmethod
    async def _to_officer(slot: dict[str, Any], ctx: HandlerContext) -> Reply:
        """Prefill the intake with the offer's facts and flags, then start it."""
        if not slot:
            return await start_intake(ctx)
        check = current_check(slot)
        facts = check.facts
        draft = dict(ctx.conversation.slots.get("intake") or {})
        # The intake skips the steps whose answers are already in the draft.
        values = {
            "destination": facts.destination,
            "job": JOB_LABELS.get(facts.job or "", facts.job),
            "recruiter": _recruiter_label(facts, ctx),
        }
        for field, value in values.items():
            if value and not draft.get(field):
                draft[field] = value
        draft["offer_flags"] = [flag.code for flag in check.flags]
        ctx.conversation.slots = {
            **{k: v for k, v in ctx.conversation.slots.items() if k != SLOT},
            "intake": draft,
        }
        question = ctx._("Cek tawaran: {text}").format(text=slot.get("text", ""))
        return await start_intake(ctx, question=question, topic="prosedur.cek_perusahaan")


def _answer_value(field: str, command: str | None, text: str) -> Any:
    """Read one answer from a button payload or typed text; None when it says nothing usable."""
    if command and command.startswith("offer:set:"):
        _, _, name, value = command.split(":", 3)
        return int(value) if name == "fee" else value
    if command and command.startswith("offer:job:"):
        typed = command.removeprefix("offer:job:")
        return extract(typed).job or typed
    if field == "fee":
        if fold(text) in FREE_WORDS:
            return 0
        return parse_rupiah(text)
    facts = extract(text)
    if field == "destination":
        return facts.destination or text.strip()[:60] or None
    if field == "job":
        return facts.job or text.strip()[:60] or None
    if field == "recruiter":
        return facts.recruiter or ("company" if "pt" in fold(text).split() else "person")
    return None


__all__ = ["OfferCheckHandler", "begin_check", "current_check"]
