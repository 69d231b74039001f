"""Reading a job offer's facts from free text and checking them against the rules in offer_rules.

The text may be a forwarded advert, a story of a sponsor's promise, in Indonesian (with chat
slang), Javanese or English. Amounts go through ``knowledge.rupiah``; words are matched on the
project's ``fold``/``normalize`` forms. The checker never says an offer is safe: the best verdict
is "none", meaning no warning sign was found in what was written.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from knowledge.normalize import fold, normalize
from knowledge.offer_rules import (
    DOMESTIC_JOBS,
    EPS_TOPIK_FEE_RUPIAH,
    HONG_KONG_DOMESTIC_MIN_HKD,
    KUR_PMI_RATE,
    MINIMUM_AGE,
    RULES,
    TAIWAN_DOMESTIC_MIN_TWD,
    TAIWAN_FORMAL_BUY_JOB_RUPIAH,
    ZERO_COST_JOBS,
    FlagRule,
    taiwan_domestic_cap_rupiah,
)
from knowledge.rupiah import parse_rupiah

Verdict = Literal["red", "amber", "none"]

# Country names as users write them, first match in the text wins as the destination.
COUNTRIES: dict[str, tuple[str, ...]] = {
    "Malaysia": ("malaysia", "malay", "kuala lumpur", "johor", "sabah", "serawak"),
    "Taiwan": ("taiwan", "taipei"),
    "Hong Kong": ("hong kong", "hongkong", "hk"),
    "Singapura": ("singapura", "singapore"),
    "Arab Saudi": ("arab saudi", "saudi arabia", "saudi", "arab", "riyadh", "jeddah", "mekkah"),
    "Uni Emirat Arab": ("dubai", "uea", "uae", "abu dhabi", "emirat"),
    "Qatar": ("qatar",),
    "Kuwait": ("kuwait",),
    "Oman": ("oman",),
    "Bahrain": ("bahrain",),
    "Yordania": ("yordania", "jordan"),
    "Irak": ("irak", "iraq"),
    "Mesir": ("mesir", "egypt"),
    "Lebanon": ("lebanon",),
    "Suriah": ("suriah", "syria"),
    "Yaman": ("yaman", "yemen"),
    "Korea Selatan": ("korea selatan", "korsel", "korea", "south korea"),
    "Jepang": ("jepang", "japan"),
    "Kamboja": ("kamboja", "cambodia", "phnom penh", "sihanoukville"),
    "Myanmar": ("myanmar", "burma"),
    "Laos": ("laos",),
    "Thailand": ("thailand", "bangkok", "thai"),
}
# Kepmenaker 260/2015's countries (facts 8.1) that the lexicon knows.
MIDDLE_EAST = frozenset(
    {
        "Arab Saudi",
        "Uni Emirat Arab",
        "Qatar",
        "Kuwait",
        "Oman",
        "Bahrain",
        "Yordania",
        "Irak",
        "Mesir",
        "Lebanon",
        "Suriah",
        "Yaman",
    }
)
SCAM_COUNTRIES = frozenset({"Kamboja", "Myanmar", "Laos", "Thailand"})  # facts 4.4

# Job categories; the order decides which wins when a text names several.
JOBS: dict[str, tuple[str, ...]] = {
    "online": (
        r"(admin|cs|customer service|marketing|operator|chat) online",
        r"online (chat|admin|marketing|operator)",
        r"crypto|kripto|judi online|scam",
    ),
    "caregiver": (
        r"caregiver|care giver|perawat lansia|pengasuh lansia|jaga lansia|jompo|lansia|kaigo",
        r"elderly|jaga (nenek|kakek|orang tua)|rawat (nenek|kakek|orang tua)",
    ),
    "prt": (
        r"\bprt\b|\bart\b|pembantu|rumah tangga|pramuwisma|babysitter|baby sitter|pengasuh",
        r"housemaid|maid|domestic|helper|nanny|sopir keluarga|family driver|juru masak keluarga",
        r"\bpla?rt\b",
    ),
    "abk_perikanan": (r"\babk\b|kapal ikan|kapal perikanan|nelayan|fishing|fisher",),
    "perkebunan": (r"kebun|sawit|ladang|perkebunan|plantation|\bfarm",),
    "kebersihan": (r"cleaning service|petugas kebersihan|cleaner",),
    "pabrik": (r"pabrik|factory|manufaktur|manufacturing|elektronik",),
    "konstruksi": (r"bangunan|konstruksi|construction|proyek",),
    "restoran": (r"restoran|restaurant|rumah makan|\bcafe\b",),
    "perawat": (r"perawat|nurse",),
}
JOB_LABELS = {
    "online": "kerja online",
    "caregiver": "perawat lansia / caregiver",
    "prt": "PRT / pengasuh",
    "abk_perikanan": "ABK kapal perikanan",
    "perkebunan": "perkebunan",
    "kebersihan": "petugas kebersihan",
    "pabrik": "pabrik",
    "konstruksi": "konstruksi",
    "restoran": "restoran",
    "perawat": "perawat",
}

_OFFICIAL = re.compile(
    r"\b(g to g|g2g|bp2mi|kp2mi|siskop2mi|disnaker|ltsa|bp3mi|eps topik|eps|pemerintah"
    r"|government programme|government program)\b"
)
_COMPANY = re.compile(
    r"\b(pt [a-z]{3,}|p3mi|perusahaan penempatan|recruitment (company|agency)|agency|agensi)\b"
)
_PERSON_WORDS = re.compile(
    r"\b(sponsor|calo|teman|temen|kawan|kanca|konco|tetangga|tanggane|tonggo|saudara|sodara"
    r"|sedulur|sepupu|kenalan|makelar|tekong|pak lurah|cousin|friend|neighbou?r|relative"
    r"|recruiter)\b"
)
# Honorific + a capitalised name, on the raw text: "Hub bang Roni", "sponsor Pak Darto".
_PERSON_NAME = re.compile(
    r"\b(?:[Pp]ak|[Bb]u|[Bb]ang|[Mm]as|[Mm]bak|[Kk]ak|[Kk]ang|[Oo]m|agent|Mr\.?|Mrs\.?|Ms\.?|Miss|Sir)\s+[A-Z][a-z]+"
)

_VISA_OTHER = re.compile(
    r"\bvisa\w* (?:\w+ )?(turis|wisata|kunjungan|umroh|umrah|ziarah|pelancong|holiday|tourist|visit"
    r"|visitor|kunjung)\b|\b(tourist|visit|visitor|umrah|umroh) visa\b"
)
_VISA_WORK = re.compile(r"\bvisa (kerja|ssw|e 9|e9)\b|\bwork visa\b|\bworking visa\b")
_NO_TRAINING = re.compile(
    r"\b(tanpa|gak perlu|ga perlu|nggak perlu|tidak perlu|ndak perlu|ora usah|ora perlu|gak usah"
    r"|ga usah|tidak usah|no) (pelatihan|training|kursus|sertifikat|pendidikan)\b"
    r"|\b(pelatihan|training|kursus) (tidak|gak|ga|nggak) (perlu|usah)\b|\bno training\b"
)
_TRAINING = re.compile(r"\b(pelatihan|training|kursus|blk|lpk|diklat)\b")
_NO_QUALIFICATION = re.compile(
    r"\b(tanpa|gak perlu|ga perlu|nggak perlu|tidak perlu|ora butuh|ora perlu|ora usah|no)"
    r" (pengalaman|ijazah|syarat|skill|keahlian|bisa bahasa|bahasa|tes bahasa|tes|experience"
    r"|qualification|skills)\b"
    r"|\bcukup bisa (ngetik|main hp|baca|nulis)|\bsyarat\w* (cuma|hanya)\b|\bwithout experience\b"
)
_FALSIFIED = re.compile(
    r"\b(dituakan|dituain|menuakan|dipalsu\w*|palsu|ganti umur|ubah umur|umur\w* dinaikkan"
    r"|nama orang lain|paspor orang lain|fake)\b"
)
_DOCUMENTS_HELD = re.compile(
    r"\b(paspor|passport|dokumen|ktp|ijazah)\w* (\w+ )?(dipegang|ditahan|disimpan|disita|diambil"
    r"|dibawa|kept|held|taken)\b"
)
_DOWN_PAYMENT = re.compile(
    r"\b(uang fit|uang saku|uang muka|uang sirih|uang tali asih|uang pengikat|dp|down payment"
    r"|pocket money|komisi)\b"
)
_IRREGULAR_ROUTE = re.compile(
    r"\b(jalur tikus|pelabuhan tikus|jalan tikus|transit|lewat (batam|kalbar|sarawak|entikong"
    r"|nunukan|tanjung pinang|tanjungpinang)|via (batam|kalbar|sarawak)|naik kapal)\b"
)
_SPSK = re.compile(r"\b(spsk|syarikah|satu kanal)\b")
_FREE = re.compile(
    r"\b(gratis|free|tanpa biaya|bebas biaya|zero cost|biaya 0|biayanya 0|biaya nol|ora ana biaya"
    r"|ora ono biaya|tidak ada biaya|no fee|no cost)\b"
)
_OFFER_WORDS = re.compile(
    r"\b(lowongan|loker|dibutuhkan|dicari|hiring|ditawari|ditawarin|nawarin|menawari|menawarkan"
    r"|ditawani|nawani|tawaran|offered|offer|vacancy|job|rekrut|direkrut|hub|hubungi|ngubungi"
    r"|minat|japri|contact|katanya|dijanjikan|janji|promised|diajak|ngajak|ada kerjaan"
    r"|ana kerjaan)\b"
)

# Words that make a message a question rather than an advert or a telling of an offer.
_QUESTION = re.compile(
    r"\b(apa|apakah|gimana|gmn|gmana|bagaimana|bener|beneran|benar|bukan|boleh|brp|berapa"
    r"|kenapa|mengapa|kok|tenan|opo|ngapusi|sih|legit|is it|is this|should i|can i|how|what)\b"
)
# A clause ending in "gk", "ora"... asks yes or no: "itu resmi gk", "aman gk lewat jalur gitu".
_YES_NO = re.compile(
    r"\b(gk|gak|ga|nggak|ngga|enggak|ndak|ora|ya)\s*(?:[.,!]|$)"
    r"|\b(aman|perlu|resmi|bisa|boleh|bahaya|legal|asli) (gk|gak|ga|nggak|ngga|tidak|ora)\b"
)
# Clause keywords: what the amount after them is.
_FEE_WORDS = (
    r"biaya\w*|bayar|membayar|dibayar|ongkos|administrasi|fee|cost|charge|dijaluki|duit|to pay|pay"
)
_PAY_WORDS = r"gaji\w*|gajih\w*|bayare|bayarane|upah|salary|wage|penghasilan|pendapatan|income"
_LOAN_WORDS = r"pinjam\w*|utang\w*|hutang\w*|loan|kredit|kur"
_GIVEN_WORDS = r"uang fit|uang saku|uang muka|dp|komisi|bonus|pocket money"
_KEYWORDS = re.compile(
    rf"\b(?:(?P<fee>{_FEE_WORDS})|(?P<pay>{_PAY_WORDS})|(?P<loan>{_LOAN_WORDS})"
    rf"|(?P<given>{_GIVEN_WORDS}))\b",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"(?<!\d)[.,](?!\d)|[.,](?=\s)|[;!?\n•]|\s-\s")
_FOREIGN = re.compile(
    r"(?P<pre>nt\$|ntd|hk\$|hkd|usd|us\$|rm|sar|aed)\s*(?P<n1>\d[\d.,]*)"
    r"|(?P<n2>\d[\d.,]*)\s*(?P<post>nt\$|ntd|hkd|hk\$|dolar hk|dollar hk|dolar|dollar|usd"
    r"|riyal|rial|sar|dirham|aed|ringgit|rm|kd|yen|won)\b",
    re.IGNORECASE,
)
_CURRENCY = {
    "nt$": "TWD",
    "ntd": "TWD",
    "hk$": "HKD",
    "hkd": "HKD",
    "dolar hk": "HKD",
    "dollar hk": "HKD",
    "usd": "USD",
    "us$": "USD",
    "dolar": "USD",
    "dollar": "USD",
    "rm": "MYR",
    "ringgit": "MYR",
    "sar": "SAR",
    "riyal": "SAR",
    "rial": "SAR",
    "aed": "AED",
    "dirham": "AED",
    "kd": "KWD",
    "yen": "JPY",
    "won": "KRW",
}
_PERIOD = (
    r"sebulan|per bulan|perbulan|/bulan|a month|per month|monthly|sewulan"
    r"|setahun|per tahun|pertahun|/tahun|a year|per year|yearly"
)
_RATE = re.compile(
    rf"(?:bunga\w*|interest|rate)\D{{0,12}}?(\d+(?:[.,]\d+)?)\s*%\s*(?P<period>{_PERIOD})?"
    rf"|(\d+(?:[.,]\d+)?)\s*%\s*(?P<period2>{_PERIOD})",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "satu": 1,
    "siji": 1,
    "se": 1,
    "a": 1,
    "one": 1,
    "dua": 2,
    "loro": 2,
    "rong": 2,
    "two": 2,
    "tiga": 3,
    "telu": 3,
    "telung": 3,
    "three": 3,
    "empat": 4,
    "papat": 4,
    "patang": 4,
    "four": 4,
    "lima": 5,
    "limang": 5,
    "five": 5,
    "enam": 6,
    "enem": 6,
    "six": 6,
}
_UNIT_DAYS = {
    "hari": 1,
    "day": 1,
    "days": 1,
    "dina": 1,
    "minggu": 7,
    "mgg": 7,
    "pekan": 7,
    "week": 7,
    "weeks": 7,
    "bulan": 30,
    "bln": 30,
    "sasi": 30,
    "wulan": 30,
    "month": 30,
    "months": 30,
}
_DEPART = (
    r"(?:berangkat|diberangkatkan|budhal|budal|mangkat|terbang|fly|leave|depart|departure"
    r"|proses\w*|process)"
)
_NUMBER = r"(\d+|" + "|".join(_NUMBER_WORDS) + r")"
_UNITS = "|".join(_UNIT_DAYS)
_DEPARTURE = re.compile(
    rf"\b{_DEPART}\b(?:\s+\w+){{0,3}}?\s+{_NUMBER}\s*(?:-\s*\d+\s*)?({_UNITS})\b"
    rf"|\b{_NUMBER}\s*({_UNITS})\s+(?:lagi|maneh|meneh)\b"
    rf"|\b{_DEPART}\b(?:\s+\w+){{0,3}}?\s+(minggu|bulan|pekan) depan\b"
    rf"|\b{_DEPART}\b(?:\s+\w+){{0,2}}?\s+next (week|month)\b"
)
_AGE = re.compile(
    r"\b(?:umur\w*|usia\w*|age|aged|baru|masih|she is|he is|i am|im)\s+(?:[a-z]+\s+)?"
    r"(\d{1,2})(?!\s*(?:-|sampai|hingga|to|s d)?\s*\d)(?:\s*(?:tahun|thn|th|taun|years?))?\b"
    r"|\b(\d{1,2})\s*(?:years? old|yo)\b"
)


@dataclass(slots=True)
class Money:
    """An amount in a currency ("IDR" for rupiah)."""

    amount: int
    currency: str = "IDR"


@dataclass(slots=True)
class Loan:
    """A loan mentioned with the offer: principal in rupiah and the quoted yearly rate."""

    amount: int | None = None
    rate_per_year: float | None = None
    rate_text: str | None = None


@dataclass(slots=True)
class OfferFacts:
    """What an offer says, as far as the text shows; None where it says nothing."""

    destination: str | None = None
    destinations: list[str] = field(default_factory=list)
    job: str | None = None
    pay: Money | None = None
    fee: int | None = None
    fee_free: bool = False
    recruiter: str | None = None  # "company", "person", "official"
    recruiter_name: str | None = None
    visa: str | None = None  # "kerja" or "bukan_kerja"
    training: str | None = None  # "yes" or "none"
    departure_days: int | None = None
    age: int | None = None
    loan: Loan | None = None
    signals: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the facts as JSON-able data."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OfferFacts:
        """Rebuild facts stored in conversation slots."""
        values = dict(data)
        if values.get("pay"):
            values["pay"] = Money(**values["pay"])
        if values.get("loan"):
            values["loan"] = Loan(**values["loan"])
        known = {name: values[name] for name in cls.__dataclass_fields__ if name in values}
        return cls(**known)


@dataclass(frozen=True, slots=True)
class OfferCheck:
    """The facts read, the warning signs found and the verdict."""

    facts: OfferFacts
    flags: list[FlagRule]
    verdict: Verdict

    def to_json(self) -> dict[str, Any]:
        """Return the check in the CLI's JSON shape."""
        return {
            "facts": self.facts.to_json(),
            "flags": [
                {"code": rule.code, "text": rule.text, "source": rule.source} for rule in self.flags
            ],
            "verdict": self.verdict,
        }


