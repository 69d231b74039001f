"""Web app factory and `serve`: the composition root of the channels, sender and routes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from bot.channels.delivery import (
    channel_gateway,
    inbound_worker,
    outbox_sender,
    run_jobs_forever,
    secret_value,
    whatsapp_sender,
)
from bot.channels.gateway import ChannelGateway
from bot.channels.inbound_worker import InboundWorker
from bot.channels.sender import OutboxSender, Transport
from bot.channels.telegram import TelegramChannel, TelegramSender
from bot.channels.web import WebChat
from bot.channels.whatsapp import WhatsAppChannel
from bot.composition import Service, build_service
from bot.config import Settings, configure_logging
from bot.web.dashboard import dashboard
from bot.web.desk_directory import directory
from bot.web.desk_review import review_page
from bot.web.desk_stats import statistics
from bot.web.limits import BodySizeLimit, SecurityHeaders
from bot.web.nodelay import PROTOCOL as NODELAY_PROTOCOL
from bot.web.routes import STATIC_DIR, router
from storage.database import migrations_current
from storage.rate_windows import SqlAddressGuard
from storage.web_replies import SqlWebReplies

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
    web_guard: SqlAddressGuard
    # Runs the turns of large deliveries stored in the inbound queue.
    inbound: InboundWorker
    whatsapp: WhatsAppChannel | None = None
    telegram: TelegramChannel | None = None
    # Checked once at start; /healthz reports it without asking Alembic again.
    migrations_current: bool = False
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


async def _telegram(
    settings: Settings, service: Service, gateway: ChannelGateway
) -> TelegramChannel | None:
    """Start Telegram (webhook or polling) when a token is configured; log and go on if it fails."""
    token = secret_value(settings.telegram_token)
    if not token:
        return None
    channel = TelegramChannel(
        token,
        settings.telegram_api_base,
        gateway,
        service.outbox,
        webhook_url=settings.telegram_webhook_url,
        webhook_secret=secret_value(settings.telegram_webhook_secret),
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
        sender = outbox_sender(settings, service)
        # Counted in the database, so every worker enforces the same per-sender limit.
        gateway = channel_gateway(settings, service, sender.wake)
        web = WebChat(gateway, SqlWebReplies(service.database, service.storage.clock))
        # Shared through the database too: N workers enforce one limit per address.
        guard = SqlAddressGuard(
            service.database,
            settings.web_rate_limit_per_address,
            settings.web_new_ids_per_address,
            service.storage.clock,
        )
        worker = inbound_worker(settings, service, gateway)
        runtime = Runtime(settings, service, gateway, web, sender, guard, worker)
        runtime.migrations_current = await migrations_current(service.database)
        transports: list[Transport] = []
        if settings.whatsapp_app_secret is not None:
            runtime.whatsapp = WhatsAppChannel(
                gateway, service.outbox, worker.queue, settings.inbound_queue_over, worker.wake
            )
        whatsapp = whatsapp_sender(settings, service, whatsapp_transport)
        if whatsapp is not None:
            transports.append(whatsapp)
            runtime.closers.append(whatsapp.close)
        runtime.telegram = await _telegram(settings, service, gateway)
        if runtime.telegram is not None:
            runtime.telegram.queue = worker.queue
            runtime.telegram.on_queued = worker.wake
            runtime.telegram.queue_updates = settings.inbound_queue_over == 0
            transports.append(TelegramSender(runtime.telegram.bot, service.outbox))
            runtime.closers.append(runtime.telegram.stop)
        sender.transports = {transport.channel: transport for transport in transports}
        if run_sender and settings.run_sender:
            # The single-machine default: this process delivers and runs the jobs too.
            sender.start()
            # The queued turns run where delivery runs: here, or in `migrasi-aman sender`.
            worker.start()
            jobs = asyncio.create_task(run_jobs_forever(service, sender.wake), name="jobs")
            runtime.closers.append(lambda: _cancel(jobs))
        app.state.runtime = runtime
        try:
            yield
        finally:
            await worker.stop()
            await sender.stop()
            for close in reversed(runtime.closers):
                try:
                    await close()
                except Exception:
                    log.exception("shutdown step failed")
            await service.close()

    # The API description helps an attacker more than a user in production: off unless asked.
    docs = settings.environment != "production" or settings.enable_docs
    app = FastAPI(
        title="migrasi-aman",
        summary="Safe-migration chatbot: Telegram and WhatsApp webhooks, web chat, health.",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.include_router(router)
    app.include_router(dashboard)
    app.include_router(statistics)
    app.include_router(review_page)
    app.include_router(directory)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    return app


async def _invalid_request(request: Request, error: Exception) -> JSONResponse:
    """Answer 422 naming the fields and problems, never echoing the input back.

    FastAPI's default echoes each bad value: that repeats personal text, and a lone
    surrogate in it cannot even be encoded (a 500).
    """
    problems = error.errors() if isinstance(error, RequestValidationError) else []
    detail = [
        {
            "loc": list(problem.get("loc", ())),
            "type": problem.get("type", ""),
            "msg": problem.get("msg", ""),
        }
        for problem in problems
    ]
    log.info("invalid request to %s: %s", request.url.path, [p["type"] for p in detail])
    return JSONResponse({"detail": detail}, status_code=422)


async def _cancel(task: asyncio.Task[None]) -> None:
    """Cancel a background task and wait for it."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def app_from_environment() -> FastAPI:
    """Build the app from MIGRASI_* variables: the factory each uvicorn worker calls."""
    settings = Settings()
    configure_logging(settings.log_level)
    return create_app(settings)


def serve(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    workers: int = 1,
    sender: bool = True,
) -> None:
    """Run the web service with uvicorn until interrupted (blocking).

    Each worker process builds its own app through app_from_environment, so settings
    reach the workers through the environment, as they reach this process.
    """
    if workers > 1 and settings.database_url.startswith("sqlite"):
        raise SystemExit(
            "serve --workers needs PostgreSQL (MIGRASI_DATABASE_URL=postgresql://...): "
            "SQLite takes one writer at a time, so extra workers only wait for it."
        )
    configure_logging(settings.log_level)
    options: dict[str, Any] = {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_level": settings.log_level.lower(),
        "proxy_headers": True,
        # Only these proxies may set the client address and scheme (desk lockout, Secure).
        "forwarded_allow_ips": settings.trusted_proxies,
        # Access lines would print query strings: the web chat's browser id and Meta's
        # verify token. The app logs what it needs, with ids hashed.
        "access_log": False,
        # Nagle's algorithm off on every connection (uvicorn leaves it on with --workers).
        "http": NODELAY_PROTOCOL,
        # asyncio's loop, not uvloop (installed for the sender): on uvloop with httptools the
        # web workers' CPU per message did not measurably drop, and the worker-kill test
        # (tests/web/test_process_faults.py) no longer caught a turn in flight.
        "loop": "asyncio",
    }
    if workers == 1:
        settings = settings.model_copy(update={"run_sender": settings.run_sender and sender})
        uvicorn.Server(uvicorn.Config(create_app(settings), **options)).run()
        return
    if not sender:
        os.environ["MIGRASI_RUN_SENDER"] = "false"  # read by every worker's Settings()
    uvicorn.run("bot.web.app:app_from_environment", factory=True, workers=workers, **options)
