"""Safety triage: is someone in danger now (urgent), possibly (check), or not (calm)?

A logistic-regression classifier over word and character TF-IDF plus the danger-sign
lexicon's findings as features (knowledge/danger_lexicon.py), trained deterministically on
the triage corpus in knowledge/triage/ (urgent messages and calm messages that only sound
alarming, written by separate writers) and on the knowledge base's ordinary questions.
The lexicon is not the final word, but it is a floor: a message the rules call urgent, or
one that mentions suicide, is never called calm, and wanting to die said with "I can't take
it any more" is always urgent.

The outcome drives the first handler of the pipeline: `urgent` files a priority case and
gives the emergency channels; `check` asks one short question before the normal answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from knowledge.danger_lexicon import (
    CRY,
    DANGER,
    GENERAL,
    PAST,
    PRESENT,
    SUICIDE_KIND,
    RuleVerdict,
    danger_kinds,
    rule_verdict,
)
from knowledge.learned import load_labelled
from knowledge.linear_scoring import FastScoring
from knowledge.loader import load_topics
from knowledge.model import Topic, topic_names
from knowledge.model_cache import cached, content_hash
from knowledge.normalize import normalize

SafetyLevel = Literal["urgent", "check", "calm"]
TRIAGE_DIR = Path(__file__).resolve().parent / "triage"

# Decision thresholds on the classifier's probability of "urgent", chosen from
# out-of-fold probabilities on the training corpus (benchmarks/triage_thresholds.py).
URGENT_AT = 0.5
CHECK_AT = 0.2
REGULARISATION_C = 30.0
# Shorter messages are called calm unless the lexicon sees a danger sign or a cry for help.
MIN_WORDS = 3
# Ordinary knowledge-base questions are calm too, but they are easy: they weigh less.
ORDINARY_WEIGHT = 0.3
# Everyday out-of-scope lines are never danger and unlike anything in the corpus: full weight.
EVERYDAY_WEIGHT = 1.0
LEXICON_SCALE = 1.0

_HYPOTHETICAL = re.compile(
    r"\b(kalau|kalo|jika|apabila|seandainya|andaikan|misal|misalnya|umpama|bila|if|what if|"
    r"takut|khawatir|cemas|jangan sampai|nanti|umpami)\b"
)
_QUESTION = re.compile(r"\?|\b(bagaimana|gimana|apa|apakah|berapa|how|what|kenapa)\b")
# Where an ordinary question gives way to what is happening ("mau tanya soal kontrak ...
# soalnya saya dikunci"), on normalised text: "soale" and "but" arrive as "karena".
_PIVOT = re.compile(
    r"\b(soalnya|karena|tapi|tetapi|tapine|sebenarnya|sebenernya|sabenerna|padahal|namun|"
    r"nanging|actually|but)\b"
)
_SENTENCE_END = re.compile(r"(?<=[.!?\n])\s*")
# A closing question that doubts the danger ("itu wajar nggak?", "is that normal?") is part of
# what the message says: the statements before it are not scored without it.
_DOUBT = re.compile(
    r"\b(wajar|normal|biasa|boleh|oleh|legal|sah|aturan\w*|termasuk|red flag|trap|penipuan|"
    r"benar|bener|allowed|ok|oke|is (that|this|it))\b"
)
MIN_CLAUSE_WORDS = 4
# A message that opens by calling an emergency ("Darurat, adik saya ...", "SOS") always gets at
# least the check question: over every labelled set, 36 such openings were urgent and 3 were
# jokes ("darurat! martabak abis"). "Tolong" and "help" open polite requests too, so not they.
_OPENS_WITH_ALARM = re.compile(r"(darurat|sos|emergency)\b")
# Wanting to die said with "I can't take it any more" is danger now whatever the model's score
# (over every labelled line: 45 such messages, all urgent, none calm; the jokes and hyperboles
# say "capek ... wkwk", not this). Normalised text: "udh gk kuat lg" arrives as "sudah tidak
# kuat lagi". The lexicon's own readings of past, news and general questions, and an "if"
# before it, still hold (`_despair_now`).
_DESPAIR_NOW = re.compile(
    r"\b(sudah|wis|wes|tos|geus|dah) (tidak|teu|ta) (kuat|tahan|sanggup)\b|"
    r"\btidak (kuat|tahan|sanggup) lagi\b|\bputus asa\b|\b(capek|lelah) hidup\b|"
    r"\bcan ?(not|t) (take it|go on)\b"
)
# Said of people in general, not by the writer: "warga yang bilang sudah tidak kuat".
_ABOUT_OTHERS = re.compile(r"\byang( \w+){0,2} $")
# "gaji tidak dibayar dari tahun lalu" is still going on: not a past event.
_ONGOING_SINCE = re.compile(r"\b(sejak|dari)( \w+){0,2} (tahun|bulan|minggu) lalu\b")
# A message that is nothing but a cry ("tolong!", "please help", "SOS kak") says too little for
# the model, which learned "tolong" from polite requests too: it always gets the check question.
_BARE_CRY = re.compile(
    r"(\W|\b(tolong|help|sos|darurat|selamatkan|bantu|bantuin|minta|cepat|segera|me|saya|aku|"
    r"kami|us|dong|kak|min|mas|mbak|pak|bu|ya|plis|please)\b)*"
)


@dataclass(frozen=True, slots=True)
class Triage:
    """The outcome of triage: the level, which kinds of danger were seen, and the model's score."""

    level: SafetyLevel
    kinds: tuple[str, ...] = ()
    score: float = 0.0

    @property
    def urgent(self) -> bool:
        """Return True for danger now."""
        return self.level == "urgent"

    @property
    def check(self) -> bool:
        """Return True when the bot should ask whether someone is in danger now."""
        return self.level == "check"