def _number(text: str) -> int:
    """Read a number word or digits."""
    return _NUMBER_WORDS[text] if text in _NUMBER_WORDS else int(text)


def _foreign_amount(text: str) -> Money | None:
    """Return the first foreign-currency amount in a text ("NT$20.000", "4.500 dolar HK")."""
    match = _FOREIGN.search(text)
    if match is None:
        return None
    digits = match.group("n1") or match.group("n2")
    unit = (match.group("pre") or match.group("post")).lower()
    # Thousands separators in either style: "20.000", "20,000"; a decimal part is dropped.
    whole = re.sub(r"[.,](?=\d{3}(?!\d))", "", digits.strip(".,"))
    whole = re.split(r"[.,]", whole)[0]
    if not whole.isdigit():
        return None
    return Money(int(whole), _CURRENCY.get(unit, unit.upper()))


def _rupiah(text: str) -> int | None:
    """Parse a rupiah amount, reading Javanese "yuta" as juta."""
    text = re.sub(r"\byuta\b", "juta", text, flags=re.IGNORECASE)
    if _FOREIGN.search(text) and not re.search(r"\b(rp|rupiah|juta|jt|ribu|rb)\b", text, re.I):
        return None
    return parse_rupiah(text.lower())  # the range rule reads "15-20 juta", not "JUTA"


