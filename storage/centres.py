"""The service-centre directory: importing centres from YAML, listing them, managing officers.

A directory file lists centres under one key, ``centres``::

    centres:
      - id: plm-jogosimo                     # lower-case letters, digits and "-"; the upsert key
        name: Pusat Layanan Migrasi Desa Jogosimo
        kind: village                        # village | district | regency | province | national
        regions: ["33.05.05.2001"]           # Kemendagri codes at any level (desa .. provinsi)
        contact: "Balai Desa Jogosimo"       # public contact text, optional
        hours: "Senin-Jumat 08.00-14.00"     # optional
        example: true                        # optional; marks made-up or unverified entries

Importing is idempotent: a centre is created or updated by ``id``, its region codes are replaced
by the file's, and centres absent from the file are left alone (officers and inquiries hang on
them). A bad row is reported as ``FILE:LINE: field: problem`` and skipped; good rows are still
imported. With a region index, unknown region codes are refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.inquiries import CENTRE_KINDS, NATIONAL_CENTRE, ROLES, Centre, Officer
from storage.desk import OfficerSessionRow
from storage.inquiries import centre_of, officer_of
from storage.inquiry_models import CentreRegionRow, CentreRow, DirectoryEventRow, OfficerRow

if TYPE_CHECKING:
    from knowledge.regions import RegionIndex
    from storage.repository import SqlStorage

CENTRE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
# Lokal's dotted Kemendagri codes: provinsi, kabupaten/kota, kecamatan, desa/kelurahan.
REGION_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
FIELDS = {"id", "name", "kind", "regions", "contact", "hours", "example"}
CHANNELS = ("telegram", "whatsapp", "console")


class DirectoryError(Exception):
    """A directory change that cannot be made (unknown centre, officer already registered)."""


@dataclass
class ImportResult:
    """What an import did: centre ids created, updated and unchanged, and the rows refused."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CentreSpec:
    """One valid row of a directory file."""

    id: str
    name: str
    kind: str
    regions: tuple[str, ...]
    contact: str | None
    hours: str | None
    example: bool


@dataclass(frozen=True, slots=True)
class CentreListing:
    """A centre with its region codes and number of active officers, for `centres list`."""

    centre: Centre
    regions: tuple[str, ...]
    officers: int
    example: bool
    active: bool = True


@dataclass(frozen=True, slots=True)
class OfficerListing:
    """An officer and whether they still receive inquiries, for `officers list`."""

    officer: Officer
    active: bool


def _sessions(target: AsyncEngine | SqlStorage) -> async_sessionmaker[AsyncSession]:
    """Return a session factory on an engine or on a SqlStorage's engine."""
    engine = target if isinstance(target, AsyncEngine) else target.engine
    return async_sessionmaker(engine, expire_on_commit=False)


# --- parsing --------------------------------------------------------------------------------


class _RowError(Exception):
    """A field of one row is wrong; the row is skipped."""

    def __init__(self, node: yaml.Node, field_name: str, problem: str) -> None:
        super().__init__(problem)
        self.line = node.start_mark.line + 1
        self.field_name = field_name
        self.problem = problem


def _text(node: yaml.Node, name: str, *, max_length: int, required: bool) -> str | None:
    """Return a string field, stripped; None for a missing optional one."""
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        if required:
            raise _RowError(node, name, "is required")
        return None
    if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
        raise _RowError(node, name, "must be text")
    value = node.value.strip()
    if required and not value:
        raise _RowError(node, name, "must not be empty")
    if len(value) > max_length:
        raise _RowError(node, name, f"longer than {max_length} characters")
    return value or None


def _region_codes(node: yaml.Node, regions: RegionIndex | None, kind: str) -> tuple[str, ...]:
    """Return the row's region codes, checked against the index when there is one."""
    if not isinstance(node, yaml.SequenceNode):
        raise _RowError(node, "regions", 'must be a list of codes, e.g. ["33.05.05.2001"]')
    codes: list[str] = []
    for number, item in enumerate(node.value):
        name = f"regions[{number}]"
        if not isinstance(item, yaml.ScalarNode) or item.tag == "tag:yaml.org,2002:null":
            raise _RowError(item, name, "must be a code")
        # The source text, not the YAML value: an unquoted 33.10 would otherwise become 33.1.
        code = item.value.strip()
        if not REGION_CODE.match(code):
            raise _RowError(item, name, f"{code!r} is not a Kemendagri code like 33.05.05.2001")
        if regions is not None and regions.get(code) is None:
            raise _RowError(item, name, f"unknown region code {code}")
        if code not in codes:
            codes.append(code)
    if not codes and kind != "national":
        raise _RowError(node, "regions", "must list at least one region code")
    return tuple(codes)


