"""Which database errors are passing trouble (retry later) rather than a bug in what was stored."""

from __future__ import annotations

from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from bot.ports import StorageUnavailable

# asyncpg errors SQLAlchemy passes on as a plain DBAPIError when a connection dies.
_CONNECTION_ERRORS = frozenset(
    {
        "AdminShutdownError",
        "CannotConnectNowError",
        "ConnectionDoesNotExistError",
        "ConnectionFailureError",
        "ConnectionRejectionError",
        "CrashShutdownError",
        "InterfaceError",
        "InternalClientError",
        "PostgresConnectionError",
        "TooManyConnectionsError",
    }
)


def is_transient(error: BaseException) -> bool:
    """Return True for a database that is down, busy or dropped the connection."""
    if isinstance(error, PoolTimeoutError | DisconnectionError | OSError | TimeoutError):
        return True
    if isinstance(error, OperationalError | InterfaceError):
        return True
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        orig = error.orig
        names = {cls.__name__ for cls in type(orig).__mro__} if orig is not None else set()
        cause = getattr(orig, "__cause__", None)
        if cause is not None:
            names |= {cls.__name__ for cls in type(cause).__mro__}
        return bool(names & _CONNECTION_ERRORS)
    return False


def is_unavailable(error: BaseException) -> bool:
    """Return True when a request failed because the database is unavailable right now."""
    return isinstance(error, StorageUnavailable) or is_transient(error)
