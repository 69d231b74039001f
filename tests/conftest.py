"""Shared fixtures: the knowledge base, a database per backend, and a ready engine."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.composition import Service, build_service
from bot.config import Settings
from knowledge import safety
from knowledge.base import KnowledgeBase
from storage.database import create_engine
from tests.helpers import FakeClock

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(autouse=True)
def _triage_model_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put the process's triage model back after each test.

    Loading other content (a test's own topics) retrains it; left in place, every later
    test would triage with that model, and results would depend on test order.
    """
    monkeypatch.setattr(safety, "_classifier", safety._classifier)


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    """Load the real knowledge base once."""
    return KnowledgeBase.load()


async def _reset_postgres(url: str) -> None:
    """Drop every table so each test migrates a clean schema."""
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return a fresh, empty database URL on each backend under test."""
    if request.param == "postgresql":
        url = Settings(database_url=os.environ["TEST_DATABASE_URL"]).database_url
        await _reset_postgres(url)
        return url
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def clock() -> FakeClock:
    """Return a hand-driven clock."""
    return FakeClock()


@pytest.fixture
async def service(
    database_url: str, knowledge: KnowledgeBase, clock: FakeClock
) -> AsyncIterator[Service]:
    """Build the whole service (migrated database, engine) on each backend."""
    built = await build_service(
        Settings(database_url=database_url), knowledge=knowledge, clock=clock
    )
    try:
        yield built
    finally:
        await built.close()
