"""Short answers inside casual sentences: yes, no, skip, change, cancel."""

from __future__ import annotations

import pytest

from handlers.replies import Intent, intent_of, is_no, is_yes


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("iya boleh", Intent.YES),
        ("ok setuju", Intent.YES),
        ("iya setuju", Intent.YES),
        ("Yes, I agree", Intent.YES),
        ("ga usah", Intent.NO),
        ("tidak setuju", Intent.NO),
        ("I don't agree", Intent.NO),
        ("gak jadi deh batal aja", Intent.CANCEL),
        ("cancel", Intent.CANCEL),
        ("eh salah, ubah", Intent.EDIT),
        ("ga tau kak", Intent.SKIP),
        ("ya kirim aja", Intent.SEND),
    ],
)
def test_short_answers_are_recognised_inside_sentences(text: str, intent: Intent) -> None:
    assert intent_of(text) is intent


@pytest.mark.parametrize(
    "text", ["saya mau batal berangkat ke Taiwan", "Bu Sumi", "Jogosimo Klirong", ""]
)
def test_real_answers_and_sentences_carry_no_intent(text: str) -> None:
    assert intent_of(text) is None


def test_yes_and_no_helpers() -> None:
    assert is_yes("iya boleh") and not is_yes("tidak boleh")
    assert is_no("gak mau") and not is_no("mau")
