"""The urgent case: the contacts for where the person is, and at most three short questions.

The case filed at once by triage is *the* case. Afterwards this dialog asks, each question
skippable: where the person is now, whether this chat is safe to reach them on, and the
writer's name; every answer is attached to that same case. It never asks about jobs,
recruiters or money, and asking for an officer while the case is open comes back here
instead of the intake form.
"""

from __future__ import annotations

import re
from typing import Any

from bot.inquiries import Inquiry
from bot.messages import Button, Inbound, Outbound
from handlers.base import HandlerContext, RegionLookup, Reply, command_of, menu_button
from handlers.consent import ASK as CONSENT_ASK
from handlers.consent import NEXT as CONSENT_NEXT
from handlers.consent import ask_consent, consent_question
from handlers.notify import inquiry_card
from knowledge.contacts import INDONESIA, Contacts, default_contacts
from knowledge.danger_lexicon import MEDICAL_KIND, SUICIDE_KIND
from knowledge.normalize import fold
from knowledge.places import Place, default_finder

ASK = "urgent.ask"
CASE = "urgent_case"  # slot: {"id", "step", "done", "place", "third_party"}
STEPS = ("where", "reach", "name")
SKIP_WORDS = frozenset({"lewati", "skip", "lewat", "-", "tidak tahu", "gak tahu", "ga tau"})
# Typed answers to "is it safe to reach you on this chat?"
REACH_WORDS = {
    **dict.fromkeys(("ya", "iya", "y", "aman", "ya aman", "yes", "ok", "oke", "boleh"), "chat"),
    **dict.fromkeys(("tidak", "tidak aman", "gak", "ga", "nggak", "jangan", "no"), "none"),
    **dict.fromkeys(("nomor lain", "no lain", "another number", "other number"), "other"),
}
OFFICER_WORDS = frozenset({"petugas", "officer", "admin", "operator"})
PHONE = re.compile(r"^\+?[\d\s().-]{8,20}$")
MAX_ANSWER = 120


# --- the contacts for where the person is ---------------------------------------------------


def _numbers(numbers: tuple[str, ...]) -> str:
    """Join a mission's numbers."""
    return " / ".join(numbers)


def _abroad_lines(ctx: HandlerContext, place: Place, contacts: Contacts) -> list[str]:
    """Return the local emergency number, the mission's hotline and Safe Travel."""
    lines = []
    country = contacts.country(place.country)
    if country is not None and country.emergency:
        numbers = ", ".join(
            f"{number.number} ({number.service_for(ctx.locale)})" for number in country.emergency
        )
        lines.append(
            ctx._("- Di {country}: {numbers}").format(
                country=country.name_for(ctx.locale), numbers=numbers
            )
        )
    mission = contacts.missions.get(place.mission or "")
    kemlu = contacts.general["kemlu"]
    if mission is not None and mission.shown:
        lines.append(
            ctx._("- {mission} (nomor per {year}, cek di Safe Travel): {numbers}").format(
                mission=mission.name, year=mission.year, numbers=_numbers(mission.numbers)
            )
        )
    else:
        # No verified number for this mission: the Kemlu protection line instead.
        lines.append(
            ctx._("- Pelindungan WNI Kemlu (24 jam): {numbers}").format(
                numbers=_numbers(kemlu.numbers)
            )
        )
    lines.append(ctx._("- Aplikasi Safe Travel: tekan Tombol Darurat."))
    return lines


def contact_lines(
    ctx: HandlerContext, place: Place | None, kinds: tuple[str, ...], third_party: bool
) -> list[str]:
    """Return the channels for where the person is, one per line, most immediate first."""
    contacts = default_contacts()
    call, whatsapp = contacts.general["kp2mi"].numbers[:2]
    lines: list[str] = []
    if place is not None and place.in_indonesia:
        lines.append(
            ctx._(
                "- Di Indonesia: Polisi 110 (gratis, 24 jam) atau 112 "
                "(di daerah yang sudah bergabung)."
            )
        )
    elif place is not None:
        lines += _abroad_lines(ctx, place, contacts)
    else:
        lines.append(ctx._("- Di Indonesia: Polisi 110 atau 112."))
        lines.append(
            ctx._(
                "- Di luar negeri: Tombol Darurat aplikasi Safe Travel, atau Pelindungan WNI "
                "Kemlu (24 jam) {numbers}."
            ).format(numbers=_numbers(contacts.general["kemlu"].numbers))
        )
    if SUICIDE_KIND in kinds and not third_party:
        lines.append(
            ctx._(
                "- Dukungan jiwa Kemenkes: healing119.id (online, gratis); "
                "119 ekstensi 8 (di Indonesia, jam kerja)."
            )
        )
    if place is not None and place.in_indonesia:
        lines.append(ctx._("- KP2MI: WhatsApp 0811-8080-141, telepon 0800-1000 (bebas pulsa)."))
    else:
        lines.append(ctx._("- KP2MI: {call} / WA {whatsapp}.").format(call=call, whatsapp=whatsapp))
        lines.append(ctx._("Bantuan KBRI/KJRI gratis; yang minta uang atas nama KBRI itu penipu."))
    return lines


