"""The ask-an-officer form as people really answer it (issue 11's transcripts)."""

from __future__ import annotations

from sqlalchemy import select

from bot.composition import Service
from storage.inquiry_models import InquiryRow
from tests.helpers import say, verify_dialog


async def _to_name_step(service: Service, user: str, consent: str = "iya setuju") -> None:
    await verify_dialog(
        service.engine,
        [
            ("mau tanya petugas", "Apakah Anda setuju"),
            (consent, "Siapa yang bertanya"),
            ("1", "nama Anda"),
        ],
        user_id=user,
    )


async def test_consent_in_a_sentence_is_understood(service: Service) -> None:
    for user, consent in [("c1", "iya setuju"), ("c2", "ok setuju"), ("c3", "iya boleh")]:
        await _to_name_step(service, user, consent)


async def test_consent_refused_in_slang(service: Service) -> None:
    await verify_dialog(
        service.engine,
        [("petugas", "Apakah Anda setuju"), ("ga usah", "data Anda tidak kami simpan")],
        user_id="c4",
    )


async def test_correction_is_not_saved_and_the_form_continues_with_missing_fields(
    service: Service,
) -> None:
    await _to_name_step(service, "k1")
    await verify_dialog(
        service.engine,
        [
            ("Bu Sumi", "Di desa mana"),
            ("lewati", "negara"),
            ("eh salah, ubah", "Bagian mana"),
            ("2", "nama Anda"),
            ("Sumi", "negara"),  # back to the first missing field, not the summary
            ("Malaysia", "Pekerjaan apa"),
            ("lewati", "merekrut"),
            ("gak ada", "uang yang dibayar"),
            ("belum", "pertanyaan atau masalah"),
            ("Apakah sponsor boleh minta biaya?", ["Nama: Sumi", "Negara tujuan: Malaysia"]),
        ],
        user_id="k1",
    )
    summary = await say(service.engine, "", payload="intake:send", user_id="k1")
    assert "MA-" in summary
    async with service.storage.sessions() as session:
        inquiry = await session.scalar(select(InquiryRow))
    assert inquiry is not None and inquiry.destination == "Malaysia" and inquiry.name == "Sumi"


async def test_cancel_in_a_sentence_at_the_summary(service: Service) -> None:
    await _to_name_step(service, "b1")
    for _ in range(7):
        answer = await say(service.engine, "lewati", user_id="b1")
    assert "Mohon periksa" in answer
    assert "dibatalkan" in await say(service.engine, "gak jadi deh batal aja", user_id="b1")
    async with service.storage.sessions() as session:
        assert await session.scalar(select(InquiryRow)) is None


async def test_english_cancel(service: Service) -> None:
    await _to_name_step(service, "b2")
    assert "dibatalkan" in await say(service.engine, "cancel", user_id="b2")


async def _to_paid_step(service: Service, user: str) -> None:
    await _to_name_step(service, user)
    for _ in range(5):
        answer = await say(service.engine, "lewati", user_id=user)
    assert "uang yang dibayar" in answer


async def test_total_beats_down_payment(service: Service) -> None:
    await _to_paid_step(service, "p1")
    await say(service.engine, "udah dp 5jt, total 25 juta", user_id="p1")
    summary = await say(service.engine, "lewati", user_id="p1")
    assert "Rp25.000.000 (DP Rp5.000.000)" in summary and "Rp30.000.000" not in summary
    await say(service.engine, "ya kirim", user_id="p1")
    async with service.storage.sessions() as session:
        inquiry = await session.scalar(select(InquiryRow))
    assert inquiry is not None
    assert inquiry.paid_amount == 25_000_000 and inquiry.paid_note == "DP Rp5.000.000"


async def test_conflicting_amounts_ask_which_is_right(service: Service) -> None:
    await _to_paid_step(service, "p2")
    asked = await say(service.engine, "bayar 3 juta terus 2 juta", user_id="p2")
    assert "beberapa jumlah" in asked and "Rp5.000.000" in asked
    assert "pertanyaan atau masalah" in await say(
        service.engine, "", payload="intake:paid:5000000", user_id="p2"
    )


async def test_bare_number_is_confirmed_not_guessed(service: Service) -> None:
    await _to_paid_step(service, "p3")
    assert "Rp2.000.000?" in await say(service.engine, "2", user_id="p3")
    assert "Tulis jumlahnya" in await say(service.engine, "bukan", user_id="p3")
    assert "Rp2.000.000?" in await say(service.engine, "2", user_id="p3")
    assert "pertanyaan atau masalah" in await say(service.engine, "iya", user_id="p3")
    summary = await say(service.engine, "lewati", user_id="p3")
    assert "Uang dibayar: Rp2.000.000" in summary


async def test_a_dash_or_ga_usah_skips_a_step(service: Service) -> None:
    await _to_name_step(service, "s1")
    await verify_dialog(
        service.engine,
        [("-", "Di desa mana"), ("ga usah", "negara")],
        user_id="s1",
    )
    for _ in range(5):
        summary = await say(service.engine, "lewati", user_id="s1")
    assert "Nama: -" in summary and "Mohon periksa" in summary
