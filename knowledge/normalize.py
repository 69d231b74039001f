"""Indonesian text normaliser: case, repeated letters, slang and abbreviations, light stemming.

The slang dictionary below is the documented list of rewrites; tests pin it. It maps
what people type on a phone ("gmn", "brp", "tkw", "gk") to one canonical word so that
a question and an example written differently still share words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

# Single-word rewrites: informal spelling -> canonical word(s).
SLANG: dict[str, str] = {
    # question words
    "gmn": "bagaimana",
    "gmna": "bagaimana",
    "bgmn": "bagaimana",
    "bgm": "bagaimana",
    "gimana": "bagaimana",
    "gmana": "bagaimana",
    "gimna": "bagaimana",
    "gemana": "bagaimana",
    "piye": "bagaimana",
    "kumaha": "bagaimana",
    "pripun": "bagaimana",
    "kpriye": "bagaimana",
    "brp": "berapa",
    "brapa": "berapa",
    "brpa": "berapa",
    "pira": "berapa",
    "sabaraha": "berapa",
    "pinten": "berapa",
    "knp": "kenapa",
    "napa": "kenapa",
    "ngapa": "kenapa",
    "opo": "apa",
    "apaan": "apa",
    "naon": "apa",
    "nopo": "apa",
    "sing": "yang",
    "kpn": "kapan",
    "kapn": "kapan",
    "dmn": "dimana",
    "dmna": "dimana",
    "ndi": "mana",
    "endi": "mana",
    "kmn": "kemana",
    "kmana": "kemana",
    "ngendi": "mana",
    "kemana": "kemana",
    "mana": "mana",
    "sapa": "siapa",
    "spa": "siapa",
    "sopo": "siapa",
    # negation
    "gk": "tidak",
    "ga": "tidak",
    "gak": "tidak",
    "ngga": "tidak",
    "nggak": "tidak",
    "nggk": "tidak",
    "ngak": "tidak",
    "enggak": "tidak",
    "engga": "tidak",
    "g": "tidak",
    "tdk": "tidak",
    "tak": "tidak",
    "ora": "tidak",
    "ndak": "tidak",
    "nda": "tidak",
    "teu": "tidak",
    "henteu": "tidak",
    "mboten": "tidak",
    "gaada": "tidak ada",
    "gada": "tidak ada",
    "blm": "belum",
    "blum": "belum",
    "durung": "belum",
    # pronouns and people
    "sy": "saya",
    "sya": "saya",
    "aku": "saya",
    "aq": "saya",
    "ak": "saya",
    "gue": "saya",
    "gw": "saya",
    "gua": "saya",
    "kulo": "saya",
    "abdi": "saya",
    "aing": "saya",
    "km": "kamu",
    "kmu": "kamu",
    "lu": "kamu",
    "lo": "kamu",
    "sampean": "kamu",
    "ortu": "orang tua",
    "org": "orang",
    "bpk": "bapak",
    "bp": "bapak",
    "ibu2": "ibu",
    "suami2": "suami",
    "bojo": "suami",
    "bini": "istri",
    "sodara": "saudara",
    "sdr": "saudara",
    "adek": "adik",
    # migrant-work vocabulary
    "tkw": "pmi",
    "tki": "pmi",
    "tkl": "pmi",
    "tkiw": "pmi",
    "buruh migran": "pmi",
    "cpmi": "pmi",
    "pekerja migran": "pmi",
    "pjtki": "p3mi",
    "pptkis": "p3mi",
    "ppmi": "p3mi",
    "pt": "p3mi",
    "agensi": "agen",
    "agency": "agen",
    "agent": "agen",
    "prt": "pembantu",
    "art": "pembantu",
    "babu": "pembantu",
    "pembokat": "pembantu",
    "helper": "pembantu",
    "housemaid": "pembantu",
    "maid": "pembantu",
    "jompo": "lansia",
    "caregiver": "perawat lansia",
    "careviger": "perawat lansia",
    "pasport": "paspor",
    "pasporr": "paspor",
    "passport": "paspor",
    "pspor": "paspor",
    "paspot": "paspor",
    "psp": "paspor",
    "visa2": "visa",
    "umroh": "umrah",
    "umro": "umrah",
    "hk": "hongkong",
    "hongkon": "hongkong",
    "hongkong": "hongkong",
    "korsel": "korea",
    "tw": "taiwan",
    "taipei": "taiwan",
    "jpg": "jepang",
    "japan": "jepang",
    "malay": "malaysia",
    "msia": "malaysia",
    "saudi": "arab",
    "ksa": "arab",
    "timteng": "timur tengah",
    "uea": "dubai",
    "emirat": "dubai",
    "abu dhabi": "dubai",
    "duit": "uang",
    "doku": "uang",
    "fulus": "uang",
    "gajih": "gaji",
    "bayaran": "gaji",
    "jt": "juta",
    "jtan": "juta",
    "juta an": "juta",
    "rb": "ribu",
    "rban": "ribu",
    "dc": "penagih",
    "debtcollector": "penagih",
    "kolektor": "penagih",
    "hp": "handphone",
    "hape": "handphone",
    "wa": "whatsapp",
    "medikal": "medical",
    "mcu": "medical",
    "medcek": "medical",
    "bpjs": "bpjs",
    "jamsos": "jaminan sosial",
    "asuransi": "asuransi",
    # function words
    "yg": "yang",
    "yng": "yang",
    "dg": "dengan",
    "dgn": "dengan",
    "ama": "sama",
    "sm": "sama",
    "krn": "karena",
    "krna": "karena",
    "soale": "karena",
    "utk": "untuk",
    "untk": "untuk",
    "buat": "untuk",
    "bwt": "untuk",
    "tuk": "untuk",
    "kanggo": "untuk",
    "dr": "dari",
    "dri": "dari",
    "sdh": "sudah",
    "udh": "sudah",
    "udah": "sudah",
    "dah": "sudah",
    "wis": "sudah",
    "uwis": "sudah",
    "jd": "jadi",
    "jdi": "jadi",
    "bs": "bisa",
    "bsa": "bisa",
    "iso": "bisa",
    "isa": "bisa",
    "tp": "tapi",
    "tpi": "tapi",
    "trs": "terus",
    "trus": "terus",
    "lg": "lagi",
    "lgi": "lagi",
    "aja": "saja",
    "aj": "saja",
    "ae": "saja",
    "wae": "saja",
    "bgt": "sekali",
    "banget": "sekali",
    "pol": "sekali",
    "dll": "dan lain lain",
    "dsb": "dan sebagainya",
    "skrg": "sekarang",
    "skrang": "sekarang",
    "saiki": "sekarang",
    "ayeuna": "sekarang",
    "mau": "ingin",
    "mo": "ingin",
    "pengen": "ingin",
    "pingin": "ingin",
    "pgn": "ingin",
    "arep": "ingin",
    "hoyong": "ingin",
    "kudu": "harus",
    "hrs": "harus",
    "kerjo": "kerja",
    "gawe": "kerja",
    "nyambut": "kerja",
    "damel": "kerja",
    "sampe": "sampai",
    "nyampe": "sampai",
    "klo": "kalau",
    "kalo": "kalau",
    "kl": "kalau",
    "klu": "kalau",
    "nek": "kalau",
    "lamun": "kalau",
    "tlg": "tolong",
    "tolongin": "tolong",
    "bener": "benar",
    "bnr": "benar",
    "emang": "memang",
    "mmg": "memang",
    "cm": "cuma",
    "cuman": "cuma",
    "ato": "atau",
    "atw": "atau",
    "ap": "apa",
    "pa": "apa",
    "bkn": "bukan",
    "sblm": "sebelum",
    "ssdh": "sesudah",
    "stlh": "setelah",
    "pd": "pada",
    "kyk": "seperti",
    "kayak": "seperti",
    "kaya": "seperti",
    "gitu": "begitu",
    "gt": "begitu",
    "ni": "ini",
    "nih": "ini",
    "tu": "itu",
    "tuh": "itu",
    "kok": "kenapa",
    "nanya": "tanya",
    "tny": "tanya",
    "info": "informasi",
    "infonya": "informasi",
    "inpo": "informasi",
    "syrt": "syarat",
    "srt": "surat",
    "kntrak": "kontrak",
    "perjanjian": "perjanjian",
    "brangkat": "berangkat",
    "brngkt": "berangkat",
    "bkin": "bikin",
    "gmpang": "gampang",
    "lowker": "lowongan kerja",
    "loker": "lowongan kerja",
    "jobs": "lowongan kerja",
    "online": "online",
    "ol": "online",
    "onlen": "online",
    "scam": "penipuan",
    "scammer": "penipu",
    "nipu": "menipu",
    "boong": "bohong",
    "abal": "palsu",
    "bodong": "palsu",
    "fake": "palsu",
    "ilegal": "ilegal",
    "illegal": "ilegal",
    "resmi": "resmi",
    "legal": "resmi",
    "prosedural": "resmi",
    "dijupuk": "diambil",
    "jupuk": "ambil",
    "soko": "dari",
    "seko": "dari",
    "omah": "rumah",
    "imah": "rumah",
    "paeh": "mati",
    "maot": "mati",
    "modar": "mati",
    "tos": "sudah",
    "mpun": "sudah",
    "ra": "tidak",
    "rak": "tidak",
    "hoream": "malas",
    "sieun": "takut",
    "wedi": "takut",
    "pls": "tolong",
    "plis": "tolong",
    "please": "tolong",
    "cant": "cannot",
    "ta": "tidak",
    "ka": "ke",
    "pokol": "pukul",
    "hlp": "help",
    "halp": "help",
    "engkok": "saya",
    "sengko": "saya",
    "olle": "boleh",
    "lowar": "keluar",
    "bengko": "rumah",
    "saben": "setiap",
    "dipekso": "dipaksa",
    "pekso": "paksa",
    "gelem": "mau",
    "neng": "di",
    "kpala": "kepala",
    "dibolehin": "diizinkan",
    "dibolehkan": "diizinkan",
    "ngunci": "mengunci",
    "nguncinya": "mengunci",
    "tulung": "tolong",
    "na": "di",
    "eolle": "boleh",
    "kaloar": "keluar",
    "ekonce": "dikunci",
    "epokol": "dipukul",
    "ejaga": "dijaga",
    "toron": "turun",
    "dipun": "di",
    "paringi": "kasih",
    "dhahar": "makan",
    "nyuwun": "minta",
    "pitulungan": "tolong",
    "kenging": "boleh",
    "kaluar": "keluar",
    "dicandak": "diambil",
    "dikasi": "dikasih",
    "kasi": "kasih",
    "dateng": "datang",
    "siapin": "siapkan",
    "nyiapin": "siapkan",
    "yen": "kalau",
    "upami": "kalau",
    "menawi": "kalau",
    "misale": "misalnya",
    "mengko": "nanti",
    "engko": "nanti",
    "sateya": "sekarang",
    "bengkona": "rumah",
    "deri": "dari",
    "griya": "rumah",
    "wonten": "di",
    "tulungan": "tolong",
    "ilang": "hilang",
    "nelpon": "telepon",
    "ditelpon": "ditelepon",
    "telpon": "telepon",
    "lungo": "pergi",
    "budal": "berangkat",
    "mangkat": "berangkat",
    "piro": "berapa",
    "suwene": "berapa lama",
    "sasi": "bulan",
    "sakdurunge": "sebelum",
    "ditompo": "diterima",
    "podo": "sama",
    "karo": "sama",
    "dicekel": "ditahan",
    "dicekal": "ditahan",
    "jarene": "katanya",
    "minggat": "kabur",
    "mulih": "pulang",
    "balik": "pulang",
    "metu": "keluar",
    "wingi": "kemarin",
    "crito": "cerita",
    "nang": "di",
    "ning": "di",
    "bojoku": "suami saya",
    "bojone": "suami",
    "milarian": "mencari",
    "kulawarga": "keluarga",
    "aya": "ada",
    "nu": "yang",
    "iraha": "kapan",
    "mulang": "pulang",
    "ngadu": "mengadu",
    "adi": "adik",
    "anake": "anak",
    "anakku": "anak saya",
    "adikku": "adik saya",
    "ibuku": "ibu saya",
    "bapakku": "bapak saya",
    "suamiku": "suami saya",
    "istriku": "istri saya",
    "pap": "opp",
    "gtog": "g2g",
    "trafficking": "perdagangan orang",
    "tppo": "perdagangan orang",
    "traficking": "perdagangan orang",
    "bank keliling": "rentenir",
    "negri": "negeri",
    "ngeri": "negeri",
    "ln": "luarnegeri",
    "luarnegri": "luarnegeri",
}

# Phrase rewrites applied before splitting into words (longest first).
PHRASES: dict[str, str] = {
    "hong kong": "hongkong",
    "korea selatan": "korea",
    "arab saudi": "arab",
    "saudi arabia": "arab",
    "uni emirat arab": "dubai",
    "debt collector": "penagih",
    "pinjaman online": "pinjol",
    "pinjam online": "pinjol",
    "tenaga kerja wanita": "pmi",
    "tenaga kerja indonesia": "pmi",
    "pekerja migran indonesia": "pmi",
    "calon pekerja migran": "pmi",
    "pekerja migran": "pmi",
    "buruh migran": "pmi",
    "luar negeri": "luarnegeri",
    "visa kerja": "visakerja",
    "bank emplek": "rentenir",
    "lintah darat": "rentenir",
    "bunuh diri": "bunuhdiri",
    "jual manusia": "perdagangan orang",
    "jual orang": "perdagangan orang",
    "g to g": "g2g",
    # BP3MI and P3MI arrive split at the digit, and "bp" already read as "bapak".
    "bapak 3 mi": "bp3mi",
    "p 3 mi": "p3mi",
    # Acronyms as voice-to-text spells them out, letter by letter (Indonesian letter names;
    # "ka" already reads "ke"), written as the typed acronym normalises.
    "el te es a": "ltsa",
    "be pe tiga em i": "bp3mi",
    "pe tiga em i": "p3mi",
    "be pe je es": "bpjs",
    "ce pe em i": "pmi",
    "ke te pe": "ktp",
    "es ke ce ke": "skck",
    "government to government": "g2g",
    "bank keliling": "rentenir",
    # Javanese "oleh" is "may" ("ora oleh metu"), Indonesian "oleh" is "by" ("ditahan oleh
    # agen"): only beside a Javanese negation, "already" or question tag is it "boleh".
    "tidak oleh": "tidak boleh",
    "oleh tidak": "boleh tidak",
    "sudah oleh": "sudah boleh",
    "oleh po": "boleh po",
    "oleh to": "boleh to",
}

# Very common words that carry no topic signal; dropped from term matching.
STOPWORDS = frozenset(
    """
        yang dan di ke dari itu ini ada apa saya kamu dia kami kita mereka untuk dengan
        atau juga saja sudah belum akan bisa harus ingin mau tidak bukan jika kalau
        apakah bagaimana berapa kenapa mengapa kapan dimana kemana mana siapa ya yah deh
        dong sih kah lah nih tuh pun lagi sangat sekali banyak sedikit boleh tolong
        mohon min admin kak kakak bapak ibu pak bu mas mbak halo hai assalamualaikum
        selamat pagi siang sore malam terima kasih makasih tanya nanya info informasi
        mohon seperti begitu begini tapi terus lalu jadi karena sama pada oleh para nya
        an
    """.split()
)

_REPEATS = re.compile(r"(.)\1{2,}")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)")
_REDUPLICATION = re.compile(r"\b([a-z]+)2\b")
_PHRASE_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)) + r")\b"
)


# One message is folded and normalised by the ranker, the classifier and the triage in turn:
# the cache makes the second and third time free (both are pure functions of the text).
@lru_cache(maxsize=64)
def fold(text: str) -> str:
    """Lower-case, strip accents and emoji, collapse 3+ repeats, split digits from words."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _REDUPLICATION.sub(r"\1", text)  # "berkas2" -> "berkas"
    text = _NON_WORD.sub(" ", text)
    text = _REPEATS.sub(r"\1", text)
    text = _DIGIT_LETTER.sub(" ", text)
    return " ".join(text.split())


