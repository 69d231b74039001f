"""Schema tests: schemathesis sends what the OpenAPI schema allows (and more); never a 500."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from bot.composition import Service, build_service
from bot.config import Settings
from bot.web.app import create_app
from knowledge.base import KnowledgeBase
from tests.webapp import WHATSAPP


class LoopClient:
    """An httpx client on the app, driven from synchronous hypothesis tests on its own loop."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.lifespan = app.router.lifespan_context(app)
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url="http://test",
        )

    def request(self, **kwargs: Any) -> httpx.Response:
        """Send one request and wait for the answer."""
        return self.loop.run_until_complete(self.client.request(**kwargs))

    def __enter__(self) -> LoopClient:
        self.loop.run_until_complete(self.lifespan.__aenter__())
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.run_until_complete(self.lifespan.__aexit__(None, None, None))
        self.loop.close()


@pytest.fixture
def client(tmp_path: Path, knowledge: KnowledgeBase) -> Iterator[LoopClient]:
    """Run the whole app (its lifespan included) on a fresh SQLite database."""
    app_settings = Settings(database_url=f"sqlite:///{tmp_path / 'schema.db'}", **WHATSAPP)

    async def build(chosen: Settings) -> Service:
        return await build_service(chosen, knowledge=knowledge)

    with LoopClient(create_app(app_settings, build=build, run_sender=False)) as loop_client:
        yield loop_client


def test_no_operation_answers_500(client: LoopClient) -> None:
    schema = schemathesis.openapi.from_dict(
        client.request(method="GET", url="/openapi.json").json()
    )
    failures: list[str] = []
    calls: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        # Valid requests and deliberately invalid ones (wrong types, missing fields).
        cases = operation.as_strategy() | operation.as_strategy(GenerationMode.NEGATIVE)

        @settings(
            max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=cases)
        def call(case: schemathesis.Case) -> None:
            calls.append(case.path)
            kwargs = case.as_transport_kwargs(base_url="http://test")
            data = kwargs.get("data")
            response = client.request(
                method=kwargs["method"],
                url=kwargs["url"],
                headers=kwargs.get("headers"),
                params=kwargs.get("params"),
                json=kwargs.get("json"),
                content=data if isinstance(data, bytes | str) else None,
            )
            # 503 is the designed answer to an unavailable database, not a crash.
            if response.status_code >= 500 and response.status_code != 503:
                failures.append(f"{case.method} {case.path}: {response.status_code}")

        call()
    assert calls, "schemathesis sent nothing"
    assert failures == []
