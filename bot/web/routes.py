"""HTTP routes: health, the WhatsApp and Telegram webhooks, the web chat page and its JSON API."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse
from sqlalchemy import text

from bot.channels.common import slow_down_message
from bot.channels.telegram import SECRET_HEADER, secret_matches
from bot.channels.web import (
    USER_ID_PATTERN,
    ChatRequest,
    ChatResponse,
    ForgetRequest,
    HistoryItem,
    HistoryResponse,
    reply_out,
)
from bot.channels.whatsapp import SIGNATURE_HEADER, SignatureCheck, check_signature
from bot.channels.whatsapp import handshake_challenge as whatsapp_challenge
from bot.messages import Channel, Recipient
from knowledge.safety import assess
from storage.errors import is_unavailable
from storage.history import chat_history, forget_chat
from storage.outbox import take_pending

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"description": "The database is unavailable: nothing was stored, send it again later"}
}
router = APIRouter()


def _runtime(request: Request) -> Any:
    """Return the runtime the lifespan built."""
    return request.app.state.runtime


def _secret(value: Any) -> str | None:
    """Return the plain value of an optional SecretStr."""
    return value.get_secret_value() if value is not None else None


async def _json_body(request: Request) -> Any:
    """Parse the raw body as JSON, or answer 400."""
    try:
        return json.loads(await request.body())
    except (ValueError, UnicodeDecodeError) as error:
        raise HTTPException(400, "body is not JSON") from error


def _unavailable(request: Request) -> JSONResponse:
    """Answer 503 when the database is unavailable: platforms and the web chat retry later."""
    i18n = _runtime(request).service.translator.for_locale("id")
    text = i18n._(
        "Maaf, layanan sedang sibuk. Pesan Anda belum kami terima; "
        "silakan kirim lagi sebentar lagi."
    )
    return JSONResponse({"detail": text}, status_code=503, headers={"Retry-After": "5"})


@router.get("/healthz", tags=["health"])
async def healthz(request: Request) -> JSONResponse:
    """Report whether the database answers (SELECT 1) and the schema checked at start."""
    runtime = _runtime(request)
    try:
        async with runtime.service.database.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:
        log.error("health check failed: %s", type(error).__name__)
        return JSONResponse({"status": "error", "database": False}, status_code=503)
    # The migration head was checked once when the app started; a schema does not
    # change under a running process, and Alembic's check costs ten SELECT 1s.
    current = runtime.migrations_current
    status = 200 if current else 503
    body = {"status": "ok" if current else "error", "database": True, "migrations": current}
    return JSONResponse(body, status_code=status)


@router.get("/readyz", tags=["health"])
async def readyz(request: Request) -> JSONResponse:
    """Report delivery (backlog, oldest pending age, held, failed) and the inbound queue."""
    runtime = _runtime(request)
    try:
        health = await runtime.service.outbox.health()
        inbound = await runtime.inbound.queue.health()
    except Exception as error:
        if not is_unavailable(error):
            raise
        log.warning("readiness check: database unavailable")
        return JSONResponse({"status": "error", "database": False}, status_code=503)
    oldest = health.oldest_pending_seconds
    body = {
        "status": "ok",
        "database": True,
        "outbox": {
            "backlog": health.backlog,
            "oldest_pending_seconds": None if oldest is None else round(oldest, 1),
            "held": health.held,
            "failed": health.failed,
        },
        # Messages acknowledged to their platform whose turns have not run yet, and those
        # parked after failing for good (apologised for; an officer should look at them).
        "inbound_queue": {
            "backlog": inbound.backlog,
            "oldest_seconds": None
            if inbound.oldest_seconds is None
            else round(inbound.oldest_seconds, 1),
            "parked": inbound.parked,
        },
    }
    return JSONResponse(body)


@router.get("/webhooks/whatsapp", tags=["whatsapp"], response_class=PlainTextResponse)
async def whatsapp_verify(request: Request) -> PlainTextResponse:
    """Answer Meta's verification handshake with hub.challenge."""
    token = _secret(_runtime(request).settings.whatsapp_verify_token)
    challenge = whatsapp_challenge(dict(request.query_params), token)
    if challenge is None:
        return PlainTextResponse("Forbidden", status_code=403)
    return PlainTextResponse(challenge)


