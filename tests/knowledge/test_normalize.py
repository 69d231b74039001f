"""The Indonesian normaliser: the documented slang dictionary and its rules."""

from __future__ import annotations

import pytest

from knowledge.normalize import SLANG, Stemmer, add_regional_words, fold, normalize, words


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("gmn", "bagaimana"),
        ("bgmn", "bagaimana"),
        ("brp", "berapa"),
        ("yg", "yang"),
        ("gk", "tidak"),
        ("ga", "tidak"),
        ("gak", "tidak"),
        ("nggak", "tidak"),
        ("sy", "saya"),
        ("aku", "saya"),
        ("tkw", "pmi"),
        ("tki", "pmi"),
        ("pjtki", "p3mi"),
        ("dll", "dan lain lain"),
    ],
)
def test_slang_dictionary_rewrites_common_abbreviations(typed: str, canonical: str) -> None:
    assert SLANG[typed] == canonical
    assert normalize(typed) == canonical


def test_fold_lowercases_strips_emoji_accents_and_repeats() -> None:
    assert fold("Tolonggg!!! 😭 Café") == "tolong cafe"


def test_fold_splits_numbers_from_words_and_reduplication() -> None:
    assert fold("2jtan berkas2") == "2 jtan berkas"


def test_phrases_are_joined() -> None:
    assert normalize("kerja di Hong Kong lewat pinjaman online") == "kerja di hongkong lewat pinjol"
    assert normalize("kerja ke luar negri") == "kerja ke luarnegeri"


def test_words_drop_stopwords() -> None:
    assert words("gmn caranya jd TKW ke HK??") == ["caranya", "pmi", "hongkong"]


def test_stemmer_only_reaches_known_roots() -> None:
    stem = Stemmer({"lapor", "kerja", "tampung", "majikan"})
    assert stem("melaporkan") == "lapor"
    assert stem("dilaporin") == "lapor"
    assert stem("pekerjaan") == "kerja"
    assert stem("penampungan") == "tampung"
    assert stem("majikan") == "majikan"  # no cut into a non-word
    assert stem("berkas") == "berkas"


def test_regional_words_are_added_after_the_normalised_text() -> None:
    lexicon = {"pesse": "uang", "alako": "kerja", "ebajar": "dibayar"}
    assert add_regional_words("Pèssè ta' èbâjâr, sengko' alako", lexicon) == (
        "pesse tidak ebajar saya alako uang dibayar kerja"
    )


def test_regional_words_leave_a_text_without_them_as_normalise_does() -> None:
    text = "gmn cara kirim duit ke kampung?"
    assert add_regional_words(text, {"pesse": "uang"}) == normalize(text)
    assert add_regional_words("", {"pesse": "uang"}) == ""


@pytest.mark.parametrize(
    ("heard", "canonical"),
    [
        ("el te es a itu kantornya di mana", "ltsa itu kantornya di mana"),
        ("be pe tiga em i jatim", "bp3mi jatim"),
        ("BP3MI jatim", "bp3mi jatim"),  # typed: split at the digit, "bp" not read as "bapak"
        ("P3MI resmi", "p3mi resmi"),
        ("PPTKIS resmi", "p3mi resmi"),
        ("ka te pe sama be pe je es", "ktp sama bpjs"),
        ("es ka ce ka", "skck"),
        ("bapak 3 orang", "bapak 3 orang"),
    ],
)
def test_acronyms_spelled_out_by_voice_or_split_at_a_digit_read_as_typed(
    heard: str, canonical: str
) -> None:
    assert normalize(heard) == canonical


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("paspor ditahan oleh agen", "paspor ditahan oleh agen"),  # Indonesian "by"
        ("dilarang pulang oleh majikan", "dilarang pulang oleh majikan"),
        ("aku ra oleh metu", "saya tidak boleh keluar"),  # Javanese "may"
        ("oleh ora yen aku mulih", "boleh tidak kalau saya pulang"),
        ("wis oleh mulih", "sudah boleh pulang"),
    ],
)
def test_oleh_is_may_only_where_javanese_says_so(typed: str, canonical: str) -> None:
    assert normalize(typed) == canonical
