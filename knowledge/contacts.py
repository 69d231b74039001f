"""Protection contacts by where the person is: load and validate knowledge/contacts_abroad.yaml.

The rules come from ../shared/spec/contacts-abroad.md: a mission's number is kept only when
its confidence is high (shown with its year and the advice to confirm in Safe Travel), local
emergency numbers only when high or medium, and every entry carries its sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.loader import YAML_LOADER, KnowledgeError, Problem
from knowledge.normalize import fold

CONTACTS_PATH = Path(__file__).parent / "contacts_abroad.yaml"
CONFIDENCES = frozenset({"high", "medium", "low", "not_found"})
EMERGENCY_CONFIDENCES = frozenset({"high", "medium"})
INDONESIA = "indonesia"
GENERAL_KEYS = ("kemlu", "safe_travel", "kp2mi", "mental_health")
# International form, so WhatsApp and Telegram make the number tappable.
INTERNATIONAL = re.compile(r"^\+\d[\d -]{6,}\d$")
SHORT_NUMBER = re.compile(r"^\d{3,5}$")


@dataclass(frozen=True, slots=True)
class EmergencyNumber:
    """A local emergency number and what it is for, in Indonesian and English."""

    number: str
    service: dict[str, str]
    confidence: str

    def service_for(self, locale: str) -> str:
        """Return what the number is for in the given language."""
        return self.service.get(locale) or self.service["id"]


@dataclass(frozen=True, slots=True)
class Mission:
    """An Indonesian mission (or a general channel) with its published numbers."""

    id: str
    name: str
    country: str
    numbers: tuple[str, ...]
    year: int | None
    confidence: str
    places: tuple[str, ...] = ()

    @property
    def shown(self) -> bool:
        """Return True when its numbers may be shown (high confidence only)."""
        return self.confidence == "high" and bool(self.numbers)


@dataclass(frozen=True, slots=True)
class Country:
    """A country or territory: its name, its default mission and local emergency numbers."""

    id: str
    name: dict[str, str]
    mission: str | None
    emergency: tuple[EmergencyNumber, ...]
    places: tuple[str, ...] = ()

    def name_for(self, locale: str) -> str:
        """Return the country's name in the given language."""
        return self.name.get(locale) or self.name["id"]


@dataclass(frozen=True, slots=True)
class Contacts:
    """Everything in the contacts file, by id."""

    general: dict[str, Mission]
    indonesia: Country
    countries: dict[str, Country]
    missions: dict[str, Mission]

    def country(self, country_id: str) -> Country | None:
        """Return a country by id, Indonesia included."""
        if country_id == INDONESIA:
            return self.indonesia
        return self.countries.get(country_id)


class _Checker:
    """Collects every problem of one file, as `file: field: problem`."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, field: str, problem: str) -> None:
        """Record one problem."""
        self.problems.append(Problem(self.file, field, problem))

    def sourced(self, raw: dict[str, Any], where: str) -> str:
        """Check an entry's source_urls, source_date and confidence; return the confidence."""
        confidence = raw.get("confidence")
        if confidence not in CONFIDENCES:
            self.add(f"{where}.confidence", f"must be one of {', '.join(sorted(CONFIDENCES))}")
            confidence = "low"
        urls = raw.get("source_urls")
        if not isinstance(urls, list) or not all(
            isinstance(url, str) and url.startswith(("https://", "http://")) for url in urls
        ):
            self.add(f"{where}.source_urls", "must be a list of http(s) URLs")
        elif not urls and confidence != "not_found":
            self.add(f"{where}.source_urls", "at least one source is required")
        if not isinstance(raw.get("source_date"), str) or not raw["source_date"].strip():
            self.add(f"{where}.source_date", "missing (write it as quoted text)")
        return str(confidence)

    def places(self, raw: Any, where: str, seen: dict[str, str]) -> tuple[str, ...]:
        """Check a places list: folded strings, each naming one place only."""
        if raw is None:
            return ()
        if not isinstance(raw, list) or not all(isinstance(p, str) and p for p in raw):
            self.add(f"{where}.places", "must be a list of names")
            return ()
        for place in raw:
            if fold(place) != place:
                self.add(f"{where}.places", f"{place!r} is not folded (write {fold(place)!r})")
            if place in seen and seen[place] != where:
                self.add(f"{where}.places", f"{place!r} is also a place of {seen[place]}")
            seen[place] = where
        return tuple(raw)

    def mission(self, raw: Any, where: str, seen: dict[str, str]) -> Mission | None:
        """Check one mission or general channel."""
        if not isinstance(raw, dict):
            self.add(where, "must be a mapping")
            return None
        confidence = self.sourced(raw, where)
        numbers = raw.get("numbers") or []
        if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
            self.add(f"{where}.numbers", "must be a list of strings")
            numbers = []
        for number in numbers:
            if not INTERNATIONAL.match(number):
                self.add(f"{where}.numbers", f"{number!r} is not in international form (+...)")
        if numbers and confidence != "high":
            self.add(f"{where}.numbers", "only high-confidence numbers may be kept")
        year = raw.get("year")
        if numbers and not (isinstance(year, int) and 2000 <= year <= 2100):
            self.add(f"{where}.year", "a shown number needs the year of its source")
        if not isinstance(raw.get("name"), str) or not raw["name"].strip():
            self.add(f"{where}.name", "missing")
        return Mission(
            id=str(raw.get("id") or where),
            name=str(raw.get("name") or ""),
            country=str(raw.get("country") or ""),
            numbers=tuple(numbers),
            year=year if isinstance(year, int) else None,
            confidence=confidence,
            places=self.places(raw.get("places"), where, seen),
        )

    def country(self, raw: Any, where: str, seen: dict[str, str]) -> Country | None:
        """Check one country: its name, places and emergency numbers."""
        if not isinstance(raw, dict):
            self.add(where, "must be a mapping")
            return None
        name = raw.get("name")
        if not (isinstance(name, dict) and name.get("id") and name.get("en")):
            self.add(f"{where}.name", "needs id and en")
            name = {"id": str(raw.get("id") or where)}
        numbers: list[EmergencyNumber] = []
        for index, entry in enumerate(raw.get("emergency") or []):
            at = f"{where}.emergency[{index}]"
            if not isinstance(entry, dict):
                self.add(at, "must be a mapping")
                continue
            confidence = self.sourced(entry, at)
            if confidence not in EMERGENCY_CONFIDENCES:
                self.add(f"{at}.confidence", "only high or medium emergency numbers may be listed")
            number = str(entry.get("number") or "")
            if not SHORT_NUMBER.match(number):
                self.add(f"{at}.number", f"{number!r} is not a short emergency number")
            service = entry.get("service")
            if not (
                isinstance(service, dict)
                and set(service) == {"id", "en"}
                and all(isinstance(v, str) and v for v in service.values())
            ):
                self.add(f"{at}.service", "needs exactly id and en texts (quote texts with commas)")
                service = {"id": "", "en": ""}
            numbers.append(
                EmergencyNumber(number, {k: str(v) for k, v in service.items()}, confidence)
            )
        return Country(
            id=str(raw.get("id") or INDONESIA),
            name={k: str(v) for k, v in name.items()},
            mission=raw.get("mission"),
            emergency=tuple(numbers),
            places=self.places(raw.get("places"), where, seen),
        )