@lru_cache(maxsize=64)
def normalize(text: str) -> str:
    """Return the canonical form of a message: folded, phrases and slang rewritten."""
    words = " ".join(SLANG.get(word, word) for word in fold(text).split())
    return _PHRASE_PATTERN.sub(lambda match: PHRASES[match.group(1)], words)


def add_regional_words(text: str, lexicon: Mapping[str, str]) -> str:
    """Return the normalised text followed by the Indonesian meaning of each regional word.

    The original words stay, so what the examples teach in a regional language is kept;
    the added words let it meet the Indonesian examples too ("pesse" -> "pesse ... uang").
    """
    found = [lexicon[word] for word in fold(text).split() if word in lexicon]
    normalised = normalize(text)
    return " ".join([normalised, *found]) if found else normalised


_PREFIXES = (
    ("memper", ""),
    ("menge", ""),
    ("meng", ""),
    ("meng", "k"),
    ("meny", "s"),
    ("mem", ""),
    ("mem", "p"),
    ("men", ""),
    ("men", "t"),
    ("me", ""),
    ("penge", ""),
    ("peng", ""),
    ("peng", "k"),
    ("peny", "s"),
    ("pem", ""),
    ("pem", "p"),
    ("pen", ""),
    ("pen", "t"),
    ("per", ""),
    ("pe", ""),
    ("ber", ""),
    ("be", ""),
    ("ter", ""),
    ("di", ""),
    ("ke", ""),
    ("se", ""),
    ("diper", ""),
    ("ng", ""),
    ("ny", "s"),
    ("m", "p"),
    ("n", "t"),
)
_SUFFIXES = ("", "nya", "lah", "kah", "ku", "mu", "kan", "an", "i", "in", "kannya", "annya")


