"""Delivery as a role: the outbox sender and the periodic jobs, in `serve` or on their own."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

import httpx

from bot.channels.gateway import ChannelGateway
from bot.channels.inbound_worker import InboundWorker
from bot.channels.sender import OutboxSender, Pace, Transport
from bot.channels.telegram import TelegramSender
from bot.channels.whatsapp_api import WhatsAppSender
from bot.composition import Service, build_service
from bot.config import Settings, configure_logging
from bot.followup import follow_up
from storage.inbound_queue import SqlInboundQueue
from storage.rate_windows import SqlRateWindows
from storage.retention import purge_expired
from storage.scheduler import SqlScheduler

log = logging.getLogger(__name__)

FOLLOW_UP_EVERY = timedelta(minutes=1)
PURGE_EVERY = timedelta(days=1)
# How often a process asks whether a job is due; the job itself runs once per interval
# across all processes, whichever asks first.
JOB_TICK_SECONDS = 10.0
# Rate windows older than this are of no use to any limit.
RATE_WINDOW_KEEP = timedelta(hours=1)


def secret_value(value: object) -> str | None:
    """Return the plain value of an optional SecretStr."""
    getter = getattr(value, "get_secret_value", None)
    return getter() if getter is not None else None


def whatsapp_sender(
    settings: Settings, service: Service, transport: httpx.AsyncBaseTransport | None = None
) -> WhatsAppSender | None:
    """Build the WhatsApp sender when its credentials are configured."""
    token = secret_value(settings.whatsapp_access_token)
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


def outbox_sender(settings: Settings, service: Service) -> OutboxSender:
    """Build the outbox sender with the configured concurrency and platform pace."""
    sender = OutboxSender(
        service.outbox,
        [],
        poll_seconds=settings.sender_poll_seconds,
        translator=service.translator,
        concurrency=settings.sender_concurrency,
        lease=timedelta(seconds=settings.sender_lease_seconds),
    )
    sender.paces = {
        "whatsapp": Pace(settings.whatsapp_sends_per_second),
        "telegram": Pace(settings.telegram_sends_per_second),
    }
    return sender


def channel_gateway(
    settings: Settings, service: Service, wake: Callable[[], None]
) -> ChannelGateway:
    """Build the gateway into the engine, with the per-sender limit counted in the database."""
    return ChannelGateway(
        service.engine,
        service.translator,
        settings.rate_limit_per_minute,
        settings.max_input_chars,
        wake,
    )


def inbound_worker(settings: Settings, service: Service, gateway: ChannelGateway) -> InboundWorker:
    """Build the worker of the inbound queue with the configured concurrency and lease."""
    return InboundWorker(
        SqlInboundQueue(service.database, service.storage.clock),
        gateway,
        service.outbox.expand_payload,
        concurrency=settings.inbound_concurrency,
        lease=timedelta(seconds=settings.inbound_lease_seconds),
        poll_seconds=settings.sender_poll_seconds,
    )


def holder_name() -> str:
    """Return who runs a job, for the scheduler_runs row: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


async def run_jobs_once(
    service: Service, scheduler: SqlScheduler, wake: Callable[[], None]
) -> None:
    """Run the follow-up and purge jobs if this process wins their current interval."""
    now = service.storage.clock()
    if await scheduler.take("follow-up", FOLLOW_UP_EVERY):
        result = await follow_up(service.storage, now, service.translator)
        if result.reminded or result.escalated:
            wake()  # notices were queued: deliver them now
    if await scheduler.take("purge", PURGE_EVERY):
        await purge_expired(service.storage, now, service.settings.retention_days)
        windows = SqlRateWindows(service.database, service.storage.clock)
        await windows.forget_older_than(RATE_WINDOW_KEEP)


async def run_jobs_forever(service: Service, wake: Callable[[], None]) -> None:
    """Ask every few seconds whether a job is due; a failing round is logged and skipped."""
    scheduler = SqlScheduler(service.database, service.storage.clock, holder_name())
    while True:
        try:
            await run_jobs_once(service, scheduler, wake)
        except Exception:
            log.exception("periodic jobs failed")
        await asyncio.sleep(JOB_TICK_SECONDS)


@dataclass
class Delivery:
    """A running sender, inbound worker and job loop, with what must be closed after them."""

    sender: OutboxSender
    worker: InboundWorker | None = None
    jobs: asyncio.Task[None] | None = None
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def stop(self) -> None:
        """Stop the job loop, the worker and the sender, then close the transports."""
        if self.jobs is not None:
            self.jobs.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.jobs
        if self.worker is not None:
            await self.worker.stop()
        await self.sender.stop()
        for close in reversed(self.closers):
            try:
                await close()
            except Exception:
                log.exception("shutdown step failed")


async def start_delivery(
    settings: Settings, service: Service, transport: httpx.AsyncBaseTransport | None = None
) -> Delivery:
    """Start the sender on the configured platforms (sending only, no webhooks), the inbound
    queue's worker and the jobs."""
    sender = outbox_sender(settings, service)
    delivery = Delivery(sender)
    transports: list[Transport] = []
    whatsapp = whatsapp_sender(settings, service, transport)
    if whatsapp is not None:
        transports.append(whatsapp)
        delivery.closers.append(whatsapp.close)
    token = secret_value(settings.telegram_token)
    if token:
        from telegram import Bot

        base = settings.telegram_api_base.rstrip("/")
        bot = Bot(token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot")
        await bot.initialize()
        transports.append(TelegramSender(bot, service.outbox))
        delivery.closers.append(bot.shutdown)
    sender.transports = {item.channel: item for item in transports}
    sender.start()
    delivery.worker = inbound_worker(
        settings, service, channel_gateway(settings, service, sender.wake)
    )
    delivery.worker.start()
    delivery.jobs = asyncio.create_task(run_jobs_forever(service, sender.wake), name="jobs")
    return delivery


async def run_sender_process(settings: Settings) -> None:
    """Run delivery until SIGTERM or SIGINT: the `migrasi-aman sender` command."""
    configure_logging(settings.log_level)
    service = await build_service(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    delivery = await start_delivery(settings, service)
    log.info("sender running for %s", ", ".join(delivery.sender.transports) or "no platform")
    try:
        await stop.wait()
    finally:
        await delivery.stop()
        await service.close()