def _spec(node: yaml.Node, regions: RegionIndex | None) -> CentreSpec:
    """Validate one row of the centres list."""
    if not isinstance(node, yaml.MappingNode):
        raise _RowError(node, "centres", "each entry must map id, name, kind, regions")
    values: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key not in FIELDS:
            raise _RowError(key_node, key, f"unknown field (known: {', '.join(sorted(FIELDS))})")
        if key in values:
            raise _RowError(key_node, key, "given twice")
        values[key] = value_node
    for required in ("id", "name", "kind", "regions"):
        if required not in values:
            raise _RowError(node, required, "is required")
    centre_id = _text(values["id"], "id", max_length=64, required=True) or ""
    if not CENTRE_ID.match(centre_id):
        raise _RowError(values["id"], "id", "use lower-case letters, digits and '-' only")
    kind = _text(values["kind"], "kind", max_length=16, required=True) or ""
    if kind not in CENTRE_KINDS:
        raise _RowError(
            values["kind"], "kind", f"{kind!r} is not one of " + " | ".join(CENTRE_KINDS)
        )
    if (centre_id == NATIONAL_CENTRE) != (kind == "national"):
        # Escalation ends at the one national centre; a second one would never be reached.
        raise _RowError(values["kind"], "kind", f"only {NATIONAL_CENTRE!r} may be national")
    example = False
    if "example" in values:
        flag = values["example"]
        if not isinstance(flag, yaml.ScalarNode) or flag.tag != "tag:yaml.org,2002:bool":
            raise _RowError(flag, "example", "must be true or false")
        example = flag.value.lower() in ("true", "yes", "on")
    return CentreSpec(
        id=centre_id,
        name=_text(values["name"], "name", max_length=200, required=True) or "",
        kind=kind,
        regions=_region_codes(values["regions"], regions, kind),
        contact=_text(values["contact"], "contact", max_length=1000, required=False)
        if "contact" in values
        else None,
        hours=_text(values["hours"], "hours", max_length=200, required=False)
        if "hours" in values
        else None,
        example=example,
    )


