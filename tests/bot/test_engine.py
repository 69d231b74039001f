"""Dialog tests of the engine through the console channel: transcripts on every backend."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.composition import Service
from bot.engine import UnrecordedTurnError
from bot.messages import Channel, InboundKind
from handlers.base import Reply
from storage.models import ContactRow, ConversationRow, MessageRow, OutboxRow
from storage.repository import SqlUnitOfWork
from tests.helpers import FakeClock, make_inbound, say, verify_dialog


async def test_greeting_shows_intro_and_menu(service: Service) -> None:
    await verify_dialog(
        service.engine,
        [
            ("halo", ["Migrasi Aman", "Polisi 110", "Prosedur resmi", "Tanya petugas"]),
            ("/mulai", ["Migrasi Aman"]),
            ("Assalamualaikum kak", ["Migrasi Aman"]),
        ],
    )


async def test_numbered_choice_opens_category_and_topic(service: Service) -> None:
    await verify_dialog(
        service.engine,
        [
            ("halo", "1. Prosedur resmi"),
            ("1", ["Pilih topik yang ingin Anda ketahui", "Jalur resmi"]),
            ("1", ["Sumber:", "· diperiksa"]),
        ],
    )


async def test_menu_and_back_work_from_anywhere(service: Service) -> None:
    await verify_dialog(
        service.engine,
        [
            ("/hapus", "Yakin ingin menghapus"),
            ("kembali", "Silakan pilih topik"),
            ("ya", "belum"),  # the confirmation is closed: "ya" is no longer a deletion
        ],
    )
    rows = await _count(service, ContactRow)
    assert rows == 1


async def test_help_lists_commands(service: Service) -> None:
    await verify_dialog(service.engine, [("/bantuan", ["/menu", "/bahasa", "/hapus", "petugas"])])


async def test_language_switch_to_english_and_back(service: Service) -> None:
    await verify_dialog(
        service.engine,
        [
            ("/bahasa", ["Bahasa Indonesia", "English"]),
            ("2", ["Language changed to English", "Legal procedure"]),
            ("/menu", "Choose a topic"),
            ("/bahasa", "English"),
            ("1", ["Bahasa sudah diganti", "Prosedur resmi"]),
        ],
    )


async def test_privacy_show_and_delete_removes_every_row(service: Service) -> None:
    engine = service.engine
    await say(engine, "halo")
    await say(engine, "berapa umur minimal jadi tkw")
    policy = await say(engine, "/privasi")
    # The promises of the reviewed knowledge topic: urgent messages and the retention period.
    assert "disimpan hanya kalau Anda setuju" in policy and "bahaya saat ini" in policy
    assert "365 hari" in policy
    shown = await say(engine, "/dataku")
    assert "console" in shown and "Persetujuan: belum diberikan" in shown
    assert "Yakin" in await say(engine, "/hapus")
    assert "sudah dihapus" in await say(engine, "", payload="hapus:ya")
    # The confirmation turn itself must not re-create the contact it just erased.
    for model in (ContactRow, ConversationRow, MessageRow):
        assert await _count(service, model) == 0, model.__tablename__


async def test_privacy_delete_cancelled_keeps_data(service: Service) -> None:
    await say(service.engine, "/hapus")
    assert "tidak dihapus" in await say(service.engine, "batal")
    assert await _count(service, ContactRow) == 1


async def test_duplicate_inbound_is_answered_once(service: Service) -> None:
    first = make_inbound("halo", message_id="same-id")
    again = make_inbound("halo", message_id="same-id")
    assert await service.engine.handle(first)
    assert await service.engine.handle(again) == []
    assert await _count(service, MessageRow) == 3  # the first turn only: one in, two out


async def test_bad_input_gets_polite_answers(service: Service) -> None:
    engine = service.engine
    assert "Pesan Anda kosong" in await say(engine, "   ")
    long_answer = await say(engine, "paspor ditahan agen " * 1500)
    assert "sangat panjang" in long_answer
    assert "belum" in await say(engine, "😀😀😀")
    assert "belum" in await say(engine, "\x00\x07\x1b[31m")
    assert "sudah tidak berlaku" in await say(engine, "", payload="tidak-ada:apa-apa")


async def test_media_is_answered_politely(service: Service) -> None:
    inbound = make_inbound("", kind=InboundKind.MEDIA)
    replies = await service.engine.handle(inbound)
    assert "belum bisa membaca gambar" in replies[0].text


async def test_half_finished_dialog_after_a_week_is_not_stuck(
    service: Service, clock: FakeClock
) -> None:
    await say(service.engine, "/hapus")
    clock.advance(days=7)
    answer = await say(service.engine, "ya")
    assert "sudah dihapus" not in answer
    assert "Migrasi Aman" in await say(service.engine, "halo")


async def test_failing_handler_gives_polite_answer_and_claims_message(service: Service) -> None:
    class Broken:
        name = "broken"

        async def handle(self, message: object, ctx: object) -> Reply:
            raise RuntimeError("boom")

    service.engine.pipeline = (Broken(),)
    inbound = make_inbound("halo", message_id="will-fail")
    replies = await service.engine.handle(inbound)
    assert "ada gangguan" in replies[0].text
    assert await service.engine.handle(make_inbound("halo", message_id="will-fail")) == []


async def test_an_apology_that_cannot_be_recorded_is_returned_or_raised_for_the_outbox(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken:
        name = "broken"

        async def handle(self, message: object, ctx: object) -> Reply:
            raise RuntimeError("boom")

    async def cannot_record(*_args: object) -> None:
        raise RuntimeError("recording failed too")

    service.engine.pipeline = (Broken(),)
    monkeypatch.setattr(SqlUnitOfWork, "save_conversation", cannot_record)
    # The console shows what it gets back; an outbox channel's caller must deliver it.
    [apology] = await service.engine.handle(make_inbound("halo"))
    assert "ada gangguan" in apology.text
    with pytest.raises(UnrecordedTurnError) as raised:
        await service.engine.handle(make_inbound("halo", channel=Channel.WHATSAPP))
    assert raised.value.apology == apology
    assert await _count(service, OutboxRow) == 0


async def _count(service: Service, model: type) -> int:
    async with service.storage.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_superscript_and_foreign_digits_are_text_not_numbers(service: Service) -> None:
    for typed in ("²", "١", "1²", "/ambil ²"):
        assert "gangguan" not in await say(service.engine, "halo")
        assert "gangguan" not in await say(service.engine, typed)
