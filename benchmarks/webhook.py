"""Webhook throughput: signed WhatsApp text deliveries through the real app, on a temp SQLite file.

Run: .venv/bin/python benchmarks/webhook.py [--messages 500] [--concurrency 8] [--database-url URL]
Measures the request path only (parse, verify, claim, engine turn, outbox write); delivery
to the platform happens later in the sender and is not part of a webhook's latency.

With --batch N (e.g. 1800) it posts ONE delivery of N messages from --senders phones and
reports how long the acknowledgement took (the messages stored in the inbound queue) and
how long until every message's turn had run and its replies were queued (the worker);
add --queue-over 100000 to time the old way, every turn inside the request.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bot.config import Settings
from bot.web.app import create_app

SECRET = "benchmark-app-secret"
QUESTIONS = [
    "berapa umur minimal jadi tkw",
    "paspor sy ditahan agen gmn",
    "cara cek pt resmi",
    "biaya ke taiwan brp",
    "halo",
    "lowongan admin di kamboja gaji gede aman?",
]


def message(number: int, senders: int) -> dict[str, object]:
    """Return one WhatsApp text message from one of `senders` phones."""
    return {
        "from": f"62810{number % senders:07d}",
        "id": f"wamid.batch.{number}",
        "timestamp": "1763890000",
        "type": "text",
        "text": {"body": QUESTIONS[number % len(QUESTIONS)]},
    }


def batch_delivery(messages: int, senders: int) -> bytes:
    """Return one delivery carrying `messages` messages."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550000000", "phone_number_id": "100000000000002"},
        "messages": [message(n, senders) for n in range(messages)],
    }
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"value": value, "field": "messages"}]}],
    }
    return json.dumps(payload, separators=(",", ":")).encode()


def signed(body: bytes) -> dict[str, str]:
    """Return the headers of a signed delivery."""
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": signature, "Content-Type": "application/json"}


async def run_batch(messages: int, senders: int, queue_over: int, database_url: str | None) -> None:
    """Post one large delivery; time its acknowledgement and the worker's turns."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}",
            whatsapp_app_secret=SECRET,
            rate_limit_per_minute=10_000,
            max_body_bytes=10_000_000,
            inbound_queue_over=queue_over,
        )
        app = create_app(settings, run_sender=False)
        async with app.router.lifespan_context(app):
            runtime = app.state.runtime
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                warm = delivery(10**6)
                (await client.post("/webhooks/whatsapp", content=warm, headers=signed(warm)))
                body = batch_delivery(messages, senders)
                began = time.perf_counter()
                response = await client.post(
                    "/webhooks/whatsapp", content=body, headers=signed(body)
                )
                acknowledged = time.perf_counter() - began
                response.raise_for_status()
                stored = (await runtime.inbound.queue.health()).backlog
                worked = await runtime.inbound.work_due()
                answered = time.perf_counter() - began
                left = (await runtime.inbound.queue.health()).backlog
                queued = len(await runtime.service.outbox.rows())
    backend = "PostgreSQL" if database_url else "SQLite"
    print(f"one delivery of {messages} messages from {senders} phones, {backend}")
    print(f"acknowledged (200) after {acknowledged:.2f} s with {stored} messages queued")
    print(f"every turn run after {answered:.1f} s ({worked} by the worker, {left} left)")
    print(f"{messages / answered:.0f} messages/s end to end; outbox rows queued: {queued}")


def delivery(number: int) -> bytes:
    """Return one WhatsApp Cloud API text delivery from its own sender."""
    message = {
        "from": f"62810{number:07d}",
        "id": f"wamid.bench.{number}",
        "timestamp": "1763890000",
        "type": "text",
        "text": {"body": QUESTIONS[number % len(QUESTIONS)]},
    }
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550000000", "phone_number_id": "100000000000002"},
        "contacts": [{"profile": {"name": "Bench"}, "wa_id": message["from"]}],
        "messages": [message],
    }
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"value": value, "field": "messages"}]}],
    }
    return json.dumps(payload, separators=(",", ":")).encode()


async def run(messages: int, concurrency: int, database_url: str | None) -> None:
    """Post the deliveries with bounded concurrency and print throughput and latency."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}",
            whatsapp_app_secret=SECRET,
            rate_limit_per_minute=10_000,
        )
        app = create_app(settings, run_sender=False)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                bodies = [delivery(n) for n in range(messages)]
                latencies: list[float] = []
                gate = asyncio.Semaphore(concurrency)

                async def post(body: bytes) -> None:
                    signature = (
                        "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                    )
                    headers = {"X-Hub-Signature-256": signature, "Content-Type": "application/json"}
                    async with gate:
                        start = time.perf_counter()
                        response = await client.post(
                            "/webhooks/whatsapp", content=body, headers=headers
                        )
                        latencies.append((time.perf_counter() - start) * 1000)
                    response.raise_for_status()

                await post(delivery(10**6))  # warm-up: first turn loads lazily built parts
                latencies.clear()
                began = time.perf_counter()
                await asyncio.gather(*(post(body) for body in bodies))
                elapsed = time.perf_counter() - began
                queued = len(await app.state.runtime.service.outbox.rows())
    latencies.sort()
    backend = "PostgreSQL" if database_url else "SQLite"
    print(f"{messages} signed deliveries, concurrency {concurrency}, {backend}")
    print(f"throughput: {messages / elapsed:.0f} deliveries/s")
    print(
        f"latency: p50 {statistics.median(latencies):.1f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99) - 1]:.1f} ms"
    )
    print(f"outbox rows queued: {queued}")


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--database-url", help="an empty PostgreSQL database (default: temp SQLite)"
    )
    parser.add_argument("--batch", type=int, help="post one delivery of this many messages")
    parser.add_argument("--senders", type=int, default=200, help="phones in the batch")
    parser.add_argument("--queue-over", type=int, default=20, help="MIGRASI_INBOUND_QUEUE_OVER")
    args = parser.parse_args()
    if args.batch:
        asyncio.run(run_batch(args.batch, args.senders, args.queue_over, args.database_url))
        return
    asyncio.run(run(args.messages, args.concurrency, args.database_url))


if __name__ == "__main__":
    main()
