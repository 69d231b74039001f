"""Service-centre commands: centres import|list|deactivate|reactivate, officers
add|list|remove|reactivate|code|set-password, report, followup.

bot/cli.py calls ``register(commands)`` on its subparsers and ``run(args)`` before its own
dispatch; ``run`` returns None for commands that are not these. Every command works on the
database of MIGRASI_DATABASE_URL, migrated first.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import getpass
import io
import json
import re
import sys
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.followup import follow_up
from bot.inquiries import ROLES
from knowledge.loader import load_topics
from knowledge.model import topic_names
from storage.centres import (
    DirectoryError,
    add_officer,
    deactivate_officer,
    import_centres,
    list_centres,
    list_officers,
    set_access_code,
    set_centre_active,
    set_officer_active,
    set_password,
)
from storage.database import create_engine, migrate
from storage.report import CentreReport, centre_report, with_live_topics
from storage.repository import SqlStorage

COMMANDS = frozenset({"centres", "officers", "report", "followup", "purge"})
# E.164 allows 15 digits; Indonesian mobile numbers are 62 + 9 to 12 digits.
PHONE_DIGITS = re.compile(r"^62\d{8,13}$")


def register(subparsers: Any) -> None:
    """Add the service-centre commands to the CLI's subparsers."""
    centres = subparsers.add_parser("centres", help="the directory of service centres")
    centre_commands = centres.add_subparsers(dest="centres_command", required=True)
    importing = centre_commands.add_parser("import", help="create or update centres from YAML")
    importing.add_argument("file", type=Path, help="e.g. knowledge/centres.example.yaml")
    centre_commands.add_parser("list", help="list centres, their regions and officer counts")
    for name, text in (
        ("deactivate", "stop routing new inquiries to a centre"),
        ("reactivate", "route inquiries to a deactivated centre again"),
    ):
        switching = centre_commands.add_parser(name, help=text)
        switching.add_argument("id", help="centre id (see `centres list`)")

    officers = subparsers.add_parser("officers", help="officers who answer inquiries")
    officer_commands = officers.add_subparsers(dest="officers_command", required=True)
    adding = officer_commands.add_parser("add", help="register an officer of a centre")
    adding.add_argument("--centre", required=True, help="centre id")
    adding.add_argument("--name", required=True, help="the officer's name as users see it")
    account = adding.add_mutually_exclusive_group(required=True)
    account.add_argument("--telegram-id", type=int, help="numeric Telegram user id")
    account.add_argument("--whatsapp", help="WhatsApp number, e.g. 0812-3456-7890")
    account.add_argument("--console", help="a console user name (testing)")
    adding.add_argument(
        "--role",
        choices=ROLES,
        default="officer",
        help="officer: own centre; supervisor: every centre under the own centre's regions; "
        "admin: every centre",
    )
    listing = officer_commands.add_parser("list", help="list officers")
    listing.add_argument("--centre", help="only this centre")
    listing.add_argument("--all", action="store_true", help="include removed officers")
    removing = officer_commands.add_parser("remove", help="stop sending inquiries to an officer")
    removing.add_argument("id", type=int, help="officer id (see `officers list`)")
    again = officer_commands.add_parser("reactivate", help="let a removed officer work again")
    again.add_argument("id", type=int, help="officer id (see `officers list --all`)")
    code = officer_commands.add_parser("code", help="issue a new web dashboard access code")
    code.add_argument("id", type=int, help="officer id (see `officers list`)")
    password = officer_commands.add_parser(
        "set-password",
        help="set a web desk password (typed twice; from a pipe: two lines on stdin)",
    )
    password.add_argument("id", type=int, help="officer id (see `officers list`)")

    report = subparsers.add_parser("report", help="anonymous inquiry counts of a centre")
    report.add_argument("--centre", required=True, help="centre id")
    report.add_argument(
        "--from", dest="start", required=True, type=date.fromisoformat, help="YYYY-MM-DD"
    )
    report.add_argument(
        "--to", dest="end", required=True, type=date.fromisoformat, help="YYYY-MM-DD"
    )
    report.add_argument("--format", choices=("json", "csv"), default="json")

    subparsers.add_parser("followup", help="remind and escalate unclaimed inquiries once, now")
    subparsers.add_parser("purge", help="delete personal data older than MIGRASI_RETENTION_DAYS")


