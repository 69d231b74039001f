"""The follow-up round and concurrent claims, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.composition import Service, build_service
from bot.config import Settings
from bot.followup import follow_up, region_ancestors
from bot.inquiries import Inquiry, InquiryDraft, Officer
from knowledge.base import KnowledgeBase
from storage.centres import add_officer, import_centres
from storage.inquiry_models import InquiryEventRow, InquiryRow
from storage.models import OutboxRow
from tests.helpers import FakeClock

JOGOSIMO = "33.05.05.2001"
DIRECTORY = """centres:
  - {id: plm-jogosimo, name: PLM Desa Jogosimo, kind: village, regions: ["33.05.05.2001"]}
  - {id: disnaker-kebumen, name: Disnaker Kebumen, kind: regency, regions: ["33.05"]}
  - {id: disnaker-jateng, name: Disnakertrans Jawa Tengah, kind: province, regions: ["33"]}
  - {id: plm-brongkal, name: PLM Desa Brongkal, kind: village, regions: ["35.07.33.2006"]}
"""


@pytest.fixture
async def officers(service: Service, clock: FakeClock, tmp_path: Path) -> dict[str, list[Officer]]:
    """Import a small directory and give each centre officers on the console channel."""
    path = tmp_path / "centres.yaml"
    path.write_text(DIRECTORY, encoding="utf-8")
    assert (await import_centres(service.storage, path, None)).problems == []
    staff = {
        "plm-jogosimo": ["Siti", "Budi"],
        "disnaker-kebumen": ["Wati"],
        "disnaker-jateng": ["Agus"],
        "nasional": ["Rina"],
    }
    return {
        centre: [
            await add_officer(
                service.storage, centre, name, "console", f"petugas-{name}", clock.now
            )
            for name in names
        ]
        for centre, names in staff.items()
    }


async def _file(
    service: Service, clock: FakeClock, centre: str, village: str | None, priority: str = "normal"
) -> Inquiry:
    """File an inquiry at a centre now."""
    draft = InquiryDraft(
        name="Sri", village_code=village, question="Apakah agen ini resmi?", topic="cek_p3mi"
    )
    async with service.storage.unit_of_work() as uow:
        inquiry = await uow.file_inquiry(None, draft, centre, priority, clock.now)
        await uow.commit()
    return inquiry


async def _row(service: Service, inquiry_id: int) -> InquiryRow:
    """Return the stored inquiry."""
    async with service.storage.sessions() as session:
        return await session.get_one(InquiryRow, inquiry_id)


async def _events(service: Service, inquiry_id: int) -> list[tuple[str, str, dict[str, Any]]]:
    """Return the inquiry's audit trail as (actor, action, detail)."""
    async with service.storage.sessions() as session:
        rows = await session.scalars(
            select(InquiryEventRow)
            .where(InquiryEventRow.inquiry_id == inquiry_id)
            .order_by(InquiryEventRow.id)
        )
        return [(row.actor, row.action, row.detail) for row in rows]


async def _outbox(service: Service) -> list[tuple[str, str]]:
    """Return queued messages as (user id, text), in order, and empty the outbox."""
    async with service.storage.sessions() as session:
        rows = (await session.scalars(select(OutboxRow).order_by(OutboxRow.id))).all()
        for row in rows:
            await session.delete(row)
        await session.commit()
    return [(row.channel_user_id, row.body["text"]) for row in rows]


def test_region_ancestors_climb_from_village_to_province() -> None:
    assert region_ancestors(JOGOSIMO) == [JOGOSIMO, "33.05.05", "33.05", "33"]
    assert region_ancestors(None) == []


