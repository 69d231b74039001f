"""The contacts file keeps the rules of contacts-abroad.md, and `kb check` reports bad rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from knowledge.contacts import check_contacts, load_contacts

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "contacts-abroad.md"


def test_the_project_file_is_valid() -> None:
    assert check_contacts() == []


def test_only_high_confidence_missions_keep_numbers_with_their_year() -> None:
    contacts = load_contacts()
    for mission in contacts.missions.values():
        if mission.numbers:
            assert mission.confidence == "high" and mission.year is not None
    hidden = {m.id for m in contacts.missions.values() if not m.shown}
    assert {"kri-tawau", "kbri-singapura", "kbri-vientiane", "kjri-kuching"} <= hidden


def test_every_number_shown_is_printed_in_the_spec() -> None:
    """No number is invented: each one is in contacts-abroad.md (or facts.md for KP2MI)."""
    if not SPEC.exists():
        pytest.skip("../shared/spec is not beside the project")
    spec_digits = re.sub(r"\D", "", SPEC.read_text(encoding="utf-8"))
    contacts = load_contacts()
    for mission in [*contacts.missions.values(), contacts.general["kemlu"]]:
        for number in mission.numbers:
            assert re.sub(r"\D", "", number) in spec_digits, (mission.id, number)


def test_local_emergency_numbers_are_only_high_or_medium() -> None:
    contacts = load_contacts()
    for country in contacts.countries.values():
        assert all(number.confidence in {"high", "medium"} for number in country.emergency)
    # Korea's and Laos' numbers come only from low-confidence guides.
    assert contacts.countries["korea-selatan"].emergency == ()
    assert [n.number for n in contacts.countries["arab-saudi"].emergency] == ["911", "997"]


BAD = """
general:
  kemlu: {name: Kemlu, numbers: ["+62-812-9007-0027"], year: 2024,
          source_urls: [https://example.org/a], source_date: "2024", confidence: high}
  safe_travel: {name: Safe Travel, numbers: [], source_urls: [https://example.org/b],
                source_date: "2018", confidence: high}
  kp2mi: {name: KP2MI, numbers: ["0811-8080-141"], year: 2025,
          source_urls: [https://example.org/c], source_date: "2025", confidence: high}
  mental_health: {name: healing119, numbers: [], source_urls: [https://example.org/d],
                  source_date: "2025", confidence: high}
indonesia:
  emergency: []
  places: [jakarta]
countries:
  - id: malaysia
    name: {id: Malaysia, en: Malaysia}
    mission: kri-tawau
    places: [malaysia, Johor]
    emergency:
      - {number: "999", service: {id: polisi, en: police}, source_urls: [https://example.org/e],
         source_date: "2015", confidence: low}
missions:
  - {id: kri-tawau, name: KRI Tawau, country: malaysia, places: [tawau, jakarta],
     numbers: ["+60 19 822 8800"], year: 2020, source_urls: [https://example.org/f],
     confidence: medium}
"""


def test_bad_rows_are_reported_as_file_field_problem(tmp_path: Path) -> None:
    path = tmp_path / "contacts_abroad.yaml"
    path.write_text(BAD, encoding="utf-8")
    problems = [str(problem) for problem in check_contacts(path)]
    assert problems == [
        "contacts_abroad.yaml: general.kp2mi.numbers: '0811-8080-141' is not in international "
        "form (+...)",
        "contacts_abroad.yaml: missions[0].source_date: missing (write it as quoted text)",
        "contacts_abroad.yaml: missions[0].numbers: only high-confidence numbers may be kept",
        "contacts_abroad.yaml: missions[0].places: 'jakarta' is also a place of indonesia",
        "contacts_abroad.yaml: countries[0].emergency[0].confidence: only high or medium "
        "emergency numbers may be listed",
        "contacts_abroad.yaml: countries[0].places: 'Johor' is not folded (write 'johor')",
    ]


def test_kb_check_validates_the_contacts_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "contacts_abroad.yaml"
    path.write_text(BAD, encoding="utf-8")
    monkeypatch.setattr(
        "knowledge.contacts.check_contacts", lambda: check_contacts(path), raising=True
    )
    assert main(["kb", "check"]) == 1
    assert (
        "contacts_abroad.yaml: missions[0].numbers: only high-confidence" in capsys.readouterr().out
    )
