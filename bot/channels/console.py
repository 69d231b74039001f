"""Console channel: talk to the engine in a terminal or through a pipe."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Awaitable, Callable
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
    inbox: Callable[[], Awaitable[list[Outbound]]] | None = None,
) -> None:
    """Read lines until end of input, printing the bot's replies to each.

    `inbox` returns messages queued for this console user by others (an officer's answer,
    a notice to an officer); they are printed before each prompt and at the end.
    """
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty()

    async def show_inbox() -> None:
        for message in await inbox() if inbox else []:
            stdout.write("[pesan masuk]\n" + render(message) + "\n\n")

    while True:
        await show_inbox()
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            await show_inbox()
            break
        inbound = Inbound(
            channel=Channel.CONSOLE, user_id=user_id, message_id=new_id(), text=line.rstrip("\n")
        )
        if not interactive:
            stdout.write(f"{PROMPT}{inbound.text}\n")
        for reply in await engine.handle(inbound):
            stdout.write(render(reply) + "\n\n")
        stdout.flush()
