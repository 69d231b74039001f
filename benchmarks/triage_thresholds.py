"""Choose the safety classifier's thresholds from out-of-fold probabilities on its corpus.

Run: .venv/bin/python benchmarks/triage_thresholds.py [--folds 5]
Trains on k-1 folds of the triage corpus (plus the knowledge base's ordinary questions),
predicts the held-out fold, and prints the urgent/check trade-off for candidate thresholds
after the lexicon floor. The thresholds in knowledge/safety.py were read off this table:
URGENT_AT is the lowest value keeping false urgent at or under 1% of calm lines, CHECK_AT
the highest keeping urgent-or-check at 100% (or as close as the corpus allows).
"""

from __future__ import annotations

import argparse

import numpy as np

from knowledge.loader import load_topics
from knowledge.safety import LabelledMessage, SafetyClassifier, decide, training_messages

CANDIDATES = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7]


def out_of_fold(messages: list[LabelledMessage], folds: int) -> np.ndarray:
    """Return each message's probability from a model that did not see it."""
    order = np.arange(len(messages)) % folds  # deterministic interleaved folds
    probabilities = np.zeros(len(messages))
    for fold in range(folds):
        train = [m for m, f in zip(messages, order, strict=True) if f != fold]
        test = [i for i, f in enumerate(order) if f == fold]
        model = SafetyClassifier.train(train)
        probabilities[test] = model.probabilities([messages[i].text for i in test])
    return probabilities


def main() -> None:
    """Print the threshold table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    ordinary = [t for topic in load_topics() for t in topic.examples + topic.examples_en]
    messages = training_messages(ordinary=ordinary)
    probabilities = out_of_fold(messages, args.folds)
    corpus = [(m, p) for m, p in zip(messages, probabilities, strict=True) if m.weight == 1.0]
    urgent = [(m, p) for m, p in corpus if m.urgent]
    calm = [(m, p) for m, p in corpus if not m.urgent]
    ordinary_p = [p for m, p in zip(messages, probabilities, strict=True) if m.weight != 1.0]
    print(f"{len(urgent)} urgent, {len(calm)} calm lookalikes, {len(ordinary_p)} ordinary")
    print("threshold  urgent-recall  false-urgent(calm)  false-urgent(ordinary)")
    for value in CANDIDATES:
        recall = sum(p >= value for _, p in urgent) / len(urgent)
        false = sum(p >= value for _, p in calm) / len(calm)
        false_ordinary = sum(p >= value for p in ordinary_p) / max(len(ordinary_p), 1)
        print(f"{value:9.2f}  {recall:13.1%}  {false:18.1%}  {false_ordinary:22.1%}")
    print("\nwith the lexicon floor, at the thresholds in knowledge/safety.py:")
    levels_u = [decide(p, m.text).level for m, p in urgent]
    levels_c = [decide(p, m.text).level for m, p in calm]
    print(
        f"urgent: {levels_u.count('urgent') / len(urgent):.1%} urgent, "
        f"{sum(x != 'calm' for x in levels_u) / len(urgent):.1%} urgent or check; "
        f"calm: {levels_c.count('urgent') / len(calm):.1%} urgent, "
        f"{levels_c.count('check') / len(calm):.1%} check"
    )


if __name__ == "__main__":
    main()
