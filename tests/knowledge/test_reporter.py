"""Someone reporting for another person is recognised; the writer in danger is not."""

from __future__ import annotations

import pytest

from knowledge.reporter import is_third_party, reporter_kind


@pytest.mark.parametrize(
    "text",
    [
        "tolong adik saya dikurung majikan di Dubai",
        "adikku dikurung",
        "help my sister is locked in by her employer",
        "saya di jakarta, adik saya dikurung majikan di dubai",
        "suami saya ditahan di depot imigresen malaysia",
        "tolong saya, anak saya disekap di kamboja",
        "teman saya dipukuli majikannya",
        "anak gadis saya umur 15 dibawa sponsor naik mobil",
        "anak sulung kami disekap calo",
        "anak tetangga saya dibawa calo malam ini",
        "anak dara jiran umur 15 dalam van agen sekarang",
    ],
)
def test_reports_for_someone_else(text: str) -> None:
    assert is_third_party(text)


@pytest.mark.parametrize(
    "text",
    [
        "tolong saya dikurung majikan di Riyadh",
        "aku pengen mati aja di taiwan",
        "saya diusir majikan, anak saya menangis",
        "I am locked in, my sister too",
        "help me my employer beat me",
    ],
)
def test_the_writer_in_danger_is_not_a_third_party(text: str) -> None:
    assert not is_third_party(text)


def test_family_or_other() -> None:
    assert reporter_kind("adik saya dikurung") == "family"
    assert reporter_kind("teman saya dikurung") == "other"
