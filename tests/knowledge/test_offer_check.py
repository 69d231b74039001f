"""The offer check: the labelled table of offers, and the extraction each rule depends on."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from knowledge.loader import load_topics
from knowledge.offer_check import check_offer, extract, looks_like_offer
from knowledge.offer_rules import RULES

TABLE = Path(__file__).resolve().parent.parent / "data" / "offers.jsonl"
CODES = Path(__file__).resolve().parent.parent / "data" / "offer_codes.md"
OFFERS = [json.loads(line) for line in TABLE.read_text(encoding="utf-8").splitlines() if line]


def _found(offer: dict) -> set[str]:
    return {flag.code for flag in check_offer(offer["text"]).flags}


def test_table_has_forty_offers_with_legal_english_and_javanese_ones() -> None:
    assert len(OFFERS) >= 40
    assert sum(offer["legal"] for offer in OFFERS) >= 8
    assert {offer["lang"] for offer in OFFERS} == {"id", "en", "jv"}


def test_table_uses_only_the_defined_codes_and_they_match_the_rules() -> None:
    documented = set(re.findall(r"^\| (\w+) \| (?:red|amber) \|", CODES.read_text(), re.M))
    assert documented == set(RULES)
    for offer in OFFERS:
        assert set(offer["flags"]) <= documented, offer["id"]


@pytest.mark.parametrize("offer", OFFERS, ids=lambda offer: offer["id"])
def test_offer_gets_its_labelled_verdict(offer: dict) -> None:
    assert check_offer(offer["text"]).verdict == offer["verdict"]


def test_legal_offers_are_never_red_and_get_no_flag() -> None:
    for offer in (offer for offer in OFFERS if offer["legal"]):
        check = check_offer(offer["text"])
        assert check.verdict != "red", offer["id"]
        assert not check.flags, (offer["id"], [flag.code for flag in check.flags])


def test_flags_found_against_expected_on_the_table() -> None:
    expected = sum(len(offer["flags"]) for offer in OFFERS)
    found = sum(len(_found(offer) & set(offer["flags"])) for offer in OFFERS)
    extra = sum(len(_found(offer) - set(offer["flags"])) for offer in OFFERS)
    assert found / expected >= 0.95
    assert extra <= 0.05 * expected


def test_every_flag_names_its_rule_in_one_line_and_a_facts_section() -> None:
    for rule in RULES.values():
        assert "\n" not in rule.text and len(rule.text) < 200
        assert re.search(r"facts \d", rule.source), rule.code


def test_fee_and_pay_are_told_apart_in_one_sentence() -> None:
    facts = extract("Kerja pabrik Taiwan, biaya proses 45 juta bisa potong gaji, gaji NT$28.590")
    assert facts.fee == 45_000_000
    assert (facts.pay.amount, facts.pay.currency) == (28_590, "TWD")


def test_javanese_amounts_and_numbers_are_read() -> None:
    facts = extract("Anakku umure 17, budhal rong minggu maneh, biayane 30 yuta")
    assert facts.age == 17
    assert facts.departure_days == 14
    assert facts.fee == 30_000_000


def test_a_required_age_range_is_not_the_candidates_age() -> None:
    assert extract("Syarat usia 18-39 tahun, pendidikan minimal SLTP").age is None


def test_free_placement_is_not_a_fee() -> None:
    facts = extract("Biaya gratis malah dapat DP 3 juta")
    assert facts.fee is None and facts.fee_free


def test_a_loan_rate_per_month_is_compared_per_year() -> None:
    facts = extract("pinjam ke rentenir 20 juta, bunganya 10% sebulan")
    assert facts.loan.amount == 20_000_000 and facts.loan.rate_per_year == 120


def test_taiwan_caregiver_fee_within_the_cost_structure_is_not_flagged() -> None:
    codes = _found({"text": "PT Maju caregiver Taiwan biaya 15 juta, visa kerja, pelatihan BLK"})
    assert "biaya_melebihi_taiwan" not in codes
    codes = _found({"text": "PT Maju caregiver Taiwan biaya 25 juta, visa kerja, pelatihan BLK"})
    assert "biaya_melebihi_taiwan" in codes


@pytest.mark.parametrize(
    "question",
    [
        "berapa biaya kerja ke Taiwan?",
        "Apa syarat kerja di Jepang lewat jalur resmi dan berapa lama prosesnya ya kak?",
        "Saya mau tanya soal KUR PMI, bunganya berapa dan bisa pinjam sampai berapa juta ya?",
        "anak saya sudah 3 bulan tidak ada kabar dari Malaysia, majikannya tidak bisa dihubungi",
    ],
)
def test_ordinary_questions_do_not_look_like_offers(question: str) -> None:
    assert not looks_like_offer(question)


def test_most_adverts_and_told_offers_look_like_offers() -> None:
    offers = [offer["text"] for offer in OFFERS if not offer["legal"]]
    assert sum(looks_like_offer(text) for text in offers) >= 0.8 * len(offers)


def test_the_issues_advert_and_story_look_like_offers() -> None:
    by_id = {offer["id"]: offer["text"] for offer in OFFERS}
    assert looks_like_offer(by_id["o01"])  # forwarded advert
    assert looks_like_offer(by_id["o23"])  # a sponsor's promise told as a story


def test_no_example_question_of_the_knowledge_base_looks_like_an_offer() -> None:
    questions = [example for topic in load_topics() for example in topic.examples]
    assert len(questions) > 1000
    assert [q for q in questions if looks_like_offer(q)] == []


def test_a_pay_range_in_capitals_gives_its_lower_bound() -> None:
    assert extract("Gaji 15-20 JUTA/bulan!! Tanpa pengalaman").pay.amount == 15_000_000


def test_caring_for_a_grandparent_is_caregiver_work_and_mr_is_a_person() -> None:
    assert extract("kerja di Taiwan jaga nenek, biaya 3jt").job == "caregiver"
    assert extract("Lowongan Polandia, hub Mr. John").recruiter == "person"
