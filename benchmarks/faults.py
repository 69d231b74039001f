"""Fault figures: database down, connections terminated, a 21-minute platform outage, erasure.

Run: .venv/bin/python benchmarks/faults.py [--database-url postgresql+asyncpg://...]
Everything is in process and bounded (loopback only, a Graph API stand-in, an injected
clock for the outage). The terminated-connections scenario needs PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the erasure scenario reuses the test's case and table scan

from bot.composition import Service, build_service  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.web.app import create_app  # noqa: E402
from storage.database import create_engine  # noqa: E402
from tests.faults import database_down  # noqa: E402

SECRET = "benchmark-app-secret"
WHATSAPP = {
    "whatsapp_app_secret": SECRET,
    "whatsapp_verify_token": "benchmark-verify-token",
    "whatsapp_access_token": "benchmark-access-token",
    "whatsapp_phone_number_id": "100000000000002",
    "whatsapp_api_base": "https://graph.bench/v21.0",
    "rate_limit_per_minute": 10_000,
}


@dataclass
class Clock:
    """The injected clock: real time unless moved by hand."""

    offset: timedelta = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@dataclass
class GraphStandIn:
    """Accepts every message unless down; remembers what each phone received."""

    down: bool = False
    received: dict[str, list[str]] = field(default_factory=dict)
    refused: int = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            self.refused += 1
            return httpx.Response(500, json={"error": {"code": 2}})
        body = json.loads(request.content)
        texts = self.received.setdefault(body["to"], [])
        texts.append(json.dumps(body, ensure_ascii=False))
        return httpx.Response(200, json={"messages": [{"id": f"wamid.{body['to']}.{len(texts)}"}]})


def delivery(phone: str, message_id: str, body: str) -> bytes:
    """Return one signed-to-be WhatsApp text delivery."""
    message = {"from": phone, "id": message_id, "type": "text", "text": {"body": body}}
    value = {"contacts": [{"wa_id": phone, "profile": {"name": "Bench"}}], "messages": [message]}
    payload = {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": value}]}]}
    return json.dumps(payload).encode()


def signed(body: bytes) -> dict[str, str]:
    """Return the headers of a correctly signed delivery."""
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


@asynccontextmanager
async def running(
    database_url: str, clock: Clock, api: GraphStandIn
) -> AsyncIterator[tuple[Service, httpx.AsyncClient, Any]]:
    """Build the service on a clean database and run the app with the stand-in."""
    if database_url.startswith("postgresql"):
        engine = create_engine(database_url)
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    settings = Settings(database_url=database_url, **WHATSAPP)
    service = await build_service(settings, clock=clock)

    async def reuse(_settings: Settings) -> Service:
        return service

    app = create_app(
        settings, build=reuse, whatsapp_transport=httpx.MockTransport(api), run_sender=False
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            yield service, client, app.state.runtime.sender


def summary(api: GraphStandIn, phones: list[str]) -> dict[str, int]:
    """Count answered, apology-only, unanswered and doubled users."""
    answered = apology_only = unanswered = doubled = 0
    for phone in phones:
        bodies = api.received.get(phone, [])
        if not bodies:
            unanswered += 1
        elif all("gangguan" in body for body in bodies):
            apology_only += 1
        else:
            answered += 1
        doubled += any(count > 1 for count in Counter(bodies).values())
    return {
        "users": len(phones),
        "answered": answered,
        "apology_only": apology_only,
        "unanswered": unanswered,
        "doubled": doubled,
    }


async def database_unreachable(database_url: str) -> dict[str, Any]:
    """Five deliveries while the database is unreachable, then the platform's redelivery."""
    clock, api = Clock(), GraphStandIn()
    phones = [f"6281300000{n:03d}" for n in range(5)]
    bodies = [delivery(phone, f"wamid.down.{phone}", "halo") for phone in phones]
    async with running(database_url, clock, api) as (service, client, sender):
        async with database_down(service):
            down = [
                (await client.post("/webhooks/whatsapp", content=b, headers=signed(b)))
                for b in bodies
            ]
        again = [
            (await client.post("/webhooks/whatsapp", content=b, headers=signed(b))) for b in bodies
        ]
        await sender.deliver_due()
    return {
        "scenario": "database unreachable during 5 deliveries",
        "while_down": dict(Counter(r.status_code for r in down)),
        "redelivered": dict(Counter(r.status_code for r in again)),
        **summary(api, phones),
    }


