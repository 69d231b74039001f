"""Typed knowledge entries and the categories they belong to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# The first message fits one phone screen; the rest sits under "Selengkapnya".
ANSWER_MAX_CHARS = 500
MORE_MAX_CHARS = 1500
MIN_EXAMPLES = 12
LANGUAGES = ("id", "en")


@dataclass(frozen=True, slots=True)
class Category:
    """A menu category of topics."""

    id: str
    title_id: str
    title_en: str

    def title(self, locale: str) -> str:
        """Return the title in a locale, Indonesian by default."""
        return self.title_en if locale == "en" else self.title_id


# Menu order: the order a worry usually comes in, danger signs early.
CATEGORIES: tuple[Category, ...] = (
    Category("prosedur", "Prosedur resmi", "Legal procedure"),
    Category("negara", "Negara tujuan", "Destination countries"),
    Category("tppo", "Waspada penipuan & TPPO", "Fraud & trafficking"),
    Category("utang", "Utang & pinjaman", "Debts & loans"),
    Category("remitansi", "Kirim uang", "Sending money"),
    Category("keluarga", "Keluarga", "Family"),
    Category("hak", "Hak & pengaduan", "Rights & complaints"),
    Category("purna", "Pulang ke desa", "Returning home"),
    Category("layanan", "Layanan desa", "Village services"),
)
CATEGORY_BY_ID = {category.id: category for category in CATEGORIES}


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact comes from: a law, regulation or official body.

    `title` is the Indonesian title; `title_en` is shown to English users.
    `official` marks a government page or the text of the law itself.
    """

    title: str
    url: str | None = None
    title_en: str | None = None
    official: bool = False

    def title_for(self, locale: str) -> str:
        """Return the title in a locale, Indonesian when no English title exists."""
        return (self.title_en or self.title) if locale == "en" else self.title


@dataclass(frozen=True, slots=True)
class Fact:
    """A dated figure or status in an answer, to be checked again by `review_by`."""

    claim: str
    review_by: date
    check_with: dict[str, str]

    def due(self, today: date) -> bool:
        """Whether the claim must be checked again by `today`."""
        return self.review_by <= today


STALE_NOTE = {
    "id": "Informasi ini mungkin sudah berubah; cek ke {check_with}.",
    "en": "This information may have changed; check with {check_with}.",
}


@dataclass(frozen=True, slots=True)
class Topic:
    """One knowledge entry, in Indonesian and English."""

    id: str
    category: str
    title: dict[str, str]
    answer: dict[str, str]
    more: dict[str, str]
    examples: tuple[str, ...]
    examples_en: tuple[str, ...]
    keywords: tuple[str, ...]
    related: tuple[str, ...]
    red_flag: bool
    sources: tuple[Source, ...]
    reviewed: date
    facts: tuple[Fact, ...] = ()
    # Ids of pages folded into this one: old buttons, links and labels still reach it.
    aliases: tuple[str, ...] = ()

    def text(self, field: dict[str, str], locale: str) -> str:
        """Return a localised field, falling back to Indonesian."""
        return field.get(locale) or field["id"]

    def title_for(self, locale: str) -> str:
        """Return the title in a locale."""
        return self.text(self.title, locale)

    def sources_line(self, locale: str = "id") -> str:
        """Return the sources as one line for the end of an answer, in the user's language."""
        return "; ".join(source.title_for(locale) for source in self.sources)

    def stale_note(self, today: date, locale: str) -> str | None:
        """Say the answer may be out of date when a claim is past its review date."""
        # A claim is stale only once its review date has passed (due on the day itself).
        overdue = [fact for fact in self.facts if fact.review_by < today]
        if not overdue:
            return None
        offices = list(dict.fromkeys(self.text(fact.check_with, locale) for fact in overdue))
        joiner = " or " if locale == "en" else " atau "
        template = STALE_NOTE["en" if locale == "en" else "id"]
        return template.format(check_with=joiner.join(offices))

    def answer_with_note(self, locale: str, today: date | None = None) -> str:
        """Return the answer, with the stale note appended when a claim is overdue."""
        note = self.stale_note(today or date.today(), locale)
        answer = self.text(self.answer, locale)
        return f"{answer}\n\n{note}" if note else answer


def topic_names(topics: Iterable[Topic]) -> dict[str, str]:
    """Map every id a topic answers to, its own and its aliases, to its live id."""
    topics = list(topics)
    names: dict[str, str] = {}
    for topic in topics:
        for alias in topic.aliases:
            names.setdefault(alias, topic.id)
    names.update((topic.id, topic.id) for topic in topics)
    return names
