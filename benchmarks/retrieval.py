"""Retrieval and triage benchmark: model comparison, ablation, threshold curve, speed, memory.

Run: .venv/bin/python benchmarks/retrieval.py [FILE.jsonl ...] [--no-ablation]
Defaults to ../shared/eval/dev.jsonl (when present) and the labelled sets in benchmarks/data/.
Accuracy here runs triage and the retriever directly (no database); `migrasi-aman eval`
runs the whole engine and gives the contract figures. Lines with a "register" field are
also broken down by register.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

from knowledge.base import KnowledgeBase
from knowledge.learned import load_labelled
from knowledge.retriever import Retriever
from knowledge.safety import assess
from knowledge.topic_classifier import TextView

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
DEFAULT_FILES = [
    ROOT.parent / "shared" / "eval" / "dev.jsonl",
    DATA / "holdout.jsonl",
    DATA / "blind.jsonl",
    DATA / "blind2.jsonl",
    DATA / "blind3.jsonl",
    DATA / "blind4.jsonl",
    DATA / "blind5.jsonl",
    DATA / "triage_blind.jsonl",
]
THRESHOLDS = [0, 5, 10, 15, 20, 25, 30]
VIEWS = [
    TextView(normalise=False),
    TextView(normalise=True),
    TextView(normalise=True, regional=True),
    TextView(normalise=True, stem=True),
    TextView(normalise=True, stem=True, typos=True),
]


def load(path: Path) -> list[dict]:
    """Read a labelled JSONL file."""
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def topic_items(items: list[dict]) -> list[dict]:
    """Return the topic-labelled, non-urgent lines (what top-1 and abstention are measured on)."""
    return [item for item in items if "topics" in item and not item.get("urgent")]


def quality(retriever: Retriever, items: list[dict], threshold: float) -> tuple[float, float]:
    """Return (in-scope top-1, out-of-scope abstention) at a threshold."""
    right, total, abstained, oos = counts(retriever, items, threshold)
    return right / max(total, 1), abstained / max(oos, 1)


def counts(retriever: Retriever, items: list[dict], threshold: float) -> tuple[int, ...]:
    """Return (in-scope right, in-scope total, out-of-scope declined, out-of-scope total)."""
    right = total = abstained = oos = 0
    for item in items:
        ranking = retriever.rank(item["text"])
        best = ranking.best
        declined = ranking.declined or best is None or best.score < threshold
        answered = None if declined or best is None else best.topic_id
        if item["topics"]:
            total += 1
            right += answered in item["topics"] or (answered is None and item.get("null_ok", False))
        else:
            oos += 1
            abstained += answered is None
    return right, total, abstained, oos


def safety_figures(items: list[dict]) -> dict[str, float]:
    """Return urgent recall, urgent-or-check share, false urgent and check rates on calm."""
    urgent = [assess(item["text"]).level for item in items if item.get("urgent")]
    calm = [assess(item["text"]).level for item in items if not item.get("urgent")]
    return {
        "urgent": len(urgent),
        "calm": len(calm),
        "urgent_recall": urgent.count("urgent") / max(len(urgent), 1),
        "urgent_or_check": sum(level != "calm" for level in urgent) / max(len(urgent), 1),
        "false_urgent": calm.count("urgent"),
        "check_on_calm": calm.count("check"),
    }


def by_register(kb: KnowledgeBase, items: list[dict]) -> None:
    """Print top-1, abstention and urgent figures per register."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for item in items:
        groups[item.get("register", "-")].append(item)
    print("  register      n  top-1        abstain     urgent  urgent|check  false-urg  check-calm")
    for register, group in sorted(groups.items()):
        top, abstain = quality(kb.retriever, topic_items(group), kb.retriever.threshold)
        s = safety_figures(group)
        print(
            f"  {register:10s} {len(group):4d}  {top:6.1%}  {abstain:12.1%}  "
            f"{s['urgent_recall']:7.1%}  {s['urgent_or_check']:12.1%}  "
            f"{s['false_urgent']:4d}/{s['calm']:<4d}  {s['check_on_calm']:4d}/{s['calm']}"
        )


