"""The desk's statistics page: counts for the officer's scope and a period, with server-rendered
SVG bar charts (no script, no CDN) and a CSV export in the columns of `migrasi-aman report`."""

from __future__ import annotations

import html
from datetime import date, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from bot.admin_cli import report_csv
from bot.i18n import Translations
from bot.inquiries import InquiryDraft
from bot.web.dashboard import (
    WIB,
    _i18n,
    _login,
    _refused,
    _runtime,
    _session,
    desk_header,
)
from bot.web.templating import render
from handlers.red_flags import describe
from knowledge.base import KnowledgeBase
from storage.desk import DeskSession
from storage.report import UNKNOWN, Backlog, CentreReport, scope_backlog, scope_report

statistics = APIRouter(prefix="/petugas", include_in_schema=False)

DEFAULT_DAYS = 56  # eight weeks
MAX_DAYS = 366
CHART_ROWS = 10
CHART_WIDTH = 400
ROW_HEIGHT = 28
LABEL_WIDTH = 150


def bar_chart(title: str, items: list[tuple[str, int]]) -> str:
    """Return a horizontal SVG bar chart of the largest counts (accessible: a title and a
    description list every bar's value)."""
    rows = items[:CHART_ROWS]
    if not rows:
        return ""
    top = max(count for _, count in rows) or 1
    height = ROW_HEIGHT * len(rows) + 8
    span = CHART_WIDTH - LABEL_WIDTH - 40
    bars = []
    for index, (label, count) in enumerate(rows):
        y = 4 + index * ROW_HEIGHT
        width = max(2, round(span * count / top))
        short = label if len(label) <= 18 else label[:17] + "…"
        bars.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 18}" text-anchor="end">{html.escape(short)}'
            f'</text><rect x="{LABEL_WIDTH}" y="{y + 4}" width="{width}" height="{ROW_HEIGHT - 8}"'
            f' rx="3"></rect><text x="{LABEL_WIDTH + width + 6}" y="{y + 18}">{count}</text>'
        )
    described = "; ".join(f"{label}: {count}" for label, count in rows)
    return (
        f'<figure class="chart"><figcaption>{html.escape(title)}</figcaption>'
        f'<svg role="img" viewBox="0 0 {CHART_WIDTH} {height}" width="100%"'
        f' preserveAspectRatio="xMinYMin meet"><title>{html.escape(title)}</title>'
        f"<desc>{html.escape(described)}</desc>{''.join(bars)}</svg></figure>"
    )


def _period(dari: str, sampai: str, today: date) -> tuple[date, date, str]:
    """Return the chosen period (default: the last eight weeks) and a problem, if any."""
    problem = ""
    try:
        end = date.fromisoformat(sampai) if sampai else today
        start = date.fromisoformat(dari) if dari else end - timedelta(days=DEFAULT_DAYS - 1)
    except ValueError:
        return today - timedelta(days=DEFAULT_DAYS - 1), today, "tanggal"
    if end < start:
        return today - timedelta(days=DEFAULT_DAYS - 1), today, "urutan"
    if (end - start).days >= MAX_DAYS:
        start, problem = end - timedelta(days=MAX_DAYS - 1), "panjang"
    return start, end, problem


async def _scoped(
    request: Request, session: DeskSession, pusat: str
) -> tuple[str, frozenset[str] | None, list[tuple[str, str]]] | None:
    """Return the report's label, its centres and the scope's centres for the picker; None
    when the chosen centre is outside the officer's scope."""
    storage = _runtime(request).service.storage
    async with storage.unit_of_work() as uow:
        scope = await uow.officer_scope(session.officer)
        centres = [(centre.id, centre.name) for centre in await uow.centres_in(scope)]
    if pusat:
        if pusat not in dict(centres):
            return None
        return pusat, frozenset({pusat}), centres
    if scope is not None and len(scope) == 1:
        return session.officer.centre_id, scope, centres
    label = "semua" if scope is None else f"wilayah:{session.officer.centre_id}"
    return label, scope, centres


def topic_counts(knowledge: KnowledgeBase, by_topic: dict[str, int]) -> list[tuple[str, int]]:
    """Count inquiries per topic title, largest first; an inquiry filed under the old id of a
    page folded into another counts with that page."""
    counts: dict[str, int] = {}
    for topic, count in by_topic.items():
        found = None if topic == UNKNOWN else knowledge.topic(topic)
        label = found.title_for("id") if found else topic
        counts[label] = counts.get(label, 0) + count
    return sorted(counts.items(), key=lambda item: -item[1])


