"""Console channel: talk to the engine in a terminal or through a pipe."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Callable
from typing import TextIO

from bot.engine import Engine
from bot.messages import Channel, Inbound, Outbound, numbered_text

PROMPT = "> "


def render(message: Outbound) -> str:
    """Render a reply for the terminal: buttons become numbered choices the user can type."""
    return numbered_text(message)


async def run_console(
    engine: Engine,
    user_id: str = "console-user",
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
) -> None:
    """Read lines until end of input, printing the bot's replies to each."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty()
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        inbound = Inbound(
            channel=Channel.CONSOLE, user_id=user_id, message_id=new_id(), text=line.rstrip("\n")
        )
        if not interactive:
            stdout.write(f"{PROMPT}{inbound.text}\n")
        for reply in await engine.handle(inbound):
            stdout.write(render(reply) + "\n\n")
        stdout.flush()
