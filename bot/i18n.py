"""Gettext translations (Babel catalogues in bot/locale) and locale-aware money and dates."""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
SUPPORTED_LOCALES = ("id", "en")
HOME_ZONE = "Asia/Jakarta"
# Indonesia's zones by the names people use; other zones get Babel's short name.
ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


# Remembered: answers repeat the same review dates, and Babel parses the pattern and looks
# up the locale on every call (about a tenth of a turn's CPU under load).
@lru_cache(maxsize=4096)
def _format_date(value: date, pattern: str, locale: str) -> str:
    """Format a date with Babel."""
    return format_date(value, format=pattern, locale=locale)


@dataclass(frozen=True, slots=True)
class Translations:
    """The gettext functions and formatters of one locale."""

    locale: str
    catalogue: gettext.NullTranslations

    def _(self, message: str) -> str:
        """Translate a message template; call .format() on the result, never inside."""
        return self.catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """Translate a message with a count."""
        return self.catalogue.ngettext(singular, plural, count)

    def rupiah(self, amount: int) -> str:
        """Format an amount of Rupiah for this locale (no decimals)."""
        return format_currency(
            amount, "IDR", locale=self.locale, currency_digits=False, format="¤#,##0"
        )

    def date(self, value: date) -> str:
        """Format a date for this locale."""
        return _format_date(value, "long", self.locale)

    def short_date(self, value: date) -> str:
        """Format a date compactly for this locale ("23 Nov 2026")."""
        return _format_date(value, "d MMM y", self.locale)

    def datetime(self, value: datetime, zone: str = HOME_ZONE) -> str:
        """Format a timestamp for this locale in a time zone, labelled ("23 Nov 2026 21.46 WIB")."""
        tz = ZoneInfo(zone)
        local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(tz)
        text = format_datetime(local, format="d MMM y HH.mm", locale=self.locale)
        label = ZONE_LABELS.get(zone) or format_datetime(local, "zzz", locale=self.locale)
        return f"{text} {label}"


class Translator:
    """Loads every catalogue once and hands out Translations per locale."""

    def __init__(self, locale_dir: Path = LOCALE_DIR, default: str = "id") -> None:
        self._default = default
        self._by_locale = {code: self._load(locale_dir, code) for code in SUPPORTED_LOCALES}

    @staticmethod
    def _load(locale_dir: Path, code: str) -> Translations:
        """Load a compiled catalogue; compile the .po in memory when the .mo is missing or stale."""
        messages = locale_dir / code / "LC_MESSAGES"
        po_path, mo_path = messages / f"{DOMAIN}.po", messages / f"{DOMAIN}.mo"
        if mo_path.exists() and (
            not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
        ):
            with mo_path.open("rb") as mo_file:
                return Translations(code, gettext.GNUTranslations(mo_file))
        if po_path.exists():
            # Running from a checkout whose catalogue changed since the last build.
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=code)
            buffer = io.BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            return Translations(code, gettext.GNUTranslations(buffer))
        raise FileNotFoundError(f"no translation catalogue for locale {code!r} in {messages}")

    def for_locale(self, code: str | None) -> Translations:
        """Return the translations of a locale, or the default for an unknown one."""
        return self._by_locale.get(code or self._default, self._by_locale[self._default])


def lazy(message: str) -> str:
    """Mark a message for extraction where it is translated later (menus, constants)."""
    return message
