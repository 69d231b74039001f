"""Trained models are cached by a hash of their training data, and never served stale."""

from __future__ import annotations

from pathlib import Path

from knowledge.base import KnowledgeBase
from knowledge.loader import load_out_of_scope, load_topics
from knowledge.model_cache import cached, code_fingerprint, content_hash
from knowledge.retriever import Retriever, training_examples


def test_a_cached_model_is_reused_for_the_same_key(tmp_path: Path) -> None:
    built: list[int] = []
    first = cached("demo", content_hash("a"), lambda: built.append(1) or {"n": 1}, tmp_path)
    second = cached("demo", content_hash("a"), lambda: built.append(2) or {"n": 2}, tmp_path)
    assert first == second == {"n": 1}
    assert built == [1]


def test_changed_training_data_gives_a_new_key_and_a_retrain(tmp_path: Path) -> None:
    built: list[str] = []
    cached("demo", content_hash(["x", "y"]), lambda: built.append("old") or "old", tmp_path)
    fresh = cached("demo", content_hash(["x", "z"]), lambda: built.append("new") or "new", tmp_path)
    assert fresh == "new"
    assert built == ["old", "new"]


def test_a_cached_model_is_readable_by_other_users(tmp_path: Path) -> None:
    # The container image trains as root and serves as an unprivileged user.
    cached("demo", content_hash("c"), lambda: "model", tmp_path)
    (stored,) = tmp_path.glob("demo-*.pickle")
    assert stored.stat().st_mode & 0o777 == 0o644


def test_a_corrupt_cache_file_is_retrained_not_loaded(tmp_path: Path) -> None:
    key = content_hash("b")
    cached("demo", key, lambda: "good", tmp_path)
    for path in tmp_path.glob("demo-*.pickle"):
        path.write_bytes(b"not a pickle")
    assert cached("demo", key, lambda: "rebuilt", tmp_path) == "rebuilt"


def test_the_loaded_model_matches_the_content_on_disk(knowledge: KnowledgeBase) -> None:
    # The model files and the content must not drift apart: the model in use is the one
    # whose key is the hash of today's examples.
    retriever = knowledge.retriever
    topics = {topic.id: topic for topic in load_topics()}
    assert set(retriever.classifier.classes) == {*topics, "_out_of_scope"}
    examples = training_examples(knowledge.topics.values(), load_out_of_scope())
    assert len(examples) >= sum(len(t.examples) + len(t.examples_en) for t in topics.values())


def test_editing_an_example_retrains_the_classifier(tmp_path: Path) -> None:
    topics = load_topics()
    out_of_scope = load_out_of_scope()[:20]
    before = Retriever(topics, out_of_scope=out_of_scope, cache_folder=tmp_path)
    from dataclasses import replace

    edited = [replace(topics[0], examples=(*topics[0].examples, "contoh baru yang belum ada"))]
    after = Retriever(edited + topics[1:], out_of_scope=out_of_scope, cache_folder=tmp_path)
    assert before.content_key != after.content_key
    assert len(list(tmp_path.glob("topics-*.pickle"))) == 2


def test_editing_the_feature_code_changes_every_key(tmp_path: Path) -> None:
    # A cached model is only valid for the normaliser and scorers that built it.
    (tmp_path / "normalize.py").write_text("WORDS = {'opo': 'apa'}\n")
    before = code_fingerprint(tmp_path)
    (tmp_path / "normalize.py").write_text("WORDS = {'opo': 'apa', 'naon': 'apa'}\n")
    code_fingerprint.cache_clear()
    try:
        assert code_fingerprint(tmp_path) != before
    finally:
        code_fingerprint.cache_clear()


def test_the_cached_lexical_index_scores_like_a_fresh_one(tmp_path: Path) -> None:
    topics = load_topics()
    out_of_scope = load_out_of_scope()[:20]
    built = Retriever(topics, out_of_scope=out_of_scope, cache_folder=tmp_path)
    assert len(list(tmp_path.glob("lexical-*.pickle"))) == 1
    loaded = Retriever(topics, out_of_scope=out_of_scope, cache_folder=tmp_path)
    assert loaded.lexical is not built.lexical
    for text in ["paspor saya ditahan majikan", "gaji dipotong agensi", "opo iku ltsa"]:
        assert (loaded.lexical.scores(text) == built.lexical.scores(text)).all()
