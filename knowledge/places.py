"""Where is the person? Find a city or country in free text and map it to its mission.

Names come from the `places` lists of knowledge/contacts_abroad.yaml, matched on folded text
(not the normaliser's rewrites: it reads "kl" as "kalau"). The longest name wins where two
overlap ("uni emirat arab" over "arab"). A destination ("ke Tawau") counts only when nothing
else is named, and one still ahead ("mau dikirim ke Tawau") never does; someone reporting
for another person is placed where that person is, not where the writer says they are
("saya di Jakarta, adik saya di Dubai").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from knowledge.contacts import INDONESIA, Contacts, default_contacts
from knowledge.normalize import fold

Role = Literal["here", "writer", "destination", "planned"]
_DESTINATION = re.compile(r"\b(ke|to|menuju|tujuan|mau ke|berangkat ke)\s*$")
# Someone about to be sent there is not there yet ("mau dikirim ke Malaysia", "nak hantar ke
# KL", "about to be taken to Dubai"): the help they need now is where they are.
_PLANNED = re.compile(
    r"\b(mau|mo|akan|hendak|nak|arep|ape|bade|badhe|ajeng|rencana\w*|besok|nanti|will|"
    r"going to|about to|planning to|plan to)\b(\s+[a-z]+){0,3}\s+(ke|to|menuju)\s*$"
)
_WRITER = re.compile(
    r"\b(saya|aku|sy|aq|gw|gue|i m|i am|im)\s+(sekarang\s+|skrg\s+|lagi\s+|masih\s+|tinggal\s+)?"
    r"(di|in|from|dari)\s*$"
)


@dataclass(frozen=True, slots=True)
class Place:
    """A named place: its country, the mission covering it (if any) and how it was written."""

    country: str
    mission: str | None
    name: str
    start: int = 0
    role: Role = "here"

    @property
    def in_indonesia(self) -> bool:
        """Return True for a place in Indonesia."""
        return self.country == INDONESIA


class PlaceFinder:
    """Finds places named in a message, using the contacts file's place lists."""

    def __init__(self, contacts: Contacts) -> None:
        self._where: dict[str, tuple[str, str | None]] = {}
        for place in contacts.indonesia.places:
            self._where[place] = (INDONESIA, None)
        for country in contacts.countries.values():
            for place in country.places:
                self._where[place] = (country.id, country.mission)
        self._country_level = frozenset(self._where)
        for mission in contacts.missions.values():
            for place in mission.places:
                self._where[place] = (mission.country, mission.id)
        names = sorted(self._where, key=len, reverse=True)
        self._pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")

    def find(self, text: str) -> list[Place]:
        """Return every place named in the text, in order, with the role its wording gives it."""
        folded = fold(text)
        found = []
        for match in self._pattern.finditer(folded):
            before = folded[: match.start()]
            role: Role = "here"
            if _PLANNED.search(before):
                role = "planned"
            elif _DESTINATION.search(before):
                # "mau dikirim ke Batam, lalu ke KL": the next stop of a planned trip.
                planned = any(place.role == "planned" for place in found)
                role = "planned" if planned else "destination"
            elif _WRITER.search(before):
                role = "writer"
            country, mission = self._where[match.group(1)]
            found.append(Place(country, mission, match.group(1), match.start(), role))
        return found

    def locate(self, text: str, third_party: bool = False) -> Place | None:
        """Return where the person in danger is, or None when the text names no place."""
        places = [place for place in self.find(text) if place.role != "planned"]
        if not places:
            return None
        present = [place for place in places if place.role != "destination"] or places
        if third_party:
            # The writer's own place is not where help is needed; prefer abroad for the same reason.
            present = [place for place in present if place.role != "writer"] or present
            present = [place for place in present if not place.in_indonesia] or present
        # A city says more than its country: "Arab Saudi, di Jeddah" is KJRI Jeddah.
        first = present[0]
        same_country = [p for p in present if p.country == first.country]
        cities = [p for p in same_country if self._is_city(p)]
        return cities[0] if cities else first

    def _is_city(self, place: Place) -> bool:
        """Return True when the name is one of a mission's own places, not a country's."""
        return place.mission is not None and place.name not in self._country_level


@lru_cache(maxsize=1)
def default_finder() -> PlaceFinder:
    """Return a finder over the project's contacts file, built once per process."""
    return PlaceFinder(default_contacts())
