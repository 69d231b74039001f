"""The lexical ranker: hand-built TF-IDF similarity of a message to every example question.

One half of the retriever's ensemble (knowledge/retriever.py); the other is a trained
classifier.

Two views of the same text are combined, both TF-IDF cosine against every example
question (and each topic's title and keywords):
- word terms after normalisation (slang, abbreviations, light stemming), with unknown
  words mapped to the nearest known word by rapidfuzz to absorb typos;
- character 3- and 4-grams of the normalised text, which catch morphology
  ("ditahan" / "menahan") and typos the word view misses.
A topic's score is its best example's score on a 0-100 scale. Below the threshold the
bot abstains and offers the top suggestions instead of guessing.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse

from knowledge.linear_scoring import sublinear_tf
from knowledge.model import Topic
from knowledge.normalize import STOPWORDS, Stemmer, normalize
from knowledge.ranking import OUT_OF_SCOPE, Ranking

# Tuned on benchmarks (see benchmarks/retrieval.py for the threshold curve).
DEFAULT_THRESHOLD = 14.0
WORD_WEIGHT = 0.6
CHAR_WEIGHT = 0.4
# A topic's score mixes its single best example with its whole vocabulary (all examples as
# one document), so one lucky example of a neighbouring topic does not win on its own.
BEST_EXAMPLE_WEIGHT = 0.2
TOPIC_DOC_WEIGHT = 0.8

KEYWORD_WEIGHT = 3.0  # a title/keyword pseudo-example counts its terms three times
UNKNOWN_WORD_FACTOR = 1.0  # weight of a word the knowledge base never uses, relative to the rarest
TYPO_CUTOFF = 84.0  # rapidfuzz ratio needed to read an unknown word as a known one
NEAREST_CACHE_SIZE = 50_000  # unknown words already looked up, so a repeated typo is free
NGRAM_SIZES = (3, 4)

Vector = dict[str, float]
OUT_OF_SCOPE_FACTOR = 0.55

# Roots that derived forms in questions should reach even if no example uses them bare.
ROOTS = frozenset(
    """
        lapor kerja buat berangkat tampung bayar pinjam kirim tipu potong dagang palsu
        adu daftar latih periksa janji tempat syarat tahan kurung sekap pukul siksa
        ancam urus ambil simpan tanda tangan gaji hubung cari ajak tawar jual beli
        rekrut
    """.split()
)


def char_ngrams(normalised: str) -> Counter[str]:
    """Return the character n-grams of each word, padded with spaces at word edges."""
    grams: Counter[str] = Counter()
    for word in normalised.split():
        if word in STOPWORDS:
            continue
        padded = f" {word} "
        for size in NGRAM_SIZES:
            grams.update(padded[i : i + size] for i in range(max(1, len(padded) - size + 1)))
    return grams


@dataclass(frozen=True, slots=True)
class _Query:
    """A query's terms looked up once in a vocabulary that several indexes share."""

    rows: np.ndarray  # vocabulary rows of the known terms
    tf: np.ndarray  # their sublinear term frequencies
    unknown_tf_squares: float  # sum of the squared term frequencies of unknown terms


def lookup(vocabulary: dict[str, int], counts: Counter[str]) -> _Query:
    """Return a query's known rows and term frequencies, and what its unknown terms weigh."""
    size = len(counts)
    rows = np.fromiter(map(vocabulary.get, counts, repeat(-1)), np.int64, size)
    tf = sublinear_tf(np.fromiter(counts.values(), np.int64, size))
    known = rows >= 0
    unknown = tf[~known]
    return _Query(rows[known], tf[known], float(unknown @ unknown))


# Postings a query must touch before scipy's sparse product is the faster way to sum them
# (measured on the shipped indexes: the char index, ~100,000 postings a message, is 2x faster
# with scipy; the word and topic indexes, a few thousand, are 2-3x faster with numpy).
SPARSE_FROM = 20_000


