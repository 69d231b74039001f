"""Desk sessions and sign-in failures in storage, on each backend."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.composition import Service
from storage.desk import OfficerSessionRow, SignInFailureRow
from tests.helpers import FakeClock
from tests.webapp import desk_setup

IDLE = timedelta(hours=8)


async def test_expired_sessions_and_old_failures_are_forgotten(
    service: Service, clock: FakeClock
) -> None:
    await desk_setup(service)
    start = clock()
    async with service.storage.unit_of_work() as uow:
        await uow.open_desk_session("lama", 1, "t1", start, timedelta(days=1))
        await uow.open_desk_session("baru", 2, "t2", start, timedelta(days=7))
        await uow.record_sign_in_failure(["address:10.0.0.1", "officer:1"], start)
        await uow.commit()
    later = start + timedelta(days=2)
    async with service.storage.unit_of_work() as uow:
        await uow.record_sign_in_failure(["address:10.0.0.1"], later)
        assert await uow.forget_desk_state(later, timedelta(minutes=30)) == 3
        await uow.commit()
    async with service.storage.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(SignInFailureRow)) == 1
        kept = list(await session.scalars(select(OfficerSessionRow.officer_id)))
    assert kept == [2]
    async with service.storage.unit_of_work() as uow:
        assert await uow.desk_session("lama", start, IDLE) is None
        found = await uow.desk_session("baru", start + timedelta(hours=1), IDLE)
        assert found is not None and found.officer.id == 2 and found.csrf_token == "t2"
        failures = await uow.sign_in_failures("address:10.0.0.1", start)
        assert failures == [later]


async def test_closing_an_officers_sessions_leaves_the_others(service: Service) -> None:
    await desk_setup(service)
    now = service.storage.clock()
    async with service.storage.unit_of_work() as uow:
        for name, officer in (("a1", 1), ("a2", 1), ("b1", 2)):
            await uow.open_desk_session(name, officer, "t", now, timedelta(days=7))
        await uow.close_officer_sessions(1)
        await uow.commit()
    async with service.storage.unit_of_work() as uow:
        assert await uow.desk_session("a1", now, IDLE) is None
        assert await uow.desk_session("a2", now, IDLE) is None
        assert await uow.desk_session("b1", now, IDLE) is not None
