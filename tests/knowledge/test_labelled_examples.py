"""Written example sets (knowledge/examples/*.yaml) join the review queue's labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.learned import EXAMPLES_DIR, load_labelled, load_learned

TOPICS = {"negara.taiwan", "utang.rentenir"}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_every_example_file_is_merged_after_the_review_labels(tmp_path: Path) -> None:
    learned = _write(
        tmp_path / "learned.yaml",
        "topics:\n  negara.taiwan:\n    - {text: kerja di taiwan, from: review#1}\n",
    )
    examples = tmp_path / "examples"
    examples.mkdir()
    _write(
        examples / "b.yaml",
        "topics:\n  negara.taiwan:\n    - {text: taiwan b, from: writer b}\n"
        "triage:\n  urgent:\n    - {text: tulung aku dikunci, from: writer b, kind: x}\n",
    )
    _write(
        examples / "a.yaml",
        "topics:\n  negara.taiwan:\n    - {text: taiwan a, from: writer a}\n"
        "out_of_scope:\n  - {text: cuaca taipei, from: writer a}\n",
    )
    problems: list[str] = []
    labelled = load_labelled(TOPICS, problems, learned, examples)
    assert problems == []
    assert labelled.topics["negara.taiwan"] == ("kerja di taiwan", "taiwan a", "taiwan b")
    assert labelled.out_of_scope == ("cuaca taipei",)
    assert labelled.triage["urgent"] == ("tulung aku dikunci",)


def test_an_example_without_its_writer_or_with_an_unknown_topic_is_a_problem(
    tmp_path: Path,
) -> None:
    examples = tmp_path / "examples"
    examples.mkdir()
    _write(
        examples / "w.yaml",
        "topics:\n  negara.pluto:\n    - {text: x, from: w}\n"
        "  utang.rentenir:\n    - {text: no provenance}\n",
    )
    problems: list[str] = []
    labelled = load_labelled(TOPICS, problems, tmp_path / "none.yaml", examples)
    assert any("negara.pluto" in problem for problem in problems)
    assert any("provenance" in problem for problem in problems)
    assert labelled.topics["utang.rentenir"] == ()


def test_the_shipped_example_sets_validate() -> None:
    problems: list[str] = []
    from knowledge.loader import load_topics
    from knowledge.model import topic_names

    # The live ids and the old ids of folded pages, as `kb check` and the bot read them.
    load_labelled(topic_names(load_topics()), problems)
    assert problems == []
    assert EXAMPLES_DIR.is_dir()


def test_a_labelled_file_is_parsed_once_and_an_edit_is_read_fresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIGRASI_MODEL_CACHE", str(tmp_path / "cache"))
    learned = _write(
        tmp_path / "learned.yaml", "topics:\n  negara.taiwan:\n    - {text: satu, from: w}\n"
    )
    assert load_learned(TOPICS, learned).topics["negara.taiwan"] == ("satu",)
    assert len(list((tmp_path / "cache").glob("labelled-*.pickle"))) == 1
    assert load_learned(TOPICS, learned).topics["negara.taiwan"] == ("satu",)
    assert len(list((tmp_path / "cache").glob("labelled-*.pickle"))) == 1
    _write(learned, "topics:\n  negara.taiwan:\n    - {text: dua, from: w}\n")
    assert load_learned(TOPICS, learned).topics["negara.taiwan"] == ("dua",)
