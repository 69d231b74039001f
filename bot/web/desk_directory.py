"""The desk's directory administration at /petugas/direktori, for supervisors and the national
administrator: the centres of their scope and their officers; add, deactivate and reactivate
centres and officers; issue access codes and set passwords.

Every change goes through the storage functions `migrasi-aman centres ...` and `officers ...`
use (storage.centres), so each is done one way and lands in the directory's audit trail.
Scope: a supervisor sees and changes only the centres under their own centre's region codes,
an administrator every centre; an ordinary officer is refused every route. An officer outside
the scope is answered 404 (as if absent), one of a higher role than the actor 403.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import tzinfo
from urllib.parse import quote

from babel.dates import format_datetime
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from bot.admin_cli import normalise_phone
from bot.i18n import Translations
from bot.inquiries import CENTRE_KINDS, NATIONAL_CENTRE, ROLES, Officer
from bot.web.dashboard import (
    DIRECTORY_ROLES,
    WIB,
    _checked_post,
    _i18n,
    _login,
    _refused,
    _runtime,
    _session,
    desk_header,
)
from bot.web.desk_auth import code_hash, hash_password, new_code, password_problem
from bot.web.templating import render
from storage.centres import (
    CENTRE_ID,
    REGION_CODE,
    CentreListing,
    CentreSpec,
    DirectoryError,
    OfficerListing,
    add_centre,
    add_officer,
    directory_events,
    list_centres,
    list_officers,
    set_access_code,
    set_centre_active,
    set_officer_active,
    set_password,
)
from storage.desk import DeskSession
from storage.inquiry_models import DirectoryEventRow

log = logging.getLogger(__name__)

directory = APIRouter(prefix="/petugas/direktori", include_in_schema=False)

ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}  # officer < supervisor < admin
NAME_MAX = 120
CENTRE_NAME_MAX = 200
REGIONS_MAX = 20
HISTORY_ROWS = 20
CHAT_CHANNELS = ("telegram", "whatsapp")


def role_labels(i18n: Translations) -> dict[str, str]:
    """Return the desk roles in plain words."""
    return {
        "officer": i18n._("Petugas"),
        "supervisor": i18n._("Supervisor (kabupaten/provinsi)"),
        "admin": i18n._("Administrator nasional"),
    }


def kind_labels(i18n: Translations) -> dict[str, str]:
    """Return the centre levels in plain words."""
    return {
        "village": i18n._("Desa"),
        "district": i18n._("Kecamatan"),
        "regency": i18n._("Kabupaten/kota"),
        "province": i18n._("Provinsi"),
        "national": i18n._("Nasional"),
    }


class _Actor:
    """The signed-in supervisor or administrator, their scope and their directory."""

    def __init__(
        self,
        session: DeskSession,
        scope: frozenset[str] | None,
        centres: list[CentreListing],
        officers: list[OfficerListing],
    ) -> None:
        self.session = session
        self.scope = scope
        self.centres = centres
        self.officers = officers
        self.events: list[DirectoryEventRow] = []

    @property
    def officer(self) -> Officer:
        return self.session.officer

    @property
    def by(self) -> str:
        """Return how the audit trail names this actor."""
        return f"officer:{self.officer.id}"

    def own_regions(self) -> tuple[str, ...]:
        return next((c.regions for c in self.centres if c.centre.id == self.officer.centre_id), ())

    def own_kind(self) -> str:
        return next(
            (c.centre.kind for c in self.centres if c.centre.id == self.officer.centre_id),
            "village",
        )

    def centre(self, centre_id: str) -> CentreListing | None:
        """Return a centre of the scope (None when outside it or absent)."""
        return next((c for c in self.centres if c.centre.id == centre_id), None)

    def target(self, officer_id: int) -> OfficerListing | None:
        """Return an officer of the scope (None when outside it or absent)."""
        return next((o for o in self.officers if o.officer.id == officer_id), None)

    def assignable_roles(self) -> list[str]:
        """Return the roles this actor may give: never one above their own."""
        return [role for role in ROLES if ROLE_RANK[role] <= ROLE_RANK[self.officer.role]]

    def creatable_kinds(self) -> list[str]:
        """Return the centre levels this actor may add: below their own centre's level for a
        supervisor, any but national for the administrator."""
        if self.officer.role == "admin":
            return [kind for kind in CENTRE_KINDS if kind != "national"]
        own = CENTRE_KINDS.index(self.own_kind()) if self.own_kind() in CENTRE_KINDS else 0
        return list(CENTRE_KINDS[:own])


async def _load(request: Request, session: DeskSession) -> _Actor:
    """Read the actor's scope and the centres and officers in it."""
    storage = _runtime(request).service.storage
    async with storage.unit_of_work() as uow:
        scope = await uow.officer_scope(session.officer)
    centres = await list_centres(storage, scope)
    officers = await list_officers(storage, include_inactive=True, scope=scope)
    actor = _Actor(session, scope, centres, officers)
    actor.events = await directory_events(storage, HISTORY_ROWS, scope)
    return actor


