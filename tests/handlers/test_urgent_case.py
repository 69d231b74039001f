"""The person in danger, as transcripts: the contacts for where they are, one case, a human soon.

Each transcript asserts the exact contacts given and how many cases were stored. The
messages are worded so that today's rule-based triage (knowledge.safety.assess) flags them
urgent; test_messages_are_urgent_for_todays_triage keeps that true.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.composition import Service
from bot.followup import follow_up
from bot.i18n import Translations, Translator
from bot.inquiries import Officer
from bot.messages import Outbound
from handlers.urgent_case import urgent_message
from knowledge.contacts import load_contacts
from knowledge.places import Place
from knowledge.safety import Triage, assess
from storage.centres import add_officer, import_centres
from storage.inquiry_models import InquiryRow
from storage.models import OutboxRow
from storage.outbox import outbound_from_json
from tests.helpers import FakeClock, make_inbound, rendered

RIYADH = "tolong saya dikurung majikan di Riyadh, hp mau diambil"
HONG_KONG = (
    "tolong saya diusir majikan tengah malam, sekarang terlantar di jalan di Mongkok, "
    "paspor masih di majikan"
)
DEPOT = "tolong suami saya ditahan di depot imigresen malaysia, demam tinggi tidak dikasih berobat"
NUNUKAN = "tolong saya dipaksa naik speedboat malam ini dari nunukan ke tawau tanpa paspor"
PENAMPUNGAN = "tolong saya dikurung di penampungan di bekasi, tidak boleh keluar"
DUBAI_SISTER = "saya di jakarta. tolong adik saya dikurung majikan di Dubai, hpnya mau diambil"
TAIWAN_SUICIDE = "saya di taipei, saya ingin bunuh diri, gak kuat lagi"
UNKNOWN = "tolong saya dikurung majikan, tidak boleh keluar"

KP2MI_ABROAD = "+62 21 2924 4800 / WA +62 811-8080-141"
KEMLU = "+62-812-9007-0027"
FREE = "Bantuan KBRI/KJRI gratis; yang minta uang atas nama KBRI itu penipu."
IN_INDONESIA = "Di Indonesia: Polisi 110 (gratis, 24 jam) atau 112 (di daerah yang sudah bergabung)"
INTAKE_WORDS = ("Siapa yang bertanya", "Pekerjaan apa", "merekrut", "uang yang dibayar")

DIRECTORY = """centres:
  - {id: plm-jogosimo, name: PLM Desa Jogosimo, kind: village, regions: ["33.05.05.2001"]}
  - {id: disnaker-kebumen, name: Disnaker Kebumen, kind: regency, regions: ["33.05"]}
"""


async def _send(service: Service, text: str = "", payload: str | None = None, user: str = "u1"):
    """Send one message; return the sender's replies."""
    return await service.engine.handle(make_inbound(text, user_id=user, payload=payload))


async def _cases(service: Service) -> list[InquiryRow]:
    """Return every stored case."""
    async with service.storage.sessions() as session:
        return list(await session.scalars(select(InquiryRow).order_by(InquiryRow.id)))


async def _outbox_for(service: Service, user_id: str) -> list[Outbound]:
    """Return the messages queued for someone, oldest first."""
    async with service.storage.sessions() as session:
        rows = await session.scalars(
            select(OutboxRow).where(OutboxRow.channel_user_id == user_id).order_by(OutboxRow.id)
        )
        return [outbound_from_json(row.body) for row in rows]


def _one_menu(replies: list[Outbound]) -> None:
    """A reply never carries more than one numbered menu, and it comes last."""
    with_choices = [index for index, reply in enumerate(replies) if reply.choices]
    assert len(with_choices) <= 1
    assert not with_choices or with_choices[0] == len(replies) - 1


def _first_urgent(replies: list[Outbound]) -> Outbound:
    """Return the first urgent message and check its length."""
    first = replies[0]
    assert first.urgent and not first.choices
    assert len(first.text) <= 600, len(first.text)
    return first


