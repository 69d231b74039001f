"""The learning loop's review items, and where a maintainer's label sends each message.

A label is a topic id, "out_of_scope", "urgent" or "calm". Topic and out-of-scope labels
become example questions for the retriever; urgent and calm become triage training lines.
They are appended to knowledge/learned.yaml with their provenance (the review item and
the date), and `migrasi-aman kb check` validates that file with the rest of the content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from knowledge.learned import LEARNED_PATH, SAFETY_LABELS

OUT_OF_SCOPE_LABEL = "out_of_scope"


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One distinct message in the review queue."""

    id: int
    kind: str
    text: str | None
    scores: dict[str, float]
    count: int
    last_seen: datetime
    label: str | None = None


def valid_label(label: str, topic_ids: set[str]) -> bool:
    """Return True for a label a maintainer may assign."""
    return label in topic_ids or label in (OUT_OF_SCOPE_LABEL, *SAFETY_LABELS)


def append_learned(
    text: str, label: str, provenance: str, on: date, path: Path = LEARNED_PATH
) -> None:
    """Append one labelled message to the learned-examples file."""
    data: dict[str, Any] = {}
    if path.exists():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entry = {"text": text, "from": provenance, "on": on.isoformat()}
    if label in SAFETY_LABELS:
        data.setdefault("triage", {}).setdefault(label, []).append(entry)
    elif label == OUT_OF_SCOPE_LABEL:
        data.setdefault("out_of_scope", []).append(entry)
    else:
        data.setdefault("topics", {}).setdefault(label, []).append(entry)
    header = (
        "# Messages labelled from the review queue (`migrasi-aman review assign`), with\n"
        "# provenance. Loaded with the content: topics and out_of_scope train the retriever,\n"
        "# triage trains the safety classifier. Validated by `migrasi-aman kb check`.\n"
    )
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=True, width=100)
    path.write_text(header + body, encoding="utf-8")