def _amounts(text: str, facts: OfferFacts) -> None:
    """Read pay, fee and loan amounts: each amount belongs to the keyword just before it."""
    for clause in _CLAUSE.split(text):
        if not clause or not clause.strip():
            continue
        matches = list(_KEYWORDS.finditer(clause))
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(clause)
            segment = clause[match.end() : end]
            kind = match.lastgroup
            if kind == "pay" and facts.pay is None:
                foreign = _foreign_amount(segment)
                rupiah = None if foreign else _rupiah(segment)
                if foreign:
                    facts.pay = foreign
                elif rupiah:
                    facts.pay = Money(rupiah)
            elif kind == "fee" and facts.fee is None:
                if _FREE.search(fold(match.group(0) + segment)) or re.match(
                    r"\s*:?\s*0\b", segment
                ):
                    facts.fee_free = True
                    continue
                amount = _rupiah(segment)
                if amount:
                    facts.fee = amount
            elif kind == "loan":
                amount = _rupiah(segment)
                if amount:
                    facts.loan = facts.loan or Loan()
                    facts.loan.amount = facts.loan.amount or amount
    rate = _RATE.search(text)
    if rate:
        value = float((rate.group(1) or rate.group(3)).replace(",", "."))
        period = (rate.group("period") or rate.group("period2") or "").lower()
        monthly = any(word in period for word in ("bulan", "month", "sewulan"))
        facts.loan = facts.loan or Loan()
        facts.loan.rate_per_year = value * 12 if monthly else value
        facts.loan.rate_text = rate.group(0).strip()


