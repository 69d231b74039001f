"""Safety triage, first in the pipeline: someone in danger now gets the emergency channels at once.

Urgent means a danger happening now (locked in, beaten, sexually abused, held, threatened
with death, suicidal, abandoned abroad without papers). An urgent message files one
priority case at once (later cries join it), notifies the officers of its centre and of the
level above, and answers with the contacts for where the person is. A `check` outcome
(possible danger) asks one short question first; "yes" becomes the urgent path, and the
informational answer follows either way.
"""

from __future__ import annotations

from bot.inquiries import NATIONAL_CENTRE, Centre, Inquiry, InquiryDraft
from bot.messages import Button, Inbound, Outbound
from handlers.answer import answer_text
from handlers.base import HandlerContext, Reply, command_of, menu_button, officer_button
from handlers.consent import ask_consent
from handlers.intake import PREFIX as INTAKE_PREFIX
from handlers.notify import inquiry_card, notify_centre
from handlers.urgent_case import (
    ASK as URGENT_ASK,
)
from handlers.urgent_case import (
    CASE,
    ask_next,
    find_place,
    new_case_slot,
    place_label,
    stored_place,
    urgent_message,
)
from knowledge.normalize import fold
from knowledge.places import Place
from knowledge.reporter import is_third_party, reporter_kind
from knowledge.safety import Triage, assess

CHECK = "safety.check"
CHECK_TEXT = "safety_check_text"  # slot: the message the check question is about
CHECK_YES = frozenset(
    {"ya", "iya", "y", "yes", "ya bahaya", "iya bahaya", "bahaya", "ya bahaya sekarang"}
)
CHECK_NO = frozenset({"tidak", "tdk", "gak", "ga", "nggak", "no", "aman", "tidak bahaya"})


def _answering_a_form(ctx: HandlerContext) -> bool:
    """Whether the message answers the intake's or the urgent case's questions.

    There a possible danger is written for the officer who reads the form, so the check
    question would only break the form; danger now still interrupts it.
    """
    state = ctx.conversation.state or ""
    return state.startswith(INTAKE_PREFIX) or state == URGENT_ASK


def check_question(ctx: HandlerContext) -> Outbound:
    """Return the one short question asked when danger is possible."""
    return Outbound(
        ctx._("Apakah Anda, atau orang yang Anda ceritakan, dalam bahaya sekarang?"),
        buttons=(
            Button(ctx._("Ya, bahaya sekarang"), "safety:yes"),
            Button(ctx._("Tidak"), "safety:no"),
        ),
    )


def _information(answer: Reply) -> list[Outbound]:
    """Return a knowledge answer without its menu (one menu per reply: the question's)."""
    if answer.topic is None:
        return []
    return [Outbound(message.text) for message in answer.messages]