async def test_unclaimed_inquiry_is_reminded_after_a_day_then_escalated_after_another(
    service: Service, clock: FakeClock, officers: dict[str, list[Officer]]
) -> None:
    inquiry = await _file(service, clock, "plm-jogosimo", JOGOSIMO)
    await _outbox(service)

    clock.advance(hours=23, minutes=59)
    assert (await follow_up(service.storage, clock.now)).reminded == []

    clock.advance(minutes=1)
    result = await follow_up(service.storage, clock.now)
    assert result.reminded == [inquiry.id] and result.escalated == []
    sent = await _outbox(service)
    assert [user for user, _ in sent] == ["petugas-Siti", "petugas-Budi"]
    assert sent[0][1].startswith(f"Pengingat: pertanyaan #{inquiry.id} belum diambil")
    assert "Apakah agen ini resmi?" in sent[0][1]  # the card, for the centre's own officers
    row = await _row(service, inquiry.id)
    assert (row.reminded_at, row.centre_id) == (clock.now, "plm-jogosimo")

    # The reminder gave the centre another day: nothing more happens in between.
    clock.advance(hours=12)
    assert await follow_up(service.storage, clock.now) == type(result)()

    clock.advance(hours=12)
    result = await follow_up(service.storage, clock.now)
    assert result.escalated == [(inquiry.id, "plm-jogosimo", "disnaker-kebumen")]
    moved = await _outbox(service)
    # The regency office gets the card; the village centre's officers hear it moved.
    assert [user for user, _ in moved] == ["petugas-Wati", "petugas-Siti", "petugas-Budi"]
    assert "sudah dialihkan ke" in moved[-1][1]
    row = await _row(service, inquiry.id)
    assert (row.centre_id, row.escalations, row.reminded_at) == ("disnaker-kebumen", 1, None)
    assert row.deadline_at == clock.now + timedelta(hours=24)
    assert [action for _, action, _ in await _events(service, inquiry.id)] == [
        "created",
        "reminded",
        "escalated",
    ]
    assert (await _events(service, inquiry.id))[-1] == (
        "system",
        "escalated",
        {"from": "plm-jogosimo", "to": "disnaker-kebumen"},
    )


async def test_urgent_inquiry_is_renotified_after_15_minutes_and_escalated_after_30(
    service: Service, clock: FakeClock, officers: dict[str, list[Officer]]
) -> None:
    inquiry = await _file(service, clock, "plm-jogosimo", JOGOSIMO, priority="urgent")

    clock.advance(minutes=14)
    assert (await follow_up(service.storage, clock.now)).reminded == []
    clock.advance(minutes=1)
    assert (await follow_up(service.storage, clock.now)).reminded == [inquiry.id]
    clock.advance(minutes=14)
    assert (await follow_up(service.storage, clock.now)).escalated == []
    clock.advance(minutes=1)
    result = await follow_up(service.storage, clock.now)

    assert result.escalated == [(inquiry.id, "plm-jogosimo", "disnaker-kebumen")]


async def test_the_urgent_intervals_are_settings(
    database_url: str, knowledge: KnowledgeBase, clock: FakeClock
) -> None:
    settings = Settings(
        database_url=database_url, urgent_renotify_minutes=5, urgent_escalate_minutes=12
    )
    service = await build_service(settings, knowledge=knowledge, clock=clock)
    try:
        inquiry = await _file(service, clock, "nasional", None, priority="urgent")
        clock.advance(minutes=4)
        assert (await follow_up(service.storage, clock.now)).reminded == []
        clock.advance(minutes=1)
        assert (await follow_up(service.storage, clock.now)).reminded == [inquiry.id]
        clock.advance(minutes=6)
        assert (await follow_up(service.storage, clock.now)).reminded == []
        clock.advance(minutes=1)
        assert (await follow_up(service.storage, clock.now)).reminded == [inquiry.id]
    finally:
        await service.close()


def test_escalation_must_come_after_the_renotification() -> None:
    with pytest.raises(ValueError, match="MIGRASI_URGENT_ESCALATE_MINUTES"):
        Settings(urgent_renotify_minutes=30, urgent_escalate_minutes=30)


async def test_escalation_climbs_to_the_national_centre_and_stays_there(
    service: Service, clock: FakeClock, officers: dict[str, list[Officer]]
) -> None:
    # Brongkal's centre has no regency or province office above it in this directory.
    inquiry = await _file(service, clock, "plm-brongkal", "35.07.33.2006", priority="urgent")
    route = []
    for _ in range(6):
        clock.advance(hours=1)
        result = await follow_up(service.storage, clock.now)
        route += ["reminded"] * len(result.reminded) + [to for _, _, to in result.escalated]

    assert route == ["reminded", "nasional", "reminded", "reminded", "reminded", "reminded"]
    row = await _row(service, inquiry.id)
    assert (row.centre_id, row.status, row.escalations) == ("nasional", "open", 1)
    assert [user for user, _ in await _outbox(service)][-1] == "petugas-Rina"


