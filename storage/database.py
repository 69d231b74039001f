"""Database engine creation and migration to the newest schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Connections are replaced on a timer rather than pinged before every checkout: a ping
# costs a round trip per unit of work, and a dropped connection surfaces as
# StorageUnavailable anyway (the turn is retried whole).
RECYCLE_SECONDS = 1800
# Advisory lock key serialising migrations across processes (any constant of our own).
MIGRATE_LOCK = 0x6D61_0011
# Connections kept open per process: the sender's concurrent sends each hold one briefly,
# and a connection beyond the pool is opened and closed per use (a fork on the server).
POOL_SIZE = 16
POOL_OVERFLOW = 8


def create_engine(url: str) -> AsyncEngine:
    """Create an async engine that never prints bound parameters; SQLite gets its pragmas."""
    if url.startswith("sqlite"):
        in_memory = url.rstrip("/").endswith(("sqlite+aiosqlite:", ":memory:"))
        # An in-memory database lives in one connection: share it (used by `ask`/`eval`).
        extra = {"poolclass": StaticPool} if in_memory else {}
        engine = create_async_engine(
            url, connect_args={"timeout": 30}, hide_parameters=True, **extra
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    # Bound parameters carry message text and phone numbers: keep them out of error logs.
    return create_async_engine(
        url,
        hide_parameters=True,
        pool_recycle=RECYCLE_SECONDS,
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
    )


def alembic_config(url: str | None = None) -> Config:
    """Return an Alembic config pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def migrate(engine: AsyncEngine) -> None:
    """Upgrade the database to the newest migration, on the app's own engine."""

    def upgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Workers and a sender starting together: one migrates, the others wait and
            # then find the schema at its head. Released with the transaction.
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATE_LOCK}
            )
        await connection.run_sync(upgrade)


async def migrations_current(engine: AsyncEngine) -> bool:
    """Return True when the database is at the newest migration."""

    def check(connection: Connection) -> bool:
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        return MigrationContext.configure(connection).get_current_revision() == head

    async with engine.connect() as connection:
        return await connection.run_sync(check)