def _forbidden(request: Request) -> Response:
    return _refused(
        request,
        _i18n(request)._("Direktori hanya untuk supervisor dan administrator nasional."),
    )


def _not_found(request: Request) -> Response:
    return _refused(
        request,
        _i18n(request)._("Tidak ditemukan di wilayah kerja Anda."),
        status_code=404,
    )


async def _checked_actor(request: Request) -> tuple[_Actor, dict[str, str]] | Response:
    """Return the actor and form of a directory POST (origin, CSRF and role checked)."""
    checked = await _checked_post(request)
    if isinstance(checked, Response):
        return checked
    session, form = checked
    if session.officer.role not in DIRECTORY_ROLES:
        return _forbidden(request)
    return await _load(request, session), form


def _page(
    request: Request,
    actor: _Actor,
    notice: str = "",
    problems: list[str] | None = None,
    given: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """Render the directory: the scope's centres with their officers, and the add forms."""
    i18n = _i18n(request)
    own = actor.centre(actor.officer.centre_id)
    centre_name = own.centre.name if own else actor.officer.centre_id
    by_centre: dict[str, list[OfficerListing]] = {}
    for listing in actor.officers:
        by_centre.setdefault(listing.officer.centre_id, []).append(listing)
    rank = ROLE_RANK[actor.officer.role]
    return render(
        request,
        "desk/directory.html",
        i18n,
        status_code=status_code,
        title=i18n._("Direktori") + " · " + i18n._("Meja petugas"),
        header=desk_header(actor.session, centre_name, i18n),
        notice=notice,
        problems=problems or [],
        centres=actor.centres,
        by_centre=by_centre,
        manageable={o.officer.id for o in actor.officers if ROLE_RANK[o.officer.role] <= rank},
        me=actor.officer.id,
        national=NATIONAL_CENTRE,
        own_centre=actor.officer.centre_id,  # not switched off from here: see switch_centre
        roles=role_labels(i18n),
        kinds=kind_labels(i18n),
        assignable=actor.assignable_roles(),
        creatable=actor.creatable_kinds(),
        channels=CHAT_CHANNELS,
        given=given or {},
        csrf=actor.session.csrf_token,
        history=_history(actor.events, actor, i18n, WIB),
    )


def _history(
    events: list[DirectoryEventRow], actor: _Actor, i18n: Translations, zone: tzinfo
) -> list[dict[str, str]]:
    """Return the scope's latest directory changes in plain words (who, what, to whom)."""
    words = {
        "centre_added": i18n._("menambah pusat layanan"),
        "centre_deactivated": i18n._("menonaktifkan pusat layanan"),
        "centre_reactivated": i18n._("mengaktifkan lagi pusat layanan"),
        "officer_added": i18n._("menambah petugas"),
        "officer_deactivated": i18n._("menonaktifkan petugas"),
        "officer_reactivated": i18n._("mengaktifkan lagi petugas"),
        "access_code_issued": i18n._("membuat kode akses baru untuk petugas"),
        "password_set": i18n._("mengatur kata sandi petugas"),
    }
    names = {o.officer.id: o.officer.name for o in actor.officers}
    centres = {c.centre.id: c.centre.name for c in actor.centres}
    rows = []
    for event in events:
        who = i18n._("baris perintah")
        if event.actor.startswith("officer:"):
            number = _number(event.actor.split(":", 1)[1])
            who = names.get(number, i18n._("petugas nomor {id}").format(id=number))
        if event.officer_id is not None:
            whom = names.get(event.officer_id, "") + f" ({event.officer_id})"
        else:
            whom = centres.get(event.centre_id or "", event.centre_id or "-")
        rows.append(
            {
                "at": format_datetime(event.at.astimezone(zone), "d MMM yyyy, HH.mm", locale="id")
                + " WIB",
                "text": f"{who} {words.get(event.action, event.action)} {whom}".strip(),
            }
        )
    return rows


def _done(notice: str) -> Response:
    return RedirectResponse(f"/petugas/direktori?pesan={quote(notice)}", status_code=303)


def _number(text: str) -> int:
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 10 else 0


@directory.get("")
async def directory_page(request: Request, pesan: str = "") -> Response:
    """Show the directory of the signed-in supervisor's or administrator's scope."""
    session = await _session(request)
    if session is None:
        return _login(request)
    if session.officer.role not in DIRECTORY_ROLES:
        return _forbidden(request)
    return _page(request, await _load(request, session), notice=pesan[:300])


@directory.post("/pusat")
async def create_centre(request: Request) -> Response:
    """Add a centre within the actor's scope (its region codes under the actor's own)."""
    checked = await _checked_actor(request)
    if isinstance(checked, Response):
        return checked
    actor, form = checked
    i18n = _i18n(request)
    given = {name: form.get(name, "").strip() for name in ("kode", "nama", "tingkat", "wilayah")}
    centre_id = given["kode"].lower()
    name = " ".join(given["nama"].split())
    codes = list(dict.fromkeys(re.split(r"[\s,;]+", given["wilayah"]))) if given["wilayah"] else []
    problems: list[str] = []
    if not CENTRE_ID.match(centre_id):
        problems.append(
            i18n._(
                "Kode pusat hanya boleh huruf kecil, angka dan tanda minus, misalnya plm-sukamaju."
            )
        )
    if not name or len(name) > CENTRE_NAME_MAX:
        problems.append(i18n._("Tulis nama pusat layanan (paling banyak 200 huruf)."))
    if given["tingkat"] not in actor.creatable_kinds():
        problems.append(i18n._("Pilih tingkat pusat layanan dari daftar."))
    if not codes or len(codes) > REGIONS_MAX:
        problems.append(i18n._("Tulis satu sampai 20 kode wilayah Kemendagri."))
    regions = getattr(_runtime(request).service.engine, "regions", None)
    own = actor.own_regions()
    outside = False
    for code in codes[:REGIONS_MAX]:
        if not REGION_CODE.match(code):
            problems.append(
                i18n._("{code} bukan kode wilayah Kemendagri seperti 33.05.05.2001.").format(
                    code=code[:20]
                )
            )
        elif regions is not None and await asyncio.to_thread(regions.get, code) is None:
            problems.append(i18n._("Kode wilayah {code} tidak dikenal.").format(code=code))
        elif actor.scope is not None and not any(
            code == mine or code.startswith(mine + ".") for mine in own
        ):
            outside = True
            problems.append(
                i18n._("Kode wilayah {code} di luar wilayah kerja Anda.").format(code=code)
            )
    if not problems:
        spec = CentreSpec(centre_id, name, given["tingkat"], tuple(codes), None, None, False)
        storage = _runtime(request).service.storage
        try:
            await add_centre(storage, spec, storage.clock(), by=actor.by)
        except DirectoryError:
            problems.append(i18n._("Kode pusat itu sudah dipakai. Pilih kode lain."))
    if problems:
        # A region outside the scope is a refusal (403), not only a typing mistake.
        status_code = 403 if outside else 400
        return _page(request, actor, problems=problems, given=given, status_code=status_code)
    log.info("directory: officer %s added centre %s", actor.officer.id, centre_id)
    return _done(i18n._("Pusat layanan {id} ditambahkan.").format(id=centre_id))


@directory.post("/pusat/{centre_id}/status")
async def switch_centre(request: Request, centre_id: str) -> Response:
    """Deactivate or reactivate a centre of the scope."""
    checked = await _checked_actor(request)
    if isinstance(checked, Response):
        return checked
    actor, form = checked
    i18n = _i18n(request)
    listing = actor.centre(centre_id)
    if listing is None:
        return _not_found(request)
    active = form.get("aktif") == "1"
    if centre_id == actor.officer.centre_id and not active:
        return _done(i18n._("Pusat layanan Anda sendiri tidak bisa dinonaktifkan di sini."))
    storage = _runtime(request).service.storage
    try:
        await set_centre_active(storage, centre_id, active, storage.clock(), by=actor.by)
    except DirectoryError:
        return _done(i18n._("Pusat layanan nasional tidak bisa dinonaktifkan."))
    if active:
        return _done(i18n._("Pusat layanan {id} aktif lagi.").format(id=centre_id))
    return _done(
        i18n._("Pusat layanan {id} dinonaktifkan: tidak menerima pertanyaan baru.").format(
            id=centre_id
        )
    )


@directory.post("/petugas")
async def create_officer(request: Request) -> Response:
    """Add an officer to a centre of the scope, with a role no higher than the actor's."""
    checked = await _checked_actor(request)
    if isinstance(checked, Response):
        return checked
    actor, form = checked
    i18n = _i18n(request)
    given = {name: form.get(name, "").strip() for name in ("pusat", "nama", "peran", "saluran")}
    given["akun"] = form.get("akun", "").strip()
    if actor.centre(given["pusat"]) is None:
        # A centre outside the scope (a tampered form) is answered as if it did not exist.
        return _not_found(request)
    name = " ".join(given["nama"].split())
    problems: list[str] = []
    if not name or len(name) > NAME_MAX:
        problems.append(i18n._("Tulis nama petugas (paling banyak 120 huruf)."))
    if given["peran"] not in ROLES:
        problems.append(i18n._("Pilih peran dari daftar."))
    elif given["peran"] not in actor.assignable_roles():
        return _refused(
            request, i18n._("Anda tidak boleh memberi peran yang lebih tinggi dari peran Anda.")
        )
    account = ""
    if given["saluran"] == "telegram":
        account = given["akun"]
        if not (account.isascii() and account.isdecimal() and 0 < len(account) < 20):
            problems.append(i18n._("ID Telegram berupa angka saja, misalnya 123456789."))
    elif given["saluran"] == "whatsapp":
        try:
            account = normalise_phone(given["akun"][:40])
        except DirectoryError:
            problems.append(i18n._("Nomor WhatsApp tidak dikenali. Tulis seperti 0812-3456-7890."))
    else:
        problems.append(i18n._("Pilih saluran chat dari daftar."))
    officer = None
    if not problems:
        storage = _runtime(request).service.storage
        try:
            officer = await add_officer(
                storage,
                given["pusat"],
                name,
                given["saluran"],
                account,
                storage.clock(),
                role=given["peran"],
                by=actor.by,
            )
        except DirectoryError:
            problems.append(i18n._("Akun chat itu sudah terdaftar sebagai petugas aktif."))
    if officer is None:
        return _page(request, actor, problems=problems, given=given, status_code=400)
    log.info("directory: officer %s added officer %s", actor.officer.id, officer.id)
    return _done(
        i18n._(
            "Petugas #{id} ditambahkan. Buat kode akses atau kata sandi agar bisa masuk."
        ).format(id=officer.id)
    )


async def _target(
    request: Request, number: str
) -> tuple[_Actor, dict[str, str], OfficerListing] | Response:
    """Return the actor, form and target officer of a POST on one officer: 404 outside the
    scope, 403 for an officer of a higher role."""
    checked = await _checked_actor(request)
    if isinstance(checked, Response):
        return checked
    actor, form = checked
    target = actor.target(_number(number))
    if target is None:
        return _not_found(request)
    if ROLE_RANK[target.officer.role] > ROLE_RANK[actor.officer.role]:
        return _refused(
            request,
            _i18n(request)._("Anda tidak boleh mengubah petugas dengan peran lebih tinggi."),
        )
    return actor, form, target


@directory.post("/petugas/{number}/status")
async def switch_officer(request: Request, number: str) -> Response:
    """Deactivate (sessions end, sign-in refused) or reactivate an officer of the scope."""
    checked = await _target(request, number)
    if isinstance(checked, Response):
        return checked
    actor, form, target = checked
    i18n = _i18n(request)
    officer_id = target.officer.id
    active = form.get("aktif") == "1"
    if officer_id == actor.officer.id and not active:
        return _done(i18n._("Anda tidak bisa menonaktifkan diri sendiri."))
    storage = _runtime(request).service.storage
    await set_officer_active(storage, officer_id, active, storage.clock(), by=actor.by)
    log.info("directory: officer %s set officer %s active=%s", actor.officer.id, officer_id, active)
    if active:
        return _done(i18n._("Petugas #{id} aktif lagi.").format(id=officer_id))
    return _done(
        i18n._("Petugas #{id} dinonaktifkan; sesinya di meja petugas sudah diakhiri.").format(
            id=officer_id
        )
    )


@directory.post("/petugas/{number}/kode")
async def issue_code(request: Request, number: str) -> Response:
    """Issue a new access code: shown once, on this response only (never in a URL or log)."""
    checked = await _target(request, number)
    if isinstance(checked, Response):
        return checked
    actor, _form, target = checked
    i18n = _i18n(request)
    if not target.active:
        return _done(i18n._("Aktifkan petugas itu dulu sebelum membuat kode akses."))
    code = new_code()
    storage = _runtime(request).service.storage
    await set_access_code(storage, target.officer.id, code_hash(code), storage.clock(), by=actor.by)
    log.info(
        "directory: officer %s issued a code to officer %s", actor.officer.id, target.officer.id
    )
    own = actor.centre(actor.officer.centre_id)
    return render(
        request,
        "desk/access_code.html",
        i18n,
        title=i18n._("Kode akses baru") + " · " + i18n._("Meja petugas"),
        header=desk_header(actor.session, own.centre.name if own else "-", i18n),
        notice="",
        problems=[],
        officer=target.officer,
        code=code,
    )


@directory.post("/petugas/{number}/sandi")
async def reset_password(request: Request, number: str) -> Response:
    """Set or reset an officer's desk password (argon2), as `officers set-password` does."""
    checked = await _target(request, number)
    if isinstance(checked, Response):
        return checked
    actor, form, target = checked
    i18n = _i18n(request)
    password, again = form.get("sandi", ""), form.get("ulangi", "")
    problem = ""
    if password_problem(password) is not None:
        problem = i18n._("Kata sandi minimal 10 huruf dan tidak diawali atau diakhiri spasi.")
    elif password != again:
        problem = i18n._("Kedua kata sandi tidak sama.")
    if problem:
        return _page(request, actor, problems=[problem], status_code=400)
    password_hash = await asyncio.to_thread(hash_password, password)
    storage = _runtime(request).service.storage
    await set_password(storage, target.officer.id, password_hash, storage.clock(), by=actor.by)
    log.info(
        "directory: officer %s set a password for officer %s", actor.officer.id, target.officer.id
    )
    return _done(
        i18n._("Kata sandi petugas #{id} disimpan; masuk dengan nomor petugas {id}.").format(
            id=target.officer.id
        )
    )