def _hours(value: float | None, i18n: Translations) -> str:
    if value is None:
        return "-"
    return i18n._("{hours} jam").format(hours=f"{value:.1f}".replace(".", ","))


def _figures(report: CentreReport, backlog: Backlog, i18n: Translations) -> list[tuple[str, str]]:
    """Return the headline numbers."""
    return [
        (i18n._("Pertanyaan masuk"), str(report.total)),
        (i18n._("Mendesak"), str(report.urgent)),
        (
            i18n._("Waktu sampai jawaban pertama (median)"),
            _hours(report.first_answer.median_hours, i18n),
        ),
        (i18n._("Terbuka sekarang"), str(backlog.open + backlog.claimed)),
        (i18n._("Terlambat (belum diambil lewat batas)"), str(backlog.overdue)),
    ]


@statistics.get("/statistik")
async def statistics_page(
    request: Request, dari: str = "", sampai: str = "", pusat: str = ""
) -> Response:
    """Show the scope's counts for a period: per week, topic, destination, red flag; answer
    time; open versus overdue now."""
    i18n = _i18n(request)
    session = await _session(request)
    if session is None:
        return _login(request)
    scoped = await _scoped(request, session, pusat)
    if scoped is None:
        return _refused(request, i18n._("Pusat layanan ini di luar wilayah Anda."), 404)
    label, centre_ids, centres = scoped
    storage = _runtime(request).service.storage
    now = storage.clock()
    start, end, problem = _period(dari, sampai, now.astimezone(WIB).date())
    report = await scope_report(storage, label, centre_ids, start, end)
    backlog = await scope_backlog(storage, centre_ids, now)
    problems = {
        "tanggal": i18n._("Tanggal tidak terbaca; yang ditampilkan delapan minggu terakhir."),
        "urutan": i18n._(
            "Tanggal akhir sebelum tanggal awal; yang ditampilkan delapan minggu terakhir."
        ),
        "panjang": i18n._("Periode paling panjang satu tahun; tanggal awal disesuaikan."),
    }
    centre_name = dict(centres).get(session.officer.centre_id, session.officer.centre_id)
    flags = [
        (describe(code, InquiryDraft(), i18n), count) for code, count in report.by_red_flag.items()
    ]
    charts = [
        bar_chart(i18n._("Pertanyaan per minggu"), list(report.by_week.items())),
        bar_chart(
            i18n._("Menurut topik"),
            topic_counts(_runtime(request).service.knowledge, report.by_topic),
        ),
        bar_chart(i18n._("Menurut negara tujuan"), list(report.by_destination.items())),
        bar_chart(i18n._("Menurut tanda bahaya"), flags),
        bar_chart(
            i18n._("Terbuka dan terlambat sekarang"),
            [
                (i18n._("Belum diambil"), backlog.open),
                (i18n._("Sudah diambil"), backlog.claimed),
                (i18n._("Terlambat"), backlog.overdue),
            ],
        ),
    ]
    query = {"dari": start.isoformat(), "sampai": end.isoformat()} | (
        {"pusat": pusat} if pusat else {}
    )
    return render(
        request,
        "desk/statistics.html",
        i18n,
        title=i18n._("Statistik") + " · " + i18n._("Meja petugas"),
        header=desk_header(session, centre_name, i18n),
        problems=[problems[problem]] if problem else [],
        start=start.isoformat(),
        end=end.isoformat(),
        centre_options=[("", i18n._("Semua di wilayah Anda")), *centres],
        chosen_centre=pusat,
        query=urlencode(query),
        figures=_figures(report, backlog, i18n),
        empty=report.total == 0,
        # bar_chart escapes every label and title itself: its SVG goes in as markup.
        charts=[Markup(chart) for chart in charts if chart],  # noqa: S704
    )


@statistics.get("/statistik.csv")
async def statistics_csv(
    request: Request, dari: str = "", sampai: str = "", pusat: str = ""
) -> Response:
    """Return the period's report as CSV, in the columns of `migrasi-aman report`."""
    i18n = _i18n(request)
    session = await _session(request)
    if session is None:
        return _refused(request, i18n._("Sesi Anda sudah berakhir. Silakan masuk lagi."))
    scoped = await _scoped(request, session, pusat)
    if scoped is None:
        return _refused(request, i18n._("Pusat layanan ini di luar wilayah Anda."), 404)
    label, centre_ids, _ = scoped
    storage = _runtime(request).service.storage
    start, end, _problem = _period(dari, sampai, storage.clock().astimezone(WIB).date())
    report = await scope_report(storage, label, centre_ids, start, end)
    name = f"laporan-{start.isoformat()}-{end.isoformat()}.csv"
    return Response(
        report_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
