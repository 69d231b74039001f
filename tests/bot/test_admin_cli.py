"""The service-centre commands, run as the CLI runs them, on a temporary SQLite database."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from bot import admin_cli
from storage.centres import DirectoryError

EXAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "centres.example.yaml"


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point MIGRASI_DATABASE_URL at a fresh SQLite file."""
    path = tmp_path / "admin.db"
    monkeypatch.setenv("MIGRASI_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    return path


def cli(*argv: str) -> int | None:
    """Parse and run one command the way bot/cli.py does."""
    parser = argparse.ArgumentParser(prog="migrasi-aman")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("chat")
    admin_cli.register(commands)
    return admin_cli.run(parser.parse_args(list(argv)))


def add(centre: str, name: str, *account: str) -> int | None:
    """Run `officers add` for one account (e.g. "--whatsapp", "0812...")."""
    return cli("officers", "add", "--centre", centre, "--name", name, *account)


def report(centre: str, start: str, end: str, *extra: str) -> int | None:
    """Run `report` for a centre and date range."""
    return cli("report", "--centre", centre, "--from", start, "--to", end, *extra)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0812-3456-7890", "6281234567890"),
        ("+62 812 3456 7890", "6281234567890"),
        ("62812-3456-7890", "6281234567890"),
        ("812 3456 7890", "6281234567890"),
        ("0062 812 3456 7890", "6281234567890"),
    ],
)
def test_whatsapp_numbers_are_stored_with_country_code(typed: str, stored: str) -> None:
    assert admin_cli.normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "+1 415 555 0100", "nomor saya", ""])
def test_what_is_no_indonesian_number_is_refused(typed: str) -> None:
    with pytest.raises(DirectoryError):
        admin_cli.normalise_phone(typed)


def test_other_commands_are_left_to_the_main_cli() -> None:
    assert cli("chat") is None


