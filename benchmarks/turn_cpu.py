"""CPU per message: triage plus ranking alone, whole engine turns, then the sender per reply.

Run: .venv/bin/python benchmarks/turn_cpu.py [--turns 400]
     .venv/bin/python benchmarks/turn_cpu.py --database-url postgresql+asyncpg://...  # emptied
CPU time (time.process_time, the aiosqlite thread included) rather than wall-clock, so
other work on a shared machine disturbs it less; each figure is the best of a few rounds.
Turns are WhatsApp text messages from the dev set (blind12 when ../shared is not beside the
checkout), each from a new phone, on a temp file
database (or the given PostgreSQL database, whose public schema is emptied first), after
one warm-up pass over the same texts (village index and caches loaded). Then the replies
the turns queued are delivered by the outbox sender to an in-process Graph API stand-in
(httpx's MockTransport): CPU per delivered reply, this process's share only (the
database server's CPU is not counted, on either backend).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import text

from bot.channels.delivery import outbox_sender, whatsapp_sender
from bot.composition import build_service
from bot.config import Settings
from bot.messages import Inbound
from knowledge.regions import RegionIndex
from knowledge.safety import assess
from storage.database import create_engine

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
# The dev set lives outside the repository; a checkout alone measures on a set it holds.
TURN_TEXTS = DEV if DEV.exists() else ROOT / "benchmarks" / "data" / "blind12.jsonl"
CORPUS = sorted((ROOT / "knowledge" / "triage").glob("*.jsonl"))


def texts_of(paths: list[Path]) -> list[str]:
    """Return the "text" of every JSON line in the files."""
    lines = [line for path in paths for line in path.read_text(encoding="utf-8").splitlines()]
    return [json.loads(line)["text"] for line in lines if line.strip()]


async def empty_postgres(url: str) -> None:
    """Drop and recreate the public schema of the given database."""
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def graph_api(request: httpx.Request) -> httpx.Response:
    """Accept every message, as the Graph API does."""
    return httpx.Response(200, json={"messages": [{"id": f"wamid.{time.perf_counter_ns()}"}]})


async def run(turns: int, rounds: int, database_url: str | None) -> None:
    """Print triage plus ranking CPU per message, CPU per whole turn, CPU per sent reply."""
    dev = texts_of([TURN_TEXTS])
    RegionIndex.load()
    if database_url:
        await empty_postgres(database_url)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=database_url or f"sqlite+aiosqlite:///{Path(folder) / 'turns.db'}",
            whatsapp_access_token="benchmark-token",  # noqa: S106 (the stand-in checks none)
            whatsapp_phone_number_id="100000000000002",
            whatsapp_sends_per_second=1_000_000,
        )
        service = await build_service(settings)
        knowledge = service.knowledge
        texts = dev + texts_of(CORPUS)
        for text in texts:  # warm-up: typo and stem caches filled as in a running service
            assess(text)
            knowledge.rank(text)
        best = min(
            _cpu(lambda: [(assess(t), knowledge.rank(t)) for t in texts]) for _ in range(rounds)
        )
        print(
            f"triage + ranking: {best / len(texts) * 1000:.3f} ms CPU per message "
            f"({len(texts)} messages)"
        )
        for number, text in enumerate(dev):
            await service.engine.handle_turn(
                Inbound("whatsapp", f"6281{number:08d}", f"w{number}", text=text)
            )
        costs = []
        for round_number in range(rounds):
            start = time.process_time()
            for number in range(turns):
                phone = f"628{round_number + 2}{number:08d}"
                text = dev[number % len(dev)]
                await service.engine.handle_turn(Inbound("whatsapp", phone, f"m{phone}", text=text))
            costs.append(time.process_time() - start)
        backend = "PostgreSQL" if database_url else "SQLite"
        print(
            f"whole turn (engine over {backend}): {min(costs) / turns * 1000:.2f} ms CPU per "
            f"turn ({turns} turns, best of {rounds})"
        )
        sender = outbox_sender(settings, service)
        whatsapp = whatsapp_sender(settings, service, httpx.MockTransport(graph_api))
        assert whatsapp is not None
        sender.transports = {"whatsapp": whatsapp}
        start = time.process_time()
        sent = await sender.deliver_due()
        cost = time.process_time() - start
        print(
            f"sender ({backend}, Graph API stand-in in process): "
            f"{cost / max(sent, 1) * 1000:.2f} ms CPU per reply ({sent} replies)"
        )
        await whatsapp.close()
        await service.close()


def _cpu(work: object) -> float:
    start = time.process_time()
    work()  # type: ignore[operator]
    return time.process_time() - start


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--database-url", help="a PostgreSQL database to empty and use (default: temp SQLite)"
    )
    args = parser.parse_args()
    asyncio.run(run(args.turns, args.rounds, args.database_url))


if __name__ == "__main__":
    main()