class _TfIdfIndex:
    """A TF-IDF cosine index over small documents, its postings a term-by-document CSR matrix."""

    def __init__(
        self, documents: Sequence[Counter[str]], vocabulary: dict[str, int] | None = None
    ) -> None:
        frequency: Counter[str] = Counter()
        for document in documents:
            frequency.update(document.keys())
        self.size = total = len(documents)
        self.idf = {
            term: math.log((1 + total) / (1 + count)) + 1 for term, count in frequency.items()
        }
        self.max_idf = math.log(1 + total) + 1
        # Indexes over the same terms share one vocabulary, so a query is looked up once.
        if vocabulary is not None and vocabulary.keys() != frequency.keys():
            raise ValueError("a shared vocabulary must hold exactly the index's terms")
        self.rows = vocabulary or {term: row for row, term in enumerate(frequency)}
        self.idf_by_row = np.zeros(len(self.rows))
        collected: list[tuple[list[int], list[float]]] = [([], []) for _ in self.rows]
        for term, row in self.rows.items():
            self.idf_by_row[row] = self.idf[term]
        for doc_id, document in enumerate(documents):
            for term, weight in self._weigh(document).items():
                ids, weights = collected[self.rows[term]]
                ids.append(doc_id)
                weights.append(weight)
        # Each term's documents and weights are one slice of flat arrays, so a query gathers
        # every posting it touches in a few array calls, not one call per term.
        starts = np.zeros(len(collected) + 1, dtype=np.int64)
        np.cumsum([len(ids) for ids, _ in collected], out=starts[1:])
        documents = np.array([doc for ids, _ in collected for doc in ids], dtype=np.int64)
        weights = np.array(
            [weight for _, weights in collected for weight in weights], dtype=np.float32
        )
        # The same arrays as a term-by-document matrix (scipy shares the weights and may narrow
        # the index arrays to int32).
        self.matrix = sparse.csr_matrix((weights, documents, starts), shape=(len(self.rows), total))

    def _weigh(self, counts: Counter[str], unknown_idf: float | None = None) -> Vector:
        """Return the L2-normalised sublinear TF-IDF vector of term counts."""
        vector: Vector = {}
        for term, count in counts.items():
            idf = self.idf.get(term, unknown_idf)
            if idf is not None:
                vector[term] = (1 + math.log(count)) * idf
        norm = math.sqrt(sum(weight * weight for weight in vector.values()))
        return {term: weight / norm for term, weight in vector.items()} if norm else {}

    def cosine(self, query: _Query) -> np.ndarray:
        """Return the cosine similarity of a query to every document (0 where nothing is shared)."""
        if not len(query.rows):
            return np.zeros(self.size, dtype=np.float32)
        weights = query.tf * self.idf_by_row[query.rows]
        # Unknown terms keep their weight in the query norm: a message full of words the
        # knowledge base never uses should score low, which is what abstention needs.
        unknown_idf = self.max_idf * UNKNOWN_WORD_FACTOR
        norm = math.sqrt(float(weights @ weights) + query.unknown_tf_squares * unknown_idf**2)
        query_weights = (weights / norm).astype(np.float32)
        starts = self.matrix.indptr[query.rows]
        lengths = self.matrix.indptr[query.rows + 1] - starts
        ends = np.cumsum(lengths)
        if ends[-1] > SPARSE_FROM:
            # Many postings: scipy's compiled slice and sum beats numpy's temporary arrays.
            touched = self.matrix[query.rows]
            return np.asarray(touched.T @ query_weights, dtype=np.float32)
        # Few postings: scipy's per-call set-up costs more than the numpy gather below.
        # Positions of every posting of the query's terms: each term's slice, one after another.
        positions = np.arange(ends[-1]) + np.repeat(starts - (ends - lengths), lengths)
        # float32 products, as the reference computes them, summed per document.
        products = self.matrix.data[positions] * np.repeat(query_weights, lengths)
        scores = np.bincount(self.matrix.indices[positions], weights=products, minlength=self.size)
        return scores.astype(np.float32)

    def reference_cosine(self, counts: Counter[str]) -> np.ndarray:
        """Return `cosine` computed one term at a time (slower; tests compare the two)."""
        query = self._weigh(counts, unknown_idf=self.max_idf * UNKNOWN_WORD_FACTOR)
        scores = np.zeros(self.size, dtype=np.float32)
        for term, weight in query.items():
            row = self.rows.get(term)
            if row is not None:
                span = slice(self.matrix.indptr[row], self.matrix.indptr[row + 1])
                # A term occurs once per document, so plain fancy-index addition is exact.
                scores[self.matrix.indices[span]] += weight * self.matrix.data[span]
        return scores