@router.post("/webhooks/whatsapp", tags=["whatsapp"], responses=UNAVAILABLE)
async def whatsapp_webhook(request: Request) -> Any:
    """Check the signature of the raw body, then record and answer the delivery."""
    runtime = _runtime(request)
    secret = _secret(runtime.settings.whatsapp_app_secret)
    if runtime.whatsapp is None or secret is None:
        raise HTTPException(404, "WhatsApp is not configured")
    raw = await request.body()
    check = check_signature(raw, request.headers.get(SIGNATURE_HEADER), secret)
    if check is SignatureCheck.MISSING:
        raise HTTPException(401, "missing signature")
    if check is SignatureCheck.INVALID:
        raise HTTPException(403, "wrong signature")
    data = await _json_body(request)
    try:
        await runtime.whatsapp.handle(data)
    except Exception as error:
        if is_unavailable(error):
            return _unavailable(request)
        raise
    return {"ok": True}


@router.post("/webhooks/telegram", tags=["telegram"], responses=UNAVAILABLE)
async def telegram_webhook(request: Request) -> Any:
    """Check the secret token header, then feed the update to the Telegram application."""
    runtime = _runtime(request)
    telegram = runtime.telegram
    if telegram is None or not telegram.webhook_url:
        raise HTTPException(404, "Telegram webhook is not configured")
    if not secret_matches(request.headers.get(SECRET_HEADER), telegram.webhook_secret):
        raise HTTPException(403, "wrong secret token")
    data = await _json_body(request)
    if not isinstance(data, dict):
        raise HTTPException(400, "an update is a JSON object")
    try:
        await telegram.feed(data)
    except Exception as error:
        if is_unavailable(error):
            return _unavailable(request)
        raise
    return {"ok": True}


@router.post(
    "/api/chat",
    tags=["web chat"],
    response_model=ChatResponse,
    responses={**UNAVAILABLE, 429: {"description": "Too many messages from this address"}},
)
async def chat(message: ChatRequest, request: Request) -> Any:
    """Answer one web chat message; repeating a message_id repeats the answer."""
    runtime = _runtime(request)
    address = request.client.host if request.client else "unknown"
    try:
        # Someone in danger is never turned away; everyone else shares their address's
        # limits, counted in the database so that every worker enforces the same ones.
        if (
            not await runtime.web_guard.allows(address, message.user_id)
            and not assess(message.text or "").urgent
        ):
            text = slow_down_message(runtime.service.translator).text
            return JSONResponse({"detail": text}, status_code=429, headers={"Retry-After": "60"})
        return await runtime.web.handle(message)
    except Exception as error:
        if is_unavailable(error):
            return _unavailable(request)
        raise


@router.get(
    "/api/chat/inbox", tags=["web chat"], response_model=ChatResponse, responses=UNAVAILABLE
)
async def chat_inbox(request: Request, user_id: str = Query(pattern=USER_ID_PATTERN)) -> Any:
    """Return (once) the messages queued for a web chat user, such as an officer's answer."""
    service = _runtime(request).service
    try:
        pending = await take_pending(
            service.database, Recipient(Channel.WEB, user_id), service.storage.clock()
        )
    except Exception as error:
        if is_unavailable(error):
            return _unavailable(request)  # nothing was taken: the next poll gets it
        raise
    return ChatResponse(replies=[reply_out(message) for message in pending])


@router.get("/api/chat/history", tags=["web chat"])
async def chat_history_route(
    request: Request, user_id: str = Query(pattern=USER_ID_PATTERN)
) -> HistoryResponse:
    """Return this web chat's stored messages and whether an intake form is unfinished."""
    history = await chat_history(_runtime(request).service.database, Channel.WEB, user_id)
    return HistoryResponse(
        messages=[
            HistoryItem(who=entry.who, text=entry.text, at=entry.at, urgent=entry.urgent)
            for entry in history.entries
        ],
        locale=history.locale,
        unfinished_form=history.unfinished_form,
    )


@router.post("/api/chat/forget", tags=["web chat"])
async def chat_forget(message: ForgetRequest, request: Request) -> dict[str, bool]:
    """Quick exit: erase this web chat's stored messages and dialog on the server."""
    runtime = _runtime(request)
    await forget_chat(runtime.service.database, Channel.WEB, message.user_id)
    await runtime.web.forget(message.user_id)
    return {"ok": True}


@router.get("/", include_in_schema=False)
async def index() -> FileResponse:
    """Serve the web chat page."""
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html")
