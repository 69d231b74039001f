"""Reading "how much have you paid" answers: a total beats a down payment, conflicts are asked.

"udah dp 5jt, total 25 juta" means twenty-five million paid, with a five-million down payment
worth noting for the officer; summing the two (thirty million) would mislead the officer who
works from that figure. Two unlabelled amounts ("5 juta atau 7 juta") are a question for the
user, and a bare number ("2") is confirmed ("Rp2.000.000?") rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.rupiah import format_rupiah, parse_rupiah

# Labels that say what the amount after them is; longer forms first inside each alternative.
_LABELS = {
    "dp": r"dp|d\.p\.?|uang\s+muka|panjar|persekot|tanda\s+jadi|down\s*payment|deposit",
    "total": r"total(?:nya)?|semua(?:nya)?|seluruhnya|keseluruhan|jumlahnya|in\s+total|altogether",
    "rest": r"sisa(?:nya)?|kurang(?:nya)?|kekurangan(?:nya)?|remaining|still\s+owe",
}
_LABEL = re.compile(
    "|".join(rf"(?P<{name}>\b(?:{pattern})\b)" for name, pattern in _LABELS.items()),
    re.IGNORECASE,
)
# Where one amount ends and the next may start: a comma not inside "2,5" or "5.000,-",
# semicolons, new lines, and joining words.
_BREAK = re.compile(
    r",(?![\d-])|;|\n|\b(?:dan|terus|trus|lalu|plus|tambah|atau|apa|or|and|then)\b", re.IGNORECASE
)
_BARE = re.compile(r"\s*(?:rp\.?\s*)?(\d{1,3})(?:[.,](\d))?\s*", re.IGNORECASE)
_WHOLE_NUMBER = re.compile(r"\s*(\d+)\s*")
MILLION = 1_000_000


@dataclass(frozen=True, slots=True)
class Payment:
    """What an answer says about money paid."""

    amount: int | None = None  # the figure to store, when it is clear
    note: str | None = None  # other figures worth keeping ("DP Rp5.000.000")
    choices: list[int] = field(default_factory=list)  # figures to ask about (conflict or bare)


def _labelled_amounts(text: str) -> list[tuple[str | None, int]]:
    """Return (label, amount) pairs in the order they appear."""
    found: list[tuple[str | None, int]] = []
    for piece in _BREAK.split(text):
        label: str | None = None
        position = 0
        for match in _LABEL.finditer(piece):
            amount = parse_rupiah(piece[position : match.start()])
            if amount is not None:
                found.append((label, amount))
            label = match.lastgroup
            position = match.end()
        amount = parse_rupiah(piece[position:])
        if amount is not None:
            found.append((label, amount))
    return found


def _bare_guess(text: str) -> int | None:
    """Return the amount a bare number most likely means ("2" -> 2 million), or None."""
    small = _BARE.fullmatch(text)
    if small:
        whole, tenth = int(small.group(1)), int(small.group(2) or 0)
        return whole * MILLION + tenth * MILLION // 10
    plain = _WHOLE_NUMBER.fullmatch(text)
    if plain:
        return int(plain.group(1))
    return None


def _unique(amounts: list[int]) -> list[int]:
    """Return the amounts without repeats, in order."""
    return list(dict.fromkeys(amounts))


def read_payment(text: str) -> Payment:
    """Read an answer to "how much have you paid"; see the module docstring for the rules."""
    bare = _bare_guess(text)
    if bare is not None:
        return Payment(choices=[bare])
    found = _labelled_amounts(text)
    if len(found) > 1:
        # A lone small number next to real amounts is a slip ("5 atau 7 juta"), not a figure.
        found = [(label, amount) for label, amount in found if amount >= 1000] or found
    totals = _unique([amount for label, amount in found if label == "total"])
    paid = _unique([amount for label, amount in found if label in {None, "dp"}])
    if not found:
        return Payment()
    if len(totals) > 1:
        return Payment(choices=totals)
    if totals:
        others = [(label, amount) for label, amount in found if label != "total"]
        return Payment(amount=totals[0], note=_note(others) or None)
    if len(paid) > 1:
        return Payment(choices=[*paid, sum(paid)])
    if paid:
        others = [(label, amount) for label, amount in found if label in {"dp", "rest"}]
        return Payment(amount=paid[0], note=_note(others) or None)
    return Payment(note=_note(found))  # only "sisa ...": nothing paid is stated


def _note(pairs: list[tuple[str | None, int]]) -> str:
    """Describe the figures that are not the stored amount, for the officer (in Indonesian)."""
    names = {"dp": "DP", "rest": "sisa", None: "juga disebut"}
    return ", ".join(f"{names[label]} {format_rupiah(amount)}" for label, amount in pairs)
