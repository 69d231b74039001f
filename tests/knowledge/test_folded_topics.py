"""Pages folded into the spec topic that covers them: their old ids still reach that topic.

negara.teluk, negara.kamboja_myanmar_thailand and remitansi.keluarga were project-added pages;
outside checks score only the spec's ids, so each now lives in its spec topic, which lists the
old id under `aliases:`. Stored buttons, review labels and example lines still use old ids.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bot.composition import Service
from bot.review import append_learned
from bot.review_cli import assign
from knowledge.base import KnowledgeBase
from knowledge.learned import load_labelled
from knowledge.loader import check_topics, spec_topic_ids
from knowledge.model import topic_names
from storage.review import ReviewQueue
from tests.helpers import say

FOLDED = {
    "negara.teluk": "negara.timur_tengah",
    "negara.kamboja_myanmar_thailand": "tppo.kerja_online_scam",
    "remitansi.keluarga": "remitansi.kirim_aman",
}
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SHARED_SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "topics.yaml"
OFFICIAL = {
    "title": {"id": "UU No. 18 Tahun 2017", "en": "Law No. 18 of 2017"},
    "url": "https://pasal.id/peraturan/uu/uu-no-18-tahun-2017",
    "official": True,
}


def _entry(topic_id: str, **overrides: object) -> dict:
    entry = {
        "id": topic_id,
        "category": topic_id.split(".")[0],
        "title": {"id": "Judul", "en": "Title"},
        "answer": {"id": "Jawaban singkat untuk Anda.", "en": "Short answer."},
        "examples": [f"contoh pertanyaan {topic_id} {n}" for n in range(12)],
        "sources": [OFFICIAL],
        "reviewed": "2026-11-30",
    }
    entry.update(overrides)
    return entry


def _write(content: Path, *entries: dict) -> Path:
    for entry in entries:
        category, name = entry["id"].split(".", 1)
        (content / category).mkdir(parents=True, exist_ok=True)
        (content / category / f"{name}.yaml").write_text(yaml.safe_dump(entry))
    return content


@pytest.mark.parametrize(("old", "live"), sorted(FOLDED.items()))
def test_an_old_id_finds_the_page_it_was_folded_into(
    knowledge: KnowledgeBase, old: str, live: str
) -> None:
    assert old not in knowledge.topics
    found = knowledge.topic(old)
    assert found is not None and found.id == live and old in found.aliases
    assert knowledge.live_id(old) == live


def test_the_project_list_has_no_folded_id_and_the_bot_no_other_page(
    knowledge: KnowledgeBase,
) -> None:
    project = set(spec_topic_ids())
    assert not set(FOLDED) & project
    assert set(knowledge.topics) == project


@pytest.mark.skipif(not SHARED_SPEC.is_file(), reason="the shared spec is not beside the checkout")
def test_only_singapore_and_brunei_are_project_added(knowledge: KnowledgeBase) -> None:
    shared = set(spec_topic_ids(SHARED_SPEC))
    project = set(spec_topic_ids())
    assert project - shared == {"negara.singapura", "negara.brunei"}
    assert not set(FOLDED) & project
    assert set(knowledge.topics) == project


async def test_a_stored_topic_button_with_an_old_id_answers_with_its_page(
    service: Service,
) -> None:
    text = await say(service.engine, "", payload="topic:negara.teluk", user_id="fold-1")
    assert "*Bekerja di Timur Tengah / Arab Saudi*" in text
    more = await say(service.engine, "", payload="more:remitansi.keluarga", user_id="fold-2")
    assert "*Kirim uang ke keluarga dengan aman*" in more and "Tanpa rekening?" in more


def test_example_lines_labelled_with_an_old_id_train_its_page(
    knowledge: KnowledgeBase, tmp_path: Path
) -> None:
    examples = tmp_path / "examples"
    examples.mkdir()
    lines = {
        "topics": {
            "negara.timur_tengah": [{"text": "kerja di riyadh gmn", "from": "w 2026-12-01"}],
            "negara.teluk": [{"text": "kerja hotel di doha boleh", "from": "w 2026-12-01"}],
            "remitansi.keluarga": [{"text": "emak ra duwe atm", "from": "w 2026-12-01"}],
        }
    }
    (examples / "writer.yaml").write_text(yaml.safe_dump(lines, sort_keys=False))
    problems: list[str] = []
    names = topic_names(knowledge.topics.values())
    labelled = load_labelled(names, problems, tmp_path / "none.yaml", examples)
    assert problems == []
    assert labelled.topics == {
        "negara.timur_tengah": ("kerja di riyadh gmn", "kerja hotel di doha boleh"),
        "remitansi.kirim_aman": ("emak ra duwe atm",),
    }


def test_the_shipped_example_lines_with_old_ids_train_their_pages(
    knowledge: KnowledgeBase,
) -> None:
    from knowledge.learned import EXAMPLES_DIR

    old_lines = []
    for path in sorted(EXAMPLES_DIR.glob("*.yaml")):
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
        for old, entries in (raw.get("topics") or {}).items():
            if old in FOLDED:
                old_lines += [(FOLDED[old], entry["text"].strip()) for entry in entries]
    assert old_lines  # the writers' files still use the old ids
    for live, text in old_lines:
        assert text in knowledge.topics[live].examples


async def test_a_review_label_with_an_old_id_is_stored_as_its_page(
    service: Service, knowledge: KnowledgeBase, tmp_path: Path
) -> None:
    async with service.storage.unit_of_work() as uow:
        await uow.record_review("not_sure", "kerja di doha jd satpam", True, {}, NOW)
        await uow.commit()
    queue = ReviewQueue(service.database)
    (item,) = await queue.pending()
    path = tmp_path / "learned.yaml"
    names = topic_names(knowledge.topics.values())
    assert await assign(queue, item.id, "negara.teluk", None, names, NOW, path) is None
    stored = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(stored["topics"]) == ["negara.timur_tengah"]


def test_learned_lines_with_an_old_id_load_into_its_page(
    knowledge: KnowledgeBase, tmp_path: Path
) -> None:
    path = tmp_path / "learned.yaml"
    append_learned(
        "nomor kbri bangkok brp", "negara.kamboja_myanmar_thailand", "r#1", NOW.date(), path
    )
    problems: list[str] = []
    names = topic_names(knowledge.topics.values())
    labelled = load_labelled(names, problems, path, tmp_path / "no-examples")
    assert problems == []
    assert labelled.topics == {"tppo.kerja_online_scam": ("nomor kbri bangkok brp",)}


def test_kb_check_rejects_an_alias_that_is_a_live_id(tmp_path: Path) -> None:
    content = _write(
        tmp_path / "content",
        _entry("negara.timur_tengah", aliases=["negara.teluk"]),
        _entry("negara.teluk"),
    )
    _, problems = check_topics(content, spec_path=None)
    assert [str(problem) for problem in problems] == [
        "content/negara/timur_tengah.yaml: aliases: 'negara.teluk' is a live topic id "
        "(content/negara/teluk.yaml)"
    ]
    assert all(problem.blocking for problem in problems)


def test_kb_check_rejects_an_alias_claimed_twice_or_badly_shaped(tmp_path: Path) -> None:
    content = _write(
        tmp_path / "content",
        _entry("negara.timur_tengah", aliases=["negara.teluk"]),
        _entry("negara.malaysia", aliases=["negara.teluk", "Teluk Persia"]),
        _entry("negara.taiwan", related=["negara.teluk"]),
    )
    _, problems = check_topics(content, spec_path=None)
    assert sorted(str(problem) for problem in problems) == [
        "content/negara/malaysia.yaml: aliases: 'Teluk Persia' is not a topic id",
        "content/negara/taiwan.yaml: related: 'negara.teluk' is an old id: "
        "write 'negara.timur_tengah'",
    ]
    content = _write(tmp_path / "other", _entry("negara.timur_tengah", aliases=["negara.teluk"]))
    _write(content, _entry("negara.malaysia", aliases=["negara.teluk"]))
    _, problems = check_topics(content, spec_path=None)
    assert [str(problem) for problem in problems] == [
        "other/negara/timur_tengah.yaml: aliases: 'negara.teluk' is also an alias of "
        "negara.malaysia"
    ]


def test_a_spec_id_cannot_be_only_an_alias(tmp_path: Path) -> None:
    content = _write(tmp_path / "content", _entry("negara.malaysia", aliases=["negara.teluk"]))
    spec = tmp_path / "topics.yaml"
    spec.write_text("negara:\n  negara.malaysia: {}\n  negara.teluk: {}\n")
    _, problems = check_topics(content, spec_path=spec)
    assert [str(problem) for problem in problems] == [
        "(spec): negara.teluk: topic in topics.yaml is only an alias of 'negara.malaysia'"
    ]