@pytest.fixture
async def staff(service: Service, clock: FakeClock, tmp_path: Path) -> dict[str, Officer]:
    """A village centre and its regency office, each with one officer on the console."""
    path = tmp_path / "centres.yaml"
    path.write_text(DIRECTORY, encoding="utf-8")
    assert (await import_centres(service.storage, path, None)).problems == []
    return {
        centre: await add_officer(service.storage, centre, name, "console", f"p-{name}", clock.now)
        for centre, name in (
            ("plm-jogosimo", "Siti"),
            ("disnaker-kebumen", "Wati"),
            ("nasional", "Rina"),
        )
    }


@pytest.mark.parametrize(
    "message",
    [RIYADH, HONG_KONG, DEPOT, NUNUKAN, PENAMPUNGAN, DUBAI_SISTER, TAIWAN_SUICIDE, UNKNOWN],
)
def test_messages_are_urgent_for_todays_triage(message: str) -> None:
    assert assess(message).urgent


async def test_locked_in_riyadh_gets_kbri_riyadh_and_the_saudi_number(service: Service) -> None:
    replies = await _send(service, RIYADH)
    text = _first_urgent(replies).text
    assert text.startswith("Sekarang: jika bisa, pergi ke tempat aman")
    assert "- Di Arab Saudi: 911 (darurat), 997 (ambulans)" in text
    assert (
        "- KBRI Riyadh (nomor per 2021, cek di Safe Travel): +966569094526 / +966569173990" in text
    )
    assert "- Aplikasi Safe Travel: tekan Tombol Darurat." in text
    assert f"- KP2MI: {KP2MI_ABROAD}." in text and FREE in text
    assert "110" not in text  # the Indonesian police cannot come to Riyadh
    assert "Kasus MA-00001 (prioritas)" in text and "prioritas" in text
    _one_menu(replies)
    assert "Apakah Anda setuju" in replies[-1].text
    [case] = await _cases(service)
    assert case.priority == "urgent" and case.location == "riyadh, Arab Saudi"
    assert not case.third_party


async def test_thrown_out_at_night_in_hong_kong_gets_kjri_hong_kong(service: Service) -> None:
    text = _first_urgent(await _send(service, HONG_KONG)).text
    assert "- Di Hong Kong: 999 (darurat)" in text
    assert "- KJRI Hong Kong (nomor per 2025, cek di Safe Travel)" in text
    assert "+852 5242 2240 / +852 6773 0466" in text
    assert "Tombol Darurat" in text and KP2MI_ABROAD in text
    assert len(await _cases(service)) == 1


async def test_a_wife_reporting_her_husband_in_a_malaysian_depot(service: Service) -> None:
    replies = await _send(service, DEPOT)
    text = _first_urgent(replies).text
    assert text.startswith("Untuk membantunya sekarang")
    assert "nomor paspornya" in text and "tangkapan layar" in text
    assert "- Di Malaysia: 999 (polisi, ambulans, pemadam)" in text
    assert "- KBRI Kuala Lumpur (nomor per 2024, cek di Safe Travel): +60 17-668 8032" in text
    assert "Laporan Anda MA-00001" in text
    assert "Jika bisa, pergi ke tempat aman" not in text  # not addressed to the victim
    [case] = await _cases(service)
    assert case.third_party and case.asker == "family"


async def test_forced_onto_a_boat_at_nunukan_is_answered_for_indonesia(service: Service) -> None:
    text = _first_urgent(await _send(service, NUNUKAN)).text
    assert f"- {IN_INDONESIA}." in text
    assert "- KP2MI: WhatsApp 0811-8080-141, telepon 0800-1000 (bebas pulsa)." in text
    assert "+60" not in text and "Safe Travel" not in text  # still in Indonesia: not Tawau's
    [case] = await _cases(service)
    assert case.location == "nunukan, Indonesia"


