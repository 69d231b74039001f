"""Safety triage: is someone in danger now (urgent), possibly (check), or not (calm)?

The outcome drives the first handler of the pipeline: `urgent` files a priority case and
gives the emergency channels; `check` asks one short question before the normal answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from knowledge.danger_lexicon import rule_assess

SafetyLevel = Literal["urgent", "check", "calm"]
SUICIDE_KIND = "suicide"


@dataclass(frozen=True, slots=True)
class Triage:
    """The outcome of triage: the level and which kinds of danger were seen."""

    level: SafetyLevel
    kinds: tuple[str, ...] = ()
    score: float = 0.0

    @property
    def urgent(self) -> bool:
        """Return True for danger now."""
        return self.level == "urgent"

    @property
    def check(self) -> bool:
        """Return True when the bot should ask whether someone is in danger now."""
        return self.level == "check"


def assess(text: str) -> Triage:
    """Decide whether a message says someone is in danger now."""
    verdict = rule_assess(text)
    return Triage(
        "urgent" if verdict.urgent else "calm", verdict.kinds, 1.0 if verdict.urgent else 0.0
    )
