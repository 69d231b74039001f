"""The HTTP protocol `serve` gives uvicorn: its h11 protocol with Nagle's algorithm off and
each response written to the socket at once."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

# uvicorn's import string for the protocol (pickled by name to every worker process).
PROTOCOL = "bot.web.nodelay:NoDelayH11Protocol"


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    """Turn off Nagle's algorithm on a TCP connection (nothing for other sockets)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class CoalescingTransport:
    """A transport whose writes within one turn of the event loop go out in one send.

    uvicorn writes a response's head and its body separately: two send() calls, two
    loopback packets and two wake-ups of the client, where the kernel's work is a large
    part of a small request's cost. Joined, the response leaves as soon as the handler's
    step yields to the loop. Everything but writing and closing is the real transport's.
    """

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Queue data for the send at the end of this loop turn."""
        if not data:
            return
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(bytes(data))

    def writelines(self, chunks: Any) -> None:
        """Queue each chunk, as write() does."""
        for chunk in chunks:
            self.write(chunk)

    def flush(self) -> None:
        """Hand what was queued to the real transport in one write."""
        if not self._pending:
            return
        data = b"".join(self._pending) if len(self._pending) > 1 else self._pending[0]
        self._pending = []
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        """Send what is queued, then close (the real transport still drains its buffer)."""
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        """Drop what is queued and close at once."""
        self._pending = []
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol that sets TCP_NODELAY on every connection it accepts.

    With --workers N uvicorn binds the listening socket itself, with protocol number 0, and
    asyncio then leaves Nagle's algorithm on for the connections accepted from it. A
    response written in two parts (headers, then body) waits for the client's delayed ACK:
    about 40 ms per request, which capped `GET /docs` at 180 requests/s with 8 clients.
    Its writes go through CoalescingTransport, so each response is also one send.
    """

    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # type: ignore[override]
        """Set TCP_NODELAY, then start the connection as uvicorn does, writes coalesced."""
        set_nodelay(transport)
        coalescing = CoalescingTransport(transport, asyncio.get_running_loop())  # type: ignore[arg-type]
        super().connection_made(coalescing)  # type: ignore[arg-type]
