"""Warning signs found in an inquiry, shown to the officer so risky cases stand out."""

from __future__ import annotations

import re

from bot.i18n import Translations
from bot.inquiries import InquiryDraft
from knowledge.normalize import normalize
from knowledge.offer_rules import RULES

OFFER_FLAG_PREFIX = "tawaran:"  # flags an offer check found, kept with the case

MIDDLE_EAST = re.compile(
    r"\b(arab|saudi|dubai|qatar|kuwait|oman|bahrain|yordania|jordan|timur "
    r"tengah|irak|mesir|lebanon)\b"
)
DOMESTIC_WORK = re.compile(
    r"\b(pembantu|prt|art|rumah tangga|pengasuh|babysitter|perawat lansia|sopir)\b"
)
SCAM_COUNTRIES = re.compile(r"\b(kamboja|cambodia|myanmar|laos|thailand|filipina)\b")
SIGNS = {
    "visa_non_kerja": re.compile(
        r"\bvisa (turis|wisata|kunjungan|umrah|ziarah|pelancong|holiday)\b"
    ),
    "dokumen_ditahan": re.compile(
        r"\b(paspor|dokumen|ktp|ijazah)\w*( saya)? (ditahan|disita|dipegang|diambil)"
    ),
    "penampungan": re.compile(r"\bpenampungan\b"),
    "utang": re.compile(r"\b(utang|hutang|rentenir|pinjol|pinjam)\w*\b"),
    "pemalsuan": re.compile(
        r"\b(palsu|dipalsukan|dituakan|menuakan|ganti umur|ubah umur|beda nama)\b"
    ),
    "online_scam": re.compile(
        r"\b(crypto|kripto|scam|judi online|admin online|customer service online)\b"
    ),
}


def red_flags(draft: InquiryDraft) -> list[str]:
    """Return the warning-sign codes an inquiry shows."""
    flags: list[str] = []
    if draft.paid_amount:
        flags.append("biaya")
    if draft.recruiter:
        flags.append("perekrut")
    text = normalize(" ".join(filter(None, [draft.question, draft.destination, draft.job])))
    destination = normalize(draft.destination or "")
    if MIDDLE_EAST.search(destination) and DOMESTIC_WORK.search(normalize(draft.job or "")):
        flags.append("prt_timur_tengah")
    if SCAM_COUNTRIES.search(destination):
        flags.append("negara_rawan_penipuan")
    flags += [code for code, pattern in SIGNS.items() if pattern.search(text)]
    return flags


def describe(flag: str, draft: InquiryDraft, i18n: Translations) -> str:
    """Describe one warning sign for the officer."""
    if flag == "biaya" and draft.paid_amount:
        return i18n._("sudah membayar {amount}").format(amount=i18n.rupiah(draft.paid_amount))
    if flag.startswith(OFFER_FLAG_PREFIX) and flag.removeprefix(OFFER_FLAG_PREFIX) in RULES:
        rule = RULES[flag.removeprefix(OFFER_FLAG_PREFIX)]
        # The part before the colon names the sign; the card keeps one short item per flag.
        return i18n._("cek tawaran: {text}").format(text=i18n._(rule.text).split(":")[0])
    if flag == "perekrut" and draft.recruiter:
        return i18n._("perekrut: {name}").format(name=draft.recruiter)
    labels = {
        "biaya": i18n._("sudah membayar biaya"),
        "perekrut": i18n._("lewat perekrut atau calo"),
        "prt_timur_tengah": i18n._("PRT ke Timur Tengah (dilarang kecuali SPSK)"),
        "negara_rawan_penipuan": i18n._("negara tujuan rawan penipuan kerja online"),
        "visa_non_kerja": i18n._("visa bukan visa kerja"),
        "dokumen_ditahan": i18n._("dokumen ditahan"),
        "penampungan": i18n._("penampungan"),
        "utang": i18n._("utang / pinjaman"),
        "pemalsuan": i18n._("pemalsuan data"),
        "online_scam": i18n._("tawaran kerja online mencurigakan"),
        "bahaya": i18n._("DALAM BAHAYA"),
        # The kinds of danger triage finds (knowledge/danger_lexicon.py), in plain words.
        "violence": i18n._("kekerasan fisik"),
        "sexual": i18n._("kekerasan seksual"),
        "confinement": i18n._("dikurung atau tidak boleh keluar"),
        "threat": i18n._("diancam"),
        "suicide": i18n._("ingin mengakhiri hidup"),
        "stranded": i18n._("terlantar atau tidak bisa pulang"),
        "medical": i18n._("darurat medis atau pertolongan ditolak"),
        "minor": i18n._("anak di bawah umur dibawa pergi"),
    }
    # Never show an internal code to an officer: an unknown one is still a warning sign.
    return labels.get(flag, i18n._("tanda bahaya lain"))
