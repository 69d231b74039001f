"""The sender process runs on uvloop."""

from __future__ import annotations

import asyncio

import uvloop

from bot.eventloop import run_on_uvloop


def test_run_on_uvloop_runs_the_coroutine_on_a_uvloop_loop_and_returns_its_result() -> None:
    async def loop_kind() -> type:
        return type(asyncio.get_running_loop())

    assert run_on_uvloop(loop_kind()) is uvloop.Loop
