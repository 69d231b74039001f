"""Directory import and routing, the same tests on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.composition import Service
from bot.inquiries import CENTRE_KINDS
from knowledge.regions import RegionIndex
from storage.centres import FIELDS, import_centres, list_centres

EXAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "centres.example.yaml"


@pytest.fixture(scope="module")
def regions() -> RegionIndex:
    """Load the village index once."""
    return RegionIndex.load()


async def _snapshot(service: Service) -> list[tuple[str, str, str, tuple[str, ...], bool]]:
    """Return every centre as comparable tuples."""
    return [
        (item.centre.id, item.centre.kind, item.centre.name, item.regions, item.example)
        for item in await list_centres(service.storage)
    ]


async def test_example_import_is_idempotent(service: Service, regions: RegionIndex) -> None:
    first = await import_centres(service.storage, EXAMPLE, regions)
    rows = await _snapshot(service)
    second = await import_centres(service.storage, EXAMPLE, regions)

    assert first.problems == [] and first.updated == [] and len(first.created) == 12
    assert (
        second.created == []
        and second.updated == []
        and sorted(second.unchanged) == sorted(first.created)
    )
    assert await _snapshot(service) == rows
    assert len(rows) == 13  # the twelve examples and the national centre from the migration
    assert all(example for centre_id, *_, example in rows if centre_id != "nasional")


async def test_reimport_replaces_region_codes_and_keeps_absent_centres(
    service: Service, tmp_path: Path
) -> None:
    before = tmp_path / "before.yaml"
    before.write_text(
        "centres:\n"
        "  - {id: a, name: A, kind: village, regions: ['33.05.05.2001', '33.05.05.2002']}\n"
        "  - {id: b, name: B, kind: regency, regions: ['33.05']}\n",
        encoding="utf-8",
    )
    after = tmp_path / "after.yaml"
    after.write_text(
        "centres:\n"
        "  - {id: a, name: A baru, kind: village, regions: ['33.05.05.2003'], hours: pagi}\n",
        encoding="utf-8",
    )
    await import_centres(service.storage, before, None)
    result = await import_centres(service.storage, after, None)

    assert result.updated == ["a"]
    listed = {item.centre.id: item for item in await list_centres(service.storage)}
    assert listed["a"].regions == ("33.05.05.2003",)
    assert (listed["a"].centre.name, listed["a"].centre.hours) == ("A baru", "pagi")
    assert listed["b"].regions == ("33.05",)


async def test_bad_rows_are_reported_with_file_and_line_and_skipped(
    service: Service, tmp_path: Path, regions: RegionIndex
) -> None:
    path = tmp_path / "centres.yaml"
    path.write_text(
        """centres:
  - id: good
    name: Pusat Layanan Migrasi Desa Jogosimo
    kind: village
    regions: ["33.05.05.2001"]
  - id: bad-kind
    name: X
    kind: kampung
    regions: ["33.05"]
  - id: bad-code
    name: X
    kind: village
    regions: ["33.05.05.2001", "99.99.99.9999"]
  - id: no-name
    kind: village
    regions: ["33.05"]
  - id: undotted
    name: X
    kind: regency
    regions: [3305]
  - id: good
    name: Again
    kind: village
    regions: ["33.05.05.2001"]
  - id: typo
    name: X
    kind: village
    region: ["33.05"]
  - id: Bad Id
    name: X
    kind: village
    regions: ["33.05"]
""",
        encoding="utf-8",
    )
    result = await import_centres(service.storage, path, regions)

    assert result.created == ["good"]
    assert result.problems == [
        f"{path}:8: kind: 'kampung' is not one of " + " | ".join(CENTRE_KINDS),
        f"{path}:13: regions[1]: unknown region code 99.99.99.9999",
        f"{path}:14: name: is required",
        f"{path}:20: regions[0]: '3305' is not a Kemendagri code like 33.05.05.2001",
        f"{path}:21: id: 'good' already listed on line 2",
        f"{path}:28: region: unknown field (known: {', '.join(sorted(FIELDS))})",
        f"{path}:29: id: use lower-case letters, digits and '-' only",
    ]
    assert [item.centre.id for item in await list_centres(service.storage)] == ["good", "nasional"]


async def test_broken_yaml_is_one_problem_and_imports_nothing(
    service: Service, tmp_path: Path
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("centres:\n  - id: a\n    name: [unclosed\n", encoding="utf-8")

    result = await import_centres(service.storage, path, None)

    assert result.created == []
    assert len(result.problems) == 1 and result.problems[0].startswith(f"{path}:4: yaml: ")


async def test_a_file_without_a_centres_list_is_refused(service: Service, tmp_path: Path) -> None:
    path = tmp_path / "wrong.yaml"
    path.write_text("- id: a\n", encoding="utf-8")

    result = await import_centres(service.storage, path, None)

    assert result.problems == [f"{path}:1: centres: the file must hold a list under 'centres:'"]


@pytest.mark.parametrize(
    ("village", "expected"),
    [
        ("33.05.05.2001", "plm-jogosimo"),  # a village with its own centre
        ("33.05.05.2003", "disnaker-kebumen"),  # another village of Kabupaten Kebumen
        ("33.12.20.2011", "disnaker-jateng"),  # Tanggulangin in Wonogiri: only the province
        ("35.07.24.1015", "disnaker-malang"),  # Candirenggo in Malang, not the Kebumen one
        ("31.71.01.1001", "nasional"),  # Jakarta: nobody in the example directory
    ],
)
async def test_routing_prefers_village_then_regency_then_province_then_national(
    service: Service, regions: RegionIndex, village: str, expected: str
) -> None:
    await import_centres(service.storage, EXAMPLE, regions)
    codes = regions.ancestors(village)
    assert codes, f"{village} is not a known village"

    async with service.storage.unit_of_work() as uow:
        centre = await uow.route(codes)

    assert centre.id == expected


async def test_a_deactivated_centre_gets_no_new_cases_or_escalations(
    service: Service, regions: RegionIndex
) -> None:
    from datetime import UTC, datetime

    from storage.centres import DirectoryError, set_centre_active

    await import_centres(service.storage, EXAMPLE, regions)
    codes = regions.ancestors("33.05.05.2001")
    now = datetime(2026, 11, 30, tzinfo=UTC)
    await set_centre_active(service.storage, "plm-jogosimo", False, now)
    await set_centre_active(service.storage, "disnaker-kebumen", False, now)
    async with service.storage.unit_of_work() as uow:
        assert (await uow.route(codes)).id == "disnaker-jateng"
        assert (await uow.route_above(codes, "village")).id == "disnaker-jateng"
    await set_centre_active(service.storage, "disnaker-kebumen", True, now)
    async with service.storage.unit_of_work() as uow:
        assert (await uow.route(codes)).id == "disnaker-kebumen"
        assert (await uow.route_above(codes, "village")).id == "disnaker-kebumen"
    listed = {item.centre.id: item.active for item in await list_centres(service.storage)}
    assert listed["plm-jogosimo"] is False and listed["disnaker-kebumen"] is True
    with pytest.raises(DirectoryError):
        await set_centre_active(service.storage, "nasional", False, now)
