"""Typed knowledge entries and the categories they belong to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

ANSWER_MAX_CHARS = 900
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
    """Where a fact comes from: a law, regulation or official body."""

    title: str
    url: str | None = None


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

    def text(self, field: dict[str, str], locale: str) -> str:
        """Return a localised field, falling back to Indonesian."""
        return field.get(locale) or field["id"]

    def title_for(self, locale: str) -> str:
        """Return the title in a locale."""
        return self.text(self.title, locale)

    def sources_line(self) -> str:
        """Return the sources as one line for the end of an answer."""
        return "; ".join(source.title for source in self.sources)
