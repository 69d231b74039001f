"""A RegionIndex that loads the 83,762-village list only when a village is first looked up."""

from __future__ import annotations

import threading
from typing import Any

from knowledge.regions import RegionIndex


class LazyRegions:
    """Defers RegionIndex.load() (about a second) until the intake dialog needs it."""

    def __init__(self) -> None:
        self._index: RegionIndex | None = None
        self._lock = threading.Lock()

    @property
    def index(self) -> RegionIndex:
        """Return the loaded index, loading it once."""
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = RegionIndex.load()
        return self._index

    def resolve(self, text: str) -> Any:
        """Resolve typed text to a village or candidates."""
        return self.index.resolve(text)

    def get(self, code: str) -> Any:
        """Return a region by code."""
        return self.index.get(code)

    def ancestors(self, code: str) -> list[str]:
        """Return the code and the codes above it, most specific first."""
        return self.index.ancestors(code)

    def find_regency(self, text: str) -> Any:
        """Return a regency named in the text."""
        return self.index.find_regency(text)

    def find_province(self, text: str) -> Any:
        """Return a province named in the text."""
        return self.index.find_province(text)
