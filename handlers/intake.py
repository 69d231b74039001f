"""The intake dialog: one short question at a time, then the inquiry is filed and routed.

Every step can be skipped ("lewati"), corrected ("ubah") or cancelled ("batal"), also inside a
short sentence ("eh salah, ubah", "gak jadi deh batal aja"; see handlers/replies.py). The draft
lives in the conversation slots, so a half-finished intake resumes where it stopped, and after
a correction the form goes on with the fields still missing.
"""

from __future__ import annotations

from typing import Any

from bot.inquiries import InquiryDraft
from bot.messages import Button, Inbound, Outbound
from handlers.base import NUMBERS_ARE_TEXT, HandlerContext, Reply, command_of, menu_button
from handlers.consent import ask_consent
from handlers.notify import asker_label, notify_centre
from handlers.payment import read_payment
from handlers.red_flags import OFFER_FLAG_PREFIX, red_flags
from handlers.replies import Intent, intent_of
from knowledge.normalize import fold, normalize

PREFIX = "intake."
DRAFT = "intake"  # slot holding the draft and the step reached
STEPS = ("who", "name", "village", "destination", "job", "recruiter", "paid", "question", "confirm")
# Answers meaning "nothing" at the recruiter and payment steps.
NONE_WORDS = frozenset(
    {
        "tidak ada",
        "gak ada",
        "ga ada",
        "nggak ada",
        "belum",
        "belum bayar",
        "belum ada",
        "tidak",
        "nggak",
        "gak",
        "ga",
        "no",
        "none",
        "nothing",
        "not yet",
        "-",
    }
)
# Where each step keeps its answer: a step with a value counts as answered.
FIELDS = {
    "who": "asker",
    "name": "name",
    "village": "village_text",
    "destination": "destination",
    "job": "job",
    "recruiter": "recruiter",
    "paid": "paid_amount",
    "question": "question",
}
DESTINATIONS = (
    "Malaysia",
    "Taiwan",
    "Hong Kong",
    "Arab Saudi",
    "Korea Selatan",
    "Jepang",
    "Singapura",
)
JOBS = ("PRT / pengasuh", "Perawat lansia", "Pabrik", "Perkebunan", "Kapal / ABK", "Konstruksi")
MAX_FIELD = 200
MAX_VILLAGE_TRIES = 2


def _draft(ctx: HandlerContext) -> dict[str, Any]:
    """Return the intake draft slot (created empty)."""
    return dict(ctx.conversation.slots.get(DRAFT) or {})


def _with_draft(ctx: HandlerContext, draft: dict[str, Any]) -> dict[str, Any]:
    """Return the conversation slots with the draft replaced."""
    return {**ctx.conversation.slots, DRAFT: draft}


def _controls(ctx: HandlerContext) -> tuple[Button, ...]:
    """Return the skip and cancel buttons every step carries."""
    return (Button(ctx._("Lewati"), "intake:skip"), Button(ctx._("Batal"), "intake:cancel"))


