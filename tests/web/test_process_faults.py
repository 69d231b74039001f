"""Real processes killed with SIGKILL: a web worker mid-turn, a sender mid-send.

Each test starts `migrasi-aman serve` and `migrasi-aman sender` on loopback with a Graph
API stand-in, kills one of them, starts it again, lets the platform redeliver what was
not acknowledged, and checks that every inbound message got its answer exactly once.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.messages import Outbound, Recipient
from storage.database import create_engine
from storage.outbox import SqlOutbox
from tests.faults import whatsapp_text
from tests.webapp import WA_PHONE_ID, WA_SECRET, WA_VERIFY, sign

ROOT = Path(__file__).resolve().parents[2]
COMMAND = str(ROOT / ".venv" / "bin" / "migrasi-aman")
QUESTION = "apa syarat kerja ke malaysia?"
OFFICER_ANSWER = "\n\n".join(f"Bagian {n}: " + "kata " * 700 for n in range(3))
STEP_TIMEOUT = 90.0


class StandIn:
    """A Graph API stand-in in a thread; a post counts once its answer could be sent.

    With `slow_parts`, each part of a long message ("Bagian 0", "Bagian 1", ...) takes a
    second at the platform; `waiting` counts the parts now inside that second.
    """

    def __init__(self, port: int, slow_parts: bool = False) -> None:
        self.port = port
        self.slow_parts = slow_parts
        self.accepted: list[str] = []
        self.parts: list[tuple[str, str]] = []
        self.waiting: Counter[str] = Counter()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    async def _messages(self, request: Request) -> JSONResponse:
        body = await request.json()
        text = body.get("text", {}).get("body", "")
        if self.slow_parts and text.startswith("Bagian"):
            self.waiting[text[:8]] += 1
            await asyncio.sleep(1.0)
            self.waiting[text[:8]] -= 1
        if await request.is_disconnected():
            # The sender died before the platform accepted: nothing was sent.
            return JSONResponse({}, status_code=499)
        self.accepted.append(body["to"])
        if text.startswith("Bagian"):
            self.parts.append((body["to"], text[:8]))
        return JSONResponse({"messages": [{"id": f"wamid.S.{len(self.accepted)}"}]})

    @contextmanager
    def running(self) -> Iterator[StandIn]:
        """Serve until the block ends."""
        app = Starlette(routes=[Route("/v21.0/{phone}/messages", self._messages, methods=["POST"])])
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        try:
            yield self
        finally:
            self._server.should_exit = True
            self._thread.join(timeout=10)


def _env(database_url: str, standin_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "MIGRASI_DATABASE_URL": database_url,
        "MIGRASI_WHATSAPP_APP_SECRET": WA_SECRET,
        "MIGRASI_WHATSAPP_VERIFY_TOKEN": WA_VERIFY,
        "MIGRASI_WHATSAPP_ACCESS_TOKEN": "wa-access-token-for-tests",
        "MIGRASI_WHATSAPP_PHONE_NUMBER_ID": WA_PHONE_ID,
        "MIGRASI_WHATSAPP_API_BASE": f"http://127.0.0.1:{standin_port}/v21.0",
        "MIGRASI_RATE_LIMIT_PER_MINUTE": "1000",
        "MIGRASI_SENDER_LEASE_SECONDS": "2",
        "MIGRASI_SENDER_POLL_SECONDS": "0.2",
        "MIGRASI_LOG_LEVEL": "WARNING",
    }


class Processes:
    """Service processes started for one test, all killed at its end."""

    def __init__(self, env: dict[str, str], port: int, logs: Path) -> None:
        self.env = env
        self.port = port
        self.logs = logs
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        """Start `migrasi-aman ARGS`, its output in the test's folder."""
        log = self.logs / f"{len(self.started)}-{args[0]}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603 (our own console script, fixed arguments)
                [COMMAND, *args], env=self.env, stdout=output, stderr=subprocess.STDOUT
            )
        self.started.append(process)
        return process

    def serve(self) -> subprocess.Popen[bytes]:
        """Start a web worker that does not deliver."""
        return self.start("serve", "--port", str(self.port), "--no-sender")

    @staticmethod
    def kill(process: subprocess.Popen[bytes]) -> None:
        """SIGKILL: no shutdown code runs."""
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        """Kill whatever is still running."""
        for process in self.started:
            if process.poll() is None:
                self.kill(process)


@asynccontextmanager
async def processes(database_url: str, port: int, logs: Path) -> AsyncIterator[Processes]:
    """Yield a process starter; everything it started is killed afterwards."""
    started = Processes(_env(database_url, port + 1), port, logs)
    # One migration before any process starts, as a deployment's release step does.
    migrate = [COMMAND, "migrate"]
    await asyncio.to_thread(
        subprocess.run, migrate, env=started.env, check=True, capture_output=True
    )
    try:
        yield started
    finally:
        started.stop_all()


