"""The officers' web desk at /petugas: sign-in, the centre's queue, claim, reply and close.

Officers sign in with an access code (`migrasi-aman officers code ID`) or their officer number
and password (`officers set-password ID`). Sign-in opens a server-side session: the cookie
holds only a random id, idle and absolute expiry apply, and sign-out revokes it. Every POST
must come from the desk's own origin and carry the session's CSRF token (the sign-in form a
token tied to a short-lived cookie). Repeated failures lock sign-in per officer and address.

Pages are Jinja2 templates (bot/web/templates/desk, see bot/web/templating.py) on one base
layout with the desk's header and navigation.

Every action goes through the same engine as the chat commands (/ambil, /balas, /selesai) on
the dashboard channel, so the rules (own centre only, one holder) are the same.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import parse_qs, quote
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from bot.i18n import Translations
from bot.inquiries import DASHBOARD_CHANNEL, OUTCOMES, InquiryDraft, Officer
from bot.messages import Inbound
from bot.web.desk_auth import (
    LOCKOUT_FOR,
    LOCKOUT_WINDOW,
    SESSION_IDLE,
    SESSION_LIFETIME,
    code_hash,
    locked_until,
    new_code,
    new_token,
    origin_allowed,
    password_matches,
    same_token,
    typed_code,
)
from bot.web.templating import render
from handlers.notify import asker_label
from handlers.red_flags import describe
from storage.casework import CaseNote, TrailEntry
from storage.desk import DeskSession, QueueFilters, QueueItem, ThreadEntry
from storage.inquiries import inquiry_of
from storage.inquiry_models import InquiryRow

__all__ = ["code_hash", "dashboard", "new_code"]

log = logging.getLogger(__name__)

COOKIE = "petugas"
SIGN_IN_COOKIE = "petugas_masuk"
ACTIONS = {"ambil": "/ambil", "balas": "/balas", "selesai": "/selesai"}
MAX_FORM_BYTES = 8_000
WIB = ZoneInfo("Asia/Jakarta")
POLL_SECONDS = 20  # how often an open queue asks for new cases (app.state.desk_poll_seconds)
# The red-flag codes an officer can filter by (handlers.red_flags describes each one).
RED_FLAG_CODES = (
    "bahaya",
    "violence",
    "sexual",
    "confinement",
    "threat",
    "suicide",
    "stranded",
    "medical",
    "minor",
    "biaya",
    "perekrut",
    "prt_timur_tengah",
    "negara_rawan_penipuan",
    "visa_non_kerja",
    "dokumen_ditahan",
    "penampungan",
    "utang",
    "pemalsuan",
    "online_scam",
)
TOPIC_PATTERN = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)*")
FILTER_TEXT_MAX = 80
dashboard = APIRouter(prefix="/petugas", include_in_schema=False)


def _runtime(request: Request) -> Any:
    return request.app.state.runtime


def _i18n(request: Request) -> Translations:
    return _runtime(request).service.translator.for_locale("id")


async def _form(request: Request) -> dict[str, str]:
    """Parse a small url-encoded form body (no multipart dependency needed)."""
    body = (await request.body())[:MAX_FORM_BYTES].decode("utf-8", errors="replace")
    return {key: values[0] for key, values in parse_qs(body).items()}


def _secure(request: Request) -> bool:
    """Mark cookies Secure behind https (the public address says so, or the request came so)."""
    public_url = _runtime(request).settings.public_url or ""
    return public_url.lower().startswith("https://") or request.url.scheme == "https"


def _set_cookie(request: Request, response: Response, name: str, value: str, age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=age,
        path="/petugas",
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )


def _client_key(request: Request) -> str:
    return f"address:{request.client.host if request.client else '-'}"


def _log_ref(value: str) -> str:
    """Return a short, non-reversible reference for logs (addresses are personal data)."""
    return hashlib.sha256(value.encode()).hexdigest()[:10]


def _same_origin(request: Request) -> bool:
    """Check the POST's Origin (or Referer) against the desk's own origin."""
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    return origin_allowed(
        request.headers.get("origin"),
        request.headers.get("referer"),
        own,
        _runtime(request).settings.public_url,
    )


async def _session(request: Request) -> DeskSession | None:
    """Return the live session of the cookie's id, extending its idle time."""
    session_id = request.cookies.get(COOKIE)
    if not session_id:
        return None
    storage = _runtime(request).service.storage
    async with storage.unit_of_work() as uow:
        found = await uow.desk_session(session_id, storage.clock(), SESSION_IDLE)
        await uow.commit()
    return found


