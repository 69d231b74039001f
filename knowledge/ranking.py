"""What ranking a message yields: scored topics, and whether the best is sure enough to answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# The pseudo-topic of everyday messages the bot should decline; it competes like a topic.
OUT_OF_SCOPE = "_out_of_scope"
# A runner-up scoring at least this share of the best, and at least SECOND_TOPIC_MIN, is a
# second concern in the same message. The floor sits above the answer threshold because the
# ensemble's softened classifier lifts every runner-up a little; chosen on the two-topic lines
# of the tuning sets against single-topic lines that would be offered a second topic.
SECOND_TOPIC_SHARE = 0.3
SECOND_TOPIC_MIN = 15.0


@dataclass(frozen=True, slots=True)
class Match:
    """A topic and how well it matches, 0-100."""

    topic_id: str
    score: float


@dataclass(frozen=True, slots=True)
class Ranking:
    """The ranked topics for one message and whether the best one is sure enough to answer."""

    candidates: tuple[Match, ...]
    threshold: float
    # The out-of-scope group won: nothing is answered at any threshold.
    declined: bool = False

    @property
    def best(self) -> Match | None:
        """Return the top match, sure or not."""
        return self.candidates[0] if self.candidates else None

    @property
    def confident(self) -> bool:
        """Return True when the top match clears the threshold."""
        return self.best is not None and self.best.score >= self.threshold

    @property
    def topic_id(self) -> str | None:
        """Return the topic to answer with, or None to abstain."""
        return self.best.topic_id if self.confident and self.best else None

    def suggestions(self, count: int = 3) -> list[str]:
        """Return the ids of the top candidates to offer as buttons."""
        return [match.topic_id for match in self.candidates[:count]]

    @classmethod
    def from_scores(
        cls, owners: Sequence[str], scores: Sequence[float], threshold: float, limit: int = 5
    ) -> Ranking:
        """Rank owners by score; when the out-of-scope group wins, nothing is confident."""
        values = np.asarray(scores, dtype=np.float64)
        if len(values) != len(owners):
            raise ValueError("one score per owner")
        # A stable sort on the negated scores keeps tied owners in their given order, as
        # sorted(..., reverse=True) does; only the first few are ever read.
        order = np.argsort(-values, kind="stable")[: limit + 1].tolist()
        declined = bool(order) and owners[order[0]] == OUT_OF_SCOPE
        matches = tuple(
            # Keep the runners-up as suggestions, capped below the threshold when declined.
            Match(owners[i], round(min(score, threshold - 0.01) if declined else score, 2))
            for i, score in zip(order, values[order].tolist(), strict=True)
            if owners[i] != OUT_OF_SCOPE
        )[:limit]
        return cls(matches, threshold, declined)

    @property
    def second_topic(self) -> str | None:
        """Return a second topic strong enough to offer first when the message has two concerns."""
        if not self.confident or len(self.candidates) < 2 or self.best is None:
            return None
        second = self.candidates[1]
        floor = max(self.threshold, SECOND_TOPIC_MIN)
        strong = second.score >= floor and second.score >= SECOND_TOPIC_SHARE * self.best.score
        return second.topic_id if strong else None