async def test_locked_in_a_penampungan_in_indonesia(service: Service) -> None:
    text = _first_urgent(await _send(service, PENAMPUNGAN)).text
    assert f"- {IN_INDONESIA}." in text and "0811-8080-141" in text
    assert "KBRI" not in text
    assert len(await _cases(service)) == 1


async def test_any_indonesian_regency_means_indonesia(service: Service) -> None:
    text = _first_urgent(await _send(service, "tolong saya dikurung di penampungan di brebes")).text
    assert f"- {IN_INDONESIA}." in text and "Safe Travel" not in text
    [case] = await _cases(service)
    assert case.location == "kabupaten brebes, Indonesia"


async def test_a_relative_in_jakarta_reporting_for_a_sister_in_dubai(service: Service) -> None:
    replies = await _send(service, DUBAI_SISTER, user="kakak")
    text = _first_urgent(replies).text
    assert text.startswith("Untuk membantunya sekarang: minta lokasinya yang persis.")
    assert "Kumpulkan nama majikan atau agensi, nomor paspornya jika tahu" in text
    assert "- Di Uni Emirat Arab: 999 (polisi), 998 (ambulans)" in text
    assert "- KJRI Dubai (nomor per 2024, cek di Safe Travel): " in text
    assert "+971 56 3322611 / +971 56 4170333" in text and KP2MI_ABROAD in text
    assert "Polisi 110" not in text  # the writer is in Jakarta, the sister is not
    assert "Laporan Anda MA-00001" in text
    [case] = await _cases(service)
    assert case.third_party and case.location == "dubai, Uni Emirat Arab"
    # A second cry joins the report and is still answered as the relative's.
    again = await _send(service, "tolong cepat dikunci terus", user="kakak")
    assert again[0].text.startswith("Untuk membantunya sekarang") and "KJRI Dubai" in again[0].text
    assert len(await _cases(service)) == 1
    # The questions that follow ask where *she* is only if it was not said.
    await _send(service, "", payload="consent:yes", user="kakak")
    assert (await _cases(service))[0].location == "dubai, Uni Emirat Arab"


async def test_suicidal_thoughts_in_taiwan_get_mental_health_and_overseas_channels(
    service: Service,
) -> None:
    text = _first_urgent(await _send(service, TAIWAN_SUICIDE)).text
    assert text.startswith("Anda tidak sendirian.")
    assert "healing119.id (online, gratis); 119 ekstensi 8 (di Indonesia, jam kerja)" in text
    assert "- Di Taiwan: 110 (polisi), 119 (ambulans, pemadam), 1955 (" in text
    assert (
        "- KDEI Taipei (nomor per 2024, cek di Safe Travel)" in text
        and "+886 901 132 000 / +886 987 587 000" in text
    )
    assert "Tombol Darurat" in text and KP2MI_ABROAD in text
    assert len(await _cases(service)) == 1


async def test_an_unknown_country_gets_the_general_channels_and_is_asked_where(
    service: Service,
) -> None:
    text = _first_urgent(await _send(service, UNKNOWN)).text
    assert "- Di Indonesia: Polisi 110 atau 112." in text
    assert (
        "- Di luar negeri: Tombol Darurat aplikasi Safe Travel, atau Pelindungan WNI Kemlu "
        f"(24 jam) {KEMLU}." in text
    )
    assert KP2MI_ABROAD in text and FREE in text
    asked = await _send(service, "", payload="consent:yes")
    _one_menu(asked)
    assert "Anda sekarang di mana?" in rendered(asked)
    # The answer names a place: its contacts come at once, and the case learns where.
    located = await _send(service, "di jeddah")
    assert (
        located[0].urgent and "KJRI Jeddah (nomor per 2021, cek di Safe Travel)" in located[0].text
    )
    assert "+966 50 360 9667" in located[0].text and "Di Arab Saudi: 911" in located[0].text
    assert "aman menghubungi Anda lewat chat ini" in located[-1].text
    _one_menu(located)
    [case] = await _cases(service)
    assert case.location == "jeddah, Arab Saudi"