class Stemmer:
    """Dictionary-guided Indonesian stemmer: strips affixes only to reach a known word.

    The dictionary is every word the knowledge base itself uses, so "melaporkan",
    "laporan" and "dilaporin" all become "lapor" as long as "lapor" occurs somewhere,
    and nothing is cut into a non-word ("majikan" stays "majikan").
    """

    def __init__(self, lexicon: set[str]) -> None:
        self.lexicon = frozenset(word for word in lexicon if len(word) >= 3)
        self._cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        """Return the shortest known root reachable by removing affixes, or the word itself."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        best = word
        if len(word) > 4 and not word.isdigit():
            for suffix in _SUFFIXES:
                if suffix and not word.endswith(suffix):
                    continue
                base = word[: len(word) - len(suffix)] if suffix else word
                for prefix, restore in (("", ""), *_PREFIXES):
                    if not base.startswith(prefix):
                        continue
                    root = restore + base[len(prefix) :]
                    if len(root) >= 4 and root in self.lexicon and len(root) < len(best):
                        best = root
        if len(self._cache) < 100_000:
            self._cache[word] = best
        return best


def words(text: str) -> list[str]:
    """Return the content words of a text: normalised, stop words dropped, not stemmed."""
    return [word for word in normalize(text).split() if word not in STOPWORDS]
