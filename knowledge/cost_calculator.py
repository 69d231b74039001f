"""Cost and debt calculator: what may lawfully be charged against what is asked, and a loan's price.

Lawful figures come from facts.md through ``offer_rules``; where facts.md has no figure the result
says so instead of guessing. A loan is priced twice: as KUR PMI (6% a year effective, repaid in
equal monthly instalments) and at the rate the lender quoted, charged flat on the principal as
informal lenders quote it. Months of wages use the destination's wage from facts.md, converted at
the only NT$-to-rupiah ratio the fact sheet gives, and are always labelled approximate.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from knowledge.offer_check import extract
from knowledge.offer_rules import (
    DOMESTIC_JOBS,
    EPS_TOPIK_FEE_RUPIAH,
    KUR_PMI_MAX_MONTHS,
    KUR_PMI_MAX_RUPIAH,
    KUR_PMI_RATE,
    RUPIAH_PER_TWD,
    TAIWAN_DOMESTIC_CAP_RUPIAH,
    TAIWAN_DOMESTIC_CAP_TWD,
    TAIWAN_DOMESTIC_MIN_TWD,
    TAIWAN_FORMAL_MIN_TWD,
    ZERO_COST_JOBS,
    taiwan_domestic_cap_rupiah,
)


@dataclass(frozen=True, slots=True)
class Lawful:
    """What the rules allow to be charged to the worker."""

    rule: str  # "bebas_biaya", "taiwan_domestik", "eps_korea", "tidak_ada_angka"
    max_rupiah: int | None
    source: str


@dataclass(frozen=True, slots=True)
class Repayment:
    """One way of repaying a loan."""

    rate_per_year: float
    monthly: int
    total: int
    interest: int
    months_of_wages: float | None


@dataclass(frozen=True, slots=True)
class Wage:
    """A monthly wage from facts.md in its own currency and, roughly, in rupiah."""

    amount: int
    currency: str
    rupiah: int
    basis: str
    approximate: bool = True


@dataclass(frozen=True, slots=True)
class CostResult:
    """The calculator's answer."""

    country: str | None
    job: str | None
    lawful: Lawful
    asked: int | None
    excess: int | None
    loan: int | None
    months: int | None
    kur: Repayment | None
    informal: Repayment | None
    wage: Wage | None
    notes: list[str]

    def to_json(self) -> dict[str, Any]:
        """Return the result as JSON-able data."""
        return asdict(self)


def lawful_charge(country: str | None, job: str | None) -> Lawful:
    """Return what may be charged for a country and job, by the rules in facts.md."""
    if country == "Taiwan" and job in DOMESTIC_JOBS:
        return Lawful(
            "taiwan_domestik", taiwan_domestic_cap_rupiah(), "Kepka BP2MI 50/2023 (facts 8.5)"
        )
    if job in ZERO_COST_JOBS:
        return Lawful("bebas_biaya", 0, "Perban BP2MI 9/2020; UU 18/2017 Pasal 30 (facts 2)")
    if country == "Korea Selatan":
        return Lawful("eps_korea", EPS_TOPIK_FEE_RUPIAH, "EPS-TOPIK 2025, USD 28 (facts 8.2)")
    return Lawful("tidak_ada_angka", None, "UU 18/2017 Pasal 30; Permen P2MI 17/2025 (facts 1.5)")


def wage_for(country: str | None, job: str | None) -> Wage | None:
    """Return the destination's monthly wage from facts.md, or None where it gives none."""
    if country != "Taiwan":
        return None
    if job in DOMESTIC_JOBS:
        amount, basis = TAIWAN_DOMESTIC_MIN_TWD, "upah minimum PRT/caregiver Taiwan (facts 8.5)"
    else:
        amount, basis = TAIWAN_FORMAL_MIN_TWD, "upah minimum sektor formal Taiwan 2023 (facts 8.5)"
    return Wage(amount, "TWD", round(amount * RUPIAH_PER_TWD), basis)


def kur_repayment(principal: int, months: int, wage: int | None = None) -> Repayment:
    """Return KUR PMI repayment: equal monthly instalments at 6% a year effective."""
    rate = KUR_PMI_RATE / 100 / 12
    monthly = principal * rate / (1 - (1 + rate) ** -months)
    total = round(monthly * months)
    return Repayment(
        KUR_PMI_RATE, round(monthly), total, total - principal, _months_of(total, wage)
    )


def flat_repayment(
    principal: int, rate_per_year: float, months: int, wage: int | None = None
) -> Repayment:
    """Return repayment with interest charged flat on the whole principal for every month."""
    interest = round(principal * rate_per_year / 100 * months / 12)
    total = principal + interest
    return Repayment(rate_per_year, round(total / months), total, interest, _months_of(total, wage))


def _months_of(total: int, wage: int | None) -> float | None:
    """Return how many months of wages a sum takes, to one decimal."""
    return round(total / wage, 1) if wage else None


def calculate(
    country: str | None = None,
    job: str | None = None,
    asked: int | None = None,
    loan: int | None = None,
    rate: float | None = None,
    months: int | None = None,
    rate_per_month: bool = False,
    wage_rupiah: int | None = None,
) -> CostResult:
    """Compare what is asked with what is lawful, and price a loan two ways."""
    facts = extract(" ".join(filter(None, [country, job])))
    country_name, job_code = facts.destination, facts.job
    lawful = lawful_charge(country_name, job_code)
    excess = None
    if asked is not None and lawful.max_rupiah is not None:
        excess = max(0, asked - lawful.max_rupiah)
    wage = wage_for(country_name, job_code)
    monthly_wage = wage_rupiah or (wage.rupiah if wage else None)
    notes: list[str] = []
    kur = informal = None
    if loan and months:
        kur = kur_repayment(loan, months, monthly_wage)
        if rate is not None:
            yearly = rate * 12 if rate_per_month else rate
            informal = flat_repayment(loan, yearly, months, monthly_wage)
        if loan > KUR_PMI_MAX_RUPIAH:
            notes.append("kur_plafon")
        if months > KUR_PMI_MAX_MONTHS:
            notes.append("kur_tenor")
    if country_name == "Taiwan" and job_code not in DOMESTIC_JOBS:
        notes.append("taiwan_formal")
    return CostResult(
        country_name,
        job_code,
        lawful,
        asked,
        excess,
        loan,
        months,
        kur,
        informal,
        wage,
        notes,
    )


__all__ = [
    "TAIWAN_DOMESTIC_CAP_RUPIAH",
    "TAIWAN_DOMESTIC_CAP_TWD",
    "CostResult",
    "Lawful",
    "Repayment",
    "Wage",
    "calculate",
    "flat_repayment",
    "kur_repayment",
    "lawful_charge",
    "wage_for",
]
