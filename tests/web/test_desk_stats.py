"""The desk's statistics page and its CSV export: the scope, the period, the charts, the
columns of `migrasi-aman report`, and cells a spreadsheet cannot run."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from bot.admin_cli import report_csv, safe_cell
from bot.composition import Service
from bot.inquiries import InquiryDraft
from bot.web.desk_stats import bar_chart, topic_counts
from knowledge.base import KnowledgeBase
from storage.report import UNKNOWN, centre_report
from tests.web.test_desk_casework import scoped_setup
from tests.webapp import DESK_NOW, running_app


async def _more_cases(service: Service) -> None:
    """Two more plm-a cases: an urgent one with red flags and a formula-like destination."""
    async with service.storage.unit_of_work() as uow:
        urgent = InquiryDraft(
            question="tolong", destination="Malaysia", red_flags=["bahaya", "confinement"]
        )
        await uow.file_inquiry(None, urgent, "plm-a", "urgent", DESK_NOW + timedelta(hours=1))
        sly = InquiryDraft(question="x", destination='=HYPERLINK("http://evil.test")')
        await uow.file_inquiry(None, sly, "plm-a", "normal", DESK_NOW - timedelta(days=8))
        await uow.commit()


def test_a_bar_chart_is_plain_svg_scaled_to_the_largest_count() -> None:
    chart = bar_chart("Per minggu", [("2026-W47", 4), ("2026-W48", 2), ("<b>", 1)])
    assert chart.count("<rect") == 3 and "<script" not in chart
    assert 'width="210"' in chart and 'width="105"' in chart  # 4 -> full span, 2 -> half
    assert "&lt;b&gt;" in chart and "<b>" not in chart
    assert "<desc>2026-W47: 4; 2026-W48: 2; &lt;b&gt;: 1</desc>" in chart
    assert bar_chart("kosong", []) == ""


def test_inquiries_under_a_folded_pages_old_id_count_with_its_page(
    knowledge: KnowledgeBase,
) -> None:
    by_topic = {UNKNOWN: 3, "negara.timur_tengah": 2, "negara.teluk": 2}
    assert topic_counts(knowledge, by_topic) == [
        ("Bekerja di Timur Tengah / Arab Saudi", 4),
        (UNKNOWN, 3),
    ]


def test_formula_like_cells_are_made_text() -> None:
    assert [safe_cell(v) for v in ("=1+1", "+62", "-2", "@a", "\tx", "taiwan", 3)] == [
        "'=1+1",
        "'+62",
        "'-2",
        "'@a",
        "'\tx",
        "taiwan",
        3,
    ]


async def test_the_statistics_page_shows_the_officers_centre(service: Service) -> None:
    await scoped_setup(service)
    await _more_cases(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        page = (await app.client.get("/petugas/statistik")).text
    assert "<svg" in page and "<script" not in page
    assert 'src="http' not in page and 'href="http' not in page  # nothing from a CDN
    assert "Pertanyaan per minggu" in page and "2026-W48" in page and "2026-W46" in page
    assert "DALAM BAHAYA" in page and "confinement" not in page  # red flags in plain words
    assert "<dt>Pertanyaan masuk</dt><dd>3</dd>" in page  # plm-b's case is not counted
    assert "<dt>Mendesak</dt><dd>1</dd>" in page
    assert "<dt>Terlambat (belum diambil lewat batas)</dt><dd>2</dd>" in page


async def test_the_csv_matches_the_report_command_and_is_safe(service: Service) -> None:
    await scoped_setup(service)
    await _more_cases(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        exported = await app.client.get(
            "/petugas/statistik.csv", params={"dari": "2026-11-01", "sampai": "2026-11-30"}
        )
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    expected = report_csv(
        await centre_report(service.storage, "plm-a", date(2026, 11, 1), date(2026, 11, 30))
    )
    assert exported.text == expected
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0] == ["section", "key", "value"]
    destinations = [key for section, key, _ in rows if section == "destination"]
    # A label typed once is grouped (it could point at one person); kept ones are defused.
    assert "lainnya" in destinations
    assert not any(key.startswith("=") for _, key, _ in rows)


async def test_a_supervisor_gets_the_regency_and_nothing_outside(service: Service) -> None:
    await scoped_setup(service)
    await _more_cases(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-sup")
        page = (await app.client.get("/petugas/statistik")).text
        assert "<dt>Pertanyaan masuk</dt><dd>3</dd>" in page  # plm-a's three, not plm-b's
        assert '<option value="plm-a">Pusat A</option>' in page
        assert "Pusat B" not in page
        exported = await app.client.get("/petugas/statistik.csv")
        assert "summary,centre,wilayah:dinas-kebumen" in exported.text
        assert "summary,total,3" in exported.text
        for path in ("/petugas/statistik", "/petugas/statistik.csv"):
            assert (await app.client.get(path, params={"pusat": "plm-b"})).status_code == 404


async def test_another_centres_officer_cannot_pick_a_centre_outside_their_own(
    service: Service,
) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        assert (await app.client.get("/petugas/statistik.csv")).status_code == 403
        await app.desk_sign_in("kode-b")
        for path in ("/petugas/statistik", "/petugas/statistik.csv"):
            refused = await app.client.get(path, params={"pusat": "plm-a"})
            assert refused.status_code == 404 and "Pusat A" not in refused.text
        own = await app.client.get("/petugas/statistik.csv")
        assert "summary,centre,plm-b" in own.text and "summary,total,1" in own.text


async def test_a_bad_period_is_explained_and_the_default_shown(service: Service) -> None:
    await scoped_setup(service)
    async with running_app(service) as app:
        await app.desk_sign_in("kode-a")
        backwards = await app.client.get(
            "/petugas/statistik", params={"dari": "2026-11-20", "sampai": "2026-11-01"}
        )
        assert "Tanggal akhir sebelum tanggal awal" in backwards.text
        garbled = await app.client.get("/petugas/statistik", params={"dari": "kemarin"})
        assert "Tanggal tidak terbaca" in garbled.text
        assert 'value="2026-11-23"' in garbled.text  # today in WIB is the default end