@dataclass(frozen=True, slots=True)
class LabelledMessage:
    """One training or evaluation line: a message and whether it is danger now."""

    text: str
    urgent: bool
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Reading:
    """A message read once: its normalised text and the danger lexicon's findings."""

    text: str
    normalised: str
    kinds: tuple[str, ...]
    victim: bool
    verdict: RuleVerdict


def read(text: str, normalised: str | None = None) -> Reading:
    """Normalise a message and run the lexicon on it once, for the features and the floor.

    `normalised` skips the normaliser for a part of a message already normalised.
    """
    normalised = normalize(text) if normalised is None else normalised
    found = danger_kinds(normalised)
    return Reading(text, normalised, *found, rule_verdict(normalised, found))


def clauses(reading: Reading) -> list[Reading]:
    """Return the parts of a message that say danger now on their own, to be scored alone.

    An ordinary question before the danger ("mau tanya kirim uang ... soalnya saya dikunci")
    or after it ("... pendarahan, majikan belum mengizinkan. Kanal apa yang bisa dihubungi?")
    outweighs it in the whole message's score. Only a message the rules already call danger
    now is split, and only parts the rules also call danger now count: the text after each
    turn ("soalnya", "tapi", "padahal"), and the message without its closing questions unless
    they doubt the danger ("... tidak boleh keluar. Itu wajar nggak?" stays whole).
    """
    if not reading.verdict.urgent:
        return []
    parts = []
    for match in _PIVOT.finditer(reading.normalised):
        tail = reading.normalised[match.end() :].strip()
        if len(tail.split()) >= MIN_CLAUSE_WORDS:
            parts.append(tail)
    # a closing question asking where to turn ("Kanal apa yang bisa dihubungi?")
    sentences = [part for part in _SENTENCE_END.split(reading.text) if part.strip()]
    split = len(sentences)
    while split > 0 and "?" in sentences[split - 1]:
        split -= 1
    statements, questions = sentences[:split], sentences[split:]
    if (
        statements
        and questions
        and not any("?" in part for part in statements)
        and not any(_DOUBT.search(part.lower()) for part in questions)
    ):
        parts.append(normalize(" ".join(statements)))
    readings = [read(part, part) for part in dict.fromkeys(parts)]
    return [part for part in readings if part.verdict.urgent]


