"""The regional-word lexicon is valid, reaches the classifier, and kb check reports bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from knowledge.base import KnowledgeBase
from knowledge.regional_words import check_regional_words, regional_words
from knowledge.topic_classifier import TextView, TopicClassifier

BAD = """\
jawa:
  duwit: uang
  gmn: bagaimana
  kerja: kerja
  "nyambut gawe": kerja
  arta: Uang!
sunda:
  duwit: istri
madura: []
"""


def test_the_project_file_is_valid_and_folded() -> None:
    words, problems = check_regional_words()
    assert problems == []
    assert words["pesse"] == "uang"  # written "pèssè" in the file
    assert words["salaki"] == "suami"
    assert regional_words() == words


def test_bad_rows_are_reported_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "regional_words.yaml"
    path.write_text(BAD, encoding="utf-8")
    words, problems = check_regional_words(path)
    assert words == {"duwit": "uang"}
    assert [str(problem) for problem in problems] == [
        "regional_words.yaml: jawa.gmn: the slang table already reads it",
        "regional_words.yaml: jawa.kerja: means itself",
        "regional_words.yaml: jawa.nyambut gawe: must fold to exactly one word",
        "regional_words.yaml: jawa.arta: meaning must be plain lower-case words",
        "regional_words.yaml: sunda.duwit: already means 'uang'",
        "regional_words.yaml: madura: must map words to Indonesian",
    ]


def test_kb_check_validates_the_regional_words(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "regional_words.yaml"
    path.write_text(BAD, encoding="utf-8")
    monkeypatch.setattr(
        "knowledge.regional_words.check_regional_words",
        lambda: check_regional_words(path),
        raising=True,
    )
    assert main(["kb", "check"]) == 1
    assert "regional_words.yaml: jawa.kerja: means itself" in capsys.readouterr().out


def test_a_regional_word_meets_the_indonesian_examples() -> None:
    examples = [
        ("bagaimana cara kirim uang ke keluarga", "kirim"),
        ("uang saya habis untuk biaya", "kirim"),
        ("paspor saya ditahan majikan", "paspor"),
        ("majikan menahan paspor saya", "paspor"),
    ]
    view = TextView(normalise=True, regional=True)
    plain = TopicClassifier.train(examples, TextView(normalise=True))
    regional = TopicClassifier.train(examples, view, lexicon={"pesse": "uang"})
    kirim = plain.classes.index("kirim")
    assert regional.probabilities("pesse")[kirim] > plain.probabilities("pesse")[kirim]
    assert regional.probabilities("pesse")[kirim] > 0.5


def test_the_default_retriever_reads_the_regional_words(knowledge: KnowledgeBase) -> None:
    # On by default since the leave-one-writer-out estimate and blind5/blind6 all gained.
    prepare = knowledge.retriever.classifier._prepare
    assert prepare.lexicon == regional_words()
    assert "uang" in prepare("pesse").split()
