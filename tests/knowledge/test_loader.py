"""The knowledge validator reports each problem as `file: field: problem`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.loader import KnowledgeError, load_topics, spec_topic_ids

SHARED_SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "topics.yaml"


def _entry(topic_id: str = "tppo.calo", **overrides: object) -> dict:
    category = topic_id.split(".")[0]
    entry = {
        "id": topic_id,
        "category": category,
        "title": {"id": "Judul", "en": "Title"},
        "answer": {"id": "Jawaban singkat.", "en": "Short answer."},
        "examples": [f"contoh pertanyaan {topic_id} {n}" for n in range(12)],
        "related": [],
        "sources": [
            {
                "title": {"id": "UU No. 18 Tahun 2017", "en": "Law No. 18 of 2017"},
                "url": "https://pasal.id/peraturan/uu/uu-no-18-tahun-2017",
                "official": True,
            }
        ],
        "reviewed": "2026-11-23",
    }
    entry.update(overrides)
    return entry


def _write(root: Path, entry: dict) -> None:
    category, name = entry["id"].split(".", 1)
    folder = root / "content" / category
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(entry, allow_unicode=True))


def _problems(tmp_path: Path, *entries: dict) -> list[str]:
    for entry in entries:
        _write(tmp_path, entry)
    with pytest.raises(KnowledgeError) as caught:
        load_topics(tmp_path / "content", spec_path=None)
    return [str(problem) for problem in caught.value.problems]


def test_valid_entry_loads(tmp_path: Path) -> None:
    _write(tmp_path, _entry())
    [topic] = load_topics(tmp_path / "content", spec_path=None)
    assert topic.id == "tppo.calo" and topic.sources[0].title == "UU No. 18 Tahun 2017"


def test_missing_field_is_reported_with_file_and_field(tmp_path: Path) -> None:
    entry = _entry()
    del entry["reviewed"]
    assert "content/tppo/calo.yaml: reviewed: missing" in _problems(tmp_path, entry)


def test_missing_source_is_reported(tmp_path: Path) -> None:
    problems = _problems(tmp_path, _entry(sources=[]))
    assert any("sources" in problem for problem in problems)


def test_unknown_related_id_is_reported(tmp_path: Path) -> None:
    problems = _problems(tmp_path, _entry(related=["tppo.tidak_ada"]))
    assert "content/tppo/calo.yaml: related: unknown topic id 'tppo.tidak_ada'" in problems


def test_duplicate_example_across_files_is_reported(tmp_path: Path) -> None:
    first = _entry("tppo.calo")
    second = _entry(
        "tppo.gaji", examples=[*first["examples"][:1], *[f"lain {n}" for n in range(12)]]
    )
    problems = _problems(tmp_path, first, second)
    assert any("duplicate example" in problem for problem in problems)


def test_duplicate_id_is_reported(tmp_path: Path) -> None:
    _write(tmp_path, _entry("tppo.calo"))
    copy = _entry("tppo.calo", examples=[f"beda {n}" for n in range(12)])
    (tmp_path / "content" / "tppo" / "calo2.yaml").write_text(yaml.safe_dump(copy))
    with pytest.raises(KnowledgeError) as caught:
        load_topics(tmp_path / "content", spec_path=None)
    # The id/file-name rule is what makes a second file with the same id impossible.
    assert "content/tppo/calo2.yaml: id: file should be named calo.yaml" in [
        str(problem) for problem in caught.value.problems
    ]


def test_spec_topic_without_entry_is_reported(tmp_path: Path) -> None:
    _write(tmp_path, _entry())
    spec = tmp_path / "topics.yaml"
    spec.write_text("tppo:\n  tppo.calo: {}\n  tppo.gaji: {}\n")
    with pytest.raises(KnowledgeError) as caught:
        load_topics(tmp_path / "content", spec_path=spec)
    assert [str(p) for p in caught.value.problems] == [
        "(spec): tppo.gaji: topic in topics.yaml has no entry"
    ]


def test_too_few_examples_are_reported(tmp_path: Path) -> None:
    problems = _problems(tmp_path, _entry(examples=["satu", "dua"]))
    assert any("at least 12 needed" in problem for problem in problems)


def test_shipped_knowledge_base_is_valid_and_covers_the_spec() -> None:
    topics = load_topics()
    ids = {topic.id for topic in topics}
    assert set(spec_topic_ids()) <= ids
    assert all(topic.sources and topic.reviewed for topic in topics)


@pytest.mark.skipif(not SHARED_SPEC.exists(), reason="shared/spec is not beside the checkout")
def test_bundled_spec_matches_the_shared_one() -> None:
    assert set(spec_topic_ids(SHARED_SPEC)) <= set(spec_topic_ids())