class LexicalRanker:
    """Ranks topics for a message by similarity; built once at start-up from the loaded topics."""

    def __init__(
        self,
        topics: Iterable[Topic],
        threshold: float = DEFAULT_THRESHOLD,
        out_of_scope: Iterable[str] = (),
    ) -> None:
        self.threshold = threshold
        self._owners: list[str] = []
        documents: list[tuple[str, str, float]] = []  # (owner, normalised text, term weight)
        # Known out-of-scope messages compete like a topic; when they win, the bot abstains.
        documents += [(OUT_OF_SCOPE, normalize(text), 1.0) for text in out_of_scope]
        for topic in topics:
            for text in topic.examples + topic.examples_en:
                documents.append((topic.id, normalize(text), 1.0))
            # Title and keywords form one more pseudo-example, weighted up.
            label = " ".join([topic.title["id"], topic.title["en"], *topic.keywords])
            documents.append((topic.id, normalize(label), KEYWORD_WEIGHT))
        self._stem = Stemmer({word for _, text, _ in documents for word in text.split()} | ROOTS)
        word_docs: list[Counter[str]] = []
        char_docs: list[Counter[str]] = []
        for owner, text, weight in documents:
            self._owners.append(owner)
            features = Counter(self._terms(text))
            word_docs.append(
                Counter(dict.fromkeys(features, weight)) if weight != 1.0 else features
            )
            char_docs.append(char_ngrams(text))
        self._words = _TfIdfIndex(word_docs)
        self._chars = _TfIdfIndex(char_docs)
        self._topic_ids = list(dict.fromkeys(self._owners))
        # Documents are grouped by owner: each owner's examples form one contiguous slice.
        self._starts = np.array([self._owners.index(t) for t in self._topic_ids], dtype=np.int64)
        self._out_of_scope_index = (
            self._topic_ids.index(OUT_OF_SCOPE) if OUT_OF_SCOPE in self._topic_ids else None
        )
        topic_words: dict[str, Counter[str]] = defaultdict(Counter)
        topic_chars: dict[str, Counter[str]] = defaultdict(Counter)
        for owner, word_doc, char_doc in zip(self._owners, word_docs, char_docs, strict=True):
            topic_words[owner].update(word_doc)
            topic_chars[owner].update(char_doc)
        self._topic_words = _TfIdfIndex([topic_words[t] for t in self._topic_ids], self._words.rows)
        self._topic_chars = _TfIdfIndex([topic_chars[t] for t in self._topic_ids], self._chars.rows)
        self._vocabulary = sorted(self._words.idf)
        self._nearest: dict[str, str] = {}
        self._within_reach: dict[int, list[str]] = {}

    def _terms(self, normalised: str) -> list[str]:
        """Return the stemmed content words of normalised text."""
        return [self._stem(word) for word in normalised.split() if word not in STOPWORDS]

    def _correct(self, words: list[str]) -> list[str]:
        """Replace unknown words with the nearest known word, when one is close enough."""
        corrected = []
        for word in words:
            if word in self._words.idf or len(word) < 4 or word.isdigit():
                corrected.append(word)
                continue
            nearest = self._nearest.get(word)
            if nearest is None:
                found = process.extractOne(
                    word, self._candidates(len(word)), scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF
                )
                nearest = found[0] if found else word
                if len(self._nearest) < NEAREST_CACHE_SIZE:  # bounded: typed words are endless
                    self._nearest[word] = nearest
            corrected.append(nearest)
        return corrected

    def _candidates(self, length: int) -> list[str]:
        """Return the known words whose length lets them reach TYPO_CUTOFF against a word of
        this length, in vocabulary order (so the nearest word is the one the whole list gives).

        fuzz.ratio is 100 * (1 - indel / (a + b)) and the indel distance is at least |a - b|, so
        a word more than (100 - cutoff)% of the two lengths longer or shorter never reaches it.
        An unknown word costs a scan of this list, not of the whole vocabulary.
        """
        found = self._within_reach.get(length)
        if found is None:
            reach = (100.0 - TYPO_CUTOFF) / 100.0
            found = [
                known
                for known in self._vocabulary
                if abs(len(known) - length) <= reach * (len(known) + length) + 1e-9
            ]
            self._within_reach[length] = found
        return found

    @property
    def topic_ids(self) -> list[str]:
        """Return every owner the ranker scores, the out-of-scope group included."""
        return list(self._topic_ids)

    def scores(self, text: str) -> np.ndarray:
        """Return each owner's score for a message, 0-100, in `topic_ids` order."""
        words, chars = self._query_terms(text)
        query_words = lookup(self._words.rows, words)
        query_chars = lookup(self._chars.rows, chars)
        examples = WORD_WEIGHT * self._words.cosine(query_words) + CHAR_WEIGHT * self._chars.cosine(
            query_chars
        )
        whole_topic = WORD_WEIGHT * self._topic_words.cosine(
            query_words
        ) + CHAR_WEIGHT * self._topic_chars.cosine(query_chars)
        return self._mix(examples, whole_topic)

    def reference_scores(self, text: str) -> np.ndarray:
        """Return `scores` through the term-at-a-time cosine (slower; tests compare the two)."""
        words, chars = self._query_terms(text)
        examples = WORD_WEIGHT * self._words.reference_cosine(
            words
        ) + CHAR_WEIGHT * self._chars.reference_cosine(chars)
        whole_topic = WORD_WEIGHT * self._topic_words.reference_cosine(
            words
        ) + CHAR_WEIGHT * self._topic_chars.reference_cosine(chars)
        return self._mix(examples, whole_topic)

    def _query_terms(self, text: str) -> tuple[Counter[str], Counter[str]]:
        """Return the counted word terms (typos corrected) and character n-grams of a message."""
        normalised = normalize(text)
        return Counter(self._correct(self._terms(normalised))), char_ngrams(normalised)

    def _mix(self, examples: np.ndarray, whole_topic: np.ndarray) -> np.ndarray:
        """Combine each owner's best example with its whole vocabulary, 0-100."""
        best_example = np.maximum.reduceat(examples, self._starts)
        mixed = 100 * (BEST_EXAMPLE_WEIGHT * best_example + TOPIC_DOC_WEIGHT * whole_topic)
        if self._out_of_scope_index is not None:
            # The out-of-scope group spans unrelated subjects, so its pooled vocabulary says
            # little: it competes with its single closest example instead.
            index = self._out_of_scope_index
            mixed[index] = 100 * OUT_OF_SCOPE_FACTOR * best_example[index]
        return mixed

    def rank(self, text: str, limit: int = 5) -> Ranking:
        """Rank the topics for a message, best first (the ranker alone, for comparison)."""
        return Ranking.from_scores(self._topic_ids, self.scores(text), self.threshold, limit)