async def _up(client: httpx.AsyncClient) -> None:
    deadline = time.monotonic() + STEP_TIMEOUT
    while time.monotonic() < deadline:
        try:
            if (await client.get("/healthz")).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError("the web worker did not come up")


async def _deliver(client: httpx.AsyncClient, phone: str) -> int:
    """Post the phone's one message; return the status (0 when the connection broke)."""
    body = json.dumps(whatsapp_text(f"wamid.KILL.{phone}", QUESTION, phone)).encode()
    headers = {"X-Hub-Signature-256": sign(body), "Content-Type": "application/json"}
    try:
        response = await client.post("/webhooks/whatsapp", content=body, headers=headers)
    except httpx.HTTPError:
        return 0
    return response.status_code


async def _answers_settle(standin: StandIn, phones: list[str], parts: int) -> Counter[str]:
    """Wait until every phone has its answer, then a moment longer for any double."""
    deadline = time.monotonic() + STEP_TIMEOUT
    while time.monotonic() < deadline:
        counts = Counter(standin.accepted)
        if all(counts[phone] >= parts for phone in phones):
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(3.0)  # longer than the lease: a row resent after it would show
    return Counter(standin.accepted)


async def _calibrate(client: httpx.AsyncClient, standin: StandIn) -> int:
    """Return how many posts answer QUESTION (an answer may come in parts)."""
    phone = "6281288800000"
    assert await _deliver(client, phone) == 200
    counts = await _answers_settle(standin, [phone], 1)
    return counts[phone]


async def test_worker_killed_mid_turn_every_inbound_answered_exactly_once(
    database_url: str, tmp_path: Path
) -> None:
    port = 9510
    phones = [f"62812888{n:05d}" for n in range(60)]
    with StandIn(port + 1).running() as standin:
        async with processes(database_url, port, tmp_path) as started:
            started.start("sender")
            worker = started.serve()
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                await _up(client)
                parts = await _calibrate(client, standin)
                assert parts >= 1
                # Deliveries in flight when the worker dies: some answered, some cut off.
                tasks = [asyncio.create_task(_deliver(client, phone)) for phone in phones]
                while not any(task.done() for task in tasks):  # noqa: ASYNC110 (polls tasks)
                    await asyncio.sleep(0.01)
                started.kill(worker)
                statuses = await asyncio.gather(*tasks)
                assert 0 in statuses, "the kill came too late to cut a turn"
                started.serve()
                await _up(client)
                # The platform redelivers what was not acknowledged; redelivering the rest
                # too checks that an answered message is never answered again.
                for phone in phones:
                    assert await _deliver(client, phone) == 200
            counts = await _answers_settle(standin, phones, parts)
    assert {phone: counts[phone] for phone in phones} == dict.fromkeys(phones, parts)


async def test_sender_killed_mid_send_every_inbound_answered_exactly_once(
    database_url: str, tmp_path: Path
) -> None:
    port = 9520
    phones = [f"62812999{n:05d}" for n in range(12)]
    with StandIn(port + 1, slow_parts=True).running() as standin:
        async with processes(database_url, port, tmp_path) as started:
            sender = started.start("sender")
            started.serve()
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                await _up(client)
                parts = await _calibrate(client, standin)
                for phone in phones:
                    assert await _deliver(client, phone) == 200
                await _answers_settle(standin, phones, parts)
            # An officer's long answer to each of them, three parts of about 3,600 characters,
            # queued while no sender runs, so one claim takes them all together.
            sender.terminate()
            sender.wait(timeout=20)
            engine = create_engine(database_url)
            outbox = SqlOutbox(engine)
            for phone in phones:
                await outbox.enqueue(Outbound(OFFICER_ANSWER), Recipient("whatsapp", phone))
            await engine.dispose()
            sender = started.start("sender")
            deadline = time.monotonic() + STEP_TIMEOUT
            # Kill while every second part is at the platform: each first part was accepted
            # and recorded before its second part went out.
            while standin.waiting["Bagian 1"] < len(phones) and time.monotonic() < deadline:  # noqa: ASYNC110 (the count lives in the stand-in's thread)
                await asyncio.sleep(0.02)
            started.kill(sender)
            assert Counter(label for _phone, label in standin.parts) == {"Bagian 0": len(phones)}
            started.start("sender")
            counts = await _answers_settle(standin, phones, parts + 3)
    # The restarted sender sent only the parts not yet accepted: nothing twice.
    assert {phone: counts[phone] for phone in phones} == dict.fromkeys(phones, parts + 3)
    assert Counter(standin.parts) == Counter(
        (phone, f"Bagian {n}") for phone in phones for n in range(3)
    )