def lexicon_features(reading: Reading) -> list[float]:
    """Return the danger lexicon's findings for a message as numeric features."""
    normalised, kinds, victim, verdict = (
        reading.normalised,
        reading.kinds,
        reading.victim,
        reading.verdict,
    )
    return [
        *(float(kind in kinds) for kind in DANGER),
        float(victim),
        float(verdict.urgent),
        float(bool(CRY.search(normalised))),
        float(bool(PAST.search(normalised))),
        float(bool(PRESENT.search(normalised))),
        float(bool(GENERAL.search(normalised))),
        float(bool(_HYPOTHETICAL.search(normalised))),
        float(bool(_QUESTION.search(reading.text.lower()))),
    ]


class SafetyClassifier(FastScoring):
    """Predicts the probability that a message says someone is in danger now."""

    def __init__(self, vectorizer: FeatureUnion, model: LogisticRegression) -> None:
        self._vectorizer = vectorizer
        self._model = model
        self._urgent_column = list(model.classes_).index(True)

    @staticmethod
    def _features(
        vectorizer: FeatureUnion, readings: Sequence[Reading], fit: bool
    ) -> sparse.csr_matrix:
        normalised = [reading.normalised for reading in readings]
        words = vectorizer.fit_transform(normalised) if fit else vectorizer.transform(normalised)
        lexicon = sparse.csr_matrix(
            np.array([lexicon_features(r) for r in readings], dtype=np.float32) * LEXICON_SCALE
        )
        return sparse.hstack([words, lexicon], format="csr")

    @classmethod
    def train(cls, messages: Sequence[LabelledMessage]) -> SafetyClassifier:
        """Train on labelled messages; the same input always gives the same model."""
        vectorizer = FeatureUnion(
            [
                ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)),
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2)),
            ]
        )
        matrix = cls._features(vectorizer, [read(m.text) for m in messages], fit=True)
        model = LogisticRegression(C=REGULARISATION_C, max_iter=3000, class_weight="balanced")
        model.fit(
            matrix,
            [m.urgent for m in messages],
            sample_weight=[m.weight for m in messages],
        )
        return cls(vectorizer, model)

    def probability(self, reading: Reading, *, reference: bool = False) -> float:
        """Return the probability that the message is danger now.

        `reference` takes the term-at-a-time scorer (slower; tests compare the two).
        """
        return max(self._one(part, reference) for part in (reading, *clauses(reading)))

    def _one(self, reading: Reading, reference: bool) -> float:
        extra = [value * LEXICON_SCALE for value in lexicon_features(reading)]
        probabilities = self._scorer.probabilities(reading.normalised, extra, reference=reference)
        return float(probabilities[self._urgent_column])

    def reference_probability(self, reading: Reading) -> float:
        """Return scikit-learn's own predict_proba (slower; tests compare the two)."""
        parts = [reading, *clauses(reading)]
        matrix = self._features(self._vectorizer, parts, fit=False)
        return float(self._model.predict_proba(matrix)[:, self._urgent_column].max())

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Return the probability of danger now for each message (its most alarming part)."""
        groups = [[reading, *clauses(reading)] for reading in map(read, texts)]
        parts = [part for group in groups for part in group]
        matrix = self._features(self._vectorizer, parts, fit=False)
        flat = self._model.predict_proba(matrix)[:, self._urgent_column]
        ends = np.cumsum([len(group) for group in groups])
        return np.array(
            [flat[end - len(group) : end].max() for group, end in zip(groups, ends, strict=True)]
        )


def _despair_now(normalised: str) -> bool:
    """Return True when the message says its writer cannot bear it any more, here and now.

    Read as the lexicon reads any danger (`rule_verdict`): not when told as past or healed
    unless something says it is still going on, not in a news story or a general question
    ("warga yang bilang sudah tidak kuat"), and not after an "if" ("kalau nanti ...").
    """
    found = _DESPAIR_NOW.search(normalised)
    if found is None or _HYPOTHETICAL.search(normalised[: found.start()]):
        return False
    told = _ONGOING_SINCE.sub(" ", normalised)
    if PAST.search(told) and not PRESENT.search(told):
        return False
    if _ABOUT_OTHERS.search(normalised[: found.start()]):
        return False
    return not GENERAL.search(told)


def decide(probability: float, text: str | Reading) -> Triage:
    """Turn the model's probability and the lexicon's floor into the three-way outcome."""
    reading = text if isinstance(text, Reading) else read(text)
    verdict, normalised = reading.verdict, reading.normalised
    kinds = verdict.kinds
    if len(normalised.split()) < MIN_WORDS and not kinds and not CRY.search(normalised):
        # "tidak", "menu", "2": a dialog answer carries too little to call danger on.
        return Triage("calm", kinds, round(probability, 4))
    if probability >= URGENT_AT or (SUICIDE_KIND in kinds and _despair_now(normalised)):
        level: SafetyLevel = "urgent"
    elif (
        probability >= CHECK_AT
        or verdict.urgent
        or SUICIDE_KIND in kinds
        or (CRY.search(normalised) and _BARE_CRY.fullmatch(normalised))
        or _OPENS_WITH_ALARM.match(normalised)
    ):
        level = "check"
    else:
        level = "calm"
    return Triage(level, kinds, round(probability, 4))


def read_corpus(paths: Iterable[Path]) -> list[LabelledMessage]:
    """Read triage corpus files: JSON lines with "text" and "label" (urgent or calm)."""
    messages = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                messages.append(LabelledMessage(item["text"], item["label"] == "urgent"))
    return messages


def training_messages(
    corpus_dir: Path = TRIAGE_DIR, ordinary: Iterable[str] = (), everyday: Iterable[str] = ()
) -> list[LabelledMessage]:
    """Return the triage corpus plus ordinary questions and everyday chatter as calm examples.

    Without the everyday (out-of-scope) lines, chatter the corpus never shows ("please tell me
    a joke", "help me write a letter to my mom") lands nearer its English and plea-worded
    urgent lines than any calm one.
    """
    messages = read_corpus(sorted(corpus_dir.glob("*.jsonl")))
    messages += [LabelledMessage(text, False, ORDINARY_WEIGHT) for text in ordinary]
    messages += [LabelledMessage(text, False, EVERYDAY_WEIGHT) for text in everyday]
    return messages


def train_cached(messages: Sequence[LabelledMessage]) -> SafetyClassifier:
    """Return the classifier for these messages, from the cache when it was trained before."""
    key = content_hash(
        "safety",
        [(m.text, m.urgent, m.weight) for m in messages],
        REGULARISATION_C,
        LEXICON_SCALE,
    )
    return cached("safety", key, lambda: SafetyClassifier.train(messages))


_classifier: SafetyClassifier | None = None


def configure(
    topics: Iterable[Topic],
    learned: Mapping[str, Sequence[str]] | None = None,
    everyday: Iterable[str] = (),
) -> SafetyClassifier:
    """Train (or load from the cache) the classifier at start-up, with the loaded topics.

    `learned` holds lines a maintainer labelled from the review queue ("urgent", "calm");
    `everyday` the out-of-scope lines the retriever declines, calm like the topics' questions.
    """
    global _classifier  # one classifier per process, like the knowledge base
    ordinary = [text for topic in topics for text in topic.examples + topic.examples_en]
    messages = training_messages(ordinary=ordinary, everyday=everyday)
    for label, texts in (learned or {}).items():
        messages += [LabelledMessage(text, label == "urgent") for text in texts]
    _classifier = train_cached(messages)
    return _classifier


def classifier() -> SafetyClassifier:
    """Return the configured classifier, configuring it from the content files if needed.

    Trained on exactly what `KnowledgeBase.load` gives it (topics, review labels and written
    example sets), so a caller that asks before the knowledge base loads gets the same model.
    """
    if _classifier is not None:
        return _classifier
    topics = load_topics()
    learned = load_labelled(topic_names(topics))
    everyday = learned.everyday()
    return configure(learned.merge(topics), learned.triage, everyday)


def assess(text: str) -> Triage:
    """Decide whether a message says someone is in danger now, possibly, or not."""
    if not text.strip():
        return Triage("calm")
    reading = read(text)
    return decide(classifier().probability(reading), reading)
