"""The follow-up round: remind a centre of inquiries nobody claimed, then escalate them upward.

An open inquiry past its deadline is reminded first: every officer of its centre gets a message
and the deadline moves on by another answer window. Past that second deadline it goes one level
up the CENTRE_KINDS ladder (village -> district -> regency -> province -> national) to the
nearest centre covering the inquiry's village, and the officers there are told. At the national
centre it is reminded again each window, never dropped. The windows are the storage's
AnswerWindows (settings): an urgent case is re-notified after 15 minutes and escalated after 30
by default. Run it every minute (the `followup` command, or a scheduler); each inquiry is its
own transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.i18n import Translations, Translator
from bot.inquiries import NATIONAL_CENTRE, AnswerWindows, Centre, Inquiry, Officer
from bot.messages import Outbound, Recipient
from handlers.notify import inquiry_card


class FollowUpStore(Protocol):
    """What one follow-up step needs from a unit of work."""

    async def overdue_inquiry_ids(self, now: datetime) -> list[int]:
        """Return the ids of open inquiries past their deadline."""

    async def lock_overdue(self, inquiry_id: int, now: datetime) -> tuple[Inquiry, bool] | None:
        """Lock an open overdue inquiry; return it and whether it was already reminded."""

    async def centre(self, centre_id: str) -> Centre | None:
        """Return a centre by id."""

    async def route_above(self, region_codes: list[str], kind: str) -> Centre:
        """Return the nearest centre above ``kind`` covering a code; else the national one."""

    async def officers_of(self, centre_id: str) -> list[Officer]:
        """Return the active officers of a centre."""

    async def mark_reminded(self, inquiry_id: int, now: datetime, deadline: datetime) -> bool:
        """Record a reminder and push the deadline; False when it was claimed meanwhile."""

    async def move_to_centre(
        self, inquiry_id: int, centre_id: str, now: datetime, deadline: datetime
    ) -> bool:
        """Escalate an inquiry to another centre; False when it was claimed meanwhile."""

    async def audit(
        self, inquiry_id: int, actor: str, action: str, detail: dict[str, Any], now: datetime
    ) -> None:
        """Record a change in the audit trail."""

    async def contact_recipient(self, contact_id: int) -> Recipient | None:
        """Return where messages to a contact go, if the contact still exists."""

    async def contact_locale(self, contact_id: int) -> str | None:
        """Return the contact's language, if the contact still exists."""

    async def enqueue(self, message: Outbound, recipient: Recipient, at: datetime) -> None:
        """Queue a message in the outbox, in this same transaction."""

    async def commit(self) -> None:
        """Commit the unit of work."""


class FollowUpStorage(Protocol):
    """Opens the units of work a follow-up round runs in."""

    windows: AnswerWindows

    def unit_of_work(self) -> AbstractAsyncContextManager[FollowUpStore]:
        """Open one transaction."""


@dataclass
class FollowUpResult:
    """What one round did: inquiry ids reminded, (id, from, to) escalations, messages queued."""

    reminded: list[int] = field(default_factory=list)
    escalated: list[tuple[int, str, str]] = field(default_factory=list)
    messages: int = 0


def region_ancestors(code: str | None) -> list[str]:
    """Return a dotted Kemendagri code and the codes above it, most specific first."""
    if not code:
        return []
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


async def _notify(
    uow: FollowUpStore,
    centre_id: str,
    head: str,
    inquiry: Inquiry,
    i18n: Translations,
    now: datetime,
) -> int:
    """Queue one message per active officer of the centre; return how many."""
    officers = await uow.officers_of(centre_id)
    take_it = i18n._("Ambil dengan: /ambil {id}").format(id=inquiry.id)
    text = "\n".join([head, inquiry_card(inquiry, i18n), "", take_it])
    for officer in officers:
        await uow.enqueue(Outbound(text, to=officer.recipient), officer.recipient, now)
    return len(officers)


