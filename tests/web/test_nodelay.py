"""Nagle's algorithm is off on the connections `serve` accepts, with any number of workers."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from uvicorn.config import Config
from uvicorn.importer import import_from_string

from bot.config import Settings
from bot.web import app as app_module
from bot.web.nodelay import PROTOCOL, NoDelayH11Protocol, set_nodelay


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
