"""The fast scoring paths give the same answers as the reference paths on every labelled line.

The fast paths (numpy scorers for the two classifiers, the gathered-postings cosine of the
lexical ranker, the partial sort of the ranking) exist only for speed: on every line of the
dev set and the triage corpus, the topics, the scores (within 1e-6 on
a 0-1 scale), abstention and the safety outcome must equal the reference computation's.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from knowledge import safety
from knowledge.base import KnowledgeBase
from knowledge.ranking import OUT_OF_SCOPE, Match, Ranking

ROOT = Path(__file__).resolve().parents[2]
FILES = [
    ROOT.parent / "shared" / "eval" / "dev.jsonl",
    *sorted((ROOT / "knowledge" / "triage").glob("*.jsonl")),
]
# Two owners whose reference scores are this close (0-100 scale) may come out in either order.
NEAR_TIE = 1e-4
EDGE_CASES = ["", "a" * 2000, "🙏🙏😭", "ما هذا", "你好 paspor", "2", "ya ya ya ya ya ya"]


def _texts() -> list[str]:
    texts = list(EDGE_CASES)
    for path in FILES:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                item = json.loads(line) if line.strip() else None
                if isinstance(item, dict) and isinstance(item.get("text"), str):
                    texts.append(item["text"])
    return texts


TEXTS = _texts()


def _reference_ranking(owners: list[str], scores: np.ndarray, threshold: float) -> Ranking:
    """Rank as the original implementation did: a full sort of every owner."""
    ranked = sorted(
        zip(owners, (float(score) for score in scores), strict=True),
        key=lambda item: item[1],
        reverse=True,
    )
    declined = bool(ranked) and ranked[0][0] == OUT_OF_SCOPE
    matches = tuple(
        Match(owner, round(min(score, threshold - 0.01) if declined else score, 2))
        for owner, score in ranked
        if owner != OUT_OF_SCOPE
    )[:5]
    return Ranking(matches, threshold, declined)


def _assert_same_order_up_to_near_ties(fast: Ranking, reference: dict[str, float]) -> None:
    """The fast candidates are the reference's best, in its order, except that two owners whose
    reference scores are a float32 rounding apart (1e-4 on the 0-100 scale) may swap."""
    shown = [match.topic_id for match in fast.candidates]
    for better, worse in itertools.pairwise(shown):
        assert reference[better] >= reference[worse] - NEAR_TIE, (better, worse)
    left_out = [o for o in reference if o not in shown and o != OUT_OF_SCOPE]
    assert all(reference[o] <= reference[shown[-1]] + NEAR_TIE for o in left_out)


def test_the_sets_are_read() -> None:
    assert len(TEXTS) > 5000


def test_topic_probabilities_match_scikit_learn_on_every_line(knowledge: KnowledgeBase) -> None:
    # scikit-learn sums float32 sparse products in another order: about 2e-6 apart.
    classifier = knowledge.retriever.classifier
    reference = classifier.reference_table(TEXTS)
    fast = np.array([classifier.probabilities(text) for text in TEXTS])
    assert np.abs(fast - reference).max() < 1e-5


def test_rankings_match_the_reference_path_on_every_line(knowledge: KnowledgeBase) -> None:
    retriever = knowledge.retriever
    for text in TEXTS:
        probabilities = retriever.classifier.probabilities(text)
        reference_probabilities = retriever.classifier.probabilities(text, reference=True)
        assert np.abs(probabilities - reference_probabilities).max() < 1e-6, text
        lexical = retriever.lexical.reference_scores(text)
        assert np.abs(retriever.lexical.scores(text) - lexical).max() / 100 < 1e-6, text
        scores = retriever.scores(text, reference=True)
        reference = _reference_ranking(retriever.owners, scores, retriever.threshold)
        fast = retriever.rank(text)
        assert fast.declined == reference.declined, text
        assert fast.topic_id == reference.topic_id, text
        assert fast.second_topic == reference.second_topic, text
        _assert_same_order_up_to_near_ties(fast, dict(zip(retriever.owners, scores, strict=True)))
        # The raw scores agree within 1e-6, but one a hair either side of x.xx5 (float32
        # sums in another order: 2.6650002 against 2.6649999) rounds to neighbouring
        # hundredths, so the rounded scores may differ by one step and no more.
        assert [m.score for m in fast.candidates] == pytest.approx(
            [m.score for m in reference.candidates], abs=0.0101
        ), text


def test_safety_outcomes_match_the_reference_paths_on_every_line(
    knowledge: KnowledgeBase,
) -> None:
    model = safety.classifier()
    texts = [text for text in TEXTS if text.strip()]
    learned = model.probabilities(texts)  # scikit-learn's own transform and predict_proba
    for text, expected in zip(texts, learned, strict=True):
        reading = safety.read(text)
        fast = model.probability(reading)
        reference = model.probability(reading, reference=True)
        assert fast == pytest.approx(reference, abs=1e-9), text
        assert fast == pytest.approx(float(expected), abs=1e-6), text
        assert safety.assess(text) == safety.decide(reference, reading), text


def test_the_lexicon_verdict_is_the_same_when_its_findings_are_passed_in() -> None:
    from knowledge.danger_lexicon import danger_kinds, rule_verdict
    from knowledge.normalize import normalize

    for text in TEXTS[:: max(1, len(TEXTS) // 1500)]:
        normalised = normalize(text)
        assert rule_verdict(normalised, danger_kinds(normalised)) == rule_verdict(normalised)


@pytest.mark.parametrize("sparse_from", [0, 10**12], ids=["scipy-always", "numpy-always"])
def test_both_ways_of_summing_postings_give_the_reference_scores(
    knowledge: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, sparse_from: int
) -> None:
    from knowledge import lexical_ranker

    monkeypatch.setattr(lexical_ranker, "SPARSE_FROM", sparse_from)
    lexical = knowledge.retriever.lexical
    for text in TEXTS[::10]:
        difference = np.abs(lexical.scores(text) - lexical.reference_scores(text)).max()
        assert difference / 100 < 1e-6, text