def _prompt(step: str, ctx: HandlerContext, draft: dict[str, Any]) -> Outbound:
    """Return the question of one step."""
    controls = _controls(ctx)
    if step == "who":
        return Outbound(
            ctx._("Siapa yang bertanya?"),
            options=(
                Button(ctx._("Saya sendiri (calon PMI / PMI)"), "intake:who:migrant"),
                Button(ctx._("Keluarga PMI"), "intake:who:family"),
                Button(ctx._("Lainnya"), "intake:who:other"),
                *controls,
            ),
            options_title=ctx._("Pilih"),
        )
    if step == "name":
        return Outbound(ctx._("Siapa nama Anda? Boleh nama panggilan."), buttons=controls)
    if step == "village":
        candidates = draft.get("_candidates") or []
        if candidates:
            return Outbound(
                ctx._("Ada beberapa desa dengan nama itu. Yang mana?"),
                options=tuple(Button(label, f"intake:village:{code}") for code, label in candidates)
                + controls,
                options_title=ctx._("Pilih desa"),
            )
        return Outbound(
            ctx._(
                "Di desa mana Anda tinggal? Tulis nama desa, kecamatan dan kabupaten. "
                "Contoh: Jogosimo, Klirong, Kebumen"
            ),
            buttons=controls,
        )
    if step == "destination":
        return Outbound(
            ctx._("Ke negara mana rencananya? Pilih atau tulis nama negaranya."),
            options=tuple(Button(name, f"intake:destination:{name}") for name in DESTINATIONS)
            + controls,
            options_title=ctx._("Negara tujuan"),
        )
    if step == "job":
        return Outbound(
            ctx._("Pekerjaan apa yang ditawarkan? Pilih atau tulis sendiri."),
            options=tuple(Button(name, f"intake:job:{name}") for name in JOBS) + controls,
            options_title=ctx._("Pekerjaan"),
        )
    if step == "recruiter":
        return Outbound(
            ctx._("Siapa yang merekrut Anda? Tulis nama sponsor, calo atau PT, jika ada."),
            buttons=(Button(ctx._("Tidak ada"), "intake:none"), *controls),
        )
    if step == "paid":
        choices = [int(amount) for amount in draft.get("_paid_choices") or []]
        if len(choices) == 1:
            return Outbound(
                ctx._("Maksud Anda {amount}?").format(amount=ctx.i18n.rupiah(choices[0])),
                buttons=(
                    Button(ctx._("Ya, benar"), f"intake:paid:{choices[0]}"),
                    Button(ctx._("Bukan"), "intake:paid:other"),
                    *controls,
                ),
            )
        if choices:
            return Outbound(
                ctx._("Anda menyebut beberapa jumlah. Berapa total yang sudah dibayar?"),
                options=(
                    *(
                        Button(ctx.i18n.rupiah(amount), f"intake:paid:{amount}")
                        for amount in choices
                    ),
                    Button(ctx._("Tulis ulang"), "intake:paid:other"),
                    *controls,
                ),
                options_title=ctx._("Jumlah dibayar"),
            )
        return Outbound(
            ctx._("Apakah sudah ada uang yang dibayar? Jika ya, berapa? Contoh: 5 juta"),
            buttons=(Button(ctx._("Belum bayar"), "intake:none"), *controls),
        )
    if step == "question":
        return Outbound(
            ctx._("Tulis pertanyaan atau masalah Anda dengan kata-kata sendiri."), buttons=controls
        )
    return _summary(ctx, draft)


def _summary(ctx: HandlerContext, draft: dict[str, Any]) -> Outbound:
    """Return the summary to confirm before filing."""
    dash = "-"
    paid = draft.get("paid_amount")
    paid_text = ctx.i18n.rupiah(paid) if paid else dash
    if draft.get("paid_note"):
        paid_text += f" ({draft['paid_note']})"
    lines = [
        ctx._("Mohon periksa data Anda:"),
        ctx._("- Yang bertanya: {who}").format(who=asker_label(draft.get("asker"), ctx.i18n)),
        ctx._("- Nama: {name}").format(name=draft.get("name") or dash),
        ctx._("- Desa: {village}").format(village=draft.get("village_text") or dash),
        ctx._("- Negara tujuan: {destination}").format(
            destination=draft.get("destination") or dash
        ),
        ctx._("- Pekerjaan: {job}").format(job=draft.get("job") or dash),
        ctx._("- Perekrut: {recruiter}").format(recruiter=draft.get("recruiter") or dash),
        ctx._("- Uang dibayar: {paid}").format(paid=paid_text),
        ctx._("- Pertanyaan: {question}").format(question=draft.get("question") or dash),
    ]
    return Outbound(
        "\n".join(lines),
        buttons=(
            Button(ctx._("Kirim"), "intake:send"),
            Button(ctx._("Ubah"), "intake:edit"),
            Button(ctx._("Batal"), "intake:cancel"),
        ),
    )


def _edit_menu(ctx: HandlerContext) -> Outbound:
    """Return the list of fields that can be corrected."""
    labels = {
        "who": ctx._("Yang bertanya"),
        "name": ctx._("Nama"),
        "village": ctx._("Desa"),
        "destination": ctx._("Negara tujuan"),
        "job": ctx._("Pekerjaan"),
        "recruiter": ctx._("Perekrut"),
        "paid": ctx._("Uang dibayar"),
        "question": ctx._("Pertanyaan"),
    }
    return Outbound(
        ctx._("Bagian mana yang ingin diubah?"),
        options=tuple(Button(label, f"intake:goto:{step}") for step, label in labels.items()),
        options_title=ctx._("Ubah"),
    )