async def test_one_case_three_skippable_questions_and_no_intake(service: Service) -> None:
    await _send(service, RIYADH)
    transcript = [rendered(await _send(service, "", payload="consent:yes"))]
    assert "aman menghubungi Anda lewat chat ini" in transcript[-1]  # Riyadh was already said
    transcript.append(rendered(await _send(service, "", payload="urgent:reach:other")))
    assert "nomor yang aman" in transcript[-1]
    transcript.append(rendered(await _send(service, "+966 50 111 2222")))
    assert "Siapa nama Anda" in transcript[-1]
    transcript.append(rendered(await _send(service, "lewati")))
    assert "sudah kami tambahkan ke kasus MA-00001" in transcript[-1]
    # Asking for an officer now continues this case; it never starts the 8-question form.
    transcript.append(rendered(await _send(service, "", payload="petugas:urgent")))
    transcript.append(rendered(await _send(service, "hubungi petugas")))
    assert "Siapa nama Anda" in transcript[-1]
    transcript.append(rendered(await _send(service, "Sri")))
    assert "Kasus MA-00001 sudah dikirim ke petugas" in transcript[-1]
    # Nothing left to ask: an officer request only says who has the case.
    transcript.append(rendered(await _send(service, "petugas")))
    assert "menunggu diambil" in transcript[-1] and "akan menghubungi Anda" in transcript[-1]
    assert not any(word in turn for turn in transcript for word in INTAKE_WORDS)
    [case] = await _cases(service)
    assert (case.reach, case.reach_number, case.name) == ("other", "+966 50 111 2222", "Sri")
    assert case.priority == "urgent" and case.question == RIYADH


async def test_a_second_cry_joins_the_case(service: Service) -> None:
    await _send(service, RIYADH)
    await _send(service, "", payload="consent:yes")
    again = await _send(service, "tolong cepat saya dikunci di kamar")
    assert "KBRI Riyadh" in again[0].text  # the place is remembered
    _one_menu(again)
    assert len(await _cases(service)) == 1


async def test_consent_refused_after_urgent_redacts_but_keeps_the_one_case(
    service: Service,
) -> None:
    await _send(service, RIYADH)
    await _send(service, "", payload="consent:no")
    [case] = await _cases(service)
    assert case.question is None and case.location is None and case.contact_id is not None
    # Asking for an officer later asks for consent again before any question is stored.
    assert "Apakah Anda setuju" in rendered(await _send(service, "petugas"))
    assert len(await _cases(service)) == 1


async def test_a_place_named_while_consent_is_pending_gets_its_contacts(
    service: Service,
) -> None:
    await _send(service, UNKNOWN)
    replies = await _send(service, "saya di kuala lumpur sekarang")
    assert replies[0].urgent and "+60 17-668 8032" in replies[0].text
    assert "Apakah Anda setuju" in replies[-1].text
    _one_menu(replies)


async def test_an_urgent_case_reaches_its_centre_and_the_level_above_at_once(
    service: Service, staff: dict[str, Officer], clock: FakeClock
) -> None:
    await _send(service, "petugas")
    await _send(service, "", payload="consent:yes")
    await _send(service, "", payload="intake:who:migrant")
    await _send(service, "Sri")
    await _send(service, "ds jogosimo kec klirong kebumen")  # the intake knows the village now
    replies = await _send(service, RIYADH)
    assert "PLM Desa Jogosimo" in replies[0].text
    [case] = await _cases(service)
    assert case.centre_id == "plm-jogosimo"
    [village] = await _outbox_for(service, "p-Siti")
    [regency] = await _outbox_for(service, "p-Wati")
    assert "PERTANYAAN MENDESAK BARU" in village.text and "/ambil 1" in village.text
    assert "di PLM Desa Jogosimo" in regency.text and "Lokasi sekarang: riyadh" in regency.text

    # The officer claims: the user is told who has the case, in plain words.
    claimed = await service.engine.handle(make_inbound("/ambil 1", user_id="p-Siti"))
    assert "Anda mengambil" in rendered(claimed)
    told = (await _outbox_for(service, "u1"))[-1]
    assert told.text == "Kasus MA-00001 Anda sekarang ditangani Siti dari PLM Desa Jogosimo."
    status = rendered(await _send(service, "status MA-00001"))
    assert "sedang ditangani Siti dari PLM Desa Jogosimo" in status


