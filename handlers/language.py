"""Language: Indonesian by default, English when asked or when the first question is English.

The detector is deliberately small and deterministic: two word lists, counted. It only has to
tell an English sentence ("how much does it cost to work in Taiwan") from an Indonesian one,
mixed slang included, and it decides once per conversation (or whenever the user asks).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.messages import Button, Inbound, Outbound
from handlers.base import Handler, HandlerContext, Reply, command_of
from handlers.navigation import main_menu
from knowledge.normalize import fold

LANGUAGE_WORDS = {
    "english": "en",
    "bahasa inggris": "en",
    "inggris": "en",
    "in english": "en",
    "english please": "en",
    "bahasa indonesia": "id",
    "indonesia": "id",
    "indonesian": "id",
    "bahasa": "",  # asks for the choice
}
DETECTED = "_lang_detected"  # slot: the first free-text message was looked at already
# Words frequent in English questions and rare in Indonesian ones ("my" is also Malaysia's code,
# so it counts only next to other English words).
ENGLISH = frozenset(
    """
    the a an is are am was were be been do does did can could would should will shall may must
    i me my you your we our they their he she his her it its this that these those there here
    what how why where when who which whom whose much many long
    to for of in on at from with about into by and or but if not no yes
    work working job jobs worker workers go going get need want know have has had
    please help pay paid cost costs fee fees money salary agency agent employer passport
    abroad overseas country legal illegal safe official requirements documents apply
    sister brother mother father daughter son husband wife family
    """.split()
)
INDONESIAN = frozenset(
    """
    saya aku gue gw kami kita anda kamu dia mereka ini itu yang dan di ke dari untuk dengan
    apa apakah bagaimana gimana gmn berapa brp kapan dimana mana siapa kenapa mengapa
    mau ingin bisa boleh harus sudah udah belum tidak gak ga nggak enggak ada adalah akan
    kerja bekerja kerjaan gaji biaya bayar uang paspor agen sponsor calo majikan luar negeri
    syarat dokumen resmi aman tolong mohon kak min pak bu mas mbak dong ya nya sih
    berangkat pulang anak ibu bapak suami istri adik kakak keluarga
    """.split()
)
# "can you answer in English", "reply in english please", "pakai bahasa Inggris aja".
_ASK_VERBS = (
    r"answer|reply|respond|speak|talk|write|use|switch|change|chat|"
    r"pakai|pake|gunakan|pakailah|balas|jawab|ganti|ubah|bicara|ngomong|tulis"
)
_ASK_ENGLISH = re.compile(
    rf"\b(?:{_ASK_VERBS})\b.*\b(?:english|inggris)\b|\bin english\b|^english( please)?$"
    r"|\b(?:do you|can you|could you) (?:speak|understand) english\b|\bspeak english\b"
)
_ASK_INDONESIAN = re.compile(
    rf"\b(?:{_ASK_VERBS})\b.*\bbahasa indonesia\b|\bin indonesian\b"
    r"|\bbahasa indonesia (?:saja|aja)\b"
    r"|^(?:bahasa )?indonesia(?:n)?( please| saja| aja)?$"
)
MAX_REQUEST_WORDS = 10


def looks_english(text: str) -> bool:
    """Tell whether a message is written in English (a word count over two small lists)."""
    words = fold(text).split()
    english = sum(word in ENGLISH for word in words)
    indonesian = sum(word in INDONESIAN for word in words)
    return english >= 2 and english > 2 * indonesian


def requested_language(text: str) -> str | None:
    """Return the language a short message asks for ("can you answer in English" -> "en")."""
    folded = fold(text)
    if not folded or len(folded.split()) > MAX_REQUEST_WORDS:
        return None
    if _ASK_ENGLISH.search(folded):
        return "en"
    if _ASK_INDONESIAN.search(folded):
        return "id"
    return LANGUAGE_WORDS.get(folded) or None


def language_choice(ctx: HandlerContext) -> Outbound:
    """Return the two-language choice."""
    return Outbound(
        ctx._("Pilih bahasa / Choose your language:"),
        buttons=(Button("Bahasa Indonesia", "lang:id"), Button("English", "lang:en")),
    )


SWITCH_NOTE = "I will answer in English. Lebih suka Bahasa Indonesia? Pilih *Bahasa Indonesia*."
BACK_TO_INDONESIAN = Button("Bahasa Indonesia", "lang:id")


def with_switch(messages: list[Outbound]) -> list[Outbound]:
    """Add the one-tap way back to Indonesian, inside the reply's own choices when it has some.

    One reply never carries two numbered menus: the button joins the last choice list, and a
    short bilingual note says what it is.
    """
    note = Outbound(SWITCH_NOTE)
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        if message.to is not None or not message.choices:
            continue
        if message.options:
            changed = replace(message, options=(*message.options, BACK_TO_INDONESIAN))
        else:
            changed = replace(message, buttons=(*message.buttons, BACK_TO_INDONESIAN))
        return [note, *messages[:index], changed, *messages[index + 1 :]]
    return [*messages, replace(note, buttons=(BACK_TO_INDONESIAN,))]


async def _set_locale(ctx: HandlerContext, chosen: str) -> None:
    """Store the language and translate the rest of this turn with it."""
    await ctx.store.set_locale(ctx.contact.id, chosen)
    ctx.contact.locale = chosen
    ctx.i18n = ctx.i18n_for(chosen)


class LanguageHandler:
    """Offers and applies the language choice, and answers a first English question in English.

    ``after`` are the handlers that answer a question (officer request, small talk, knowledge,
    fallback): a first English message switches the language, is answered by them in English,
    and gets the one-tap switch back.
    """

    name = "language"

    def __init__(self, after: Sequence[Handler] = ()) -> None:
        self.after = tuple(after)

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Answer /bahasa with buttons; apply lang:id / lang:en or a request in words."""
        command = command_of(message)
        if command in {"/bahasa", "/language", "/lang"} or (
            command is None and fold(message.text) in {"bahasa", "language", "ganti bahasa"}
        ):
            return Reply([language_choice(ctx)], state=None)
        chosen = None
        if command and command.startswith("lang:"):
            chosen = command.removeprefix("lang:")
        elif command is None:
            chosen = requested_language(message.text)
        if chosen in {"id", "en"}:
            await _set_locale(ctx, chosen)
            slots = {**ctx.conversation.slots, DETECTED: True}
            return Reply(
                [Outbound(ctx._("Bahasa sudah diganti ke Bahasa Indonesia.")), main_menu(ctx)],
                state=None,
                slots=slots,
            )
        if command is not None or ctx.conversation.slots.get(DETECTED) or not message.text:
            return None
        return await self._first_question(message, ctx)

    async def _first_question(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Look at the first free-text question once; answer it in English when it is English."""
        ctx.conversation.slots = {**ctx.conversation.slots, DETECTED: True}
        if not looks_english(message.text) or ctx.locale == "en":
            return None  # the next handlers answer, and their reply keeps the marked slots
        await _set_locale(ctx, "en")
        for handler in self.after:
            reply = await handler.handle(message, ctx)
            if reply is not None:
                reply.messages = with_switch(reply.messages)
                if reply.slots is not None:
                    reply.slots = {**reply.slots, DETECTED: True}
                return reply
        return None
