"""The desk's review page: only supervisors and administrators, most frequent first, text
only where stored, and a label goes through the same code as `migrasi-aman review assign`."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.composition import Service
from storage.review import ReviewQueue
from tests.web.test_desk_casework import scoped_setup
from tests.webapp import DESK_NOW, SAME_ORIGIN, running_app


async def _seed_review(service: Service) -> None:
    """#1 asked once (stored), #2 three times (stored), #3 twice without consent."""
    async with service.storage.unit_of_work() as uow:
        await uow.record_review("not_sure", "kerja di kapal pesiar gmn", True, {}, DESK_NOW)
        for _ in range(3):
            await uow.record_review("not_sure", "visa schengen brp lama", True, {}, DESK_NOW)
        for _ in range(2):
            await uow.record_review("check", "sy takut pulang", False, {}, DESK_NOW)
        await uow.commit()


async def test_an_officer_cannot_open_or_post_the_review_page(
    service: Service, tmp_path: Path
) -> None:
    await scoped_setup(service)
    await _seed_review(service)
    async with running_app(service) as app:
        app.app.state.learned_path = tmp_path / "learned.yaml"
        await app.desk_sign_in("kode-a")
        page = await app.client.get("/petugas/tinjau")
        assert page.status_code == 403 and "kapal pesiar" not in page.text
        posted = await app.desk_post("/petugas/tinjau", {"item": "1", "label": "out_of_scope"})
        assert posted.status_code == 403
    assert not (tmp_path / "learned.yaml").exists()
    assert len(await ReviewQueue(service.storage.engine).pending()) == 3


async def test_a_supervisor_labels_the_most_frequent_first(
    service: Service, tmp_path: Path
) -> None:
    await scoped_setup(service)
    await _seed_review(service)
    learned = tmp_path / "learned.yaml"
    topic = sorted(service.knowledge.topics)[0]
    async with running_app(service) as app:
        app.app.state.learned_path = learned
        await app.desk_sign_in("kode-sup")
        page = (await app.client.get("/petugas/tinjau")).text
        assert re.findall(r'<h2 id="r(\d+)">', page) == ["2", "3", "1"]
        assert "3 kali" in page and "teks tidak disimpan" in page and "sy takut" not in page
        token = re.search(r'name="csrf" value="([^"]+)"', page)
        assert token
        refused = await app.client.post(
            "/petugas/tinjau", data={"item": "2", "label": topic}, headers=SAME_ORIGIN
        )
        assert refused.status_code == 403
        wrong = await app.desk_post(
            "/petugas/tinjau", {"item": "2", "label": "negara.pluto"}, follow=True
        )
        assert "Pilih label dari daftar" in wrong.text
        no_text = await app.desk_post(
            "/petugas/tinjau", {"item": "3", "label": "urgent"}, follow=True
        )
        assert "tulis teksnya dulu" in no_text.text
        assert not learned.exists()
        done = await app.desk_post("/petugas/tinjau", {"item": "2", "label": topic}, follow=True)
        assert f"#2 diberi label {topic}" in done.text
        assert re.findall(r'<h2 id="r(\d+)">', done.text) == ["3", "1"]
        await app.desk_post(
            "/petugas/tinjau", {"item": "3", "label": "urgent", "text": "saya takut pulang"}
        )
    data = yaml.safe_load(learned.read_text(encoding="utf-8"))
    assert data["topics"][topic] == [
        {"text": "visa schengen brp lama", "from": "review#2", "on": "2026-11-23"}
    ]
    assert data["triage"]["urgent"][0]["text"] == "saya takut pulang"
    labelled = await ReviewQueue(service.storage.engine).get(2)
    assert labelled is not None and labelled.label == topic
