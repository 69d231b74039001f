"""Red flags are described to officers in plain words, never as internal codes."""

from __future__ import annotations

import pytest

from bot.i18n import Translator
from bot.inquiries import InquiryDraft
from handlers.red_flags import SIGNS, describe
from knowledge.danger_lexicon import DANGER

CODES = sorted(
    {*DANGER, *SIGNS, "bahaya", "biaya", "perekrut", "prt_timur_tengah", "negara_rawan_penipuan"}
)


@pytest.mark.parametrize("locale", ["id", "en"])
@pytest.mark.parametrize("code", CODES)
def test_every_flag_code_has_its_own_plain_words(code: str, locale: str) -> None:
    i18n = Translator().for_locale(locale)
    words = describe(code, InquiryDraft(), i18n)
    assert (
        "_" not in words
    )  # no snake_case codes; plain Indonesian words such as "penampungan" are fine
    if code in DANGER and locale == "id":  # English internal codes such as "confinement"
        assert code not in words
    assert words != describe("kode-tak-dikenal", InquiryDraft(), i18n)


def test_an_unknown_code_is_never_shown() -> None:
    i18n = Translator().for_locale("id")
    assert describe("kode_baru", InquiryDraft(), i18n) == "tanda bahaya lain"


def test_amount_and_recruiter_are_named_when_known() -> None:
    i18n = Translator().for_locale("id")
    draft = InquiryDraft(paid_amount=30_000_000, recruiter="PT Contoh")
    assert "30.000.000" in describe("biaya", draft, i18n)
    assert describe("perekrut", draft, i18n) == "perekrut: PT Contoh"