def parse_directory(
    path: Path, regions: RegionIndex | None = None
) -> tuple[list[CentreSpec], list[str]]:
    """Read a directory file into valid rows and `FILE:LINE: field: problem` lines."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        return [], [f"{path}:{line}: yaml: {error.problem or error}"]
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return [], [f"{path}:1: file: {error}"]
    centres = None
    if isinstance(root, yaml.MappingNode):
        centres = next((v for k, v in root.value if k.value == "centres"), None)
    if not isinstance(centres, yaml.SequenceNode):
        line = root.start_mark.line + 1 if root is not None else 1
        return [], [f"{path}:{line}: centres: the file must hold a list under 'centres:'"]
    specs: list[CentreSpec] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for row in centres.value:
        try:
            spec = _spec(row, regions)
        except _RowError as problem:
            problems.append(f"{path}:{problem.line}: {problem.field_name}: {problem.problem}")
            continue
        line = row.start_mark.line + 1
        if spec.id in seen:
            first = seen[spec.id]
            problems.append(f"{path}:{line}: id: {spec.id!r} already listed on line {first}")
            continue
        seen[spec.id] = line
        specs.append(spec)
    return specs, problems


# --- importing --------------------------------------------------------------------------------


async def _upsert(session: AsyncSession, spec: CentreSpec, now: datetime) -> str:
    """Create or update one centre and replace its region codes; return what happened."""
    row = await session.get(CentreRow, spec.id)
    stored = set(
        await session.scalars(
            select(CentreRegionRow.region_code).where(CentreRegionRow.centre_id == spec.id)
        )
    )
    fields = {
        "name": spec.name,
        "kind": spec.kind,
        "contact": spec.contact,
        "hours": spec.hours,
        "example": spec.example,
    }
    if row is None:
        session.add(CentreRow(id=spec.id, updated_at=now, **fields))
        outcome = "created"
    elif any(getattr(row, name) != value for name, value in fields.items()) or stored != set(
        spec.regions
    ):
        for name, value in fields.items():
            setattr(row, name, value)
        row.updated_at = now
        outcome = "updated"
    else:
        return "unchanged"
    await session.flush()
    await session.execute(delete(CentreRegionRow).where(CentreRegionRow.centre_id == spec.id))
    session.add_all(CentreRegionRow(centre_id=spec.id, region_code=code) for code in spec.regions)
    await session.flush()
    return outcome


async def import_centres(
    target: AsyncEngine | SqlStorage,
    path: Path,
    regions: RegionIndex | None = None,
    clock: Callable[[], datetime] | None = None,
) -> ImportResult:
    """Import a directory file: upsert its valid rows in one transaction, report the others."""
    specs, problems = parse_directory(path, regions)
    result = ImportResult(problems=problems)
    now = (clock or (lambda: datetime.now(UTC)))()
    async with _sessions(target)() as session:
        for spec in specs:
            outcome = await _upsert(session, spec, now)
            getattr(result, outcome).append(spec.id)
        await session.commit()
    return result


# --- listing and officers ---------------------------------------------------------------------


async def list_centres(
    target: AsyncEngine | SqlStorage, scope: frozenset[str] | None = None
) -> list[CentreListing]:
    """Return every centre of a scope (None: all), national last, each with its codes and
    active officer count."""
    query = select(CentreRow).order_by(CentreRow.id)
    if scope is not None:
        query = query.where(CentreRow.id.in_(scope))
    async with _sessions(target)() as session:
        centres = (await session.scalars(query)).all()
        codes: dict[str, list[str]] = {}
        for centre_id, code in await session.execute(
            select(CentreRegionRow.centre_id, CentreRegionRow.region_code).order_by(
                CentreRegionRow.region_code
            )
        ):
            codes.setdefault(centre_id, []).append(code)
        counted = await session.execute(
            select(OfficerRow.centre_id, func.count())
            .where(OfficerRow.active.is_(True))
            .group_by(OfficerRow.centre_id)
        )
        counts: dict[str, int] = dict(counted.all())
    ladder = {kind: rank for rank, kind in enumerate(CENTRE_KINDS)}
    centres = sorted(centres, key=lambda row: (ladder.get(row.kind, len(ladder)), row.id))
    return [
        CentreListing(
            centre_of(row),
            tuple(codes.get(row.id, ())),
            counts.get(row.id, 0),
            row.example,
            row.active,
        )
        for row in centres
    ]


async def add_officer(
    target: AsyncEngine | SqlStorage,
    centre_id: str,
    name: str,
    channel: str,
    user_id: str,
    now: datetime,
    role: str = "officer",
    by: str = "cli",
) -> Officer:
    """Register an officer (or reactivate a removed one on the same account) with a role.

    `by` names who did it in the directory's audit trail ("cli" or "officer:<id>").
    """
    if channel not in CHANNELS:
        raise DirectoryError(f"unknown channel {channel!r}")
    if role not in ROLES:
        raise DirectoryError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    async with _sessions(target)() as session:
        if await session.get(CentreRow, centre_id) is None:
            raise DirectoryError(f"unknown centre {centre_id!r} (see `centres list`)")
        row = await session.scalar(
            select(OfficerRow).where(
                OfficerRow.channel == channel, OfficerRow.channel_user_id == user_id
            )
        )
        if row is not None and row.active:
            raise DirectoryError(
                f"this {channel} account is already officer #{row.id} of {row.centre_id}"
            )
        if row is None:
            row = OfficerRow(channel=channel, channel_user_id=user_id, created_at=now)
            session.add(row)
        row.centre_id, row.name, row.active, row.role = centre_id, name, True, role
        await session.flush()
        _record(session, by, "officer_added", now, centre_id, row.id, {"role": role})
        await session.commit()
        return officer_of(row)


async def list_officers(
    target: AsyncEngine | SqlStorage,
    centre_id: str | None = None,
    include_inactive: bool = False,
    scope: frozenset[str] | None = None,
) -> list[OfficerListing]:
    """Return officers by centre and id (of one centre, or a scope's), only active ones unless
    asked."""
    query = select(OfficerRow).order_by(OfficerRow.centre_id, OfficerRow.id)
    if centre_id is not None:
        query = query.where(OfficerRow.centre_id == centre_id)
    if scope is not None:
        query = query.where(OfficerRow.centre_id.in_(scope))
    if not include_inactive:
        query = query.where(OfficerRow.active.is_(True))
    async with _sessions(target)() as session:
        rows = (await session.scalars(query)).all()
    return [OfficerListing(officer_of(row), row.active) for row in rows]


async def deactivate_officer(
    target: AsyncEngine | SqlStorage,
    officer_id: int,
    now: datetime | None = None,
    by: str = "cli",
) -> Officer:
    """Stop sending inquiries to an officer and end their desk sessions; their past claims and
    answers stay attributed."""
    return await set_officer_active(target, officer_id, False, now or datetime.now(UTC), by)


async def set_officer_active(
    target: AsyncEngine | SqlStorage, officer_id: int, active: bool, now: datetime, by: str = "cli"
) -> Officer:
    """Deactivate (sessions end, sign-in refused) or reactivate an officer."""

    def change(row: OfficerRow) -> None:
        row.active = active

    action = "officer_reactivated" if active else "officer_deactivated"
    return await _change_officer(target, officer_id, change, action, now, by, not active)


async def set_access_code(
    target: AsyncEngine | SqlStorage,
    officer_id: int,
    code_hash: str,
    now: datetime,
    by: str = "cli",
) -> Officer:
    """Store a new desk access code (its hash only) and end the officer's desk sessions."""

    def change(row: OfficerRow) -> None:
        row.dashboard_code_hash = code_hash

    return await _change_officer(target, officer_id, change, "access_code_issued", now, by)


async def set_password(
    target: AsyncEngine | SqlStorage,
    officer_id: int,
    password_hash: str,
    now: datetime,
    by: str = "cli",
) -> Officer:
    """Store an officer's desk password (an argon2 hash) and end their desk sessions."""

    def change(row: OfficerRow) -> None:
        row.password_hash = password_hash

    return await _change_officer(target, officer_id, change, "password_set", now, by)


async def _change_officer(
    target: AsyncEngine | SqlStorage,
    officer_id: int,
    change: Callable[[OfficerRow], None],
    action: str,
    now: datetime,
    by: str,
    end_sessions: bool = True,
) -> Officer:
    """Apply one change to an officer, end their desk sessions if asked, and audit it."""
    async with _sessions(target)() as session:
        row = await session.get(OfficerRow, officer_id)
        if row is None:
            raise DirectoryError(f"no officer #{officer_id}")
        change(row)
        if end_sessions:
            await _end_sessions(session, officer_id)
        _record(session, by, action, now, row.centre_id, officer_id)
        await session.commit()
        return officer_of(row)


async def add_centre(
    target: AsyncEngine | SqlStorage, spec: CentreSpec, now: datetime, by: str = "cli"
) -> Centre:
    """Create one new centre with its region codes; an existing id is refused."""
    async with _sessions(target)() as session:
        if await session.get(CentreRow, spec.id) is not None:
            raise DirectoryError(f"centre {spec.id!r} already exists")
        await _upsert(session, spec, now)
        _record(session, by, "centre_added", now, spec.id, None, {"kind": spec.kind})
        await session.commit()
        row = await session.get_one(CentreRow, spec.id)
        return centre_of(row)


async def set_centre_active(
    target: AsyncEngine | SqlStorage, centre_id: str, active: bool, now: datetime, by: str = "cli"
) -> Centre:
    """Deactivate a centre (no new inquiries or escalations reach it) or reactivate it."""
    if centre_id == NATIONAL_CENTRE and not active:
        # Routing and escalation end at the national centre: it must always take cases.
        raise DirectoryError(f"the national centre {NATIONAL_CENTRE!r} cannot be deactivated")
    async with _sessions(target)() as session:
        row = await session.get(CentreRow, centre_id)
        if row is None:
            raise DirectoryError(f"unknown centre {centre_id!r} (see `centres list`)")
        row.active, row.updated_at = active, now
        action = "centre_reactivated" if active else "centre_deactivated"
        _record(session, by, action, now, centre_id, None)
        await session.commit()
        return centre_of(row)


async def directory_events(
    target: AsyncEngine | SqlStorage, limit: int = 100, scope: frozenset[str] | None = None
) -> list[DirectoryEventRow]:
    """Return the newest directory audit entries (about a scope's centres), newest first."""
    query = select(DirectoryEventRow).order_by(DirectoryEventRow.id.desc()).limit(limit)
    if scope is not None:
        query = query.where(DirectoryEventRow.centre_id.in_(scope))
    async with _sessions(target)() as session:
        return list((await session.scalars(query)).all())


async def _end_sessions(session: AsyncSession, officer_id: int) -> None:
    """Revoke every desk session of an officer."""
    await session.execute(
        delete(OfficerSessionRow).where(OfficerSessionRow.officer_id == officer_id)
    )


def _record(
    session: AsyncSession,
    by: str,
    action: str,
    now: datetime,
    centre_id: str | None,
    officer_id: int | None,
    detail: dict[str, str] | None = None,
) -> None:
    """Add one directory audit entry (ids and roles only: never a secret or a name)."""
    session.add(
        DirectoryEventRow(
            at=now,
            actor=by,
            action=action,
            centre_id=centre_id,
            officer_id=officer_id,
            detail=detail or {},
        )
    )
