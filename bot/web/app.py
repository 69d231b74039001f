"""Web app factory and `serve`: the composition root of the channels, sender and routes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from bot.channels.common import RateLimiter
from bot.channels.gateway import ChannelGateway
from bot.channels.sender import OutboxSender, Transport
from bot.channels.telegram import TelegramChannel, TelegramSender
from bot.channels.web import WebChat
from bot.channels.whatsapp import WhatsAppChannel
from bot.channels.whatsapp_api import WhatsAppSender
from bot.composition import Service, build_service
from bot.config import Settings
from bot.followup import follow_up
from bot.web.dashboard import dashboard
from bot.web.desk_review import review_page
from bot.web.desk_stats import statistics
from bot.web.limits import BodySizeLimit
from bot.web.routes import STATIC_DIR, router
from storage.retention import purge_expired

log = logging.getLogger(__name__)

ServiceBuilder = Callable[[Settings], Awaitable[Service]]


@dataclass
class Runtime:
    """What the routes need, built in the lifespan."""

    settings: Settings
    service: Service
    gateway: ChannelGateway
    web: WebChat
    sender: OutboxSender
    whatsapp: WhatsAppChannel | None = None
    telegram: TelegramChannel | None = None
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


def _secret(value: object) -> str | None:
    """Return the plain value of an optional SecretStr."""
    getter = getattr(value, "get_secret_value", None)
    return getter() if getter is not None else None


def _whatsapp(
    settings: Settings, service: Service, transport: httpx.AsyncBaseTransport | None
) -> WhatsAppSender | None:
    """Build the WhatsApp sender when its credentials are configured."""
    token = _secret(settings.whatsapp_access_token)
    if not token or not settings.whatsapp_phone_number_id:
        return None
    return WhatsAppSender(
        settings.whatsapp_api_base,
        settings.whatsapp_phone_number_id,
        token,
        service.translator,
        settings.whatsapp_reopen_template,
        settings.whatsapp_template_language,
        shorten=service.outbox.shorten_payload,
        transport=transport,
    )


async def _telegram(
    settings: Settings, service: Service, gateway: ChannelGateway
) -> TelegramChannel | None:
    """Start Telegram (webhook or polling) when a token is configured; log and go on if it fails."""
    token = _secret(settings.telegram_token)
    if not token:
        return None
    channel = TelegramChannel(
        token,
        settings.telegram_api_base,
        gateway,
        service.outbox,
        webhook_url=settings.telegram_webhook_url,
        webhook_secret=_secret(settings.telegram_webhook_secret),
    )
    if settings.telegram_webhook_url and settings.telegram_webhook_secret is None:
        log.warning("Telegram webhook without MIGRASI_TELEGRAM_WEBHOOK_SECRET: anyone can post")
    try:
        await channel.start()
    except Exception:
        log.exception("Telegram could not start; the web chat and WhatsApp keep running")
        return None
    return channel


def create_app(
    settings: Settings,
    *,
    build: ServiceBuilder = build_service,
    whatsapp_transport: httpx.AsyncBaseTransport | None = None,
    run_sender: bool = True,
) -> FastAPI:
    """Return the FastAPI app; the lifespan migrates, builds the service and starts the channels."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = await build(settings)
        sender = OutboxSender(service.outbox, [])
        limiter = RateLimiter(settings.rate_limit_per_minute, service.storage.clock)
        gateway = ChannelGateway(
            service.engine,
            service.outbox,
            service.translator,
            limiter,
            settings.max_input_chars,
            sender.wake,
        )
        runtime = Runtime(settings, service, gateway, WebChat(gateway), sender)
        transports: list[Transport] = []
        if settings.whatsapp_app_secret is not None:
            runtime.whatsapp = WhatsAppChannel(gateway, service.outbox)
        whatsapp_sender = _whatsapp(settings, service, whatsapp_transport)
        if whatsapp_sender is not None:
            transports.append(whatsapp_sender)
            runtime.closers.append(whatsapp_sender.close)
        runtime.telegram = await _telegram(settings, service, gateway)
        if runtime.telegram is not None:
            transports.append(TelegramSender(runtime.telegram.bot, service.outbox))
            runtime.closers.append(runtime.telegram.stop)
        sender.transports = {transport.channel: transport for transport in transports}
        if run_sender:
            sender.start()
            followups = asyncio.create_task(
                _follow_up_forever(service, sender.wake), name="inquiry-follow-up"
            )
            runtime.closers.append(lambda: _cancel(followups))
        app.state.runtime = runtime
        try:
            yield
        finally:
            await sender.stop()
            for close in reversed(runtime.closers):
                try:
                    await close()
                except Exception:
                    log.exception("shutdown step failed")
            await service.close()

    app = FastAPI(
        title="migrasi-aman",
        summary="Safe-migration chatbot: Telegram and WhatsApp webhooks, web chat, health.",
        lifespan=lifespan,
    )
    app.include_router(router)
    app.include_router(dashboard)
    app.include_router(statistics)
    app.include_router(review_page)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app


FOLLOW_UP_EVERY_SECONDS = 60.0


PURGE_EVERY = timedelta(days=1)


async def _follow_up_forever(service: Service, wake: Callable[[], None]) -> None:
    """Remind and escalate unclaimed inquiries every minute, and purge expired data daily."""
    last_purge: datetime | None = None
    while True:
        now = service.storage.clock()
        try:
            result = await follow_up(service.storage, now, service.translator)
            if result.reminded or result.escalated:
                wake()  # notices were queued: deliver them now
            if last_purge is None or now - last_purge >= PURGE_EVERY:
                await purge_expired(service.storage, now, service.settings.retention_days)
                last_purge = now
        except Exception:
            log.exception("follow-up round failed")
        await asyncio.sleep(FOLLOW_UP_EVERY_SECONDS)


async def _cancel(task: asyncio.Task[None]) -> None:
    """Cancel a background task and wait for it."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Run the web service with uvicorn until interrupted (blocking)."""
    logging.basicConfig(level=settings.log_level)
    config = uvicorn.Config(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
        # Only these proxies may set the client address and scheme (desk lockout, Secure).
        forwarded_allow_ips=settings.trusted_proxies,
        # Access lines would print query strings: the web chat's browser id and Meta's
        # verify token. The app logs what it needs, with ids hashed.
        access_log=False,
    )
    uvicorn.Server(config).run()
