"""Offer-check benchmark: flags found against a labelled table of job offers.

Run: .venv/bin/python benchmarks/offer_check.py [FILE.jsonl ...]
Defaults to tests/data/offers.jsonl (written before the rules, by the rules' author) and
benchmarks/data/offers_blind.jsonl (written by a separate writer who saw only facts.md and
the list of flag codes, never the rules). Prints flags found / expected, extra flags,
verdicts right, and red verdicts and false flags on legal offers.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from knowledge.offer_check import check_offer

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = [
    ROOT / "tests" / "data" / "offers.jsonl",
    ROOT / "benchmarks" / "data" / "offers_blind.jsonl",
]


def main() -> None:
    """Print the figures for each table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    for path in args.files or DEFAULT_FILES:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        found = expected = extra = right = legal = legal_red = legal_extra = 0
        missed: list[str] = []
        for row in rows:
            result = check_offer(row["text"])
            got = {flag.code for flag in result.flags}
            wanted = set(row["flags"])
            found += len(got & wanted)
            expected += len(wanted)
            extra += len(got - wanted)
            right += result.verdict == row["verdict"]
            missed += [f"{row['id']}:{code}" for code in sorted(wanted - got)]
            if row.get("legal"):
                legal += 1
                legal_red += result.verdict == "red"
                legal_extra += len(got - wanted)
        print(
            f"{path.name}: {len(rows)} offers; flags found {found}/{expected}, extra {extra}; "
            f"verdicts right {right}/{len(rows)}; legal offers called red {legal_red}/{legal}, "
            f"extra flags on legal offers {legal_extra}"
        )
        print(f"  missed: {', '.join(missed) or '-'}")


if __name__ == "__main__":
    main()
