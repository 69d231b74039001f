"""Leave-one-set-out: does training on the sets already read help on a set nobody trained on?

Run: .venv/bin/python benchmarks/leave_one_set_out.py [--without-sets] [--triage] [--sweep]
     [--no-regional] [--misses FILE] [--mode ensemble|classifier|lexical] [--stem] [--typos]

The sets in benchmarks/data/ that were read once as blind sets (blind4 onwards) are training data
now (scripts/import_tuning_sets.py). For each of them, train on everything else (the content,
the written example sets and the other tuning sets) and score the held-out one; with
`--without-sets` no tuning set is trained on, which is the baseline. Prints top-1 and
abstention per held-out set and pooled, or with `--triage` the safety figures. `--sweep`
also prints the pooled figures for other abstention rules (answer threshold, and a factor on
the out-of-scope group's score), from the same scores.
Each row trains the models afresh in a throw-away cache: several minutes in all.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
SCRIPT = ROOT / "scripts" / "import_tuning_sets.py"


def _tuning_sets() -> Any:
    spec = importlib.util.spec_from_file_location("import_tuning_sets", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_set(name: str) -> list[dict[str, Any]]:
    """Return a set's labelled lines."""
    text = (DATA / f"{name}.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def main() -> None:
    """Print one row per held-out set and the pooled row."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--without-sets", action="store_true", help="train on no tuning set")
    parser.add_argument("--triage", action="store_true", help="score the safety triage instead")
    parser.add_argument("--sweep", action="store_true", help="also try other abstention rules")
    parser.add_argument(
        "--no-regional", action="store_true", help="train the classifier without regional words"
    )
    parser.add_argument("--misses", type=Path, help="write each wrong topic line here (JSON lines)")
    parser.add_argument(
        "--mode",
        choices=("ensemble", "classifier", "lexical"),
        default="ensemble",
        help="which retriever to score (the product uses the ensemble)",
    )
    parser.add_argument("--stem", action="store_true", help="the classifier also stems")
    parser.add_argument("--typos", action="store_true", help="the classifier also corrects typos")
    args = parser.parse_args()
    # Fresh models for every row, never the shared cache (set before the models are imported).
    os.environ["MIGRASI_MODEL_CACHE"] = tempfile.mkdtemp(prefix="loso-")

    from knowledge.learned import load_learned
    from knowledge.loader import load_topics
    from knowledge.model import topic_names
    from knowledge.ranking import Ranking
    from knowledge.retriever import DEFAULT_THRESHOLD, Retriever
    from knowledge.safety import LabelledMessage, decide, read, train_cached, training_messages
    from knowledge.topic_classifier import DEFAULT_VIEW

    sets = _tuning_sets()
    topics = load_topics()
    names = topic_names(topics)
    # Everything but the generated files: the review labels and every written example set.
    labelled = load_learned(names, ROOT / "knowledge" / "learned.yaml")
    for path in sorted((ROOT / "knowledge" / "examples").glob("*.yaml")):
        if path != sets.EXAMPLES_OUT:
            labelled = labelled.plus(load_learned(names, path))
    topics = labelled.merge(topics)
    everyday = labelled.everyday()
    corpus = Path(tempfile.mkdtemp(prefix="loso-corpus-"))
    for path in sorted((ROOT / "knowledge" / "triage").glob("*.jsonl")):
        if path != sets.TRIAGE_OUT:
            (corpus / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    pooled = [0, 0, 0, 0, 0, 0]
    misses: list[dict[str, Any]] = []
    rules = itertools.product(THRESHOLDS, OUT_OF_SCOPE_FACTORS) if args.sweep else ()
    swept: dict[tuple[float, float], list[int]] = {rule: [0, 0, 0, 0] for rule in rules}
    for held in sets.TOPIC_SETS:
        others = [] if args.without_sets else [n for n in sets.TOPIC_SETS if n != held]
        lines = [item for name in others for item in read_set(name)]
        if args.triage:
            ordinary = [text for topic in topics for text in topic.examples + topic.examples_en]
            messages = training_messages(corpus, ordinary=ordinary, everyday=everyday)
            for label, texts in labelled.triage.items():
                messages += [LabelledMessage(text, label == "urgent") for text in texts]
            messages += [LabelledMessage(item["text"], bool(item.get("urgent"))) for item in lines]
            model = train_cached(messages)
            row = [0, 0, 0, 0, 0, 0]  # urgent, hit, hit-or-check, calm, false urgent, check
            for item in read_set(held):
                reading = read(item["text"])
                level = decide(model.probability(reading), reading).level
                if item.get("urgent"):
                    row[0] += 1
                    row[1] += level == "urgent"
                    row[2] += level != "calm"
                else:
                    row[3] += 1
                    row[4] += level == "urgent"
                    row[5] += level == "check"
            print(
                f"{held:8s} urgent {row[1]}/{row[0]}  urgent|check {row[2]}/{row[0]}  "
                f"false urgent {row[4]}/{row[3]}  check on calm {row[5]}/{row[3]}",
                flush=True,
            )
        else:
            extra: dict[str, tuple[str, ...]] = {}
            extra_everyday = []
            for item in lines:
                if item.get("urgent") or "topics" not in item:
                    continue
                if not item["topics"]:
                    extra_everyday.append(item["text"])
                elif live := names.get(item["topics"][0]):
                    extra[live] = (*extra.get(live, ()), item["text"])
            trained = [replace(t, examples=t.examples + extra.get(t.id, ())) for t in topics]
            retriever = Retriever(
                trained,
                DEFAULT_THRESHOLD,
                out_of_scope=everyday + extra_everyday,
                mode=args.mode,
                view=replace(
                    DEFAULT_VIEW, regional=not args.no_regional, stem=args.stem, typos=args.typos
                ),
            )
            row = [0, 0, 0, 0, 0, 0]  # right, in scope, declined, out of scope
            for item in read_set(held):
                if item.get("urgent") or "topics" not in item:
                    continue
                # Scored once: the product's rule and every swept rule read the same scores.
                scores = retriever.scores(item["text"])
                got = Ranking.from_scores(retriever.owners, scores, retriever.threshold).topic_id
                if swept:
                    for rule, counts in swept.items():
                        outcome = _outcome(retriever.owners, scores, item, *rule)
                        counts[:] = [a + b for a, b in zip(counts, outcome, strict=True)]
                if item["topics"]:
                    row[1] += 1
                    right = got in item["topics"] or (got is None and bool(item.get("null_ok")))
                    row[0] += right
                    if not right:
                        misses.append({"set": held, **item, "got": got})
                else:
                    row[3] += 1
                    row[2] += got is None
            print(
                f"{held:8s} top-1 {row[0]}/{row[1]} {row[0] / row[1]:.1%}  "
                f"abstention {row[2]}/{row[3]}",
                flush=True,
            )
        pooled = [a + b for a, b in zip(pooled, row, strict=True)]
    print("pooled  ", pooled)
    if args.misses:
        args.misses.write_text(
            "".join(json.dumps(miss, ensure_ascii=False) + "\n" for miss in misses),
            encoding="utf-8",
        )
    for (threshold, factor), (right, in_scope, declined, out) in swept.items():
        print(
            f"threshold {threshold:4.1f}  out-of-scope x{factor:.2f}  top-1 {right}/{in_scope} "
            f"{right / in_scope:.1%}  abstention {declined}/{out} {declined / out:.1%}"
        )


# The abstention rules --sweep tries: the answer threshold and a factor on the out-of-scope
# group's score (1.0 and DEFAULT_THRESHOLD are the product's rule).
THRESHOLDS = (6.0, 8.0, 10.0, 12.0)
OUT_OF_SCOPE_FACTORS = (0.8, 0.9, 1.0, 1.1)


def _outcome(
    owners: list[str], scores: Any, item: dict[str, Any], threshold: float, factor: float
) -> tuple[int, int, int, int]:
    """Return (right, in scope, declined, out of scope) for one line under one rule."""
    from knowledge.ranking import OUT_OF_SCOPE, Ranking

    scaled = [s * factor if o == OUT_OF_SCOPE else s for o, s in zip(owners, scores, strict=True)]
    got = Ranking.from_scores(owners, scaled, threshold).topic_id
    if item["topics"]:
        right = got in item["topics"] or (got is None and bool(item.get("null_ok")))
        return int(right), 1, 0, 0
    return 0, 0, int(got is None), 1


if __name__ == "__main__":
    main()
