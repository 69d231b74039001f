"""What an ordinary turn costs the database: round trips and flushes, pinned on every backend."""

from __future__ import annotations

from sqlalchemy import select, text

from bot.composition import Service
from bot.engine import SenderLimit
from bot.messages import Channel, Outbound, Recipient
from storage.models import OutboxRow
from storage.outbox import HELD
from tests.helpers import FakeClock, QueryCounter, counting, make_inbound

MAX_ROUND_TRIPS = 8
# PostgreSQL: BEGIN, one statement claiming, touching and reading the contact (INSERT and
# UPDATE inside WITH), one writing the turn (from arrays), COMMIT.
MAX_ROUND_TRIPS_POSTGRESQL = 4
WHATSAPP_USER = "628111000001"


async def _ordinary_turn(service: Service, clock: FakeClock, question: str) -> QueryCounter:
    """Run a knowledge question from a returning WhatsApp user and count its cost."""
    clock.advance(seconds=30)
    with counting(service) as counter:
        turn = await service.engine.handle_turn(
            make_inbound(question, channel=Channel.WHATSAPP, user_id=WHATSAPP_USER)
        )
    assert turn.handler == "answer"
    return counter


async def test_ordinary_turn_takes_no_orm_flush_and_at_most_eight_round_trips(
    service: Service, clock: FakeClock
) -> None:
    limit = (
        MAX_ROUND_TRIPS_POSTGRESQL
        if service.database.dialect.name == "postgresql"
        else MAX_ROUND_TRIPS
    )
    await service.engine.handle_turn(
        make_inbound("halo", channel=Channel.WHATSAPP, user_id=WHATSAPP_USER)
    )
    for question in ("apa syarat kerja ke malaysia?", "berapa biaya penempatan ke taiwan?"):
        counter = await _ordinary_turn(service, clock, question)
        # The turn is written by Core statements at commit: the ORM's unit of work never runs.
        assert counter.flushes == 0, counter.statements
        assert counter.round_trips <= limit, counter.statements
        # The conversation is read once (with the contact), the handover and release
        # queries are skipped: nothing of this user is held.
        assert not any(sql.startswith("SELECT conversations") for sql in counter.statements)
        assert not any("inquiries" in sql.split("FROM")[0] for sql in counter.statements)
        assert not any(sql.startswith("UPDATE outbox") for sql in counter.statements)


async def test_the_rate_count_adds_no_round_trip_on_postgresql(
    service: Service, clock: FakeClock
) -> None:
    limit = SenderLimit(20, Outbound("pelan-pelan"))
    await service.engine.handle_turn(
        make_inbound("halo", channel=Channel.WHATSAPP, user_id=WHATSAPP_USER), limit
    )
    clock.advance(seconds=30)
    with counting(service) as counter:
        turn = await service.engine.handle_turn(
            make_inbound(
                "apa syarat kerja ke malaysia?", channel=Channel.WHATSAPP, user_id=WHATSAPP_USER
            ),
            limit,
        )
    assert turn.handler == "answer"
    # Counted inside the turn's transaction: no second connection, no BEGIN/COMMIT of its own.
    assert counter.edges == 2, counter.statements
    if service.database.dialect.name == "postgresql":
        assert counter.round_trips <= MAX_ROUND_TRIPS_POSTGRESQL, counter.statements
    else:
        assert counter.round_trips <= MAX_ROUND_TRIPS + 1, counter.statements


async def test_duplicate_inbound_costs_one_statement_and_changes_nothing(
    service: Service, clock: FakeClock
) -> None:
    inbound = make_inbound("halo", channel=Channel.WHATSAPP, user_id=WHATSAPP_USER)
    await service.engine.handle_turn(inbound)
    last_seen = "SELECT last_seen_at FROM contacts"
    async with service.database.connect() as connection:
        before = (await connection.execute(text(last_seen))).scalar()
    clock.advance(seconds=30)
    with counting(service) as counter:
        turn = await service.engine.handle_turn(inbound)
    assert turn.duplicate
    # The claim alone (on PostgreSQL with the contact's touch and read, which it skips).
    assert len(counter.statements) == 1
    assert counter.statements[0].startswith(("INSERT", "WITH claim AS"))
    async with service.database.connect() as connection:
        assert (await connection.execute(text(last_seen))).scalar() == before


async def test_held_message_is_released_when_the_user_writes(
    service: Service, clock: FakeClock
) -> None:
    await service.engine.handle_turn(
        make_inbound("halo", channel=Channel.WHATSAPP, user_id=WHATSAPP_USER)
    )
    await service.outbox.enqueue(Outbound("jawaban petugas"), Recipient("whatsapp", WHATSAPP_USER))
    async with service.storage.unit_of_work() as uow:
        await uow.session.execute(
            OutboxRow.__table__.update()
            .where(OutboxRow.body["text"].as_string() == "jawaban petugas")
            .values(status=HELD)
        )
        await uow.commit()
    counter = await _ordinary_turn(service, clock, "apa syarat kerja ke malaysia?")
    assert any(sql.startswith("UPDATE outbox") for sql in counter.statements)
    async with service.storage.unit_of_work() as uow:
        statuses = (await uow.session.scalars(select(OutboxRow.status))).all()
    assert HELD not in statuses


async def test_sender_claim_uses_the_partial_index_on_postgresql(service: Service) -> None:
    if service.database.dialect.name != "postgresql":
        return  # the planner check is PostgreSQL's; SQLite has the same index
    async with service.database.connect() as connection:
        await connection.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(
            (
                await connection.execute(
                    text(
                        "EXPLAIN SELECT 1 FROM outbox o WHERE o.channel = 'whatsapp' "
                        "AND o.channel_user_id = 'x' AND o.id < 100 AND o.kind = 'message' "
                        "AND o.status IN ('pending', 'sending', 'held')"
                    )
                )
            ).scalars()
        )
    assert "ix_outbox_unfinished_messages" in plan
