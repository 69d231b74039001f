"""Issue 12's content findings in the prosedur, tppo, utang and hak answers stay fixed.

Each test pins one finding of the independent read against facts.md, so a later edit
that brings the old wording back fails here rather than in front of a worker.
"""

from __future__ import annotations

import pytest

from knowledge.loader import load_topics
from knowledge.model import Topic

OWN_CATEGORIES = ("prosedur", "tppo", "utang", "hak")


@pytest.fixture(scope="module")
def topics() -> dict[str, Topic]:
    return {topic.id: topic for topic in load_topics()}


def _all_text(topic: Topic, language: str) -> str:
    return topic.answer[language] + "\n" + topic.more.get(language, "")


@pytest.mark.parametrize(
    "topic_id",
    ["tppo.pemalsuan_data", "prosedur.syarat_umur", "prosedur.izin_keluarga", "prosedur.dokumen"],
)
def test_falsified_data_answers_call_the_worker_a_victim_who_should_report(
    topics: dict[str, Topic], topic_id: str
) -> None:
    text = _all_text(topics[topic_id], "id")
    assert "Anda adalah korban" in text
    assert "laporkan" in text.lower()
    english = _all_text(topics[topic_id], "en")
    assert "you are the victim" in english.lower()


def test_the_cost_answer_gives_hong_kong_and_taiwan_limits_in_rupiah(
    topics: dict[str, Topic],
) -> None:
    answer = topics["prosedur.biaya"].answer
    assert "Hong Kong" in answer["id"] and "Rp0" in answer["id"]
    assert "Rp9.622.000" in answer["id"] and "Rp25 juta" in answer["id"]
    assert "Rp9,622,000" in answer["en"] and "Rp25 million" in answer["en"]


def test_cooperatives_are_not_sent_to_the_financial_regulator(topics: dict[str, Topic]) -> None:
    for language in ("id", "en"):
        text = _all_text(topics["utang.koperasi"], language)
        assert "157" not in text and "OJK" not in text


def test_training_answer_names_blk_and_lpk(topics: dict[str, Topic]) -> None:
    answer = topics["prosedur.pelatihan"].answer["id"]
    assert "BLK (Balai Latihan Kerja)" in answer and "LPK (Lembaga Pelatihan Kerja)" in answer


def test_passport_answer_asks_disnaker_about_its_recommendation(topics: dict[str, Topic]) -> None:
    assert "rekomendasi" in topics["prosedur.paspor"].answer["id"]
    assert "recommendation" in topics["prosedur.paspor"].answer["en"]


def test_company_check_says_what_the_licence_is_and_where_to_check_it(
    topics: dict[str, Topic],
) -> None:
    text = _all_text(topics["prosedur.cek_perusahaan"], "id")
    assert "SIP3MI" in text and "siskop2mi.bp2mi.go.id/lowongan/list" in text
    assert "Seperti apa izinnya?" in text


def test_reporting_answer_covers_protection_of_the_person_reporting(
    topics: dict[str, Topic],
) -> None:
    more = topics["tppo.lapor"].more
    assert "pelapor" in more["id"] and "reporter" in more["en"]


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_minister_is_named_after_the_september_2025_change(
    topics: dict[str, Topic], language: str
) -> None:
    for topic in topics.values():
        if topic.category in OWN_CATEGORIES:
            text = _all_text(topic, language)
            assert "Karding" not in text and "Mukhtarudin" not in text, topic.id


def test_perban_9_2020_is_not_presented_as_the_newest_cost_rule(topics: dict[str, Topic]) -> None:
    for topic in topics.values():
        if topic.category in OWN_CATEGORIES and "9/2020" in _all_text(topic, "id"):
            assert "17/2025" in _all_text(topic, "id"), topic.id


def test_every_source_title_has_an_english_version(topics: dict[str, Topic]) -> None:
    for topic in topics.values():
        if topic.category in OWN_CATEGORIES:
            for source in topic.sources:
                assert source.title_en and source.title_en != source.title, topic.id
