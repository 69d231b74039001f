"""The cost and debt calculator's arithmetic, its lawful figures, and its rupiah through Babel."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from bot.i18n import Translator
from handlers.cost import read_loan, render
from knowledge.cost_calculator import calculate, flat_repayment, kur_repayment


def _balance_after(principal: int, yearly: float, monthly: int, months: int) -> float:
    """Repay month by month, the way a bank's schedule does, and return what is left."""
    balance = float(principal)
    for _ in range(months):
        balance = balance * (1 + yearly / 100 / 12) - monthly
    return balance


def test_kur_instalment_repays_the_loan_exactly_in_its_months() -> None:
    kur = kur_repayment(25_000_000, 12)
    assert kur.monthly == 2_151_661
    assert abs(_balance_after(25_000_000, 6.0, kur.monthly, 12)) < 12  # rounding to whole rupiah
    assert kur.total == 25_819_929 and kur.interest == 819_929


def test_flat_rate_charges_interest_on_the_whole_principal() -> None:
    loan = flat_repayment(25_000_000, 30, 12)
    assert (loan.interest, loan.total, loan.monthly) == (7_500_000, 32_500_000, 2_708_333)
    assert flat_repayment(20_000_000, 120, 6).total == 32_000_000  # 10% a month for 6 months


def test_zero_cost_job_may_be_charged_nothing() -> None:
    result = calculate(country="Hong Kong", job="PRT", asked=12_000_000)
    assert result.lawful.max_rupiah == 0 and result.excess == 12_000_000


def test_taiwan_caregiver_cap_is_the_rupiah_part_plus_nt20000_at_the_sources_ratio() -> None:
    result = calculate(country="taiwan", job="caregiver", asked=35_000_000)
    assert result.lawful.max_rupiah == 9_622_000 + 10_666_667
    assert result.excess == 35_000_000 - 20_288_667


def test_taiwan_factory_has_no_lawful_figure_and_a_wage_labelled_approximate() -> None:
    result = calculate("taiwan", "pabrik", 25_000_000, 25_000_000, 30, 12)
    assert result.lawful.max_rupiah is None and result.excess is None
    assert result.wage is not None and result.wage.approximate
    assert result.wage.rupiah == 14_080_000  # NT$26.400 at NT$60.000 = Rp32 juta
    assert result.kur.months_of_wages == 1.8 and result.informal.months_of_wages == 2.3


def test_no_wage_is_invented_for_a_country_facts_gives_none() -> None:
    result = calculate("malaysia", "pabrik", loan=10_000_000, rate=30, months=12)
    assert result.wage is None and result.kur.months_of_wages is None


def test_rate_per_month_is_made_yearly() -> None:
    result = calculate("malaysia", "pabrik", None, 10_000_000, 5, 10, rate_per_month=True)
    assert result.informal.rate_per_year == 60 and result.informal.interest == 5_000_000


def test_kur_limits_are_noted() -> None:
    assert calculate(loan=150_000_000, rate=20, months=48).notes == ["kur_plafon", "kur_tenor"]


def test_answer_formats_rupiah_through_babel_per_locale() -> None:
    result = calculate("taiwan", "pabrik", 25_000_000, 25_000_000, 30, 12)
    indonesian = render(result, Translator().for_locale("id"))
    assert "Rp2.151.661" in indonesian and "Rp32.500.000" in indonesian
    assert "1,8 bulan gaji" in indonesian and "perkiraan" in indonesian
    english = render(result, Translator().for_locale("en"))
    assert "IDR" in english and "2,151,661" in english


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25 juta bunga 30% setahun 12 bulan", {"loan": 25_000_000, "rate": 30, "months": 12}),
        ("pinjam 10jt bunga 10% sebulan 2 tahun", {"loan": 10_000_000, "rate": 120, "months": 24}),
        ("20 juta", {"loan": 20_000_000}),
    ],
)
def test_loan_answer_is_read(text: str, expected: dict) -> None:
    assert read_loan(text) == expected


def test_cost_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["cost", "--country", "taiwan", "--job", "pabrik", "--asked", "25000000"]
    argv += ["--loan", "25000000", "--rate", "30", "--months", "12", "--json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kur"]["total"] == 25_819_929 and data["informal"]["total"] == 32_500_000
    assert data["wage"]["approximate"] is True


def test_offer_check_command_prints_facts_flags_and_verdict(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = "Sponsor bilang gaji 15 juta, tanpa pelatihan, berangkat 2 minggu, visa kunjungan dulu"
    assert main(["offer-check", text, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"facts", "flags", "verdict"}
    assert data["verdict"] == "red"
    assert {"code", "text", "source"} == set(data["flags"][0])
    assert "visa_bukan_kerja" in {flag["code"] for flag in data["flags"]}
