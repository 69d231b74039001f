"""Small talk: thanks, goodbye, and distress said in a word or two or only with emoji.

"makasih ya min" is not a question about working abroad, and "🙏🙏😭" or "capek" is a person
having a hard time: both deserve a short, warm answer instead of "I only answer questions about
safe migration". Danger words never reach this handler: triage runs first.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from bot.messages import Inbound, Outbound
from handlers.base import HandlerContext, Reply, command_of, menu_button, officer_button
from handlers.replies import phrases_of
from knowledge.normalize import fold


class Talk(StrEnum):
    """What a small-talk message is."""

    THANKS = "thanks"
    GOODBYE = "goodbye"
    DISTRESS = "distress"


PHRASES: dict[Talk, frozenset[str]] = {
    Talk.THANKS: frozenset(
        """
        makasih makasi makasii mksh mks trims trimakasih terimakasih terima_kasih thanks thank
        thank_you thx tq ty tengkyu nuhun hatur_nuhun matur_nuwun suwun maturnuwun syukron
        alhamdulilah alhamdulillah sip mantap oke_makasih siap_makasih
        """.split()
    ),
    Talk.GOODBYE: frozenset(
        """
        bye dadah dah_dulu daah sampai_jumpa selamat_tinggal see_you goodbye good_bye
        udah_dulu sudah_dulu segitu_dulu itu_saja itu_aja cukup sudah_cukup udah_cukup pamit
        wassalam wassalamualaikum
        """.split()
    ),
    Talk.DISTRESS: frozenset(
        """
        capek cape capai lelah letih takut sedih bingung stres stress stresss nangis menangis
        galau kangen rindu sendirian kesepian pusing cemas khawatir gelisah tertekan
        gak_kuat ga_kuat nggak_kuat tidak_kuat gak_kuat_lagi sakit_hati hancur susah
        tired scared afraid sad lonely homesick worried anxious stressed exhausted
        """.split()
    ),
}
FILLERS = frozenset(
    """
    ya yah ok oke min admin kak kakak mas mbak pak bu bang bot banyak banget bgt sekali sangat
    saya aku sudah udah rasanya lagi nih deh sih dong ah aduh duh hiks huhu hu wkwk so very
    i am im i_m feel feeling really much a lot you all so semua semuanya jadi hari ini tapi
    infonya informasinya atas bantuannya jawabannya and dan juga
    """.split()
)
_KNOWN = frozenset().union(*PHRASES.values())
MAX_WORDS = 6
# Emoji that mean sadness or fear; folded hands alone is "thank you" or "please".
SAD_EMOJI = frozenset("😭😢😞😔🥺💔😩😫😰😨😱😿😣😖😥😓☹🙁😟")
THANKS_EMOJI = frozenset("🙏👍❤💙💚🤗😊🥰👌")


def _emoji_only(text: str) -> str | None:
    """Return the emoji of a message made of emoji only (spaces and punctuation allowed)."""
    emoji = ""
    for char in text:
        if char.isspace() or unicodedata.category(char).startswith("P"):
            continue
        if char in "\ufe0f\u200d" or unicodedata.category(char).startswith("M"):
            continue
        if unicodedata.category(char) != "So":
            return None
        emoji += char
    return emoji or None


def small_talk(text: str) -> Talk | None:
    """Return what a short small-talk message is, or None for anything else."""
    emoji = _emoji_only(text)
    if emoji is not None:
        if any(char in SAD_EMOJI for char in emoji):
            return Talk.DISTRESS
        if all(char in THANKS_EMOJI for char in emoji):
            return Talk.THANKS
        return None
    words = fold(text).split()
    if not words or len(words) > MAX_WORDS:
        return None
    found: set[Talk] = set()
    for phrase in phrases_of(words, _KNOWN, 3):
        kinds = [kind for kind, phrases in PHRASES.items() if phrase in phrases]
        if kinds:
            found.add(kinds[0])
        elif phrase not in FILLERS:
            return None
    # "capek, makasih": distress comes first; "makasih, dadah": a goodbye.
    for kind in (Talk.DISTRESS, Talk.GOODBYE, Talk.THANKS):
        if kind in found:
            return kind
    return None


class SmallTalkHandler:
    """Answers thanks, goodbyes and a few words of distress warmly and briefly."""

    name = "small_talk"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Answer small talk; pass anything else on."""
        if command_of(message) is not None:
            return None
        kind = small_talk(message.text)
        if kind is Talk.THANKS:
            text = ctx._(
                "Sama-sama. Semoga lancar! Jika ada pertanyaan lain, tulis saja di sini kapan saja."
            )
            return Reply([Outbound(text, buttons=(menu_button(ctx),))], state=None)
        if kind is Talk.GOODBYE:
            text = ctx._(
                "Terima kasih sudah bertanya. Jaga diri baik-baik. "
                "Anda bisa kembali ke chat ini kapan saja."
            )
            return Reply([Outbound(text, buttons=(menu_button(ctx),))], state=None)
        if kind is Talk.DISTRESS:
            text = ctx._(
                "Saya ikut prihatin. Anda tidak sendirian. Jika mau, ceritakan apa yang terjadi, "
                "atau bicara dengan petugas Pusat Layanan Migrasi."
            )
            emergency = ctx._(
                "Jika Anda atau keluarga dalam bahaya sekarang, telepon Polisi 110, "
                "atau WhatsApp KP2MI 0811-8080-141."
            )
            return Reply(
                [
                    Outbound(
                        text + "\n\n" + emergency,
                        buttons=(officer_button(ctx), menu_button(ctx)),
                    )
                ],
                state=None,
            )
        return None