def run(args: argparse.Namespace) -> int | None:
    """Run a service-centre command; None when the command is not one of them."""
    command = getattr(args, "command", None)
    if command not in COMMANDS:
        return None
    actions: dict[str, Callable[[argparse.Namespace, SqlStorage], Awaitable[int]]] = {
        "centres": _centres,
        "officers": _officers,
        "report": _report,
        "followup": _followup,
        "purge": _purge,
    }
    try:
        return asyncio.run(_on_database(lambda storage: actions[command](args, storage)))
    except DirectoryError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


async def _on_database(action: Callable[[SqlStorage], Awaitable[int]]) -> int:
    """Run an action on the migrated configured database, releasing it afterwards."""
    settings = Settings()
    engine = create_engine(settings.database_url)
    try:
        await migrate(engine)
        return await action(SqlStorage(engine, windows=settings.answer_windows()))
    finally:
        await engine.dispose()


async def _purge(args: argparse.Namespace, storage: SqlStorage) -> int:
    """Run `purge`."""
    from storage.retention import purge_expired

    days = Settings().retention_days
    result = await purge_expired(storage, storage.clock(), days)
    print(
        f"retention {days} days: erased {result.contacts} contacts, {result.threads} thread "
        f"messages, {result.inbound_ids} old inbound ids, {result.outbox} delivered messages"
    )
    return 0


def normalise_phone(text: str) -> str:
    """Return a WhatsApp number as digits with country code 62: 0812-3456-7890 -> 6281234567890."""
    digits = re.sub(r"\D", "", text)
    if digits.startswith("00"):
        digits = digits[2:]  # international call prefix
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if not PHONE_DIGITS.match(digits):
        raise DirectoryError(f"{text!r} is not an Indonesian phone number like 0812-3456-7890")
    return digits


# --- centres ----------------------------------------------------------------------------------


async def _centres(args: argparse.Namespace, storage: SqlStorage) -> int:
    """Run `centres import` or `centres list`."""
    if args.centres_command == "import":
        from knowledge.regions import RegionIndex

        result = await import_centres(storage, args.file, RegionIndex.load())
        for problem in result.problems:
            print(problem)
        print(
            f"created {len(result.created)}, updated {len(result.updated)}, "
            f"unchanged {len(result.unchanged)}, problems {len(result.problems)}"
        )
        return 1 if result.problems else 0
    if args.centres_command in ("deactivate", "reactivate"):
        active = args.centres_command == "reactivate"
        centre = await set_centre_active(storage, args.id, active, datetime.now(UTC))
        print(f"centre {centre.id} {'reactivated' if active else 'deactivated'}")
        return 0
    for listing in await list_centres(storage):
        centre = listing.centre
        flag = " [example]" if listing.example else ""
        flag += "" if listing.active else " [deactivated]"
        print(f"{centre.id}  {centre.kind}  {centre.name}{flag}")
        print(f"    regions: {', '.join(listing.regions) or '-'}; officers: {listing.officers}")
    return 0


# --- officers ---------------------------------------------------------------------------------


async def _officers(args: argparse.Namespace, storage: SqlStorage) -> int:
    """Run `officers add`, `officers list` or `officers remove`."""
    if args.officers_command == "add":
        if args.telegram_id is not None:
            channel, user_id = "telegram", str(args.telegram_id)
        elif args.whatsapp is not None:
            channel, user_id = "whatsapp", normalise_phone(args.whatsapp)
        else:
            channel, user_id = "console", args.console.strip()
        name = " ".join(args.name.split())
        officer = await add_officer(
            storage, args.centre, name, channel, user_id, datetime.now(UTC), role=args.role
        )
        where = officer.centre_id
        how = officer.channel if officer.role == "officer" else f"{officer.channel}, {officer.role}"
        print(f"officer #{officer.id} {officer.name} ({how}) added to {where}")
        return 0
    if args.officers_command == "code":
        return await _dashboard_code(args.id, storage)
    if args.officers_command == "set-password":
        return await _set_password(args.id, storage)
    if args.officers_command == "remove":
        officer = await deactivate_officer(storage, args.id)
        print(f"officer #{officer.id} {officer.name} removed from {officer.centre_id}")
        return 0
    if args.officers_command == "reactivate":
        officer = await set_officer_active(storage, args.id, True, datetime.now(UTC))
        print(f"officer #{officer.id} {officer.name} reactivated at {officer.centre_id}")
        return 0
    listings = await list_officers(storage, args.centre, include_inactive=args.all)
    for listing in listings:
        officer = listing.officer
        state = "" if listing.active else "  (removed)"
        account = f"{officer.channel}:{officer.user_id}"
        role = "" if officer.role == "officer" else f"  [{officer.role}]"
        print(f"#{officer.id}  {officer.centre_id}  {officer.name}  {account}{role}{state}")
    if not listings:
        print("no officers")
    return 0


