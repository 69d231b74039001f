"""Inquiries for a human: the domain types, the storage port, and the rules for deadlines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.messages import Recipient

# Escalation climbs this ladder; a centre's kind says where it stands.
CENTRE_KINDS = ("village", "district", "regency", "province", "national")
NATIONAL_CENTRE = "nasional"
# Officers using the web dashboard talk to the engine on this channel as "officer-<id>".
DASHBOARD_CHANNEL = "petugas-web"
ANSWER_WITHIN = {"normal": timedelta(hours=24), "urgent": timedelta(minutes=15)}
# How an urgent case may be reached: on this chat, on another number, or not safely at all.
REACH_CHOICES = ("chat", "other", "none")
# Desk roles: an officer works on the own centre, a supervisor on every centre under the own
# centre's region codes (a regency or province office), an administrator on every centre.
ROLES = ("officer", "supervisor", "admin")
# How a case ended, chosen when it is resolved on the desk.
OUTCOMES = (
    "informed",
    "referred_ltsa",
    "referred_disnaker",
    "referred_police",
    "reported_kp2mi",
    "no_answer",
)


@dataclass(frozen=True, slots=True)
class AnswerWindows:
    """How long an inquiry may wait unclaimed before it is reminded, then escalated.

    An urgent case is re-notified after `urgent_renotify` and escalates one level up after
    `urgent_escalate` (both counted from when it reached its centre); a normal one waits
    `normal` for each step.
    """

    normal: timedelta = timedelta(hours=24)
    urgent_renotify: timedelta = timedelta(minutes=15)
    urgent_escalate: timedelta = timedelta(minutes=30)

    def first(self, priority: str, now: datetime) -> datetime:
        """Return when a case just filed or moved must be claimed before it is reminded."""
        return now + (self.urgent_renotify if priority == "urgent" else self.normal)

    def after_reminder(self, priority: str, now: datetime) -> datetime:
        """Return when a reminded case escalates if still unclaimed."""
        if priority == "urgent":
            return now + max(self.urgent_escalate - self.urgent_renotify, timedelta(minutes=1))
        return now + self.normal


@dataclass(frozen=True, slots=True)
class Centre:
    """A service centre."""

    id: str
    name: str
    kind: str
    contact: str | None = None
    hours: str | None = None


@dataclass(frozen=True, slots=True)
class Officer:
    """A person at a centre who answers inquiries."""

    id: int
    centre_id: str
    name: str
    channel: str
    user_id: str
    role: str = "officer"

    @property
    def recipient(self) -> Recipient:
        """Return where notifications to this officer go."""
        return Recipient(self.channel, self.user_id)


@dataclass(slots=True)
class InquiryDraft:
    """What the intake dialog collected (every field may be skipped)."""

    asker: str | None = None
    name: str | None = None
    village_code: str | None = None
    village_text: str | None = None
    destination: str | None = None
    job: str | None = None
    recruiter: str | None = None
    paid_amount: int | None = None
    paid_note: str | None = None  # other figures named with the amount ("DP Rp5.000.000")
    question: str | None = None
    topic: str | None = None
    red_flags: list[str] = field(default_factory=list)
    # Urgent cases: where the person is now, how to reach them, and who filed it.
    location: str | None = None
    reach: str | None = None
    reach_number: str | None = None
    third_party: bool = False

    @classmethod
    def from_slots(cls, slots: dict[str, Any]) -> InquiryDraft:
        """Rebuild a draft from conversation slots."""
        known = {name: slots[name] for name in cls.__dataclass_fields__ if name in slots}
        return cls(**known)

    def to_slots(self) -> dict[str, Any]:
        """Return the draft as JSON-able slots."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(slots=True)
class Inquiry:
    """A filed inquiry as officers and the user see it."""

    id: int
    centre_id: str
    status: str
    priority: str
    contact_id: int | None
    draft: InquiryDraft
    created_at: datetime
    claimed_by: int | None = None
    claimed_by_name: str | None = None
    officer_last_reply_at: datetime | None = None

    @property
    def reference(self) -> str:
        """Return the number the user quotes."""
        return f"MA-{self.id:05d}"


def deadline_for(priority: str, now: datetime) -> datetime:
    """Return when an inquiry must be claimed before it is reminded."""
    return now + ANSWER_WITHIN.get(priority, ANSWER_WITHIN["normal"])


class InquiryStore(Protocol):
    """What handlers may do with inquiries, centres and officers."""

    async def officer_for(self, channel: str, user_id: str) -> Officer | None:
        """Return the active officer using this channel account, if any."""

    async def route(self, region_codes: list[str]) -> Centre:
        """Return the most specific centre covering any of the codes (most specific first)."""

    async def centre(self, centre_id: str) -> Centre | None:
        """Return a centre by id."""

    async def officers_of(self, centre_id: str) -> list[Officer]:
        """Return the active officers of a centre."""

    async def file_inquiry(
        self,
        contact_id: int | None,
        draft: InquiryDraft,
        centre_id: str,
        priority: str,
        now: datetime,
    ) -> Inquiry:
        """Store a new inquiry (and its audit event) and return it."""

    async def get_inquiry(self, inquiry_id: int) -> Inquiry | None:
        """Return an inquiry by id."""

    async def queue(self, centre_id: str) -> list[Inquiry]:
        """Return a centre's unresolved inquiries, urgent and oldest first."""

    async def may_handle(self, officer: Officer, centre_id: str) -> bool:
        """Return True when the officer's role covers the centre's cases."""

    async def claim(
        self, inquiry_id: int, officer: Officer, now: datetime
    ) -> tuple[bool, str | None]:
        """Claim an open inquiry atomically; on loss return the holder's name."""

    async def take_over(
        self, inquiry_id: int, officer: Officer, from_centre: str, now: datetime
    ) -> bool:
        """Move an open urgent inquiry to the officer's centre and claim it; False if too late."""

    async def add_thread_message(
        self, inquiry_id: int, sender: str, text: str, officer_id: int | None, now: datetime
    ) -> None:
        """Add a message to the user-officer thread (and mark an officer's first answer)."""

    async def resolve(self, inquiry_id: int, officer: Officer, note: str, now: datetime) -> None:
        """Close an inquiry with the officer's note."""

    async def contact_recipient(self, contact_id: int) -> Recipient | None:
        """Return where messages to a contact go, if the contact still exists."""

    async def contact_locale(self, contact_id: int) -> str | None:
        """Return the contact's language, if the contact still exists."""

    async def held_inquiry(self, contact_id: int, since: datetime) -> Inquiry | None:
        """Return the contact's claimed inquiry whose officer wrote since the given time."""

    async def audit(
        self, inquiry_id: int, actor: str, action: str, detail: dict[str, Any], now: datetime
    ) -> None:
        """Record a change in the audit trail."""

    async def redact_inquiry(self, inquiry_id: int, now: datetime) -> None:
        """Remove an inquiry's personal text (the user refused consent after an urgent filing)."""

    async def open_urgent_inquiry(self, contact_id: int) -> Inquiry | None:
        """Return the contact's unresolved urgent inquiry, if any."""

    async def update_case(self, inquiry_id: int, changes: dict[str, Any], now: datetime) -> None:
        """Attach what the user added (name, location, reach) to an inquiry, with an audit event."""

    async def route_above(self, region_codes: list[str], kind: str) -> Centre:
        """Return the nearest centre above ``kind`` covering a code; else the national one."""
