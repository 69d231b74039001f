"""The numpy scorer gives the same probabilities as scikit-learn, only faster."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge import safety
from knowledge.base import KnowledgeBase

TEXTS = [
    "paspor sy ditahan majikan gmn",
    "tolong saya dikurung majikan di Riyadh, hp mau diambil",
    "resep rendang",
    "",
    "a" * 2000,
    "kula badhe nyambut damel dhateng Taiwan lewat jalur resmi",
    "my sister is locked in the house in Dubai",
    "mati ketawa aku wkwk",
    "🙏🙏😭",
]


@pytest.mark.parametrize("text", TEXTS)
def test_topic_probabilities_match_scikit_learn(knowledge: KnowledgeBase, text: str) -> None:
    classifier = knowledge.retriever.classifier
    fast = classifier.probabilities(text)
    reference = classifier.reference_probabilities(text)
    assert np.allclose(fast, reference, atol=1e-5)


@pytest.mark.parametrize("text", TEXTS)
def test_safety_probability_matches_scikit_learn(knowledge: KnowledgeBase, text: str) -> None:
    reading = safety.read(text)
    model = safety.classifier()
    assert model.probability(reading) == pytest.approx(
        model.reference_probability(reading), abs=1e-5
    )