def latency(kb: KnowledgeBase, texts: list[str], rounds: int = 3) -> tuple[float, float, float]:
    """Return p50 and p99 milliseconds of triage plus ranking per message, over every round,
    and the p99 of each message's fastest round: its own cost without the machine's jitter
    (a busy or shared machine stretches single samples, not every round of one message)."""
    samples: list[float] = []
    fastest = [float("inf")] * len(texts)
    for _ in range(rounds):
        for position, text in enumerate(texts):
            start = time.perf_counter()
            assess(text)
            kb.rank(text)
            elapsed = (time.perf_counter() - start) * 1000
            samples.append(elapsed)
            fastest[position] = min(fastest[position], elapsed)
    samples.sort()
    fastest.sort()
    return (
        statistics.median(samples),
        samples[int(len(samples) * 0.99) - 1],
        fastest[max(0, int(len(fastest) * 0.99) - 1)],
    )


def main() -> None:
    """Print the figures for each file."""
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--no-ablation", action="store_true", help="skip the model comparison")
    args = parser.parse_args()
    files = args.files or [path for path in DEFAULT_FILES if path.exists()]

    start = time.perf_counter()
    kb = KnowledgeBase.load()
    load_seconds = time.perf_counter() - start
    # Memory is measured on a second load: tracing slows the first, timed one.
    tracemalloc.start()
    KnowledgeBase.load()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    threshold = kb.retriever.threshold
    print(
        f"knowledge load (models from cache): {load_seconds * 1000:.0f} ms, peak memory "
        f"{peak / 1e6:.1f} MB, {len(kb.topics)} topics, threshold {threshold}"
    )
    sets = {path.name: load(path) for path in files}

    if not args.no_ablation:
        # The same training lines as the knowledge base: its topics already carry the
        # learned and written examples; the out-of-scope group needs theirs added too.
        topics = list(kb.topics.values())
        learned = load_labelled(kb.names)
        out_of_scope = learned.everyday()
        rows: list[tuple[str, Retriever]] = [
            (
                "lexical ranker (normaliser, stemmer, typos)",
                Retriever(topics, threshold, out_of_scope, mode="lexical"),
            ),
        ]
        for view in VIEWS:
            rows.append(
                (
                    f"classifier, {view.describe()}",
                    Retriever(topics, threshold, out_of_scope, mode="classifier", view=view),
                )
            )
        rows.append(("ensemble (default)", kb.retriever))
        rows.append(
            (
                "ensemble without the regional words",
                Retriever(topics, threshold, out_of_scope, view=TextView(normalise=True)),
            )
        )
        print("\nmodel comparison and ablation: top-1 / abstention at the default threshold")
        print("  " + " | ".join(name for name in sets) + " | all sets pooled")
        for name, retriever in rows:
            cells = []
            pooled = [0, 0, 0, 0]
            for items in sets.values():
                labelled = topic_items(items)
                if labelled:
                    found = counts(retriever, labelled, threshold)
                    pooled = [a + b for a, b in zip(pooled, found, strict=True)]
                    right, total, abstained, oos = found
                    cells.append(f"{right / max(total, 1):.1%}/{abstained / max(oos, 1):.0%}")
                else:
                    cells.append("-")
            cells.append(f"{pooled[0]}/{pooled[1]} {pooled[2]}/{pooled[3]}")
            print(f"  {name:48s} " + "  ".join(cells))

    for name, items in sets.items():
        print(f"\n{name}: {len(items)} messages")
        s = safety_figures(items)
        print(
            f"  safety: urgent {s['urgent_recall']:.1%} of {s['urgent']}, urgent or check "
            f"{s['urgent_or_check']:.1%}, false urgent {s['false_urgent']}/{s['calm']}, "
            f"check on calm {s['check_on_calm']}/{s['calm']}"
        )
        labelled = topic_items(items)
        if labelled:
            print("  threshold  in-scope-acc  oos-abstain")
            for value in THRESHOLDS:
                top, abstain = quality(kb.retriever, labelled, value)
                marker = " <" if value == threshold else ""
                print(f"  {value:9.0f}  {top:11.1%}  {abstain:11.1%}{marker}")
        if any("register" in item for item in items):
            by_register(kb, items)
        p50, p99, p99_fastest = latency(kb, [item["text"] for item in items])
        print(
            f"  latency per message (triage + ranking): p50 {p50:.2f} ms, p99 {p99:.2f} ms; "
            f"p99 of each message's fastest round {p99_fastest:.2f} ms"
        )


if __name__ == "__main__":
    main()
