"""Rupiah amounts: reading them as users type them ("35 juta", "rp35jt", "2jtan") and formatting.

Parsing is lokal-id's ``parse_rupiah``, which reads a text that is only an amount. This module
adds what a chat needs on top: finding the amount inside a sentence ("biayanya 35jt kak"),
English scale words, and not adding up two amounts that lokal would sum ("3-5 juta" is not eight
million, "Rp 35.000.000 (tiga puluh lima juta)" is not 35 trillion).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency
from lokal import parse_rupiah as lokal_parse_rupiah

# Scale words lokal knows, for spreading a range's unit to its first number ("3-5 juta").
_SCALE = r"(?:rb|rbu|rebu|ribu|k|jt|juta|jeti|m|miliar|milyar|t|triliun)"
_RANGE = re.compile(
    rf"(?<![\d.,])(\d+(?:[.,]\d+)*)\s*(?:-|s/d|sd|sampai|hingga)\s*(\d+(?:[.,]\d+)*)\s*({_SCALE})\b"
)
# Things that separate amounts rather than belong to one: brackets, slashes ("35jt/bulan"),
# alternatives and ranges. A "-" separates between spaces or two numbers; "jt-an" and ",-" stay.
_SEPARATORS = re.compile(
    r"[()\[\]/;|\n]|\s+-\s+|(?<=[\d.,])\s*-\s*(?=\d)|\b(?:atau|sampai|hingga|s/d|sd|or|to)\b"
)
# Phone numbers and NIK are long digit runs but not money; they must not be read as amounts.
_PHONE = re.compile(r"(?<![\d.,])(?:\+?62|0)8\d{7,12}(?![\d.,])")
_LONG_DIGITS = re.compile(r"(?<![\d.,])\d{14,}(?![\d.,])")
# English scale words, for users who answer in English ("35 million").
_ENGLISH = {"thousand": "ribu", "million": "juta", "millions": "juta", "billion": "miliar"}
_ENGLISH_WORD = re.compile(r"\b(thousand|millions?|billion)\b", re.IGNORECASE)
# In a sentence, a number is only money with a sign of it: a word lokal reads as money (rp, juta,
# ribu, sejuta...), thousands separators ("35.000"), or five digits or more ("35000").
_LETTER = re.compile(r"[a-z]", re.IGNORECASE)
_GROUPED = re.compile(r"\d[.,]\d{3}(?!\d)")
_FIVE_DIGITS = re.compile(r"(?<![\d.,])[1-9]\d{4,}")
_MAX_WINDOW = 8  # words in one amount: "dua ratus lima puluh ribu rupiah" is six
_MAX_WORDS = 80  # a chat message longer than this is cut: the amount comes early in practice


def _to_int(amount: float) -> int:
    """Round an amount with sen to whole Rupiah, half up as cashiers do."""
    return int(Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _looks_like_money(window: str, amount: int) -> bool:
    """Tell whether a stretch of a sentence that parses as a number is meant as money."""
    if amount < 1000:
        return False  # "3 bulan", "anak tiga": no Rupiah amount is that small any more
    return bool(_LETTER.search(window) or _GROUPED.search(window) or _FIVE_DIGITS.search(window))


def _first_in(segment: str) -> int | None:
    """Return the first amount inside a piece of a sentence, or None."""
    words = segment.split()[:_MAX_WORDS]
    for start in range(len(words)):
        # Longest stretch first, so "1jt 500rb" is not read as its first word alone.
        for end in range(min(len(words), start + _MAX_WINDOW), start, -1):
            window = " ".join(words[start:end])
            parsed = lokal_parse_rupiah(window)
            if parsed is None:
                continue
            amount = _to_int(parsed.amount)
            if _looks_like_money(window, amount):
                return amount
            break  # a shorter stretch from this word is no more likely to be money
    return None


def parse_rupiah(text: str) -> int | None:
    """Parse the first Rupiah amount in a text ("Rp 7.500.000,-", "2jtan", "biaya 35jt"), or None.

    A text that is only an amount is read as lokal reads it, bare numbers included ("500000").
    Inside a sentence a number needs a sign of money (see ``_looks_like_money``). For a range
    ("3-5 juta") the lower bound is returned; approximate amounts ("2jtan") give their number.
    """
    t = _ENGLISH_WORD.sub(lambda m: _ENGLISH[m.group(1).lower()], str(text))
    t = _PHONE.sub(" | ", t)
    t = _LONG_DIGITS.sub(" | ", t)
    t = _RANGE.sub(r"\1 \3 - \2 \3", t)
    segments = [s for s in _SEPARATORS.split(t) if s.strip()]
    if len(segments) == 1:
        parsed = lokal_parse_rupiah(segments[0])
        if parsed is not None:
            return _to_int(parsed.amount)
    for segment in segments:
        amount = _first_in(segment)
        if amount is not None:
            return amount
    return None


@lru_cache(maxsize=16)
def _whole_rupiah_pattern(locale: str) -> str:
    """Return the locale's currency pattern without its decimals: Rupiah is shown without sen."""
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return re.sub(r"\.[0#]+", "", pattern)


def format_rupiah(amount: int, locale: str = "id") -> str:
    """Format whole Rupiah with Babel for a locale: 35000000 -> "Rp35.000.000" (id)."""
    return format_currency(
        amount,
        "IDR",
        format=_whole_rupiah_pattern(locale),
        locale=locale,
        currency_digits=False,
    )


__all__ = ["format_rupiah", "parse_rupiah"]
