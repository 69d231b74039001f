"""A centre's inquiry report: anonymous counts and answer times, never a person's data.

Only coded or chosen fields are read (created and answer times, priority, status, topic,
destination, job, red-flag codes): no name, question, recruiter, village text or contact.
Inquiries count for the centre that holds them now, so an escalated inquiry counts above.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from storage.erasure import MENU_CHOICES
from storage.inquiry_models import InquiryRow

if TYPE_CHECKING:
    from storage.repository import SqlStorage

# Weeks and date ranges are those of the offices reading the report; most are on WIB.
WIB = timezone(timedelta(hours=7), "WIB")
UNKNOWN = "(tidak diisi)"
# Destination and job are mostly menu choices, but may be typed: keep a label, not a sentence.
MAX_LABEL = 40
# A typed label shared by fewer inquiries than this could point at one person: grouped.
MIN_TYPED_COUNT = 3
OTHER = "lainnya"


@dataclass
class FirstAnswer:
    """How long inquiries waited for an officer's first answer, in hours."""

    answered: int = 0
    median_hours: float | None = None
    p90_hours: float | None = None


@dataclass
class CentreReport:
    """Counts for one centre over an inclusive date range."""

    centre_id: str
    start: date
    end: date
    total: int = 0
    urgent: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_week: dict[str, int] = field(default_factory=dict)
    by_topic: dict[str, int] = field(default_factory=dict)
    by_destination: dict[str, int] = field(default_factory=dict)
    by_job: dict[str, int] = field(default_factory=dict)
    by_red_flag: dict[str, int] = field(default_factory=dict)
    first_answer: FirstAnswer = field(default_factory=FirstAnswer)


def _label(value: str | None) -> str:
    """Return a grouping label for a chosen or typed value."""
    folded = " ".join((value or "").split()).lower()
    return folded[:MAX_LABEL] if folded else UNKNOWN


def _group_rare(counts: Counter[str], choices: frozenset[str]) -> Counter[str]:
    """Fold typed labels seen fewer than MIN_TYPED_COUNT times into "lainnya"."""
    grouped: Counter[str] = Counter()
    for label, count in counts.items():
        keep = label in choices or label == UNKNOWN or count >= MIN_TYPED_COUNT
        grouped[label if keep else OTHER] += count
    return grouped


def _sorted(counts: Counter[str]) -> dict[str, int]:
    """Return counts largest first, then by key, so reports are stable."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def with_live_topics(report: CentreReport, names: Mapping[str, str]) -> CentreReport:
    """Return the report with inquiries filed under a folded page's old id counted under the
    page that now answers it (`names`: every id, old or live, to its live id)."""
    counts: Counter[str] = Counter()
    for topic, count in report.by_topic.items():
        counts[names.get(topic, topic)] += count
    return replace(report, by_topic=_sorted(counts))


def _nearest_rank(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of sorted values."""
    return values[max(0, math.ceil(share * len(values)) - 1)]


def _week(moment: datetime, zone: tzinfo) -> str:
    """Return the ISO week of a moment in the report's time zone, like 2026-W48."""
    year, week, _ = moment.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


async def centre_report(
    target: AsyncEngine | SqlStorage, centre_id: str, start: date, end: date, zone: tzinfo = WIB
) -> CentreReport:
    """Count a centre's inquiries created from ``start`` to ``end`` inclusive, dates in ``zone``."""
    return await scope_report(target, centre_id, [centre_id], start, end, zone)


async def scope_report(
    target: AsyncEngine | SqlStorage,
    label: str,
    centre_ids: Collection[str] | None,
    start: date,
    end: date,
    zone: tzinfo = WIB,
) -> CentreReport:
    """Count the inquiries of several centres (None: every centre) under one label, as
    `centre_report` does for one (the desk's statistics for a supervisor's region)."""
    engine = target if isinstance(target, AsyncEngine) else target.engine
    since = datetime.combine(start, time.min, zone)
    until = datetime.combine(end + timedelta(days=1), time.min, zone)
    query = select(
        InquiryRow.created_at,
        InquiryRow.first_response_at,
        InquiryRow.priority,
        InquiryRow.status,
        InquiryRow.topic,
        InquiryRow.destination,
        InquiryRow.job,
        InquiryRow.red_flags,
    ).where(InquiryRow.created_at >= since, InquiryRow.created_at < until)
    if centre_ids is not None:
        query = query.where(InquiryRow.centre_id.in_(list(centre_ids)))
    async with async_sessionmaker(engine)() as session:
        rows = (await session.execute(query)).all()

    report = CentreReport(label, start, end, total=len(rows))
    weeks: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    destinations: Counter[str] = Counter()
    jobs: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    waits: list[float] = []
    for created, answered, priority, status, topic, destination, job, red_flags in rows:
        report.urgent += priority == "urgent"
        statuses[status] += 1
        weeks[_week(created, zone)] += 1
        topics[topic or UNKNOWN] += 1
        destinations[_label(destination)] += 1
        jobs[_label(job)] += 1
        flags.update(set(red_flags or []))
        if answered is not None:
            waits.append((answered - created).total_seconds() / 3600)
    report.by_status = _sorted(statuses)
    report.by_week = dict(sorted(weeks.items()))
    report.by_topic = _sorted(topics)
    report.by_destination = _sorted(_group_rare(destinations, MENU_CHOICES["destination"]))
    report.by_job = _sorted(_group_rare(jobs, MENU_CHOICES["job"]))
    report.by_red_flag = _sorted(flags)
    if waits:
        waits.sort()
        report.first_answer = FirstAnswer(
            answered=len(waits),
            median_hours=round(statistics.median(waits), 2),
            p90_hours=round(_nearest_rank(waits, 0.9), 2),
        )
    return report


@dataclass(frozen=True, slots=True)
class Backlog:
    """The unresolved cases of a scope right now: open (unclaimed), claimed, and overdue."""

    open: int
    claimed: int
    overdue: int


async def scope_backlog(
    target: AsyncEngine | SqlStorage, centre_ids: Collection[str] | None, now: datetime
) -> Backlog:
    """Count a scope's unresolved cases now; overdue means unclaimed past its deadline."""
    engine = target if isinstance(target, AsyncEngine) else target.engine
    late = func.sum(case((InquiryRow.deadline_at <= now, 1), else_=0))
    query = select(InquiryRow.status, func.count(), late).where(
        InquiryRow.status.in_(("open", "claimed"))
    )
    if centre_ids is not None:
        query = query.where(InquiryRow.centre_id.in_(list(centre_ids)))
    counts = {"open": 0, "claimed": 0, "overdue": 0}
    async with async_sessionmaker(engine)() as session:
        grouped = await session.execute(query.group_by(InquiryRow.status))
        for status, count, overdue in grouped.all():
            counts[status] += count
            if status == "open":
                counts["overdue"] += int(overdue or 0)
    return Backlog(**counts)