def first_step(ctx: HandlerContext, kinds: tuple[str, ...], third_party: bool) -> str:
    """Return the next step, said first."""
    if MEDICAL_KIND in kinds:
        # A life may hang on the next minutes, and the employer's "no" must not delay the call.
        return ctx._(
            "Telepon nomor darurat di bawah sekarang, walau majikan atau agen melarang. "
            "Sebutkan alamat yang persis. Lalu laporkan ke:"
        )
    if third_party:
        return ctx._(
            "Untuk membantunya sekarang: minta lokasinya yang persis. Kumpulkan nama majikan "
            "atau agensi, nomor paspornya jika tahu, tangkapan layar pesan. Laporkan ke:"
        )
    if SUICIDE_KIND in kinds:
        return ctx._("Anda tidak sendirian. Bicaralah dengan seseorang sekarang:")
    return ctx._(
        "Sekarang: jika bisa, pergi ke tempat aman lalu hubungi salah satu nomor ini. "
        "Catat nomornya, kalau-kalau HP diambil."
    )


def urgent_message(
    ctx: HandlerContext,
    place: Place | None,
    kinds: tuple[str, ...],
    third_party: bool,
    case_line: str,
) -> Outbound:
    """Return the first urgent message: the next step, the contacts, and the case's number."""
    lines = [first_step(ctx, kinds, third_party), *contact_lines(ctx, place, kinds, third_party)]
    return Outbound("\n".join([*lines, case_line]), urgent=True)


def place_label(ctx: HandlerContext, place: Place) -> str:
    """Return the place as officers read it: what the user wrote, and the country."""
    country = default_contacts().country(place.country)
    name = country.name_for("id") if country else place.country
    return f"{place.name}, {name}"


def find_place(text: str, third_party: bool, regions: RegionLookup | None = None) -> Place | None:
    """Return where the person in danger is, as named in the text.

    Beyond the contacts file's places, any Indonesian regency or province the village index
    knows ("di Brebes") means Indonesia; not for a report about someone else, where it is
    more likely the writer's home.
    """
    place = default_finder().locate(text, third_party)
    if place is not None or third_party or regions is None:
        return place
    folded = fold(text)
    for region in (regions.find_regency(text), regions.find_province(text)):
        if region is None:
            continue
        # The index forgives typos ("kamar" finds Kampar): here only the exact name counts.
        name = re.sub(r"^(kabupaten|kota|provinsi) ", "", fold(region.name))
        if re.search(rf"\b{re.escape(name)}\b", folded):
            return Place(INDONESIA, None, fold(region.name))
    return None


def stored_place(slots: dict[str, Any]) -> Place | None:
    """Return the place remembered for the urgent case, if any."""
    case = slots.get(CASE) or {}
    name = case.get("place")
    return default_finder().locate(name) if name else None


# --- who has the case -----------------------------------------------------------------------


async def holder_text(ctx: HandlerContext, inquiry: Inquiry) -> str:
    """Say in plain words who has the case now."""
    current = await ctx.store.get_inquiry(inquiry.id) or inquiry
    centre = await ctx.store.centre(current.centre_id)
    centre_name = centre.name if centre else current.centre_id
    if current.status == "resolved":
        return ctx._("Kasus {reference} sudah selesai ditangani.").format(
            reference=current.reference
        )
    if current.status == "claimed":
        return ctx._("Kasus {reference} sedang ditangani {officer} dari {centre}.").format(
            reference=current.reference, officer=current.claimed_by_name or "-", centre=centre_name
        )
    return ctx._("Kasus {reference} sudah dikirim ke petugas {centre}, menunggu diambil.").format(
        reference=current.reference, centre=centre_name
    )


# --- the three questions --------------------------------------------------------------------


def _skip(ctx: HandlerContext) -> Button:
    """Return the skip button every question carries."""
    return Button(ctx._("Lewati"), "urgent:skip")


