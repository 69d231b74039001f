"""Leave-one-writer-out estimate: train without one written example set, score on its lines.

Run: .venv/bin/python benchmarks/leave_one_writer_out.py [writer5 writer6 ...]

Each file in knowledge/examples/ was written by one writer for registers the models read
badly. Training on every file but one and scoring that one's lines estimates how the
retriever and the triage do on wording nobody tuned on, which a single blind set is too
small to show: a change is worth keeping when it helps here as well as on the blind sets.
Prints, per held-out writer and pooled: in-scope top-1, out-of-scope abstention, urgent
recall, urgent-or-check, false urgent and check on calm.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.learned import EXAMPLES_DIR, LEARNED_PATH, Learned, load_learned
from knowledge.loader import load_topics
from knowledge.model import topic_names
from knowledge.retriever import DEFAULT_THRESHOLD, Retriever
from knowledge.safety import (
    LabelledMessage,
    decide,
    read,
    train_cached,
    training_messages,
)


@dataclass
class Figures:
    """Counts for one held-out writer (or several, pooled)."""

    right: int = 0
    in_scope: int = 0
    abstained: int = 0
    out_of_scope: int = 0
    urgent_hit: int = 0
    urgent_or_check: int = 0
    urgent: int = 0
    false_urgent: int = 0
    check_on_calm: int = 0
    calm: int = 0

    def plus(self, other: Figures) -> Figures:
        """Return both writers' counts added."""
        names = self.__dataclass_fields__
        return Figures(**{name: getattr(self, name) + getattr(other, name) for name in names})

    def row(self) -> str:
        """Return the figures as one table row."""

        def share(part: int, whole: int) -> str:
            return f"{part / whole:6.1%}" if whole else "     -"

        return (
            f"{share(self.right, self.in_scope)} {self.right:4d}/{self.in_scope:<4d} "
            f"{share(self.abstained, self.out_of_scope)} "
            f"{share(self.urgent_hit, self.urgent)} {share(self.urgent_or_check, self.urgent)} "
            f"{share(self.false_urgent, self.calm)} {share(self.check_on_calm, self.calm)}"
        )


def written_sets(examples_dir: Path = EXAMPLES_DIR) -> list[Path]:
    """Return the written example files, in name order."""
    return sorted(examples_dir.glob("*.yaml"))


def held_out(held: Path, every: Sequence[Path], *, triage: bool = True) -> Figures:
    """Train on every written set but `held` and score on `held`'s lines."""
    topics = load_topics()
    ids = topic_names(topics)
    labelled = load_learned(ids, LEARNED_PATH)
    for path in every:
        if path != held:
            labelled = labelled.plus(load_learned(ids, path))
    topics = labelled.merge(topics)
    everyday = labelled.everyday()
    retriever = Retriever(topics, DEFAULT_THRESHOLD, out_of_scope=everyday)
    test: Learned = load_learned(ids, held)
    figures = Figures()
    for topic_id, texts in test.topics.items():
        for text in texts:
            figures.in_scope += 1
            figures.right += retriever.rank(text).topic_id == topic_id
    for text in test.out_of_scope:
        figures.out_of_scope += 1
        figures.abstained += retriever.rank(text).topic_id is None
    if not triage or not test.triage:
        return figures
    ordinary = [text for topic in topics for text in topic.examples + topic.examples_en]
    messages = training_messages(ordinary=ordinary, everyday=everyday)
    for label, texts in labelled.triage.items():
        messages += [LabelledMessage(text, label == "urgent") for text in texts]
    model = train_cached(messages)
    for label, texts in test.triage.items():
        for text in texts:
            reading = read(text)
            level = decide(model.probability(reading), reading).level
            if label == "urgent":
                figures.urgent += 1
                figures.urgent_hit += level == "urgent"
                figures.urgent_or_check += level != "calm"
            else:
                figures.calm += 1
                figures.false_urgent += level == "urgent"
                figures.check_on_calm += level == "check"
    return figures


def main() -> None:
    """Print the table, one row per held-out writer and the pooled row."""
    parser = argparse.ArgumentParser()
    parser.add_argument("writers", nargs="*", help="file stems to hold out (default: all)")
    parser.add_argument("--no-triage", action="store_true", help="skip the safety classifier")
    args = parser.parse_args()
    every = written_sets()
    chosen = [path for path in every if not args.writers or path.stem in args.writers]
    print("held out    top-1   right/n    abstain urgent  urg|chk false-u check-calm")
    pooled = Figures()
    for path in chosen:
        figures = held_out(path, every, triage=not args.no_triage)
        pooled = pooled.plus(figures)
        print(f"{path.stem:10s} {figures.row()}", flush=True)
    print(f"{'pooled':10s} {pooled.row()}")


if __name__ == "__main__":
    main()
