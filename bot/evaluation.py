"""Scoring of labelled question files (the format of eval/dev.jsonl) against the bot's answers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class EvalReport:
    """Counts behind the four figures the project is measured on."""

    in_scope: int = 0
    in_scope_correct: int = 0
    out_of_scope: int = 0
    abstained: int = 0
    urgent: int = 0
    urgent_found: int = 0
    urgent_or_check: int = 0
    not_urgent: int = 0
    false_urgent: int = 0
    checked_calm: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def _ratio(part: int, whole: int) -> float:
        return part / whole if whole else 0.0

    @property
    def accuracy(self) -> float:
        """Return top-1 accuracy on in-scope, non-urgent questions."""
        return self._ratio(self.in_scope_correct, self.in_scope)

    @property
    def abstention(self) -> float:
        """Return the share of out-of-scope questions where the bot abstained."""
        return self._ratio(self.abstained, self.out_of_scope)

    @property
    def urgent_recall(self) -> float:
        """Return the share of urgent messages flagged urgent."""
        return self._ratio(self.urgent_found, self.urgent)

    @property
    def urgent_or_check_share(self) -> float:
        """Return the share of urgent messages that got `urgent` or the `check` question."""
        return self._ratio(self.urgent_or_check, self.urgent)

    @property
    def check_on_calm_rate(self) -> float:
        """Return how often calm messages were asked the `check` question."""
        return self._ratio(self.checked_calm, self.not_urgent)

    @property
    def false_urgent_rate(self) -> float:
        """Return the share of ordinary messages wrongly flagged urgent."""
        return self._ratio(self.false_urgent, self.not_urgent)

    def lines(self) -> list[str]:
        """Return the figures as printable lines."""
        return [
            f"top-1 accuracy (in scope):   {self.accuracy:.1%} "
            f"({self.in_scope_correct}/{self.in_scope})",
            f"out-of-scope abstention:     {self.abstention:.1%} "
            f"({self.abstained}/{self.out_of_scope})",
            f"urgent recall:               {self.urgent_recall:.1%} "
            f"({self.urgent_found}/{self.urgent})",
            f"urgent or check:             {self.urgent_or_check_share:.1%} "
            f"({self.urgent_or_check}/{self.urgent})",
            f"false-urgent rate:           {self.false_urgent_rate:.1%} "
            f"({self.false_urgent}/{self.not_urgent})",
            f"check asked on calm:         {self.check_on_calm_rate:.1%} "
            f"({self.checked_calm}/{self.not_urgent})",
        ]

    def as_dict(self) -> dict[str, Any]:
        """Return the figures and counts as JSON-able data."""
        return {
            "accuracy": self.accuracy,
            "abstention": self.abstention,
            "urgent_recall": self.urgent_recall,
            "false_urgent_rate": self.false_urgent_rate,
            "urgent_or_check_share": self.urgent_or_check_share,
            "check_on_calm_rate": self.check_on_calm_rate,
            "in_scope": self.in_scope,
            "out_of_scope": self.out_of_scope,
            "urgent": self.urgent,
            "false_urgent": self.false_urgent,
        }


def score(items: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> EvalReport:
    """Score (label, answer) pairs; an answer is the `ask --json` object."""
    report = EvalReport()
    for label, answer in items:
        expected = label.get("topics") or []
        is_urgent = bool(label.get("urgent"))
        flagged = bool(answer.get("urgent"))
        checked = answer.get("safety") == "check"
        if is_urgent:
            report.urgent += 1
            report.urgent_found += flagged
            report.urgent_or_check += flagged or checked
            if not flagged:
                report.errors.append({"kind": "missed urgent", **label, "got": answer.get("topic")})
            continue
        report.not_urgent += 1
        report.checked_calm += checked
        if flagged:
            report.false_urgent += 1
            report.errors.append({"kind": "false urgent", **label})
        topic = answer.get("topic")
        if expected:
            report.in_scope += 1
            right = topic in expected or (
                topic is None and bool(label.get("null_ok")) and not flagged
            )
            report.in_scope_correct += right
            if not right:
                report.errors.append(
                    {"kind": "wrong topic", **label, "got": topic, "score": answer.get("score")}
                )
        else:
            report.out_of_scope += 1
            abstained = topic is None
            report.abstained += abstained
            if not abstained:
                report.errors.append(
                    {
                        "kind": "answered out of scope",
                        **label,
                        "got": topic,
                        "score": answer.get("score"),
                    }
                )
    return report
