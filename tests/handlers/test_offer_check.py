"""The offer check and the calculator as console transcripts through the engine."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.composition import Service
from storage.inquiry_models import InquiryRow, OfficerRow
from storage.models import OutboxRow
from storage.outbox import outbound_from_json
from tests.helpers import say, verify_dialog

ADVERT = (
    "🔥LOWONGAN KERJA KAMBOJA🔥 Posisi: Admin Online / Customer Service. Gaji 15-20 JUTA/bulan!! "
    "Tanpa pengalaman, tanpa ijazah. Tiket & visa ditanggung, berangkat minggu depan. "
    "Minat hub WA 081234567890"
)
STORY = (
    "Kemarin ada sponsor datang ke rumah, katanya gaji 15 juta, tanpa pelatihan, berangkat "
    "2 minggu, biaya 25 juta, visa kunjungan dulu. Anak saya baru 17 tahun."
)


async def _inquiries(service: Service) -> int:
    async with service.storage.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(InquiryRow)) or 0)


async def test_forwarded_advert_is_checked_with_sourced_flags_and_a_next_step(
    service: Service,
) -> None:
    await verify_dialog(
        service.engine,
        [
            (ADVERT, "Siapa yang menawarkan?"),  # the only missing facts: who, and the fee
            ("2", "Berapa biaya yang diminta"),
            (
                "lewati",
                [
                    "Banyak tanda bahaya",
                    "Tujuan Kamboja",
                    "Sumber: Wamen P2MI",
                    "Direkrut perorangan",
                    "siskop2mi.bp2mi.go.id",
                    "LTSA",
                    "Hitung biaya & utang",
                ],
            ),
        ],
    )
    assert await _inquiries(service) == 0  # nothing is filed by a check


async def test_menu_offers_the_check_and_asks_for_at_most_three_missing_facts(
    service: Service,
) -> None:
    menu = await say(service.engine, "/menu")
    assert "Cek tawaran kerja" in menu and "Tanya petugas" in menu
    await say(service.engine, payload="tawaran")
    asked = [await say(service.engine, "Ada yang nawarin kerja, gajinya besar sekali katanya")]
    for _ in range(3):
        asked.append(await say(service.engine, "lewati"))
    assert "Ke negara mana" in asked[0]
    assert "Pekerjaan apa" in asked[1]
    assert "Siapa yang menawarkan" in asked[2]
    assert "tanda bahaya" in asked[3].lower() or "perlu dicek" in asked[3]  # the result, no 4th


async def test_a_story_with_nothing_safe_is_never_called_safe(service: Service) -> None:
    answer = await say(service.engine, STORY)
    if "Ke negara mana" in answer:
        answer = await say(service.engine, "Malaysia")
    while "Pilih" in answer and "tanda bahaya" not in answer.lower():
        answer = await say(service.engine, "lewati")
    assert "Banyak tanda bahaya" in answer
    assert "Usia di bawah 18 tahun" in answer and "visa turis, kunjungan" in answer
    assert "aman" not in answer.lower().replace("saya tidak bisa memastikan tawaran ini aman", "")


async def test_a_legal_looking_offer_gets_no_sign_and_still_a_check_to_do(
    service: Service,
) -> None:
    await say(service.engine, payload="tawaran")
    answer = await say(
        service.engine,
        "PT Bina Karya Mandiri (P3MI berizin) membuka lowongan caregiver Taiwan, gaji NT$20.000, "
        "biaya sesuai cost structure Rp9.622.000, pelatihan di BLK 3 bulan, visa kerja.",
    )
    assert "Belum ada tanda bahaya — tetap cek ke SISKOP2MI" in answer
    assert "tidak bisa memastikan tawaran ini aman" in answer


async def test_an_ordinary_question_goes_to_the_retriever(service: Service) -> None:
    turn_answer = await say(service.engine, "berapa biaya resmi kerja ke Taiwan jadi caregiver?")
    assert "tanda bahaya" not in turn_answer.lower() and "Sumber:" in turn_answer


async def test_asking_an_officer_prefills_the_case_and_shows_the_flags(service: Service) -> None:
    async with service.storage.sessions.begin() as session:
        session.add(
            OfficerRow(
                centre_id="nasional",
                name="Bu Sri",
                channel="telegram",
                channel_user_id="tg-officer",
                active=True,
                created_at=datetime(2026, 11, 23, tzinfo=UTC),
            )
        )
    await verify_dialog(
        service.engine,
        [
            (ADVERT, "Siapa yang menawarkan?"),
            ("2", "Berapa biaya"),
            ("0", "Banyak tanda bahaya"),
            ("1", "Apakah Anda setuju?"),  # Tanya petugas -> consent first
            ("1", "Siapa yang bertanya?"),
            ("1", "Siapa nama Anda?"),
            ("Sari", "Di desa mana"),
            ("lewati", "uang yang dibayar"),  # country, job and recruiter are not asked again
            ("lewati", ["Negara tujuan: Kamboja", "Perekrut: perorangan", "Cek tawaran:"]),
            ("Kirim", "sudah kami terima"),
        ],
    )
    async with service.storage.sessions() as session:
        inquiry = (await session.scalars(select(InquiryRow))).one()
        rows = await session.scalars(
            select(OutboxRow).where(OutboxRow.channel_user_id == "tg-officer")
        )
        notices = "\n".join(outbound_from_json(row.body).text for row in rows)
    assert "tawaran:negara_rawan_scam" in inquiry.red_flags
    assert "tawaran:kerja_online_scam" in inquiry.red_flags
    assert "cek tawaran: Tujuan Kamboja" in notices


async def test_calculator_follows_a_debt_answer_and_compares_kur_with_the_quoted_rate(
    service: Service,
) -> None:
    for topic in ("utang.kur_pmi", "utang.rentenir", "prosedur.biaya"):
        assert "Hitung biaya & utang" in await say(service.engine, payload=f"topic:{topic}")
    assert "Hitung biaya & utang" not in await say(service.engine, payload="topic:prosedur.paspor")
    await verify_dialog(
        service.engine,
        [
            ("/hitung", "Ke negara mana?"),
            ("Taiwan", "Pekerjaan apa?"),
            ("Pabrik", "Berapa biaya yang diminta"),
            ("25 juta", "Jika Anda meminjam"),
            (
                "25 juta bunga 30% setahun 12 bulan",
                [
                    "KUR PMI (bunga 6% per tahun): cicilan Rp2.151.661",
                    "total Rp32.500.000",
                    "Gaji perkiraan: NT$26.400",
                    "2,3 bulan gaji",
                ],
            ),
        ],
    )


async def test_calculator_after_an_offer_check_reuses_what_was_read(service: Service) -> None:
    await say(service.engine, payload="tawaran")
    await say(
        service.engine,
        "PT Sumber Rejeki nawarin kerja caregiver di Taiwan, biaya 35 juta, visa kerja, "
        "pelatihan 3 bulan",
    )
    answer = await say(service.engine, payload="hitung:tawaran")
    assert "Jika Anda meminjam" in answer  # country, job and fee already known
    answer = await say(service.engine, "lewati")
    assert "Batas biaya PRT/caregiver Taiwan: Rp9.622.000 + NT$20.000" in answer
    assert "Yang diminta: Rp35.000.000" in answer and "Lebih Rp14.711.333 dari batas" in answer
