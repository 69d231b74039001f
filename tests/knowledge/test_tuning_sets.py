"""The tuning sets' training files are exactly what scripts/import_tuning_sets.py makes."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import yaml

from knowledge.learned import load_learned
from knowledge.loader import load_topics
from knowledge.model import topic_names

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "import_tuning_sets.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_tuning_sets", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_files_match_the_sets_they_come_from() -> None:
    script = _script()
    shipped = yaml.safe_load(script.EXAMPLES_OUT.read_text(encoding="utf-8"))
    assert shipped == script.examples(), "rerun scripts/import_tuning_sets.py"
    rows = script.TRIAGE_OUT.read_text(encoding="utf-8").splitlines()
    assert [json.loads(row) for row in rows] == script.triage_lines()


def test_every_generated_line_trains_a_live_topic_and_keeps_its_set() -> None:
    script = _script()
    problems: list[str] = []
    learned = load_learned(topic_names(load_topics()), script.EXAMPLES_OUT, problems)
    assert problems == []
    assert sum(map(len, learned.topics.values())) > 2000
    assert len(learned.out_of_scope) > 300
    entries = yaml.safe_load(script.EXAMPLES_OUT.read_text(encoding="utf-8"))["out_of_scope"]
    assert all(entry["from"].startswith(tuple(script.TOPIC_SETS)) for entry in entries)


def test_urgent_lines_teach_the_triage_not_a_topic() -> None:
    script = _script()
    urgent = {line["text"] for line in script.triage_lines() if line["label"] == "urgent"}
    topical = {
        entry["text"] for entries in script.examples()["topics"].values() for entry in entries
    }
    assert len(urgent) > 500
    assert not urgent & topical
