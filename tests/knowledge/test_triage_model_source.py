"""One triage model per content: whoever asks first, and whatever a test loaded before."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge import safety
from knowledge.base import KnowledgeBase
from knowledge.loader import CONTENT_DIR
from knowledge.safety import read

# Lines whose scores differ between a model with and without the written example sets.
PROBES = [
    "tukang las kapal",
    "anak gadis tetangga dibawa sponsor malam ini tanpa izin orang tuanya",
    "majikan melarang saya ke dokter padahal saya sesak napas",
    "kalau nanti di penampungan sakit, siapa yang tanggung biaya",
]


def _scores(model: safety.SafetyClassifier) -> list[float]:
    return [model.probability(read(text)) for text in PROBES]


def test_asking_before_the_knowledge_base_loads_gives_its_model(
    knowledge: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _scores(safety.classifier())
    monkeypatch.setattr(safety, "_classifier", None)  # as in a process that never loaded it
    assert _scores(safety.classifier()) == pytest.approx(expected, abs=1e-12)


# The model a test left behind, recorded by the first of the two tests below.
_LEFT: dict[str, object] = {}


@pytest.fixture
def other_content(tmp_path: Path) -> Path:
    """A content folder holding one file of the real content."""
    content = tmp_path / "content"
    source = sorted(CONTENT_DIR.glob("*/*.yaml"))[0]
    target = content / source.parent.name / source.name
    target.parent.mkdir(parents=True)
    entry = yaml.safe_load(source.read_text(encoding="utf-8"))
    entry.pop("related", None)  # it names topics this folder does not have
    target.write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    return content


def test_loading_other_content_retrains_the_process_model(
    knowledge: KnowledgeBase, other_content: Path
) -> None:
    real = safety.classifier()
    KnowledgeBase.load(other_content, spec_path=None)
    assert safety.classifier() is not real
    assert _scores(safety.classifier()) != _scores(real)
    _LEFT["real"], _LEFT["other"] = real, safety.classifier()


def test_the_next_test_gets_the_real_model_back(knowledge: KnowledgeBase) -> None:
    # Runs after the test above (file order): conftest put the real model back in between.
    if not _LEFT:
        pytest.skip("run with the test above")
    assert safety.classifier() is _LEFT["real"]