class TriageHandler:
    """Answers danger-now messages before anything else, and files one priority case at once."""

    name = "triage"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Return the urgent reply, the check question, or the answer to that question."""
        if ctx.conversation.state == CHECK:
            answered = await self._check_answer(message, ctx)
            if answered is not None:
                return answered
        if message.payload or not message.text:
            return None
        triage = assess(message.text)
        if triage.urgent:
            return await self.urgent(message.text, triage, ctx)
        if triage.check and not _answering_a_form(ctx):
            return await self._ask_check(message.text, ctx)
        return None

    async def _ask_check(self, text: str, ctx: HandlerContext) -> Reply:
        """Give the information asked for, then the one question: is someone in danger now?"""
        slots = {**ctx.conversation.slots, CHECK_TEXT: text}
        ranking = ctx.knowledge.rank(text)  # once, for the answer and the review queue
        answer = answer_text(text, ctx.knowledge, ctx.i18n, ranking)
        information = _information(answer)
        # The learning loop: a maintainer labels possible danger as urgent or calm.
        await ctx.store.record_review(
            "check",
            text,
            ctx.contact.consent_at is not None,
            {match.topic_id: match.score for match in ranking.candidates[:3]},
            ctx.clock(),
        )
        return Reply(
            [*information, check_question(ctx)],
            state=CHECK,
            slots=slots,
            topic=answer.topic,
            score=answer.score,
            suggestions=answer.suggestions,
            safety="check",
        )

    async def _check_answer(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Take yes or no to the check question; anything else closes it and goes on."""
        command = command_of(message)
        word = fold(message.text)
        slots = {k: v for k, v in ctx.conversation.slots.items() if k != CHECK_TEXT}
        original = str(ctx.conversation.slots.get(CHECK_TEXT) or "")
        ctx.conversation.state = None
        ctx.conversation.slots = slots
        if command == "safety:yes" or (command is None and word in CHECK_YES):
            # The information was given with the question; now the emergency path.
            return await self.urgent(original or message.text, assess(original), ctx)
        if command == "safety:no" or (command is None and word in CHECK_NO):
            text = ctx._(
                "Baik, syukurlah. Jika keadaan berubah, ceritakan apa yang terjadi atau "
                "tekan *Tanya petugas* kapan saja."
            )
            return Reply(
                [Outbound(text, buttons=(officer_button(ctx), menu_button(ctx)))], state=None
            )
        return None

    async def urgent(self, text: str, triage: Triage | None, ctx: HandlerContext) -> Reply:
        """File (or join) the urgent case and answer with the contacts for where the person is."""
        kinds = triage.kinds if triage else ()
        third_party = is_third_party(text)
        place = find_place(text, third_party, ctx.regions) or stored_place(ctx.conversation.slots)
        inquiry, centre, notices, filed = await self._escalate(text, kinds, place, third_party, ctx)
        # "tolong cepat" after "adik saya dikurung" is still about the sister.
        third_party = third_party or inquiry.draft.third_party
        case_line = self._case_line(ctx, inquiry, centre, third_party)
        first = urgent_message(ctx, place, kinds, third_party, case_line)
        slots = dict(ctx.conversation.slots)
        case = slots.get(CASE) or {}
        if filed or case.get("id") != inquiry.id:
            case = new_case_slot(inquiry.id, place, third_party)
        elif place is not None:
            case = {**case, "place": place.name}
        slots[CASE] = case
        ctx.conversation.slots = slots
        if ctx.contact.consent_at is None:
            # The one choice list of this reply is the consent question; the questions follow it.
            asked = ask_consent(ctx, f"urgent:{inquiry.id}", [first])
            asked.messages += notices
            asked.urgent = True
            return asked
        reply = await ask_next(ctx, [first])
        reply.messages += notices
        return reply

    @staticmethod
    def _case_line(ctx: HandlerContext, inquiry: Inquiry, centre: Centre, third_party: bool) -> str:
        """Say which case this is and who has it."""
        if third_party:
            template = ctx._(
                "Laporan Anda {reference} (prioritas) sudah dikirim ke petugas {centre}."
            )
        else:
            template = ctx._("Kasus {reference} (prioritas) sudah dikirim ke petugas {centre}.")
        return template.format(reference=inquiry.reference, centre=centre.name)

    @staticmethod
    async def _escalate(
        text: str,
        kinds: tuple[str, ...],
        place: Place | None,
        third_party: bool,
        ctx: HandlerContext,
    ) -> tuple[Inquiry, Centre, list[Outbound], bool]:
        """File the case (or add to the open one) and notify its officers and the level above."""
        now = ctx.clock()
        existing = await ctx.store.open_urgent_inquiry(ctx.contact.id)
        if existing is not None:
            await ctx.store.add_thread_message(existing.id, "user", text, None, now)
            if place is not None and not existing.draft.location:
                await ctx.store.update_case(existing.id, {"location": place_label(ctx, place)}, now)
            centre = await ctx.store.centre(existing.centre_id) or await ctx.store.route([])
            return existing, centre, await notify_centre(ctx, existing, centre), False
        draft = ctx.conversation.slots.get("intake") or {}
        codes = list(draft.get("_region_codes") or [])
        inquiry_draft = InquiryDraft(
            question=text[:1000],
            village_code=draft.get("village_code"),
            village_text=draft.get("village_text"),
            red_flags=["bahaya", *kinds],
            location=place_label(ctx, place) if place else None,
            third_party=third_party,
            asker=reporter_kind(text) if third_party else None,
        )
        centre = await ctx.store.route(codes)
        inquiry = await ctx.store.file_inquiry(
            ctx.contact.id, inquiry_draft, centre.id, "urgent", now
        )
        notices = await notify_centre(ctx, inquiry, centre)
        if centre.id != NATIONAL_CENTRE:
            above = await ctx.store.route_above(codes, centre.kind)
            notices += await _notify_above(ctx, inquiry, centre, above)
        return inquiry, centre, notices, True


async def _notify_above(
    ctx: HandlerContext, inquiry: Inquiry, centre: Centre, above: Centre
) -> list[Outbound]:
    """Tell the officers one level up at once: the case is theirs if it stays unclaimed."""
    i18n = ctx.i18n_for("id")  # officers work in Indonesian
    text = "\n".join(
        [
            i18n._(
                "PERTANYAAN MENDESAK BARU di {centre}, untuk Anda ketahui sekarang. "
                "Jika belum diambil, kasus ini dialihkan ke pusat Anda."
            ).format(centre=centre.name),
            inquiry_card(inquiry, i18n),
            "",
            i18n._("Ambil alih sekarang dengan: /ambil {id}").format(id=inquiry.id),
        ]
    )
    officers = await ctx.store.officers_of(above.id)
    return [Outbound(text, to=officer.recipient) for officer in officers]