def _countries(folded: str) -> list[str]:
    """Return the countries a text names, in order of first mention."""
    found: list[tuple[int, str]] = []
    for country, names in COUNTRIES.items():
        positions = [
            match.start()
            for name in names
            for match in re.finditer(rf"\b{re.escape(name)}\b", folded)
        ]
        if positions:
            found.append((min(positions), country))
    return [country for _, country in sorted(found)]


def _job(folded: str) -> str | None:
    """Return the job category a text names (the first category in JOBS order that matches)."""
    for job, patterns in JOBS.items():
        if any(re.search(pattern, folded) for pattern in patterns):
            return job
    return None


def _recruiter(text: str, folded: str) -> tuple[str | None, str | None]:
    """Return who recruits ("company", "person", "official") and a name if one is written."""
    company = _COMPANY.search(folded)
    if company:
        named = re.search(r"\bPT\.?\s+([A-Z][\w]*(?:\s+[A-Z][\w]*){0,3})", text)
        return "company", (f"PT {named.group(1)}" if named else None)
    if _OFFICIAL.search(folded):
        return "official", None
    person = _PERSON_NAME.search(text)
    if person:
        return "person", person.group(0)
    if _PERSON_WORDS.search(folded):
        return "person", None
    return None, None


def _departure_days(folded: str) -> int | None:
    """Return the promised days to departure, the shortest one written."""
    days: list[int] = []
    for match in _DEPARTURE.finditer(folded):
        groups = match.groups()
        if groups[0] is not None:
            days.append(_number(groups[0]) * _UNIT_DAYS[groups[1]])
        elif groups[2] is not None:
            days.append(_number(groups[2]) * _UNIT_DAYS[groups[3]])
        elif groups[4] is not None:
            days.append(7 if groups[4] in {"minggu", "pekan"} else 30)
        elif groups[5] is not None:
            days.append(7 if groups[5] == "week" else 30)
    return min(days) if days else None


