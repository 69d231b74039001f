"""Choose and check the safety classifier's thresholds on writers it was not trained on.

Run: .venv/bin/python benchmarks/triage_thresholds.py
For each writer's file in knowledge/triage/ (corpus_writer*.jsonl), trains on everything
else (the other writers, the earlier sets, chat replies, the knowledge base's questions)
and predicts that writer's lines: a leave-one-writer-out estimate of how the classifier
does on wording it never saw. Prints the urgent/calm trade-off for candidate thresholds
and the three outcomes at the thresholds in knowledge/safety.py (with the lexicon floor).
"""

from __future__ import annotations

import json

import numpy as np

from knowledge.loader import load_topics
from knowledge.safety import (
    CHECK_AT,
    TRIAGE_DIR,
    URGENT_AT,
    SafetyClassifier,
    decide,
    training_messages,
)

CANDIDATES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]


def main() -> None:
    """Print the table per held-out writer and overall."""
    ordinary = [t for topic in load_topics() for t in topic.examples + topic.examples_en]
    messages = training_messages(ordinary=ordinary)
    held: list[tuple[bool, float, str]] = []
    for path in sorted(TRIAGE_DIR.glob("corpus_writer*.jsonl")):
        texts = {json.loads(line)["text"] for line in path.read_text().splitlines() if line}
        train = [m for m in messages if m.text not in texts]
        test = [m for m in messages if m.text in texts]
        model = SafetyClassifier.train(train)
        probabilities = model.probabilities([m.text for m in test])
        rows = [(m.urgent, float(p), m.text) for m, p in zip(test, probabilities, strict=True)]
        held += rows
        urgent = [p for u, p, _ in rows if u]
        calm = [p for u, p, _ in rows if not u]
        print(
            f"{path.name}: {len(urgent)} urgent, {len(calm)} calm lookalikes; at the "
            f"thresholds: urgent {np.mean(np.array(urgent) >= URGENT_AT):.1%}, "
            f"calm called urgent {np.mean(np.array(calm) >= URGENT_AT):.1%}"
        )
    urgent = np.array([p for u, p, _ in held if u])
    calm = np.array([p for u, p, _ in held if not u])
    print("\nall held-out writers\nthreshold  urgent-recall  calm-lookalikes-above")
    for value in CANDIDATES:
        print(f"{value:9.2f}  {np.mean(urgent >= value):13.1%}  {np.mean(calm >= value):21.1%}")
    levels_u = [decide(p, t).level for u, p, t in held if u]
    levels_c = [decide(p, t).level for u, p, t in held if not u]
    print(
        f"\nwith the lexicon floor at URGENT_AT={URGENT_AT}, CHECK_AT={CHECK_AT}: urgent lines "
        f"{levels_u.count('urgent') / len(levels_u):.1%} urgent, "
        f"{sum(x != 'calm' for x in levels_u) / len(levels_u):.1%} urgent or check; calm "
        f"lookalikes {levels_c.count('urgent') / len(levels_c):.1%} urgent, "
        f"{levels_c.count('check') / len(levels_c):.1%} check"
    )


if __name__ == "__main__":
    main()
