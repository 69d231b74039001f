"""Composition root: wires settings, database, knowledge, translations and the engine together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.engine import Engine, EngineOptions
from bot.i18n import Translator
from handlers.pipeline import build_pipeline
from knowledge.base import KnowledgeBase
from knowledge.lazy_regions import LazyRegions
from storage.database import create_engine, migrate
from storage.outbox import SqlOutbox
from storage.repository import SqlStorage

# One village index per process, loaded on first use and shared by every service built.
SHARED_REGIONS = LazyRegions()
# Platforms whose replies are delivered by the outbox sender, never inside the request.
OUTBOX_CHANNELS = frozenset({"telegram", "whatsapp"})


@dataclass
class Service:
    """Everything one process needs, built once."""

    settings: Settings
    database: AsyncEngine
    storage: SqlStorage
    knowledge: KnowledgeBase
    translator: Translator
    engine: Engine
    outbox: SqlOutbox

    async def close(self) -> None:
        """Release the database connections."""
        await self.database.dispose()


async def build_service(
    settings: Settings,
    knowledge: KnowledgeBase | None = None,
    clock: Callable[[], datetime] | None = None,
    regions: LazyRegions | None = None,
) -> Service:
    """Migrate the database and build the engine with the configured pipeline."""
    clock = clock or (lambda: datetime.now(UTC))
    # Content first: if it does not load, no database connection is left open behind it.
    knowledge = knowledge or KnowledgeBase.load(threshold=settings.answer_threshold)
    database = create_engine(settings.database_url)
    await migrate(database)
    storage = SqlStorage(database, clock, settings.answer_windows())
    translator = Translator(default=settings.default_locale)
    engine = Engine(
        storage,
        build_pipeline(),
        knowledge,
        translator,
        EngineOptions(
            default_locale=settings.default_locale,
            max_input_chars=settings.max_input_chars,
            dialog_timeout=timedelta(hours=settings.dialog_timeout_hours),
            outbox_channels=OUTBOX_CHANNELS,
        ),
        clock,
        regions=regions or SHARED_REGIONS,
    )
    outbox = SqlOutbox(database, clock)
    return Service(settings, database, storage, knowledge, translator, engine, outbox)