def _refused(request: Request, problem: str, status_code: int = 403) -> HTMLResponse:
    """Return a refusal page with a way back."""
    i18n = _i18n(request)
    return render(
        request,
        "desk/refused.html",
        i18n,
        status_code=status_code,
        title=i18n._("Meja petugas"),
        problems=[problem],
    )


def _login(request: Request, problem: str = "", status_code: int = 200) -> HTMLResponse:
    """Return the sign-in page with a fresh sign-in token (its cookie twin set here)."""
    i18n = _i18n(request)
    token = new_token()
    response = render(
        request,
        "desk/sign_in.html",
        i18n,
        status_code=status_code,
        title=i18n._("Meja petugas"),
        problems=[problem] if problem else [],
        csrf=token,
    )
    _set_cookie(request, response, SIGN_IN_COOKIE, token, 2 * 3600)
    return response


def _wib(value: datetime) -> str:
    """Format a time in Western Indonesia Time, as officers read it."""
    local = value.astimezone(WIB)
    return format_datetime(local, "d MMM yyyy, HH.mm", locale="id") + " WIB"


def _flags(codes: list[str], draft: InquiryDraft, i18n: Translations) -> str:
    """Return the red flags in plain words (never an internal code)."""
    return ", ".join(describe(code, draft, i18n) for code in codes)


def _status_label(status: str, holder: str | None, i18n: Translations) -> str:
    if status == "claimed":
        return i18n._("diambil {name}").format(name=holder or "-")
    if status == "resolved":
        return i18n._("selesai")
    return i18n._("belum diambil")


DIRECTORY_ROLES = frozenset({"supervisor", "admin"})


def desk_header(session: DeskSession, centre_name: str, i18n: Translations) -> dict[str, Any]:
    """Return what the desk's header shows: who is signed in, the navigation for their role,
    and the sign-out form's CSRF token (desk/_header.html renders it)."""
    links = [("/petugas", i18n._("Antrian")), ("/petugas/statistik", i18n._("Statistik"))]
    if session.officer.role in DIRECTORY_ROLES:
        links.append(("/petugas/tinjau", i18n._("Tinjau pertanyaan")))
        links.append(("/petugas/direktori", i18n._("Direktori")))
    return {
        "who": f"{centre_name} · {session.officer.name}",
        "links": links,
        "csrf": session.csrf_token,
    }


