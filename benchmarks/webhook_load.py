"""End-to-end load: signed WhatsApp deliveries in, replies out at a local Graph API stand-in.

Run (bounded by --messages and --duration; everything on 127.0.0.1):
  .venv/bin/python benchmarks/webhook_load.py                         # SQLite, 1 process
  .venv/bin/python benchmarks/webhook_load.py --reset \
      --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/DB --workers 2 --sender

It starts `migrasi-aman serve` (and `migrasi-aman sender` with --sender) as real processes,
measures `GET /docs` requests/s on the same server as the machine's reference, then posts
deliveries from --phones senders, each sending its messages one after another (the next
once the webhook answered), --concurrency phones at a time. Every reply the stand-in
receives is matched to its inbound message by order per phone (the sender keeps each
recipient's messages in order), which gives lost and doubled replies per inbound id and
the time from webhook to reply.

The generator and the stand-in share the cores with what they measure, so they are cheap:
every delivery is built and signed before the timed window and sent over one kept-alive
connection per concurrent phone by a minimal asyncio HTTP/1.1 client, and the stand-in is
a minimal asyncio server (each still a real HTTP exchange over loopback).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

try:  # the generator shares the cores with the service: uvloop keeps its own share down
    from uvloop import run as run_loop
except ImportError:  # measuring an older checkout without it
    from asyncio import run as run_loop

ROOT = Path(__file__).resolve().parent.parent
SECRET = "load-app-secret-0123456789"
PHONE_ID = "100000000000002"
QUESTIONS = [
    "apa syarat kerja ke malaysia?",
    "berapa biaya penempatan ke taiwan?",
    "cara cek pt resmi",
    "paspor saya ditahan agen gimana",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


# --- minimal HTTP/1.1 on loopback -------------------------------------------------------
# The generator and the stand-in share the two cores with what they measure, so both speak
# just enough HTTP/1.1 (keep-alive, Content-Length bodies, chunked answers read) through
# asyncio protocols: a few microseconds per message instead of a full client or framework.


class HttpError(ConnectionError):
    """A connection closed or an answer that could not be read."""


def _head_value(head: bytes, name: bytes) -> bytes | None:
    """Return a header's value from a lower-cased message head, or None."""
    start = head.find(b"\r\n" + name + b":")
    if start < 0:
        return None
    start += len(name) + 3
    end = head.find(b"\r\n", start)
    return head[start : end if end >= 0 else len(head)].strip()


def _message_end(buffer: bytearray, head_end: int, head: bytes) -> int:
    """Return where the message whose head ends at head_end ends in buffer, or -1 if unread."""
    body_start = head_end + 4
    length = _head_value(head, b"content-length")
    if length is not None:
        end = body_start + int(length)
        return end if len(buffer) >= end else -1
    if _head_value(head, b"transfer-encoding") == b"chunked":
        position = body_start
        while True:
            line_end = buffer.find(b"\r\n", position)
            if line_end < 0:
                return -1
            size = int(bytes(buffer[position:line_end]).split(b";")[0], 16)
            position = line_end + 2 + size + 2
            if len(buffer) < position:
                return -1
            if size == 0:
                return position
    return body_start


def _chunked_body(raw: bytes) -> bytes:
    """Return the body of chunked transfer coding."""
    body, position = bytearray(), 0
    while True:
        line_end = raw.index(b"\r\n", position)
        size = int(raw[position:line_end].split(b";")[0], 16)
        if size == 0:
            return bytes(body)
        body += raw[line_end + 2 : line_end + 2 + size]
        position = line_end + 2 + size + 2


class _ClientProtocol(asyncio.Protocol):
    """One keep-alive connection: answers are read as they arrive, one request at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, bool]] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return
        head = bytes(self.buffer[:head_end]).lower()
        end = _message_end(self.buffer, head_end, head)
        if end < 0:
            return
        del self.buffer[:end]
        keep = _head_value(head, b"connection") != b"close"
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result((int(head[9:12]), keep))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(HttpError("connection closed by the server"))


class LoopbackClient:
    """Sends prebuilt HTTP/1.1 requests over one keep-alive connection; returns the status.

    Reconnects when the server closed the connection; a request cut by a closing
    connection raises HttpError (the caller posts it again, as the platform would).
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.protocol: _ClientProtocol | None = None

    async def send(self, request: bytes) -> int:
        """Send one whole request and return the answer's status code."""
        protocol = self.protocol
        if protocol is None or protocol.closed:
            loop = asyncio.get_running_loop()
            try:
                _transport, protocol = await loop.create_connection(
                    _ClientProtocol, self.host, self.port
                )
            except OSError as error:
                raise HttpError(str(error)) from error
            self.protocol = protocol
        protocol.waiter = asyncio.get_running_loop().create_future()
        assert protocol.transport is not None
        protocol.transport.write(request)
        status, keep = await protocol.waiter
        if not keep:
            protocol.transport.close()
            self.protocol = None
        return status

    def close(self) -> None:
        """Close the connection."""
        if self.protocol is not None and self.protocol.transport is not None:
            self.protocol.transport.close()
        self.protocol = None


