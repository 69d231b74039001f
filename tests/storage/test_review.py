"""The learning loop's review queue: counted per message, text only with consent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from bot.composition import Service
from bot.review import append_learned
from knowledge.learned import load_learned
from storage.review import ReviewQueue

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def test_the_same_message_is_counted_not_repeated(service: Service) -> None:
    for minutes, text in enumerate(["Kerja di Pluto gmn", "kerja di pluto  GMN", "lain lagi"]):
        async with service.storage.unit_of_work() as uow:
            at = NOW + timedelta(minutes=minutes)
            await uow.record_review("not_sure", text, True, {"negara.taiwan": 3.0}, at)
            await uow.commit()
    items = await ReviewQueue(service.database).pending()
    assert [(item.count, item.text) for item in items] == [
        (2, "Kerja di Pluto gmn"),
        (1, "lain lagi"),
    ]
    assert items[0].scores == {"negara.taiwan": 3.0}


async def test_without_consent_only_the_hash_and_scores_are_kept(service: Service) -> None:
    async with service.storage.unit_of_work() as uow:
        await uow.record_review("check", "adik saya dipukul", False, {"tppo.lapor": 9.0}, NOW)
        await uow.commit()
    (item,) = await ReviewQueue(service.database).pending()
    assert item.text is None and item.kind == "check" and item.scores == {"tppo.lapor": 9.0}


async def test_a_labelled_item_leaves_the_queue(service: Service) -> None:
    async with service.storage.unit_of_work() as uow:
        await uow.record_review("not_sure", "gaji di pluto", True, {}, NOW)
        await uow.commit()
    queue = ReviewQueue(service.database)
    (item,) = await queue.pending()
    await queue.label(item.id, "out_of_scope", NOW)
    assert await queue.pending() == []


async def test_a_not_sure_answer_enters_the_queue(service: Service) -> None:
    from tests.helpers import make_inbound

    await service.engine.handle(make_inbound("qwerty zxcvb uiop", user_id="r1"))
    (item,) = await ReviewQueue(service.database).pending()
    assert item.kind == "not_sure" and item.text is None  # no consent given


def test_a_label_is_appended_with_provenance_and_validates(tmp_path: Path) -> None:
    path = tmp_path / "learned.yaml"
    append_learned("kerja di pluto gmn", "out_of_scope", "review#3", NOW.date(), path)
    append_learned("paspor sy dibawa sponsor", "tppo.dokumen_ditahan", "review#4", NOW.date(), path)
    append_learned("tlg sy dikunci", "urgent", "review#5", NOW.date(), path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["topics"]["tppo.dokumen_ditahan"][0]["from"] == "review#4"
    problems: list[str] = []
    learned = load_learned({"tppo.dokumen_ditahan"}, path, problems)
    assert problems == []
    assert learned.out_of_scope == ("kerja di pluto gmn",)
    assert learned.triage == {"urgent": ("tlg sy dikunci",)}


def test_learned_lines_for_unknown_topics_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "learned.yaml"
    path.write_text("topics:\n  negara.pluto:\n    - {text: x, from: review#1}\n")
    problems: list[str] = []
    load_learned({"negara.taiwan"}, path, problems)
    assert problems == ["learned.yaml: topics.negara.pluto: unknown topic id"]
