"""Running a long-lived process's coroutine on uvloop, asyncio's loop rewritten in C."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import uvloop

T = TypeVar("T")


def run_on_uvloop(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` to completion on a new uvloop event loop (as asyncio.run does).

    The sender spends much of its CPU in the loop's socket and callback machinery (httpx
    to the platform, asyncpg to the database); uvloop does that work in C.
    """
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)