def _answered(step: str, draft: dict[str, Any]) -> bool:
    """Tell whether a step was answered or skipped (a draft from before "_done" counts order)."""
    if "_done" not in draft:
        reached = draft.get("step")
        return reached in STEPS and STEPS.index(step) < STEPS.index(reached)
    return step in draft["_done"] or bool(draft.get(FIELDS[step]))


def _next_step(step: str, draft: dict[str, Any]) -> str:
    """Mark a step answered and return the first one still missing (the summary when none)."""
    done = [name for name in STEPS[:-1] if _answered(name, draft)]
    draft["_done"] = [*done, step] if step not in done and step in FIELDS else done
    for name in STEPS[:-1]:
        if name not in draft["_done"]:
            return name
    return "confirm"


def _ask(
    step: str, ctx: HandlerContext, draft: dict[str, Any], before: list[Outbound] | None = None
) -> Reply:
    """Move the dialog to a step and ask its question."""
    draft["step"] = step
    slots = _with_draft(ctx, draft)
    slots.pop(NUMBERS_ARE_TEXT, None)
    if step == "paid" and not draft.get("_paid_choices"):
        slots[NUMBERS_ARE_TEXT] = PREFIX + step  # "2" here is an amount, not choice number 2
    return Reply([*(before or []), _prompt(step, ctx, draft)], state=PREFIX + step, slots=slots)


async def start_intake(
    ctx: HandlerContext, question: str | None = None, topic: str | None = None
) -> Reply:
    """Begin (or resume) the intake, asking for consent first when it is missing."""
    draft = _draft(ctx)
    if question and not draft.get("question"):
        draft["question"] = question[:1000]
    if topic:
        draft["topic"] = topic
    ctx.conversation.slots = _with_draft(ctx, draft)
    if ctx.contact.consent_at is None:
        return ask_consent(ctx, "intake")
    return await continue_intake(ctx)


async def continue_intake(ctx: HandlerContext) -> Reply:
    """Ask the step the draft stopped at (the first one for a new draft)."""
    draft = _draft(ctx)
    step = draft.get("step") or "who"
    before = []
    if draft.get("step"):
        before.append(Outbound(ctx._("Kita lanjutkan pendaftaran Anda yang belum selesai.")))
    else:
        before.append(
            Outbound(
                ctx._(
                    "Saya akan menanyakan beberapa hal singkat untuk petugas. "
                    "Setiap pertanyaan boleh dilewati; ketik *ubah* untuk mengoreksi, "
                    "*batal* untuk berhenti."
                )
            )
        )
    return _ask(step, ctx, draft, before)


async def _file(ctx: HandlerContext, draft: dict[str, Any]) -> Reply:
    """Store the inquiry, notify the centre's officers, then tell the user it was received."""
    inquiry_draft = InquiryDraft.from_slots(draft)
    inquiry_draft.red_flags = red_flags(inquiry_draft) + [
        OFFER_FLAG_PREFIX + code for code in draft.get("offer_flags") or []
    ]
    if inquiry_draft.topic is None and inquiry_draft.question:
        # The village report counts inquiries by topic: classify the question when it is sure.
        inquiry_draft.topic = ctx.knowledge.rank(inquiry_draft.question).topic_id
    codes = list(draft.get("_region_codes") or [])
    centre = await ctx.store.route(codes)
    inquiry = await ctx.store.file_inquiry(
        ctx.contact.id, inquiry_draft, centre.id, "normal", ctx.clock()
    )
    notices = await notify_centre(ctx, inquiry, centre)
    text = ctx._(
        "Pertanyaan Anda sudah kami terima dan simpan dengan nomor {reference}. "
        "Petugas {centre} akan membalas lewat chat ini."
    ).format(reference=inquiry.reference, centre=centre.name)
    if not codes and draft.get("village_text"):
        text += "\n\n" + ctx._(
            "Desa Anda belum bisa kami temukan, jadi pertanyaan diteruskan ke {centre}."
        ).format(centre=centre.name)
    if centre.contact:
        text += "\n\n" + ctx._("Kontak {centre}: {contact}").format(
            centre=centre.name, contact=centre.contact
        )
    slots = {k: v for k, v in ctx.conversation.slots.items() if k != DRAFT}
    return Reply([Outbound(text, buttons=(menu_button(ctx),)), *notices], state=None, slots=slots)


