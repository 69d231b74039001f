"""The per-sender rate limit, counted in the turn's own transaction: N workers, one limit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.composition import Service
from bot.engine import Engine, SenderLimit
from bot.messages import Channel, Outbound
from storage.database import create_engine
from storage.models import OutboxRow, ProcessedMessageRow, RateWindowRow
from storage.rate_windows import SqlRateWindows
from storage.repository import SqlStorage
from tests.helpers import FakeClock, make_inbound

PHONE = "62812000111"
NOTICE = Outbound("pelan-pelan")


def _limit(per_minute: int) -> SenderLimit:
    return SenderLimit(per_minute, NOTICE, lambda inbound: "dikurung" in inbound.text)


async def _count(service: Service, row: type) -> int:
    async with service.storage.unit_of_work() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(row)) or 0)


async def test_two_workers_share_one_limit(service: Service, clock: FakeClock) -> None:
    other = create_engine(service.settings.database_url)
    workers = [service.storage, SqlStorage(other, clock)]
    try:
        seen = []
        for number in range(6):
            async with workers[number % 2].unit_of_work() as uow:
                count, contact = await uow.count_and_claim(
                    "whatsapp", f"wamid.{number}", PHONE, "id", 3
                )
                await uow.commit()
            seen.append((count, contact is not None))
        assert seen == [(1, True), (2, True), (3, True), (4, False), (5, False), (6, False)]
        # Over the limit nothing was claimed: those ids are still free.
        assert await _count(service, ProcessedMessageRow) == 3
        async with workers[0].unit_of_work() as uow:
            assert (await uow.count_and_claim("whatsapp", "x", "62813", "id", 3))[0] == 1
            await uow.commit()
        clock.advance(minutes=1)  # a new minute
        async with workers[1].unit_of_work() as uow:
            count, contact = await uow.count_and_claim("whatsapp", "wamid.5", PHONE, "id", 3)
            await uow.commit()
        assert (count, contact is not None) == (1, True)
        clock.advance(hours=2)
        assert await SqlRateWindows(other, clock).forget_older_than(timedelta(hours=1)) == 2
    finally:
        await other.dispose()


async def test_a_turn_rolled_back_is_not_counted(service: Service) -> None:
    async with service.storage.unit_of_work() as uow:
        assert (await uow.count_and_claim("whatsapp", "a", PHONE, "id", 2))[0] == 1
        await uow.rollback()  # the database failed the turn: the platform redelivers it
    async with service.storage.unit_of_work() as uow:
        count, contact = await uow.count_and_claim("whatsapp", "a", PHONE, "id", 2)
        await uow.commit()
    assert count == 1
    assert contact is not None


async def test_over_the_limit_one_notice_then_nothing_and_danger_always_answered(
    service: Service,
) -> None:
    engine: Engine = service.engine
    engine.options = type(engine.options)(outbox_channels=frozenset({"whatsapp"}))

    async def send(text: str) -> tuple[str | None, int]:
        turn = await engine.handle_turn(
            make_inbound(text, channel=Channel.WHATSAPP, user_id=PHONE), _limit(2)
        )
        return turn.limited, len(turn.messages)

    assert [(await send("halo"))[0] for _ in range(2)] == [None, None]
    assert await send("halo lagi") == ("warn", 1)
    assert await send("halo lagi") == ("drop", 0)
    urgent = await send("tolong saya dikurung majikan")
    assert urgent[0] is None
    assert urgent[1] >= 1
    async with service.storage.unit_of_work() as uow:
        bodies = [row.body["text"] for row in await uow.session.scalars(select(OutboxRow))]
        windows = (await uow.session.scalars(select(RateWindowRow.count))).all()
    assert bodies.count("pelan-pelan") == 1
    assert windows == [5]  # every message counted, the refused and the urgent one too
    assert await _count(service, ProcessedMessageRow) == 3  # refused ones stay unclaimed


async def test_a_turn_that_failed_in_a_handler_is_still_counted(service: Service) -> None:
    class Broken:
        name = "broken"

        async def handle(self, message: object, ctx: object) -> None:
            raise RuntimeError("a handler bug")

    service.engine.pipeline = (Broken(), *service.engine.pipeline)
    turn = await service.engine.handle_turn(
        make_inbound("halo", channel=Channel.WHATSAPP, user_id=PHONE), _limit(5)
    )
    assert turn.handler == "error"
    async with service.storage.unit_of_work() as uow:
        assert (await uow.session.scalars(select(RateWindowRow.count))).all() == [1]
