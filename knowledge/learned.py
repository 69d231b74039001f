"""Examples labelled from the review queue (knowledge/learned.yaml), validated and merged in.

`migrasi-aman review assign` appends to the file; here it is read back: topic examples
join their topic, out-of-scope lines join that group, and triage lines join the safety
classifier's training corpus. Every entry keeps where it came from.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from knowledge.loader import load_out_of_scope
from knowledge.model import Topic
from knowledge.model_cache import cached, content_hash

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

LEARNED_PATH = Path(__file__).resolve().parent / "learned.yaml"
# Labelled example sets written for training (one file per writer, same schema as
# learned.yaml). Every entry names its writer in `from`.
EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
SAFETY_LABELS = ("urgent", "calm")


@dataclass(frozen=True, slots=True)
class Learned:
    """The labelled lines, by destination."""

    topics: dict[str, tuple[str, ...]] = field(default_factory=dict)
    out_of_scope: tuple[str, ...] = ()
    triage: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def plus(self, other: Learned) -> Learned:
        """Return both sets of labelled lines, this one's first."""
        topics = dict(self.topics)
        for topic_id, texts in other.topics.items():
            topics[topic_id] = topics.get(topic_id, ()) + texts
        triage = dict(self.triage)
        for label, texts in other.triage.items():
            triage[label] = triage.get(label, ()) + texts
        return Learned(topics, self.out_of_scope + other.out_of_scope, triage)

    def everyday(self) -> list[str]:
        """Return the content's out-of-scope group and the labelled out-of-scope lines.

        The retriever declines them and the triage reads them as calm.
        """
        return [*load_out_of_scope(), *self.out_of_scope]

    def merge(self, topics: list[Topic]) -> list[Topic]:
        """Return the topics with their learned examples appended."""
        return [
            replace(topic, examples=topic.examples + self.topics[topic.id])
            if topic.id in self.topics
            else topic
            for topic in topics
        ]


def parsed_yaml(text: str) -> dict[str, Any]:
    """Return a labelled file's YAML, from the model cache when this text was parsed before.

    The example sets are large: parsing them took most of a start-up (over a second), where
    loading the parsed copy takes a few milliseconds. The key is the text itself.
    """

    def parse() -> dict[str, Any]:
        # libyaml's loader when present: the Python one is several times slower.
        return yaml.load(text, Loader=YAML_LOADER) or {}  # noqa: S506

    return cached("labelled", content_hash("labelled", text), parse)


def _texts(entries: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(entries, list):
        problems.append(f"{where}: must be a list")
        return ()
    texts = []
    for index, entry in enumerate(entries):
        ok = (
            isinstance(entry, dict) and isinstance(entry.get("text"), str) and entry["text"].strip()
        )
        if not ok or not entry.get("from"):
            problems.append(f"{where}[{index}]: needs text and from (provenance)")
            continue
        texts.append(entry["text"].strip())
    return tuple(texts)


def id_map(topic_ids: Collection[str] | Mapping[str, str]) -> Mapping[str, str]:
    """Return the ids a label may use, each mapped to the live topic it trains."""
    if isinstance(topic_ids, Mapping):
        return topic_ids
    return {topic_id: topic_id for topic_id in topic_ids}


def load_learned(
    topic_ids: Collection[str] | Mapping[str, str],
    path: Path = LEARNED_PATH,
    problems: list[str] | None = None,
) -> Learned:
    """Read the learned-examples file; problems are appended as `file: field: problem` text.

    `topic_ids` is either the live ids or `topic_names(...)`, which also maps the old id of a
    folded page to the page it was folded into: lines labelled with it train that page.
    """
    problems = problems if problems is not None else []
    names = id_map(topic_ids)
    if not path.exists():
        return Learned()
    raw = parsed_yaml(path.read_text(encoding="utf-8"))
    name = path.name
    topics: dict[str, tuple[str, ...]] = {}
    for topic_id, entries in (raw.get("topics") or {}).items():
        if topic_id not in names:
            problems.append(f"{name}: topics.{topic_id}: unknown topic id")
            continue
        live = names[topic_id]
        topics[live] = topics.get(live, ()) + _texts(
            entries, f"{name}: topics.{topic_id}", problems
        )
    triage: dict[str, tuple[str, ...]] = {}
    for label, entries in (raw.get("triage") or {}).items():
        if label not in SAFETY_LABELS:
            problems.append(f"{name}: triage.{label}: must be urgent or calm")
            continue
        triage[label] = _texts(entries, f"{name}: triage.{label}", problems)
    out_of_scope = _texts(raw.get("out_of_scope") or [], f"{name}: out_of_scope", problems)
    return Learned(topics, out_of_scope, triage)


def load_labelled(
    topic_ids: Collection[str] | Mapping[str, str],
    problems: list[str] | None = None,
    learned_path: Path = LEARNED_PATH,
    examples_dir: Path = EXAMPLES_DIR,
) -> Learned:
    """Read the review queue's labels and every written example set, in a stable order."""
    names = id_map(topic_ids)
    labelled = load_learned(names, learned_path, problems)
    for path in sorted(examples_dir.glob("*.yaml")):
        labelled = labelled.plus(load_learned(names, path, problems))
    return labelled