class IntakeHandler:
    """Runs the intake steps while the conversation is in an intake state."""

    name = "intake"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Take the answer to the current step."""
        state = ctx.conversation.state or ""
        if not state.startswith(PREFIX):
            return None
        step = state.removeprefix(PREFIX)
        command = command_of(message)
        text = message.text.strip()
        folded = fold(text)
        draft = _draft(ctx)
        # Short, casual answers carry an intent ("iya setuju", "eh salah, ubah"); at the free-text
        # question step only a one- or two-word answer does ("lewati", "gak jadi").
        intent = None
        if command is None and (step != "question" or len(folded.split()) <= 2):
            intent = intent_of(text)
        if command == "intake:cancel" or intent is Intent.CANCEL:
            slots = {k: v for k, v in ctx.conversation.slots.items() if k != DRAFT}
            done = Outbound(
                ctx._("Pendaftaran dibatalkan. Data yang Anda isi sudah dihapus."),
                buttons=(menu_button(ctx),),
            )
            return Reply([done], state=None, slots=slots)
        if command == "intake:edit" or intent is Intent.EDIT:
            draft["step"] = "edit"
            return Reply([_edit_menu(ctx)], state=PREFIX + "edit", slots=_with_draft(ctx, draft))
        if command and command.startswith("intake:goto:"):
            target = command.removeprefix("intake:goto:")
            if target in FIELDS:
                draft["_done"] = [name for name in STEPS[:-1] if _answered(name, draft)]
                draft["_done"] = [name for name in draft["_done"] if name != target]
                draft.pop("_candidates", None)
                draft.pop("_paid_choices", None)
                return _ask(target, ctx, draft)
        if step == "edit":
            return Reply([_edit_menu(ctx)], state=PREFIX + "edit")
        if command is not None and not command.startswith("intake:"):
            return None  # another command or button (menu, topics): not an answer to this step
        if step == "confirm":
            if command == "intake:send" or intent in {Intent.SEND, Intent.YES}:
                return await _file(ctx, draft)
            return _ask("confirm", ctx, draft)
        # "ga usah" or a dash skips a step; at the recruiter and payment steps "no" means "none".
        skip = (
            command == "intake:skip"
            or intent is Intent.SKIP
            or (command is None and text in {"-", "--", "—"})
            or (intent is Intent.NO and step not in {"recruiter", "paid"})
        )
        if intent is Intent.YES and step not in {"paid"}:
            hint = Outbound(ctx._("Silakan tulis jawabannya, atau tekan Lewati."))
            return _ask(step, ctx, draft, [hint])
        if skip:
            draft.pop("_paid_choices", None)
        else:
            problem = await self._take(step, command, text, ctx, draft)
            if problem is not None:
                return problem
        return _ask(_next_step(step, draft), ctx, draft)

    async def _take(
        self, step: str, command: str | None, text: str, ctx: HandlerContext, draft: dict[str, Any]
    ) -> Reply | None:
        """Store one answer in the draft; return a reply when the answer needs another try."""
        choice = command.split(":", 2)[2] if command and command.count(":") >= 2 else None
        value = (choice or text)[:MAX_FIELD].strip()
        if not value and command != "intake:none":
            return _ask(
                step,
                ctx,
                draft,
                [Outbound(ctx._("Jawaban kosong. Silakan tulis jawabannya, atau tekan Lewati."))],
            )
        if step == "who":
            draft["asker"] = choice or self._asker_from_text(value)
        elif step == "name":
            draft["name"] = value
        elif step == "village":
            return self._village(choice, value, ctx, draft)
        elif step == "destination":
            draft["destination"] = value
        elif step == "job":
            draft["job"] = value
        elif step == "recruiter":
            draft["recruiter"] = (
                None
                if command == "intake:none" or fold(value) in NONE_WORDS or intent_of(value)
                else value
            )
        elif step == "paid":
            return self._paid(command, value, ctx, draft)
        elif step == "question":
            draft["question"] = text[:1000]
        return None

    @staticmethod
    def _asker_from_text(value: str) -> str:
        """Read who is asking from free text."""
        words = normalize(value)
        if any(word in words for word in ("saya", "sendiri", "pmi", "calon")):
            return "migrant"
        if any(
            word in words
            for word in (
                "anak",
                "suami",
                "istri",
                "ibu",
                "bapak",
                "adik",
                "kakak",
                "keluarga",
                "orang tua",
            )
        ):
            return "family"
        return "other"

    def _village(
        self, choice: str | None, value: str, ctx: HandlerContext, draft: dict[str, Any]
    ) -> Reply | None:
        """Resolve the village, ask which one when ambiguous, or keep the text when not found."""
        regions = ctx.regions
        if regions is None:
            draft["village_text"] = value
            return None
        if choice:
            region = regions.get(choice) if hasattr(regions, "get") else None
            if region is not None:
                return self._set_village(region.code, region.path, ctx, draft)
        resolution = regions.resolve(value)
        if resolution.resolved is not None:
            return self._set_village(resolution.resolved.code, resolution.resolved.path, ctx, draft)
        if resolution.candidates:
            draft["_candidates"] = [
                (region.code, _short_path(region.path)) for region in resolution.candidates[:8]
            ]
            return _ask("village", ctx, draft)
        draft["_village_tries"] = int(draft.get("_village_tries", 0)) + 1
        if draft["_village_tries"] < MAX_VILLAGE_TRIES:
            retry = Outbound(
                ctx._(
                    "Maaf, desa itu belum saya temukan. Coba tulis lagi dengan nama "
                    "kecamatan dan kabupaten."
                )
            )
            return _ask("village", ctx, draft, [retry])
        # Still not found: keep what was typed, and route by a regency or province it names.
        draft["village_text"] = value
        area = regions.find_regency(value) or regions.find_province(value)
        draft["_region_codes"] = regions.ancestors(area.code) if area is not None else []
        draft.pop("_village_tries", None)
        return None

    @staticmethod
    def _set_village(code: str, path: str, ctx: HandlerContext, draft: dict[str, Any]) -> None:
        """Keep a resolved village and the codes above it for routing."""
        draft["village_code"] = code
        draft["village_text"] = path
        draft["_region_codes"] = ctx.regions.ancestors(code)
        draft.pop("_candidates", None)
        draft.pop("_village_tries", None)
        return None

    @staticmethod
    def _paid(
        command: str | None, value: str, ctx: HandlerContext, draft: dict[str, Any]
    ) -> Reply | None:
        """Take an amount ("35 juta", "dp 5jt, total 25 juta"), a confirmation, or 'not yet'."""
        choices = [int(amount) for amount in draft.pop("_paid_choices", None) or []]
        chosen = command.removeprefix("intake:paid:") if command else None
        intent = intent_of(value) if command is None else None
        if chosen is not None and chosen.isdigit():
            draft["paid_amount"] = int(chosen)
            return None
        if len(choices) == 1 and intent is Intent.YES:
            draft["paid_amount"] = choices[0]
            return None
        if chosen == "other" or (choices and intent is Intent.NO):
            again = Outbound(ctx._("Baik. Tulis jumlahnya dengan satuan, misalnya: 2 juta."))
            return _ask("paid", ctx, draft, [again])
        if command == "intake:none" or fold(value) in NONE_WORDS or intent is Intent.NO:
            draft["paid_amount"] = None
            draft.pop("paid_note", None)
            return None
        payment = read_payment(value)
        if payment.choices:
            draft["_paid_choices"] = payment.choices
            return _ask("paid", ctx, draft)
        if payment.amount is None:
            retry = Outbound(
                ctx._(
                    "Maaf, jumlahnya belum saya pahami. Tulis misalnya: 5 juta, atau Rp 5.000.000."
                )
            )
            return _ask("paid", ctx, draft, [retry])
        draft["paid_amount"] = payment.amount
        if payment.note:
            draft["paid_note"] = payment.note
        else:
            draft.pop("paid_note", None)
        return None


def _short_path(path: str) -> str:
    """Shorten "Desa, Kecamatan, Kabupaten X, Provinsi" for a button label."""
    parts = [part.strip() for part in path.split(",")]
    label = ", ".join(parts[:3]).replace("Kabupaten ", "Kab. ")
    return label
