"""The HTTP protocol `serve` gives uvicorn: its h11 protocol with Nagle's algorithm off."""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol

# uvicorn's import string for the protocol (pickled by name to every worker process).
PROTOCOL = "bot.web.nodelay:NoDelayH11Protocol"


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    """Turn off Nagle's algorithm on a TCP connection (nothing for other sockets)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol that sets TCP_NODELAY on every connection it accepts.

    With --workers N uvicorn binds the listening socket itself, with protocol number 0, and
    asyncio then leaves Nagle's algorithm on for the connections accepted from it. A
    response written in two parts (headers, then body) waits for the client's delayed ACK:
    about 40 ms per request, which capped `GET /docs` at 180 requests/s with 8 clients.
    """

    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # type: ignore[override]
        """Set TCP_NODELAY, then start the connection as uvicorn does."""
        set_nodelay(transport)
        super().connection_made(transport)  # type: ignore[arg-type]