async def _dashboard_code(officer_id: int, storage: SqlStorage) -> int:
    """Issue a new access code for the /petugas dashboard; only its hash is stored."""
    from bot.web.desk_auth import code_hash, new_code

    code = new_code()
    await set_access_code(storage, officer_id, code_hash(code), datetime.now(UTC))
    print(f"dashboard access code for officer #{officer_id} (shown once): {code}")
    return 0


def _read_password_twice() -> tuple[str, str]:
    """Read a new password and its confirmation: hidden at a terminal, two lines from a pipe."""
    if sys.stdin.isatty():
        first = getpass.getpass("new password: ")
        return first, getpass.getpass("again: ")
    lines = [sys.stdin.readline().rstrip("\r\n") for _ in range(2)]
    return lines[0], lines[1]


async def _set_password(officer_id: int, storage: SqlStorage) -> int:
    """Set an officer's desk password (argon2); their open desk sessions end."""
    from bot.web.desk_auth import hash_password, password_problem

    password, again = _read_password_twice()
    problem = password_problem(password)
    if problem is None and password != again:
        problem = "the two passwords differ"
    if problem is not None:
        print(f"error: {problem}; nothing changed", file=sys.stderr)
        return 1
    password_hash = await asyncio.to_thread(hash_password, password)
    await set_password(storage, officer_id, password_hash, datetime.now(UTC))
    print(f"password set for officer #{officer_id}; sign in at /petugas with number {officer_id}")
    return 0


# --- report -----------------------------------------------------------------------------------


def report_as_dict(report: CentreReport) -> dict[str, Any]:
    """Return the report as one JSON-able object."""
    body = asdict(report)
    for name in ("centre_id", "start", "end"):
        del body[name]
    period = {"from": report.start.isoformat(), "to": report.end.isoformat()}
    return {"centre": report.centre_id, **period, **body}


def report_json(report: CentreReport) -> str:
    """Return the report as one JSON object."""
    return json.dumps(report_as_dict(report), ensure_ascii=False, indent=2)


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Return a CSV cell a spreadsheet shows as text: typed text starting like a formula gets
    a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _SafeWriter:
    """A csv writer whose every cell passes through safe_cell."""

    def __init__(self, buffer: io.StringIO) -> None:
        self._writer = csv.writer(buffer, lineterminator="\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def report_csv(report: CentreReport) -> str:
    """Return the report as `section,key,value` rows, safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = _SafeWriter(buffer)
    writer.writerow(("section", "key", "value"))
    summary = {
        "centre": report.centre_id,
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "total": report.total,
        "urgent": report.urgent,
    }
    writer.writerows(("summary", key, value) for key, value in summary.items())
    sections = {
        "status": report.by_status,
        "week": report.by_week,
        "topic": report.by_topic,
        "destination": report.by_destination,
        "job": report.by_job,
        "red_flag": report.by_red_flag,
    }
    for section, counts in sections.items():
        writer.writerows((section, key, value) for key, value in counts.items())
    for key, value in asdict(report.first_answer).items():
        writer.writerow(("first_answer", key, "" if value is None else value))
    return buffer.getvalue()


async def _report(args: argparse.Namespace, storage: SqlStorage) -> int:
    """Run `report`."""
    if args.end < args.start:
        raise DirectoryError("--to is before --from")
    listed = {listing.centre.id for listing in await list_centres(storage)}
    if args.centre not in listed:
        raise DirectoryError(f"unknown centre {args.centre!r} (see `centres list`)")
    report = await centre_report(storage, args.centre, args.start, args.end)
    # Content alone (no models): an old id of a folded page counts under its live page.
    report = with_live_topics(report, topic_names(load_topics()))
    print(report_csv(report) if args.format == "csv" else report_json(report), end="")
    if args.format == "json":
        print()
    return 0


# --- follow-up --------------------------------------------------------------------------------


async def _followup(args: argparse.Namespace, storage: SqlStorage) -> int:
    """Run `followup`: one round of reminders and escalations at the current time."""
    result = await follow_up(storage, datetime.now(UTC))
    print(
        f"reminded {len(result.reminded)}, escalated {len(result.escalated)}, "
        f"messages queued {result.messages}"
    )
    for inquiry_id, source, target in result.escalated:
        print(f"#{inquiry_id}: {source} -> {target}")
    return 0
