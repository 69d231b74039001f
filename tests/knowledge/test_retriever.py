"""The retriever ranks topics from informal questions and abstains when unsure."""

from __future__ import annotations

import pytest

from knowledge.base import KnowledgeBase


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("umur brp boleh jd tkw", "prosedur.syarat_umur"),
        ("paspor sy ditahan agensi gmn", "tppo.dokumen_ditahan"),
        ("pasport sy dipegang majikn", "tppo.dokumen_ditahan"),  # typos
        ("cara cek pinjol resmi", "utang.pinjol_ilegal"),
        ("lowongan admin di kamboja gaji gede", "tppo.kerja_online_scam"),
        ("EPS TOPIK daftarnya dimana", "negara.korea"),
    ],
)
def test_informal_questions_find_their_topic(
    knowledge: KnowledgeBase, question: str, topic: str
) -> None:
    ranking = knowledge.rank(question)
    assert ranking.topic_id == topic, ranking.candidates


@pytest.mark.parametrize(
    "question", ["resep nasi goreng", "jadwal bola malam ini", "asdfghjkl", "ok"]
)
def test_out_of_scope_questions_abstain(knowledge: KnowledgeBase, question: str) -> None:
    ranking = knowledge.rank(question)
    assert ranking.topic_id is None
    assert not ranking.confident


def test_ranking_offers_three_suggestions(knowledge: KnowledgeBase) -> None:
    ranking = knowledge.rank("kerja ke luar negeri")
    assert len(ranking.suggestions(3)) == 3
    assert ranking.candidates == tuple(sorted(ranking.candidates, key=lambda m: -m.score))


@pytest.mark.parametrize(
    "question",
    ["kurs dolar hari ini brp", "paket umroh murah bulan depan", "cara bikin ktp baru"],
)
def test_near_misses_lose_to_the_out_of_scope_group(
    knowledge: KnowledgeBase, question: str
) -> None:
    # These share words with in-scope topics (kurs, umrah, bikin); the out-of-scope
    # examples must win so the bot abstains instead of answering the wrong question.
    assert knowledge.rank(question).topic_id is None


def test_stemmer_does_not_cut_short_words_into_other_words(knowledge: KnowledgeBase) -> None:
    stem = knowledge.retriever.lexical._stem
    assert stem("makan") == "makan"
    assert stem("kelas") == "kelas"
