"""The desk's review page for supervisors and administrators: the learning loop's unlabelled
messages, most frequent first, each labelled with a topic, out_of_scope, urgent or calm through
the same code as `migrasi-aman review assign`."""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from bot.i18n import Translations
from bot.review import OUT_OF_SCOPE_LABEL
from bot.review_cli import assign
from bot.web.dashboard import (
    _checked_post,
    _csrf_field,
    _header,
    _i18n,
    _login,
    _notice,
    _page,
    _refused,
    _runtime,
    _session,
)
from knowledge.learned import LEARNED_PATH
from storage.desk import DeskSession
from storage.review import ReviewQueue

review_page = APIRouter(prefix="/petugas", include_in_schema=False)

REVIEWERS = frozenset({"supervisor", "admin"})
PAGE_SIZE = 50


def learned_path(request: Request) -> Path:
    """Return the learned-examples file the page appends to (tests point it elsewhere)."""
    return getattr(request.app.state, "learned_path", LEARNED_PATH)


def _labels(request: Request, i18n: Translations) -> list[tuple[str, str]]:
    """Return the labels a reviewer may choose: the safety labels, out of scope, topics."""
    topics = sorted(
        (topic.id, f"{topic.title_for('id')} ({topic.id})")
        for topic in _runtime(request).service.knowledge.topics.values()
    )
    return [
        ("", i18n._("Pilih label")),
        ("urgent", i18n._("Mendesak (orang dalam bahaya)")),
        ("calm", i18n._("Tidak mendesak")),
        (OUT_OF_SCOPE_LABEL, i18n._("Di luar cakupan bot")),
        *topics,
    ]


def _item_form(
    session: DeskSession,
    item_id: int,
    text: str | None,
    labels: list[tuple[str, str]],
    i18n: Translations,
) -> str:
    """Return one item's labelling form (a text box when the text was not stored)."""
    options = "".join(
        f'<option value="{html.escape(value)}">{html.escape(name)}</option>'
        for value, name in labels
    )
    words = {
        "text": html.escape(i18n._("Teks")),
        "label": html.escape(i18n._("Label")),
        "save": html.escape(i18n._("Simpan label")),
    }
    text_box = (
        ""
        if text
        else f'<label for="t{item_id}">{words["text"]}</label>'
        f'<input id="t{item_id}" name="text" maxlength="1000">'
    )
    return (
        f'<form method="post" action="/petugas/tinjau" class="actions">'
        f"{_csrf_field(session.csrf_token)}"
        f'<input type="hidden" name="item" value="{item_id}">{text_box}'
        f'<label for="l{item_id}">{words["label"]}</label>'
        f'<select id="l{item_id}" name="label" required>{options}</select>'
        f"<button>{words['save']}</button></form>"
    )


@review_page.get("/tinjau")
async def review_list(request: Request, pesan: str = "") -> Response:
    """List the unlabelled review items, most frequent first."""
    i18n = _i18n(request)
    session = await _session(request)
    if session is None:
        return _login(request)
    if session.officer.role not in REVIEWERS:
        return _refused(request, i18n._("Halaman ini hanya untuk supervisor dan administrator."))
    storage = _runtime(request).service.storage
    items = await ReviewQueue(storage.engine).pending(PAGE_SIZE)
    async with storage.unit_of_work() as uow:
        centre = await uow.centre(session.officer.centre_id)
    labels = _labels(request, i18n)
    hidden = i18n._("(teks tidak disimpan: pengguna tidak setuju; tulis ulang jika Anda tahu)")
    kinds = {"not_sure": i18n._("bot tidak yakin"), "check": i18n._("mungkin bahaya")}
    times = i18n._("{count} kali")
    rows = "".join(
        f'<article aria-labelledby="r{item.id}"><h2 id="r{item.id}">#{item.id} · '
        f"{html.escape(times.format(count=item.count))} · "
        f"{html.escape(kinds.get(item.kind, item.kind))}</h2>"
        f"<p>{html.escape(item.text or hidden)}</p>"
        f"{_item_form(session, item.id, item.text, labels, i18n)}</article>"
        for item in items
    )
    empty = "<p>" + html.escape(i18n._("Tidak ada pertanyaan yang perlu ditinjau.")) + "</p>"
    body = (
        _header(session, centre.name if centre else session.officer.centre_id, i18n)
        + "<h1>"
        + html.escape(i18n._("Tinjau pertanyaan yang belum dipahami bot"))
        + "</h1>"
        + _notice(pesan)
        + (rows or empty)
    )
    return _page(i18n._("Tinjau pertanyaan"), body)


@review_page.post("/tinjau")
async def review_assign(request: Request) -> Response:
    """Label one item, as `migrasi-aman review assign` does."""
    checked = await _checked_post(request)
    if isinstance(checked, Response):
        return checked
    session, form = checked
    i18n = _i18n(request)
    if session.officer.role not in REVIEWERS:
        return _refused(request, i18n._("Halaman ini hanya untuk supervisor dan administrator."))
    number = form.get("item", "")
    item_id = int(number) if number.isascii() and number.isdecimal() and len(number) < 10 else 0
    label = form.get("label", "")
    storage = _runtime(request).service.storage
    problem = await assign(
        ReviewQueue(storage.engine),
        item_id,
        label,
        form.get("text", "")[:1000],
        set(_runtime(request).service.knowledge.topics),
        storage.clock(),
        learned_path(request),
    )
    messages = {
        "item": i18n._("Pertanyaan itu tidak ada di antrian tinjauan."),
        "label": i18n._("Pilih label dari daftar."),
        "text": i18n._("Teksnya tidak disimpan; tulis teksnya dulu."),
    }
    notice = (
        messages[problem]
        if problem
        else i18n._("#{id} diberi label {label}.").format(id=item_id, label=label)
    )
    return RedirectResponse(f"/petugas/tinjau?pesan={quote(notice)}", status_code=303)
