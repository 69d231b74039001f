"""Test helpers: message factories, a controllable clock and transcript runners."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.composition import Service
from bot.engine import Engine
from bot.messages import Channel, Inbound, InboundKind, Outbound, numbered_text

_ids = itertools.count(1)


def make_inbound(
    text: str = "halo",
    *,
    user_id: str = "user-1",
    channel: str = Channel.CONSOLE,
    payload: str | None = None,
    message_id: str | None = None,
    kind: InboundKind | None = None,
) -> Inbound:
    """Build an inbound message with sensible defaults and a fresh message id."""
    return Inbound(
        channel=channel,
        user_id=user_id,
        message_id=message_id or f"m-{next(_ids)}",
        text=text,
        payload=payload,
        kind=kind or (InboundKind.BUTTON if payload else InboundKind.TEXT),
    )


@dataclass
class FakeClock:
    """A clock the test moves by hand."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 8, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(**delta)


def rendered(replies: list[Outbound]) -> str:
    """Join replies as the console shows them."""
    return "\n\n".join(numbered_text(reply) for reply in replies)


async def say(
    engine: Engine, text: str = "", *, user_id: str = "user-1", payload: str | None = None
) -> str:
    """Send one message and return the rendered replies."""
    return rendered(await engine.handle(make_inbound(text, user_id=user_id, payload=payload)))


async def verify_dialog(
    engine: Engine, transcript: list[tuple[str, str | list[str]]], user_id: str = "user-1"
) -> None:
    """Run (user says, answer contains) pairs through the engine, like Zulip's verify_dialog."""
    for said, expected in transcript:
        answer = await say(engine, said, user_id=user_id)
        for fragment in [expected] if isinstance(expected, str) else expected:
            assert fragment.lower() in answer.lower(), (
                f"after {said!r} expected {fragment!r} in:\n{answer}"
            )


@dataclass
class QueryCounter:
    """Statements, transaction edges and ORM flushes seen while counting."""

    statements: list[str] = field(default_factory=list)
    edges: int = 0
    flushes: int = 0

    @property
    def round_trips(self) -> int:
        """Return every statement plus BEGIN and COMMIT: each is one trip to the server."""
        return len(self.statements) + self.edges


@contextmanager
def counting(service: Service) -> Iterator[QueryCounter]:
    """Count what the service's engine sends while the block runs."""
    counter = QueryCounter()
    engine = service.database.sync_engine

    def statement(_conn, _cursor, sql, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        counter.statements.append(sql.split("\n")[0][:90])

    def edge(_conn) -> None:  # type: ignore[no-untyped-def]
        counter.edges += 1

    def flushed(_session, _context) -> None:  # type: ignore[no-untyped-def]
        counter.flushes += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "begin", edge)
    event.listen(engine, "commit", edge)
    event.listen(Session, "after_flush", flushed)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "begin", edge)
        event.remove(engine, "commit", edge)
        event.remove(Session, "after_flush", flushed)
