"""Who is in danger: the writer, or someone they are reporting for ("adik saya dikurung")?

A message names a third party when it speaks of a relative or friend ("adik saya", "my
sister", "anaknya") and the writer never says that they themselves are the one hurt
("saya dikurung", "I am locked", "saya ingin mati").
"""

from __future__ import annotations

import re

from knowledge.normalize import normalize

# The normaliser already rewrote "aku"/"sy"/"-ku" to "saya" ("adikku" -> "adik saya").
_OTHER = re.compile(
    r"\b(adik|kakak|anak|istri|suami|ibu|bapak|ayah|mama|mamak|emak|bapak|saudara|saudari|"
    r"keponakan|ponakan|sepupu|teman|kawan|tetangga|jiran|cucu|menantu|bibi|paman|om|tante|"
    r"pacar|tunangan)( perempuan| laki laki| cewek| cowok| gadis| bujang| sulung| bungsu|"
    r" kandung| tiri| pertama| kedua| ketiga)? (saya|kami|kita)\b"
    r"|\b(anak|adik)( dara| gadis| perempuan)? (tetangga|jiran|teman|kawan)( saya| kami| kita)?\b"
    r"|\b(my|our) (sister|brother|daughter|son|wife|husband|mother|mom|mum|father|dad|"
    r"friend|cousin|niece|nephew|aunt|uncle|girlfriend|boyfriend|relative|neighbou?r)\b"
)
# The writer is the one in danger: a passive verb right after "saya", or English "I am/me".
_SELF = re.compile(
    r"\bsaya (sedang |lagi |masih |sudah |baru |mau |akan |juga |sekarang )?"
    r"(di|ter|ke)(?!\s)[a-z]{3,}"
    r"|\bsaya (ingin|mau|lebih baik) (mati|bunuhdiri)|\bsaya bunuhdiri\b"
    r"|\bsaya (tidak (boleh|bisa|dikasih)|dilarang)\b"
    r"|\b(i am|i m|im) (locked|trapped|held|beaten|stuck|stranded|not allowed)\b"
    r"|\b(help me|kill myself|beat me|hit me|lock me)\b"
)
_FAMILY = re.compile(
    r"\b(adik|kakak|anak|istri|suami|ibu|bapak|ayah|mama|mamak|emak|saudara|saudari|keponakan|"
    r"ponakan|sepupu|cucu|menantu|bibi|paman|om|tante|sister|brother|daughter|son|wife|husband|"
    r"mother|mom|mum|father|dad|cousin|niece|nephew|aunt|uncle|relative)\b"
)


def is_third_party(text: str) -> bool:
    """Return True when the message reports danger to someone other than the writer."""
    normalised = normalize(text)
    if not _OTHER.search(normalised):
        return False
    # "adik saya dikurung" holds "saya dikurung": take the other person out before looking.
    return not _SELF.search(_OTHER.sub(" orang ", normalised))


def reporter_kind(text: str) -> str:
    """Return the intake's asker code for a third-party report: family or other."""
    return "family" if _FAMILY.search(normalize(text)) else "other"