def post_request(port: int, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    """Return a whole HTTP/1.1 POST request, ready to send."""
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class _StandinProtocol(asyncio.Protocol):
    """The Graph API stand-in's side of one connection: records each message's recipient."""

    def __init__(self, received: list[tuple[str, float]]) -> None:
        self.received = received
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = bytes(self.buffer[:head_end]).lower()
            end = _message_end(self.buffer, head_end, head)
            if end < 0:
                return
            body = bytes(self.buffer[head_end + 4 : end])
            del self.buffer[:end]
            if _head_value(head, b"transfer-encoding") == b"chunked":
                body = _chunked_body(body)
            self._answer(head, body)

    def _answer(self, head: bytes, body: bytes) -> None:
        method, path = head.split(b" ", 2)[:2]
        status = b"200 OK"
        if method == b"post" and path.startswith(b"/v21.0/") and path.endswith(b"/messages"):
            self.received.append((json.loads(body)["to"], time.time()))
            answer = b'{"messages": [{"id": "wamid.standin.%d"}]}' % len(self.received)
        elif method == b"get" and path == b"/log":
            answer = json.dumps(self.received).encode()
        else:
            status, answer = b"404 Not Found", b"{}"
        assert self.transport is not None
        close = _head_value(head, b"connection") == b"close"
        self.transport.write(
            b"HTTP/1.1 %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n%s\r\n%s"
            % (status, len(answer), b"connection: close\r\n" if close else b"", answer)
        )
        if close:
            self.transport.close()
            self.transport = None


def run_standin(port: int) -> None:
    """Serve POST /v21.0/{id}/messages, recording (to, wall time); GET /log returns them."""

    async def serve() -> None:
        received: list[tuple[str, float]] = []
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _StandinProtocol(received), "127.0.0.1", port)
        await server.serve_forever()

    run_loop(serve())


# --- processes under test ---------------------------------------------------------------


def server_env(args: argparse.Namespace) -> dict[str, str]:
    """Return the environment of the service processes."""
    return {
        **os.environ,
        "MIGRASI_DATABASE_URL": args.database_url,
        "MIGRASI_WHATSAPP_APP_SECRET": SECRET,
        "MIGRASI_WHATSAPP_VERIFY_TOKEN": "load-verify-token",
        "MIGRASI_WHATSAPP_ACCESS_TOKEN": "load-access-token",
        "MIGRASI_WHATSAPP_PHONE_NUMBER_ID": PHONE_ID,
        "MIGRASI_WHATSAPP_API_BASE": f"http://127.0.0.1:{args.port + 1}/v21.0",
        # The load measures throughput, not the per-sender limit (20 a minute by default).
        "MIGRASI_RATE_LIMIT_PER_MINUTE": "1000000",
        # Meta raises a number's throughput to 1,000 messages/s on request; the stand-in
        # has no limit, so the sender is paced at that tier.
        "MIGRASI_WHATSAPP_SENDS_PER_SECOND": "1000",
        "MIGRASI_LOG_LEVEL": args.log_level,
    }


def process_tree_rss(pid: int) -> int:
    """Return the summed resident memory (bytes) of a process and its children."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
        pending.extend(int(child) for child in children)
    return total


def process_tree_cpu(pid: int) -> float:
    """Return the CPU seconds (user + system) a process and its live children have used."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            stat = Path(f"/proc/{current}/stat").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # the command name may hold spaces
        total += (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
        pending.extend(int(child) for child in children)
    return total


TICKS = os.sysconf("SC_CLK_TCK")


# --- the load ---------------------------------------------------------------------------


def delivery(phone: str, message_id: str, text: str) -> bytes:
    """Return one WhatsApp Cloud API text delivery."""
    message = {
        "from": phone,
        "id": message_id,
        "timestamp": str(int(time.time())),
        "type": "text",
        "text": {"body": text},
    }
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550000000", "phone_number_id": PHONE_ID},
        "contacts": [{"profile": {"name": "Load"}, "wa_id": phone}],
        "messages": [message],
    }
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "0", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(body).encode()


