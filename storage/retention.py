"""Retention: personal data older than the configured period is purged; counts stay anonymous."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from storage.erasure import FREE_TEXT_FIELDS
from storage.inquiry_models import InquiryMessageRow, InquiryNoteRow, InquiryRow
from storage.models import (
    CallbackPayloadRow,
    ContactRow,
    InboundQueueRow,
    OutboxRow,
    ProcessedMessageRow,
    WebReplyRow,
)
from storage.repository import SqlStorage

# Platforms redeliver within hours; a month of inbound ids is plenty for deduplication.
DEDUP_WINDOW = timedelta(days=30)
FINISHED_OUTBOX = ("sent", "failed")
# A browser retries within seconds; a day of kept web answers is plenty.
WEB_REPLY_WINDOW = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class PurgeResult:
    """How many records one purge removed."""

    contacts: int
    threads: int
    inbound_ids: int
    outbox: int


async def purge_expired(storage: SqlStorage, now: datetime, retention_days: int) -> PurgeResult:
    """Erase contacts unseen for the retention period, old threads, dedup ids and sent messages."""
    cutoff = now - timedelta(days=retention_days)
    async with storage.unit_of_work() as uow:
        expired = list(
            await uow.session.scalars(select(ContactRow.id).where(ContactRow.last_seen_at < cutoff))
        )
        for contact_id in expired:
            # The same erasure as /hapus: inquiries keep only their anonymous fields.
            await uow.erase_contact(contact_id)
        old_threads = select(InquiryRow.id).where(
            InquiryRow.status == "resolved", InquiryRow.resolved_at < cutoff
        )
        threads = await uow.session.execute(
            delete(InquiryMessageRow).where(InquiryMessageRow.inquiry_id.in_(old_threads))
        )
        await uow.session.execute(
            delete(InquiryNoteRow).where(InquiryNoteRow.inquiry_id.in_(old_threads))
        )
        # A contact who keeps writing is never erased: their old cases still lose the text.
        await uow.session.execute(
            update(InquiryRow)
            .where(InquiryRow.status == "resolved", InquiryRow.resolved_at < cutoff)
            .values(dict.fromkeys(FREE_TEXT_FIELDS))
        )
        await uow.session.execute(
            delete(WebReplyRow).where(WebReplyRow.created_at < now - WEB_REPLY_WINDOW)
        )
        inbound = await uow.session.execute(
            delete(ProcessedMessageRow).where(ProcessedMessageRow.processed_at < now - DEDUP_WINDOW)
        )
        outbox = await uow.session.execute(
            delete(OutboxRow).where(
                OutboxRow.status.in_(FINISHED_OUTBOX), OutboxRow.created_at < now - DEDUP_WINDOW
            )
        )
        await uow.session.execute(
            delete(CallbackPayloadRow).where(CallbackPayloadRow.created_at < cutoff)
        )
        # A queued message nobody ran (no worker for a whole retention period) goes too.
        await uow.session.execute(
            delete(InboundQueueRow).where(InboundQueueRow.received_at < cutoff)
        )
        await uow.commit()
    return PurgeResult(
        contacts=len(expired),
        threads=threads.rowcount or 0,  # type: ignore[attr-defined]
        inbound_ids=inbound.rowcount or 0,  # type: ignore[attr-defined]
        outbox=outbox.rowcount or 0,  # type: ignore[attr-defined]
    )