def test_centres_import_is_idempotent_and_listed(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("centres", "import", str(EXAMPLE)) == 0
    assert "created 12, updated 0, unchanged 0, problems 0" in capsys.readouterr().out
    assert cli("centres", "import", str(EXAMPLE)) == 0
    assert "created 0, updated 0, unchanged 12, problems 0" in capsys.readouterr().out

    assert cli("centres", "list") == 0
    listed = capsys.readouterr().out
    assert "plm-jlamprang  village  Pusat Layanan Migrasi Desa Jlamprang [example]" in listed
    assert "regions: 33.07.05.2007; officers: 0" in listed
    assert listed.rstrip().splitlines()[-2].startswith("nasional  national")


def test_centres_import_prints_each_problem_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "centres.yaml"
    path.write_text(
        "centres:\n"
        "  - {id: ok, name: OK, kind: village, regions: ['33.05.05.2001']}\n"
        "  - {id: bad, name: Bad, kind: village, regions: ['33.05.05.9999']}\n",
        encoding="utf-8",
    )

    assert cli("centres", "import", str(path)) == 1

    out = capsys.readouterr().out
    assert f"{path}:3: regions[0]: unknown region code 33.05.05.9999" in out
    assert "created 1, updated 0, unchanged 0, problems 1" in out


def test_officers_add_list_remove(capsys: pytest.CaptureFixture[str]) -> None:
    cli("centres", "import", str(EXAMPLE))
    capsys.readouterr()

    assert add("plm-jogosimo", "Siti", "--whatsapp", "0812-3456-7890") == 0
    assert add("disnaker-kebumen", "Budi", "--telegram-id", "5551234") == 0
    assert add("plm-jogosimo", "Uji", "--console", "uji") == 0
    assert "officer #1 Siti (whatsapp) added to plm-jogosimo" in capsys.readouterr().out

    assert cli("officers", "list", "--centre", "plm-jogosimo") == 0
    assert capsys.readouterr().out.splitlines() == [
        "#1  plm-jogosimo  Siti  whatsapp:6281234567890",
        "#3  plm-jogosimo  Uji  console:uji",
    ]

    assert cli("officers", "remove", "1") == 0
    capsys.readouterr()
    assert cli("officers", "list") == 0
    assert capsys.readouterr().out.splitlines() == [
        "#2  disnaker-kebumen  Budi  telegram:5551234",
        "#3  plm-jogosimo  Uji  console:uji",
    ]
    assert cli("officers", "list", "--all", "--centre", "plm-jogosimo") == 0
    assert "#1  plm-jogosimo  Siti  whatsapp:6281234567890  (removed)" in capsys.readouterr().out

    # The same account can come back, at another centre.
    assert add("plm-tanggulangin", "Siti", "--whatsapp", "+6281234567890") == 0
    assert "officer #1 Siti (whatsapp) added to plm-tanggulangin" in capsys.readouterr().out


def test_officers_add_refuses_unknown_centre_and_taken_account(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cli("centres", "import", str(EXAMPLE))
    add("plm-jogosimo", "Siti", "--telegram-id", "42")
    capsys.readouterr()

    assert add("plm-entah", "X", "--telegram-id", "7") == 1
    assert "unknown centre 'plm-entah'" in capsys.readouterr().err
    assert add("plm-brongkal", "Y", "--telegram-id", "42") == 1
    assert "already officer #1 of plm-jogosimo" in capsys.readouterr().err
    assert add("plm-brongkal", "Z", "--whatsapp", "12") == 1
    assert cli("officers", "remove", "99") == 1
    assert "no officer #99" in capsys.readouterr().err


def test_officers_add_needs_exactly_one_account() -> None:
    with pytest.raises(SystemExit):
        add("plm-jogosimo", "X")
    with pytest.raises(SystemExit):
        add("c", "X", "--telegram-id", "1", "--console", "x")


def test_report_and_followup_commands(capsys: pytest.CaptureFixture[str]) -> None:
    cli("centres", "import", str(EXAMPLE))
    capsys.readouterr()

    assert report("plm-jogosimo", "2026-01-01", "2026-12-31") == 0
    body = json.loads(capsys.readouterr().out)
    assert body["centre"] == "plm-jogosimo" and body["total"] == 0
    assert report("plm-jogosimo", "2026-01-01", "2026-01-31", "--format", "csv") == 0
    assert capsys.readouterr().out.startswith("section,key,value\nsummary,centre,plm-jogosimo\n")
    assert report("plm-entah", "2026-01-01", "2026-01-31") == 1
    assert report("plm-jogosimo", "2026-02-01", "2026-01-31") == 1

    assert cli("followup") == 0
    assert "reminded 0, escalated 0, messages queued 0" in capsys.readouterr().out


def test_dashboard_code_is_shown_once_and_stored_as_a_hash(
    capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    import sqlite3

    from bot.web.desk_auth import code_hash

    assert cli("centres", "import", str(EXAMPLE)) == 0
    assert add("nasional", "Petugas Nasional", "--console", "nas") == 0
    capsys.readouterr()
    assert cli("officers", "code", "1") == 0
    code = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    with sqlite3.connect(database) as connection:
        [(stored,)] = connection.execute("SELECT dashboard_code_hash FROM officers").fetchall()
    assert stored == code_hash(code) and code not in stored


def test_purge_reports_what_it_removed(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("purge") == 0
    assert "retention 365 days: erased 0 contacts" in capsys.readouterr().out


def _set_password(monkeypatch: pytest.MonkeyPatch, *lines: str) -> int | None:
    """Run `officers set-password 1` with the given lines on stdin."""
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    return cli("officers", "set-password", "1")


def test_set_password_stores_an_argon2_hash_read_twice(
    capsys: pytest.CaptureFixture[str], database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from bot.web.desk_auth import password_matches

    assert cli("centres", "import", str(EXAMPLE)) == 0
    assert add("nasional", "Petugas Nasional", "--console", "nas") == 0
    capsys.readouterr()
    assert _set_password(monkeypatch, "pendek", "pendek") == 1
    assert "at least 10 characters" in capsys.readouterr().err
    assert _set_password(monkeypatch, "sandi-panjang-1", "sandi-panjang-2") == 1
    assert "differ" in capsys.readouterr().err
    with sqlite3.connect(database) as connection:
        [(stored,)] = connection.execute("SELECT password_hash FROM officers").fetchall()
    assert stored is None
    assert _set_password(monkeypatch, "sandi-panjang-1", "sandi-panjang-1") == 0
    assert "password set for officer #1" in capsys.readouterr().out
    with sqlite3.connect(database) as connection:
        [(stored,)] = connection.execute("SELECT password_hash FROM officers").fetchall()
    assert stored.startswith("$argon2id$") and "sandi-panjang-1" not in stored
    assert password_matches(stored, "sandi-panjang-1")
    assert not password_matches(stored, "sandi-panjang-2")
    assert _set_password(monkeypatch, "sandi-panjang-1", "sandi-panjang-1") == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("sandi-panjang-1\nsandi-panjang-1\n"))
    assert cli("officers", "set-password", "99") == 1
    assert "no officer #99" in capsys.readouterr().err


def test_officers_add_stores_a_role(capsys: pytest.CaptureFixture[str]) -> None:
    cli("centres", "import", str(EXAMPLE))
    capsys.readouterr()
    assert add("disnaker-kebumen", "Budi", "--console", "budi", "--role", "supervisor") == 0
    assert "officer #1 Budi (console, supervisor) added to disnaker-kebumen" in (
        capsys.readouterr().out
    )
    assert add("plm-jogosimo", "Siti", "--console", "siti") == 0  # default: officer
    capsys.readouterr()
    assert cli("officers", "list") == 0
    assert capsys.readouterr().out.splitlines() == [
        "#1  disnaker-kebumen  Budi  console:budi  [supervisor]",
        "#2  plm-jogosimo  Siti  console:siti",
    ]
    with pytest.raises(SystemExit):
        add("plm-jogosimo", "Uji", "--console", "uji", "--role", "raja")


def test_centres_and_officers_deactivate_and_reactivate_with_an_audit_entry(
    capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    import sqlite3

    cli("centres", "import", str(EXAMPLE))
    assert add("plm-jogosimo", "Siti", "--console", "siti") == 0
    capsys.readouterr()
    assert cli("centres", "deactivate", "plm-jogosimo") == 0
    assert capsys.readouterr().out == "centre plm-jogosimo deactivated\n"
    assert cli("centres", "list") == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line for line in listed if line.endswith("[deactivated]")] == [
        next(line for line in listed if line.startswith("plm-jogosimo  village"))
    ]
    assert cli("centres", "deactivate", "nasional") == 1
    assert "cannot be deactivated" in capsys.readouterr().err
    assert cli("centres", "reactivate", "plm-jogosimo") == 0
    assert cli("officers", "remove", "1") == 0
    assert cli("officers", "reactivate", "1") == 0
    assert "officer #1 Siti reactivated at plm-jogosimo" in capsys.readouterr().out
    assert cli("officers", "code", "1") == 0
    assert cli("officers", "reactivate", "99") == 1
    with sqlite3.connect(database) as connection:
        events = connection.execute(
            "SELECT actor, action, centre_id, officer_id FROM directory_events ORDER BY id"
        ).fetchall()
        [(active,)] = connection.execute("SELECT active FROM officers").fetchall()
    assert active == 1
    assert events == [
        ("cli", "officer_added", "plm-jogosimo", 1),
        ("cli", "centre_deactivated", "plm-jogosimo", None),
        ("cli", "centre_reactivated", "plm-jogosimo", None),
        ("cli", "officer_deactivated", "plm-jogosimo", 1),
        ("cli", "officer_reactivated", "plm-jogosimo", 1),
        ("cli", "access_code_issued", "plm-jogosimo", 1),
    ]