def _parse(raw: Any, file: str) -> tuple[Contacts | None, list[Problem]]:
    """Validate the parsed file; return the contacts and every problem found."""
    check = _Checker(file)
    if not isinstance(raw, dict):
        check.add("(file)", "must be a mapping")
        return None, check.problems
    seen: dict[str, str] = {}
    general_raw = raw.get("general") or {}
    general: dict[str, Mission] = {}
    for key in GENERAL_KEYS:
        mission = check.mission(general_raw.get(key), f"general.{key}", seen)
        if mission is not None:
            general[key] = mission
    indonesia_raw = {
        **(raw.get("indonesia") or {}),
        "id": INDONESIA,
        "name": {"id": "Indonesia", "en": "Indonesia"},
    }
    indonesia = check.country(indonesia_raw, "indonesia", seen)
    missions: dict[str, Mission] = {}
    for index, entry in enumerate(raw.get("missions") or []):
        mission = check.mission(entry, f"missions[{index}]", seen)
        if mission is None:
            continue
        if mission.id in missions:
            check.add(f"missions[{index}].id", f"duplicate id {mission.id!r}")
        missions[mission.id] = mission
    countries: dict[str, Country] = {}
    for index, entry in enumerate(raw.get("countries") or []):
        country = check.country(entry, f"countries[{index}]", seen)
        if country is None:
            continue
        if country.id in countries:
            check.add(f"countries[{index}].id", f"duplicate id {country.id!r}")
        if country.mission is not None and (
            country.mission not in missions or missions[country.mission].country != country.id
        ):
            check.add(f"countries[{index}].mission", f"{country.mission!r} is not a mission there")
        countries[country.id] = country
    for index, mission in enumerate(missions.values()):
        if mission.country not in countries:
            check.add(f"missions[{index}].country", f"unknown country {mission.country!r}")
    if check.problems or indonesia is None:
        return None, check.problems
    return Contacts(general, indonesia, countries, missions), []


def check_contacts(path: Path = CONTACTS_PATH) -> list[Problem]:
    """Return every problem of the contacts file (empty when it is valid)."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # noqa: S506
    except (OSError, yaml.YAMLError) as error:
        return [Problem(path.name, "(file)", str(error).splitlines()[0])]
    return _parse(raw, path.name)[1]


def load_contacts(path: Path = CONTACTS_PATH) -> Contacts:
    """Load and validate the contacts file; raise KnowledgeError listing every problem."""
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # noqa: S506
    contacts, problems = _parse(raw, path.name)
    if contacts is None:
        raise KnowledgeError(problems)
    return contacts


@lru_cache(maxsize=1)
def default_contacts() -> Contacts:
    """Return the project's contacts file, loaded once per process."""
    return load_contacts()
