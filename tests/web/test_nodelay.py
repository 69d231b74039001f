"""Nagle's algorithm is off on the connections `serve` accepts, with any number of workers."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from uvicorn.config import Config
from uvicorn.importer import import_from_string

from bot.config import Settings
from bot.web import app as app_module
from bot.web.nodelay import PROTOCOL, CoalescingTransport, NoDelayH11Protocol, set_nodelay


class _Transport:
    """The one piece of an asyncio transport set_nodelay reads."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.sock if name == "socket" else default


def test_a_connection_accepted_from_a_socket_bound_like_uvicorns_workers_gets_nodelay() -> None:
    # uvicorn binds with socket.socket(family=...): protocol 0, which asyncio skips.
    listener = socket.socket(family=socket.AF_INET)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    try:
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        set_nodelay(_Transport(accepted))  # type: ignore[arg-type]
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        for sock in (client, accepted, listener):
            sock.close()


def test_a_unix_socket_is_left_alone() -> None:
    first, second = socket.socketpair()
    try:
        set_nodelay(_Transport(first))  # type: ignore[arg-type]
    finally:
        first.close()
        second.close()


def test_serve_hands_uvicorn_the_nodelay_protocol(monkeypatch: pytest.MonkeyPatch) -> None:
    started: dict[str, Any] = {}
    monkeypatch.setattr(app_module.uvicorn, "run", lambda *args, **kwargs: started.update(kwargs))
    settings = Settings(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none")
    app_module.serve(settings, workers=2)
    assert started["workers"] == 2
    config = Config("bot.web.app:app_from_environment", factory=True, http=started["http"])
    assert config.http == PROTOCOL
    assert import_from_string(config.http) is NoDelayH11Protocol
    assert started["loop"] == "asyncio"


class _RecordingTransport:
    """Records what reaches the socket's transport."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return "peer" if name == "peername" else default


async def test_a_response_written_in_parts_leaves_in_one_send() -> None:
    real = _RecordingTransport()
    transport = CoalescingTransport(real, asyncio.get_running_loop())  # type: ignore[arg-type]
    transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
    transport.write(b"ok")
    transport.write(b"")  # h11's end of a Content-Length message
    assert real.writes == []  # nothing until the handler's step yields to the loop
    await asyncio.sleep(0)
    assert real.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"]
    assert transport.get_extra_info("peername") == "peer"  # the rest is the real transport's


async def test_closing_sends_what_was_queued_first() -> None:
    real = _RecordingTransport()
    transport = CoalescingTransport(real, asyncio.get_running_loop())  # type: ignore[arg-type]
    transport.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    transport.close()
    assert real.writes == [b"HTTP/1.1 400 Bad Request\r\n\r\n"]
    assert real.closed
    await asyncio.sleep(0)
    assert len(real.writes) == 1  # the scheduled flush finds nothing more


async def test_serve_protocol_answers_a_real_client_on_a_kept_alive_connection() -> None:
    import uvicorn

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        headers = [(b"content-length", b"5")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"hello"})

    listener = socket.socket(family=socket.AF_INET)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    config = uvicorn.Config(app, http=PROTOCOL, log_level="error")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    reader, writer = await asyncio.open_connection(*listener.getsockname())
    try:
        for _ in range(2):  # the second request on the same connection
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = await reader.readuntil(b"hello")
            assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
            assert answer.endswith(b"content-length: 5\r\n\r\nhello")
    finally:
        writer.close()
        server.should_exit = True
        await task
        listener.close()
