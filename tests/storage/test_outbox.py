"""The outbox's sent records: written together when they arrive together, each one kept."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, select

from bot.composition import Service
from bot.messages import Outbound, Recipient
from storage.models import OutboxReceiptRow, OutboxRow
from storage.outbox import SENT

RECIPIENTS = [f"62812777{n:05d}" for n in range(6)]


async def _claimed(service: Service, count: int) -> list[int]:
    """Queue one message to each of `count` recipients and claim them; return their ids."""
    for phone in RECIPIENTS[:count]:
        await service.outbox.enqueue(Outbound("halo"), Recipient("whatsapp", phone))
    return [item.id for item in await service.outbox.claim(["whatsapp"])]


async def test_sent_records_arriving_together_share_one_transaction(service: Service) -> None:
    ids = await _claimed(service, 6)
    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    event.listen(service.database.sync_engine, "commit", committed)
    try:
        await asyncio.gather(
            *(service.outbox.mark_sent(row_id, [f"wamid.{row_id}"], False) for row_id in ids)
        )
    finally:
        event.remove(service.database.sync_engine, "commit", committed)
    # All six were recorded before the writer ran: one transaction for the batch.
    assert len(commits) == 1
    rows = await service.outbox.rows()
    assert [(row.status, row.platform_message_id) for row in rows] == [
        (SENT, f"wamid.{row.id}") for row in rows
    ]
    async with service.storage.unit_of_work() as uow:
        receipts = (await uow.session.scalars(select(OutboxReceiptRow.outbox_id))).all()
    assert sorted(receipts) == sorted(ids)


async def test_a_failed_batch_write_fails_every_record_in_it(service: Service) -> None:
    ids = await _claimed(service, 3)

    def refuse(_conn, _cursor, sql, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if sql.startswith("UPDATE outbox"):
            raise RuntimeError("database refused")

    event.listen(service.database.sync_engine, "before_cursor_execute", refuse)
    try:
        results = await asyncio.gather(
            *(service.outbox.mark_sent(row_id, ["wamid.x"], False) for row_id in ids),
            return_exceptions=True,
        )
    finally:
        event.remove(service.database.sync_engine, "before_cursor_execute", refuse)
    assert all(isinstance(result, Exception) for result in results)
    # Nothing of the batch was stored: the rows stay leased and are sent again later.
    assert {row.status for row in await service.outbox.rows()} == {"sending"}
    await service.outbox.mark_sent(ids[0], ["wamid.again"], False)  # the writer recovers
    assert (await service.outbox.rows())[0].status == SENT


@pytest.mark.parametrize("forget", [True, None])
async def test_a_goodbye_is_deleted_once_sent(service: Service, forget: bool | None) -> None:
    recipient = Recipient("whatsapp", RECIPIENTS[0])
    await service.outbox.enqueue(Outbound("selamat tinggal", forget_after_send=True), recipient)
    [item] = await service.outbox.claim(["whatsapp"])
    # The sender passes what the claim read; None makes the outbox read the row itself.
    await service.outbox.mark_sent(item.id, ["wamid.bye"], forget)
    assert await service.outbox.rows() == []
    async with service.storage.unit_of_work() as uow:
        assert (await uow.session.scalars(select(OutboxRow.id))).all() == []
        assert (await uow.session.scalars(select(OutboxReceiptRow.outbox_id))).all() == []