def _age(folded: str) -> int | None:
    """Return the candidate's age when the text states one (not a required range)."""
    for match in _AGE.finditer(folded):
        value = int(match.group(1) or match.group(2))
        if 10 <= value <= 70:
            return value
    return None


def extract(text: str) -> OfferFacts:
    """Read an offer's facts from free text."""
    folded = fold(text)
    normal = normalize(text)
    facts = OfferFacts()
    facts.destinations = _countries(folded)
    transit = {
        country
        for country in facts.destinations
        if any(re.search(rf"\b(transit|via) {re.escape(n)}\b", folded) for n in COUNTRIES[country])
    }
    main = [country for country in facts.destinations if country not in transit]
    facts.destination = (main or facts.destinations or [None])[0]
    facts.job = _job(folded) or _job(normal)
    facts.recruiter, facts.recruiter_name = _recruiter(text, folded)
    if _VISA_OTHER.search(folded):
        facts.visa = "bukan_kerja"
    elif _VISA_WORK.search(folded):
        facts.visa = "kerja"
    if _NO_TRAINING.search(folded):
        facts.training = "none"
    elif _TRAINING.search(folded):
        facts.training = "yes"
    facts.departure_days = _departure_days(folded)
    facts.age = _age(folded)
    _amounts(text, facts)
    if _FREE.search(folded) and facts.fee is None:
        facts.fee_free = True
    signals = {
        "tanpa_syarat": _NO_QUALIFICATION,
        "pemalsuan": _FALSIFIED,
        "dokumen_ditahan": _DOCUMENTS_HELD,
        "uang_muka": _DOWN_PAYMENT,
        "jalur_tidak_resmi": _IRREGULAR_ROUTE,
        "spsk": _SPSK,
    }
    facts.signals = [name for name, pattern in signals.items() if pattern.search(folded)]
    return facts