async def test_a_claimed_inquiry_is_left_alone(
    service: Service, clock: FakeClock, officers: dict[str, list[Officer]]
) -> None:
    inquiry = await _file(service, clock, "plm-jogosimo", JOGOSIMO)
    async with service.storage.unit_of_work() as uow:
        assert (await uow.claim(inquiry.id, officers["plm-jogosimo"][0], clock.now))[0]
        await uow.commit()

    clock.advance(days=3)
    result = await follow_up(service.storage, clock.now)

    assert result.reminded == [] and result.escalated == []


async def test_an_inquiry_without_village_escalates_to_the_national_centre(
    service: Service, clock: FakeClock, officers: dict[str, list[Officer]]
) -> None:
    inquiry = await _file(service, clock, "plm-jogosimo", None)

    clock.advance(hours=24)
    await follow_up(service.storage, clock.now)
    clock.advance(hours=24)
    result = await follow_up(service.storage, clock.now)

    assert result.escalated == [(inquiry.id, "plm-jogosimo", "nasional")]


async def test_two_officers_claiming_at_once_exactly_one_wins(
    service: Service, clock: FakeClock, officers: dict[str, list[Officer]]
) -> None:
    inquiry = await _file(service, clock, "plm-jogosimo", JOGOSIMO)
    siti, budi = officers["plm-jogosimo"]
    both_open = asyncio.Barrier(2)

    async def claim(officer: Officer) -> tuple[bool, str | None]:
        async with service.storage.unit_of_work() as uow:
            await both_open.wait()  # both units of work are open before either claims
            outcome = await uow.claim(inquiry.id, officer, clock.now)
            await uow.commit()
            return outcome

    outcomes = await asyncio.gather(claim(siti), claim(budi))

    assert sorted(won for won, _ in outcomes) == [False, True]
    winner = siti if outcomes[0][0] else budi
    assert [holder for won, holder in outcomes if not won] == [winner.name]
    row = await _row(service, inquiry.id)
    assert (row.status, row.claimed_by) == ("claimed", winner.id)
    claims = [
        actor for actor, action, _ in await _events(service, inquiry.id) if action == "claimed"
    ]
    assert claims == [f"officer:{winner.id}"]


async def test_the_user_is_told_when_their_inquiry_moves_up(
    service: Service, clock: FakeClock, officers: dict[str, list[Officer]]
) -> None:
    async with service.storage.unit_of_work() as uow:
        contact = await uow.contact_for("whatsapp", "6281200000009", "id")
        draft = InquiryDraft(village_code=JOGOSIMO, question="Apakah agen ini resmi?")
        inquiry = await uow.file_inquiry(contact.id, draft, "plm-jogosimo", "normal", clock.now)
        await uow.commit()
    clock.advance(hours=24)
    await follow_up(service.storage, clock.now)
    clock.advance(hours=24)
    await follow_up(service.storage, clock.now)
    told = [text for user, text in await _outbox(service) if user == "6281200000009"]
    assert told and inquiry.reference in told[-1] and "Kebumen" in told[-1]


async def test_the_escalation_notice_follows_the_users_language(
    service: Service, clock: FakeClock, officers: dict[str, list[Officer]]
) -> None:
    async with service.storage.unit_of_work() as uow:
        contact = await uow.contact_for("whatsapp", "6281200000010", "id")
        await uow.set_locale(contact.id, "en")
        draft = InquiryDraft(village_code=JOGOSIMO, question="Is this agent licensed?")
        await uow.file_inquiry(contact.id, draft, "plm-jogosimo", "normal", clock.now)
        await uow.commit()
    for _ in range(2):
        clock.advance(hours=24)
        await follow_up(service.storage, clock.now)
    told = [text for user, text in await _outbox(service) if user == "6281200000010"]
    assert told and told[-1].startswith("We have passed your question")
