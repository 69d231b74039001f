"""Retrieval benchmark: accuracy and the abstention-threshold curve, latency, load time and memory.

Run: .venv/bin/python benchmarks/retrieval.py [FILE.jsonl ...]
Defaults to ../shared/eval/dev.jsonl (when present) and the sets in benchmarks/data/
(holdout, blind, blind2: topic-labelled; triage_blind: urgent-labelled only).
Accuracy here runs triage and the retriever directly (no database); `migrasi-aman eval`
runs the whole engine and gives the contract figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import tracemalloc
from pathlib import Path

from knowledge.base import KnowledgeBase
from knowledge.safety import assess

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
DEFAULT_FILES = [
    ROOT.parent / "shared" / "eval" / "dev.jsonl",
    DATA / "holdout.jsonl",
    DATA / "blind.jsonl",
    DATA / "blind2.jsonl",
    DATA / "triage_blind.jsonl",
]
THRESHOLDS = [10, 12, 13, 14, 15, 16, 18, 20, 22, 24]


def load(path: Path) -> list[dict]:
    """Read a labelled JSONL file."""
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def curve(kb: KnowledgeBase, items: list[dict]) -> list[tuple[float, float, float]]:
    """Return (threshold, in-scope accuracy, out-of-scope abstention) for each threshold."""
    ranked = []
    for item in items:
        if "topics" not in item or item.get("urgent") or assess(item["text"]).urgent:
            continue
        best = kb.rank(item["text"]).best
        ranked.append((item, best.topic_id if best else None, best.score if best else 0.0))
    rows = []
    for threshold in THRESHOLDS:
        right = total = abstained = oos = 0
        for item, topic, score in ranked:
            answered = topic if score >= threshold else None
            if item.get("topics"):
                total += 1
                right += answered in item["topics"] or (
                    answered is None and item.get("null_ok", False)
                )
            else:
                oos += 1
                abstained += answered is None
        if total or oos:
            rows.append((threshold, right / max(total, 1), abstained / max(oos, 1)))
    return rows


def triage_figures(items: list[dict]) -> tuple[float, int, int]:
    """Return urgent recall, false alarms and the number of ordinary messages."""
    urgent = [item for item in items if item.get("urgent")]
    ordinary = [item for item in items if not item.get("urgent")]
    found = sum(assess(item["text"]).urgent for item in urgent)
    false = sum(assess(item["text"]).urgent for item in ordinary)
    return found / max(len(urgent), 1), false, len(ordinary)


def latency(kb: KnowledgeBase, texts: list[str], rounds: int = 5) -> tuple[float, float]:
    """Return p50 and p99 milliseconds of triage plus ranking per message."""
    samples = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            assess(text)
            kb.rank(text)
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def main() -> None:
    """Print the figures for each file."""
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
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
    print(
        f"knowledge load: {load_seconds * 1000:.0f} ms, peak memory {peak / 1e6:.1f} MB, "
        f"{len(kb.topics)} topics, threshold {kb.retriever.threshold}"
    )
    for path in files:
        items = load(path)
        print(f"\n{path.name}: {len(items)} messages")
        recall, false, ordinary = triage_figures(items)
        print(f"  urgent recall {recall:.1%}, false urgent {false}/{ordinary}")
        print("  threshold  in-scope-acc  oos-abstain")
        for threshold, accuracy, abstention in curve(kb, items):
            marker = " <" if threshold == kb.retriever.threshold else ""
            print(f"  {threshold:9.0f}  {accuracy:11.1%}  {abstention:11.1%}{marker}")
        p50, p99 = latency(kb, [item["text"] for item in items])
        print(f"  latency per message: p50 {p50:.2f} ms, p99 {p99:.2f} ms")


if __name__ == "__main__":
    main()