def signed(body: bytes) -> dict[str, str]:
    """Return the headers of a correctly signed delivery."""
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


@dataclass
class Load:
    """What the generator sent and when."""

    sent: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    accepted: int = 0
    retried: int = 0
    refused: int = 0
    # Connections the server closed or reset under a request; the post is sent again, as
    # Meta does (the inbound id claim keeps a message that was stored from being answered twice).
    connection_errors: int = 0
    webhook_ms: list[float] = field(default_factory=list)
    first: float = 0.0
    last: float = 0.0


def delivery_request(port: int, phone: str, message_id: str, text: str) -> bytes:
    """Return the whole HTTP request of one signed delivery, ready to send."""
    body = delivery(phone, message_id, text)
    return post_request(port, "/webhooks/whatsapp", body, signed(body))


def question_of(phone: str) -> str:
    """Return the question a phone asks (each phone asks one, so its answer's parts are known)."""
    return QUESTIONS[int(phone[-4:]) % len(QUESTIONS)]


def presign(port: int, phones: list[str], messages: int) -> dict[tuple[str, int], bytes]:
    """Build and sign every delivery the load may send, before its timed window.

    Phones take turns in a queue, so none sends more than its share rounded up.
    """
    per_phone = -(-messages // max(len(phones), 1))
    return {
        (phone, number): delivery_request(
            port, phone, f"wamid.load.{phone}.{number}", question_of(phone)
        )
        for phone in phones
        for number in range(per_phone)
    }


async def post(client: LoopbackClient, request: bytes, load: Load | None = None) -> int:
    """Post one delivery, redelivering on 503 or a dropped connection as the platform does.

    Return the final status.
    """
    for _attempt in range(20):
        try:
            status = await client.send(request)
        except HttpError as error:
            if load is None:
                raise
            load.connection_errors += 1
            print(f"connection error, posting again: {error}", file=sys.stderr)
            await asyncio.sleep(0.5)
            continue
        if status != 503:
            return status
        await asyncio.sleep(0.5)
    return 503


async def generate(
    args: argparse.Namespace, phones: list[str], requests: dict[tuple[str, int], bytes]
) -> Load:
    """Send up to --messages deliveries within --duration seconds, each phone in turn.

    Each of the --concurrency workers keeps one connection; the requests were signed before.
    """
    load = Load()
    budget = args.messages
    deadline = time.monotonic() + args.duration
    queue: asyncio.Queue[str] = asyncio.Queue()
    for phone in phones:
        queue.put_nowait(phone)
    sequence: dict[str, int] = defaultdict(int)

    async def phone_worker() -> None:
        nonlocal budget
        client = LoopbackClient("127.0.0.1", args.port)
        try:
            while budget > 0 and time.monotonic() < deadline:
                phone = await queue.get()
                budget -= 1
                number = sequence[phone]
                sequence[phone] += 1
                request = requests.get((phone, number)) or delivery_request(
                    args.port, phone, f"wamid.load.{phone}.{number}", question_of(phone)
                )
                started = time.time()
                status = await post(client, request, load)
                finished = time.time()
                if status == 200:
                    load.sent[phone].append(started)
                    load.accepted += 1
                    load.webhook_ms.append((finished - started) * 1000)
                    load.last = finished
                else:
                    load.refused += 1
                queue.put_nowait(phone)  # this phone may send again, after the others
        finally:
            client.close()

    load.first = time.time()
    await asyncio.gather(*(phone_worker() for _ in range(args.concurrency)))
    return load


async def docs_rate(base: str, seconds: float = 3.0, concurrency: int = 8) -> float:
    """Return GET /docs requests/s against the same server: the machine's reference."""
    done = 0
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:

        async def worker() -> None:
            nonlocal done
            while time.monotonic() < deadline:
                response = await client.get("/docs")
                response.raise_for_status()
                done += 1

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.monotonic() - started)


async def replies(http: httpx.AsyncClient, standin: str) -> list[tuple[str, float]]:
    """Return every post the stand-in received, in arrival order."""
    return [tuple(item) for item in (await http.get(f"{standin}/log")).json()]


