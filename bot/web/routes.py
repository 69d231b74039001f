"""HTTP routes: health, the WhatsApp and Telegram webhooks, the web chat page and its JSON API."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse
from sqlalchemy import text

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
from storage.database import migrations_current
from storage.history import chat_history, forget_chat
from storage.outbox import take_pending

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
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


@router.get("/healthz", tags=["health"])
async def healthz(request: Request) -> JSONResponse:
    """Report whether the database answers and its schema is current."""
    database = _runtime(request).service.database
    try:
        async with database.connect() as connection:
            await connection.execute(text("SELECT 1"))
        current = await migrations_current(database)
    except Exception:
        log.exception("health check failed")
        return JSONResponse({"status": "error", "database": False}, status_code=503)
    status = 200 if current else 503
    body = {"status": "ok" if current else "error", "database": True, "migrations": current}
    return JSONResponse(body, status_code=status)


@router.get("/webhooks/whatsapp", tags=["whatsapp"], response_class=PlainTextResponse)
async def whatsapp_verify(request: Request) -> PlainTextResponse:
    """Answer Meta's verification handshake with hub.challenge."""
    token = _secret(_runtime(request).settings.whatsapp_verify_token)
    challenge = whatsapp_challenge(dict(request.query_params), token)
    if challenge is None:
        return PlainTextResponse("Forbidden", status_code=403)
    return PlainTextResponse(challenge)


@router.post("/webhooks/whatsapp", tags=["whatsapp"])
async def whatsapp_webhook(request: Request) -> dict[str, bool]:
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
    await runtime.whatsapp.handle(await _json_body(request))
    return {"ok": True}


@router.post("/webhooks/telegram", tags=["telegram"])
async def telegram_webhook(request: Request) -> dict[str, bool]:
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
    await telegram.feed(data)
    return {"ok": True}


@router.post("/api/chat", tags=["web chat"])
async def chat(message: ChatRequest, request: Request) -> ChatResponse:
    """Answer one web chat message; repeating a message_id repeats the answer."""
    return await _runtime(request).web.handle(message)


@router.get("/api/chat/inbox", tags=["web chat"])
async def chat_inbox(
    request: Request, user_id: str = Query(pattern=USER_ID_PATTERN)
) -> ChatResponse:
    """Return (once) the messages queued for a web chat user, such as an officer's answer."""
    service = _runtime(request).service
    pending = await take_pending(
        service.database, Recipient(Channel.WEB, user_id), service.storage.clock()
    )
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
    runtime.web.forget(message.user_id)
    return {"ok": True}


@router.get("/", include_in_schema=False)
async def index() -> FileResponse:
    """Serve the web chat page."""
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html")