def topic_groups(knowledge: Any, i18n: Translations) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the knowledge base's topics by category, each group led by "the whole category"
    (the queue filter matches a category id as a prefix of its topics' ids)."""
    groups = []
    for category in knowledge.categories():
        whole = i18n._("Semua topik {category}").format(category=category.title("id"))
        options = [(category.id, whole)] + [
            (topic.id, topic.title_for("id")) for topic in knowledge.topics_in(category.id)
        ]
        groups.append((category.title("id"), options))
    return groups


def _filter_choices(i18n: Translations) -> dict[str, Any]:
    """Return the queue filter form's fixed choices and text fields."""
    return {
        "statuses": [
            ("aktif", i18n._("Belum selesai")),
            ("baru", i18n._("Belum diambil")),
            ("diambil", i18n._("Sudah diambil")),
            ("selesai", i18n._("Selesai")),
            ("semua", i18n._("Semua")),
        ],
        "priorities": [
            ("", i18n._("Semua")),
            ("mendesak", i18n._("Mendesak")),
            ("biasa", i18n._("Biasa")),
        ],
        "flags": [("", i18n._("Semua"))]
        + [(code, describe(code, InquiryDraft(), i18n)) for code in RED_FLAG_CODES],
        "texts": [
            ("negara", i18n._("Negara tujuan"), "text", "Taiwan"),
            ("desa", i18n._("Desa"), "text", ""),
            ("dari", i18n._("Masuk sejak"), "date", ""),
            ("sampai", i18n._("Masuk sampai"), "date", ""),
        ],
        "text_max": FILTER_TEXT_MAX,
    }


def _day_start(text: str) -> datetime:
    """Return the start of a YYYY-MM-DD day in Western Indonesia Time, as UTC."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    return datetime.combine(date.fromisoformat(text), time(), WIB).astimezone(UTC)


def _queue_filters(given: dict[str, str], i18n: Translations) -> tuple[QueueFilters, list[str]]:
    """Validate the extra filters; return them and the problems, in plain words."""
    problems: list[str] = []
    for name, value in given.items():
        if len(value) > FILTER_TEXT_MAX:
            problems.append(
                i18n._("Isian {field} terlalu panjang (paling banyak {count} huruf).").format(
                    field=name, count=FILTER_TEXT_MAX
                )
            )
    topic = given["topik"].lower()
    if topic and not TOPIC_PATTERN.fullmatch(topic):
        problems.append(
            i18n._(
                "Topik hanya boleh berisi huruf, angka, titik dan garis bawah, "
                "misalnya prosedur atau prosedur.cek_perusahaan."
            )
        )
    if given["tanda"] and given["tanda"] not in RED_FLAG_CODES:
        problems.append(i18n._("Tanda bahaya itu tidak dikenal. Silakan pilih dari daftar."))
    days: dict[str, datetime | None] = {}
    for name, label in (("dari", i18n._("Masuk sejak")), ("sampai", i18n._("Masuk sampai"))):
        days[name] = None
        if given[name]:
            try:
                days[name] = _day_start(given[name])
            except ValueError:
                problems.append(
                    i18n._(
                        'Tanggal pada "{field}" tidak dikenali. '
                        "Tulis seperti 2026-11-30 (tahun-bulan-tanggal)."
                    ).format(field=label)
                )
    since, until = days["dari"], days["sampai"]
    if since is not None and until is not None and since > until:
        problems.append(i18n._('Tanggal "Masuk sejak" harus sebelum "Masuk sampai".'))
    filters = QueueFilters(
        topic=topic,
        destination=given["negara"],
        red_flag=given["tanda"],
        village=given["desa"],
        since=since,
        until=until + timedelta(days=1) if until is not None else None,  # the whole last day
    )
    return filters, problems


def _queue_item(
    item: QueueItem,
    now: datetime,
    i18n: Translations,
    centre_names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Return what one line of the queue shows (with its centre's name when the scope has
    several centres)."""
    urgent, overdue = item.priority == "urgent", item.overdue(now)
    status = _status_label(item.status, item.holder, i18n)
    if centre_names:
        status = centre_names.get(item.centre_id, item.centre_id) + " · " + status
    return {
        "id": item.id,
        "reference": item.reference,
        "classes": " ".join(name for name, on in (("urgent", urgent), ("overdue", overdue)) if on),
        "urgent": urgent,
        "overdue": overdue,
        "flags": _flags(item.red_flags, InquiryDraft(), i18n),
        "status": status,
        "times": i18n._("Masuk {created} · batas ambil {deadline}").format(
            created=_wib(item.created_at), deadline=_wib(item.deadline_at)
        ),
        "claimable": item.status == "open",
    }


def _search_id(text: str) -> int | None:
    """Return the case number in "MA-00012", "ma12" or "12"; None when there is none."""
    digits = "".join(char for char in text if char.isascii() and char.isdecimal())
    return int(digits) if digits and len(digits) < 10 else None


@dashboard.get("")
async def board(
    request: Request,
    pesan: str = "",
    status: str = "aktif",
    prioritas: str = "",
    cari: str = "",
    topik: str = "",
    negara: str = "",
    tanda: str = "",
    desa: str = "",
    dari: str = "",
    sampai: str = "",
) -> Response:
    """Show the signed-in officer's queue (urgent first, then by deadline), or the sign-in page."""
    i18n = _i18n(request)
    session = await _session(request)
    if session is None:
        return _login(request)
    officer = session.officer
    search = cari.strip()[:40]
    case_id = _search_id(search) if search else None
    given = {"topik": topik, "negara": negara, "tanda": tanda, "desa": desa}
    given |= {"dari": dari, "sampai": sampai}
    given = {name: value.strip() for name, value in given.items()}
    filters, problems = _queue_filters(given, i18n)
    storage = _runtime(request).service.storage
    now = storage.clock()
    async with storage.unit_of_work() as uow:
        centre = await uow.centre(officer.centre_id)
        scope = await uow.officer_scope(officer)
        # A bad filter shows its problem and no list (never a wider one than asked for).
        items = (
            await uow.desk_queue(scope, status, prioritas, case_id, filters)
            if not problems and (not search or case_id is not None)
            else []
        )
        wide = scope is None or len(scope) > 1
        names = {c.id: c.name for c in await uow.centres_in(scope)} if wide else None
        active = await uow.desk_queue(scope, "aktif", "", None)
    topics = topic_groups(_runtime(request).service.knowledge, i18n)
    return render(
        request,
        "desk/queue.html",
        i18n,
        status_code=400 if problems else 200,
        title=i18n._("Meja petugas"),
        header=desk_header(session, centre.name if centre else officer.centre_id, i18n),
        notice=pesan,
        problems=problems,
        status=status,
        priority=prioritas,
        search=search,
        given=given,
        topic=given["topik"].lower(),
        topics=topics,
        known_topics={value for _, options in topics for value, _ in options},
        items=[_queue_item(item, now, i18n, names) for item in items],
        known=",".join(str(item.id) for item in active),
        poll_ms=int(getattr(request.app.state, "desk_poll_seconds", POLL_SECONDS) * 1000),
        csrf=session.csrf_token,
        **_filter_choices(i18n),
    )


@dashboard.get("/antrian.json")
async def queue_numbers(request: Request) -> Response:
    """Return the scope's unresolved case numbers and whether each is urgent (for polling);
    no personal data."""
    session = await _session(request)
    if session is None:
        return JSONResponse({"error": "signed out"}, status_code=401)
    async with _runtime(request).service.storage.unit_of_work() as uow:
        scope = await uow.officer_scope(session.officer)
        items = await uow.desk_queue(scope, "aktif", "", None)
    cases = [{"id": item.id, "urgent": item.priority == "urgent"} for item in items]
    return JSONResponse({"cases": cases}, headers={"Cache-Control": "no-store"})


def _summary(row: InquiryRow, i18n: Translations) -> list[tuple[str, str]]:
    """Return the intake summary: only the fields the user gave, red flags in plain words."""
    draft = inquiry_of(row).draft
    amount = i18n.rupiah(row.paid_amount) if row.paid_amount else None
    fields = [
        (i18n._("Prioritas"), i18n._("MENDESAK") if row.priority == "urgent" else i18n._("biasa")),
        (i18n._("Penanya"), asker_label(row.asker, i18n) if row.asker else None),
        (i18n._("Nama"), row.name),
        (i18n._("Desa"), row.village_text),
        (i18n._("Negara tujuan"), row.destination),
        (i18n._("Pekerjaan"), row.job),
        (i18n._("Perekrut"), row.recruiter),
        (i18n._("Sudah membayar"), amount),
        (i18n._("Tanda bahaya"), _flags(draft.red_flags, draft, i18n) or None),
        (i18n._("Pertanyaan"), row.question),
    ]
    return [(name, value) for name, value in fields if value]


def _outcome_labels(i18n: Translations) -> dict[str, str]:
    """Return the resolution outcomes in plain words."""
    return {
        "informed": i18n._("Sudah diberi informasi"),
        "referred_ltsa": i18n._("Dirujuk ke LTSA"),
        "referred_disnaker": i18n._("Dirujuk ke Disnaker"),
        "referred_police": i18n._("Dirujuk ke polisi"),
        "reported_kp2mi": i18n._("Dilaporkan ke KP2MI"),
        "no_answer": i18n._("Pengguna tidak menjawab"),
    }


def _delivery_label(state: str, i18n: Translations) -> str:
    labels = {
        "waiting": i18n._("menunggu dikirim"),
        "sent": i18n._("terkirim"),
        "delivered": i18n._("diterima"),
        "failed": i18n._("GAGAL terkirim"),
    }
    return labels.get(state, state)


def _thread(
    entries: list[ThreadEntry], i18n: Translations, deliveries: dict[int, str] | None = None
) -> list[dict[str, Any]]:
    """Return the whole conversation, oldest first, with each officer reply's delivery state."""
    names = {"user": i18n._("Pengguna"), "bot": i18n._("Bot"), "officer": i18n._("Petugas")}
    deliveries = deliveries or {}
    shown = []
    for entry in entries:
        state = deliveries.get(entry.message_id or 0) if entry.sender == "officer" else None
        shown.append(
            {
                "sender": entry.sender,
                "who": names.get(entry.sender, "-"),
                "officer": entry.officer,
                "at": _wib(entry.at),
                "state": state,
                "state_label": _delivery_label(state, i18n) if state else "",
                "text": entry.text,
            }
        )
    return shown


def _notes(notes: list[CaseNote]) -> list[dict[str, str | None]]:
    """Return the internal notes (officers only)."""
    return [{"officer": note.officer, "at": _wib(note.at), "text": note.text} for note in notes]


def _trail(
    entries: list[TrailEntry], centre_names: dict[str, str], i18n: Translations
) -> list[str]:
    """Return the audit trail in plain words, newest first."""
    actions = {
        "created": i18n._("Pertanyaan masuk"),
        "claimed": i18n._("Diambil"),
        "replied": i18n._("Membalas pengguna"),
        "noted": i18n._("Menambah catatan internal"),
        "viewed": i18n._("Membuka data kasus"),
        "resolved": i18n._("Menutup kasus"),
        "taken_over": i18n._("Mengambil alih kasus"),
        "handed_over": i18n._("Menyerahkan kasus"),
        "reminded": i18n._("Pengingat dikirim"),
        "escalated": i18n._("Dinaikkan ke tingkat atas"),
        "updated": i18n._("Pengguna menambah data"),
        "redacted": i18n._("Teks pribadi dihapus"),
        "erased": i18n._("Pengguna menghapus datanya"),
    }
    who = {"user": i18n._("Pengguna"), "system": i18n._("Sistem")}
    lines = []
    for entry in reversed(entries):
        actor = entry.officer or who.get(entry.actor, "-")
        text = actions.get(entry.action, entry.action)
        target = entry.detail.get("to")
        if entry.action in ("handed_over", "escalated", "taken_over") and target:
            text += " → " + centre_names.get(str(target), str(target))
        lines.append(f"{_wib(entry.at)} · {actor} · {text}")
    return lines


def _case_number(number: str) -> int:
    return int(number) if number.isascii() and number.isdecimal() and len(number) < 10 else 0


@dashboard.get("/kasus/{number}")
async def case_page(request: Request, number: str, pesan: str = "", templat: str = "") -> Response:
    """Show one case in the officer's scope: summary, conversation, notes, trail, actions."""
    i18n = _i18n(request)
    session = await _session(request)
    if session is None:
        return _login(request)
    officer = session.officer
    case_id = _case_number(number)
    storage = _runtime(request).service.storage
    async with storage.unit_of_work() as uow:
        scope = await uow.officer_scope(officer)
        row = await uow.case_in_scope(case_id, scope) if case_id else None
        if row is None:
            return _refused(
                request, i18n._("Kasus tidak ditemukan di pusat layanan Anda."), status_code=404
            )
        # Who saw a user's personal data is part of the audit trail (and the user's /dataku).
        await uow.audit(row.id, f"officer:{officer.id}", "viewed", {}, storage.clock())
        centre = await uow.centre(officer.centre_id)
        thread = await uow.case_thread(row)
        deliveries = await uow.reply_deliveries(row)
        holder = await uow.get_inquiry(row.id)
        notes = await uow.case_notes(row.id)
        trail = await uow.case_trail(row.id)
        saved = await uow.saved_replies(officer.centre_id)
        centres = [(c.id, c.name) for c in await uow.centres_in(scope)]
        officers = await uow.officers_in(scope)
        await uow.commit()
    reference = f"MA-{row.id:05d}"
    names = dict(centres)
    return render(
        request,
        "desk/case.html",
        i18n,
        title=reference + " · " + i18n._("Meja petugas"),
        header=desk_header(session, centre.name if centre else officer.centre_id, i18n),
        notice=pesan,
        number=row.id,
        reference=reference,
        urgent=row.priority == "urgent",
        status=_status_label(row.status, holder.claimed_by_name if holder else None, i18n),
        open=row.status == "open",
        resolved=row.status == "resolved",
        outcome=_outcome_labels(i18n).get(row.outcome or ""),
        summary=_summary(row, i18n),
        thread=_thread(thread, i18n, deliveries),
        notes=_notes(notes),
        trail=_trail(trail, names, i18n),
        saved_options=[("", i18n._("Pilih balasan tersimpan"))]
        + [(str(reply.id), reply.title) for reply in saved],
        chosen_template=templat,
        prefill=next((reply.text for reply in saved if str(reply.id) == templat), ""),
        outcomes=[("", i18n._("Pilih hasil")), *_outcome_labels(i18n).items()],
        centre_options=centres,
        officer_options=[("", i18n._("Siapa saja di pusat itu"))]
        + [
            (str(person.id), f"{person.name} ({names.get(person.centre_id, '-')})")
            for person in officers
            if person.id != officer.id
        ],
        csrf=session.csrf_token,
    )


async def _check_credentials(
    officer_id: int | None, secret: str, request: Request
) -> Officer | None:
    """Return the officer a code (or officer number and password) belongs to."""
    storage = _runtime(request).service.storage
    async with storage.unit_of_work() as uow:
        by_code = await uow.officer_by_code(code_hash(secret)) if secret.strip() else None
        retyped = typed_code(secret)
        if by_code is None and retyped is not None and retyped != secret.strip():
            # Capitals, spaces or missing dashes from a phone keyboard still match the code.
            by_code = await uow.officer_by_code(code_hash(retyped))
        with_password = await uow.officer_with_password(officer_id) if officer_id else None
    if officer_id is None:
        return by_code
    stored = with_password[1] if with_password else None
    # argon2 is slow on purpose: keep it off the event loop.
    if await asyncio.to_thread(password_matches, stored, secret) and with_password:
        return with_password[0]
    return by_code if by_code is not None and by_code.id == officer_id else None


@dashboard.post("/masuk")
async def sign_in(request: Request) -> Response:
    """Check a code or password, then open a server-side session."""
    i18n = _i18n(request)
    form = await _form(request)
    if not _same_origin(request):
        return _refused(
            request, i18n._("Permintaan ditolak: formulir tidak berasal dari situs ini.")
        )
    if not same_token(form.get("csrf", ""), request.cookies.get(SIGN_IN_COOKIE, "")):
        return _login(
            request,
            i18n._("Halaman masuk sudah kedaluwarsa. Silakan coba masuk lagi."),
            status_code=403,
        )
    number = form.get("officer", "").strip()
    secret = form.get("secret", "")
    officer_id = (
        int(number) if number.isascii() and number.isdecimal() and len(number) < 10 else None
    )
    keys = [_client_key(request)] + ([f"officer:{officer_id}"] if officer_id else [])
    storage = _runtime(request).service.storage
    now = storage.clock()
    async with storage.unit_of_work() as uow:
        ends = [
            locked_until(await uow.sign_in_failures(key, now - LOCKOUT_WINDOW - LOCKOUT_FOR), now)
            for key in keys
        ]
    until = max((end for end in ends if end is not None), default=None)
    if until is not None:
        minutes = max(1, -(-int((until - now).total_seconds()) // 60))
        log.warning("desk sign-in refused while locked (officer %s)", officer_id or "-")
        return _login(
            request,
            i18n._(
                "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, masuk dikunci "
                "sementara. Silakan coba lagi dalam {minutes} menit."
            ).format(minutes=minutes),
            status_code=429,
        )
    officer = None
    if secret and (officer_id is not None or not number):
        officer = await _check_credentials(officer_id, secret, request)
    if officer is None:
        async with storage.unit_of_work() as uow:
            await uow.record_sign_in_failure(keys, now)
            await uow.commit()
        log.warning(
            "desk sign-in failed (officer %s, address ref %s)",
            officer_id or "-",
            _log_ref(keys[0]),
        )
        return _login(request, i18n._("Kode akses, nomor petugas atau kata sandi salah."))
    session_id, csrf = new_token(), new_token()
    async with storage.unit_of_work() as uow:
        await uow.clear_sign_in_failures(f"officer:{officer.id}")
        await uow.forget_desk_state(now, LOCKOUT_WINDOW + LOCKOUT_FOR)
        await uow.open_desk_session(session_id, officer.id, csrf, now, SESSION_LIFETIME)
        await uow.commit()
    log.info("desk sign-in: officer %s", officer.id)
    response = RedirectResponse("/petugas", status_code=303)
    _set_cookie(request, response, COOKIE, session_id, int(SESSION_LIFETIME.total_seconds()))
    response.delete_cookie(SIGN_IN_COOKIE, path="/petugas")
    return response


async def _checked_post(request: Request) -> tuple[DeskSession, dict[str, str]] | Response:
    """Return the session and form of a POST that passes the origin and CSRF checks."""
    i18n = _i18n(request)
    form = await _form(request)
    if not _same_origin(request):
        return _refused(
            request, i18n._("Permintaan ditolak: formulir tidak berasal dari situs ini.")
        )
    session = await _session(request)
    if session is None:
        return _refused(request, i18n._("Sesi Anda sudah berakhir. Silakan masuk lagi."))
    if not same_token(form.get("csrf", ""), session.csrf_token):
        return _refused(
            request, i18n._("Formulir sudah kedaluwarsa. Muat ulang halaman lalu coba lagi.")
        )
    return session, form


@dashboard.post("/keluar")
async def sign_out(request: Request) -> Response:
    """Revoke the session: the old cookie no longer opens the desk."""
    checked = await _checked_post(request)
    if isinstance(checked, Response):
        return checked
    async with _runtime(request).service.storage.unit_of_work() as uow:
        await uow.close_desk_session(request.cookies.get(COOKIE, ""))
        await uow.commit()
    response = RedirectResponse("/petugas", status_code=303)
    response.delete_cookie(COOKIE, path="/petugas")
    return response


@dashboard.post("/aksi")
async def act(request: Request) -> Response:
    """Run one officer action through the engine, as the chat command would."""
    checked = await _checked_post(request)
    if isinstance(checked, Response):
        return checked
    session, form = checked
    officer = session.officer
    command = ACTIONS.get(form.get("action", ""))
    number = form.get("id", "")
    outcome = form.get("outcome", "")
    if command is None or not (number.isascii() and number.isdecimal()):
        return RedirectResponse("/petugas", status_code=303)
    back = f"/petugas/kasus/{int(number)}" if form.get("ke") == "kasus" else "/petugas"
    i18n = _i18n(request)
    if outcome and outcome not in OUTCOMES:
        notice = i18n._("Pilih hasil dari daftar.")
        return RedirectResponse(f"{back}?pesan={quote(notice)}", status_code=303)
    text = " ".join(filter(None, [command, number, form.get("text", "").strip()]))
    inbound = Inbound(DASHBOARD_CHANNEL, f"officer-{officer.id}", uuid.uuid4().hex, text=text)
    runtime = _runtime(request)
    replies = await runtime.service.engine.handle(inbound)
    runtime.sender.wake()  # a reply to the user was queued: deliver it now
    if command == "/selesai" and outcome:
        async with runtime.service.storage.unit_of_work() as uow:
            scope = await uow.officer_scope(officer)
            row = await uow.case_in_scope(int(number), scope)
            if row is not None and row.status == "resolved" and row.outcome is None:
                await uow.set_outcome(row.id, outcome)
                await uow.commit()
    notice = " ".join(reply.text.split("\n", 1)[0] for reply in replies)[:300]
    return RedirectResponse(f"{back}?pesan={quote(notice)}", status_code=303)


async def _case_post(
    request: Request, number: str
) -> tuple[DeskSession, dict[str, str], int] | Response:
    """Return the session, form and case number of a checked POST on a case in scope; a 404
    page when the case is outside the officer's scope (as if it did not exist)."""
    checked = await _checked_post(request)
    if isinstance(checked, Response):
        return checked
    session, form = checked
    case_id = _case_number(number)
    async with _runtime(request).service.storage.unit_of_work() as uow:
        scope = await uow.officer_scope(session.officer)
        row = await uow.case_in_scope(case_id, scope) if case_id else None
    if row is None:
        return _refused(
            request,
            _i18n(request)._("Kasus tidak ditemukan di pusat layanan Anda."),
            status_code=404,
        )
    return session, form, case_id


def _back_to_case(case_id: int, notice: str) -> Response:
    return RedirectResponse(f"/petugas/kasus/{case_id}?pesan={quote(notice)}", status_code=303)


@dashboard.post("/kasus/{number}/catatan")
async def add_note(request: Request, number: str) -> Response:
    """Add an internal note to a case (never sent to the user)."""
    checked = await _case_post(request, number)
    if isinstance(checked, Response):
        return checked
    session, form, case_id = checked
    i18n = _i18n(request)
    text = form.get("text", "").strip()
    if not text or len(text) > 2000:
        return _back_to_case(case_id, i18n._("Tulis catatannya (paling banyak 2000 huruf)."))
    storage = _runtime(request).service.storage
    async with storage.unit_of_work() as uow:
        await uow.add_note(case_id, session.officer, text, storage.clock())
        await uow.commit()
    return _back_to_case(case_id, i18n._("Catatan internal disimpan."))


@dashboard.post("/kasus/{number}/serahkan")
async def hand_over(request: Request, number: str) -> Response:
    """Hand a case over to a centre (and optionally one officer) within the officer's scope."""
    checked = await _case_post(request, number)
    if isinstance(checked, Response):
        return checked
    session, form, case_id = checked
    i18n = _i18n(request)
    target = form.get("pusat", "")
    chosen = form.get("petugas", "")
    storage = _runtime(request).service.storage
    now = storage.clock()
    async with storage.unit_of_work() as uow:
        scope = await uow.officer_scope(session.officer)
        row = await uow.case_in_scope(case_id, scope)
        officers = {str(o.id): o for o in await uow.officers_in(scope)}
        in_scope = scope is None or target in scope
        person = officers.get(chosen) if chosen else None
        centre = await uow.centre(target) if in_scope else None
        if row is None or row.status == "resolved":
            return _back_to_case(case_id, i18n._("Kasus yang sudah selesai tidak bisa diserahkan."))
        held_by_other = row.status == "claimed" and row.claimed_by != session.officer.id
        if held_by_other and session.officer.role == "officer":
            # Only the holder passes a taken case on; supervisors may reassign any.
            return _back_to_case(case_id, i18n._("Kasus ini dipegang petugas lain."))
        if centre is None or (chosen and (person is None or person.centre_id != target)):
            return _back_to_case(case_id, i18n._("Pilih pusat layanan dan petugas dari daftar."))
        await uow.hand_over(row, session.officer, target, person.id if person else None, now)
        await uow.commit()
    name = person.name if person else centre.name
    return _back_to_case(case_id, i18n._("Kasus diserahkan ke {name}.").format(name=name))


@dashboard.post("/balasan")
async def add_saved_reply(request: Request) -> Response:
    """Save a reply for the officer's centre (title and text)."""
    checked = await _checked_post(request)
    if isinstance(checked, Response):
        return checked
    session, form = checked
    i18n = _i18n(request)
    title = " ".join(form.get("title", "").split())[:80]
    text = form.get("text", "").strip()
    back = _case_number(form.get("ke", ""))
    target = f"/petugas/kasus/{back}" if back else "/petugas"
    if not title or not text or len(text) > 1500:
        notice = i18n._("Isi judul dan teks balasan (paling banyak 1500 huruf).")
    else:
        storage = _runtime(request).service.storage
        async with storage.unit_of_work() as uow:
            await uow.add_saved_reply(session.officer.centre_id, title, text, storage.clock())
            await uow.commit()
        notice = i18n._("Balasan tersimpan untuk pusat layanan Anda.")
    return RedirectResponse(f"{target}?pesan={quote(notice)}", status_code=303)
