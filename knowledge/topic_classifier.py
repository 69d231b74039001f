"""A trained topic classifier: logistic regression over word and character TF-IDF.

Trained deterministically from the knowledge base's own example questions (and the
out-of-scope group as one more class), so no model or data is ever downloaded. Its
probabilities are calibrated enough to abstain on: the retriever combines them with the
lexical ranker's similarity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from knowledge.linear_scoring import FastScoring
from knowledge.normalize import Stemmer, add_regional_words, fold, normalize

# Inverse regularisation strength: few examples per class, so regularise lightly.
REGULARISATION_C = 30.0
TYPO_CUTOFF = 84.0
WORD_PATTERN = r"(?u)\b\w+\b"  # keep one-letter words and digits: "2 jt", "s1"


@dataclass(frozen=True, slots=True)
class TextView:
    """How a message is prepared before vectorising; each step is one row of the ablation."""

    normalise: bool = True  # slang and abbreviations rewritten (knowledge/normalize.py)
    stem: bool = False  # affixes stripped to a root the knowledge base uses
    typos: bool = False  # unknown words replaced by the nearest known word (rapidfuzz)
    regional: bool = False  # Indonesian meanings of regional words added (regional_words.yaml)

    def describe(self) -> str:
        """Return a short label for tables."""
        steps = [name for name in ("normalise", "regional", "stem", "typos") if getattr(self, name)]
        return "+".join(steps) or "lower-case only"


# Chosen by the ablation in benchmarks/retrieval.py.
DEFAULT_VIEW = TextView(normalise=True, regional=True)


class _Preparer:
    """Applies a TextView; built from the training texts so stems and typos map to known words."""

    def __init__(
        self, view: TextView, training_texts: Sequence[str], lexicon: Mapping[str, str]
    ) -> None:
        self.view = view
        # Kept with the model, so a cached model reads text as it was trained to.
        self.lexicon = dict(lexicon) if view.regional else {}
        base = [self._base(text) for text in training_texts]
        known = {word for text in base for word in text.split()}
        self.stemmer = Stemmer(known) if view.stem else None
        self.vocabulary = sorted(known) if view.typos else []
        self._known = frozenset(known)

    def _base(self, text: str) -> str:
        if self.lexicon:
            return add_regional_words(text, self.lexicon)
        return normalize(text) if self.view.normalise else fold(text)

    def __call__(self, text: str) -> str:
        words = self._base(text).split()
        if self.vocabulary:
            words = [self._nearest(word) for word in words]
        if self.stemmer is not None:
            words = [self.stemmer(word) for word in words]
        return " ".join(words)

    def _nearest(self, word: str) -> str:
        if word in self._known or len(word) < 4 or word.isdigit():
            return word
        found = process.extractOne(
            word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF
        )
        return found[0] if found else word


class TopicClassifier(FastScoring):
    """Predicts a probability for every class (topic ids and the out-of-scope group)."""

    def __init__(
        self, prepare: _Preparer, vectorizer: FeatureUnion, model: LogisticRegression
    ) -> None:
        self._prepare = prepare
        self._vectorizer = vectorizer
        self._model = model
        self.classes: list[str] = [str(label) for label in model.classes_]

    @classmethod
    def train(
        cls,
        examples: Sequence[tuple[str, str]],
        view: TextView = DEFAULT_VIEW,
        regularisation: float = REGULARISATION_C,
        lexicon: Mapping[str, str] | None = None,
    ) -> TopicClassifier:
        """Train on (text, label) pairs; the same input always gives the same model.

        `lexicon` (regional word -> Indonesian) is read only when the view asks for it.
        """
        texts = [text for text, _ in examples]
        labels = [label for _, label in examples]
        prepare = _Preparer(view, texts, lexicon or {})
        vectorizer = FeatureUnion(
            [
                (
                    "words",
                    TfidfVectorizer(
                        analyzer="word",
                        ngram_range=(1, 2),
                        sublinear_tf=True,
                        token_pattern=WORD_PATTERN,
                        dtype=np.float32,
                    ),
                ),
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, dtype=np.float32
                    ),
                ),
            ]
        )
        matrix = vectorizer.fit_transform([prepare(text) for text in texts])
        model = LogisticRegression(C=regularisation, max_iter=3000)
        model.fit(matrix, labels)
        return cls(prepare, vectorizer, model)

    def probabilities(self, text: str, *, reference: bool = False) -> np.ndarray:
        """Return the probability of each class, in `classes` order.

        `reference` takes the term-at-a-time scorer (slower; tests compare the two).
        """
        return self._scorer.probabilities(self._prepare(text), reference=reference)

    def reference_probabilities(self, text: str) -> np.ndarray:
        """Return scikit-learn's own predict_proba (slower; tests compare the two)."""
        return self.reference_table([text])[0]

    def reference_table(self, texts: Sequence[str]) -> np.ndarray:
        """Return scikit-learn's predict_proba for many texts at once, one row each."""
        prepared = [self._prepare(text) for text in texts]
        return self._model.predict_proba(self._vectorizer.transform(prepared))
