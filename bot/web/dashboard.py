"""The officers' web desk at /petugas: sign-in, the centre's queue, claim, reply and close.

Officers sign in with an access code (`migrasi-aman officers code ID`) or their officer number
and password (`officers set-password ID`). Sign-in opens a server-side session: the cookie
holds only a random id, idle and absolute expiry apply, and sign-out revokes it. Every POST
must come from the desk's own origin and carry the session's CSRF token (the sign-in form a
token tied to a short-lived cookie). Repeated failures lock sign-in per officer and address.

Every action goes through the same engine as the chat commands (/ambil, /balas, /selesai) on
the dashboard channel, so the rules (own centre only, one holder) are the same.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import uuid
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.i18n import Translations
from bot.inquiries import DASHBOARD_CHANNEL, Inquiry, Officer
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
)
from handlers.notify import inquiry_card
from storage.desk import DeskSession

__all__ = ["code_hash", "dashboard", "new_code"]

log = logging.getLogger(__name__)

COOKIE = "petugas"
SIGN_IN_COOKIE = "petugas_masuk"
ACTIONS = {"ambil": "/ambil", "balas": "/balas", "selesai": "/selesai"}
MAX_FORM_BYTES = 8_000
dashboard = APIRouter(prefix="/petugas", include_in_schema=False)


def _runtime(request: Request) -> Any:
    return request.app.state.runtime


def _i18n(request: Request) -> Translations:
    return _runtime(request).service.translator.for_locale("id")


def _labels(i18n: Translations) -> dict[str, str]:
    """Return the desk's translated, HTML-escaped labels (kept out of f-strings for Babel)."""
    labels = {
        "title": i18n._("Meja petugas Pusat Layanan Migrasi"),
        "officer_number": i18n._("Nomor petugas (hanya untuk kata sandi)"),
        "secret": i18n._("Kode akses atau kata sandi"),
        "sign_in": i18n._("Masuk"),
        "sign_out": i18n._("Keluar"),
        "officer": i18n._("Petugas"),
        "user": i18n._("Pengguna"),
        "claim": i18n._("Ambil"),
        "reply_label": i18n._("Balasan untuk pengguna"),
        "reply": i18n._("Kirim balasan"),
        "note": i18n._("Catatan penutup"),
        "close": i18n._("Tutup pertanyaan"),
        "empty": i18n._("Tidak ada pertanyaan terbuka. Terima kasih!"),
        "again": i18n._("Kembali ke meja petugas"),
    }
    return {key: html.escape(value) for key, value in labels.items()}


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


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    """Wrap a page body in the shared, accessible layout."""
    return HTMLResponse(
        f"""<!doctype html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>
body{{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1b1b1b}}
h1{{font-size:1.4rem}}
article{{border:1px solid #888;border-radius:.5rem;padding:1rem;margin:1rem 0}}
article.urgent{{border:3px solid #b00020}} pre{{white-space:pre-wrap;font:inherit;margin:0}}
form{{display:inline-block;margin:.25rem .5rem .25rem 0}} textarea{{width:100%;min-height:4rem}}
button,input,select,a.button{{min-height:44px;font-size:1rem;box-sizing:border-box}}
button{{padding:.5rem 1rem}} input{{padding:.25rem .5rem}}
label{{display:block;margin:.5rem 0 .25rem}}
.notice{{background:#e8f5e9;padding:.75rem}} .problem{{background:#fdecea;padding:.75rem}}
.thread{{background:#f4f4f4;padding:.5rem;margin:.5rem 0}}
</style></head><body>{body}</body></html>""",
        status_code=status_code,
    )


def _refused(request: Request, problem: str, status_code: int = 403) -> HTMLResponse:
    """Return a refusal page with a way back."""
    i18n = _i18n(request)
    return _page(
        i18n._("Meja petugas"),
        f'<p class="problem" role="alert">{html.escape(problem)}</p>'
        f'<p><a href="/petugas">{_labels(i18n)["again"]}</a></p>',
        status_code,
    )


def _csrf_field(token: str) -> str:
    return f'<input type="hidden" name="csrf" value="{html.escape(token)}">'


def _login(request: Request, problem: str = "", status_code: int = 200) -> HTMLResponse:
    """Return the sign-in page with a fresh sign-in token (its cookie twin set here)."""
    i18n = _i18n(request)
    token = new_token()
    note = f'<p class="problem" role="alert">{html.escape(problem)}</p>' if problem else ""
    label = _labels(i18n)
    response = _page(
        i18n._("Meja petugas"),
        f"""<h1>{label["title"]}</h1>{note}
<form method="post" action="/petugas/masuk">{_csrf_field(token)}
<label for="officer">{label["officer_number"]}</label>
<input id="officer" name="officer" inputmode="numeric" autocomplete="username">
<label for="secret">{label["secret"]}</label>
<input id="secret" name="secret" type="password" autocomplete="current-password" required>
<p><button type="submit">{label["sign_in"]}</button></p></form>""",
        status_code,
    )
    _set_cookie(request, response, SIGN_IN_COOKIE, token, 2 * 3600)
    return response