def question(ctx: HandlerContext, step: str, third_party: bool) -> Outbound:
    """Return one short question."""
    if step == "where":
        text = (
            ctx._("Dia sekarang di mana? Tulis negara atau kotanya.")
            if third_party
            else ctx._("Anda sekarang di mana? Tulis negara atau kotanya.")
        )
        return Outbound(text, buttons=(_skip(ctx),))
    if step == "reach":
        return Outbound(
            ctx._("Apakah aman menghubungi Anda lewat chat ini?"),
            buttons=(
                Button(ctx._("Ya, aman"), "urgent:reach:chat"),
                Button(ctx._("Nomor lain"), "urgent:reach:other"),
                Button(ctx._("Tidak aman"), "urgent:reach:none"),
                _skip(ctx),
            ),
        )
    if step == "reach_number":
        return Outbound(ctx._("Tulis nomor yang aman untuk dihubungi."), buttons=(_skip(ctx),))
    return Outbound(ctx._("Siapa nama Anda? Boleh nama panggilan."), buttons=(_skip(ctx),))


def new_case_slot(case_id: int, place: Place | None, third_party: bool) -> dict[str, Any]:
    """Return the slot of a new case; 'where' counts as answered when the message named a place."""
    return {
        "id": case_id,
        "step": None,
        "done": ["where"] if place is not None else [],
        "place": place.name if place else None,
        "third_party": third_party,
    }


def _next_step(case: dict[str, Any]) -> str | None:
    """Return the first question not yet answered or skipped."""
    return next((step for step in STEPS if step not in case.get("done", [])), None)


async def ask_next(ctx: HandlerContext, before: list[Outbound] | None = None) -> Reply:
    """Ask the next question of the urgent case, or say who has it when all are answered."""
    slots = dict(ctx.conversation.slots)
    case = dict(slots.get(CASE) or {})
    messages = list(before or [])
    step = _next_step(case)
    if step is None:
        slots.pop(CASE, None)
        inquiry = await ctx.store.get_inquiry(int(case["id"])) if case.get("id") else None
        messages += await _finished(ctx, inquiry) if inquiry else []
        return Reply(messages, state=None, slots=slots, urgent=_any_urgent(messages))
    case["step"] = step
    slots[CASE] = case
    messages.append(question(ctx, step, bool(case.get("third_party"))))
    return Reply(messages, state=ASK, slots=slots, urgent=_any_urgent(messages))


def _any_urgent(messages: list[Outbound]) -> bool:
    """Return True when the reply carries emergency contacts."""
    return any(message.urgent for message in messages)


async def continue_urgent(ctx: HandlerContext, inquiry_id: int) -> Reply:
    """Continue with the questions of a case (after consent, or 'talk to an officer')."""
    if ctx.contact.consent_at is None:
        # The answers are personal data: ask (again) before storing any.
        return ask_consent(ctx, f"urgent:{inquiry_id}")
    slots = dict(ctx.conversation.slots)
    case = dict(slots.get(CASE) or {})
    if case.get("id") != inquiry_id:
        case = new_case_slot(inquiry_id, None, False)
        inquiry = await ctx.store.get_inquiry(inquiry_id)
        if inquiry is not None:
            case["done"] = [
                step
                for step, known in (
                    ("where", inquiry.draft.location),
                    ("reach", inquiry.draft.reach),
                    ("name", inquiry.draft.name),
                )
                if known
            ]
            case["third_party"] = inquiry.draft.third_party
            if _next_step(case) is None:
                # Everything was answered already: say who has the case, nothing more.
                hint = ctx._("Petugas akan menghubungi Anda lewat chat ini.")
                text = await holder_text(ctx, inquiry) + "\n\n" + hint
                return Reply([Outbound(text, buttons=(menu_button(ctx),))], state=None)
    slots[CASE] = case
    ctx.conversation.slots = slots
    return await ask_next(ctx)


async def _finished(ctx: HandlerContext, inquiry: Inquiry) -> list[Outbound]:
    """Thank the user, say who has the case, and send the officers the completed card."""
    text = "\n\n".join(
        [
            ctx._("Terima kasih, sudah kami tambahkan ke kasus {reference}.").format(
                reference=inquiry.reference
            ),
            await holder_text(ctx, inquiry),
            ctx._("Untuk melihat kabarnya, ketik: status {reference}").format(
                reference=inquiry.reference
            ),
        ]
    )
    messages = [Outbound(text, buttons=(menu_button(ctx),))]
    current = await ctx.store.get_inquiry(inquiry.id) or inquiry
    officers = await ctx.store.officers_of(current.centre_id)
    if current.claimed_by is not None:
        officers = [officer for officer in officers if officer.id == current.claimed_by]
    i18n = ctx.i18n_for("id")  # officers work in Indonesian
    card = "\n".join(
        [
            i18n._("Kasus #{id} dilengkapi pengguna:").format(id=current.id),
            inquiry_card(current, i18n),
        ]
    )
    messages += [Outbound(card, to=officer.recipient) for officer in officers]
    return messages


def _answer_word(message: Inbound) -> str:
    """Return the folded text of a typed answer."""
    return fold(message.text)


