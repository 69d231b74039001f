"""The desk's review page for supervisors and administrators: the learning loop's unlabelled
messages, most frequent first, each labelled with a topic, out_of_scope, urgent or calm through
the same code as `migrasi-aman review assign`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from bot.i18n import Translations
from bot.review import OUT_OF_SCOPE_LABEL
from bot.review_cli import assign
from bot.web.dashboard import (
    _checked_post,
    _i18n,
    _login,
    _refused,
    _runtime,
    _session,
    desk_header,
)
from bot.web.templating import render
from knowledge.learned import LEARNED_PATH
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
    return render(
        request,
        "desk/review.html",
        i18n,
        title=i18n._("Tinjau pertanyaan"),
        header=desk_header(session, centre.name if centre else session.officer.centre_id, i18n),
        notice=pesan,
        items=items,
        labels=_labels(request, i18n),
        kinds={"not_sure": i18n._("bot tidak yakin"), "check": i18n._("mungkin bahaya")},
        csrf=session.csrf_token,
    )


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
        _runtime(request).service.knowledge.names,
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