async def test_unclaimed_urgent_case_is_renotified_at_15_and_escalated_at_30_minutes(
    service: Service, staff: dict[str, Officer], clock: FakeClock
) -> None:
    await _send(service, "petugas")
    await _send(service, "", payload="consent:yes")
    await _send(service, "", payload="intake:who:migrant")
    await _send(service, "Sri")
    await _send(service, "ds jogosimo kec klirong kebumen")
    await _send(service, RIYADH)

    clock.advance(minutes=14, seconds=59)
    assert (await follow_up(service.storage, clock.now)).reminded == []
    clock.advance(seconds=1)
    assert (await follow_up(service.storage, clock.now)).reminded == [1]
    assert "Pengingat" in (await _outbox_for(service, "p-Siti"))[-1].text
    clock.advance(minutes=14, seconds=59)
    assert (await follow_up(service.storage, clock.now)).escalated == []
    clock.advance(seconds=1)
    result = await follow_up(service.storage, clock.now)

    assert result.escalated == [(1, "plm-jogosimo", "disnaker-kebumen")]
    moved = (await _outbox_for(service, "u1"))[-1].text
    assert "MA-00001" in moved and "Disnaker Kebumen" in moved
    # The next level follows the same clock: 15 minutes, then 30, up to national.
    clock.advance(minutes=30)
    await follow_up(service.storage, clock.now)
    clock.advance(minutes=15)
    assert (await follow_up(service.storage, clock.now)).escalated == [
        (1, "disnaker-kebumen", "nasional")
    ]


async def test_status_shows_only_the_users_own_cases(service: Service) -> None:
    await _send(service, RIYADH, user="a")
    mine = rendered(await _send(service, "MA-00001", user="a"))
    assert "Kasus MA-00001 sudah dikirim ke petugas" in mine and "menunggu diambil" in mine
    other = rendered(await _send(service, "status MA-00001", user="b"))
    assert "tidak ditemukan" in other and "sudah dikirim" not in other


# --- the `check` level: one short question first --------------------------------------------

POSSIBLE = "majikan suka marah dan teriak, paspor saya dipegang majikan"


