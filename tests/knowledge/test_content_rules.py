"""Issue 12's content rules: phone-sized answers, acronyms spelled out, "Anda", safe
official sources, dated claims with a review date, and the stale-answer note."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.i18n import Translator
from handlers.answer import topic_message
from knowledge.base import KnowledgeBase
from knowledge.content_rules import is_official_host, is_staging_url, load_glossary
from knowledge.loader import (
    GLOSSARY_PATH,
    KnowledgeError,
    check_topics,
    due_facts,
    load_topics,
)
from knowledge.model import ANSWER_MAX_CHARS, MORE_MAX_CHARS

OFFICIAL = {
    "title": {"id": "UU No. 18 Tahun 2017", "en": "Law No. 18 of 2017"},
    "url": "https://pasal.id/peraturan/uu/uu-no-18-tahun-2017",
    "official": True,
}


def _entry(topic_id: str = "tppo.calo", **overrides: object) -> dict:
    category = topic_id.split(".")[0]
    entry = {
        "id": topic_id,
        "category": category,
        "title": {"id": "Judul", "en": "Title"},
        "answer": {"id": "Jawaban singkat untuk Anda.", "en": "Short answer."},
        "examples": [f"contoh pertanyaan {topic_id} {n}" for n in range(12)],
        "related": [],
        "sources": [OFFICIAL],
        "reviewed": "2026-11-30",
    }
    entry.update(overrides)
    return entry


def _check(tmp_path: Path, entry: dict) -> tuple[list, list[str]]:
    category, name = entry["id"].split(".", 1)
    folder = tmp_path / "content" / category
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(entry, allow_unicode=True))
    topics, problems = check_topics(tmp_path / "content", spec_path=None)
    return topics, [str(problem) for problem in problems]


def _rule_problems(tmp_path: Path, entry: dict, rule: str) -> list[str]:
    _check(tmp_path, entry)
    _, problems = check_topics(tmp_path / "content", spec_path=None)
    return [str(problem) for problem in problems if problem.rule == rule]


def test_a_clean_entry_has_no_problem(tmp_path: Path) -> None:
    topics, problems = _check(tmp_path, _entry())
    assert problems == [] and topics[0].sources[0].official


def test_answer_and_more_lengths_are_phone_sized(tmp_path: Path) -> None:
    assert ANSWER_MAX_CHARS == 500 and MORE_MAX_CHARS == 1500
    entry = _entry(answer={"id": "a" * 501, "en": "ok"}, more={"id": "ok", "en": "b" * 1501})
    problems = _rule_problems(tmp_path, entry, "length")
    assert any("answer.id: 501 characters, limit is 500" in p for p in problems)
    assert any("more.en: 1501 characters, limit is 1500" in p for p in problems)


def test_acronym_must_be_spelled_out_at_first_use(tmp_path: Path) -> None:
    entry = _entry(
        answer={"id": "Tanya ke BP3MI atau KP2MI.", "en": "Ask the LTSA."},
        more={"id": "Daftar di SISKOP2MI.", "en": "Ask Disnaker or a P3MI."},
    )
    problems = _rule_problems(tmp_path, entry, "acronym")
    for field, acronym in [
        ("answer.id", "BP3MI"),
        ("answer.id", "KP2MI"),
        ("answer.en", "LTSA"),
        ("more.id", "SISKOP2MI"),
        ("more.en", "Disnaker"),
        ("more.en", "P3MI"),
    ]:
        assert any(f"{field}: spell out {acronym} " in p for p in problems), (field, acronym)


def test_acronym_spelled_out_either_way_passes_and_later_uses_are_free(tmp_path: Path) -> None:
    entry = _entry(
        answer={
            "id": "Hubungi KP2MI (Kementerian Pelindungan Pekerja Migran Indonesia). "
            "Balai Pelayanan Pelindungan PMI (BP3MI) juga bisa. Lalu KP2MI lagi.",
            "en": "Call the Ministry for the Protection of Indonesian Migrant Workers (KP2MI). "
            "KP2MI again.",
        },
    )
    assert _rule_problems(tmp_path, entry, "acronym") == []


def test_p3mi_inside_bp3mi_or_sip3mi_is_not_a_use_of_p3mi(tmp_path: Path) -> None:
    entry = _entry(
        answer={
            "id": "Izin SIP3MI. BP3MI (Balai Pelayanan Pelindungan PMI) membantu.",
            "en": "The SIP3MI licence.",
        }
    )
    assert _rule_problems(tmp_path, entry, "acronym") == []


def test_every_glossary_expansion_names_its_facts_section() -> None:
    glossary = load_glossary(GLOSSARY_PATH)
    assert {entry.acronym for entry in glossary} == {
        "KP2MI",
        "BP3MI",
        "P3MI",
        "SISKOP2MI",
        "LTSA",
        "Disnaker",
    }
    assert all("facts.md" in entry.source for entry in glossary)


@pytest.mark.parametrize("word", ["kamu", "Kau", "lu"])
def test_indonesian_answers_use_anda(tmp_path: Path, word: str) -> None:
    entry = _entry(answer={"id": f"Kalau {word} ragu, tanya petugas.", "en": "Ask."})
    problems = _rule_problems(tmp_path, entry, "anda")
    assert any(f"answer.id: use 'Anda', not {word.lower()!r}" in p for p in problems)


def test_a_source_title_needs_both_languages_and_english_users_see_english(
    tmp_path: Path,
) -> None:
    old_form = _entry(sources=[{**OFFICIAL, "title": "UU No. 18 Tahun 2017"}])
    assert _rule_problems(tmp_path, old_form, "source-title")
    topics, _ = _check(tmp_path, _entry())
    assert topics[0].sources_line("en") == "Law No. 18 of 2017"
    assert topics[0].sources_line("id") == "UU No. 18 Tahun 2017"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.investortrust-uat.site/national/64331/x",
        "http://ohayo-staging-k8s.kompas.com/read/4868/x",
        "https://uat.example.com/a",
        "https://news.uat.example.com/a",
    ],
)
def test_staging_and_test_sites_are_refused(tmp_path: Path, url: str) -> None:
    assert is_staging_url(url)
    news = {"title": {"id": "Berita", "en": "News"}, "url": url}
    problems = _rule_problems(tmp_path, _entry(sources=[OFFICIAL, news]), "staging-url")
    assert any(f"sources[1].url: staging or test site: {url}" in p for p in problems)


def test_a_real_news_site_is_not_staging() -> None:
    assert not is_staging_url("https://money.kompas.com/read/2022/03/07/cek-syarat")
    assert not is_staging_url("https://www.detik.com/sumut/berita/d-7220951/quantum")


def test_each_file_needs_an_official_source_or_a_reason(tmp_path: Path) -> None:
    news = {"title": {"id": "Berita", "en": "News"}, "url": "https://detik.com/x"}
    problems = _rule_problems(tmp_path, _entry(sources=[news]), "official-source")
    assert any("no source marked official" in p for p in problems)
    excused = _entry(sources=[news], no_official_source="facts.md has only news for this")
    assert _rule_problems(tmp_path, excused, "official-source") == []


def test_official_needs_a_government_or_law_text_link(tmp_path: Path) -> None:
    assert is_official_host("https://kp2mi.go.id/index.php/berita-detail/x")
    assert is_official_host("https://www.scdf.gov.sg/home/about-us")
    assert is_official_host("https://basishukum.com/pp/59/2021/III")
    assert not is_official_host("https://www.gov-news.example.com/x")
    posing = {"title": {"id": "Berita", "en": "News"}, "url": "https://detik.com/x"}
    problems = _rule_problems(
        tmp_path, _entry(sources=[{**posing, "official": True}]), "official-source"
    )
    assert any("sources[0].official: official sources need" in p for p in problems)


def _fact(review_by: str, office: str = "KP2MI 0800-1000") -> dict:
    return {
        "claim": "Gaji minimum HK$5.100 (2025)",
        "review_by": review_by,
        "check_with": {"id": office, "en": office},
    }


def test_a_fact_needs_a_claim_a_review_date_and_whom_to_ask(tmp_path: Path) -> None:
    entry = _entry(facts=[{"claim": "", "review_by": "next year", "check_with": "KP2MI"}])
    _, problems = _check(tmp_path, entry)
    assert "content/tppo/calo.yaml: facts[0].claim: missing or empty" in problems
    assert "content/tppo/calo.yaml: facts[0].review_by: must be a date YYYY-MM-DD" in problems
    assert any("facts[0].check_with: must map" in p for p in problems)


def test_due_facts_lists_claims_due_by_a_date(tmp_path: Path) -> None:
    topics, _ = _check(tmp_path, _entry(facts=[_fact("2027-09-01"), _fact("2026-12-01")]))
    assert [fact.review_by for _, fact in due_facts(topics, dt.date(2027, 9, 1))] == [
        dt.date(2026, 12, 1),
        dt.date(2027, 9, 1),
    ]
    assert due_facts(topics, dt.date(2026, 11, 30)) == []


def test_stale_note_appears_only_after_review_by(tmp_path: Path) -> None:
    _check(tmp_path, _entry(facts=[_fact("2027-09-01", "KJRI Hong Kong")]))
    [topic] = load_topics(tmp_path / "content", spec_path=None)
    assert topic.stale_note(dt.date(2027, 9, 1), "id") is None
    assert (
        topic.stale_note(dt.date(2027, 9, 2), "id")
        == "Informasi ini mungkin sudah berubah; cek ke KJRI Hong Kong."
    )
    assert topic.stale_note(dt.date(2027, 9, 2), "en") == (
        "This information may have changed; check with KJRI Hong Kong."
    )
    assert topic.answer_with_note("id", dt.date(2027, 9, 2)).endswith("cek ke KJRI Hong Kong.")
    assert topic.answer_with_note("id", dt.date(2027, 9, 1)) == topic.answer["id"]


def test_the_answer_message_carries_the_stale_note(tmp_path: Path) -> None:
    _check(tmp_path, _entry(facts=[_fact("2000-01-01", "KJRI Hong Kong")]))
    knowledge = KnowledgeBase.load(tmp_path / "content", spec_path=None)
    i18n = Translator().for_locale("id")
    text = topic_message(knowledge.topics["tppo.calo"], knowledge, i18n).text
    assert "Informasi ini mungkin sudah berubah; cek ke KJRI Hong Kong." in text


def test_kb_check_due_lists_claims_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "check", "--due", "2000-01-01"]) == 0
    assert capsys.readouterr().out.strip() == "0 claim(s) due for review by 2000-01-01"
    assert main(["kb", "check", "--due", "2100-01-01"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].endswith("claim(s) due for review by 2100-01-01")
    assert len(lines) > 1 and all(": review_by " in line for line in lines[:-1])


REWRITTEN_CATEGORIES = ("negara", "remitansi", "layanan", "keluarga", "purna")
# Issue 12's new pages; the Gulf, Cambodia/Myanmar/Thailand and family-remittance pages now
# live in the spec topics they were folded into.
NEW_TOPICS = (
    "negara.singapura",
    "negara.brunei",
    "negara.timur_tengah",
    "tppo.kerja_online_scam",
    "remitansi.kirim_aman",
)


def test_the_shipped_knowledge_base_passes_every_rule() -> None:
    _, problems = check_topics()
    assert [str(problem) for problem in problems] == []


@pytest.mark.parametrize(
    ("rule", "overrides"),
    [
        ("length", {"answer": {"id": "a" * 501, "en": "ok"}}),
        ("acronym", {"answer": {"id": "Tanya ke KP2MI.", "en": "ok"}}),
        ("anda", {"answer": {"id": "Kalau kamu ragu, tanya.", "en": "ok"}}),
        ("source-title", {"sources": [{**OFFICIAL, "title": "UU No. 18 Tahun 2017"}]}),
        ("official-source", {"sources": [{**OFFICIAL, "official": False}]}),
        (
            "staging-url",
            {
                "sources": [
                    OFFICIAL,
                    {"title": {"id": "a", "en": "b"}, "url": "https://x-uat.site/a"},
                ]
            },
        ),
    ],
)
def test_every_content_rule_stops_the_knowledge_base_loading(
    tmp_path: Path, rule: str, overrides: dict
) -> None:
    _check(tmp_path, _entry(**overrides))
    with pytest.raises(KnowledgeError) as caught:
        load_topics(tmp_path / "content", spec_path=None)
    assert [problem.rule for problem in caught.value.problems] == [rule]


def test_new_topics_have_enough_examples_in_both_languages(knowledge: KnowledgeBase) -> None:
    for topic_id in NEW_TOPICS:
        topic = knowledge.topics[topic_id]
        assert len(topic.examples) >= 20 and len(topic.examples_en) >= 5, topic_id


def test_country_answers_end_with_the_next_step(knowledge: KnowledgeBase) -> None:
    for topic in knowledge.topics.values():
        if topic.category in REWRITTEN_CATEGORIES:
            assert topic.answer["id"].splitlines()[-1].startswith("Langkah berikutnya:"), topic.id
            assert topic.answer["en"].splitlines()[-1].startswith("Next step:"), topic.id
