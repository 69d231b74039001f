"""CPU per message: triage plus ranking alone, then whole engine turns over SQLite.

Run: .venv/bin/python benchmarks/turn_cpu.py [--turns 400]
CPU time (time.process_time, the aiosqlite thread included) rather than wall-clock, so
other work on a shared machine disturbs it less; each figure is the best of a few rounds.
Turns are WhatsApp text messages from the dev set, each from a new phone, on a temp file
database, after one warm-up pass over the same texts (village index and caches loaded).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from bot.composition import build_service
from bot.config import Settings
from bot.messages import Inbound
from knowledge.regions import RegionIndex
from knowledge.safety import assess

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
CORPUS = sorted((ROOT / "knowledge" / "triage").glob("*.jsonl"))


def texts_of(paths: list[Path]) -> list[str]:
    """Return the "text" of every JSON line in the files."""
    lines = [line for path in paths for line in path.read_text(encoding="utf-8").splitlines()]
    return [json.loads(line)["text"] for line in lines if line.strip()]


async def run(turns: int, rounds: int) -> None:
    """Print triage plus ranking CPU per message, then CPU per whole turn."""
    dev = texts_of([DEV])
    RegionIndex.load()
    with tempfile.TemporaryDirectory() as folder:
        service = await build_service(
            Settings(database_url=f"sqlite+aiosqlite:///{Path(folder) / 'turns.db'}")
        )
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
        print(
            f"whole turn (engine over SQLite): {min(costs) / turns * 1000:.2f} ms CPU per turn "
            f"({turns} turns, best of {rounds})"
        )
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
    args = parser.parse_args()
    asyncio.run(run(args.turns, args.rounds))


if __name__ == "__main__":
    main()