async def calibrate(port: int, http: httpx.AsyncClient, standin: str) -> dict[str, int]:
    """Return how many platform posts answer each question (long answers come in parts)."""
    parts: dict[str, int] = {}
    client = LoopbackClient("127.0.0.1", port)
    try:
        for number, question in enumerate(QUESTIONS):
            phone = f"6281999{number:05d}"
            for turn in range(2):  # the second answer is the steady state
                request = delivery_request(port, phone, f"wamid.cal.{number}.{turn}", question)
                assert await post(client, request) == 200
            previous, stable = -1, 0
            for _ in range(100):
                count = sum(1 for to, _t in await replies(http, standin) if to == phone)
                stable = stable + 1 if count == previous and count > 0 else 0
                if stable >= 6:
                    break
                previous = count
                await asyncio.sleep(0.25)
            parts[question] = count // 2
    finally:
        client.close()
    return parts


async def wait_until_up(url: str, within: float = 120.0) -> None:
    """Wait for a 200 from the URL."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=5) as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.3)
    raise SystemExit(f"{url} did not come up")


def reset_postgres(url: str) -> None:
    """Drop and recreate the public schema (only with --reset)."""
    from sqlalchemy import text

    from storage.database import create_engine

    async def main() -> None:
        engine = create_engine(url)
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await engine.dispose()

    asyncio.run(main())


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of the values fall."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def cpu_now(pids: dict[str, int]) -> dict[str, float]:
    """Return CPU seconds so far of each named process tree, this generator included."""
    spent = {name: process_tree_cpu(pid) for name, pid in pids.items()}
    spent["generator"] = time.process_time()
    return spent


async def measure(args: argparse.Namespace, pids: dict[str, int]) -> dict[str, Any]:
    """Run the whole measurement and return the figures.

    `pids` names the process trees whose CPU is counted from the load's start until the
    last reply arrived (or the drain gave up): per accepted message and in cores.
    """
    base = f"http://127.0.0.1:{args.port}"
    standin = f"http://127.0.0.1:{args.port + 1}"
    await wait_until_up(f"{base}/healthz")
    async with httpx.AsyncClient(timeout=30) as http:
        return await _measure(args, pids, base, standin, http)


async def _measure(
    args: argparse.Namespace,
    pids: dict[str, int],
    base: str,
    standin: str,
    http: httpx.AsyncClient,
) -> dict[str, Any]:
    """Calibrate, take the reference, run the load and count its replies (see measure)."""
    parts = await calibrate(args.port, http, standin)
    # After the calibration every worker has started (and loaded its knowledge), so the
    # reference is not measured against a process still busy starting.
    reference = await docs_rate(base)
    before = len(await replies(http, standin))
    phones = [f"6281{args.port:04d}{n:04d}" for n in range(args.phones)]
    requests = presign(args.port, phones, args.messages)
    load_average = os.getloadavg()[0]
    cpu_start, wall_start = cpu_now(pids), time.monotonic()
    load = await generate(args, phones, requests)
    load_end = time.time()
    backlog_at_end = (await http.get(f"{base}/readyz")).json()["outbox"]["backlog"]
    expected = {phone: len(times) * parts[question_of(phone)] for phone, times in load.sent.items()}
    total_expected = sum(expected.values())
    drain_deadline = time.monotonic() + args.drain
    while time.monotonic() < drain_deadline:
        got = [(to, at) for to, at in (await replies(http, standin))[before:] if to in expected]
        if len(got) >= total_expected:
            break
        await asyncio.sleep(0.25)
    cpu_end, wall = cpu_now(pids), time.monotonic() - wall_start
    cpu = {name: cpu_end[name] - cpu_start[name] for name in cpu_end}
    await asyncio.sleep(1.0)  # let any doubled post arrive too
    got = [(to, at) for to, at in (await replies(http, standin))[before:] if to in expected]
    by_phone: dict[str, list[float]] = defaultdict(list)
    for to, at in got:
        by_phone[to].append(at)
    latencies: list[float] = []
    lost = doubled = delivered = 0
    last_reply = 0.0
    for phone, sent_times in load.sent.items():
        per = parts[question_of(phone)]
        arrived = sorted(by_phone.get(phone, []))
        for index, sent_at in enumerate(sent_times):
            chunk = arrived[index * per : (index + 1) * per]
            if len(chunk) < per:
                lost += 1
                continue
            delivered += 1
            latencies.append((chunk[-1] - sent_at) * 1000)
            last_reply = max(last_reply, chunk[-1])
        doubled += max(0, len(arrived) - len(sent_times) * per) // max(per, 1)
    span = load.last - load.first
    return {
        "database": urlsplit(args.database_url).scheme,
        "load_average_at_start": round(load_average, 2),
        "workers": args.workers,
        "separate_sender": args.sender,
        "phones": args.phones,
        "concurrency": args.concurrency,
        "posts_per_answer": parts,
        "docs_requests_per_s": round(reference, 1),
        "accepted": load.accepted,
        "refused": load.refused,
        "connection_errors": load.connection_errors,
        "load_seconds": round(span, 2),
        "accepted_per_s": round(load.accepted / span, 1) if span else None,
        "delivered": delivered,
        "delivered_per_s_end_to_end": (
            round(delivered / (last_reply - load.first), 1) if last_reply else None
        ),
        "delivered_to_accepted": round(delivered / load.accepted, 3) if load.accepted else None,
        "webhook_p50_ms": round(statistics.median(load.webhook_ms), 1) if load.webhook_ms else None,
        "webhook_to_reply_p50_ms": round(percentile(latencies, 0.5), 1),
        "webhook_to_reply_p99_ms": round(percentile(latencies, 0.99), 1),
        "backlog_at_load_end": backlog_at_end,
        "last_reply_after_load_s": round(last_reply - load_end, 2) if last_reply else None,
        "lost": lost,
        "doubled": doubled,
        # CPU from the load's start to the last reply (or the drain's end), per accepted
        # delivery and in cores; the database server's is not counted.
        "cpu_ms_per_accepted": {
            name: round(seconds / max(load.accepted, 1) * 1000, 2) for name, seconds in cpu.items()
        },
        "cpu_cores": {name: round(seconds / wall, 2) for name, seconds in cpu.items()},
        "accepted_to_docs_ratio": (
            round(load.accepted / span / reference, 3) if span and reference else None
        ),
    }


def main() -> int:
    """Parse arguments, start the stand-in and the service, measure, stop everything."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--reset", action="store_true", help="empty the PostgreSQL schema first")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--sender", action="store_true", help="deliver from a separate process")
    parser.add_argument("--messages", type=int, default=1500, help="at most this many deliveries")
    parser.add_argument("--duration", type=float, default=20.0, help="at most this many seconds")
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--drain", type=float, default=60.0, help="seconds to wait for replies")
    parser.add_argument("--port", type=int, default=9500, help="service port; stand-in is +1")
    parser.add_argument(
        "--log-level",
        default="WARNING",
        help="the services' log level (INFO shows uvicorn restarting a worker it found hung)",
    )
    args = parser.parse_args()
    temp = tempfile.TemporaryDirectory()
    args.database_url = args.database_url or f"sqlite+aiosqlite:///{temp.name}/load.db"
    host = urlsplit(args.database_url.replace("+asyncpg", "").replace("+aiosqlite", "")).hostname
    if host is not None and host not in LOOPBACK:
        raise SystemExit("the load runs on loopback only: use a database on 127.0.0.1")
    if args.reset and args.database_url.startswith("postgresql"):
        reset_postgres(args.database_url)
    env = server_env(args)
    command = [str(ROOT / ".venv" / "bin" / "migrasi-aman")]
    # Our own installed console script, with fixed arguments.
    subprocess.run([*command, "migrate"], env=env, check=True, capture_output=True)  # noqa: S603
    standin = multiprocessing.Process(target=run_standin, args=(args.port + 1,), daemon=True)
    standin.start()
    serve = [*command, "serve", "--port", str(args.port), "--workers", str(args.workers)]
    serve += ["--no-sender"] if args.sender else []
    processes = [subprocess.Popen(serve, env=env)]  # noqa: S603
    if args.sender:
        processes.append(subprocess.Popen([*command, "sender"], env=env))  # noqa: S603
    peak = 0

    async def run() -> dict[str, Any]:
        nonlocal peak

        async def sample() -> None:
            nonlocal peak
            while True:
                peak = max(peak, sum(process_tree_rss(p.pid) for p in processes))
                await asyncio.sleep(0.5)

        sampler = asyncio.create_task(sample())
        try:
            pids = {"web": processes[0].pid, "standin": standin.pid or 0}
            if args.sender:
                pids["sender"] = processes[1].pid
            return await measure(args, pids)
        finally:
            sampler.cancel()

    try:
        figures = run_loop(run())
        figures["peak_rss_mib"] = round(peak / 2**20, 1)
        print(json.dumps(figures, indent=2))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        standin.terminate()
        standin.join(timeout=10)
        temp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
