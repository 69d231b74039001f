"""Short answers understood as sentences: yes, no, skip, change and cancel inside casual text.

People answer a form the way they talk ("iya setuju", "gak jadi deh batal aja", "eh salah,
ubah", "ok agree"). A message counts as one of these answers only when every word in it is
either a word of that answer or a filler word ("deh", "aja", "kak"), so a real sentence such
as "saya mau batal berangkat" is never mistaken for "cancel".
"""

from __future__ import annotations

from enum import StrEnum

from knowledge.normalize import fold


class Intent(StrEnum):
    """What a short answer means."""

    YES = "yes"
    NO = "no"
    SKIP = "skip"
    EDIT = "edit"
    CANCEL = "cancel"
    SEND = "send"


# Longest phrases are matched first, so "gak jadi" is cancel before "gak" is no.
PHRASES: dict[Intent, frozenset[str]] = {
    Intent.CANCEL: frozenset(
        """
        batal batalkan batalin dibatalkan cancel stop berhenti udahan sudahan abort quit
        gak_jadi ga_jadi nggak_jadi ngga_jadi enggak_jadi engga_jadi tidak_jadi tdk_jadi
        gk_jadi g_jadi ndak_jadi never_mind nevermind
        """.split()
    ),
    Intent.EDIT: frozenset(
        """
        ubah ganti edit koreksi ralat salah keliru perbaiki betulkan benerin ubahin gantiin
        change correct correction wrong mistake fix
        """.split()
    ),
    Intent.SKIP: frozenset(
        """
        lewati lewat lewatin skip next tidak_tahu gak_tahu ga_tahu ga_tau gak_tau gatau
        nggak_tahu ngga_tau ndak_tahu tdk_tahu tidak_tau kurang_tahu lupa rahasia
        dont_know don_t_know not_sure idk
        """.split()
    ),
    Intent.NO: frozenset(
        """
        tidak tdk gak ga nggak ngga enggak engga gk g no nope nah jangan ogah
        ga_usah gak_usah nggak_usah tidak_usah tdk_usah gausah gk_usah ndak_usah
        ga_mau gak_mau nggak_mau tidak_mau emoh ndak disagree bukan bkn
        """.split()
    ),
    Intent.YES: frozenset(
        """
        ya iya iye iyo y yes yup yep yeah ok oke okay okey okeh sip siap setuju boleh bisa
        bener benar betul agree sure mau lanjut gas yoi nggih inggih monggo silakan silahkan
        he_eh heeh gpp gapapa ga_papa gak_papa gak_apa_apa ga_apa_apa tidak_apa_apa
        of_course alright
        """.split()
    ),
    Intent.SEND: frozenset("kirim kirimkan kirimin send submit".split()),
}
# Words that carry no answer of their own: particles, address terms, "I want to".
FILLERS = frozenset(
    """
    eh ehh deh aja saja ya yah sih dong kok nih tuh min admin kak kakak mas mbak pak bu bang
    please pls tolong lah kah aku saya sudah udah dah ingin pengen itu tadi jawaban nya
    yang ini i want to the it just ah oh wah hmm hm lho loh kan toh kayaknya kayanya sepertinya
    data pendaftaran formulir form isian let s lets thanks makasih terima kasih and dan then
    don t do not
    """.split()
)
NEGATORS = frozenset("tidak tdk gak ga nggak ngga enggak engga gk g no not dont don t ndak".split())
MAX_WORDS = 8  # a longer message is a real answer or question, never a bare yes/no
_LONGEST = max(len(phrase.split("_")) for phrases in PHRASES.values() for phrase in phrases)


_KNOWN = frozenset().union(*PHRASES.values())


def phrases_of(
    words: list[str], known: frozenset[str] = _KNOWN, longest: int = _LONGEST
) -> list[str]:
    """Group words into the longest known phrases ("gak", "jadi" -> "gak_jadi")."""
    out: list[str] = []
    index = 0
    while index < len(words):
        for size in range(min(longest, len(words) - index), 0, -1):
            candidate = "_".join(words[index : index + size])
            if size == 1 or candidate in known:
                out.append(candidate)
                index += size
                break
    return out


def intents(text: str) -> set[Intent]:
    """Return every answer a short message gives; empty for a real sentence or a long text."""
    words = fold(text).split()
    if not words or len(words) > MAX_WORDS:
        return set()
    found: set[Intent] = set()
    previous = ""
    for phrase in phrases_of(words):
        matched = [intent for intent, phrases in PHRASES.items() if phrase in phrases]
        if matched:
            intent = matched[0]
            # "tidak setuju", "gak mau", "not agree": a negated yes is a no.
            if intent is Intent.YES and previous in NEGATORS:
                found.discard(Intent.NO)
                intent = Intent.NO
            found.add(intent)
        elif phrase not in FILLERS:
            return set()  # a word that is neither an answer nor a filler: a real sentence
        previous = phrase
    return found


def intent_of(text: str) -> Intent | None:
    """Return the single answer a short message gives, the strongest when it mixes several.

    Cancel beats change ("salah, batal aja"), change beats the rest ("iya salah, ubah"), a no
    beats a yes ("ya ga usah"), and skipping beats yes ("ok lewati").
    """
    found = intents(text)
    for intent in (Intent.CANCEL, Intent.EDIT, Intent.NO, Intent.SKIP, Intent.SEND, Intent.YES):
        if intent in found:
            return intent
    return None


def is_yes(text: str) -> bool:
    """Return True for a short agreeing answer ("iya boleh", "ok setuju", "yes I agree")."""
    return intent_of(text) in {Intent.YES, Intent.SEND}


def is_no(text: str) -> bool:
    """Return True for a short refusing answer ("ga usah", "tidak setuju", "no thanks")."""
    return intent_of(text) in {Intent.NO, Intent.CANCEL}
