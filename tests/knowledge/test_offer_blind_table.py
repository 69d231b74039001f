"""On the blind offer table (a writer who never saw the rules), legal offers are never red."""

from __future__ import annotations

import json
from pathlib import Path

from knowledge.offer_check import check_offer

TABLE = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "offers_blind.jsonl"


def test_no_legal_offer_in_the_blind_table_is_called_red() -> None:
    rows = [json.loads(line) for line in TABLE.read_text(encoding="utf-8").splitlines() if line]
    legal = [row for row in rows if row["legal"]]
    assert len(legal) >= 12
    assert [row["id"] for row in legal if check_offer(row["text"]).verdict == "red"] == []


def test_the_verdict_is_never_none_when_the_blind_table_says_red_for_a_scam_country() -> None:
    rows = [json.loads(line) for line in TABLE.read_text(encoding="utf-8").splitlines() if line]
    scams = [row for row in rows if "negara_rawan_scam" in row["flags"]]
    assert scams
    assert all(check_offer(row["text"]).verdict == "red" for row in scams)
