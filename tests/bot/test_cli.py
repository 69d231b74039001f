"""The CLI contracts other tools rely on: ask --json, ask --jsonl, eval and kb check."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from bot.cli import main


def _run(capsys: pytest.CaptureFixture[str], *args: str, stdin: str | None = None) -> str:
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        assert main(list(args)) == 0
    finally:
        sys.stdin = sys.__stdin__
    return capsys.readouterr().out


def test_ask_json_prints_the_contract_object(capsys: pytest.CaptureFixture[str]) -> None:
    answer = json.loads(_run(capsys, "ask", "umur minimal jadi tkw brp", "--json"))
    assert set(answer) == {"topic", "score", "urgent", "safety", "suggestions", "reply"}
    assert answer["topic"] == "prosedur.syarat_umur"
    assert answer["urgent"] is False
    assert answer["safety"] == "calm"
    assert "Sumber:" in answer["reply"]
    assert len(answer["suggestions"]) <= 3


def test_ask_json_abstains_and_flags_urgent(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(
        capsys,
        "ask",
        "--jsonl",
        stdin='{"text": "resep rendang"}\n{"text": "tolong saya dikurung majikan"}\n',
    )
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["topic"] is None and first["urgent"] is False
    assert second["urgent"] is True and "110" in second["reply"]
    assert (first["safety"], second["safety"]) == ("calm", "urgent")


def test_eval_prints_the_four_figures(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    labelled = tmp_path / "set.jsonl"
    labelled.write_text(
        '{"text": "umur minimal jadi pmi", "topics": ["prosedur.syarat_umur"], "urgent": false}\n'
        '{"text": "harga emas hari ini", "topics": [], "urgent": false}\n'
        '{"text": "tolong saya dikurung majikan, tidak boleh keluar", "urgent": true}\n'
    )
    out = _run(capsys, "eval", str(labelled))
    assert "top-1 accuracy (in scope):   100.0% (1/1)" in out
    assert "out-of-scope abstention:     100.0% (1/1)" in out
    assert "urgent recall:               100.0% (1/1)" in out
    assert "false-urgent rate:           0.0% (0/2)" in out
    assert "urgent or check:             100.0% (1/1)" in out
    assert "check asked on calm:         0.0% (0/2)" in out


def test_kb_check_passes_on_the_shipped_content(capsys: pytest.CaptureFixture[str]) -> None:
    # Not a single problem line, not even one of a rule in transition.
    [verdict] = _run(capsys, "kb", "check").splitlines()
    assert verdict.startswith("ok: ")


def test_migrate_upgrades_an_empty_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIGRASI_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    assert "newest migration" in _run(capsys, "migrate")
    assert (tmp_path / "m.db").exists()


def test_village_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    answer = json.loads(_run(capsys, "village", "ds jogosimo kec klirong kebumen", "--json"))
    assert answer["resolved"] == "33.05.05.2001"
    assert answer["candidates"][0]["path"] == "Jogosimo, Klirong, Kabupaten Kebumen, Jawa Tengah"


def test_ask_json_reports_a_request_for_a_person_as_the_service_centre(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the turn starts the centre's intake (consent first) and is reported under its topic
    answer = json.loads(_run(capsys, "ask", "saya mau ngobrol sama petugas desa", "--json"))
    assert answer["topic"] == "layanan.pusat_layanan"
    assert "setuju" in answer["reply"]


def test_broken_content_names_its_problems_instead_of_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import knowledge.base
    from knowledge.loader import load_topics

    # An empty content folder: every topic of the spec is missing, so nothing loads.
    monkeypatch.setattr(knowledge.base, "load_topics", lambda *_: load_topics(tmp_path))
    assert main(["ask", "umur minimal jadi tkw brp"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: the knowledge files do not load:")
    assert "kb check" in captured.err
    assert "Traceback" not in captured.err


def test_serve_with_broken_content_names_its_problems_and_starts_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import bot.cli
    import knowledge.base
    from knowledge.loader import load_topics

    def broken(*_: object) -> object:
        return load_topics(tmp_path)

    # The workers' own load fails too: started, uvicorn would log a traceback and exit 3.
    monkeypatch.setattr(knowledge.base, "load_topics", broken)
    monkeypatch.setattr(bot.cli, "load_topics", broken)
    assert main(["serve", "--port", "0"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("error: the knowledge files do not load:")
    assert "Traceback" not in captured.err
