"""Village lookups that load the 83,762-village index only when a village is first looked up."""

from __future__ import annotations

from typing import Any

from knowledge.regions import RegionIndex


class LazyRegions:
    """Defers RegionIndex.load() (about a second) until the intake dialog needs it.

    RegionIndex.load() builds and caches one shared index; this class only keeps start-up
    (and `ask`/`eval`, which never look up a village) from paying for it.
    """

    def resolve(self, text: str) -> Any:
        """Resolve typed text to a village or candidates."""
        return RegionIndex.load().resolve(text)

    def get(self, code: str) -> Any:
        """Return a region by code."""
        return RegionIndex.load().get(code)

    def ancestors(self, code: str) -> list[str]:
        """Return the code and the codes above it, most specific first."""
        return RegionIndex.load().ancestors(code)

    def find_regency(self, text: str) -> Any:
        """Return a regency named in the text."""
        return RegionIndex.load().find_regency(text)

    def find_province(self, text: str) -> Any:
        """Return a province named in the text."""
        return RegionIndex.load().find_province(text)
