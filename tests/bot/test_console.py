"""The console channel: numbered choices, and a pipe of lines answered one by one."""

from __future__ import annotations

import io

from bot.channels.console import run_console
from bot.composition import Service


async def test_piped_lines_are_answered_with_numbered_choices(service: Service) -> None:
    stdin = io.StringIO("halo\n1\n")
    stdout = io.StringIO()
    await run_console(service.engine, stdin=stdin, stdout=stdout)
    out = stdout.getvalue()
    assert "> halo" in out and "1. Prosedur resmi" in out
    assert "> 1" in out and "Jalur resmi" in out