class UrgentCaseHandler:
    """Takes the answers to the urgent case's questions and attaches them to the case."""

    name = "urgent_case"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Attach an answer, or give the contacts for a place named while consent is pending."""
        if ctx.conversation.state == CONSENT_ASK:
            return await self._place_while_consent_pending(message, ctx)
        if ctx.conversation.state != ASK:
            return None
        case = dict(ctx.conversation.slots.get(CASE) or {})
        step = case.get("step")
        if not case.get("id") or step not in (*STEPS, "reach_number"):
            return None
        command = command_of(message)
        text = message.text.strip()
        if command == "urgent:skip" or (command is None and _answer_word(message) in SKIP_WORDS):
            return await self._done(ctx, case, "reach" if step == "reach_number" else step, {})
        if command is not None and not command.startswith("urgent:"):
            return None
        if command is None and OFFICER_WORDS & set(_answer_word(message).split()):
            return self._again(ctx, case)  # "hubungi petugas" is not an answer: ask again
        if step == "where":
            return await self._where(text, ctx, case)
        if step in ("reach", "reach_number"):
            return await self._reach(command, text, ctx, case)
        if len(text) > MAX_ANSWER or len(text.split()) > 6:
            return None  # a question, not a name: let the bot answer it (that ends the questions)
        return await self._done(ctx, case, "name", {"name": text[:MAX_ANSWER]})

    @staticmethod
    async def _place_while_consent_pending(message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Someone who names their place instead of answering consent still gets its contacts."""
        then = str(ctx.conversation.slots.get(CONSENT_NEXT, ""))
        if not then.startswith("urgent:") or command_of(message) is not None:
            return None
        case = ctx.conversation.slots.get(CASE) or {}
        place = find_place(message.text, bool(case.get("third_party")), ctx.regions)
        if place is None:
            return None
        inquiry = await ctx.store.get_inquiry(int(then.removeprefix("urgent:")))
        if inquiry is None:
            return None
        slots = {**ctx.conversation.slots, CASE: {**case, "place": place.name}}
        urgent = urgent_message(
            ctx, place, (), bool(case.get("third_party")), await holder_text(ctx, inquiry)
        )
        return Reply([urgent, consent_question(ctx)], slots=slots, urgent=True)

    async def _where(self, text: str, ctx: HandlerContext, case: dict[str, Any]) -> Reply | None:
        """Attach where the person is; when it names a place, give that place's contacts."""
        third_party = bool(case.get("third_party"))
        place = find_place(text, third_party, ctx.regions)
        if place is None and (len(text) > MAX_ANSWER or len(text.split()) > 6):
            return None
        location = place_label(ctx, place) if place else text[:MAX_ANSWER]
        before: list[Outbound] = []
        if place is not None:
            case = {**case, "place": place.name}
            inquiry = await ctx.store.get_inquiry(int(case["id"]))
            holder = await holder_text(ctx, inquiry) if inquiry else ""
            before.append(urgent_message(ctx, place, (), third_party, holder))
        return await self._done(ctx, case, "where", {"location": location}, before)

    async def _reach(
        self, command: str | None, text: str, ctx: HandlerContext, case: dict[str, Any]
    ) -> Reply | None:
        """Attach whether this chat is safe, or the other number to use."""
        word = fold(text)
        choice = command.removeprefix("urgent:reach:") if command else None
        if choice is None:
            if PHONE.match(text):
                return await self._done(
                    ctx, case, "reach", {"reach": "other", "reach_number": text[:40]}
                )
            if case.get("step") == "reach_number":
                return None if len(text.split()) > 3 else self._again(ctx, case)
            choice = REACH_WORDS.get(word)
        if choice == "other":
            case = {**case, "step": "reach_number"}
            slots = {**ctx.conversation.slots, CASE: case}
            await ctx.store.update_case(int(case["id"]), {"reach": "other"}, ctx.clock())
            return Reply([question(ctx, "reach_number", False)], state=ASK, slots=slots)
        if choice in ("chat", "none"):
            return await self._done(ctx, case, "reach", {"reach": choice})
        return None if len(text.split()) > 3 else self._again(ctx, case)

    @staticmethod
    def _again(ctx: HandlerContext, case: dict[str, Any]) -> Reply:
        """Ask the same question again."""
        return Reply([question(ctx, str(case["step"]), bool(case.get("third_party")))], state=ASK)

    @staticmethod
    async def _done(
        ctx: HandlerContext,
        case: dict[str, Any],
        step: str,
        changes: dict[str, Any],
        before: list[Outbound] | None = None,
    ) -> Reply:
        """Attach the answer to the case and move on to the next question."""
        if changes:
            await ctx.store.update_case(int(case["id"]), changes, ctx.clock())
        done = [*case.get("done", []), step]
        ctx.conversation.slots = {**ctx.conversation.slots, CASE: {**case, "done": done}}
        return await ask_next(ctx, before)
