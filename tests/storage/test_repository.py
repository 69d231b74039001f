"""Storage behaviour, the same tests on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.composition import Service
from bot.ports import Conversation
from storage.database import migrations_current

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def test_database_is_migrated_to_head(service: Service) -> None:
    assert await migrations_current(service.database)


async def test_inbound_id_is_claimed_once(service: Service) -> None:
    async with service.storage.unit_of_work() as uow:
        assert await uow.claim_inbound("telegram", "42")
        await uow.commit()
    async with service.storage.unit_of_work() as uow:
        assert not await uow.claim_inbound("telegram", "42")
        assert await uow.claim_inbound("whatsapp", "42")  # ids are per channel


async def test_contact_is_created_once_and_conversation_round_trips(service: Service) -> None:
    async with service.storage.unit_of_work() as uow:
        contact = await uow.contact_for("whatsapp", "628100000001", "id")
        await uow.save_conversation(contact.id, Conversation("intake.ask_name", {"who": "migrant"}))
        await uow.commit()
    async with service.storage.unit_of_work() as uow:
        again = await uow.contact_for("whatsapp", "628100000001", "id")
        conversation = await uow.load_conversation(again.id)
    assert again.id == contact.id
    assert conversation.state == "intake.ask_name"
    assert conversation.slots == {"who": "migrant"}
    assert conversation.updated_at is not None and conversation.updated_at.tzinfo is not None


async def test_erase_contact_removes_everything(service: Service) -> None:
    async with service.storage.unit_of_work() as uow:
        contact = await uow.contact_for("web", "browser-1", "id")
        await uow.set_consent(contact.id, NOW)
        await uow.log_message(contact.id, "in", "halo", "navigation", None, NOW)
        await uow.save_conversation(contact.id, Conversation())
        await uow.commit()
    async with service.storage.unit_of_work() as uow:
        assert (await uow.personal_data(contact.id))["messages_with_text"] == 1
        await uow.erase_contact(contact.id)
        await uow.commit()
    async with service.storage.unit_of_work() as uow:
        fresh = await uow.contact_for("web", "browser-1", "id")
        assert fresh.consent_at is None
        assert (await uow.personal_data(fresh.id))["messages_with_text"] == 0
