"""Rank knowledge topics for a message and decide when the bot is sure enough to answer.

An ensemble of two views, kept because it beat each alone (benchmarks/retrieval.py):
- a trained classifier (knowledge/topic_classifier.py): logistic regression over word and
  character TF-IDF, with the out-of-scope group as one more class;
- the lexical ranker (knowledge/lexical_ranker.py): similarity to the closest examples,
  with the stemmer and typo correction.
A topic's score is the classifier's probability, softened, plus the ranker's similarity
(weighted), on a 0-100 scale. When the out-of-scope group wins, or the best score is below the
threshold, the bot abstains and offers suggestions instead of guessing.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import numpy as np

from knowledge.lexical_ranker import LexicalRanker
from knowledge.model import Topic
from knowledge.model_cache import cached, content_hash
from knowledge.ranking import OUT_OF_SCOPE, Ranking
from knowledge.regional_words import regional_words
from knowledge.topic_classifier import DEFAULT_VIEW, REGULARISATION_C, TextView, TopicClassifier

DEFAULT_THRESHOLD = 10.0
# Weight of the lexical ranker's 0-1 similarity beside the classifier's probability. Re-gridded
# with the temperature after writer15-19 (README, measured figures): 1.5 gained a line or two,
# but from about 1.25 up plain English questions ("what are the requirements to work abroad")
# are declined, the ranker's out-of-scope group outweighing the topic.
LEXICAL_WEIGHT = 1.0
# The classifier is confidently wrong on unfamiliar wording (a country name outweighing the
# problem asked about), so its probabilities are softened (p ** (1 / T), renormalised) before
# the ranker's similarity is added. Chosen with LEXICAL_WEIGHT on leave-one-writer-out and
# the tuning sets (benchmarks/leave_one_writer_out.py, README).
CLASSIFIER_TEMPERATURE = 1.25

Mode = Literal["ensemble", "classifier", "lexical"]


def training_examples(
    topics: Iterable[Topic], out_of_scope: Iterable[str]
) -> list[tuple[str, str]]:
    """Return (text, label) pairs: every example, each topic's title and keywords, out-of-scope."""
    pairs: list[tuple[str, str]] = []
    for topic in topics:
        pairs += [(text, topic.id) for text in topic.examples + topic.examples_en]
        label = " ".join([topic.title["id"], topic.title["en"], *topic.keywords])
        pairs.append((label, topic.id))
    pairs += [(text, OUT_OF_SCOPE) for text in out_of_scope]
    return pairs


def soften(probability: np.ndarray, temperature: float) -> np.ndarray:
    """Return probabilities flattened by a temperature (1 leaves them as they are)."""
    if temperature == 1.0:
        return probability
    # Probabilities come from a softmax, so none is exactly 0; the floor guards a 0 anyway.
    powered = np.power(np.maximum(probability, 1e-12), 1.0 / temperature)
    return powered / powered.sum()


class Retriever:
    """Ranks topics for a message; built once at start-up from the loaded topics."""

    def __init__(
        self,
        topics: Iterable[Topic],
        threshold: float = DEFAULT_THRESHOLD,
        out_of_scope: Iterable[str] = (),
        *,
        mode: Mode = "ensemble",
        view: TextView = DEFAULT_VIEW,
        cache_folder: Path | None = None,
    ) -> None:
        topics = list(topics)
        out_of_scope = list(out_of_scope)
        self.threshold = threshold
        self.mode = mode
        examples = training_examples(topics, out_of_scope)
        # Indexing every example takes most of a start-up, so the built index is cached too.
        self.lexical = cached(
            "lexical",
            content_hash("lexical", examples, threshold),
            lambda: LexicalRanker(topics, threshold, out_of_scope),
            cache_folder,
        )
        self.owners: list[str] = self.lexical.topic_ids
        # The key covers everything the model is trained from: a changed example retrains
        # (and the code fingerprint in every key covers the regional-word list).
        self.content_key = content_hash("topics", examples, view, REGULARISATION_C)
        lexicon = regional_words() if view.regional else {}
        self.classifier = cached(
            "topics",
            self.content_key,
            lambda: TopicClassifier.train(examples, view, lexicon=lexicon),
            cache_folder,
        )
        # Reorder the classifier's probabilities into the ranker's owner order once.
        self._order = np.array([self.classifier.classes.index(owner) for owner in self.owners])

    def scores(self, text: str, *, reference: bool = False) -> np.ndarray:
        """Return each owner's score, 0-100, in `owners` order.

        `reference` takes both models' term-at-a-time paths (slower; tests compare the two).
        """
        lexical_scores = self.lexical.reference_scores if reference else self.lexical.scores
        if self.mode == "lexical":
            return lexical_scores(text)
        probability = self.classifier.probabilities(text, reference=reference)[self._order]
        if self.mode == "classifier":
            return 100 * probability
        lexical = lexical_scores(text) / 100
        softened = soften(probability, CLASSIFIER_TEMPERATURE)
        return 100 * (softened + LEXICAL_WEIGHT * lexical) / (1 + LEXICAL_WEIGHT)

    def rank(self, text: str, limit: int = 5) -> Ranking:
        """Rank the topics for a message, best first."""
        return Ranking.from_scores(self.owners, self.scores(text), self.threshold, limit)
