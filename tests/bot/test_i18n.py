"""Translations: both catalogues complete; Rupiah and dates formatted per locale."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from babel.messages.pofile import read_po

from bot.i18n import LOCALE_DIR, Translator


def _catalogue(locale: str):
    path: Path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def test_every_catalogue_is_complete() -> None:
    template_path = LOCALE_DIR / "messages.pot"
    with template_path.open("rb") as handle:
        template = {message.id for message in read_po(handle) if message.id}
    for locale in ("id", "en"):
        catalogue = _catalogue(locale)
        translated = {message.id for message in catalogue if message.id and message.string}
        assert template <= translated, f"{locale}: {sorted(template - translated)[:5]}"


def test_english_translation_is_used() -> None:
    english = Translator().for_locale("en")
    assert english._("Menu utama") == "Main menu"
    assert Translator().for_locale("id")._("Menu utama") == "Menu utama"


def test_unknown_locale_falls_back_to_indonesian() -> None:
    assert Translator().for_locale("xx").locale == "id"


def test_rupiah_and_dates_follow_the_locale() -> None:
    indonesian = Translator().for_locale("id")
    assert indonesian.rupiah(35_000_000) == "Rp35.000.000"
    assert indonesian.date(date(2026, 11, 23)) == "23 November 2026"
    assert Translator().for_locale("en").date(date(2026, 11, 23)) == "November 23, 2026"


def test_times_are_shown_in_jakarta_with_wib() -> None:
    from datetime import UTC, datetime

    moment = datetime(2026, 11, 23, 14, 46, tzinfo=UTC)
    assert Translator().for_locale("id").datetime(moment) == "23 Nov 2026 21.46 WIB"
    assert Translator().for_locale("en").datetime(moment, "Asia/Makassar").endswith("22.46 WITA")
