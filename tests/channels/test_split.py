"""Long-message splitting shared by the channels."""

from __future__ import annotations

import pytest

from bot.channels.split import split_text


def test_six_thousand_characters_split_on_paragraphs() -> None:
    paragraph = ("Dokumen resmi harus diurus sendiri. " * 30).strip()
    text = "\n\n".join([paragraph] * 8)[:6000]
    chunks = split_text(text, 4096)
    assert len(chunks) == 2
    assert all(len(chunk) <= 4096 for chunk in chunks)
    assert chunks[0].endswith(".")
    assert "\n\n".join(chunks).replace("\n", "") == text.replace("\n", "")


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("", 10, []),
        ("pendek", 10, ["pendek"]),
        ("satu dua tiga empat", 9, ["satu dua", "tiga", "empat"]),
        ("a" * 25, 10, ["a" * 10, "a" * 10, "a" * 5]),
        ("baris satu\nbaris dua", 12, ["baris satu", "baris dua"]),
    ],
)
def test_split_table(text: str, limit: int, expected: list[str]) -> None:
    assert split_text(text, limit) == expected
