"""Safety triage: danger now is urgent; questions about danger are not."""

from __future__ import annotations

import pytest

from knowledge.safety import assess


@pytest.mark.parametrize(
    "message",
    [
        "tolong saya dikurung majikan",
        "sy dipukulin majikan tiap hari",
        "paspor diambil agen dan sy gak boleh keluar",
        "adik saya disekap di kamboja disuruh nipu orang",
        "majikan ngancam bunuh saya kalau lapor",
        "aku pengen mati aja, gak kuat lagi",
        "saya ditinggal agen di bandara tanpa paspor",
        "help me, I am locked in the house",
        "saya dikurung majikan, sekarang tidak aman",
        "pasporku dijupuk, aku ra oleh metu",
        "anak kula dipun kunci wonten griya majikan",  # Javanese, polite
        "sodaraku na kunci ki di rumah majikannya",  # Bugis-flavoured
        "engkok epokol majikan saben are",  # Madurese
        "employer beat her with a belt, there is blood",
        "udah siapin tali. maaf bu",
        "kalau besok saya sudah tidak ada, saya sudah tidak sanggup hidup",
    ],
)
def test_danger_now_is_urgent(message: str) -> None:
    assert assess(message).urgent


@pytest.mark.parametrize(
    "message",
    [
        "kalau dipukul majikan lapor ke mana?",
        "apa hukuman buat majikan yang menyiksa pembantu",
        "teman saya dulu pernah disekap, sekarang sudah pulang",
        "apakah majikan boleh menahan paspor saya?",
        "gaji saya tidak dibayar 3 bulan",
        "kabur aja dulu ke luar negeri",
        "berapa biaya ke taiwan",
        "data saya dijual ke pihak lain gak",
        "yen misale bojoku mengko dikunci majikan, lapor nang endi?",
        "semalam mimpi anak saya dipukuli majikan, pertanda apa?",
        "teman saya sempat disekap, tapi tadi polisi datang dan semua dibebaskan",
        "kemarin sempat dikunci di kamar, sekarang sudah aman di kantor agen",
        "lihat berita tki disiksa di malaysia, gimana biar anak saya tidak begitu",
    ],
)
def test_questions_about_danger_are_not_urgent(message: str) -> None:
    assert not assess(message).urgent


def test_suicide_is_recognised_as_its_own_kind() -> None:
    assert "suicide" in assess("saya ingin bunuh diri").kinds
