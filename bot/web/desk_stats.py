"""The desk's statistics page: counts for the officer's scope and a period, with server-rendered
SVG bar charts (no script, no CDN) and a CSV export in the columns of `migrasi-aman report`."""

from __future__ import annotations

import html
from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.admin_cli import report_csv
from bot.i18n import Translations
from bot.inquiries import InquiryDraft
from bot.web.dashboard import (
    WIB,
    _header,
    _i18n,
    _login,
    _page,
    _refused,
    _runtime,
    _select,
    _session,
)
from handlers.red_flags import describe
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


def _topic_label(request: Request, topic: str) -> str:
    if topic == UNKNOWN:
        return topic
    found = _runtime(request).service.knowledge.topic(topic)
    return found.title_for("id") if found else topic


def _hours(value: float | None, i18n: Translations) -> str:
    if value is None:
        return "-"
    return i18n._("{hours} jam").format(hours=f"{value:.1f}".replace(".", ","))


def _figures(report: CentreReport, backlog: Backlog, i18n: Translations) -> str:
    """Return the headline numbers."""
    figures = [
        (i18n._("Pertanyaan masuk"), str(report.total)),
        (i18n._("Mendesak"), str(report.urgent)),
        (
            i18n._("Waktu sampai jawaban pertama (median)"),
            _hours(report.first_answer.median_hours, i18n),
        ),
        (i18n._("Terbuka sekarang"), str(backlog.open + backlog.claimed)),
        (i18n._("Terlambat (belum diambil lewat batas)"), str(backlog.overdue)),
    ]
    items = "".join(
        f"<div><dt>{html.escape(name)}</dt><dd>{html.escape(value)}</dd></div>"
        for name, value in figures
    )
    return f'<dl class="figures">{items}</dl>'


STYLE = """<style>
dl.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.5rem}
dl.figures div{border:1px solid #ccc;border-radius:.5rem;padding:.5rem}
dl.figures dt{font-size:.9rem} dl.figures dd{margin:0;font-size:1.5rem;font-weight:700}
figure.chart{margin:1rem 0} figure.chart figcaption{font-weight:600;margin-bottom:.25rem}
figure.chart svg{max-width:30rem;font-size:13px} figure.chart rect{fill:#0b4f9c}
</style>"""


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
    note = (
        f'<p class="problem" role="alert">{html.escape(problems[problem])}</p>' if problem else ""
    )
    centre_name = dict(centres).get(session.officer.centre_id, session.officer.centre_id)
    words = {
        "centre": html.escape(i18n._("Pusat layanan")),
        "from": html.escape(i18n._("Dari tanggal")),
        "to": html.escape(i18n._("Sampai tanggal")),
        "show": html.escape(i18n._("Tampilkan")),
        "csv": html.escape(i18n._("Unduh CSV")),
    }
    picker = ""
    if len(centres) > 1:
        options = [("", i18n._("Semua di wilayah Anda")), *centres]
        picker = (
            f'<div><label for="pusat">{words["centre"]}</label>'
            f"{_select('pusat', pusat, options)}</div>"
        )
    query = f"dari={start.isoformat()}&sampai={end.isoformat()}" + (
        f"&pusat={html.escape(pusat)}" if pusat else ""
    )
    form = (
        '<form class="filters" method="get" action="/petugas/statistik">'
        f'<div><label for="dari">{words["from"]}</label>'
        f'<input id="dari" name="dari" type="date" value="{start.isoformat()}"></div>'
        f'<div><label for="sampai">{words["to"]}</label>'
        f'<input id="sampai" name="sampai" type="date" value="{end.isoformat()}"></div>'
        f"{picker}<div><button>{words['show']}</button></div>"
        f'<div><a class="button" href="/petugas/statistik.csv?{query}" download>'
        f"{words['csv']}</a></div></form>"
    )
    flags = [
        (describe(code, InquiryDraft(), i18n), count) for code, count in report.by_red_flag.items()
    ]
    charts = [
        bar_chart(i18n._("Pertanyaan per minggu"), list(report.by_week.items())),
        bar_chart(
            i18n._("Menurut topik"),
            [(_topic_label(request, topic), n) for topic, n in report.by_topic.items()],
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
    empty = (
        "<p>" + html.escape(i18n._("Belum ada pertanyaan pada periode ini.")) + "</p>"
        if report.total == 0
        else ""
    )
    body = (
        STYLE
        + _header(session, centre_name, i18n)
        + "<h1>"
        + html.escape(i18n._("Statistik pertanyaan"))
        + "</h1>"
        + note
        + form
        + _figures(report, backlog, i18n)
        + empty
        + "".join(charts)
    )
    return _page(i18n._("Statistik") + " · " + i18n._("Meja petugas"), body)


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
