"""Where is the person: cities and countries in free text, mapped to their mission."""

from __future__ import annotations

import pytest

from knowledge.places import default_finder


@pytest.mark.parametrize(
    ("text", "country", "mission"),
    [
        ("tolong saya dikurung majikan di Riyadh", "arab-saudi", "kbri-riyadh"),
        ("sy di riyad skrg", "arab-saudi", "kbri-riyadh"),
        ("majikan di arab saudi", "arab-saudi", "kbri-riyadh"),
        ("aku di Jeddah", "arab-saudi", "kjri-jeddah"),
        ("kerja di mekah", "arab-saudi", "kjri-jeddah"),
        ("di Madinah", "arab-saudi", "kjri-jeddah"),
        ("Arab Saudi, di Jeddah", "arab-saudi", "kjri-jeddah"),
        ("saya di Mongkok", "hong-kong", "kjri-hong-kong"),
        ("tidur di causeway bay", "hong-kong", "kjri-hong-kong"),
        ("di HK", "hong-kong", "kjri-hong-kong"),
        ("di Johor", "malaysia", "kjri-johor-bahru"),
        ("saya di JB", "malaysia", "kjri-johor-bahru"),
        ("saya di K.L.", "malaysia", "kbri-kuala-lumpur"),
        ("di Selangor", "malaysia", "kbri-kuala-lumpur"),
        ("depot imigresen malaysia", "malaysia", "kbri-kuala-lumpur"),
        ("di Sabah", "malaysia", "kri-tawau"),
        ("di Tawau", "malaysia", "kri-tawau"),
        ("di Taipei", "taiwan", "kdei-taipei"),
        ("kerja di Taichung", "taiwan", "kdei-taipei"),
        ("di taiwan", "taiwan", "kdei-taipei"),
        ("di Dubai", "uea", "kjri-dubai"),
        ("di Abu Dhabi", "uea", "kbri-abu-dhabi"),
        ("di uni emirat arab", "uea", "kbri-abu-dhabi"),
        ("di Doha", "qatar", "kbri-doha"),
        ("di Kuwait", "kuwait", "kbri-kuwait"),
        ("di Phnom Penh", "kamboja", "kbri-phnom-penh"),
        ("disekap di Sihanoukville", "kamboja", "kbri-phnom-penh"),
        ("di kamboja", "kamboja", "kbri-phnom-penh"),
        ("di Myawaddy", "myanmar", "kbri-yangon"),
        ("di myanmar", "myanmar", "kbri-yangon"),
        ("di Bangkok", "thailand", "kbri-bangkok"),
        ("di Manila", "filipina", "kbri-manila"),
        ("di Seoul", "korea-selatan", "kbri-seoul"),
        ("di Tokyo", "jepang", "kbri-tokyo"),
        ("di Osaka", "jepang", "kjri-osaka"),
        ("di Singapura", "singapura", "kbri-singapura"),
        ("di Brunei", "brunei", "kbri-bandar-seri-begawan"),
        ("di penampungan Bekasi", "indonesia", None),
        ("masih di Jakarta", "indonesia", None),
        ("dipaksa naik kapal dari Nunukan ke Tawau", "indonesia", None),
    ],
)
def test_places_map_to_their_mission(text: str, country: str, mission: str | None) -> None:
    place = default_finder().locate(text)
    assert place is not None and (place.country, place.mission) == (country, mission)


def test_a_third_party_is_placed_where_the_person_in_danger_is() -> None:
    finder = default_finder()
    text = "saya di jakarta, adik saya dikurung majikan di Dubai"
    assert finder.locate(text, third_party=True).mission == "kjri-dubai"  # type: ignore[union-attr]
    assert finder.locate("saya di Jakarta", third_party=True).in_indonesia  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [
        "anak gadis saya barusan dibawa sponsor naik mobil, mau dikirim ke malaysia",
        "anak dara jiran dalam van agen nak hantar ke Batam lepas tu ke KL",
        "I am about to be taken to Dubai tonight by the agent",
    ],
)
def test_a_place_they_are_about_to_be_sent_to_is_not_where_they_are(text: str) -> None:
    # Still at home or on the way: the help they need is where they are now, not abroad.
    assert default_finder().locate(text, third_party=True) is None


def test_a_planned_destination_gives_way_to_where_they_are_now() -> None:
    text = "adik saya akan diberangkatkan ke Dubai besok, sekarang disekap di penampungan Bekasi"
    assert default_finder().locate(text, third_party=True).in_indonesia  # type: ignore[union-attr]
    # Sent there already: the destination is where they are.
    text = "saya dikirim ke Saudi lalu dikurung majikan"
    assert default_finder().locate(text).country == "arab-saudi"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text", ["tolong saya dikurung majikan", "di Zanzibar", "kalau saya ke luar negeri", ""]
)
def test_no_place_named(text: str) -> None:
    assert default_finder().locate(text) is None