@pytest.fixture
def check_triage(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make triage answer `check` for the possible-danger message (the classifier comes later)."""

    def fake(text: str) -> Triage:
        if text == POSSIBLE:
            return Triage("check", ("confinement",), 0.5)
        return assess(text)

    monkeypatch.setattr("handlers.triage.assess", fake)


@pytest.mark.usefixtures("check_triage")
async def test_check_gives_the_answer_with_one_question_and_no_closes_it(
    service: Service,
) -> None:
    asked = await _send(service, POSSIBLE)
    assert "Sumber:" in asked[0].text  # the information comes first, whatever the answer
    assert asked[-1].text == "Apakah Anda, atau orang yang Anda ceritakan, dalam bahaya sekarang?"
    assert [choice.label for choice in asked[-1].choices] == ["Ya, bahaya sekarang", "Tidak"]
    _one_menu(asked)
    answer = rendered(await _send(service, "2"))
    assert "syukurlah" in answer and "Tanya petugas" in answer
    assert await _cases(service) == []


@pytest.mark.parametrize("yes", ["1", "ya", "iya bahaya"])
@pytest.mark.usefixtures("check_triage")
async def test_check_yes_becomes_the_urgent_path(service: Service, yes: str) -> None:
    await _send(service, POSSIBLE)
    replies = await _send(service, yes)
    assert replies[0].urgent and "Kasus MA-00001 (prioritas)" in replies[0].text
    _one_menu(replies)
    [case] = await _cases(service)
    assert case.priority == "urgent" and case.question == POSSIBLE


@pytest.mark.usefixtures("check_triage")
async def test_check_then_something_else_closes_the_question(service: Service) -> None:
    await _send(service, POSSIBLE)
    answer = rendered(await _send(service, "berapa umur minimal jadi pmi"))
    assert "Sumber:" in answer
    async with service.storage.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(InquiryRow)) == 0


@pytest.mark.usefixtures("check_triage")
async def test_possible_danger_typed_into_the_intake_form_stays_the_question(
    service: Service,
) -> None:
    # The form goes to an officer, who reads the possible danger there: the check question
    # would drop the answer and leave the form half done.
    await _send(service, "petugas")
    await _send(service, "", payload="consent:yes")
    await _send(service, "", payload="intake:who:migrant")
    for answer in ["Sulastri", "ds jogosimo kec klirong kebumen", "Brunei", "tukang las", "lewati"]:
        await _send(service, answer)
    await _send(service, "", payload="intake:skip")  # nothing paid
    summary = rendered(await _send(service, POSSIBLE))
    assert "dalam bahaya sekarang?" not in summary
    assert f"Pertanyaan: {POSSIBLE}" in summary and "Sulastri" in summary
    assert "MA-00001" in rendered(await _send(service, "", payload="intake:send"))
    [case] = await _cases(service)
    assert case.question == POSSIBLE and case.priority == "normal"


# --- every place, every kind: the first message stays short ---------------------------------


@dataclass
class _Words:
    """Just enough of a handler context to compose the urgent message in one language."""

    translations: Translations

    def _(self, message: str) -> str:
        return self.translations._(message)

    @property
    def locale(self) -> str:
        return self.translations.locale


@pytest.mark.parametrize("locale", ["id", "en"])
@pytest.mark.parametrize(
    "kinds",
    [("confinement",), ("suicide",), ("confinement", "suicide"), ("medical", "confinement")],
    ids=str,
)
@pytest.mark.parametrize("third_party", [False, True])
def test_the_first_urgent_message_is_at_most_600_characters_everywhere(
    locale: str, kinds: tuple[str, ...], third_party: bool
) -> None:
    words = _Words(Translator().for_locale(locale))
    case_line = words._("Laporan Anda {reference} (prioritas) sudah dikirim ke petugas {centre}.")
    case_line = case_line.format(reference="MA-00012", centre="Layanan Pengaduan KP2MI (nasional)")
    contacts = load_contacts()
    places = [None, Place("indonesia", None, "jakarta")] + [
        Place(mission.country, mission.id, mission.places[0] if mission.places else mission.id)
        for mission in contacts.missions.values()
    ]
    for place in places:
        message = urgent_message(words, place, kinds, third_party, case_line)  # type: ignore[arg-type]
        assert len(message.text) <= 600, (place, len(message.text), message.text)


async def test_someone_not_moving_with_help_refused_gets_call_now_first(service: Service) -> None:
    text = "teman saya jatuh di Riyadh tidak bergerak, majikan tidak mau panggil ambulans"
    first = _first_urgent(await _send(service, text)).text
    assert first.startswith("Telepon nomor darurat di bawah sekarang, walau majikan")
    assert "- Di Arab Saudi: 911 (darurat), 997 (ambulans)" in first


async def test_sabah_has_no_verified_mission_number_so_the_kemlu_line_is_given(
    service: Service,
) -> None:
    text = _first_urgent(await _send(service, "tolong saya dikurung majikan di Tawau")).text
    assert "- Di Malaysia: 999 (polisi, ambulans, pemadam)" in text
    assert f"- Pelindungan WNI Kemlu (24 jam): {KEMLU}" in text
    assert "KRI Tawau" not in text and "+60" not in text  # medium: never shown as a number


async def test_an_english_speaker_gets_the_contacts_in_english(service: Service) -> None:
    await _send(service, "/bahasa", user="en")
    await _send(service, "", payload="lang:en", user="en")
    text = _first_urgent(await _send(service, "help my sister is locked in Dubai", user="en")).text
    assert text.startswith("To help now: get her or his exact location.")
    assert "- In United Arab Emirates: 999 (police), 998 (ambulance)" in text
    assert "- KJRI Dubai (2024 number, confirm in Safe Travel):" in text


async def test_erasing_data_removes_the_place_and_the_other_number(service: Service) -> None:
    await _send(service, RIYADH)
    await _send(service, "", payload="consent:yes")
    await _send(service, "", payload="urgent:reach:other")
    await _send(service, "+966 50 111 2222")
    await _send(service, "/hapus")
    await _send(service, "", payload="hapus:ya")
    [case] = await _cases(service)
    assert (case.location, case.reach_number, case.contact_id) == (None, None, None)
    assert case.priority == "urgent" and case.third_party is False


async def test_the_level_above_can_take_an_urgent_case_at_once(
    service: Service, staff: dict[str, Officer]
) -> None:
    await _send(service, "petugas")
    await _send(service, "", payload="consent:yes")
    await _send(service, "", payload="intake:who:migrant")
    await _send(service, "Sri")
    await _send(service, "ds jogosimo kec klirong kebumen")
    await _send(service, RIYADH)
    [regency_notice] = await _outbox_for(service, "p-Wati")
    assert "Ambil alih sekarang dengan: /ambil 1" in regency_notice.text

    took = rendered(await service.engine.handle(make_inbound("/ambil 1", user_id="p-Wati")))
    assert "Anda mengambil pertanyaan ini" in took
    [case] = await _cases(service)
    assert (case.centre_id, case.status) == ("disnaker-kebumen", "claimed")
    assert (
        "diambil alih oleh Wati dari Disnaker Kebumen"
        in (await _outbox_for(service, "p-Siti"))[-1].text
    )
    told = (await _outbox_for(service, "u1"))[-1].text
    assert told == "Kasus MA-00001 Anda sekarang ditangani Wati dari Disnaker Kebumen."
    # The village officer comes too late; the national centre was never above the village.
    late = rendered(await service.engine.handle(make_inbound("/ambil 1", user_id="p-Siti")))
    assert "tidak ada di antrian" in late
    national = rendered(await service.engine.handle(make_inbound("/ambil 1", user_id="p-Rina")))
    assert "tidak ada di antrian" in national


@pytest.mark.parametrize(("typed", "reach"), [("iya", "chat"), ("tidak aman", "none")])
async def test_typed_answers_to_the_reach_question(
    service: Service, typed: str, reach: str
) -> None:
    await _send(service, RIYADH)
    await _send(service, "", payload="consent:yes")
    assert "Siapa nama Anda" in rendered(await _send(service, typed))
    [case] = await _cases(service)
    assert case.reach == reach


@pytest.mark.usefixtures("check_triage")
async def test_check_is_reported_as_check_and_queued_for_review(service: Service) -> None:
    from bot.cli import safety_of
    from storage.review import ReviewQueue
    from tests.helpers import make_inbound

    turn = await service.engine.handle_turn(make_inbound(POSSIBLE, user_id="check-review"))
    assert safety_of(turn.reply) == "check"
    assert turn.reply is not None and turn.reply.topic == "tppo.dokumen_ditahan"
    (item,) = await ReviewQueue(service.database).pending()
    assert item.kind == "check" and item.text is None  # no consent: hash and scores only