def _flag_codes(facts: OfferFacts) -> list[str]:
    """Apply the rules to the facts and return the codes of the signs found."""
    codes: list[str] = []
    country, job, fee = facts.destination, facts.job, facts.fee
    if facts.age is not None and facts.age < MINIMUM_AGE:
        codes.append("usia_di_bawah_18")
    if "pemalsuan" in facts.signals:
        codes.append("umur_dipalsukan")
    if facts.visa == "bukan_kerja":
        codes.append("visa_bukan_kerja")
    if facts.recruiter == "person":
        codes.append("perekrut_perorangan")
    if any(c in SCAM_COUNTRIES for c in facts.destinations):
        codes.append("negara_rawan_scam")
    if job == "online":
        codes.append("kerja_online_scam")
    if country in MIDDLE_EAST and job in DOMESTIC_JOBS and "spsk" not in facts.signals:
        codes.append("prt_timur_tengah")
    if fee:
        if country == "Taiwan" and job in DOMESTIC_JOBS:
            if fee > taiwan_domestic_cap_rupiah():
                codes.append("biaya_melebihi_taiwan")
        elif job in ZERO_COST_JOBS:
            codes.append("biaya_jabatan_bebas")
        elif country == "Korea Selatan":
            if fee > EPS_TOPIK_FEE_RUPIAH:
                codes.append("korea_bukan_g2g")
        elif country == "Taiwan" and fee >= TAIWAN_FORMAL_BUY_JOB_RUPIAH:
            codes.append("beli_job")
        else:
            codes.append("biaya_perlu_cek")
    if facts.training == "none":
        codes.append("tanpa_pelatihan")
    if "tanpa_syarat" in facts.signals and facts.pay is not None:
        codes.append("gaji_tinggi_tanpa_syarat")
    if "dokumen_ditahan" in facts.signals:
        codes.append("dokumen_ditahan")
    if "uang_muka" in facts.signals:
        codes.append("uang_muka_keluarga")
    if "jalur_tidak_resmi" in facts.signals:
        codes.append("jalur_tikus")
    if facts.recruiter is None:
        codes.append("perusahaan_belum_jelas")
    if facts.departure_days is not None and facts.departure_days <= 30:
        codes.append("berangkat_cepat")
    if facts.loan and facts.loan.rate_per_year and facts.loan.rate_per_year > KUR_PMI_RATE:
        codes.append("bunga_tinggi")
    if country == "Arab Saudi":
        codes.append("cek_arab_saudi")
    if facts.pay and job in DOMESTIC_JOBS:
        below_hk = (
            country == "Hong Kong"
            and facts.pay.currency == "HKD"
            and facts.pay.amount < HONG_KONG_DOMESTIC_MIN_HKD
        )
        below_tw = (
            country == "Taiwan"
            and facts.pay.currency == "TWD"
            and facts.pay.amount < TAIWAN_DOMESTIC_MIN_TWD
        )
        if below_hk or below_tw:
            codes.append("gaji_di_bawah_minimum")
    if (
        country == "Korea Selatan"
        and facts.recruiter in {"person", "company"}
        and "korea_bukan_g2g" not in codes
    ):
        codes.append("korea_bukan_g2g")
    return codes


