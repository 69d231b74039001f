"""Nobody can invent a phone number: every number in an answer is in the fact sheets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge.loader import load_topics

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec"
FACT_SHEETS = (SPEC / "facts.md", SPEC / "contacts-abroad.md")
# A phone number: digit groups joined by spaces or hyphens, with an optional "+" and an
# optional bracketed prefix such as "(+62)" or "(021)". Dots and commas are left out on
# purpose: "Rp9.622.000" and "HK$5.100" are amounts; a later "(2025)" is a year.
PHONE = re.compile(r"(?:\(\+?\d{1,4}\)\s?)?\+?\d[\d \-]{5,}\d")
MIN_DIGITS = 7
YEAR = re.compile(r"(19|20)\d\d")


def _normalised(digits: str) -> str:
    """Compare local and international forms alike: +62 812... and 0812... are one number."""
    return "0" + digits[2:] if digits.startswith("62") else digits


def phone_numbers(text: str) -> set[str]:
    """Return the normalised digits of every phone-like number in a text."""
    found = set()
    for match in PHONE.finditer(text):
        for part in re.split(r"\s{2,}|\n", match.group()):
            groups = re.findall(r"\d+", part)
            if all(YEAR.fullmatch(group) for group in groups):
                continue  # a span of years such as "2015-2024"
            digits = "".join(groups)
            if len(digits) >= MIN_DIGITS:
                found.add(_normalised(digits))
    return found


def test_the_number_finder_reads_the_usual_ways_of_writing_a_number() -> None:
    text = (
        "KP2MI 0800-1000 atau +62 21 2924 4800, WA 0811-8080-141; biaya Rp9.622.000; "
        "data 2015-2024; KJRI +852 6773 0466 (2025); (+971) 56 615 6259."
    )
    assert phone_numbers(text) == {
        "08001000",
        "02129244800",
        "08118080141",
        "85267730466",
        "971566156259",
    }


@pytest.mark.skipif(not FACT_SHEETS[0].exists(), reason="shared/spec is not beside the checkout")
def test_every_phone_number_in_an_answer_is_in_the_fact_sheets() -> None:
    known: set[str] = set()
    for sheet in FACT_SHEETS:
        known |= phone_numbers(sheet.read_text(encoding="utf-8"))
    invented = [
        (topic.id, number)
        for topic in load_topics()
        for field in (topic.answer, topic.more)
        for text in field.values()
        for number in sorted(phone_numbers(text))
        if number not in known
    ]
    assert invented == []