async def connections_terminated(database_url: str, users: int, every: float) -> dict[str, Any]:
    """Deliveries while every other backend of the database is terminated every `every` s."""
    clock, api = Clock(), GraphStandIn()
    phones = [f"6281400{n:06d}" for n in range(users)]
    database = make_url(database_url).database
    killer_engine = create_engine(database_url)
    statuses: Counter[int] = Counter()
    terminated = 0
    async with running(database_url, clock, api) as (_service, client, sender):
        stop = asyncio.Event()

        async def terminate() -> None:
            nonlocal terminated
            async with killer_engine.connect() as connection:
                while not stop.is_set():
                    result = await connection.execute(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = :db AND pid <> pg_backend_pid()"
                        ),
                        {"db": database},
                    )
                    terminated += sum(1 for (ok,) in result if ok)
                    await connection.commit()
                    await asyncio.sleep(every)

        async def deliver_loop() -> None:
            while not stop.is_set():
                try:
                    await sender.deliver_due()
                except Exception:  # the sender's own loop logs and goes on, as here
                    await asyncio.sleep(0.01)
                await asyncio.sleep(0.02)

        gate = asyncio.Semaphore(8)

        async def post(phone: str) -> None:
            body = delivery(phone, f"wamid.kill.{phone}", "cara cek pt resmi")
            for _ in range(50):  # Meta redelivers until it gets a 200
                async with gate:
                    response = await client.post(
                        "/webhooks/whatsapp", content=body, headers=signed(body)
                    )
                statuses[response.status_code] += 1
                if response.status_code == 200:
                    return
                await asyncio.sleep(0.1)

        tasks = [asyncio.create_task(terminate()), asyncio.create_task(deliver_loop())]
        await asyncio.gather(*(post(phone) for phone in phones))
        stop.set()
        await asyncio.gather(*tasks)
        clock.offset += timedelta(minutes=3)  # leases of sends cut short run out
        for _ in range(10):
            await sender.deliver_due()
    await killer_engine.dispose()
    return {
        "scenario": f"connections terminated every {every} s during {users} deliveries",
        "webhook_statuses": dict(statuses),
        "backends_terminated": terminated,
        **summary(api, phones),
    }


async def platform_outage(database_url: str) -> dict[str, Any]:
    """A 21-minute Graph API outage on the injected clock, 20 users waiting for replies."""
    clock, api = Clock(), GraphStandIn(down=True)
    phones = [f"6281500000{n:03d}" for n in range(20)]
    async with running(database_url, clock, api) as (_service, client, sender):
        for phone in phones:
            body = delivery(phone, f"wamid.out.{phone}", "halo")
            await client.post("/webhooks/whatsapp", content=body, headers=signed(body))
        for _ in range(63):  # 21 minutes in steps of 20 s
            await sender.deliver_due()
            clock.offset += timedelta(seconds=20)
        api.down = False
        recovered, after = clock.offset, None
        for _ in range(30):  # up to 10 minutes after recovery
            await sender.deliver_due()
            if len(api.received) == len(phones) and after is None:
                after = clock.offset - recovered
            clock.offset += timedelta(seconds=20)
        ready = (await client.get("/readyz")).json()
    return {
        "scenario": "21-minute platform outage",
        "refused_during_outage": api.refused,
        "all_delivered_within_s_of_recovery": after.total_seconds() if after else None,
        "readyz_outbox": ready["outbox"],
        **summary(api, phones),
    }


async def erasure(database_url: str) -> dict[str, Any]:
    """The test's whole case, /hapus, delivery of the goodbye, then every table scanned."""
    from tests.storage import test_erasure as case

    clock = Clock()
    settings = Settings(database_url=database_url)
    if database_url.startswith("postgresql"):
        engine = create_engine(database_url)
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    service = await build_service(settings, clock=clock)
    try:
        await case._a_whole_case(service)
        before = len(await case._hits(service))
        await case._user(service, "/hapus")
        await case._user(service, payload="hapus:ya")
        await case._deliver_everything(service)
        after = await case._hits(service)
    finally:
        await service.close()
    return {"scenario": "erasure", "hits_before": before, "hits_after": len(after)}


async def main(database_url: str | None, users: int, every: float) -> None:
    """Run every scenario and print one JSON line each."""
    with tempfile.TemporaryDirectory() as folder:

        def url(name: str) -> str:
            return database_url or f"sqlite+aiosqlite:///{Path(folder) / name}"

        started = time.perf_counter()
        scenarios = [
            database_unreachable(url("down.db")),
            platform_outage(url("outage.db")),
            erasure(url("erasure.db")),
        ]
        for scenario in scenarios:
            print(json.dumps(await scenario, ensure_ascii=False))
        if database_url and database_url.startswith("postgresql"):
            print(json.dumps(await connections_terminated(database_url, users, every)))
        print(json.dumps({"seconds": round(time.perf_counter() - started, 1)}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--kill-every", type=float, default=0.5, help="seconds between kills")
    args = parser.parse_args()
    asyncio.run(main(args.database_url, args.users, args.kill_every))