async def _remind(
    uow: FollowUpStore,
    inquiry: Inquiry,
    i18n: Translations,
    now: datetime,
    result: FollowUpResult,
    windows: AnswerWindows,
) -> None:
    """Remind the inquiry's own centre and give it until escalation."""
    if not await uow.mark_reminded(inquiry.id, now, windows.after_reminder(inquiry.priority, now)):
        return
    await uow.audit(inquiry.id, "system", "reminded", {"centre": inquiry.centre_id}, now)
    head = i18n._("Pengingat: pertanyaan #{id} belum diambil").format(id=inquiry.id)
    result.messages += await _notify(uow, inquiry.centre_id, head, inquiry, i18n, now)
    result.reminded.append(inquiry.id)


async def _escalate(
    uow: FollowUpStore,
    inquiry: Inquiry,
    target: Centre,
    i18n: Translations,
    now: datetime,
    result: FollowUpResult,
    for_locale: Callable[[str], Translations],
    windows: AnswerWindows,
) -> None:
    """Move the inquiry to the centre above and tell that centre's officers and the user."""
    deadline = windows.first(inquiry.priority, now)
    if not await uow.move_to_centre(inquiry.id, target.id, now, deadline):
        return
    detail = {"from": inquiry.centre_id, "to": target.id}
    await uow.audit(inquiry.id, "system", "escalated", detail, now)
    head = i18n._(
        "Dialihkan ke {centre}: pertanyaan #{id} belum diambil oleh pusat layanan sebelumnya"
    ).format(centre=target.name, id=inquiry.id)
    result.messages += await _notify(uow, target.id, head, inquiry, i18n, now)
    result.escalated.append((inquiry.id, inquiry.centre_id, target.id))
    moved = i18n._("Pertanyaan #{id} tidak diambil dan sudah dialihkan ke {centre}.").format(
        id=inquiry.id, centre=target.name
    )
    for officer in await uow.officers_of(inquiry.centre_id):
        await uow.enqueue(Outbound(moved, to=officer.recipient), officer.recipient, now)
        result.messages += 1
    user = await uow.contact_recipient(inquiry.contact_id) if inquiry.contact_id else None
    if user is not None and inquiry.contact_id is not None:
        # The user should know their question was not forgotten, and who has it now.
        locale = await uow.contact_locale(inquiry.contact_id)
        note = (
            for_locale(locale or "id")
            ._("Pertanyaan {reference} Anda kami teruskan ke {centre} agar segera ditangani.")
            .format(reference=inquiry.reference, centre=target.name)
        )
        await uow.enqueue(Outbound(note, to=user), user, now)
        result.messages += 1


async def _follow_up_one(
    uow: FollowUpStore,
    inquiry_id: int,
    i18n: Translations,
    now: datetime,
    result: FollowUpResult,
    for_locale: Callable[[str], Translations],
    windows: AnswerWindows,
) -> None:
    """Remind or escalate one overdue inquiry, if it is still open and overdue."""
    locked = await uow.lock_overdue(inquiry_id, now)
    if locked is None:
        return  # claimed since the list was read, or another worker holds it
    inquiry, reminded = locked
    centre = await uow.centre(inquiry.centre_id)
    kind = centre.kind if centre else "village"
    if not reminded or inquiry.centre_id == NATIONAL_CENTRE:
        await _remind(uow, inquiry, i18n, now, result, windows)
        return
    target = await uow.route_above(region_ancestors(inquiry.draft.village_code), kind)
    await _escalate(uow, inquiry, target, i18n, now, result, for_locale, windows)


async def follow_up(
    storage: FollowUpStorage, now: datetime, translator: Translator | None = None
) -> FollowUpResult:
    """Run one round: remind overdue inquiries once, then escalate those still unclaimed."""
    translator = translator or Translator()
    i18n = translator.for_locale("id")  # officers work in Indonesian
    result = FollowUpResult()
    async with storage.unit_of_work() as uow:
        ids = await uow.overdue_inquiry_ids(now)
    for inquiry_id in ids:
        # One transaction per inquiry: a failure leaves the others done, and locks stay short.
        async with storage.unit_of_work() as uow:
            await _follow_up_one(
                uow, inquiry_id, i18n, now, result, translator.for_locale, storage.windows
            )
            await uow.commit()
    return result
