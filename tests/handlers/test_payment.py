"""Reading the amount paid: a total beats a down payment, conflicts and bare numbers are asked."""

from __future__ import annotations

from handlers.payment import Payment, read_payment


def test_total_beats_down_payment_and_keeps_it_in_the_note() -> None:
    assert read_payment("udah dp 5jt, total 25 juta") == Payment(
        amount=25_000_000, note="DP Rp5.000.000"
    )
    assert read_payment("dp 5jt total 25jt").amount == 25_000_000


def test_two_unlabelled_amounts_are_a_question() -> None:
    payment = read_payment("udah bayar 3 juta terus 2 juta lagi")
    assert payment.amount is None
    assert payment.choices == [3_000_000, 2_000_000, 5_000_000]


def test_two_totals_are_a_question() -> None:
    assert read_payment("total 10jt, total 12jt").choices == [10_000_000, 12_000_000]


def test_a_bare_number_is_a_guess_to_confirm() -> None:
    assert read_payment("2") == Payment(choices=[2_000_000])
    assert read_payment("2,5").choices == [2_500_000]


def test_a_plain_amount_is_taken() -> None:
    assert read_payment("Rp 35.000.000") == Payment(amount=35_000_000)
    assert read_payment("udah bayar 2jtan").amount == 2_000_000
    assert read_payment("belum tau") == Payment()