def _inquiry_block(
    inquiry: Inquiry, thread: list[tuple[str, str, Any]], i18n: Translations, csrf: str
) -> str:
    """Render one inquiry with its thread and the action forms."""
    number = inquiry.id
    holder = (
        i18n._("diambil {name}").format(name=inquiry.claimed_by_name or "-")
        if inquiry.status == "claimed"
        else i18n._("belum diambil")
    )
    label = _labels(i18n)
    token = _csrf_field(csrf)
    messages = "".join(
        f"<p><b>{label['officer'] if sender == 'officer' else label['user']}"
        f" · {html.escape(i18n.datetime(at))}</b><br>{html.escape(text)}</p>"
        for sender, text, at in thread
    )
    thread_html = f'<div class="thread">{messages}</div>' if messages else ""
    urgent = ' class="urgent"' if inquiry.priority == "urgent" else ""
    return f"""<article{urgent} aria-labelledby="q{number}">
<h2 id="q{number}">#{number} · {html.escape(holder)}</h2>
<pre>{html.escape(inquiry_card(inquiry, i18n))}</pre>{thread_html}
<form method="post" action="/petugas/aksi">{token}<input type="hidden" name="id" value="{number}">
<input type="hidden" name="action" value="ambil">
<button>{label["claim"]}</button></form>
<form method="post" action="/petugas/aksi" style="display:block">{token}
<input type="hidden" name="id" value="{number}"><input type="hidden" name="action" value="balas">
<label for="r{number}">{label["reply_label"]}</label>
<textarea id="r{number}" name="text" required></textarea>
<button>{label["reply"]}</button></form>
<form method="post" action="/petugas/aksi" style="display:block">{token}
<input type="hidden" name="id" value="{number}"><input type="hidden" name="action" value="selesai">
<label for="n{number}">{label["note"]}</label>
<input id="n{number}" name="text">
<button>{label["close"]}</button></form></article>"""


@dashboard.get("")
async def board(request: Request, pesan: str = "") -> Response:
    """Show the signed-in officer's queue, or the sign-in page."""
    i18n = _i18n(request)
    session = await _session(request)
    if session is None:
        return _login(request)
    officer = session.officer
    async with _runtime(request).service.storage.unit_of_work() as uow:
        centre = await uow.centre(officer.centre_id)
        queue = await uow.queue(officer.centre_id)
        blocks = []
        for listed in queue:
            full = await uow.get_inquiry(listed.id)
            if full is not None:
                thread = await uow.thread(full.id)
                blocks.append(_inquiry_block(full, thread, i18n, session.csrf_token))
    notice = f'<p class="notice" role="status">{html.escape(pesan)}</p>' if pesan else ""
    label = _labels(i18n)
    empty = f"<p>{label['empty']}</p>"
    heading = html.escape(f"{centre.name if centre else officer.centre_id} · {officer.name}")
    body = (
        f'<h1>{heading}</h1><form method="post" action="/petugas/keluar">'
        f"{_csrf_field(session.csrf_token)}<button>{label['sign_out']}</button></form>"
        f"{notice}" + ("".join(blocks) or empty)
    )
    return _page(i18n._("Meja petugas"), body)


async def _check_credentials(
    officer_id: int | None, secret: str, request: Request
) -> Officer | None:
    """Return the officer a code (or officer number and password) belongs to."""
    storage = _runtime(request).service.storage
    async with storage.unit_of_work() as uow:
        by_code = await uow.officer_by_code(code_hash(secret)) if secret.strip() else None
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
    if command is None or not (number.isascii() and number.isdecimal()):
        return RedirectResponse("/petugas", status_code=303)
    text = " ".join(filter(None, [command, number, form.get("text", "").strip()]))
    inbound = Inbound(DASHBOARD_CHANNEL, f"officer-{officer.id}", uuid.uuid4().hex, text=text)
    runtime = _runtime(request)
    replies = await runtime.service.engine.handle(inbound)
    runtime.sender.wake()  # a reply to the user was queued: deliver it now
    notice = " ".join(reply.text.split("\n", 1)[0] for reply in replies)[:300]
    return RedirectResponse(f"/petugas?pesan={quote(notice)}", status_code=303)
