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


@pytest.mark.parametrize(
    "question",
    [
        "mau ajukan kur buat modal warung kelontong di rumah",
        "bikin paspor buat liburan keluarga ke thailand",
        "cari yayasan penyalur pembantu rumah tangga buat di jakarta",
    ],
)
def test_near_misses_sharing_migration_words_are_declined(
    knowledge: KnowledgeBase, question: str
) -> None:
    assert knowledge.rank(question).topic_id is None


def test_a_second_concern_in_the_same_message_is_found(knowledge: KnowledgeBase) -> None:
    ranking = knowledge.rank(
        "paspor anak saya ditahan agen dan sudah sebulan dia tidak bisa dihubungi"
    )
    found = {ranking.topic_id, ranking.second_topic}
    assert found == {"tppo.dokumen_ditahan", "keluarga.hilang_kontak"}, ranking.candidates


def test_a_single_concern_offers_no_second_topic(knowledge: KnowledgeBase) -> None:
    assert knowledge.rank("umur brp boleh jd tkw").second_topic is None


@pytest.mark.parametrize("mode", ["ensemble", "classifier", "lexical"])
def test_every_ranking_mode_answers_a_plain_question(knowledge: KnowledgeBase, mode: str) -> None:
    from knowledge.loader import load_out_of_scope
    from knowledge.retriever import Retriever

    retriever = Retriever(
        knowledge.topics.values(),
        out_of_scope=load_out_of_scope(),
        mode=mode,  # type: ignore[arg-type]
    )
    assert retriever.rank("paspor sy ditahan agensi gmn").topic_id == "tppo.dokumen_ditahan"


def test_softening_flattens_the_classifier_but_keeps_its_order() -> None:
    import numpy as np

    from knowledge.retriever import soften

    probability = np.array([0.9, 0.08, 0.02])
    softened = soften(probability, 1.5)
    assert softened.sum() == pytest.approx(1.0)
    assert list(np.argsort(-softened)) == [0, 1, 2]
    # The winner keeps less of the mass, so the lexical ranker can overturn a confident slip.
    assert softened[0] < probability[0]
    assert softened[2] > probability[2]
    assert soften(probability, 1.0) is probability


def test_the_ensemble_adds_the_weighted_lexical_ranker_to_the_softened_classifier(
    knowledge: KnowledgeBase,
) -> None:
    from knowledge.retriever import CLASSIFIER_TEMPERATURE, LEXICAL_WEIGHT, soften

    retriever = knowledge.retriever
    text = "mau ke hongkong jadi prt, kantornya minta uang pelatihan 12 juta"
    probability = retriever.classifier.probabilities(text)[retriever._order]
    lexical = retriever.lexical.scores(text) / 100
    softened = soften(probability, CLASSIFIER_TEMPERATURE)
    expected = 100 * (softened + LEXICAL_WEIGHT * lexical) / (1 + LEXICAL_WEIGHT)
    assert retriever.scores(text) == pytest.approx(expected)


def test_a_weak_runner_up_is_not_offered_as_a_second_topic() -> None:
    from knowledge.ranking import SECOND_TOPIC_MIN, Ranking

    owners = ["prosedur.biaya", "negara.taiwan", "tppo.calo"]
    # Above the answer threshold and a fair share of the best, but under the floor.
    weak = Ranking.from_scores(owners, [40.0, SECOND_TOPIC_MIN - 1, 5.0], threshold=10.0)
    assert weak.second_topic is None
    strong = Ranking.from_scores(owners, [40.0, SECOND_TOPIC_MIN + 1, 5.0], threshold=10.0)
    assert strong.second_topic == "negara.taiwan"


def test_typo_correction_searches_only_words_long_enough_and_finds_what_the_whole_list_finds(
    knowledge: KnowledgeBase,
) -> None:
    from rapidfuzz import fuzz, process

    from knowledge.lexical_ranker import TYPO_CUTOFF

    lexical = knowledge.retriever.lexical
    vocabulary = lexical._vocabulary
    words = [
        "pasprot",
        "majkan",
        "gajih",
        "kaangguy",
        "ngladeni",
        "pangmurahna",
        "kacilakaan",
        "penampungn",
        "rentenirr",
        "bpjss",
        "dokumenn",
        "tki",
        "perjanjiaan",
        "sertifikt",
        "keberangkatn",
        "imigrasii",
        "xyzzyq",
        "a" * 40,
    ]
    for word in words:
        whole = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        reached = lexical._candidates(len(word))
        assert len(reached) < len(vocabulary)  # the point: fewer words to scan
        within = process.extractOne(word, reached, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        assert within == (whole if whole is None else (whole[0], whole[1], reached.index(whole[0])))
