"""The centre report: counts, answer times and no personal data, on every backend."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

from bot.admin_cli import report_csv, report_json
from bot.composition import Service
from bot.inquiries import InquiryDraft
from storage.centres import add_officer, import_centres
from storage.report import centre_report
from tests.helpers import FakeClock

PERSONAL = (
    "Siti Rahayu",
    "PT Maju Jaya",
    "Dusun Krajan RT 02",
    "paspor saya ditahan",
    "628123",
    "user-",
)


async def _seed(service: Service, clock: FakeClock, tmp_path: Path) -> None:
    """File inquiries over two ISO weeks, answer some, and add noise outside the report."""
    path = tmp_path / "centres.yaml"
    path.write_text(
        "centres:\n"
        "  - {id: plm-jogosimo, name: PLM Jogosimo, kind: village, regions: ['33.05.05.2001']}\n"
        "  - {id: plm-brongkal, name: PLM Brongkal, kind: village, regions: ['35.07.33.2006']}\n",
        encoding="utf-8",
    )
    await import_centres(service.storage, path, None)
    officer = await add_officer(
        service.storage, "plm-jogosimo", "Budi", "console", "petugas-1", clock.now
    )
    start = clock.now  # Monday 23 November 2026, 15:00 WIB: ISO week 48
    # (days after start, hours to first answer or None, priority, topic, destination, job, flags)
    cases = [
        (
            0,
            2,
            "urgent",
            "dokumen_ditahan",
            "Arab Saudi",
            "PRT / pengasuh",
            ["dokumen_ditahan", "biaya"],
        ),
        (1, 5, "normal", "cek_p3mi", "Taiwan", "Pabrik", ["biaya"]),
        (2, 10, "normal", "cek_p3mi", " taiwan ", "pabrik", []),
        (8, None, "normal", None, None, None, ["perekrut"]),  # week 49, unanswered
        (30, 1, "normal", "cek_p3mi", "Taiwan", "Pabrik", []),  # after the range
    ]
    async with service.storage.unit_of_work() as uow:
        contact = await uow.contact_for("whatsapp", "6281234567890", "id")
        for days, answer_after, priority, topic, destination, job, flags in cases:
            created = start + timedelta(days=days)
            draft = InquiryDraft(
                asker="migrant",
                name="Siti Rahayu",
                village_code="33.05.05.2001",
                village_text="Dusun Krajan RT 02",
                destination=destination,
                job=job,
                recruiter="PT Maju Jaya",
                paid_amount=25_000_000,
                question="paspor saya ditahan",
                topic=topic,
                red_flags=flags,
            )
            inquiry = await uow.file_inquiry(contact.id, draft, "plm-jogosimo", priority, created)
            if answer_after is not None:
                answered = created + timedelta(hours=answer_after)
                await uow.add_thread_message(
                    inquiry.id, "officer", "Halo, saya bantu", officer.id, answered
                )
        other = InquiryDraft(name="Siti Rahayu", question="paspor saya ditahan", topic="gaji")
        await uow.file_inquiry(contact.id, other, "plm-brongkal", "urgent", start)
        await uow.commit()


async def test_report_counts_one_centre_over_an_inclusive_range(
    service: Service, clock: FakeClock, tmp_path: Path
) -> None:
    await _seed(service, clock, tmp_path)

    report = await centre_report(
        service.storage, "plm-jogosimo", date(2026, 11, 23), date(2026, 12, 1)
    )

    assert (report.total, report.urgent) == (4, 1)
    assert report.by_week == {"2026-W48": 3, "2026-W49": 1}
    assert report.by_topic == {"cek_p3mi": 2, "dokumen_ditahan": 1, "(tidak diisi)": 1}
    assert report.by_destination == {"taiwan": 2, "(tidak diisi)": 1, "arab saudi": 1}
    assert report.by_job == {"pabrik": 2, "(tidak diisi)": 1, "prt / pengasuh": 1}
    assert report.by_red_flag == {"biaya": 2, "dokumen_ditahan": 1, "perekrut": 1}
    assert report.by_status == {"open": 4}
    assert (report.first_answer.answered, report.first_answer.median_hours) == (3, 5.0)
    assert report.first_answer.p90_hours == 10.0


async def test_report_range_ends_are_whole_days(
    service: Service, clock: FakeClock, tmp_path: Path
) -> None:
    await _seed(service, clock, tmp_path)

    one_day = await centre_report(
        service.storage, "plm-jogosimo", date(2026, 11, 24), date(2026, 11, 24)
    )
    none = await centre_report(service.storage, "plm-jogosimo", date(2026, 1, 1), date(2026, 1, 31))

    assert one_day.total == 1
    assert none.total == 0 and none.first_answer.median_hours is None


async def test_report_output_holds_no_personal_data(
    service: Service, clock: FakeClock, tmp_path: Path
) -> None:
    await _seed(service, clock, tmp_path)
    report = await centre_report(
        service.storage, "plm-jogosimo", date(2026, 11, 1), date(2026, 12, 1)
    )

    as_json = report_json(report)
    as_csv = report_csv(report)

    for text in (as_json, as_csv):
        for personal in PERSONAL:
            assert personal.lower() not in text.lower()
    body = json.loads(as_json)
    assert body["centre"] == "plm-jogosimo" and body["total"] == 4
    assert body["first_answer"] == {"answered": 3, "median_hours": 5.0, "p90_hours": 10.0}
    rows = list(csv.reader(io.StringIO(as_csv)))
    assert rows[0] == ["section", "key", "value"]
    assert ["summary", "total", "4"] in rows
    assert ["week", "2026-W48", "3"] in rows
    assert ["red_flag", "biaya", "2"] in rows
    assert ["first_answer", "median_hours", "5.0"] in rows
    assert {len(row) for row in rows} == {3}


async def test_rare_typed_labels_are_grouped_and_csv_cells_are_defused(
    service: Service, clock: FakeClock, tmp_path: Path
) -> None:
    await _seed(service, clock, tmp_path)
    typed = ['=HYPERLINK("http://x")', "Brunei", "Brunei", "Timor Leste", "Timor Leste"]
    typed += ["Timor Leste"]
    async with service.storage.unit_of_work() as uow:
        contact = await uow.contact_for("web", "w-report-user-1", "id")
        for destination in typed:
            draft = InquiryDraft(destination=destination, job="-tukang")
            await uow.file_inquiry(contact.id, draft, "plm-jogosimo", "normal", clock.now)
        await uow.commit()
    report = await centre_report(
        service.storage, "plm-jogosimo", date(2026, 11, 23), date(2026, 12, 1)
    )
    # A menu choice keeps its count of 1; typed labels seen fewer than 3 times are grouped.
    assert report.by_destination == {
        "lainnya": 3,
        "timor leste": 3,
        "taiwan": 2,
        "(tidak diisi)": 1,
        "arab saudi": 1,
    }
    assert report.by_job["-tukang"] == 6
    csv_text = report_csv(report)
    assert "job,'-tukang,6" in csv_text
    assert "=HYPERLINK" not in csv_text


def test_an_old_id_of_a_folded_page_counts_under_its_live_page() -> None:
    from storage.report import CentreReport, with_live_topics

    report = CentreReport(
        "plm-jogosimo",
        date(2026, 1, 1),
        date(2026, 1, 31),
        by_topic={"tppo.kerja_online_scam": 2, "negara.kamboja_myanmar_thailand": 3, "x.y": 1},
    )
    names = {
        "tppo.kerja_online_scam": "tppo.kerja_online_scam",
        "negara.kamboja_myanmar_thailand": "tppo.kerja_online_scam",
    }
    folded = with_live_topics(report, names)
    # Largest first; an id no page answers any more is kept as it was, never dropped.
    assert folded.by_topic == {"tppo.kerja_online_scam": 5, "x.y": 1}
    assert report.by_topic["negara.kamboja_myanmar_thailand"] == 3  # the input is not changed
