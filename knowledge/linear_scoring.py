"""Score one message with a trained TF-IDF + linear model without scikit-learn's per-call overhead.

scikit-learn's `transform` and `predict_proba` validate inputs, dispatch through joblib and
build sparse matrices: about 2 ms per message here, most of the per-message budget. The
arithmetic itself is tiny, so this module precomputes what a fitted `FeatureUnion` of
`TfidfVectorizer`s and a `LogisticRegression` need and does the same sums with numpy.
A test checks it agrees with scikit-learn's own results.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import repeat

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

# 1 + log(count) for the counts a message can have, computed with math.log once.
_SUBLINEAR = np.array([0.0, *(1 + math.log(count) for count in range(1, 4097))])


def sublinear_tf(counts: np.ndarray) -> np.ndarray:
    """Return 1 + log(count) for positive counts, exactly as math.log gives it."""
    if not len(counts) or counts.max() < len(_SUBLINEAR):
        return _SUBLINEAR[counts]
    return np.array([1 + math.log(count) for count in counts.tolist()])


class _Part:
    """One fitted TfidfVectorizer: its analyser, vocabulary, idf and column offset."""

    def __init__(self, vectorizer: TfidfVectorizer, offset: int) -> None:
        self.analyse: Callable[[str], list[str]] = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf: np.ndarray = vectorizer.idf_
        self.sublinear = vectorizer.sublinear_tf
        self.offset = offset

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the column indices and L2-normalised TF-IDF weights of a text.

        The arithmetic keeps the idf's dtype and sums in order, as a loop over terms does,
        so the weights are the same to the last bit as the term-at-a-time computation.
        """
        # Count in C, look every distinct term up in C (-1 when unknown), keep the known.
        counts = Counter(self.analyse(text))
        size = len(counts)
        columns = np.fromiter(map(self.vocabulary.get, counts, repeat(-1)), np.int64, size)
        frequencies = np.fromiter(counts.values(), np.int64, size)
        known = columns >= 0
        columns, frequencies = columns[known], frequencies[known]
        tf = sublinear_tf(frequencies) if self.sublinear else frequencies.astype(np.float64)
        weights = tf.astype(self.idf.dtype) * self.idf[columns]
        norm = math.sqrt(float(np.cumsum(weights * weights)[-1])) if len(weights) else 0.0
        return columns + self.offset, weights / norm if norm else weights

    def reference_features(self, text: str) -> tuple[list[int], list[float]]:
        """Return `features` computed one term at a time (slower; tests compare the two)."""
        counts = Counter(term for term in self.analyse(text) if term in self.vocabulary)
        columns, weights = [], []
        for term, count in counts.items():
            column = self.vocabulary[term]
            tf = 1 + math.log(count) if self.sublinear else float(count)
            columns.append(self.offset + column)
            weights.append(tf * self.idf[column])
        norm = math.sqrt(sum(weight * weight for weight in weights))
        return columns, [weight / norm for weight in weights] if norm else weights


class LinearScorer:
    """The decision function of a fitted FeatureUnion + LogisticRegression, for one text."""

    def __init__(self, union: FeatureUnion, model: LogisticRegression) -> None:
        self._parts = []
        offset = 0
        for _, vectorizer in union.transformer_list:
            self._parts.append(_Part(vectorizer, offset))
            offset += len(vectorizer.vocabulary_)
        self.width = offset  # columns after these are extra features (e.g. the lexicon's)
        self._coef = np.ascontiguousarray(model.coef_.T)  # (features, outputs)
        self._intercept = model.intercept_

    def decision(self, text: str, extra: Sequence[float] = ()) -> np.ndarray:
        """Return the model's decision values for a text (and its extra feature values)."""
        found = [part.features(text) for part in self._parts]
        columns = [columns for columns, _ in found]
        weights = [weights for _, weights in found]
        if extra:
            columns.append(np.arange(self.width, self.width + len(extra)))
            weights.append(np.asarray(extra, dtype=np.float64))
        every = np.concatenate(columns)
        if not len(every):
            return self._intercept.copy()
        return np.concatenate(weights) @ self._coef[every] + self._intercept

    def reference_decision(self, text: str, extra: Sequence[float] = ()) -> np.ndarray:
        """Return `decision` computed one term at a time (slower; tests compare the two)."""
        columns: list[int] = []
        weights: list[float] = []
        for part in self._parts:
            found, values = part.reference_features(text)
            columns += found
            weights += values
        columns += range(self.width, self.width + len(extra))
        weights += extra
        if not columns:
            return self._intercept.copy()
        return np.asarray(weights) @ self._coef[columns] + self._intercept

    def probabilities(
        self, text: str, extra: Sequence[float] = (), *, reference: bool = False
    ) -> np.ndarray:
        """Return class probabilities as LogisticRegression.predict_proba does.

        `reference` computes the features one term at a time (slower; tests compare the two).
        """
        decision = (self.reference_decision if reference else self.decision)(text, extra)
        if decision.shape[0] == 1:  # binary: one logit for the second class
            positive = 1.0 / (1.0 + math.exp(-float(decision[0])))
            return np.array([1.0 - positive, positive])
        shifted = np.exp(decision - decision.max())
        return shifted / shifted.sum()


class FastScoring:
    """Mixin for a fitted model holding `_vectorizer` and `_model`: a lazily built scorer.

    The scorer holds closures over the vectorizers, so it is left out of the pickle that
    the model cache stores, and rebuilt once per process.
    """

    _vectorizer: FeatureUnion
    _model: LogisticRegression

    @property
    def _scorer(self) -> LinearScorer:
        scorer = self.__dict__.get("_fast")
        if scorer is None:
            scorer = self.__dict__["_fast"] = LinearScorer(self._vectorizer, self._model)
        return scorer

    def __getstate__(self) -> dict[str, object]:
        """Pickle the fitted parts only."""
        return {key: value for key, value in self.__dict__.items() if key != "_fast"}
