"""The officers' web dashboard at /petugas: the centre's queue, claim, reply and close.

Officers sign in with an access code from `migrasi-aman officers code ID`; only its hash is
stored. Every action goes through the same engine as the chat commands (/ambil, /balas,
/selesai) on the dashboard channel, so the rules (own centre only, one holder) are the same.
"""

from __future__ import annotations

import hashlib
import html
import secrets
import uuid
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.i18n import Translations
from bot.inquiries import DASHBOARD_CHANNEL, Inquiry, Officer
from bot.messages import Inbound
from handlers.notify import inquiry_card

COOKIE = "petugas"
ACTIONS = {"ambil": "/ambil", "balas": "/balas", "selesai": "/selesai"}
MAX_FORM_BYTES = 8_000
dashboard = APIRouter(prefix="/petugas", include_in_schema=False)


def new_code() -> str:
    """Return a fresh access code, easy to type."""
    return secrets.token_urlsafe(12)


def code_hash(code: str) -> str:
    """Return the stored form of an access code."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


def _labels(i18n: Translations) -> dict[str, str]:
    """Return the dashboard's translated, HTML-escaped labels (kept out of f-strings for Babel)."""
    labels = {
        "title": i18n._("Meja petugas Pusat Layanan Migrasi"),
        "code": i18n._("Kode akses"),
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
    }
    return {key: html.escape(value) for key, value in labels.items()}


def _runtime(request: Request) -> Any:
    return request.app.state.runtime


async def _form(request: Request) -> dict[str, str]:
    """Parse a small url-encoded form body (no multipart dependency needed)."""
    body = (await request.body())[:MAX_FORM_BYTES].decode("utf-8", errors="replace")
    return {key: values[0] for key, values in parse_qs(body).items()}


async def _officer(request: Request) -> Officer | None:
    """Return the signed-in officer, if the cookie holds a valid code."""
    code = request.cookies.get(COOKIE)
    if not code:
        return None
    async with _runtime(request).service.storage.unit_of_work() as uow:
        return await uow.officer_by_code(code_hash(code))


def _page(title: str, body: str) -> HTMLResponse:
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
button{{padding:.5rem 1rem;font-size:1rem}} .notice{{background:#e8f5e9;padding:.75rem}}
.thread{{background:#f4f4f4;padding:.5rem;margin:.5rem 0}}
</style></head><body>{body}</body></html>"""
    )


def _login(i18n: Translations, problem: str = "") -> HTMLResponse:
    """Return the sign-in page."""
    note = f'<p class="notice" role="alert">{html.escape(problem)}</p>' if problem else ""
    label = _labels(i18n)
    return _page(
        i18n._("Meja petugas"),
        f"""<h1>{label["title"]}</h1>{note}
<form method="post" action="/petugas/masuk">
<label for="code">{label["code"]}</label>
<input id="code" name="code" type="password" autocomplete="current-password" required>
<button type="submit">{label["sign_in"]}</button></form>""",
    )


def _inquiry_block(inquiry: Inquiry, thread: list[tuple[str, str, Any]], i18n: Translations) -> str:
    """Render one inquiry with its thread and the action forms."""
    number = inquiry.id
    holder = (
        i18n._("diambil {name}").format(name=inquiry.claimed_by_name or "-")
        if inquiry.status == "claimed"
        else i18n._("belum diambil")
    )
    label = _labels(i18n)
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
<form method="post" action="/petugas/aksi"><input type="hidden" name="id" value="{number}">
<input type="hidden" name="action" value="ambil">
<button>{label["claim"]}</button></form>
<form method="post" action="/petugas/aksi" style="display:block">
<input type="hidden" name="id" value="{number}"><input type="hidden" name="action" value="balas">
<label for="r{number}">{label["reply_label"]}</label>
<textarea id="r{number}" name="text" required></textarea>
<button>{label["reply"]}</button></form>
<form method="post" action="/petugas/aksi" style="display:block">
<input type="hidden" name="id" value="{number}"><input type="hidden" name="action" value="selesai">
<label for="n{number}">{label["note"]}</label>
<input id="n{number}" name="text">
<button>{label["close"]}</button></form></article>"""


@dashboard.get("")
async def board(request: Request, pesan: str = "") -> Response:
    """Show the signed-in officer's queue, or the sign-in page."""
    i18n = _runtime(request).service.translator.for_locale("id")
    officer = await _officer(request)
    if officer is None:
        return _login(i18n)
    async with _runtime(request).service.storage.unit_of_work() as uow:
        centre = await uow.centre(officer.centre_id)
        queue = await uow.queue(officer.centre_id)
        blocks = []
        for listed in queue:
            full = await uow.get_inquiry(listed.id)
            if full is not None:
                blocks.append(_inquiry_block(full, await uow.thread(full.id), i18n))
    notice = f'<p class="notice" role="status">{html.escape(pesan)}</p>' if pesan else ""
    label = _labels(i18n)
    empty = f"<p>{label['empty']}</p>"
    heading = html.escape(f"{centre.name if centre else officer.centre_id} · {officer.name}")
    body = (
        f'<h1>{heading}</h1><form method="post" action="/petugas/keluar">'
        f"<button>{label['sign_out']}</button></form>{notice}" + ("".join(blocks) or empty)
    )
    return _page(i18n._("Meja petugas"), body)


@dashboard.post("/masuk")
async def sign_in(request: Request) -> Response:
    """Check an access code and keep it in a same-site, HTTP-only cookie."""
    code = (await _form(request)).get("code", "")
    i18n = _runtime(request).service.translator.for_locale("id")
    async with _runtime(request).service.storage.unit_of_work() as uow:
        officer = await uow.officer_by_code(code_hash(code)) if code else None
    if officer is None:
        return _login(i18n, i18n._("Kode akses salah atau sudah tidak berlaku."))
    response = RedirectResponse("/petugas", status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(COOKIE, code.strip(), httponly=True, samesite="strict", secure=secure)
    return response


@dashboard.post("/keluar")
async def sign_out() -> Response:
    """Forget the access code."""
    response = RedirectResponse("/petugas", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@dashboard.post("/aksi")
async def act(request: Request) -> Response:
    """Run one officer action through the engine, as the chat command would."""
    officer = await _officer(request)
    if officer is None:
        return RedirectResponse("/petugas", status_code=303)
    form = await _form(request)
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