def check_facts(facts: OfferFacts) -> OfferCheck:
    """Check facts against the rules and grade the verdict (never "safe")."""
    # Red signs first, so the most serious line is read first.
    flags = sorted((RULES[code] for code in _flag_codes(facts)), key=lambda r: r.severity != "red")
    if any(flag.severity == "red" for flag in flags):
        verdict: Verdict = "red"
    elif flags:
        verdict = "amber"
    else:
        verdict = "none"
    return OfferCheck(facts, flags, verdict)


def check_offer(text: str) -> OfferCheck:
    """Read an offer's facts from text and check them."""
    return check_facts(extract(text))


def looks_like_offer(text: str) -> bool:
    """Tell whether a message is a forwarded advert or a long telling of an offer.

    Conservative on purpose: any question, even about an offer, goes to the retriever. It needs
    an offer word, at least 12 words, no question mark or question word, and three different
    kinds of offer facts.
    """
    folded = fold(text)
    if len(folded.split()) < 12 or not _OFFER_WORDS.search(folded):
        return False
    if "?" in text or _QUESTION.search(folded) or _YES_NO.search(text.lower()):
        return False  # a question, even about an offer, is the retriever's to answer
    facts = extract(text)
    kinds = [
        facts.destination is not None,
        facts.job is not None,
        facts.pay is not None,
        facts.fee is not None or facts.fee_free,
        facts.recruiter is not None,
        facts.visa is not None,
        facts.departure_days is not None,
        facts.training is not None,
    ]
    return sum(kinds) >= 3


__all__ = [
    "JOB_LABELS",
    "Loan",
    "Money",
    "OfferCheck",
    "OfferFacts",
    "check_facts",
    "check_offer",
    "extract",
    "looks_like_offer",
]
