"""Rupiah amounts as users type them, and their display."""

from __future__ import annotations

import pytest

from knowledge.rupiah import format_rupiah, parse_rupiah


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("35 juta", 35_000_000),
        ("Rp 35.000.000", 35_000_000),
        ("rp35jt", 35_000_000),
        ("2jtan", 2_000_000),
        ("2,5 juta", 2_500_000),
        ("500rb", 500_000),
        ("500 ribu", 500_000),
        ("1.5jt", 1_500_000),
        ("Rp 7.500.000,-", 7_500_000),
        ("sepuluh juta", 10_000_000),
        ("dua setengah juta", 2_500_000),
        ("1jt 500rb", 1_500_000),
        ("IDR 5,000,000", 5_000_000),
        ("500000", 500_000),
        ("Rp 1.500.000,50", 1_500_001),  # sen round half up to whole Rupiah
    ],
)
def test_amount_alone(text: str, amount: int) -> None:
    assert parse_rupiah(text) == amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("biaya 35jt", 35_000_000),
        ("gajinya 35 juta per bulan", 35_000_000),
        ("saya bayar 1jt 500rb ke sponsor", 1_500_000),
        ("35jt/bulan", 35_000_000),
        ("umur 25 tahun gaji 5 juta", 5_000_000),
        ("potong gaji 7 bulan @ 2.500.000", 2_500_000),
        ("35 million", 35_000_000),
    ],
)
def test_amount_inside_a_sentence(text: str, amount: int) -> None:
    assert parse_rupiah(text) == amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("3-5 juta", 3_000_000),
        ("3.000.000 - 5.000.000", 3_000_000),
        ("2 sampai 3 juta", 2_000_000),
        ("Rp 35.000.000 (tiga puluh lima juta)", 35_000_000),
    ],
)
def test_ranges_and_restatements_are_not_summed(text: str, amount: int) -> None:
    assert parse_rupiah(text) == amount


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "juta",
        "kerja 2 tahun",
        "anak saya tiga",
        "berangkat tahun 2023",
        "hubungi 081234567890",
        "nik 3305012345678901",
    ],
)
def test_no_amount(text: str) -> None:
    assert parse_rupiah(text) is None


def test_format_rupiah_indonesian() -> None:
    assert format_rupiah(35_000_000) == "Rp35.000.000"
    assert format_rupiah(0, "id") == "Rp0"
    assert format_rupiah(-1_500, "id") == "-Rp1.500"


def test_format_rupiah_other_locales_have_no_decimals() -> None:
    assert format_rupiah(35_000_000, "en") == "IDR35,000,000"
    assert format_rupiah(35_000_000, "de") == "35.000.000\xa0IDR"


def test_format_then_parse_round_trips() -> None:
    for amount in (1_000, 750_000, 35_000_000, 1_250_000_000):
        assert parse_rupiah(format_rupiah(amount)) == amount
